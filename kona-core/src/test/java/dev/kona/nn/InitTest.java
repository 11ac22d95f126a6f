package dev.kona.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.DType;
import dev.kona.Generator;
import dev.kona.Kona;
import dev.kona.Tensor;
import dev.kona.testing.TensorAssert;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Statistics, bounds, orthogonality and reproducibility of {@link Init}. */
class InitTest {

    /** Mean, standard deviation, min and max of a tensor's values. */
    private record Stats(double mean, double std, double min, double max) {
        static Stats of(Tensor t) {
            double[] v = t.toDoubleArray();
            double s = 0, sq = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
            for (double x : v) {
                s += x;
                sq += x * x;
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
            double mean = s / v.length;
            return new Stats(mean, Math.sqrt(sq / v.length - mean * mean), min, max);
        }
    }

    private static final Generator G = new Generator(123);

    @Test
    void uniformAndNormalHaveTheRightMoments() {
        Stats u = Stats.of(Init.uniform(Tensor.empty(400, 250), -2, 4, G));
        assertEquals(1, u.mean(), 0.02);
        assertEquals(6 / Math.sqrt(12), u.std(), 0.01);
        assertTrue(u.min() >= -2 && u.max() <= 4 && u.min() < -1.99 && u.max() > 3.99);

        Stats n = Stats.of(Init.normal(Tensor.empty(400, 250), 3, 0.5, G));
        assertEquals(3, n.mean(), 0.005);
        assertEquals(0.5, n.std(), 0.005);
    }

    @Test
    void truncNormalStaysInsideAndMatchesTheTruncatedMoments() {
        // Reference moments of the truncated standard normal, from the closed form.
        Stats core = Stats.of(Init.truncNormal(Tensor.empty(100_000), 0, 1, -2, 2, G));
        assertTrue(core.min() >= -2 && core.max() <= 2);
        assertEquals(0, core.mean(), 0.01);
        assertEquals(0.8796256610342398, core.std(), 0.01);

        // Deep in the tail: sampled by the inverse CDF, not by rejection.
        Stats tail = Stats.of(Init.truncNormal(Tensor.empty(new int[] {100_000}, DType.FLOAT64), 0, 1, 3, 4, G));
        assertTrue(tail.min() >= 3 && tail.max() <= 4);
        assertEquals(3.2604542855899994, tail.mean(), 0.005);
        assertEquals(0.2219860215812523, tail.std(), 0.005);

        Stats shifted = Stats.of(Init.truncNormal(Tensor.empty(100_000), 10, 2, 8, 11, G));
        assertEquals(10 + 2 * -0.20663121806153306, shifted.mean(), 0.01);
        assertEquals(2 * 0.4156600282520478, shifted.std(), 0.01);

        var e = assertThrows(IllegalArgumentException.class, () -> Init.truncNormal(Tensor.empty(2), 0, 1, 1, -1));
        assertEquals("Init.truncNormal: expected a < b, got a=1.0, b=-1.0", e.getMessage());
    }

    @Test
    void normalCdfIsAccurateInBothTails() {
        assertEquals(0.8413447460685429, Init.cdf(1), 1e-15);
        assertEquals(0.9937903346742238, Init.cdf(2.5), 1e-15);
        assertEquals(2.866515718791946e-07, Init.cdf(-5), 1e-12 * 2.87e-7);
        assertEquals(7.619853024160593e-24, Init.cdf(-10), 1e-12 * 7.62e-24);
        assertEquals(0.00023262907903552504, Init.cdf(-3.5), 1e-12 * 2.33e-4);
    }

    @Test
    void fansFollowPyTorch() {
        assertEquals(new Init.Fans(784, 128), Init.fans(Tensor.empty(128, 784)));
        assertEquals(new Init.Fans(4 * 9, 8 * 9), Init.fans(Tensor.empty(8, 4, 3, 3)), "conv weight [out, in, kh, kw]");
        var e = assertThrows(IllegalArgumentException.class, () -> Init.xavierUniform(Tensor.empty(5)));
        assertEquals("Init.xavierUniform: fan in and fan out can not be computed for a tensor with fewer than 2 dimensions, "
                + "got shape [5]", e.getMessage());
    }

    @Test
    void gainsFollowPyTorchsCalculateGain() {
        assertEquals(1, Init.calculateGain("linear"));
        assertEquals(1, Init.calculateGain("sigmoid"));
        assertEquals(5.0 / 3, Init.calculateGain("tanh"));
        assertEquals(Math.sqrt(2), Init.calculateGain("relu"));
        assertEquals(Math.sqrt(2 / (1 + 0.01 * 0.01)), Init.calculateGain("leaky_relu"));
        assertEquals(Math.sqrt(2 / 6.0), Init.calculateGain("leaky_relu", Math.sqrt(5)), 1e-15);
        var e = assertThrows(IllegalArgumentException.class, () -> Init.calculateGain("swish"));
        assertTrue(e.getMessage().startsWith("calculateGain: unsupported nonlinearity 'swish'"), e.getMessage());
    }

