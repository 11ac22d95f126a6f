package dev.kona.testing;

import dev.kona.DType;
import dev.kona.Generator;
import dev.kona.Tensor;
import dev.kona.autograd.GradMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One op of the database (PyTorch's OpInfo idea): how to call it in Kona, sample inputs drawn
 * from a seeded {@link Generator}, an independent float64 reference, the primitives it exercises
 * and the errors bad inputs must raise.
 *
 * @param name       the public op name, e.g. {@code "exp"} or {@code "matmul"}
 * @param exercises  the primitives and kinds of {@link dev.kona.ops.Op} the op runs, as
 *                   {@code "Unary.EXP"}, {@code "Binary.ADD"}, {@code "Reduce.SUM"}, {@code "MatMul"}...
 * @param samples    sample inputs from a seeded generator
 * @param op         the op in Kona: inputs and sample arguments to outputs
 * @param ref        the reference: the same inputs as plain arrays to expected outputs (values and dtypes)
 * @param view       true when the op returns views sharing the input's storage (for contiguous input 0)
 * @param sameLayoutOnly true when the op depends on its input's layout by design (view), so the
 *                   suites do not re-run it on copies of its samples in other layouts
 * @param f32        tolerance (relative, absolute) for float32 outputs
 * @param f64        tolerance for float64 outputs
 * @param errors     bad calls and what their messages must contain
 * @param grad       how the op differentiates, for the gradient suites (finite-difference checks)
 */
public record OpInfo(String name, Set<String> exercises, Function<Generator, List<Sample>> samples, KonaFn op, RefFn ref,
                     boolean view, boolean sameLayoutOnly, Tol f32, Tol f64, List<ErrorCase> errors, GradSpec grad) {

    /** Whether gradients flow through an op. */
    public enum Grad {
        /** Gradients flow to the floating-point inputs; checked against finite differences. */
        DIFFERENTIABLE,
        /** Piecewise constant (sign, floor, ceil, round): differentiable with all-zero gradients, which are checked. */
        ZERO,
        /** No gradient at all: bool or integer outputs (comparisons, logical ops, argmax, nonzero, oneHot...). */
        NONE
    }

    /** Moves the value of element {@code v} of input {@code input} away from points where the op has no derivative. */
    @FunctionalInterface
    public interface GradDomain {
        double apply(int input, double v, Args a);
    }

    /**
     * How an entry differentiates.
     *
     * @param kind           differentiable, zero gradients, or none
     * @param domain         moves sample values away from kinks (|x| = 0 for abs, the bounds of clamp...); null for none
     * @param distinct       the op has no derivative at ties (max, min, sort, topk): samples with repeated values
     *                       and the expanded layout (which repeats values) are left out of the gradient check
     * @param extra          samples for the gradient check only, used as given (zeros for prod, -inf for logsumexp...)
     * @param replaceDerived true when {@code extra} replaces the samples derived from the entry's own samples
     * @param fn             the function whose gradient is checked; null for the op's floating-point outputs
     *                       (flattened and concatenated when there are several)
     * @param secondOrder    also check second derivatives (gradients of gradients)
     */
    public record GradSpec(Grad kind, GradDomain domain, boolean distinct, Function<Generator, List<Sample>> extra,
                           boolean replaceDerived, java.util.function.BiFunction<List<Tensor>, Args, Tensor> fn,
                           boolean secondOrder) {}

    /** Largest number of floating-point elements (all inputs together) in a gradient-check sample. */
    public static final int MAX_GRAD_NUMEL = 40;
    /** Samples with larger magnitudes are left out: a step of 1e-6 is lost in their rounding. */
    public static final double MAX_GRAD_MAGNITUDE = 1e3;

    /**
     * The samples the gradient suites check: the entry's samples that have a floating-point input,
     * finite values of moderate size, finite scalar arguments and outputs, and at most
     * {@link #MAX_GRAD_NUMEL} floating-point elements, converted to float64 (contiguous) with the
     * values moved by the domain; then the extra samples. Empty for {@link Grad#NONE}.
     */
    public List<Sample> gradSamples(Generator g) {
        if (grad.kind() == Grad.NONE) return List.of();
        List<Sample> out = new ArrayList<>();
        if (!grad.replaceDerived()) {
            for (Sample s : samples.apply(g)) {
                Sample d = toGradSample(s);
                if (d != null && finiteOutputs(d)) out.add(d);
            }
        }
        if (grad.extra() != null) out.addAll(grad.extra().apply(g));
        return out;
    }

    private Sample toGradSample(Sample s) {
        for (Object v : s.args().values()) {
            if (v instanceof Double d && !Double.isFinite(d)) return null;
        }
        List<Tensor> in = new ArrayList<>();
        int floats = 0, numel = 0;
        for (int i = 0; i < s.inputs().size(); i++) {
            Tensor t = s.inputs().get(i);
            if (!t.dtype().isFloatingPoint()) {
                in.add(t);
                continue;
            }
            floats++;
            double[] v = t.toDoubleArray();
            numel += v.length;
            Set<Double> seen = new java.util.HashSet<>();
            for (int k = 0; k < v.length; k++) {
                if (!Double.isFinite(v[k]) || Math.abs(v[k]) > MAX_GRAD_MAGNITUDE) return null;
                if (grad.domain() != null) v[k] = grad.domain().apply(i, v[k], s.args());
                if (grad.distinct() && !seen.add(v[k] == 0 ? 0.0 : v[k])) return null;
            }
            in.add(Tensor.of(v, t.shape()));
        }
        if (floats == 0 || numel > MAX_GRAD_NUMEL) return null;
        return new Sample(s.description(), in, s.args());
    }

    /** True when the op gives a floating-point output (an int64 scatter target does not) and all of them are finite. */
    private boolean finiteOutputs(Sample s) {
        boolean anyFloat = false;
        try (var g = GradMode.noGrad()) {
            for (Tensor t : op.apply(s.inputs(), s.args())) {
                if (!t.dtype().isFloatingPoint()) continue;
                anyFloat = true;
                for (double v : t.toDoubleArray()) if (!Double.isFinite(v)) return false;
            }
        } catch (RuntimeException e) {
            return true; // let the gradient suite report it
        }
        return anyFloat;
    }

    /** The function the gradient suites differentiate: see {@link GradSpec#fn}. */
    public Tensor gradOutput(List<Tensor> in, Args a) {
        if (grad.fn() != null) return grad.fn().apply(in, a);
        List<Tensor> outs = op.apply(in, a).stream().filter(t -> t.dtype().isFloatingPoint()).toList();
        if (outs.size() == 1) return outs.get(0);
        if (outs.isEmpty()) throw new IllegalStateException(name + ": no floating-point output to differentiate");
        return Tensor.cat(outs.stream().map(t -> t.reshape(-1)).toList(), 0);
    }

    /** Runs the op in Kona. */
    @FunctionalInterface
    public interface KonaFn {
        List<Tensor> apply(List<Tensor> in, Args a);
    }

    /** Computes the expected outputs. */
    @FunctionalInterface
    public interface RefFn {
        List<Nd> apply(List<Nd> in, Args a);
    }

    /** Relative and absolute tolerance. */
    public record Tol(double rtol, double atol) {}

    public static final Tol F32 = new Tol(1e-5, 1e-6);
    public static final Tol F64 = new Tol(1e-12, 1e-12);
    public static final Tol F16 = new Tol(2e-3, 1e-5);
    public static final Tol BF16 = new Tol(1.6e-2, 1e-4);

    public Tol tolerance(DType d) {
        return switch (d) {
            case FLOAT32 -> f32;
            case FLOAT64 -> f64;
            case FLOAT16 -> new Tol(Math.max(F16.rtol, f32.rtol), Math.max(F16.atol, f32.atol));
            case BFLOAT16 -> new Tol(Math.max(BF16.rtol, f32.rtol), Math.max(BF16.atol, f32.atol));
            default -> new Tol(0, 0);
        };
    }

    /** Non-tensor arguments of a sample (dims, flags, scalars...). */
    public record Args(Object... values) {
        public int i(int k) { return (Integer) values[k]; }
        public double d(int k) { return ((Number) values[k]).doubleValue(); }
        public boolean b(int k) { return (Boolean) values[k]; }
        public int[] ints(int k) { return (int[]) values[k]; }
        @SuppressWarnings("unchecked")
        public <T> T get(int k) { return (T) values[k]; }
        public int size() { return values.length; }

        @Override
        public String toString() {
            var sb = new StringBuilder("(");
            for (int k = 0; k < values.length; k++) {
                if (k > 0) sb.append(", ");
                Object v = values[k];
                sb.append(v instanceof int[] ia ? Arrays.toString(ia) : v instanceof Object[] oa ? Arrays.toString(oa) : String.valueOf(v));
            }
            return sb.append(')').toString();
        }
    }

    /** One sample: input tensors (possibly non-contiguous views, 0-d, empty...) and arguments. */
    public record Sample(String description, List<Tensor> inputs, Args args) {
        @Override
        public String toString() {
            var sb = new StringBuilder(description).append(" inputs=");
            for (Tensor t : inputs) {
                sb.append(Arrays.toString(t.shape())).append(':').append(t.dtype());
                if (!t.isContiguous()) sb.append("(strides ").append(Arrays.toString(t.stride())).append(')');
                if (t.isWrappedNumber()) sb.append("(wrapped)");
                sb.append(' ');
            }
            return sb.append("args=").append(args).toString();
        }
    }

    /** A bad call, the exception type it raises and substrings its message must contain. */
    public record ErrorCase(String description, Supplier<?> call, Class<? extends RuntimeException> type, List<String> contains) {}

    public static Builder builder(String name) {
        return new Builder(name);
    }

    @Override
    public String toString() {
        return name;
    }

    public static final class Builder {
        private final String name;
        private final Set<String> exercises = new LinkedHashSet<>();
        private Function<Generator, List<Sample>> samples = g -> List.of();
        private KonaFn op;
        private RefFn ref;
        private boolean view, sameLayoutOnly;
        private Tol f32 = F32, f64 = F64;
        private final List<ErrorCase> errors = new ArrayList<>();
        private Grad gradKind = Grad.DIFFERENTIABLE;
        private GradDomain gradDomain;
        private boolean gradDistinct, gradReplace, secondOrder;
        private Function<Generator, List<Sample>> gradExtra;
        private java.util.function.BiFunction<List<Tensor>, Args, Tensor> gradFn;

        private Builder(String name) {
            this.name = name;
        }

        public Builder exercises(String... keys) {
            exercises.addAll(List.of(keys));
            return this;
        }

        public Builder samples(Function<Generator, List<Sample>> s) {
            this.samples = s;
            return this;
        }

        public Builder op(KonaFn op) {
            this.op = op;
            return this;
        }

        /** For ops with one output. */
        public Builder op1(java.util.function.BiFunction<List<Tensor>, Args, Tensor> op) {
            this.op = (in, a) -> List.of(op.apply(in, a));
            return this;
        }

        public Builder ref(RefFn ref) {
            this.ref = ref;
            return this;
        }

        public Builder ref1(java.util.function.BiFunction<List<Nd>, Args, Nd> ref) {
            this.ref = (in, a) -> List.of(ref.apply(in, a));
            return this;
        }

        public Builder view() {
            this.view = true;
            return this;
        }

        public Builder sameLayoutOnly() {
            this.sameLayoutOnly = true;
            return this;
        }

        public Builder f32(double rtol, double atol) {
            this.f32 = new Tol(rtol, atol);
            return this;
        }

        public Builder f64(double rtol, double atol) {
            this.f64 = new Tol(rtol, atol);
            return this;
        }

        public Builder error(String description, Supplier<?> call, Class<? extends RuntimeException> type, String... contains) {
            errors.add(new ErrorCase(description, call, type, List.of(contains)));
            return this;
        }

        public Builder error(String description, Supplier<?> call, String... contains) {
            return error(description, call, IllegalArgumentException.class, contains);
        }

        /** The op has no gradient (bool or integer outputs). Entries are differentiable unless declared otherwise. */
        public Builder noGradient() {
            this.gradKind = Grad.NONE;
            return this;
        }

        /** The op is piecewise constant: its gradients are zeros. */
        public Builder zeroGradient() {
            this.gradKind = Grad.ZERO;
            return this;
        }

        /** Moves gradient-check sample values away from points without a derivative. */
        public Builder gradDomain(GradDomain d) {
            this.gradDomain = d;
            return this;
        }

        /** Moves every input's values with {@code f}. */
        public Builder gradDomain(java.util.function.DoubleUnaryOperator f) {
            return gradDomain((i, v, a) -> f.applyAsDouble(v));
        }

        /** Ties have no derivative: gradient checks use samples with distinct values only. */
        public Builder gradDistinct() {
            this.gradDistinct = true;
            return this;
        }

        /** Samples added to the derived ones for the gradient check. */
        public Builder gradSamples(Function<Generator, List<Sample>> extra) {
            this.gradExtra = extra;
            return this;
        }

        /** Samples that replace the derived ones for the gradient check. */
        public Builder onlyGradSamples(Function<Generator, List<Sample>> samples) {
            this.gradExtra = samples;
            this.gradReplace = true;
            return this;
        }

        /** The function whose gradient is checked, when it is not simply the op's floating-point outputs. */
        public Builder gradFn(java.util.function.BiFunction<List<Tensor>, Args, Tensor> fn) {
            this.gradFn = fn;
            return this;
        }

        /** Also check second derivatives. */
        public Builder secondOrder() {
            this.secondOrder = true;
            return this;
        }

        public OpInfo build() {
            if (op == null || ref == null) throw new IllegalStateException(name + ": op and ref are required");
            var grad = new GradSpec(gradKind, gradDomain, gradDistinct, gradExtra, gradReplace, gradFn, secondOrder);
            return new OpInfo(name, Set.copyOf(exercises), samples, op, ref, view, sameLayoutOnly, f32, f64, List.copyOf(errors),
                    grad);
        }
    }
}
