package dev.kona.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.kona.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * A cuBLAS handle of one context, bound to its stream. Matrices are column-major as in the C API:
 * {@code C = alpha * op(A) * op(B) + beta * C} with {@code op(A)} m x k, {@code op(B)} k x n and
 * C m x n; {@code trans} false is {@code CUBLAS_OP_N}, true is {@code CUBLAS_OP_T}. Pointers are
 * device addresses; strides are in elements. Calls are queued on the stream and return at once.
 */
public final class Cublas {
    private static final int CUBLAS_OP_N = 0;
    private static final int CUBLAS_OP_T = 1;
    private static final int CUBLAS_DEFAULT_MATH = 0;
    private static final int CUBLAS_TF32_TENSOR_OP_MATH = 3;
    private static final int CUBLAS_COMPUTE_32F = 68;
    private static final int CUBLAS_GEMM_DEFAULT = -1;
    // cudaDataType values, from library_types.h
    private static final int CUDA_R_32F = 0;
    private static final int CUDA_R_16F = 2;
    private static final int CUDA_R_16BF = 14;

    private static final class Api {
        static final NativeLibraries.Library LIB = NativeLibraries.Library.tryLoad("cuBLAS (libcublas)",
                List.of("libcublas.so.13", "libcublas.so.12", "libcublas.so.11", "libcublas.so"),
                List.of("libcublasLt"), false);

        static final MethodHandle CREATE = LIB.downcall("cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle GET_VERSION = LIB.downcall("cublasGetVersion_v2",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS));
        static final MethodHandle SET_STREAM = LIB.downcall("cublasSetStream_v2",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
        static final MethodHandle SET_MATH_MODE = LIB.downcall("cublasSetMathMode",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT));
        static final MethodHandle GET_STATUS_STRING = LIB.downcall("cublasGetStatusString",
                FunctionDescriptor.of(ADDRESS, JAVA_INT));
        // handle, transa, transb, m, n, k, alpha*, A, lda, strideA, B, ldb, strideB, beta*, C, ldc, strideC, batch
        private static final FunctionDescriptor GEMM_STRIDED_BATCHED = FunctionDescriptor.of(JAVA_INT,
                JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS,
                JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG, ADDRESS,
                JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT);
        static final MethodHandle SGEMM_STRIDED_BATCHED = LIB.downcall("cublasSgemmStridedBatched", GEMM_STRIDED_BATCHED);
        static final MethodHandle DGEMM_STRIDED_BATCHED = LIB.downcall("cublasDgemmStridedBatched", GEMM_STRIDED_BATCHED);
        // handle, transa, transb, m, n, k, alpha*, A, Atype, lda, strideA, B, Btype, ldb, strideB, beta*,
        // C, Ctype, ldc, strideC, batch, computeType, algo
        static final MethodHandle GEMM_STRIDED_BATCHED_EX = LIB.downcall("cublasGemmStridedBatchedEx",
                FunctionDescriptor.of(JAVA_INT,
                        JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS,
                        JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG,
                        JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS,
                        JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT));
    }

    private final CudaContext context;
    private final long handle;
    // alpha and beta, read by cuBLAS before a call returns (host pointer mode), so one pair serves all calls
    private final MemorySegment alpha;
    private final MemorySegment beta;

    Cublas(CudaContext context) {
        Api.LIB.require();
        this.context = context;
        context.makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG);
            check((int) Api.CREATE.invokeExact(out), "cublasCreate_v2(" + context + ")");
            handle = out.get(JAVA_LONG, 0);
            check((int) Api.SET_STREAM.invokeExact(handle, context.stream()), "cublasSetStream_v2(" + context + ")");
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
        MemorySegment scalars = Arena.ofAuto().allocate(16, 8);
        alpha = scalars.asSlice(0, 8);
        beta = scalars.asSlice(8, 8);
    }

