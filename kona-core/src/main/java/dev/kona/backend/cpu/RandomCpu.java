package dev.kona.backend.cpu;

import dev.kona.DType;
import dev.kona.Tensor;

/** The counter-based uniform generator of {@link dev.kona.ops.Op.RandomUniform}: SplitMix64 of the element index. */
final class RandomCpu {
    private RandomCpu() {}

    private static final long GAMMA = 0x9E3779B97F4A7C15L;
    private static final int GRAIN = 1 << 14;

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
}
