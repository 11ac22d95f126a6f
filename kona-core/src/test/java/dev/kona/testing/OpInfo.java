package dev.kona.testing;

import dev.kona.DType;
import dev.kona.Generator;
import dev.kona.Tensor;
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
 */
public record OpInfo(String name, Set<String> exercises, Function<Generator, List<Sample>> samples, KonaFn op, RefFn ref,
                     boolean view, boolean sameLayoutOnly, Tol f32, Tol f64, List<ErrorCase> errors) {

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

        public OpInfo build() {
            if (op == null || ref == null) throw new IllegalStateException(name + ": op and ref are required");
            return new OpInfo(name, Set.copyOf(exercises), samples, op, ref, view, sameLayoutOnly, f32, f64, List.copyOf(errors));
        }
    }
}