    /** The cuBLAS version, e.g. 130001 for 13.0.1. */
    public synchronized int version() {
        context.makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check((int) Api.GET_VERSION.invokeExact(handle, out), "cublasGetVersion_v2");
            return out.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    /**
     * Allows float32 GEMMs to run on TF32 tensor cores ({@code CUBLAS_TF32_TENSOR_OP_MATH}), or
     * restores full float32 ({@code CUBLAS_DEFAULT_MATH}).
     */
    public synchronized void setTf32(boolean allowed) {
        context.makeCurrent();
        int mode = allowed ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH;
        try {
            check((int) Api.SET_MATH_MODE.invokeExact(handle, mode), "cublasSetMathMode(" + mode + ")");
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    /** float32 {@code C[i] = alpha * op(A[i]) * op(B[i]) + beta * C[i]} for i in 0..batch-1. */
    public synchronized void sgemmStridedBatched(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                                 long A, int lda, long strideA, long B, int ldb, long strideB,
                                                 float beta, long C, int ldc, long strideC, int batch) {
        context.makeCurrent();
        this.alpha.set(JAVA_FLOAT, 0, alpha);
        this.beta.set(JAVA_FLOAT, 0, beta);
        int status;
        try {
            status = (int) Api.SGEMM_STRIDED_BATCHED.invokeExact(handle, op(transA), op(transB), m, n, k, this.alpha,
                    A, lda, strideA, B, ldb, strideB, this.beta, C, ldc, strideC, batch);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
        if (status != 0) {
            throw failure(status, "cublasSgemmStridedBatched", transA, transB, m, n, k, lda, ldb, ldc, batch);
        }
    }

    /** float64 {@code C[i] = alpha * op(A[i]) * op(B[i]) + beta * C[i]} for i in 0..batch-1. */
    public synchronized void dgemmStridedBatched(boolean transA, boolean transB, int m, int n, int k, double alpha,
                                                 long A, int lda, long strideA, long B, int ldb, long strideB,
                                                 double beta, long C, int ldc, long strideC, int batch) {
        context.makeCurrent();
        this.alpha.set(JAVA_DOUBLE, 0, alpha);
        this.beta.set(JAVA_DOUBLE, 0, beta);
        int status;
        try {
            status = (int) Api.DGEMM_STRIDED_BATCHED.invokeExact(handle, op(transA), op(transB), m, n, k, this.alpha,
                    A, lda, strideA, B, ldb, strideB, this.beta, C, ldc, strideC, batch);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
        if (status != 0) {
            throw failure(status, "cublasDgemmStridedBatched", transA, transB, m, n, k, lda, ldb, ldc, batch);
        }
    }

    /**
     * A strided batched GEMM on {@code dtype} matrices (float16, bfloat16 or float32) accumulating
     * in float32 ({@code cublasGemmStridedBatchedEx} with {@code CUBLAS_COMPUTE_32F}).
     */
    public synchronized void gemmStridedBatchedEx(DType dtype, boolean transA, boolean transB, int m, int n, int k,
                                                  float alpha, long A, int lda, long strideA, long B, int ldb,
                                                  long strideB, float beta, long C, int ldc, long strideC, int batch) {
        int type = switch (dtype) {
            case FLOAT16 -> CUDA_R_16F;
            case BFLOAT16 -> CUDA_R_16BF;
            case FLOAT32 -> CUDA_R_32F;
            default -> throw new IllegalArgumentException("Cublas.gemmStridedBatchedEx: dtype " + dtype
                    + " not supported, expected float16, bfloat16 or float32");
        };
        context.makeCurrent();
        this.alpha.set(JAVA_FLOAT, 0, alpha);
        this.beta.set(JAVA_FLOAT, 0, beta);
        int status;
        try {
            status = (int) Api.GEMM_STRIDED_BATCHED_EX.invokeExact(handle, op(transA), op(transB), m, n, k, this.alpha,
                    A, type, lda, strideA, B, type, ldb, strideB, this.beta, C, type, ldc, strideC, batch,
                    CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
        if (status != 0) {
            throw failure(status, "cublasGemmStridedBatchedEx[" + dtype + "]", transA, transB, m, n, k, lda, ldb, ldc,
                    batch);
        }
    }

    private static int op(boolean transpose) {
        return transpose ? CUBLAS_OP_T : CUBLAS_OP_N;
    }

    private CudaException failure(int status, String call, boolean transA, boolean transB, int m, int n, int k,
                                  int lda, int ldb, int ldc, int batch) {
        return new CudaException(call + "(" + (transA ? "T" : "N") + ", " + (transB ? "T" : "N") + ", m=" + m
                + ", n=" + n + ", k=" + k + ", lda=" + lda + ", ldb=" + ldb + ", ldc=" + ldc + ", batch=" + batch
                + " on " + context + ") failed: " + statusName(status));
    }

    private static void check(int status, String call) {
        if (status != 0) throw new CudaException(call + " failed: " + statusName(status));
    }

    /** e.g. {@code CUBLAS_STATUS_INVALID_VALUE (an invalid value was used as an argument)}. */
    static String statusName(int status) {
        String name = switch (status) {
            case 0 -> "CUBLAS_STATUS_SUCCESS";
            case 1 -> "CUBLAS_STATUS_NOT_INITIALIZED";
            case 3 -> "CUBLAS_STATUS_ALLOC_FAILED";
            case 7 -> "CUBLAS_STATUS_INVALID_VALUE";
            case 8 -> "CUBLAS_STATUS_ARCH_MISMATCH";
            case 11 -> "CUBLAS_STATUS_MAPPING_ERROR";
            case 13 -> "CUBLAS_STATUS_EXECUTION_FAILED";
            case 14 -> "CUBLAS_STATUS_INTERNAL_ERROR";
            case 15 -> "CUBLAS_STATUS_NOT_SUPPORTED";
            case 16 -> "CUBLAS_STATUS_LICENSE_ERROR";
            default -> "cublasStatus_t " + status;
        };
        try {
            MemorySegment text = (MemorySegment) Api.GET_STATUS_STRING.invokeExact(status);
            if (text.address() != 0) return name + " (" + text.reinterpret(Long.MAX_VALUE).getString(0) + ")";
        } catch (Throwable t) {
            // an old cuBLAS without cublasGetStatusString: the name alone
        }
        return name;
    }
}
