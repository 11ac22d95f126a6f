package dev.kona;

import dev.kona.backend.cpu.Parallel;

/** Process-wide settings: the global seed and the CPU thread count. */
public final class Kona {
    private Kona() {}

    /** Kona's version. */
    public static final String VERSION = "0.1.0";

    /** Seeds the global generator used by {@link Tensor#rand}, {@link Tensor#randn} and the layers' init. */
    public static void manualSeed(long seed) {
        Generator.reseedGlobal(seed);
    }

    /** Threads the CPU kernels use (default: the core count, or {@code KONA_NUM_THREADS}). */
    public static int numThreads() {
        return Parallel.threads();
    }

    /** Sets the threads the CPU kernels use; results are identical for any count. */
    public static void setNumThreads(int threads) {
        Parallel.setThreads(threads);
    }
}
