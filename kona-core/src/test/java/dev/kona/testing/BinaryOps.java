package dev.kona.testing;

import static dev.kona.testing.Make.INF;
import static dev.kona.testing.Make.NAN;
import static dev.kona.testing.Make.s;

import dev.kona.DType;
import dev.kona.Generator;
import dev.kona.Tensor;
import dev.kona.testing.Make.Dist;
import dev.kona.testing.OpInfo.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.DoubleBinaryOperator;

/** Database entries of the elementwise functions of two broadcast tensors, and where. */
final class BinaryOps {
    private BinaryOps() {}

    private static final DType F32 = DType.FLOAT32, F64 = DType.FLOAT64, I32 = DType.INT32, I64 = DType.INT64;

    static final double[] SPECIALS = {NAN, INF, -INF, 0.0, -0.0, 1, -1, 2.5, -3.5};

    /** Which operand dtypes a binary op's samples include beyond floats. */
    record Kinds(boolean ints, boolean bools) {}

    /**
     * Pairs: equal shapes, every broadcasting pattern, 0-d operands, wrapped Java numbers, empty and
     * size-1 dimensions, transposed/stepped/expanded layouts, long vectors (vector paths, several
     * threads), special values, and mixed dtypes that exercise type promotion.
     */
    static List<Sample> pairs(Generator g, Dist a, Dist b, Kinds kinds) {
        List<Sample> s = new ArrayList<>();
        s.add(s("same shape", List.of(Make.fill(g, F32, a, 3, 4), Make.fill(g, F32, b, 3, 4))));
        s.add(s("column x row", List.of(Make.fill(g, F32, a, 3, 1), Make.fill(g, F32, b, 1, 4))));
        s.add(s("3-d x 1-d", List.of(Make.fill(g, F32, a, 2, 3, 4), Make.fill(g, F32, b, 4))));
        s.add(s("1-d x 3-d", List.of(Make.fill(g, F32, a, 4), Make.fill(g, F32, b, 2, 3, 4))));
        s.add(s("[2,1,4] x [3,1]", List.of(Make.fill(g, F32, a, 2, 1, 4), Make.fill(g, F32, b, 3, 1))));
        s.add(s("0-d x vector", List.of(Make.fill(g, F32, a), Make.fill(g, F32, b, 3))));
        s.add(s("vector x 0-d", List.of(Make.fill(g, F32, a, 3), Make.fill(g, F32, b))));
        s.add(s("0-d x 0-d", List.of(Make.fill(g, F32, a), Make.fill(g, F32, b))));
        s.add(s("empty x broadcast", List.of(Make.fill(g, F32, a, 0, 3), Make.fill(g, F32, b, 1, 3))));
        s.add(s("broadcast to empty", List.of(Make.fill(g, F32, a, 2, 0), Make.fill(g, F32, b, 2, 1))));
        s.add(s("size 1", List.of(Make.fill(g, F32, a, 1), Make.fill(g, F32, b, 1))));
        s.add(s("transposed x plain", List.of(Make.transposed(g, F32, a, 3, 4), Make.fill(g, F32, b, 3, 4))));
        s.add(s("stepped x expanded", List.of(Make.stepped(g, F32, a, 2, 5), Make.expanded(g, F32, b, 2, 5))));
        s.add(s("transposed x transposed", List.of(Make.transposed(g, F32, a, 4, 3), Make.transposed(g, F32, b, 4, 3))));
        s.add(s("tensor x wrapped 1.5", List.of(Make.fill(g, F32, a, 3, 4), Tensor.wrap(1.5))));
        s.add(s("wrapped -2.5 x tensor", List.of(Tensor.wrap(-2.5), Make.fill(g, F32, b, 5))));
        s.add(s("float64", List.of(Make.fill(g, F64, a, 3, 4), Make.fill(g, F64, b, 3, 4))));
        s.add(s("float32 x float64 -> float64", List.of(Make.fill(g, F32, a, 3, 4), Make.fill(g, F64, b, 4))));
        s.add(s("float32 x float64 0-d -> float32", List.of(Make.fill(g, F32, a, 5), Make.fill(g, F64, b))));
        s.add(s("float16 x wrapped 2.0 -> float16", List.of(Make.fill(g, DType.FLOAT16, a, 6), Tensor.wrap(2.0))));
        s.add(s("bfloat16 x float32 -> float32", List.of(Make.fill(g, DType.BFLOAT16, a, 2, 3), Make.fill(g, F32, b, 3))));
        s.add(s("float16 x bfloat16 -> float32", List.of(Make.fill(g, DType.FLOAT16, a, 4), Make.fill(g, DType.BFLOAT16, b, 4))));
        s.add(s("bfloat16 x bfloat16", List.of(Make.fill(g, DType.BFLOAT16, a, 5), Make.fill(g, DType.BFLOAT16, b, 5))));
        s.add(s("long vectors", List.of(Make.fill(g, F32, a, 70_000 + 7), Make.fill(g, F32, b, 70_000 + 7))));
        s.add(s("long vector x 0-d", List.of(Make.fill(g, F32, a, 70_000 + 7), Make.fill(g, F32, b))));
        s.add(s("0-d x long vector", List.of(Make.fill(g, F32, a), Make.fill(g, F32, b, 70_000 + 7))));
        s.add(s("long float64 rows x column", List.of(Make.fill(g, F64, a, 3, 30_001), Make.fill(g, F64, b, 3, 1))));
        int n = SPECIALS.length;
        s.add(s("specials float32", List.of(Make.of(F32, new int[] {n, 1}, SPECIALS), Make.of(F32, new int[] {1, n}, SPECIALS))));
        s.add(s("specials float64", List.of(Make.of(F64, new int[] {n, 1}, SPECIALS), Make.of(F64, new int[] {1, n}, SPECIALS))));
        if (kinds.ints()) {
            s.add(s("int32 x int64 -> int64", List.of(Make.rand(g, I32, 3, 4), Make.rand(g, I64, 4))));
            s.add(s("int64 x float32 -> float32", List.of(Make.rand(g, I64, 2, 3), Make.fill(g, F32, b, 2, 3))));
            s.add(s("int32 x wrapped 2.5 -> float32", List.of(Make.rand(g, I32, 5), Tensor.wrap(2.5))));
            s.add(s("int32 x wrapped 3 -> int32", List.of(Make.rand(g, I32, 5), Tensor.wrap(3L))));
            s.add(s("int32 x int64 0-d -> int32", List.of(Make.rand(g, I32, 4), Make.scalar(I64, 2))));
            s.add(s("int32 x float64 0-d -> float64", List.of(Make.rand(g, I32, 4), Make.scalar(F64, 0.75))));
            s.add(s("int64 transposed x int64", List.of(Make.reversedLayout(Make.rand(g, I64, 4, 3)), Make.rand(g, I64, 3, 4))));
            s.add(s("long int32", List.of(Make.rand(g, I32, 70_001), Make.rand(g, I32, 70_001))));
        }
        if (kinds.bools()) {
            s.add(s("bool x bool", List.of(Make.rand(g, DType.BOOL, 3, 4), Make.rand(g, DType.BOOL, 4))));
            s.add(s("bool x int32 -> int32", List.of(Make.rand(g, DType.BOOL, 5), Make.rand(g, I32, 5))));
            s.add(s("bool x wrapped 2.5 -> float32", List.of(Make.rand(g, DType.BOOL, 5), Tensor.wrap(2.5))));
        }
        return s;
    }

