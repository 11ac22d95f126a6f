package dev.kona.cuda;

/**
 * A failure of the CUDA driver, NVRTC or cuBLAS, or a CUDA library that could not be found. The
 * message names the call, its key arguments and the library's own error name and text, e.g.
 * {@code cuMemAlloc_v2(1048576 bytes) failed: CUDA_ERROR_OUT_OF_MEMORY (out of memory)}.
 */
public final class CudaException extends RuntimeException {
    public CudaException(String message) {
        super(message);
    }

    public CudaException(String message, Throwable cause) {
        super(message, cause);
    }
}
