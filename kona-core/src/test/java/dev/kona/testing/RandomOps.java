package dev.kona.testing;

import static dev.kona.testing.Make.s;

import dev.kona.DType;
import dev.kona.Tensor;
import dev.kona.ops.Creation;
import java.math.BigInteger;
import java.util.List;

/**
 * The counter-based uniform draw (Op.RandomUniform) and the dropout that masks with it
 * (Op.Dropout), against SplitMix64 written out in BigInteger arithmetic.
 */
final class RandomOps {
    private RandomOps() {}

    private static final long SEED = 0x1234_5678_9ABC_DEF0L;
    private static final BigInteger MASK = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    static List<OpInfo> all() {
        return List.of(rand(), dropout());
    }

    private static OpInfo rand() {
        return OpInfo.builder("rand")
                .exercises("RandomUniform")
                .samples(g -> List.of(
                        s("2-d float32", Make.rand(g, DType.FLOAT32, 3, 5)),
                        s("float64", Make.rand(g, DType.FLOAT64, 7)),
                        s("0-d", Make.scalar(DType.FLOAT32, 1)),
                        s("empty", Tensor.zeros(0, 4))))
                .op1((in, a) -> Creation.uniformCounterBased(SEED, in.get(0).shape(), in.get(0).dtype(), in.get(0).device()))
                .noGradient()
                .f32(0, 0)
                .f64(0, 0)
                .ref1((in, a) -> {
                    Nd x = in.get(0);
                    double[] out = new double[(int) x.numel()];
                    for (int i = 0; i < out.length; i++) {
                        BigInteger z = mix(BigInteger.valueOf(SEED).add(BigInteger.valueOf(i + 1L)
                                .multiply(new BigInteger("9E3779B97F4A7C15", 16))).and(MASK));
                        out[i] = x.dtype == DType.FLOAT64
                                ? z.shiftRight(11).doubleValue() / Math.pow(2, 53)
                                : z.shiftRight(40).doubleValue() / Math.pow(2, 24);
                    }
                    return new Nd(x.shape, out, x.dtype);
                })
                .error("integer dtype", () -> Creation.uniformCounterBased(1, new int[] {2}, DType.INT32, dev.kona.Device.CPU),
                        "rand", "int32")
                .build();
    }

    /** Linear in x for a fixed seed, so the finite-difference check applies as to any op. */
    private static OpInfo dropout() {
        var n = Make.NORMAL;
        return OpInfo.builder("dropout")
                .exercises("Dropout", "Copy")
                .samples(g -> List.of(
                        s("2-d float32", Make.fill(g, DType.FLOAT32, n, 6, 7), 0.3),
                        s("float64", Make.fill(g, DType.FLOAT64, n, 40), 0.5),
                        s("transposed: the mask follows the logical order", Make.transposed(g, DType.FLOAT32, n, 5, 4), 0.25),
                        s("expanded", Make.expanded(g, DType.FLOAT32, n, 3, 4), 0.4),
                        s("float16", Make.fill(g, DType.FLOAT16, n, 9), 0.5),
                        s("p = 0.1, 3-d", Make.fill(g, DType.FLOAT32, n, 2, 3, 4), 0.1),
                        s("0-d", Make.scalar(DType.FLOAT32, 1.5), 0.2),
                        s("empty", Tensor.zeros(0, 4), 0.5)))
                .op1((in, a) -> dev.kona.ops.Elementwise.dropout(in.get(0), a.d(0), SEED))
                .secondOrder()
                .ref1((in, a) -> {
                    Nd x = in.get(0);
                    boolean f64 = x.dtype == DType.FLOAT64;
                    double p = f64 ? a.d(0) : (float) a.d(0);
                    double scale = f64 ? 1 / (1 - a.d(0)) : (float) (1 / (1 - a.d(0)));
                    double[] out = new double[x.numel()];
                    for (int i = 0; i < out.length; i++) {
                        double u = f64 ? uniform(i).shiftRight(11).doubleValue() / Math.pow(2, 53)
                                : uniform(i).shiftRight(40).doubleValue() / Math.pow(2, 24);
                        out[i] = u >= p ? x.data[i] * scale : 0 * x.data[i];
                    }
                    return new Nd(x.shape, out, x.dtype);
                })
                .error("integer dtype", () -> dev.kona.ops.Elementwise.dropout(Tensor.ones(2).to(DType.INT32), 0.5, 1),
                        "dropout", "int32")
                .build();
    }

    /** The 64-bit hash of element i. */
    private static BigInteger uniform(int i) {
        return mix(BigInteger.valueOf(SEED).add(BigInteger.valueOf(i + 1L)
                .multiply(new BigInteger("9E3779B97F4A7C15", 16))).and(MASK));
    }

    /** SplitMix64's finaliser on an unsigned 64-bit value. */
    private static BigInteger mix(BigInteger z) {
        z = z.xor(z.shiftRight(30)).multiply(new BigInteger("BF58476D1CE4E5B9", 16)).and(MASK);
        z = z.xor(z.shiftRight(27)).multiply(new BigInteger("94D049BB133111EB", 16)).and(MASK);
        return z.xor(z.shiftRight(31));
    }
}
