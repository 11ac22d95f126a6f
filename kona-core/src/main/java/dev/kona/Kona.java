package dev.kona;

import dev.kona.backend.cpu.Parallel;
import dev.kona.ops.Dispatch;

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

    /**
     * Waits until the work queued on {@code device} has finished. Devices such as CUDA run ops
     * asynchronously; reading a value back ({@code item}, {@code toFloatArray}) waits by itself, so
     * this is only needed to time device work.
     */
    public static void synchronize(Device device) {
        Dispatch.backend(device).synchronize();
    }

    private static volatile String float32MatmulPrecision = "highest";

    /**
     * How float32 matrix products may compute, as PyTorch's {@code set_float32_matmul_precision}:
     * {@code "highest"} (the default: float32 arithmetic) or {@code "high"} (devices with TF32 units,
     * such as NVIDIA GPUs from Ampere on, may use them: 10-bit mantissa inputs, float32 accumulation).
     * The CPU always computes in float32.
     */
    public static void setFloat32MatmulPrecision(String precision) {
        if (!precision.equals("highest") && !precision.equals("high")) {
            throw new IllegalArgumentException("setFloat32MatmulPrecision: expected \"highest\" or \"high\", got \""
                    + precision + "\"");
        }
        float32MatmulPrecision = precision;
    }

    /** The current float32 matrix-product precision: {@code "highest"} or {@code "high"}. */
    public static String float32MatmulPrecision() {
        return float32MatmulPrecision;
    }
}
