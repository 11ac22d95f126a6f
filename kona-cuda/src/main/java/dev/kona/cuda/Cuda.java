package dev.kona.cuda;

/**
 * CUDA devices from user code, in the manner of {@code torch.cuda}:
 *
 * <pre>{@code
 * if (Cuda.isAvailable()) {
 *     System.out.println(Cuda.deviceName(0) + ": " + Cuda.memoryStats(0));
 * }
 * }</pre>
 *
 * Nothing here loads a CUDA library before the first call.
 */
public final class Cuda {
    private Cuda() {}

    /** True when the CUDA driver loads and reports at least one device. Never throws. */
    public static boolean isAvailable() {
        return CudaContext.available();
    }

    /** Why {@link #isAvailable} is false (e.g. the driver library was not found), or null when it is true. */
    public static String unavailableReason() {
        return CudaContext.unavailableReason();
    }

    /** Number of CUDA devices; 0 when CUDA is not available. */
    public static int deviceCount() {
        return CudaContext.deviceCount();
    }

    /** The name of device {@code device}, e.g. {@code NVIDIA H100 80GB HBM3}. */
    public static String deviceName(int device) {
        return CudaContext.of(device).name();
    }

    /** The caching allocator's counters for device {@code device}. */
    public static MemoryStats memoryStats(int device) {
        return CudaContext.of(device).allocator().stats();
    }

    /** Restarts the peak of {@link MemoryStats#peakAllocatedBytes} from the current allocation. */
    public static void resetPeakMemoryStats(int device) {
        CudaContext.of(device).allocator().resetPeak();
    }

    /**
     * Returns the memory cached for reuse on device {@code device} to the driver, so other
     * processes can use it. Memory held by live tensors stays.
     */
    public static void emptyCache(int device) {
        CudaContext.of(device).allocator().emptyCache();
    }

    /** Waits until all work queued on device {@code device} has finished. */
    public static void synchronize(int device) {
        CudaContext.of(device).synchronize();
    }
}