    /** The reference of a binary op: promote, convert both operands, apply, with a bool result for comparisons. */
    static Nd ref(Nd a, Nd b, DoubleBinaryOperator f, boolean floatOnly, boolean boolResult) {
        DType common = Ref.resultType(a, b);
        DType compute = floatOnly && !common.isFloatingPoint() ? F32 : common;
        return Ref.zip(a.cast(compute), b.cast(compute), f, boolResult ? DType.BOOL : compute);
    }

    static OpInfo.Builder binary(String name, String kind, BinaryOperator<Tensor> op, DoubleBinaryOperator f, Dist da, Dist db,
                                 Kinds kinds, boolean floatOnly, boolean boolResult) {
        String opName = name.replace("(tensor)", "");
        return OpInfo.builder(name)
                .exercises("Binary." + kind)
                .samples(g -> pairs(g, da, db, kinds))
                .op1((in, a) -> op.apply(in.get(0), in.get(1)))
                .ref1((in, a) -> ref(in.get(0), in.get(1), f, floatOnly, boolResult))
                .error("shapes that do not broadcast", () -> op.apply(Tensor.zeros(2, 3), Tensor.zeros(4)),
                        opName, "[2, 3]", "[4]", "cannot be broadcast");
    }

    private static final Dist N = Make.normal(2);
    private static final Kinds ALL = new Kinds(true, true), NUMERIC = new Kinds(true, false);

