package dev.kona.testing;

import static dev.kona.testing.Make.INF;
import static dev.kona.testing.Make.NAN;
import static dev.kona.testing.Make.s;
import static dev.kona.testing.Make.sh;

import dev.kona.DType;
import dev.kona.Generator;
import dev.kona.Tensor;
import dev.kona.testing.Make.Dist;
import dev.kona.testing.OpInfo.Args;
import dev.kona.testing.OpInfo.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** Database entries of the reductions, the scans and softmax. */
final class ReductionOps {
    private ReductionOps() {}

    private static final DType F32 = DType.FLOAT32, F64 = DType.FLOAT64;
    private static final Dist N = Make.NORMAL;
    private static final double NEG_INF = Double.NEGATIVE_INFINITY;

    /** Sample inputs for reductions over a set of dims; args: (int[] dims, boolean keepDim). */
    static List<Sample> samples(Generator g, boolean ints, boolean empties, Dist d) {
        List<Sample> s = new ArrayList<>();
        s.add(s("3-d, all", Make.fill(g, F32, d, 3, 4, 5), sh(), false));
        s.add(s("3-d, dim 1", Make.fill(g, F32, d, 3, 4, 5), sh(1), false));
        s.add(s("3-d, dim -1 keepDim", Make.fill(g, F32, d, 3, 4, 5), sh(-1), true));
        s.add(s("3-d, dims 0 and 2", Make.fill(g, F32, d, 3, 4, 5), sh(0, 2), false));
        s.add(s("3-d, dims 2 and 0 keepDim", Make.fill(g, F32, d, 3, 4, 5), sh(2, 0), true));
        s.add(s("3-d, dim 0", Make.fill(g, F32, d, 3, 4, 5), sh(0), false));
        s.add(s("0-d, all", Make.fill(g, F32, d), sh(), false));
        s.add(s("0-d, dim 0 keepDim", Make.fill(g, F32, d), sh(0), true));
        s.add(s("size 1", Make.fill(g, F32, d, 1), sh(), false));
        s.add(s("size-1 dims", Make.fill(g, F32, d, 1, 3, 1), sh(0, 2), true));
        s.add(s("no rows", Make.fill(g, F32, d, 0, 3), sh(1), false));
        s.add(s("transposed, dim 1", Make.transposed(g, F32, d, 4, 5), sh(1), false));
        s.add(s("transposed, dim 0", Make.transposed(g, F32, d, 4, 5), sh(0), true));
        s.add(s("stepped, dim 1", Make.stepped(g, F32, d, 3, 6), sh(1), false));
        s.add(s("stepped, all", Make.stepped(g, F32, d, 3, 6), sh(), false));
        s.add(s("expanded, dim 0", Make.expanded(g, F32, d, 3, 4), sh(0), false));
        s.add(s("float64, dim 0", Make.fill(g, F64, d, 3, 4), sh(0), false));
        s.add(s("float16, all", Make.fill(g, DType.FLOAT16, d, 8), sh(), false));
        s.add(s("bfloat16, dim 1", Make.fill(g, DType.BFLOAT16, d, 2, 5), sh(1), false));
        s.add(s("long float32 vector (chunked)", Make.fill(g, F32, d, 70_001), sh(), false));
        s.add(s("long float32 rows", Make.fill(g, F32, d, 3, 20_000), sh(1), false));
        s.add(s("long float64 vector", Make.fill(g, F64, d, 70_001), sh(0), false));
        s.add(s("special values per row", Make.of(F32, sh(4, 4), NAN, 1, 2, 3, INF, 1, -2, 0, -INF, -1, 5, 2, INF, -INF, 1, 1),
                sh(1), false));
        if (empties) {
            s.add(s("empty, all", Make.fill(g, F32, d, 0), sh(), false));
            s.add(s("empty dim", Make.fill(g, F32, d, 0, 3), sh(0), false));
            s.add(s("empty middle dim keepDim", Make.fill(g, F32, d, 2, 0, 3), sh(1), true));
        }
        if (ints) {
            s.add(s("int32, dim 1", Make.rand(g, DType.INT32, 3, 4), sh(1), false));
            s.add(s("int64, all", Make.rand(g, DType.INT64, 5), sh(), false));
            s.add(s("int64 transposed, dim 0", Make.reversedLayout(Make.rand(g, DType.INT64, 4, 3)), sh(0), false));
            s.add(s("bool, dim 0", Make.rand(g, DType.BOOL, 3, 4), sh(0), false));
        }
        return s;
    }

