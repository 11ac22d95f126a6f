package dev.kona.backend.cpu;

import dev.kona.DType;
import dev.kona.Tensor;
import dev.kona.ops.Op;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/** The counter-based uniform generator of {@link dev.kona.ops.Op.RandomUniform}: SplitMix64 of the element index. */
final class RandomCpu {
    private RandomCpu() {}

    private static final long GAMMA = 0x9E3779B97F4A7C15L;
    private static final int GRAIN = 1 << 14;
    /** Dropout's lanes: 64-bit hashes, and as many float32 or float64 elements. */
    private static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> FS = VectorSpecies.of(float.class, VectorShape.forBitSize(LS.vectorBitSize() / 2));
    private static final VectorSpecies<Double> DS = VectorSpecies.of(double.class, LS.vectorShape());
    private static final LongVector IOTA = (LongVector) LS.iotaShuffle(0, 1, false).toVector();

    static long mix(long seed, long i) {
        long z = seed + (i + 1) * GAMMA;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static void uniform(long seed, Tensor out) {
        int n = (int) out.numel();
        int off = out.layout().offset();
        var storage = (CpuStorage) out.storage();
        if (out.dtype() == DType.FLOAT32) {
            float[] o = storage.f32();
            Parallel.forRange(n, GRAIN, (s, e) -> {
                for (int i = s; i < e; i++) o[off + i] = (mix(seed, i) >>> 40) * 0x1.0p-24f;
            });
        } else if (out.dtype() == DType.FLOAT64) {
            double[] o = storage.f64();
            Parallel.forRange(n, GRAIN, (s, e) -> {
                for (int i = s; i < e; i++) o[off + i] = (mix(seed, i) >>> 11) * 0x1.0p-53;
            });
        } else {
            throw new IllegalArgumentException("rand: expected a float32 or float64 output, got " + out.dtype());
        }
    }

    /** {@link Op.Dropout} of a contiguous x: each element times the scale or zero, by its hash. */
    static void dropout(Op.Dropout op, Tensor out, Tensor x) {
        int n = (int) out.numel();
        int oo = out.layout().offset(), xo = x.layout().offset();
        long seed = op.seed(), threshold = op.threshold(out.dtype());
        int lanes = LS.length();
        if (out.dtype() == DType.FLOAT32) {
            float[] o = ((CpuStorage) out.storage()).f32(), a = ((CpuStorage) x.storage()).f32();
            float scale = (float) op.scale();
            var zero = FloatVector.zero(FS);
            Parallel.forRange(n, GRAIN, (s, e) -> {
                int i = s;
                for (; i <= e - lanes; i += lanes) {
                    var keep = mixLanes(seed, i).lanewise(VectorOperators.LSHR, 40).compare(VectorOperators.GE, threshold);
                    var factor = zero.blend(scale, keep.cast(FS));
                    FloatVector.fromArray(FS, a, xo + i).mul(factor).intoArray(o, oo + i);
                }
                for (; i < e; i++) o[oo + i] = a[xo + i] * (kept(mix(seed, i) >>> 40, threshold) * scale);
            });
        } else if (out.dtype() == DType.FLOAT64) {
            double[] o = ((CpuStorage) out.storage()).f64(), a = ((CpuStorage) x.storage()).f64();
            double scale = op.scale();
            var zero = DoubleVector.zero(DS);
            Parallel.forRange(n, GRAIN, (s, e) -> {
                int i = s;
                for (; i <= e - lanes; i += lanes) {
                    var keep = mixLanes(seed, i).lanewise(VectorOperators.LSHR, 11).compare(VectorOperators.GE, threshold);
                    var factor = zero.blend(scale, keep.cast(DS));
                    DoubleVector.fromArray(DS, a, xo + i).mul(factor).intoArray(o, oo + i);
                }
                for (; i < e; i++) o[oo + i] = a[xo + i] * (kept(mix(seed, i) >>> 11, threshold) * scale);
            });
        } else {
            throw new IllegalArgumentException("dropout: expected a float32 or float64 input, got " + out.dtype());
        }
    }

    /** {@link #mix} of the indices {@code i, i + 1, ...}, one per lane. */
    private static LongVector mixLanes(long seed, int i) {
        var z = IOTA.add(i + 1L).mul(GAMMA).add(seed);
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30)).mul(0xBF58476D1CE4E5B9L);
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27)).mul(0x94D049BB133111EBL);
        return z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31));
    }

    /** 1 when {@code bits >= threshold}, else 0, without a branch (both are below 2^53). */
    private static int kept(long bits, long threshold) {
        return (int) ((threshold - 1 - bits) >>> 63);
    }
}
