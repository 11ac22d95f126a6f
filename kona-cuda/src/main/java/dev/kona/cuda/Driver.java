package dev.kona.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * The CUDA driver API ({@code libcuda}), one static method per entry point, returning the raw
 * {@code CUresult}. Handles (contexts, streams, modules, functions, events) and device pointers
 * travel as {@code long}; out-parameters as native segments. The handles are static finals so the
 * JIT inlines the downcalls. Loading this class loads libcuda (once); when that fails every call
 * throws {@link CudaException} saying why.
 */
final class Driver {
    private Driver() {}

    static final int CUDA_SUCCESS = 0;
    static final int CUDA_ERROR_OUT_OF_MEMORY = 2;
    static final int CUDA_ERROR_NO_DEVICE = 100;
    static final int CUDA_ERROR_NOT_FOUND = 500;

    // CUdevice_attribute values, from cuda.h
    static final int CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 1;
    static final int CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16;
    static final int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
    static final int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;
    static final int CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN = 97;

    // CUfunction_attribute values, from cuda.h
    static final int CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 0;
    static final int CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8;

    static final NativeLibraries.Library LIB = NativeLibraries.Library.tryLoad(
            "CUDA driver (libcuda)", List.of("libcuda.so.1", "libcuda.so"), List.of(), true);