    /** sum/prod of bool and integers give int64. */
    static DType sumType(DType d) {
        return d.isFloatingPoint() ? d : DType.INT64;
    }

    static double sum(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s;
    }

    static double prod(double[] v) {
        double s = 1;
        for (double x : v) s *= x;
        return s;
    }

    static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            if (Double.isNaN(x)) return NAN;
            m = Math.max(m, x);
        }
        return m;
    }

    static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) {
            if (Double.isNaN(x)) return NAN;
            m = Math.min(m, x);
        }
        return m;
    }

    static double var(double[] v, double correction) {
        double mean = sum(v) / v.length;
        double ss = 0;
        for (double x : v) ss += (x - mean) * (x - mean);
        return ss / Math.max(0, v.length - correction);
    }

    static double logsumexp(double[] v) {
        double m = max(v);
        if (Double.isInfinite(m)) m = 0;
        double s = 0;
        for (double x : v) s += Math.exp(x - m);
        return Math.log(s) + m;
    }

    /** A reduction entry over (dims, keepDim). */
    private static OpInfo.Builder reduction(String name, String[] exercises, java.util.function.BiFunction<Tensor, Args, Tensor> op,
                                            ToDoubleFunction<double[]> f, java.util.function.UnaryOperator<DType> outType,
                                            boolean floatOnly, boolean empties, Dist d) {
        return OpInfo.builder(name)
                .exercises(exercises)
                .samples(g -> samples(g, !floatOnly, empties, d))
                .op1((in, a) -> op.apply(in.get(0), a))
                .ref1((in, a) -> {
                    Nd x = in.get(0);
                    DType out = outType.apply(x.dtype);
                    return Ref.reduce(x, a.ints(0), a.b(1), f, out);
                })
                .error("dim out of range", () -> op.apply(Tensor.zeros(2, 3, 4), new Args(sh(3), false, 1.0)),
                        IndexOutOfBoundsException.class, "dimension 3 is out of range", "3-d")
                .error("dim -4 out of range", () -> op.apply(Tensor.zeros(2, 3, 4), new Args(sh(-4), false, 1.0)),
                        IndexOutOfBoundsException.class, "dimension -4 is out of range");
    }

    private static OpInfo.Builder floatOnlyErrors(OpInfo.Builder b, String name, java.util.function.BiFunction<Tensor, Args, Tensor> op) {
        return b.error("int64 input", () -> op.apply(Tensor.arange(6), new Args(sh(), false)), name, "floating-point", "int64")
                .error("bool input", () -> op.apply(Tensor.of(true, false), new Args(sh(), false)), name, "floating-point", "bool");
    }

    static List<OpInfo> all() {
        List<OpInfo> ops = new ArrayList<>();
        ops.add(reduction("sum", new String[] {"Reduce.SUM"}, (t, a) -> t.sum(a.ints(0), a.b(1)), ReductionOps::sum,
                ReductionOps::sumType, false, true, N)
                .error("duplicate dims", () -> Tensor.zeros(2, 3).sum(sh(1, -1), false), "sum", "appears more than once")
                .secondOrder().f32(1e-5, 1e-4).build());
        java.util.function.BiFunction<Tensor, Args, Tensor> mean = (t, a) -> t.mean(a.ints(0), a.b(1));
        ops.add(floatOnlyErrors(reduction("mean", new String[] {"Reduce.SUM", "Binary.DIV"}, mean,
                v -> sum(v) / v.length, dt -> dt, true, true, N), "mean", mean).secondOrder().f32(1e-5, 1e-5).build());
        ops.add(reduction("prod", new String[] {"Reduce.PROD", "Fill"}, (t, a) -> a.ints(0).length == 0
                        ? (a.b(1) ? t.prod().reshape(keepShape(t.dim())) : t.prod()) : t.prod(a.ints(0)[0], a.b(1)),
                ReductionOps::prod, ReductionOps::sumType, false, true, Make.uniform(0.5, 1.5))
                .samples(g -> samples(g, true, true, Make.uniform(0.5, 1.5)).stream().filter(s -> s.args().ints(0).length <= 1).toList())
                // The product of the others, also where the input holds zeros (one or two in a reduced slice).
                .gradSamples(g -> List.of(
                        s("one zero, all", Make.of(F64, sh(2, 3), 0.5, 0, 1.5, -2, 0.7, 1.2), sh(), false),
                        s("zeros per row, dim 1", Make.of(F64, sh(3, 4), 0.5, 0, 1.5, -2, 0, 0, 1.1, 0.9, 1.3, -0.8, 1.2, 0.6),
                                sh(1), false),
                        s("zeros per column, dim 0 keepDim", Make.of(F64, sh(3, 2), 0, 1.5, 2, 0, 0, 0.5), sh(0), true),
                        s("0-d zero", Make.scalar(F64, 0), sh(), false)))
                .secondOrder()
                .build());
        ops.add(reduction("amax", new String[] {"Reduce.MAX"}, (t, a) -> t.amax(a.ints(0), a.b(1)), ReductionOps::max,
                dt -> dt, false, false, N)
                .error("empty dim", () -> Tensor.zeros(0, 3).amax(sh(0), false), "amax", "dimension 0 of size 0", "[0, 3]")
                .gradDistinct()
                // A tie of two splits the gradient evenly, as PyTorch: exactly what central differences see.
                .gradSamples(g -> List.of(s("a tie of two per row", Make.of(F64, sh(2, 3), 1, 3, 3, -1, 0.5, -1), sh(1), false)))
                .secondOrder()
                .build());
        ops.add(reduction("amin", new String[] {"Reduce.MIN"}, (t, a) -> t.amin(a.ints(0), a.b(1)), ReductionOps::min,
                dt -> dt, false, false, N)
                .error("empty dim", () -> Tensor.zeros(2, 0).amin(sh(1), false), "amin", "dimension 1 of size 0", "[2, 0]")
                .gradDistinct()
                .gradSamples(g -> List.of(s("a tie of two per row", Make.of(F64, sh(2, 3), 1, 3, 1, -1, 0.5, 0.5), sh(1), false)))
                .build());
        ops.add(allReduce("max", Tensor::max, ReductionOps::max, "Reduce.MAX"));
        ops.add(allReduce("min", Tensor::min, ReductionOps::min, "Reduce.MIN"));
        java.util.function.BiFunction<Tensor, Args, Tensor> var = (t, a) -> t.var(a.ints(0), a.d(2), a.b(1));
        ops.add(floatOnlyErrors(reduction("var", new String[] {"Reduce.SUM", "Binary.SUB", "Unary.SQUARE", "Binary.DIV"},
                var, v -> var(v, 1), dt -> dt, true, false, N), "var", (t, a) -> t.var())
                .samples(g -> withCorrections(samples(g, false, false, N)))
                .ref1((in, a) -> Ref.reduce(in.get(0), a.ints(0), a.b(1), v -> var(v, a.d(2)), in.get(0).dtype))
                .secondOrder()
                .f32(1e-4, 1e-5).build());
        // std runs var, whose dtype error names "var": only the substance is checked here.
        ops.add(floatOnlyErrors(reduction("std", new String[] {"Reduce.SUM", "Unary.SQRT"},
                (t, a) -> t.std(a.ints(0), a.d(2), a.b(1)), v -> Math.sqrt(var(v, 1)), dt -> dt, true, false, N), "",
                (t, a) -> t.std())
                .samples(g -> withCorrections(samples(g, false, false, N)))
                .ref1((in, a) -> Ref.reduce(in.get(0), a.ints(0), a.b(1), v -> Math.sqrt(var(v, a.d(2))), in.get(0).dtype))
                // With one element per slice, or equal values, std is 0 and sqrt has no derivative there
                // (NaN, as in PyTorch): no repeated values, and one-element slices check sqrt(var + 1) instead.
                .gradDistinct()
                .gradFn((in, a) -> {
                    Tensor x = in.get(0), std = x.std(a.ints(0), a.d(2), a.b(1));
                    return x.numel() > std.numel() ? std : x.var(a.ints(0), a.d(2), a.b(1)).add(1.0).sqrt();
                })
                .f32(1e-4, 1e-5).build());
        ops.add(norm());
        ops.add(logsumexp());
        ops.add(reduction("all", new String[] {"Reduce.ALL"}, (t, a) -> allAny(t, a, true),
                v -> java.util.Arrays.stream(v).allMatch(x -> x != 0) ? 1 : 0, dt -> DType.BOOL, false, true, SPARSE)
                .samples(g -> singleDim(samples(g, true, true, SPARSE)))
                .noGradient()
                .build());
        ops.add(reduction("any", new String[] {"Reduce.ANY"}, (t, a) -> allAny(t, a, false),
                v -> java.util.Arrays.stream(v).anyMatch(x -> x != 0) ? 1 : 0, dt -> DType.BOOL, false, true, SPARSE)
                .samples(g -> singleDim(samples(g, true, true, SPARSE)))
                .noGradient()
                .build());
        ops.add(argReduce("max(dim)", true));
        ops.add(argReduce("min(dim)", false));
        ops.add(argIndex("argmax", true));
        ops.add(argIndex("argmin", false));
        ops.add(cumulative("cumsum", false));
        ops.add(cumulative("cumprod", true));
        ops.add(softmax("softmax", false));
        ops.add(softmax("logSoftmax", true));
        return ops;
    }

    /** Zeros (40%) and normal values: all/any see both outcomes. */
    private static final Dist SPARSE = g -> g.nextDouble() < 0.4 ? 0.0 : g.nextGaussian();

    private static int[] keepShape(int rank) {
        int[] s = new int[rank];
        java.util.Arrays.fill(s, 1);
        return s;
    }

    private static Tensor allAny(Tensor t, Args a, boolean all) {
        int[] dims = a.ints(0);
        if (dims.length == 0) {
            Tensor r = all ? t.all() : t.any();
            return a.b(1) ? r.reshape(keepShape(t.dim())) : r;
        }
        return all ? t.all(dims[0], a.b(1)) : t.any(dims[0], a.b(1));
    }

    /** Keeps samples over all dims or one dim (for APIs that take a single dim). */
    private static List<Sample> singleDim(List<Sample> s) {
        return s.stream().filter(x -> x.args().ints(0).length <= 1).toList();
    }

    private static List<Sample> withCorrections(List<Sample> s) {
        List<Sample> out = new ArrayList<>();
        double[] corrections = {1, 0, 1, 2.5};
        for (int i = 0; i < s.size(); i++) {
            Sample x = s.get(i);
            out.add(new Sample(x.description() + ", correction " + corrections[i % 4], x.inputs(),
                    new Args(x.args().ints(0), x.args().b(1), corrections[i % 4])));
        }
        return out;
    }

    private static OpInfo allReduce(String name, java.util.function.UnaryOperator<Tensor> op, ToDoubleFunction<double[]> f,
                                    String kind) {
        return OpInfo.builder(name)
                .exercises(kind)
                .samples(g -> samples(g, true, false, N).stream().filter(s -> s.args().ints(0).length == 0).toList())
                .op1((in, a) -> op.apply(in.get(0)))
                .ref1((in, a) -> Ref.reduce(in.get(0), sh(), false, f, in.get(0).dtype))
                .error("empty tensor", () -> op.apply(Tensor.zeros(0)), "of size 0")
                .gradDistinct()
                .build();
    }

    private static OpInfo norm() {
        return OpInfo.builder("norm")
                .exercises("Unary.SQUARE", "Unary.SQRT", "Unary.ABS", "Reduce.SUM", "Reduce.MAX")
                .samples(g -> {
                    List<Sample> out = new ArrayList<>();
                    double[] ps = {2, 1, INF};
                    int i = 0;
                    for (Sample x : samples(g, false, false, N)) {
                        out.add(new Sample(x.description() + ", p=" + ps[i % 3], x.inputs(),
                                new Args(x.args().ints(0), x.args().b(1), ps[i % 3])));
                        i++;
                    }
                    out.add(s("default 2-norm", Make.fill(g, F32, N, 3, 4), sh(), false, 0.0));
                    out.add(s("large values don't matter for p=1", Make.vec(F32, 1e20f, -3e20f), sh(), false, 1.0));
                    return out;
                })
                .op1((in, a) -> a.d(2) == 0 ? in.get(0).norm() : in.get(0).norm(a.d(2), a.ints(0), a.b(1)))
                .ref1((in, a) -> {
                    double p = a.d(2) == 0 ? 2 : a.d(2);
                    return Ref.reduce(in.get(0), a.ints(0), a.b(1), v -> {
                        if (p == INF) return max(java.util.Arrays.stream(v).map(Math::abs).toArray());
                        double s = 0;
                        for (double x : v) s += Math.pow(Math.abs(x), p);
                        return Math.pow(s, 1 / p);
                    }, in.get(0).dtype);
                })
                .f32(1e-5, 1e-5)
                // Away from 0 (|x| has no derivative there), distinct |x| for p = inf (no ties).
                .gradDomain(v -> Make.away(v, 0, 0.1))
                .gradDistinct()
                .secondOrder()
                .error("int64 input", () -> Tensor.arange(4).norm(), "norm", "floating-point", "int64")
                .error("dim out of range", () -> Tensor.zeros(2, 2).norm(2, sh(2), false), IndexOutOfBoundsException.class,
                        "norm", "dimension 2 is out of range")
                .build();
    }

    private static OpInfo logsumexp() {
        return OpInfo.builder("logsumexp")
                .exercises("Reduce.MAX", "Unary.ABS", "Binary.EQ", "Where", "Binary.SUB", "Unary.EXP", "Reduce.SUM", "Unary.LOG",
                        "Binary.ADD")
                .samples(g -> {
                    List<Sample> s = new ArrayList<>(samples(g, false, true, Make.normal(3)));
                    s.add(s("large values", Make.vec(F32, 1000, 999, 998), sh(), false));
                    s.add(s("-inf and +inf rows", Make.of(F32, sh(3, 3), -INF, -INF, -INF, INF, 1, -INF, -1000, -1001, -INF), sh(1), false));
                    s.add(s("float64 -inf row", Make.of(F64, sh(2, 2), -INF, -INF, 1e300, 1e300), sh(-1), true));
                    return s;
                })
                .op1((in, a) -> in.get(0).logsumexp(a.ints(0), a.b(1)))
                // -inf entries (masked out) get a zero gradient, and central differences see exactly that.
                .gradSamples(g -> List.of(
                        s("-inf entries", Make.of(F64, sh(2, 3), NEG_INF, 0.5, -1.2, 2.0, NEG_INF, NEG_INF), sh(1), false),
                        s("large values", Make.of(F64, sh(3), 700, 699.5, 698), sh(), false)))
                .secondOrder()
                .ref1((in, a) -> Ref.reduce(in.get(0), a.ints(0), a.b(1), ReductionOps::logsumexp, in.get(0).dtype))
                .error("int64 input", () -> Tensor.arange(4).logsumexp(0), "logsumexp", "floating-point", "int64")
                .error("dim out of range", () -> Tensor.zeros(2).logsumexp(1), IndexOutOfBoundsException.class,
                        "logsumexp", "dimension 1 is out of range")
                .build();
    }

    /** Samples along one dim; args: (int dim, boolean keepDim). */
    private static List<Sample> alongSamples(Generator g, boolean ints, Dist d) {
        List<Sample> s = new ArrayList<>();
        s.add(s("3-d, dim 1", Make.fill(g, F32, d, 3, 4, 5), 1, false));
        s.add(s("3-d, dim -1 keepDim", Make.fill(g, F32, d, 3, 4, 5), -1, true));
        s.add(s("3-d, dim 0", Make.fill(g, F32, d, 3, 4, 5), 0, true));
        s.add(s("0-d", Make.fill(g, F32, d), 0, false));
        s.add(s("size 1", Make.fill(g, F32, d, 1), 0, false));
        s.add(s("no rows", Make.fill(g, F32, d, 0, 3), 1, false));
        s.add(s("transposed", Make.transposed(g, F32, d, 4, 5), 1, false));
        s.add(s("stepped", Make.stepped(g, F32, d, 3, 6), 1, false));
        s.add(s("expanded", Make.expanded(g, F32, d, 3, 4), 0, false));
        s.add(s("float64", Make.fill(g, F64, d, 3, 4), 0, false));
        s.add(s("float16", Make.fill(g, DType.FLOAT16, d, 2, 6), 1, false));
        s.add(s("long rows", Make.fill(g, F32, d, 2, 5000), 1, false));
        s.add(s("ties", Make.of(F32, sh(2, 4), 1, 3, 3, 0, -1, -1, -2, -1), 1, false));
        s.add(s("special values", Make.of(F32, sh(3, 4), 1, NAN, 3, NAN, INF, 1, INF, -INF, -INF, -INF, 0, -0.0), 1, false));
        if (ints) {
            s.add(s("int32", Make.rand(g, DType.INT32, 3, 4), 1, false));
            s.add(s("int64 transposed", Make.reversedLayout(Make.rand(g, DType.INT64, 4, 3)), 0, true));
            s.add(s("bool", Make.rand(g, DType.BOOL, 2, 5), 1, false));
        }
        return s;
    }

    /** Index of the first extreme of a row; NaN counts as the extreme. */
    static int argExtreme(double[] v, boolean max) {
        int best = 0;
        for (int i = 0; i < v.length; i++) {
            if (Double.isNaN(v[i])) return i;
            if (max ? v[i] > v[best] : v[i] < v[best]) best = i;
        }
        return best;
    }

    private static Nd keep(Nd r, Nd x, int dim, boolean keepDim) {
        if (x.rank() == 0) return r.reshape();
        int axis = Ref.axis(dim, x.rank());
        int[] shape = x.shape.clone();
        shape[axis] = 1;
        if (!keepDim) shape = java.util.stream.IntStream.range(0, shape.length).filter(i -> i != axis).map(i -> x.shape[i]).toArray();
        return r.reshape(shape);
    }

    private static OpInfo argReduce(String name, boolean max) {
        return OpInfo.builder(name)
                .exercises("ArgReduce")
                .samples(g -> alongSamples(g, true, N).stream().filter(s -> s.inputs().get(0).numel() > 0).toList())
                .op((in, a) -> {
                    var r = max ? in.get(0).max(a.i(0), a.b(1)) : in.get(0).min(a.i(0), a.b(1));
                    return List.of(r.values(), r.indices());
                })
                .ref((in, a) -> {
                    Nd x = in.get(0);
                    Nd idx = Ref.along(x, a.i(0), v -> new double[] {argExtreme(v, max)}, DType.INT64);
                    Nd val = Ref.along(x, a.i(0), v -> new double[] {v[argExtreme(v, max)]}, x.dtype);
                    return List.of(keep(val, x, a.i(0), a.b(1)), keep(idx, x, a.i(0), a.b(1)));
                })
                .error("empty dim", () -> max ? Tensor.zeros(2, 0).max(1) : Tensor.zeros(2, 0).min(1), max ? "max" : "min",
                        "dimension 1 of size 0")
                .gradDistinct()
                .error("dim out of range", () -> Tensor.zeros(2, 3).max(2), IndexOutOfBoundsException.class,
                        "max", "dimension 2 is out of range")
                .build();
    }

    private static OpInfo argIndex(String name, boolean max) {
        return OpInfo.builder(name)
                .exercises("ArgReduce")
                .samples(g -> {
                    List<Sample> s = new ArrayList<>(alongSamples(g, true, N).stream().filter(x -> x.inputs().get(0).numel() > 0).toList());
                    s.add(s("flattened", Make.fill(g, F32, N, 3, 4), null, false));
                    s.add(s("flattened transposed with ties", Make.reversedLayout(Make.of(F32, sh(3, 2), 1, 5, 5, 2, 5, 0)), null, false));
                    s.add(s("flattened 0-d", Make.fill(g, F32, N), null, false));
                    return s;
                })
                .op1((in, a) -> a.get(0) == null ? (max ? in.get(0).argmax() : in.get(0).argmin())
                        : max ? in.get(0).argmax(a.i(0), a.b(1)) : in.get(0).argmin(a.i(0), a.b(1)))
                .ref1((in, a) -> {
                    Nd x = in.get(0);
                    if (a.get(0) == null) return Nd.scalar(argExtreme(x.data, max), DType.INT64);
                    return keep(Ref.along(x, a.i(0), v -> new double[] {argExtreme(v, max)}, DType.INT64), x, a.i(0), a.b(1));
                })
                .error("empty tensor", () -> max ? Tensor.zeros(0).argmax() : Tensor.zeros(0).argmin(), name, "empty")
                .noGradient()
                .build();
    }

    private static OpInfo cumulative(String name, boolean product) {
        return OpInfo.builder(name)
                .exercises("Cumulative")
                .samples(g -> alongSamples(g, true, product ? Make.uniform(0.5, 1.5) : N))
                .op1((in, a) -> product ? in.get(0).cumprod(a.i(0)) : in.get(0).cumsum(a.i(0)))
                // cumprod: also where the input holds zeros (one, two, first or last in a row).
                .gradSamples(g -> !product ? List.of() : List.of(
                        s("zeros", Make.of(F64, sh(4, 4), 0.5, 0, 1.5, -2, 0, 0, 1.1, 0.9, 1.3, -0.8, 1.2, 0, 1.1, 0.7, 0, 2), 1, false),
                        s("zeros, dim 0", Make.of(F64, sh(3, 2), 0, 1.5, 2, 0, 0.7, 0.5), 0, false)))
                .secondOrder()
                .ref1((in, a) -> Ref.along(in.get(0), a.i(0), v -> {
                    double[] r = new double[v.length];
                    double acc = product ? 1 : 0;
                    for (int i = 0; i < v.length; i++) r[i] = acc = product ? acc * v[i] : acc + v[i];
                    return r;
                }, sumType(in.get(0).dtype)))
                .f32(1e-5, 1e-4)
                .error("dim out of range", () -> Tensor.zeros(2, 3).cumsum(-3), IndexOutOfBoundsException.class,
                        "cumsum", "dimension -3 is out of range")
                .build();
    }

    static double[] softmaxRow(double[] v, boolean log) {
        double m = max(v);
        if (m == Double.NEGATIVE_INFINITY) m = 0;
        double s = 0;
        for (double x : v) s += Math.exp(x - m);
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) r[i] = log ? v[i] - m - Math.log(s) : Math.exp(v[i] - m) / s;
        return r;
    }

    private static OpInfo softmax(String name, boolean log) {
        return OpInfo.builder(name)
                // SoftmaxGrad for gradients; the composite formula for gradients of gradients
                .exercises("Softmax", "SoftmaxGrad")
                .samples(g -> {
                    List<Sample> s = new ArrayList<>(alongSamples(g, false, Make.normal(3)));
                    s.add(s("large values", Make.of(F32, sh(2, 3), 1000, 999, 998, -1000, 0, 1000), 1, false));
                    s.add(s("-inf entries and an all -inf row", Make.of(F32, sh(2, 3), -INF, 0, 1, -INF, -INF, -INF), -1, false));
                    s.add(s("bfloat16", Make.fill(g, DType.BFLOAT16, Make.normal(2), 3, 5), 1, false));
                    s.add(s("long float64 row", Make.fill(g, F64, Make.normal(3), 1, 3000), 1, false));
                    return s;
                })
                .op1((in, a) -> log ? in.get(0).logSoftmax(a.i(0)) : in.get(0).softmax(a.i(0)))
                // -inf (masked) entries: softmax gives them 0 and no gradient (logSoftmax gives -inf: no finite check).
                .gradSamples(g -> log ? List.of() : List.of(
                        s("-inf entries", Make.of(F64, sh(2, 3), NEG_INF, 0.5, -1.2, 2.0, NEG_INF, 0.1), 1, false)))
                .secondOrder()
                .ref1((in, a) -> Ref.along(in.get(0), a.i(0), v -> softmaxRow(v, log), in.get(0).dtype))
                .f32(1e-5, 1e-6)
                .error("int64 input", () -> log ? Tensor.arange(4).logSoftmax(0) : Tensor.arange(4).softmax(0), name,
                        "floating-point", "int64")
                .error("dim out of range", () -> Tensor.zeros(2, 3).softmax(2), IndexOutOfBoundsException.class,
                        "softmax", "dimension 2 is out of range")
                .build();
    }
}