    static List<OpInfo> all() {
        List<OpInfo> ops = new ArrayList<>();
        ops.add(binary("add", "ADD", Tensor::add, Double::sum, N, N, ALL, false, false).build());
        ops.add(binary("sub", "SUB", Tensor::sub, (x, y) -> x - y, N, N, NUMERIC, false, false)
                .error("bool - bool", () -> Tensor.of(true).sub(Tensor.of(false)), "sub", "bool", "logicalXor")
                .build());
        ops.add(binary("mul", "MUL", Tensor::mul, (x, y) -> x * y, N, N, ALL, false, false).secondOrder().build());
        ops.add(binary("div", "DIV", Tensor::div, (x, y) -> x / y, N, N, ALL, true, false)
                .gradDomain((i, v, a) -> i == 1 ? Make.away(v, 0, 0.2) : v).secondOrder().build());
        // At a tie each operand gets half the gradient, as PyTorch: exactly what central differences see.
        ops.add(binary("maximum", "MAXIMUM", Tensor::maximum, BinaryOps::max, N, N, ALL, false, false)
                .gradSamples(g -> List.of(s("ties", List.of(Make.vec(F64, 1, 2, -3, 0.5), Make.vec(F64, 1, 0, -3, 0.7))))).build());
        ops.add(binary("minimum", "MINIMUM", Tensor::minimum, BinaryOps::min, N, N, ALL, false, false)
                .gradSamples(g -> List.of(s("ties", List.of(Make.vec(F64, 1, 2, -3, 0.5), Make.vec(F64, 1, 0, -3, 0.7))))).build());
        // Comparisons see many equal pairs when values are small integers.
        Dist coarse = g -> Math.floor(g.nextGaussian() * 2);
        ops.add(binary("eq", "EQ", Tensor::eq, (x, y) -> x == y ? 1 : 0, coarse, coarse, ALL, false, true).noGradient().build());
        ops.add(binary("ne", "NE", Tensor::ne, (x, y) -> x != y ? 1 : 0, coarse, coarse, ALL, false, true).noGradient().build());
        ops.add(binary("lt", "LT", Tensor::lt, (x, y) -> x < y ? 1 : 0, coarse, coarse, ALL, false, true).noGradient().build());
        ops.add(binary("le", "LE", Tensor::le, (x, y) -> x <= y ? 1 : 0, coarse, coarse, ALL, false, true).noGradient().build());
        ops.add(binary("gt", "GT", Tensor::gt, (x, y) -> x > y ? 1 : 0, coarse, coarse, ALL, false, true).noGradient().build());
        ops.add(binary("ge", "GE", Tensor::ge, (x, y) -> x >= y ? 1 : 0, coarse, coarse, ALL, false, true).noGradient().build());
        Dist sparse = g -> g.nextDouble() < 0.4 ? 0.0 : g.nextGaussian();
        ops.add(binary("logicalAnd", "LOGICAL_AND", Tensor::logicalAnd, (x, y) -> x != 0 && y != 0 ? 1 : 0,
                sparse, sparse, ALL, false, true).noGradient().build());
        ops.add(binary("logicalOr", "LOGICAL_OR", Tensor::logicalOr, (x, y) -> x != 0 || y != 0 ? 1 : 0,
                sparse, sparse, ALL, false, true).noGradient().build());
        ops.add(binary("logicalXor", "LOGICAL_XOR", Tensor::logicalXor, (x, y) -> (x != 0) != (y != 0) ? 1 : 0,
                sparse, sparse, ALL, false, true).noGradient().build());
        ops.add(pow());
        ops.add(where());
        return ops;
    }

    /** NaN-propagating maximum, as torch.maximum. */
    static double max(double x, double y) {
        return Double.isNaN(x) || Double.isNaN(y) ? NAN : x >= y ? x : y;
    }

    static double min(double x, double y) {
        return Double.isNaN(x) || Double.isNaN(y) ? NAN : x <= y ? x : y;
    }

    /** C's (and PyTorch's) pow: 1 when the base is 1, or -1 to an infinite power, even with NaN. */
    static double cPow(double a, double b) {
        if (a == 1.0 || b == 0.0) return 1.0;
        if (a == -1.0 && Double.isInfinite(b)) return 1.0;
        return Math.pow(a, b);
    }

