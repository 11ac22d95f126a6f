package dev.kona;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kona.autograd.Autograd;
import dev.kona.autograd.GradCheck;
import dev.kona.testing.Make;
import dev.kona.testing.Nd;
import dev.kona.testing.OpDatabase;
import dev.kona.testing.OpInfo;
import dev.kona.testing.OpInfo.Args;
import dev.kona.testing.OpInfo.ErrorCase;
import dev.kona.testing.OpInfo.Grad;
import dev.kona.testing.OpInfo.Sample;
import dev.kona.testing.TensorAssert;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generic suites over the op database: every entry's forward results against its float64
 * reference on the inputs as given, on contiguous copies and on two non-contiguous copies of the
 * same values; result dtypes; views sharing storage; error messages; coverage of the op set; and
 * gradients: finite-difference checks of every differentiable entry (first order on contiguous,
 * transposed, stepped and expanded inputs, second order on a subset), zero gradients of the
 * piecewise-constant ops, no graph from the non-differentiable ones, gradients shaped and typed
 * like their inputs, and coverage of all of that.
 */
class OpDatabaseTest {

    static Stream<OpInfo> entries() {
        return OpDatabase.all().stream();
    }

    static Stream<OpInfo> entriesWithErrors() {
        return OpDatabase.all().stream().filter(o -> !o.errors().isEmpty());
    }

    private static List<Tensor> mapInputs(List<Tensor> in, UnaryOperator<Tensor> f) {
        return in.stream().map(f).toList();
    }

    private static List<Nd> nds(List<Tensor> in) {
        return in.stream().map(Nd::of).toList();
    }

    /** Runs one sample on one version of its inputs; returns a failure message or null. */
    private static String check(OpInfo op, Sample s, List<Tensor> inputs, List<Nd> expected, String variant) {
        String ctx = op.name() + " [" + s + "] (" + variant + ")";
        List<Nd> before = nds(inputs);
        List<Tensor> out;
        try {
            out = op.op().apply(inputs, s.args());
        } catch (RuntimeException | AssertionError e) {
            return ctx + ": threw " + e;
        }
        try {
            assertEquals(expected.size(), out.size(), ctx + ": number of outputs");
            for (int i = 0; i < out.size(); i++) {
                Nd e = expected.get(i);
                TensorAssert.assertClose(out.get(i), e, op.tolerance(e.dtype), ctx + " output " + i);
            }
            List<Nd> after = nds(inputs);
            for (int i = 0; i < inputs.size(); i++) {
                if (!Arrays.equals(before.get(i).data, after.get(i).data)) return ctx + ": input " + i + " was modified";
            }
        } catch (AssertionError e) {
            return e.getMessage();
        }
        return null;
    }

