package dev.kona.testing;

import static dev.kona.testing.Make.INF;
import static dev.kona.testing.Make.NAN;

import dev.kona.DType;
import dev.kona.Generator;
import dev.kona.Tensor;
import dev.kona.testing.Make.Dist;
import dev.kona.testing.OpInfo.Args;
import dev.kona.testing.OpInfo.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/** Database entries of the elementwise functions of one tensor. */
final class UnaryOps {
    private UnaryOps() {}

    /** The reference function of one element, with the sample's arguments. */
    @FunctionalInterface
    interface UFn {
        double apply(double x, Args a);
    }

    /** Special values most functions are checked at (NaN, infinities, signed zeros, tiny and large). */
    static final double[] SPECIALS = {NAN, INF, -INF, 0.0, -0.0, 1, -1, 0.5, -0.5, 1.5, 2.5, -2.5, -3.7, 1e-3, -1e-3, 20, -20, 100, -100};
    static final double[] FINITE_SPECIALS = {0.0, -0.0, 1, -1, 0.5, -0.5, 2.5, -3.7, 1e-3, -1e-3, 6, -6, 20, -20};

    /**
     * The standard sample set: 0-d, empty, size-1, plain, transposed, stepped and expanded float32
     * inputs, float64, float16 and bfloat16 inputs, special values, a long vector (vector loop, tail
     * and several threads) and, when {@code ints}, int32 and int64 inputs. Arguments cycle through
     * {@code argSets}.
     */
    static List<Sample> samples(Generator g, Dist d, double[] specials, boolean ints, List<Args> argSets) {
        var f32 = DType.FLOAT32;
        List<Tensor> ts = new ArrayList<>();
        List<String> names = new ArrayList<>();
        add(ts, names, "0-d", Make.fill(g, f32, d));
        add(ts, names, "empty", Make.fill(g, f32, d, 0));
        add(ts, names, "empty 3-d", Make.fill(g, f32, d, 2, 0, 3));
        add(ts, names, "size 1", Make.fill(g, f32, d, 1));
        add(ts, names, "vector", Make.fill(g, f32, d, 7));
        add(ts, names, "matrix", Make.fill(g, f32, d, 3, 5));
        add(ts, names, "3-d with size-1 dim", Make.fill(g, f32, d, 2, 1, 4));
        add(ts, names, "transposed", Make.transposed(g, f32, d, 3, 5));
        add(ts, names, "stepped", Make.stepped(g, f32, d, 4, 6));
        add(ts, names, "expanded", Make.expanded(g, f32, d, 3, 4));
        add(ts, names, "float64", Make.fill(g, DType.FLOAT64, d, 4, 5));
        add(ts, names, "float16", Make.fill(g, DType.FLOAT16, d, 9));
        add(ts, names, "bfloat16", Make.fill(g, DType.BFLOAT16, d, 3, 3));
        add(ts, names, "long vector", Make.fill(g, f32, d, 20_000 + 13));
        if (specials.length > 0) {
            add(ts, names, "specials float32", Make.vec(f32, specials));
            add(ts, names, "specials float64", Make.vec(DType.FLOAT64, specials));
            add(ts, names, "specials transposed", Make.reversedLayout(Make.of(f32, new int[] {1, specials.length}, specials)));
        }
        if (ints) {
            add(ts, names, "int32", Make.rand(g, DType.INT32, 6));
            add(ts, names, "int64", Make.rand(g, DType.INT64, 2, 3));
        }
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < ts.size(); i++) {
            out.add(new Sample(names.get(i), List.of(ts.get(i)), argSets.get(i % argSets.size())));
        }
        return out;
    }

    private static void add(List<Tensor> ts, List<String> names, String name, Tensor t) {
        ts.add(t);
        names.add(name);
    }

    /**
     * An elementwise entry. {@code keepsInt}: integer inputs keep their dtype (otherwise they are
     * computed in float32, as PyTorch's unary float ops do).
     */
    static OpInfo.Builder unary(String name, String kind, BiFunction<Tensor, Args, Tensor> op, UFn f, boolean keepsInt,
                                Dist d, double[] specials, List<Args> argSets) {
        return OpInfo.builder(name)
                .exercises("Unary." + kind)
                .samples(g -> samples(g, d, specials, true, argSets))
                .op1((in, a) -> op.apply(in.get(0), a))
                .ref1((in, a) -> {
                    Nd x = in.get(0);
                    DType out = !keepsInt && !x.dtype.isFloatingPoint() ? DType.FLOAT32 : x.dtype;
                    return Ref.map(x.cast(out), v -> f.apply(v, a), out);
                });
    }

    static OpInfo.Builder unary(String name, String kind, java.util.function.UnaryOperator<Tensor> op,
                                java.util.function.DoubleUnaryOperator f, boolean keepsInt, Dist d, double[] specials) {
        return unary(name, kind, (t, a) -> op.apply(t), (x, a) -> f.applyAsDouble(x), keepsInt, d, specials, List.of(new Args()));
    }

    private static final Dist N2 = Make.normal(2), N3 = Make.normal(3);
    private static final Dist POSITIVE = g -> Math.abs(g.nextGaussian()) * 3 + 0.01;

    static List<OpInfo> all() {
        List<OpInfo> ops = new ArrayList<>();
        ops.add(unary("neg", "NEG", Tensor::neg, x -> -x, true, N2, SPECIALS)
                .error("bool input", () -> Tensor.of(true, false).neg(), "neg", "bool").build());
        ops.add(unary("abs", "ABS", Tensor::abs, Math::abs, true, N2, SPECIALS).gradDomain(v -> Make.away(v, 0, 0.1)).build());
        ops.add(unary("exp", "EXP", Tensor::exp, Math::exp, false, N3, SPECIALS).secondOrder().build());
        ops.add(unary("log", "LOG", Tensor::log, Math::log, false, POSITIVE, SPECIALS).gradDomain(v -> Make.positive(v, 0.1))
                .secondOrder().build());
        ops.add(unary("log1p", "LOG1P", Tensor::log1p, Math::log1p, false, Make.uniform(-0.99, 5), SPECIALS)
                .gradDomain(v -> Math.max(v, -0.8)).build());
        ops.add(unary("expm1", "EXPM1", Tensor::expm1, Math::expm1, false, N2, SPECIALS).build());
        ops.add(unary("sqrt", "SQRT", Tensor::sqrt, Math::sqrt, false, POSITIVE, SPECIALS).gradDomain(v -> Make.positive(v, 0.1))
                .secondOrder().build());
        ops.add(unary("rsqrt", "RSQRT", Tensor::rsqrt, x -> 1 / Math.sqrt(x), false, POSITIVE, SPECIALS)
                .gradDomain(v -> Make.positive(v, 0.1)).build());
        ops.add(unary("square", "SQUARE", Tensor::square, x -> x * x, true, N2, SPECIALS).secondOrder().build());
        ops.add(unary("reciprocal", "RECIPROCAL", Tensor::reciprocal, x -> 1 / x, false, N2, SPECIALS)
                .gradDomain(v -> Make.away(v, 0, 0.2)).secondOrder().build());
        ops.add(unary("sin", "SIN", Tensor::sin, Math::sin, false, N3, SPECIALS).secondOrder().build());
        ops.add(unary("cos", "COS", Tensor::cos, Math::cos, false, N3, SPECIALS).build());
        ops.add(unary("tanh", "TANH", Tensor::tanh, Math::tanh, false, N3, SPECIALS).secondOrder().build());
        ops.add(unary("sigmoid", "SIGMOID", Tensor::sigmoid, Ref::sigmoid, false, N3, SPECIALS).secondOrder().build());
        ops.add(unary("relu", "RELU", Tensor::relu, x -> Double.isNaN(x) ? x : Math.max(x, 0), true, N2, SPECIALS)
                .gradDomain(v -> Make.away(v, 0, 0.1)).build());
        ops.add(unary("leakyRelu", "LEAKY_RELU", (t, a) -> a.size() == 0 ? t.leakyRelu() : t.leakyRelu(a.d(0)),
                (x, a) -> x > 0 ? x : (a.size() == 0 ? 0.01 : a.d(0)) * x, false, N2, SPECIALS,
                List.of(new Args(), new Args(0.2), new Args(0.5)))
                .samples(g -> samples(g, N2, SPECIALS, false, List.of(new Args(), new Args(0.2), new Args(0.5))))
                .gradDomain(v -> Make.away(v, 0, 0.1)).build());
        ops.add(unary("elu", "ELU", (t, a) -> a.size() == 0 ? t.elu() : t.elu(a.d(0)),
                (x, a) -> x > 0 ? x : (a.size() == 0 ? 1.0 : a.d(0)) * Math.expm1(x), false, N2, SPECIALS,
                List.of(new Args(), new Args(0.5), new Args(2.0)))
                .gradDomain(v -> Make.away(v, 0, 0.1)).secondOrder().build());
        // gelu(+-inf) is NaN in PyTorch's vectorised kernel (inf * 0 inside); the limits 0 and inf
        // are what the formula means, so infinities are left out rather than pinned either way.
        ops.add(unary("gelu", "GELU", Tensor::gelu, x -> 0.5 * x * (1 + Ref.erf(x / Math.sqrt(2))), false, N3,
                withoutInfinities(SPECIALS)).secondOrder().build());
        ops.add(unary("geluTanh", "GELU_TANH", Tensor::geluTanh,
                x -> 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))), false, N3,
                withoutInfinities(SPECIALS)).secondOrder().build());
        ops.add(unary("erf", "ERF", Tensor::erf, Ref::erf, false, Make.normal(1.5), SPECIALS).secondOrder().build());
        ops.add(unary("silu", "SILU", Tensor::silu, x -> x * Ref.sigmoid(x), false, N3, withoutInfinities(SPECIALS))
                .secondOrder().build());
        ops.add(unary("softplus", "SOFTPLUS", (t, a) -> a.size() == 0 ? t.softplus() : t.softplus(a.d(0), a.d(1)),
                (x, a) -> {
                    double beta = a.size() == 0 ? 1 : a.d(0), threshold = a.size() == 0 ? 20 : a.d(1);
                    return beta * x > threshold ? x : Math.log1p(Math.exp(beta * x)) / beta;
                }, false, N3, SPECIALS, List.of(new Args(), new Args(2.0, 5.0), new Args(0.5, 20.0)))
                .error("beta 0", () -> Tensor.of(1f, 2f).softplus(0, 20), "softplus", "beta")
                // Away from the threshold, where the function switches to linear.
                .gradDomain((i, v, a) -> a.size() == 0 ? Make.away(v, 20, 0.1) : Make.away(v, a.d(1) / a.d(0), 0.1))
                .gradSamples(g -> List.of(
                        Make.s("both sides of the threshold", Make.vec(DType.FLOAT64, 19.5, 20.5, -3, 0.5)),
                        Make.s("both sides of threshold 5 (beta 2)", Make.vec(DType.FLOAT64, 2.3, 2.7, -1), 2.0, 5.0)))
                .secondOrder().build());
        // Kona keeps NaN in sign (as NumPy); PyTorch's CPU kernel returns 0 there.
        ops.add(unary("sign", "SIGN", Tensor::sign, x -> x > 0 ? 1 : x < 0 ? -1 : x, true, N2, SPECIALS)
                .error("bool input", () -> Tensor.of(true).sign(), "sign", "bool")
                .zeroGradient().gradDomain(v -> Make.away(v, 0, 0.1)).build());
        ops.add(unary("floor", "FLOOR", Tensor::floor, Math::floor, true, N3, SPECIALS)
                .zeroGradient().gradDomain(v -> Make.awayFromIntegers(v, 0.1)).build());
        ops.add(unary("ceil", "CEIL", Tensor::ceil, Math::ceil, true, N3, SPECIALS)
                .zeroGradient().gradDomain(v -> Make.awayFromIntegers(v, 0.1)).build());
        ops.add(unary("round", "ROUND", Tensor::round, Math::rint, true, N3, SPECIALS)
                .zeroGradient().gradDomain(v -> Make.awayFromHalves(v, 0.1)).build());
        ops.add(clamp());
        ops.add(powScalar());
        ops.add(logicalNot());
        return ops;
    }

    static double[] withoutInfinities(double[] v) {
        return java.util.Arrays.stream(v).filter(x -> !Double.isInfinite(x)).toArray();
    }

    private static OpInfo clamp() {
        List<Args> args = List.of(new Args(-1.0, 2.0), new Args(NAN, 0.5), new Args(-0.5, NAN), new Args(1.0, 1.0),
                new Args(-3.0, 3.0));
        return unary("clamp", "CLAMP", (t, a) -> {
                    if (Double.isNaN(a.d(0))) return t.clampMax(a.d(1));
                    if (Double.isNaN(a.d(1))) return t.clampMin(a.d(0));
                    return t.clamp(a.d(0), a.d(1));
                }, (x, a) -> {
                    if (Double.isNaN(x)) return x;
                    if (!Double.isNaN(a.d(0))) x = Math.max(x, a.d(0));
                    if (!Double.isNaN(a.d(1))) x = Math.min(x, a.d(1));
                    return x;
                }, true, N2, SPECIALS, args)
                // Integer inputs with integral bounds only: PyTorch promotes an int tensor clamped to a
                // fractional bound to float32, which Kona does not model.
                .samples(g -> {
                    List<Sample> s = new ArrayList<>(samples(g, N2, SPECIALS, false, args));
                    s.add(Make.s("int32", Make.rand(g, DType.INT32, 8), -2.0, 3.0));
                    s.add(Make.s("int64 min only", Make.rand(g, DType.INT64, 2, 4), -1.0, NAN));
                    return s;
                })
                .error("min > max", () -> Tensor.of(1f, 2f).clamp(2, 1), "clamp", "min 2.0 is greater than max 1.0")
                .error("bool", () -> Tensor.of(true, false).clamp(0, 1), "clamp", "bool")
                // Away from the bounds, where the gradient jumps.
                .gradDomain((i, v, a) -> {
                    if (!Double.isNaN(a.d(0))) v = Make.away(v, a.d(0), 0.1);
                    if (!Double.isNaN(a.d(1))) v = Make.away(v, a.d(1), 0.1);
                    return v;
                })
                .build();
    }

    private static OpInfo powScalar() {
        List<Args> args = List.of(new Args(2.0), new Args(0.5), new Args(-1.0), new Args(3.0), new Args(2.5), new Args(0.0),
                new Args(-2.0));
        return OpInfo.builder("pow(scalar)")
                .exercises("Unary.POW_SCALAR", "Unary.SQUARE", "Binary.POW")
                .samples(g -> {
                    List<Sample> s = new ArrayList<>(samples(g, Make.uniform(0.1, 3), SPECIALS, false, args));
                    s.add(Make.s("int64 ^ 3.0 is float32", Make.rand(g, DType.INT64, 5), 3.0));
                    s.add(Make.s("int32 ^ 2.0 is float32", Make.rand(g, DType.INT32, 2, 3), 2.0));
                    s.add(Make.s("int32 ^ 0.0 is float32", Make.rand(g, DType.INT32, 4), 0.0));
                    s.add(Make.s("int32 ^ 0.5 is float32", Make.uniform(g, DType.INT32, 0, 9, 5), 0.5));
                    s.add(Make.s("int64 ^ -1 is float32", Make.uniform(g, DType.INT64, 1, 9, 5), -1.0));
                    return s;
                })
                .op1((in, a) -> in.get(0).pow(a.d(0)))
                // Positive bases: x^p for fractional p is not real below 0.
                .gradDomain(v -> Make.positive(v, 0.1))
                .secondOrder()
                .ref1((in, a) -> {
                    Nd x = in.get(0);
                    double e = a.d(0);
                    // A Java double exponent is a Python float: integer tensors give float32, as in PyTorch.
                    DType out = x.dtype.isFloatingPoint() ? x.dtype : DType.FLOAT32;
                    return Ref.map(x.cast(out), v -> BinaryOps.cPow(v, e), out);
                })
                .build();
    }

    private static OpInfo logicalNot() {
        return OpInfo.builder("logicalNot")
                .exercises("Unary.LOGICAL_NOT")
                .samples(g -> {
                    List<Sample> s = new ArrayList<>(samples(g, N2, new double[] {NAN, 0.0, -0.0, 1, INF}, true, List.of(new Args())));
                    s.add(Make.s("bool", Make.rand(g, DType.BOOL, 3, 4)));
                    s.add(Make.s("bool transposed", Make.reversedLayout(Make.rand(g, DType.BOOL, 4, 3))));
                    s.add(Make.s("bool 0-d", Make.scalar(DType.BOOL, 1)));
                    return s;
                })
                .op1((in, a) -> in.get(0).logicalNot())
                .noGradient()
                .ref1((in, a) -> Ref.map(in.get(0), v -> v == 0 ? 1 : 0, DType.BOOL))
                .build();
    }
}