    private static OpInfo pow() {
        return binary("pow(tensor)", "POW", Tensor::pow, BinaryOps::cPow, Make.uniform(0.1, 3), Make.normal(1.5),
                new Kinds(false, false), false, false)
                .samples(g -> {
                    List<Sample> s = pairs(g, Make.uniform(0.1, 3), Make.normal(1.5), new Kinds(false, false));
                    s.add(s("int64 ^ int64", List.of(Make.rand(g, I64, 3, 4), Make.uniform(g, I64, 0, 5, 4))));
                    s.add(s("int32 ^ wrapped 3", List.of(Make.rand(g, I32, 6), Tensor.wrap(3L))));
                    s.add(s("int32 ^ float32", List.of(Make.uniform(g, I32, 1, 5, 4), Make.fill(g, F32, Make.normal(1), 4))));
                    s.add(s("negative base, integral exponents", List.of(Make.vec(F32, -2, -2, -0.5, -3),
                            Make.vec(F32, 2, 3, -1, 0.5))));
                    return s;
                })
                .error("int ^ negative int", () -> Tensor.of(2L, 3L).pow(Tensor.of(-1L, 2L)), ArithmeticException.class,
                        "pow", "negative")
                // Positive bases: d/db a^b = a^b log(a) is not real below 0 (a negative base is checked in AutogradTest).
                .gradDomain((i, v, a) -> i == 0 ? Make.positive(v, 0.1) : v)
                .secondOrder()
                .build();
    }

    private static OpInfo where() {
        Dist n = Make.NORMAL;
        return OpInfo.builder("where")
                .exercises("Where")
                .samples(g -> List.of(
                        s("same shapes", List.of(Make.rand(g, DType.BOOL, 3, 4), Make.fill(g, F32, n, 3, 4), Make.fill(g, F32, n, 3, 4))),
                        s("broadcast all three", List.of(Make.rand(g, DType.BOOL, 3, 1), Make.fill(g, F32, n, 1, 4),
                                Make.fill(g, F32, n, 2, 1, 1))),
                        s("0-d condition", List.of(Make.scalar(DType.BOOL, 1), Make.fill(g, F32, n, 3), Make.fill(g, F32, n, 3))),
                        s("transposed condition", List.of(Make.reversedLayout(Make.rand(g, DType.BOOL, 4, 3)),
                                Make.stepped(g, F32, n, 3, 4), Make.expanded(g, F32, n, 3, 4))),
                        s("int32 x float32 -> float32", List.of(Make.rand(g, DType.BOOL, 5), Make.rand(g, I32, 5), Make.fill(g, F32, n, 5))),
                        s("int64 x wrapped 2.5 -> float32", List.of(Make.rand(g, DType.BOOL, 5), Make.rand(g, I64, 5), Tensor.wrap(2.5))),
                        s("wrapped 0.0 x float64", List.of(Make.rand(g, DType.BOOL, 2, 3), Tensor.wrap(0.0), Make.fill(g, F64, n, 2, 3))),
                        s("bool values", List.of(Make.rand(g, DType.BOOL, 6), Make.rand(g, DType.BOOL, 6), Make.rand(g, DType.BOOL, 6))),
                        s("float16 values", List.of(Make.rand(g, DType.BOOL, 6), Make.fill(g, DType.FLOAT16, n, 6), Tensor.wrap(1.0))),
                        s("empty", List.of(Make.rand(g, DType.BOOL, 0, 2), Make.fill(g, F32, n, 2), Make.fill(g, F32, n, 1))),
                        s("long", List.of(Make.rand(g, DType.BOOL, 70_003), Make.fill(g, F32, n, 70_003), Make.fill(g, F32, n)))))
                .op1((in, a) -> Tensor.where(in.get(0), in.get(1), in.get(2)))
                .secondOrder()
                .ref1((in, a) -> {
                    DType dt = Ref.resultType(in.get(1), in.get(2));
                    return Ref.zip3(in.get(0), in.get(1).cast(dt), in.get(2).cast(dt), (c, x, y) -> c != 0 ? x : y, dt);
                })
                .error("float condition", () -> Tensor.where(Tensor.ones(2), Tensor.ones(2), Tensor.zeros(2)),
                        "where", "bool", "float32")
                .error("shapes that do not broadcast", () -> Tensor.where(Tensor.of(true, false), Tensor.ones(3), Tensor.zeros(3)),
                        "where", "[2]", "[3]", "cannot be broadcast")
                .build();
    }
}
