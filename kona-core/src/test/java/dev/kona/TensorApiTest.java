package dev.kona;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.testing.Ref;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Creation, conversion, 16-bit round trips and storage sharing of the public Tensor API. */
class TensorApiTest {

    private static void assertMessage(RuntimeException e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message \"" + e.getMessage() + "\" lacks \"" + p + "\"");
    }

    // ------------------------------------------------------------------ creation

    @Test
    void zerosOnesFull() {
        Tensor z = Tensor.zeros(2, 3);
        assertEquals(DType.FLOAT32, z.dtype());
        assertArrayEquals(new int[] {2, 3}, z.shape());
        assertArrayEquals(new float[6], z.toFloatArray());
        assertArrayEquals(new float[] {1, 1, 1}, Tensor.ones(3).toFloatArray());
        assertArrayEquals(new double[] {2.5, 2.5}, Tensor.full(new int[] {2}, 2.5).toDoubleArray());
        for (DType dt : DType.values()) {
            Tensor o = Tensor.ones(new int[] {2, 2}, dt);
            assertEquals(dt, o.dtype());
            assertArrayEquals(new double[] {1, 1, 1, 1}, o.toDoubleArray(), dt.toString());
            assertEquals(dt, Tensor.zeros(new int[] {1}, dt).dtype());
        }
        assertArrayEquals(new long[] {7, 7}, Tensor.full(new int[] {2}, 7, DType.INT64).toLongArray());
        assertEquals(0, Tensor.zeros().dim());
        assertEquals(1, Tensor.zeros().numel());
        assertEquals(0, Tensor.zeros(3, 0).numel());
        Tensor like = Tensor.onesLike(Tensor.zeros(new int[] {2}, DType.INT32));
        assertEquals(DType.INT32, like.dtype());
        assertArrayEquals(new int[] {1, 1}, like.toIntArray());
    }

    @Test
    void negativeSizesAreRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, -1));
        assertMessage(e, "zeros", "negative dimension -1", "[2, -1]");
    }

    @Test
    void arange() {
        Tensor a = Tensor.arange(5);
        assertEquals(DType.INT64, a.dtype());
        assertArrayEquals(new long[] {0, 1, 2, 3, 4}, a.toLongArray());
        assertArrayEquals(new long[] {2, 5, 8}, Tensor.arange(2, 10, 3).toLongArray());
        assertArrayEquals(new long[] {5, 3, 1}, Tensor.arange(5, 0, -2).toLongArray());
        assertEquals(0, Tensor.arange(3, 3, 1).numel());
        Tensor f = Tensor.arange(0.0, 1.0, 0.25);
        assertEquals(DType.FLOAT32, f.dtype());
        assertArrayEquals(new float[] {0, 0.25f, 0.5f, 0.75f}, f.toFloatArray());
        assertEquals(DType.FLOAT64, Tensor.arange(0, 1, 0.5, DType.FLOAT64).dtype());
        assertArrayEquals(new float[] {1, 0.5f}, Tensor.arange(1.0, 0.0, -0.5).toFloatArray());
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Tensor.arange(0, 5, 0)), "arange", "step");
    }

    @Test
    void linspaceAndEye() {
        assertArrayEquals(new float[] {0, 0.25f, 0.5f, 0.75f, 1}, Tensor.linspace(0, 1, 5).toFloatArray());
        assertArrayEquals(new float[] {-1, 1}, Tensor.linspace(-1, 1, 2).toFloatArray());
        assertArrayEquals(new float[] {3}, Tensor.linspace(3, 7, 1).toFloatArray());
        assertEquals(0, Tensor.linspace(0, 1, 0).numel());
        // The last value is exactly end, however the step rounds.
        float[] l = Tensor.linspace(0, 0.3, 7).toFloatArray();
        assertEquals(0.3f, l[6]);
        assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, Tensor.eye(3).toFloatArray());
        Tensor e = Tensor.eye(2, 3);
        assertArrayEquals(new int[] {2, 3}, e.shape());
        assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0}, e.toFloatArray());
    }

    @Test
    void randomTensorsAreReproducible() {
        Kona.manualSeed(42);
        Tensor a = Tensor.rand(3, 4), n = Tensor.randn(5), i = Tensor.randint(-3, 3, 10);
        Kona.manualSeed(42);
        assertArrayEquals(a.toFloatArray(), Tensor.rand(3, 4).toFloatArray());
        assertArrayEquals(n.toFloatArray(), Tensor.randn(5).toFloatArray());
        assertArrayEquals(i.toLongArray(), Tensor.randint(-3, 3, 10).toLongArray());
        Kona.manualSeed(43);
        assertFalse(Arrays.equals(a.toFloatArray(), Tensor.rand(3, 4).toFloatArray()));

        Tensor g1 = Tensor.randn(new Generator(7), 100), g2 = Tensor.randn(new Generator(7), 100);
        assertArrayEquals(g1.toFloatArray(), g2.toFloatArray());
        assertFalse(Arrays.equals(g1.toFloatArray(), Tensor.randn(new Generator(8), 100).toFloatArray()));
        Generator g = new Generator(9);
        Tensor first = Tensor.rand(g, 4);
        assertNotEquals(Arrays.toString(first.toFloatArray()), Arrays.toString(Tensor.rand(g, 4).toFloatArray()));
        g.manualSeed(9);
        assertArrayEquals(first.toFloatArray(), Tensor.rand(g, 4).toFloatArray());
        assertEquals(9, g.initialSeed());
        // Independent of the thread count.
        int threads = Kona.numThreads();
        try {
            Kona.setNumThreads(1);
            float[] one = Tensor.randn(new Generator(11), 50_000).toFloatArray();
            Kona.setNumThreads(2);
            assertArrayEquals(one, Tensor.randn(new Generator(11), 50_000).toFloatArray());
        } finally {
            Kona.setNumThreads(threads);
        }
    }

    @Test
    void randomDistributions() {
        float[] u = Tensor.rand(new Generator(1), 20_000).toFloatArray();
        double mean = 0;
        for (float v : u) {
            assertTrue(v >= 0 && v < 1, "rand value " + v);
            mean += v / u.length;
        }
        assertEquals(0.5, mean, 0.01);
        float[] n = Tensor.randn(new Generator(2), 20_000).toFloatArray();
        double m = 0, s = 0;
        for (float v : n) m += v / n.length;
        for (float v : n) s += (v - m) * (v - m) / n.length;
        assertEquals(0, m, 0.03);
        assertEquals(1, Math.sqrt(s), 0.03);
        long[] r = Tensor.randint(new Generator(3), -2, 3, 5000).toLongArray();
        boolean[] seen = new boolean[5];
        for (long v : r) {
            assertTrue(v >= -2 && v < 3, "randint value " + v);
            seen[(int) v + 2] = true;
        }
        assertArrayEquals(new boolean[] {true, true, true, true, true}, seen);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Tensor.randint(3, 3, 2)), "randint", "low < high");
    }

    @Test
    void tensorOfNestedArrays() {
        Tensor v = Tensor.of(1f, 2f);
        assertEquals(DType.FLOAT32, v.dtype());
        assertArrayEquals(new int[] {2}, v.shape());
        Tensor m = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
        assertArrayEquals(new int[] {2, 3}, m.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, m.toFloatArray());
        Tensor t3 = Tensor.of(new double[][][] {{{1, 2}}, {{3, 4}}, {{5, 6}}});
        assertEquals(DType.FLOAT64, t3.dtype());
        assertArrayEquals(new int[] {3, 1, 2}, t3.shape());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, t3.toDoubleArray());
        Tensor t4 = Tensor.of(new float[][][][] {{{{1}, {2}}}, {{{3}, {4}}}});
        assertArrayEquals(new int[] {2, 1, 2, 1}, t4.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4}, t4.toFloatArray());
        assertEquals(DType.INT32, Tensor.of(new int[][] {{1}, {2}}).dtype());
        assertEquals(DType.INT64, Tensor.of(new long[][] {{1, 2}}).dtype());
        Tensor b = Tensor.of(new boolean[][] {{true, false}, {false, true}});
        assertEquals(DType.BOOL, b.dtype());
        assertArrayEquals(new boolean[] {true, false, false, true}, b.toBooleanArray());
        assertArrayEquals(new int[] {2, 0}, Tensor.of(new float[][] {{}, {}}).shape());
        Tensor flat = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        assertArrayEquals(new int[] {3, 2}, flat.shape());
        assertEquals(4f, flat.select(0, 1).select(0, 1).item());
        assertEquals(0, Tensor.of(new double[] {5}).reshape().dim());
    }

    @Test
    void jaggedArraysAreRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[][] {{1, 2}, {3}}));
        assertMessage(e, "Tensor.of", "[1]", "length 1", "expected 2", "rectangular");
        var e3 = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new double[][][] {{{1, 2}, {3, 4}}, {{5, 6}}}));
        assertMessage(e3, "Tensor.of", "rectangular");
    }

    @Test
    void flatDataMustFillTheShape() {
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[] {1, 2, 3}, 2, 2));
        assertMessage(e, "Tensor.of", "3 values", "[2, 2]", "4 elements");
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new long[] {1, 2}, 3));
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[] {1, 2}, 2, -1));
    }

    // ------------------------------------------------------------------ getting data out

    @Test
    void itemAndArrays() {
        assertEquals(2.5, Tensor.scalar(2.5).item());
        assertEquals(3.0, Tensor.of(3f).item());
        assertEquals(-7, Tensor.of(-7L).itemLong());
        assertEquals(1, Tensor.of(true).itemLong());
        assertEquals(Long.MAX_VALUE, Tensor.of(Long.MAX_VALUE).itemLong(), "itemLong is exact");
        assertEquals(5, Tensor.of(new int[] {5}, 1, 1).itemLong());
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(1f, 2f, 3f).item());
        assertMessage(e, "item", "3 elements", "[3]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(0).item()), "item", "0 elements");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Tensor.scalar(1.5).itemLong()), "itemLong", "float32");

        Tensor x = Tensor.of(new float[][] {{1.5f, -2.5f}, {3.9f, -0.5f}}).t();
        assertArrayEquals(new float[] {1.5f, 3.9f, -2.5f, -0.5f}, x.toFloatArray());
        assertArrayEquals(new double[] {1.5, (double) 3.9f, -2.5, -0.5}, x.toDoubleArray());
        assertArrayEquals(new int[] {1, 3, -2, 0}, x.toIntArray(), "float to int truncates toward zero");
        assertArrayEquals(new long[] {1, 3, -2, 0}, x.toLongArray());
        assertArrayEquals(new boolean[] {true, true, true, true}, x.toBooleanArray());
        assertArrayEquals(new boolean[] {false, true}, Tensor.of(0f, Float.NaN).toBooleanArray(), "NaN is true");
        assertArrayEquals(new float[] {1, 0}, Tensor.of(true, false).toFloatArray());
        assertArrayEquals(new long[] {1L << 40}, Tensor.of(1L << 40).to(DType.INT64).toLongArray());
    }

    @Test
    void conversionsBetweenDtypes() {
        Tensor f = Tensor.of(-1.7f, 0f, 2.5f, 3.99f);
        assertArrayEquals(new int[] {-1, 0, 2, 3}, f.to(DType.INT32).toIntArray());
        assertArrayEquals(new boolean[] {true, false, true, true}, f.to(DType.BOOL).toBooleanArray());
        assertEquals(DType.FLOAT64, f.to(DType.FLOAT64).dtype());
        assertSame(f, f.to(DType.FLOAT32), "to() the same dtype returns this");
        assertArrayEquals(new long[] {3_000_000_000L}, Tensor.of(3_000_000_000L).to(DType.FLOAT64).to(DType.INT64).toLongArray());
        assertArrayEquals(new int[] {1, 0}, Tensor.of(true, false).to(DType.INT32).toIntArray());
    }

    // ------------------------------------------------------------------ 16-bit types

    @Test
    void bfloat16RoundTripsRepresentableValues() {
        float[] exact = {0f, -0f, 1f, -2f, 0.5f, 3.140625f, 65280f, 1.5f * (float) Math.pow(2, -120), 0x1.fep127f,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1.1754944e-38f};
        float[] back = Tensor.of(exact).to(DType.BFLOAT16).to(DType.FLOAT32).toFloatArray();
        for (int i = 0; i < exact.length; i++) {
            assertEquals(Float.floatToIntBits(exact[i]), Float.floatToIntBits(back[i]), "bf16 round trip of " + exact[i]);
        }
        assertTrue(Double.isNaN(Tensor.of(Float.NaN).to(DType.BFLOAT16).item()), "NaN stays NaN");
    }

    @Test
    void bfloat16RoundsToNearestEven() {
        float one = 1f, ulp = (float) Math.pow(2, -7);
        float[] in = {one + ulp / 2, one + 3 * ulp / 2, one + ulp / 2 + (float) Math.pow(2, -20), -(one + ulp / 2),
                one + ulp / 2 - (float) Math.pow(2, -20), Float.MAX_VALUE, 0x1.ffp127f};
        float[] expected = {one, one + 2 * ulp, one + ulp, -one, one, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY};
        float[] out = Tensor.of(in).to(DType.BFLOAT16).to(DType.FLOAT32).toFloatArray();
        for (int i = 0; i < in.length; i++) assertEquals(expected[i], out[i], "bf16(" + in[i] + ")");
        // Random values, bit patterns and subnormals against an independent rounding (double arithmetic).
        SplittableRandom r = new SplittableRandom(5);
        float[] v = new float[20_000];
        for (int i = 0; i < v.length; i++) {
            v[i] = switch (i % 4) {
                case 0 -> (float) r.nextGaussian();
                case 1 -> Float.intBitsToFloat(r.nextInt());
                case 2 -> (float) (r.nextGaussian() * 1e-39);
                default -> (float) (r.nextGaussian() * 1e30);
            };
        }
        float[] got = Tensor.of(v).to(DType.BFLOAT16).to(DType.FLOAT32).toFloatArray();
        for (int i = 0; i < v.length; i++) {
            if (Float.isNaN(v[i])) {
                assertTrue(Float.isNaN(got[i]));
                continue;
            }
            assertEquals((float) Ref.bf16Round(v[i]), got[i], "bf16 of " + v[i] + " (bits " + Integer.toHexString(Float.floatToRawIntBits(v[i])) + ")");
        }
    }

    @Test
    void float16RoundTripsAndRounding() {
        float[] exact = {0f, -0f, 1f, -2f, 0.5f, 65504f, (float) Math.pow(2, -24), (float) Math.pow(2, -14), 1.0009765625f,
                Float.POSITIVE_INFINITY};
        float[] back = Tensor.of(exact).to(DType.FLOAT16).to(DType.FLOAT32).toFloatArray();
        for (int i = 0; i < exact.length; i++) {
            assertEquals(Float.floatToIntBits(exact[i]), Float.floatToIntBits(back[i]), "f16 round trip of " + exact[i]);
        }
        float ulp = (float) Math.pow(2, -10);
        float[] in = {1 + ulp / 2, 1 + 3 * ulp / 2, 65520f, 70000f, (float) Math.pow(2, -26)};
        float[] expected = {1, 1 + 2 * ulp, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY, 0};
        float[] out = Tensor.of(in).to(DType.FLOAT16).to(DType.FLOAT32).toFloatArray();
        for (int i = 0; i < in.length; i++) assertEquals(expected[i], out[i], "f16(" + in[i] + ")");
        // float64 -> float16 and int -> float16 conversions too.
        assertEquals(2048.0, Tensor.of(2049L).to(DType.FLOAT16).item(), "2049 rounds to even 2048 in float16");
        assertEquals(1.0, Tensor.of(1.0 + Math.pow(2, -12)).to(DType.FLOAT16).item());
    }

    @Test
    void halfArithmeticRoundsBackToHalf() {
        Tensor a = Tensor.of(1f).to(DType.FLOAT16), b = Tensor.of((float) Math.pow(2, -11)).to(DType.FLOAT16);
        Tensor s = a.add(b);
        assertEquals(DType.FLOAT16, s.dtype());
        assertEquals(1.0, s.item(), "1 + 2^-11 rounds to 1 in float16");
        assertEquals(DType.BFLOAT16, Tensor.of(1f, 2f).to(DType.BFLOAT16).exp().dtype());
        assertEquals(DType.BFLOAT16, Tensor.of(1f, 2f).to(DType.BFLOAT16).sum().dtype());
    }

    // ------------------------------------------------------------------ views

    @Test
    void viewsShareStorage() {
        Tensor x = Tensor.zeros(3, 4);
        x.select(0, 1).fill(5);
        assertArrayEquals(new float[] {0, 0, 0, 0, 5, 5, 5, 5, 0, 0, 0, 0}, x.toFloatArray());
        x.t().select(0, 3).copyFrom(Tensor.of(7f, 8f, 9f));
        assertArrayEquals(new float[] {0, 0, 0, 7, 5, 5, 5, 8, 0, 0, 0, 9}, x.toFloatArray());
        x.reshape(12).slice(0, 0, 12, 5).fill(-1);
        assertArrayEquals(new float[] {-1, 0, 0, 7, 5, -1, 5, 8, 0, 0, -1, 9}, x.toFloatArray());
        x.index(Index.all(), Index.slice(1, 3)).copyFrom(Tensor.of(2f, 3f));
        assertArrayEquals(new float[] {-1, 2, 3, 7, 5, 2, 3, 8, 0, 2, 3, 9}, x.toFloatArray());
        x.view(2, 6).narrow(1, 5, 1).fill(4);
        assertArrayEquals(new float[] {-1, 2, 3, 7, 5, 4, 3, 8, 0, 2, 3, 4}, x.toFloatArray());
        Tensor y = x.unsqueeze(0).permute(2, 0, 1).squeeze(1);
        assertSame(x.storage(), y.storage());
        y.select(0, 0).fill(0);
        assertArrayEquals(new float[] {2, 4, 2}, x.select(1, 1).add(x.select(1, 0)).toFloatArray());
        // A broadcast copy into a view.
        Tensor z = Tensor.zeros(2, 3);
        z.copyFrom(Tensor.of(1f, 2f, 3f));
        assertArrayEquals(new float[] {1, 2, 3, 1, 2, 3}, z.toFloatArray());
        // Copy converts the dtype.
        Tensor i = Tensor.zeros(new int[] {2}, DType.INT32);
        i.copyFrom(Tensor.of(1.9, -1.9));
        assertArrayEquals(new int[] {1, -1}, i.toIntArray());
        // Copying a tensor onto an overlapping view of itself reads the old values.
        Tensor w = Tensor.of(1f, 2f, 3f, 4f);
        w.slice(0, 1, 4).copyFrom(w.slice(0, 0, 3));
        assertArrayEquals(new float[] {1, 1, 2, 3}, w.toFloatArray());
    }

    @Test
    void copiesDoNotShareStorage() {
        Tensor x = Tensor.of(1f, 2f, 3f, 4f).reshape(2, 2);
        Tensor c = x.t().contiguous();
        c.fill(0);
        assertArrayEquals(new float[] {1, 2, 3, 4}, x.toFloatArray());
        Tensor d = x.copy();
        d.fill(9);
        assertArrayEquals(new float[] {1, 2, 3, 4}, x.toFloatArray());
        Tensor r = x.t().reshape(4);
        r.fill(0);
        assertArrayEquals(new float[] {1, 2, 3, 4}, x.toFloatArray(), "reshape of a transposed tensor copies");
    }

    @Test
    void viewFailsOnIncompatibleStrides() {
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(3, 4).t().view(12));
        assertMessage(e, "view", "[12]", "[4, 3]", "strides [1, 4]", "reshape");
        var e2 = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(4, 6).slice(1, 0, 4).view(16));
        assertMessage(e2, "view", "[16]", "[4, 4]");
        // A stepped slice whose rows still line up can be viewed.
        assertArrayEquals(new int[] {2}, Tensor.zeros(4, 6).slice(1, 0, 6, 2).view(12).stride());
        // Compatible non-contiguous views are fine.
        assertArrayEquals(new int[] {2, 2, 3}, Tensor.zeros(3, 4).t().view(2, 2, 3).shape());
    }

    @Test
    void stridesAndContiguity() {
        Tensor x = Tensor.zeros(2, 3, 4);
        assertArrayEquals(new int[] {12, 4, 1}, x.stride());
        assertTrue(x.isContiguous());
        Tensor p = x.permute(2, 0, 1);
        assertArrayEquals(new int[] {1, 12, 4}, p.stride());
        assertFalse(p.isContiguous());
        Tensor e = Tensor.zeros(3, 1).expand(3, 5);
        assertArrayEquals(new int[] {1, 0}, e.stride());
        assertEquals(4, x.size(-1));
        assertEquals(3, x.dim());
        assertEquals(24, x.numel());
        var err = assertThrows(IndexOutOfBoundsException.class, () -> x.size(3));
        assertMessage(err, "size", "dimension 3 is out of range");
    }

    @Test
    void asStridedStaysInsideTheStorage() {
        Tensor x = Tensor.arange(0, 6, 1.0);
        assertArrayEquals(new float[] {0, 2, 4}, x.asStrided(new int[] {3}, new int[] {2}, 0).toFloatArray());
        var e = assertThrows(IllegalArgumentException.class, () -> x.asStrided(new int[] {4}, new int[] {2}, 0));
        assertMessage(e, "fromStorage", "storage of 6 elements");
    }

    @Test
    void inPlaceOps() {
        Tensor x = Tensor.of(1f, 2f, 3f);
        assertSame(x, x.addInPlace(Tensor.of(1f, 1f, 1f)));
        x.mulInPlace(2).subInPlace(Tensor.scalar(1)).divInPlace(2);
        assertArrayEquals(new float[] {1.5f, 2.5f, 3.5f}, x.toFloatArray());
        x.addInPlace(Tensor.of(1f, 2f, 3f), -1);
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, x.toFloatArray());
        Tensor m = Tensor.zeros(2, 3);
        m.t().addInPlace(Tensor.of(1f, 2f));
        assertArrayEquals(new float[] {1, 2, 1, 2, 1, 2}, m.t().contiguous().reshape(6).toFloatArray());
        Tensor i = Tensor.of(1L, 2L);
        var e = assertThrows(IllegalArgumentException.class, () -> i.addInPlace(Tensor.of(0.5f, 1f)));
        assertMessage(e, "addInPlace", "float32", "int64");
        var e2 = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2).addInPlace(Tensor.zeros(3)));
        assertMessage(e2, "addInPlace", "[3]", "[2]");
    }
}