    @Test
    void xavierAndKaimingScaleWithTheFans() {
        Tensor w = Tensor.empty(300, 500);
        double xb = 2 * Math.sqrt(6.0 / 800);
        Stats xu = Stats.of(Init.xavierUniform(w, 2, G));
        assertTrue(xu.max() <= xb && xu.min() >= -xb && xu.max() > 0.99 * xb);
        assertEquals(xb / Math.sqrt(3), xu.std(), 0.01 * xb);
        assertEquals(Math.sqrt(2.0 / 800), Stats.of(Init.xavierNormal(w, 1, G)).std(), 0.01 * Math.sqrt(2.0 / 800));

        double kb = Math.sqrt(2) * Math.sqrt(3.0 / 500);
        Stats ku = Stats.of(Init.kaimingUniform(w, 0, Init.Mode.FAN_IN, "relu", G));
        assertTrue(ku.max() <= kb && ku.min() >= -kb && ku.max() > 0.99 * kb);
        double ks = (5.0 / 3) / Math.sqrt(300);
        assertEquals(ks, Stats.of(Init.kaimingNormal(w, 0, Init.Mode.FAN_OUT, "tanh", G)).std(), 0.01 * ks);
    }

    @Test
    void orthogonalGivesOrthonormalRowsOrColumns() {
        for (int[] shape : new int[][] {{64, 64}, {80, 30}, {20, 70}, {6, 3, 2, 2}}) {
            Tensor q = Init.orthogonal(Tensor.empty(shape, DType.FLOAT64), 1.0, G);
            int rows = shape[0], cols = (int) (q.numel() / rows);
            Tensor m = q.reshape(rows, cols);
            Tensor gram = rows >= cols ? m.t().matmul(m) : m.matmul(m.t());
            double[] g = gram.toDoubleArray();
            int n = Math.min(rows, cols);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    assertEquals(i == j ? 1 : 0, g[i * n + j], 1e-12, Arrays.toString(shape) + ": Q^T Q at " + i + "," + j);
                }
            }
        }
        Tensor scaled = Init.orthogonal(Tensor.empty(16, 16), 3.0, G);
        double[] g = scaled.t().matmul(scaled).toDoubleArray();
        for (int i = 0; i < 16; i++) assertEquals(9, g[i * 16 + i], 1e-4, "gain 3 gives Q^T Q = 9 I");
        var e = assertThrows(IllegalArgumentException.class, () -> Init.orthogonal(Tensor.empty(4)));
        assertEquals("Init.orthogonal: only tensors with 2 or more dimensions are supported, got shape [4]", e.getMessage());
    }

    @Test
    void householderQFixesTheSignsSoThatRHasAPositiveDiagonal() {
        // A = Q R with R's diagonal > 0: for an upper-triangular A with a positive diagonal, Q = I.
        double[] a = {2, 1, 0, 3, 0, 0};
        double[] q = Init.householderQ(a, 3, 2);
        double[] expected = {1, 0, 0, 1, 0, 0};
        for (int i = 0; i < q.length; i++) assertEquals(expected[i], q[i], 1e-15);
    }

    @Test
    void seededCallsAreReproducible() {
        TensorAssert.assertBitEqual(Init.kaimingUniform(Tensor.empty(10, 10), 0, Init.Mode.FAN_IN, "relu", new Generator(5)),
                Init.kaimingUniform(Tensor.empty(10, 10), 0, Init.Mode.FAN_IN, "relu", new Generator(5)), "kaimingUniform");
        TensorAssert.assertBitEqual(Init.orthogonal(Tensor.empty(7, 5), 1, new Generator(5)),
                Init.orthogonal(Tensor.empty(7, 5), 1, new Generator(5)), "orthogonal");
        TensorAssert.assertBitEqual(Init.truncNormal(Tensor.empty(50), 0, 1, 2, 5, new Generator(5)),
                Init.truncNormal(Tensor.empty(50), 0, 1, 2, 5, new Generator(5)), "truncNormal");
        Kona.manualSeed(8);
        Tensor a = Init.xavierNormal(Tensor.empty(4, 4));
        Kona.manualSeed(8);
        TensorAssert.assertBitEqual(a, Init.xavierNormal(Tensor.empty(4, 4)), "the global generator");
        assertFalse(Arrays.equals(a.toFloatArray(), Init.xavierNormal(Tensor.empty(4, 4)).toFloatArray()));
    }

    @Test
    void initWritesParametersInPlace() {
        var fc = new Linear(3, 2);
        Tensor w = fc.weight();
        assertSame(w, Init.ones(w), "works on a tensor that requires grad, in place");
        assertTrue(w.requiresGrad());
        for (float v : w.toFloatArray()) assertEquals(1f, v);
        Init.zeros(fc.bias());
        for (float v : fc.bias().toFloatArray()) assertEquals(0f, v);
        Init.constant(w.t(), 0.5);
        for (float v : w.toFloatArray()) assertEquals(0.5f, v);
        Tensor view = Tensor.zeros(4, 4).slice(1, 0, 4, 2);
        Init.uniform(view, 1, 2, G);
        for (float v : view.toFloatArray()) assertTrue(v >= 1 && v <= 2, "writes through a strided view");
        var e = assertThrows(IllegalArgumentException.class, () -> Init.normal(Tensor.of(1, 2), 0, 1));
        assertEquals("Init.normal: expected a floating-point tensor, got int32", e.getMessage());
    }
}