    private static void runVariants(OpInfo op, List<String> variantNames, List<UnaryOperator<Tensor>> variants) {
        List<String> failures = new ArrayList<>();
        List<Sample> samples = op.samples().apply(OpDatabase.generator(op));
        assertFalse(samples.isEmpty(), op.name() + " has no samples");
        for (Sample s : samples) {
            List<Nd> expected;
            try {
                expected = op.ref().apply(nds(s.inputs()), s.args());
            } catch (RuntimeException e) {
                failures.add(op.name() + " [" + s + "]: reference threw " + e);
                continue;
            }
            for (int v = 0; v < variants.size(); v++) {
                String f = check(op, s, mapInputs(s.inputs(), variants.get(v)), expected, variantNames.get(v));
                if (f != null) failures.add(f);
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " failure(s):\n" + String.join("\n", failures.subList(0, Math.min(20, failures.size()))));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void forwardOnContiguousInputs(OpInfo op) {
        if (op.sameLayoutOnly()) {
            runVariants(op, List.of("as given"), List.of(t -> t));
            return;
        }
        runVariants(op, List.of("as given", "contiguous copies"), List.of(t -> t, Make::contiguousCopy));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void forwardOnNonContiguousInputs(OpInfo op) {
        if (op.sameLayoutOnly()) return;
        runVariants(op, List.of("stepped copies", "transposed copies"), List.of(Make::steppedCopy, Make::transposedCopy));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void resultDtypes(OpInfo op) {
        List<String> failures = new ArrayList<>();
        for (Sample s : op.samples().apply(OpDatabase.generator(op))) {
            List<Nd> expected = op.ref().apply(nds(s.inputs()), s.args());
            List<Tensor> out = op.op().apply(s.inputs(), s.args());
            for (int i = 0; i < out.size(); i++) {
                if (out.get(i).dtype() != expected.get(i).dtype) {
                    failures.add(op.name() + " [" + s + "] output " + i + ": " + out.get(i).dtype() + ", expected "
                            + expected.get(i).dtype);
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void viewsShareStorage(OpInfo op) {
        if (!op.view()) return;
        for (Sample s : op.samples().apply(OpDatabase.generator(op))) {
            Tensor x = s.inputs().get(0);
            if (!x.isContiguous() || x.numel() == 0) continue;
            for (Tensor out : op.op().apply(s.inputs(), s.args())) {
                assertTrue(out.storage() == x.storage(), op.name() + " [" + s + "]: result does not share the input's storage");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entriesWithErrors")
    void errorMessages(OpInfo op) {
        List<String> failures = new ArrayList<>();
        for (ErrorCase e : op.errors()) {
            String ctx = op.name() + " [" + e.description() + "]";
            try {
                Object r = e.call().get();
                failures.add(ctx + ": no exception; returned " + r);
            } catch (RuntimeException ex) {
                if (!e.type().isInstance(ex)) {
                    failures.add(ctx + ": threw " + ex.getClass().getSimpleName() + ", expected " + e.type().getSimpleName()
                            + ": " + ex.getMessage());
                    continue;
                }
                String msg = String.valueOf(ex.getMessage());
                for (String part : e.contains()) {
                    if (!msg.contains(part)) failures.add(ctx + ": message \"" + msg + "\" lacks \"" + part + "\"");
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /** Fails when a primitive or kind of the sealed op set has no entry that exercises it. */
    @Test
    void everyPrimitiveIsExercised() {
        Set<String> primitives = OpDatabase.primitiveKeys();
        Set<String> covered = new TreeSet<>();
        OpDatabase.exercised().values().forEach(covered::addAll);
        Set<String> unknown = new TreeSet<>(covered);
        unknown.removeAll(primitives);
        assertTrue(unknown.isEmpty(), "entries name primitives that do not exist: " + unknown);
        Set<String> missing = new TreeSet<>(primitives);
        missing.removeAll(covered);
        assertTrue(missing.isEmpty(), "primitives with no database entry exercising them: " + missing);
    }

    /** The public ops the database must cover (a new op goes here and into the database). */
    private static final List<String> PUBLIC_OPS = List.of(
            "neg", "abs", "exp", "log", "log1p", "expm1", "sqrt", "rsqrt", "square", "reciprocal", "sin", "cos", "tanh",
            "sigmoid", "relu", "leakyRelu", "elu", "gelu", "geluTanh", "erf", "silu", "softplus", "sign", "floor", "ceil", "round",
            "clamp", "pow(scalar)", "pow(tensor)", "add", "sub", "mul", "div", "maximum", "minimum", "eq", "ne", "lt", "le",
            "gt", "ge", "logicalAnd", "logicalOr", "logicalXor", "logicalNot", "where", "sum", "mean", "prod", "max", "min",
            "max(dim)", "min(dim)", "amax", "amin", "argmax", "argmin", "var", "std", "norm", "logsumexp", "all", "any",
            "cumsum", "cumprod", "softmax", "logSoftmax", "matmul", "mm", "bmm", "dot", "outer", "cat", "stack", "split",
            "chunk", "gather", "scatter", "scatterAdd", "indexSelect", "maskedFill", "maskedSelect", "nonzero", "oneHot",
            "topk", "sort", "argsort", "reshape", "view", "permute", "transpose", "t", "slice", "narrow", "select", "expand",
            "squeeze", "unsqueeze", "flatten", "unflatten", "contiguous", "index", "im2col", "col2im", "unfold", "fold",
            "conv3x3", "conv3x3InputGrad", "conv3x3WeightGrad", "conv1d", "conv2d", "convTranspose2d", "maxPool1d",
            "maxPool2d", "maxPool2dBackward", "avgPool1d", "avgPool2d", "adaptiveAvgPool2d", "globalAvgPool2d",
            "layerNorm", "batchNorm", "groupNorm", "embedding", "scaledDotProductAttention", "dropout");

    @Test
    void everyPublicOpHasAnEntry() {
        Set<String> names = new TreeSet<>(OpDatabase.exercised().keySet());
        Set<String> missing = new TreeSet<>(PUBLIC_OPS);
        missing.removeAll(names);
        assertTrue(missing.isEmpty(), "public ops without a database entry: " + missing);
    }

    // ------------------------------------------------------------------ gradients

    /** In-place optimizer updates: float outputs, never recorded. */
    private static final Set<String> IN_PLACE_UPDATES = Set.of("adamStep", "sgdStep");

    /** Float-valued entries that autograd does not record because their one caller differentiates them by hand. */
    private static final Set<String> HAND_DIFFERENTIATED = Set.of("lstmCell", "lstmCellBackward");
    /** Float outputs that depend on no input's value: random draws. */
    private static final Set<String> DRAWS = Set.of("rand");

    /**
     * Entries with no gradient at all: their outputs are bool or integer, random draws, or in-place
     * optimizer updates. Every other entry is gradient-checked.
     */
    private static final Set<String> NON_DIFFERENTIABLE = Set.of("eq", "ne", "lt", "le", "gt", "ge", "logicalAnd",
            "logicalOr", "logicalXor", "logicalNot", "all", "any", "argmax", "argmin", "argsort", "nonzero", "oneHot",
            "adamStep", "sgdStep", "rand", "lstmCell", "lstmCellBackward");

    /** Piecewise-constant entries: differentiable, with gradients that are zeros (checked). */
    private static final Set<String> ZERO_GRADIENT = Set.of("sign", "floor", "ceil", "round");

    /** Entries whose second derivatives must be checked: elementwise, matmul, softmax, reductions, views, indexing. */
    private static final Set<String> SECOND_ORDER = Set.of("exp", "log", "sqrt", "tanh", "sigmoid", "gelu", "geluTanh",
            "silu", "erf", "softplus", "elu", "reciprocal", "mul", "div", "pow(tensor)", "pow(scalar)", "where", "matmul",
            "bmm", "softmax", "logSoftmax", "sum", "mean", "prod", "amax", "var", "norm", "logsumexp", "cumsum", "cumprod",
            "reshape", "permute", "slice", "narrow", "select", "expand", "flatten", "index", "cat", "gather", "scatter",
            "scatterAdd", "indexSelect", "maskedFill", "im2col", "col2im", "conv3x3", "conv3x3InputGrad", "conv3x3WeightGrad",
            "conv2d", "convTranspose2d",
            "layerNorm", "batchNorm", "groupNorm", "scaledDotProductAttention", "dropout");

    static Stream<OpInfo> differentiableEntries() {
        return OpDatabase.all().stream().filter(o -> o.grad().kind() != Grad.NONE);
    }

    static Stream<OpInfo> zeroGradientEntries() {
        return OpDatabase.all().stream().filter(o -> o.grad().kind() == Grad.ZERO);
    }

    static Stream<OpInfo> nonDifferentiableEntries() {
        return OpDatabase.all().stream().filter(o -> o.grad().kind() == Grad.NONE);
    }

    static Stream<OpInfo> secondOrderEntries() {
        return OpDatabase.all().stream().filter(o -> o.grad().secondOrder());
    }

    /** One way of feeding a gradient-check sample to the op: the leaves, and the op applied to (views of) them. */
    private record GradCase(String layout, List<Tensor> leaves, Function<List<Tensor>, Tensor> fn) {}

    /** Floating-point inputs with two or more elements get other layouts; indices, masks and scalars do not. */
    private static boolean relayable(Tensor t) {
        return t.dtype().isFloatingPoint() && t.dim() > 0 && t.numel() > 1;
    }

    /** The same values stored transposed (dimensions reversed), built differentiably from {@code t}. */
    static Tensor transposedView(Tensor t) {
        if (!relayable(t) || t.dim() < 2) return t;
        return Make.reversedLayout(Make.reversedLayout(t).contiguous());
    }

    /** The same values with a step of 2 and an offset of 1 along the last dimension, built differentiably. */
    static Tensor steppedView(Tensor t) {
        if (!relayable(t)) return t;
        return Tensor.stack(List.of(Tensor.zerosLike(t), t), -1).select(-1, 1);
    }

    private static int floatNumel(Sample s) {
        return s.inputs().stream().filter(t -> t.dtype().isFloatingPoint()).mapToInt(t -> (int) t.numel()).sum();
    }

    /**
     * The layouts a gradient-check sample runs in. GradCheck's leaves are contiguous float64, so the
     * other layouts are built inside the checked function: transposed storage, a step of 2 and,
     * unless the op has no derivative at ties, stride 0 (leaves of one row expanded to the sample's
     * shape, which repeats values).
     */
    private static List<GradCase> gradCases(OpInfo op, Sample s) {
        Args a = s.args();
        List<GradCase> cases = new ArrayList<>();
        cases.add(new GradCase("contiguous", s.inputs(), in -> op.gradOutput(in, a)));
        if (op.sameLayoutOnly() || s.inputs().stream().noneMatch(OpDatabaseTest::relayable)) return cases;
        if (s.inputs().stream().anyMatch(t -> relayable(t) && !transposedView(t).isContiguous())) {
            cases.add(new GradCase("transposed", s.inputs(), in -> op.gradOutput(mapInputs(in, OpDatabaseTest::transposedView), a)));
        }
        cases.add(new GradCase("stepped", s.inputs(), in -> op.gradOutput(mapInputs(in, OpDatabaseTest::steppedView), a)));
        if (!op.grad().distinct() && s.inputs().stream().anyMatch(t -> relayable(t) && t.size(0) > 1)) {
            List<int[]> shapes = s.inputs().stream().map(Tensor::shape).toList();
            List<Tensor> rows = mapInputs(s.inputs(), t -> relayable(t) && t.size(0) > 1 ? t.narrow(0, 0, 1).copy() : t);
            cases.add(new GradCase("expanded", rows, in -> {
                List<Tensor> e = new ArrayList<>();
                for (int i = 0; i < in.size(); i++) {
                    Tensor t = in.get(i);
                    e.add(Arrays.equals(t.shape(), shapes.get(i)) ? t : t.expand(shapes.get(i)));
                }
                return op.gradOutput(e, a);
            }));
        }
        return cases;
    }

    /** The exception, with where it came from unless it is a gradient mismatch. */
    private static String describe(Throwable e) {
        if (e instanceof AssertionError) return e.toString();
        StringBuilder sb = new StringBuilder(e.toString());
        StackTraceElement[] st = e.getStackTrace();
        for (int i = 0; i < Math.min(8, st.length); i++) sb.append("\n        at ").append(st[i]);
        return sb.toString();
    }

    private static void failIfAny(List<String> failures) {
        if (!failures.isEmpty()) {
            fail(failures.size() + " failure(s):\n" + String.join("\n", failures.subList(0, Math.min(20, failures.size()))));
        }
    }

    /** First derivatives against central differences, in float64, in every layout. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("differentiableEntries")
    void gradientsMatchFiniteDifferences(OpInfo op) {
        List<Sample> samples = op.gradSamples(OpDatabase.generator(op));
        assertFalse(samples.isEmpty(), op.name() + " has no gradient-check samples");
        List<String> failures = new ArrayList<>();
        for (Sample s : samples) {
            for (GradCase c : gradCases(op, s)) {
                try {
                    GradCheck.check(c.fn(), c.leaves());
                } catch (RuntimeException | AssertionError e) {
                    failures.add(op.name() + " [" + s + "] (" + c.layout() + "): " + describe(e));
                }
            }
        }
        failIfAny(failures);
    }

    /** Second derivatives (gradients of gradients, with createGraph) of a few small samples, of the op's output squared. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("secondOrderEntries")
    void secondDerivativesMatchFiniteDifferences(OpInfo op) {
        List<Sample> small = op.gradSamples(OpDatabase.generator(op)).stream()
                .filter(s -> floatNumel(s) > 0 && floatNumel(s) <= 24).limit(3).toList();
        assertFalse(small.isEmpty(), op.name() + " has no small gradient-check sample");
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < small.size(); i++) {
            Sample s = small.get(i);
            List<GradCase> cases = gradCases(op, s);
            // Every layout for the first sample, contiguous for the others.
            for (GradCase c : i == 0 ? cases : cases.subList(0, 1)) {
                try {
                    GradCheck.checkSecondOrder(in -> {
                        Tensor y = c.fn().apply(in);
                        return y.mul(y);
                    }, c.leaves());
                } catch (RuntimeException | AssertionError e) {
                    failures.add(op.name() + " [" + s + "] (" + c.layout() + ", second order): " + describe(e));
                }
            }
        }
        failIfAny(failures);
    }

    /** sign, floor, ceil, round: recorded in the graph, with gradients that are exactly zero. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("zeroGradientEntries")
    void piecewiseConstantOpsHaveZeroGradients(OpInfo op) {
        for (Sample s : op.gradSamples(OpDatabase.generator(op))) {
            List<Tensor> leaves = mapInputs(s.inputs(), t -> t.dtype().isFloatingPoint() ? t.copy().requiresGrad(true) : t);
            Tensor y = op.gradOutput(leaves, s.args());
            assertTrue(y.requiresGrad(), op.name() + " [" + s + "]: the output is not in the graph");
            List<Tensor> wrt = leaves.stream().filter(Tensor::requiresGrad).toList();
            List<Tensor> grads = Autograd.grad(List.of(y), wrt, List.of(Tensor.onesLike(y)), false, false);
            for (int i = 0; i < wrt.size(); i++) {
                assertArrayEquals(wrt.get(i).shape(), grads.get(i).shape(), op.name() + " [" + s + "]: gradient shape");
                for (double v : grads.get(i).toDoubleArray()) assertEquals(0.0, v, 0.0, op.name() + " [" + s + "]: gradient");
            }
        }
    }

    /** Comparisons, logical ops, argmax, nonzero...: bool or integer outputs, outside any graph, even from inputs that require grad. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("nonDifferentiableEntries")
    void nonDifferentiableOpsRecordNothing(OpInfo op) {
        List<String> failures = new ArrayList<>();
        for (Sample s : op.samples().apply(OpDatabase.generator(op))) {
            if (s.inputs().stream().anyMatch(t -> t.numel() > 1000)) continue;
            List<Tensor> in = mapInputs(s.inputs(),
                    t -> t.dtype().isFloatingPoint() && !t.isWrappedNumber() ? t.detach().requiresGrad(true) : t);
            for (Tensor out : op.op().apply(in, s.args())) {
                boolean floatAllowed = IN_PLACE_UPDATES.contains(op.name()) || DRAWS.contains(op.name())
                        || HAND_DIFFERENTIATED.contains(op.name());
                if ((out.dtype().isFloatingPoint() && !floatAllowed) || out.requiresGrad()) {
                    failures.add(op.name() + " [" + s + "]: output " + out.dtype() + (out.requiresGrad() ? " requires grad" : ""));
                }
            }
        }
        failIfAny(failures);
    }

    /**
     * Backward on the samples as given (float32, float16, bfloat16, mixed dtypes, broadcast and
     * non-contiguous inputs): every non-empty leaf gets a gradient of its own shape and dtype.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("differentiableEntries")
    void gradientsHaveTheInputsShapesAndDtypes(OpInfo op) {
        List<String> failures = new ArrayList<>();
        for (Sample s : op.samples().apply(OpDatabase.generator(op))) {
            if (s.inputs().stream().anyMatch(t -> t.numel() > 1000)) continue;
            List<Tensor> in = mapInputs(s.inputs(),
                    t -> t.dtype().isFloatingPoint() && !t.isWrappedNumber() ? t.detach().requiresGrad(true) : t);
            if (in.stream().noneMatch(Tensor::requiresGrad)) continue;
            String ctx = op.name() + " [" + s + "]";
            try {
                Tensor loss = null;
                for (Tensor out : op.op().apply(in, s.args())) {
                    if (!out.dtype().isFloatingPoint()) continue;
                    if (!out.requiresGrad()) {
                        failures.add(ctx + ": a " + out.dtype() + " output does not require grad");
                        continue;
                    }
                    Tensor term = out.to(DType.FLOAT64).sum();
                    loss = loss == null ? term : loss.add(term);
                }
                if (loss == null) continue;
                loss.backward();
                for (int i = 0; i < in.size(); i++) {
                    Tensor leaf = in.get(i), g = leaf.grad();
                    if (!leaf.requiresGrad()) continue;
                    if (g == null) {
                        if (leaf.numel() > 0) failures.add(ctx + ": input " + i + " got no gradient");
                        continue;
                    }
                    if (!Arrays.equals(g.shape(), leaf.shape()) || g.dtype() != leaf.dtype()) {
                        failures.add(ctx + ": input " + i + " " + Arrays.toString(leaf.shape()) + ":" + leaf.dtype() + " got a gradient "
                                + Arrays.toString(g.shape()) + ":" + g.dtype());
                    }
                }
            } catch (RuntimeException | AssertionError e) {
                failures.add(ctx + ": " + e);
            }
        }
        failIfAny(failures);
    }

    /**
     * Fails when a differentiable entry has no gradient check: every entry that is not listed as
     * non-differentiable must be declared differentiable (or zero-gradient) and have a sample
     * with a non-empty floating-point input; the listed ones must be declared so; the second-order
     * subset must be flagged.
     */
    @Test
    void everyDifferentiableEntryHasAGradientCheck() {
        List<String> problems = new ArrayList<>();
        Set<String> names = OpDatabase.exercised().keySet();
        for (String n : NON_DIFFERENTIABLE) if (!names.contains(n)) problems.add("listed as non-differentiable but no entry: " + n);
        for (String n : ZERO_GRADIENT) if (!names.contains(n)) problems.add("listed as zero-gradient but no entry: " + n);
        for (String n : SECOND_ORDER) {
            if (!names.contains(n)) problems.add("listed for second order but no entry: " + n);
            else if (!OpDatabase.get(n).grad().secondOrder()) problems.add(n + ": second derivatives are not checked (secondOrder())");
        }
        for (OpInfo op : OpDatabase.all()) {
            Grad expected = NON_DIFFERENTIABLE.contains(op.name()) ? Grad.NONE
                    : ZERO_GRADIENT.contains(op.name()) ? Grad.ZERO : Grad.DIFFERENTIABLE;
            if (op.grad().kind() != expected) {
                problems.add(op.name() + ": declared " + op.grad().kind() + ", expected " + expected
                        + (expected == Grad.DIFFERENTIABLE ? " (only the listed non-differentiable entries may opt out)" : ""));
            }
            if (expected == Grad.NONE) continue;
            long checked = op.gradSamples(OpDatabase.generator(op)).stream().filter(s -> floatNumel(s) > 0).count();
            if (checked == 0) problems.add(op.name() + ": differentiable, but no gradient-check sample has a non-empty floating-point input");
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }
}