    private static final FunctionDescriptor I_I = FunctionDescriptor.of(JAVA_INT, JAVA_INT);
    private static final FunctionDescriptor I_L = FunctionDescriptor.of(JAVA_INT, JAVA_LONG);
    private static final FunctionDescriptor I_A = FunctionDescriptor.of(JAVA_INT, ADDRESS);
    private static final FunctionDescriptor I_AI = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT);

    private static final MethodHandle CU_INIT = LIB.downcall("cuInit", I_I);
    private static final MethodHandle CU_DRIVER_GET_VERSION = LIB.downcall("cuDriverGetVersion", I_A);
    private static final MethodHandle CU_GET_ERROR_NAME = LIB.downcall("cuGetErrorName",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle CU_GET_ERROR_STRING = LIB.downcall("cuGetErrorString",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle CU_DEVICE_GET_COUNT = LIB.downcall("cuDeviceGetCount", I_A);
    private static final MethodHandle CU_DEVICE_GET = LIB.downcall("cuDeviceGet", I_AI);
    private static final MethodHandle CU_DEVICE_GET_NAME = LIB.downcall("cuDeviceGetName",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle CU_DEVICE_GET_ATTRIBUTE = LIB.downcall("cuDeviceGetAttribute",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle CU_DEVICE_TOTAL_MEM = LIB.downcall("cuDeviceTotalMem_v2", I_AI);
    private static final MethodHandle CU_DEVICE_PRIMARY_CTX_RETAIN = LIB.downcall("cuDevicePrimaryCtxRetain", I_AI);
    private static final MethodHandle CU_CTX_SET_CURRENT = LIB.downcall("cuCtxSetCurrent", I_L);
    private static final MethodHandle CU_CTX_SYNCHRONIZE = LIB.downcall("cuCtxSynchronize",
            FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle CU_STREAM_CREATE = LIB.downcall("cuStreamCreate", I_AI);
    private static final MethodHandle CU_STREAM_SYNCHRONIZE = LIB.downcall("cuStreamSynchronize", I_L);
    private static final MethodHandle CU_MODULE_LOAD_DATA = LIB.downcall("cuModuleLoadData",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle CU_MODULE_GET_FUNCTION = LIB.downcall("cuModuleGetFunction",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));
    private static final MethodHandle CU_MODULE_UNLOAD = LIB.downcall("cuModuleUnload", I_L);
    private static final MethodHandle CU_FUNC_GET_ATTRIBUTE = LIB.downcall("cuFuncGetAttribute",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));
    private static final MethodHandle CU_FUNC_SET_ATTRIBUTE = LIB.downcall("cuFuncSetAttribute",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT));
    private static final MethodHandle CU_LAUNCH_KERNEL = LIB.downcall("cuLaunchKernel",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                    JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS));
    private static final MethodHandle CU_MEM_ALLOC = LIB.downcall("cuMemAlloc_v2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CU_MEM_FREE = LIB.downcall("cuMemFree_v2", I_L);
    private static final MethodHandle CU_MEM_GET_INFO = LIB.downcall("cuMemGetInfo_v2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle CU_MEMCPY_HTOD_ASYNC = LIB.downcall("cuMemcpyHtoDAsync_v2",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle CU_MEMCPY_DTOH_ASYNC = LIB.downcall("cuMemcpyDtoHAsync_v2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle CU_MEMCPY_DTOD_ASYNC = LIB.downcall("cuMemcpyDtoDAsync_v2",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle CU_MEMSET_D8_ASYNC = LIB.downcall("cuMemsetD8Async",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_BYTE, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle CU_MEMSET_D32_ASYNC = LIB.downcall("cuMemsetD32Async",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle CU_EVENT_CREATE = LIB.downcall("cuEventCreate", I_AI);
    private static final MethodHandle CU_EVENT_RECORD = LIB.downcall("cuEventRecord",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle CU_EVENT_SYNCHRONIZE = LIB.downcall("cuEventSynchronize", I_L);
    // CUDA 12.8 added cuEventElapsedTime_v2 (cuda.h maps the name to it); older drivers have only the first.
    private static final MethodHandle CU_EVENT_ELAPSED_TIME = LIB.downcallFirst(
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG), "cuEventElapsedTime_v2", "cuEventElapsedTime");
    private static final MethodHandle CU_EVENT_DESTROY = LIB.downcall("cuEventDestroy_v2", I_L);

    /** Throws the reason libcuda could not be loaded, if it could not. */
    static void requireLoaded() {
        LIB.require();
    }

    static int cuInit(int flags) {
        try {
            return (int) CU_INIT.invokeExact(flags);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    static int cuDriverGetVersion(MemorySegment version) {
        try {
            return (int) CU_DRIVER_GET_VERSION.invokeExact(version);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    static int cuDeviceGetCount(MemorySegment count) {
        try {
            return (int) CU_DEVICE_GET_COUNT.invokeExact(count);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    static int cuDeviceGet(MemorySegment device, int ordinal) {
        try {
            return (int) CU_DEVICE_GET.invokeExact(device, ordinal);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    static int cuDeviceGetName(MemorySegment name, int length, int device) {
        try {
            return (int) CU_DEVICE_GET_NAME.invokeExact(name, length, device);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    static int cuDeviceGetAttribute(MemorySegment value, int attribute, int device) {
        try {
            return (int) CU_DEVICE_GET_ATTRIBUTE.invokeExact(value, attribute, device);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    static int cuDeviceTotalMem(MemorySegment bytes, int device) {
        try {
            return (int) CU_DEVICE_TOTAL_MEM.invokeExact(bytes, device);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    static int cuDevicePrimaryCtxRetain(MemorySegment context, int device) {
        try {
            return (int) CU_DEVICE_PRIMARY_CTX_RETAIN.invokeExact(context, device);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    static int cuCtxSetCurrent(long context) {
        try {
            return (int) CU_CTX_SET_CURRENT.invokeExact(context);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    static int cuCtxSynchronize() {
        try {
            return (int) CU_CTX_SYNCHRONIZE.invokeExact();
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    static int cuStreamCreate(MemorySegment stream, int flags) {
        try {
            return (int) CU_STREAM_CREATE.invokeExact(stream, flags);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    static int cuStreamSynchronize(long stream) {
        try {
            return (int) CU_STREAM_SYNCHRONIZE.invokeExact(stream);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    static int cuModuleLoadData(MemorySegment module, MemorySegment image) {
        try {
            return (int) CU_MODULE_LOAD_DATA.invokeExact(module, image);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    static int cuModuleGetFunction(MemorySegment function, long module, MemorySegment name) {
        try {
            return (int) CU_MODULE_GET_FUNCTION.invokeExact(function, module, name);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    static int cuModuleUnload(long module) {
        try {
            return (int) CU_MODULE_UNLOAD.invokeExact(module);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    static int cuFuncGetAttribute(MemorySegment value, int attribute, long function) {
        try {
            return (int) CU_FUNC_GET_ATTRIBUTE.invokeExact(value, attribute, function);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    static int cuFuncSetAttribute(long function, int attribute, int value) {
        try {
            return (int) CU_FUNC_SET_ATTRIBUTE.invokeExact(function, attribute, value);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    static int cuLaunchKernel(long function, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ,
                              int sharedBytes, long stream, MemorySegment params, MemorySegment extra) {
        try {
            return (int) CU_LAUNCH_KERNEL.invokeExact(function, gridX, gridY, gridZ, blockX, blockY, blockZ,
                    sharedBytes, stream, params, extra);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    static int cuMemAlloc(MemorySegment pointer, long bytes) {
        try {
            return (int) CU_MEM_ALLOC.invokeExact(pointer, bytes);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    static int cuMemFree(long pointer) {
        try {
            return (int) CU_MEM_FREE.invokeExact(pointer);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    static int cuMemGetInfo(MemorySegment free, MemorySegment total) {
        try {
            return (int) CU_MEM_GET_INFO.invokeExact(free, total);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    static int cuMemcpyHtoDAsync(long dst, MemorySegment src, long bytes, long stream) {
        try {
            return (int) CU_MEMCPY_HTOD_ASYNC.invokeExact(dst, src, bytes, stream);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    static int cuMemcpyDtoHAsync(MemorySegment dst, long src, long bytes, long stream) {
        try {
            return (int) CU_MEMCPY_DTOH_ASYNC.invokeExact(dst, src, bytes, stream);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    static int cuMemcpyDtoDAsync(long dst, long src, long bytes, long stream) {
        try {
            return (int) CU_MEMCPY_DTOD_ASYNC.invokeExact(dst, src, bytes, stream);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    static int cuMemsetD8Async(long dst, byte value, long count, long stream) {
        try {
            return (int) CU_MEMSET_D8_ASYNC.invokeExact(dst, value, count, stream);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    static int cuMemsetD32Async(long dst, int value, long count, long stream) {
        try {
            return (int) CU_MEMSET_D32_ASYNC.invokeExact(dst, value, count, stream);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    static int cuEventCreate(MemorySegment event, int flags) {
        try {
            return (int) CU_EVENT_CREATE.invokeExact(event, flags);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    static int cuEventRecord(long event, long stream) {
        try {
            return (int) CU_EVENT_RECORD.invokeExact(event, stream);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    static int cuEventSynchronize(long event) {
        try {
            return (int) CU_EVENT_SYNCHRONIZE.invokeExact(event);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    static int cuEventElapsedTime(MemorySegment millis, long start, long end) {
        try {
            return (int) CU_EVENT_ELAPSED_TIME.invokeExact(millis, start, end);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    static int cuEventDestroy(long event) {
        try {
            return (int) CU_EVENT_DESTROY.invokeExact(event);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    /** Throws {@link #error} unless {@code status} is CUDA_SUCCESS; for calls off the hot path. */
    static void check(int status, String call) {
        if (status != CUDA_SUCCESS) throw error(status, call);
    }

    /** {@code "<call> failed: CUDA_ERROR_X (text)"}. */
    static CudaException error(int status, String call) {
        return new CudaException(call + " failed: " + describe(status));
    }

    /** The error's name and text, e.g. {@code CUDA_ERROR_OUT_OF_MEMORY (out of memory)}. */
    static String describe(int status) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            String name = (int) CU_GET_ERROR_NAME.invokeExact(status, out) == CUDA_SUCCESS
                    ? cString(out) : "CUresult " + status;
            String text = (int) CU_GET_ERROR_STRING.invokeExact(status, out) == CUDA_SUCCESS ? cString(out) : null;
            return text == null ? name : name + " (" + text + ")";
        } catch (Throwable t) {
            return "CUresult " + status;
        }
    }

    /** Reads the NUL-terminated string that {@code holder} (a {@code const char**}) points to. */
    static String cString(MemorySegment holder) {
        MemorySegment pointer = holder.get(ADDRESS, 0);
        return pointer.address() == 0 ? "" : pointer.reinterpret(Long.MAX_VALUE).getString(0);
    }
}
