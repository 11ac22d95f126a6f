package dev.kona;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kona.testing.Make;
import dev.kona.testing.Nd;
import dev.kona.testing.OpDatabase;
import dev.kona.testing.OpInfo;
import dev.kona.testing.OpInfo.ErrorCase;
import dev.kona.testing.OpInfo.Sample;
import dev.kona.testing.TensorAssert;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generic suites over the op database: every entry's forward results against its float64
 * reference on the inputs as given, on contiguous copies and on two non-contiguous copies of the
 * same values; result dtypes; views sharing storage; error messages; and coverage of the op set.
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
            "squeeze", "unsqueeze", "flatten", "unflatten", "contiguous", "index");

    @Test
    void everyPublicOpHasAnEntry() {
        Set<String> names = new TreeSet<>(OpDatabase.exercised().keySet());
        Set<String> missing = new TreeSet<>(PUBLIC_OPS);
        missing.removeAll(names);
        assertTrue(missing.isEmpty(), "public ops without a database entry: " + missing);
    }
}
