package dev.kona.cuda;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kona.DType;
import dev.kona.Device;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The native layer on a real device; every test but the first skips without one. */
final class CudaNativeTest {
    private static final String SOURCE = """
            struct Params { long long n; float scale; };
            extern "C" __global__ void axpy(float* out, const float* x, const float* y, Params p, int extra) {
                long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x;
                if (i < p.n) out[i] = p.scale * x[i] + y[i] + extra;
            }
            """;

    @Test
    void withoutCudaNothingThrowsUntilADeviceIsAskedFor() {
        assumeFalse(CudaContext.available(), "a CUDA device is present");
        assertFalse(Cuda.isAvailable());
        assertEquals(0, Cuda.deviceCount());
        assertNotNull(Cuda.unavailableReason());
        var e = assertThrows(CudaException.class, () -> CudaContext.of(0));
        assertTrue(e.getMessage().startsWith("CudaContext.of(0): CUDA is not available: "), e.getMessage());
    }

    private static CudaContext gpu() {
        assumeTrue(CudaContext.available(), () -> "no CUDA device: " + CudaContext.unavailableReason());
        return CudaContext.of(0);
    }

    private static float[] read(CudaContext ctx, long ptr, int n) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(JAVA_FLOAT, n);
            ctx.copyDeviceToHost(host, ptr, 4L * n);
            return host.toArray(JAVA_FLOAT);
        }
    }

    private static void write(CudaContext ctx, long ptr, float[] values) {
        try (Arena arena = Arena.ofConfined()) {
            ctx.copyHostToDevice(ptr, arena.allocateFrom(JAVA_FLOAT, values), 4L * values.length);
        }
    }

    @Test
    void describesTheDevice() {
        CudaContext ctx = gpu();
        assertFalse(ctx.name().isBlank());
        assertTrue(ctx.computeCapabilityMajor() >= 5);
        assertTrue(ctx.multiprocessors() > 0);
        assertTrue(ctx.totalMemory() > 0);
        long[] info = ctx.memoryInfo();
        assertTrue(info[0] > 0 && info[0] <= info[1] && info[1] == ctx.totalMemory(), info[0] + " / " + info[1]);
        assertEquals(ctx.name(), Cuda.deviceName(0));
        assertTrue(ctx == CudaContext.of(0));
        var e = assertThrows(IllegalArgumentException.class, () -> CudaContext.of(Cuda.deviceCount()));
        assertTrue(e.getMessage().contains("no CUDA device " + Cuda.deviceCount()), e.getMessage());
    }

    @Test
    void copiesAndFills() throws InterruptedException {
        CudaContext ctx = gpu();
        var a = new CudaStorage(ctx, Device.cuda(0), DType.FLOAT32, 1000);
        var b = new CudaStorage(ctx, Device.cuda(0), DType.FLOAT32, 1000);
        float[] values = new float[1000];
        for (int i = 0; i < values.length; i++) values[i] = i * 0.5f;
        write(ctx, a.pointer(), values);
        ctx.copyDeviceToDevice(b.pointer(), a.pointer(), 4000);
        assertArrayEquals(values, read(ctx, b.pointer(), 1000));
        ctx.memsetZero(b.pointer(), 400);
        ctx.fill32(b.pointer() + 400, Float.floatToRawIntBits(2f), 10);
        float[] back = read(ctx, b.pointer(), 1000);
        for (int i = 0; i < 100; i++) assertEquals(0f, back[i]);
        for (int i = 100; i < 110; i++) assertEquals(2f, back[i]);
        assertEquals(values[110], back[110]);

        a.release();
        a.release();
        assertTrue(a.isReleased());
        assertThrows(IllegalStateException.class, a::pointer);
        var empty = new CudaStorage(ctx, Device.cuda(0), DType.FLOAT64, 0);
        assertEquals(8, empty.byteSize());
        assertTrue(Cuda.memoryStats(0).allocatedBytes() > 0);
        b.release();
        empty.release();
    }

    @Test
    void compilesLoadsAndLaunchesAKernelWithAStructArgument() {
        CudaContext ctx = gpu();
        int[] version = ctx.nvrtc().version();
        assertTrue(version[0] >= 11, "NVRTC " + version[0] + "." + version[1]);
        for (boolean ptx : new boolean[] {false, true}) {
            String arch = (ptx ? "--gpu-architecture=compute_" : "--gpu-architecture=sm_")
                    + ctx.computeCapabilityMajor() + ctx.computeCapabilityMinor();
            byte[] image = ctx.nvrtc().compile("axpy.cu", SOURCE, List.of(arch, "--std=c++17"));
            assertEquals(ptx, image[0] != 0x7f, "ELF image expected for sm_, PTX for compute_");
            CudaFunction axpy = ctx.loadModule(image).function("axpy");
            int n = 3000;
            var x = new CudaStorage(ctx, Device.cuda(0), DType.FLOAT32, n);
            var y = new CudaStorage(ctx, Device.cuda(0), DType.FLOAT32, n);
            var out = new CudaStorage(ctx, Device.cuda(0), DType.FLOAT32, n);
            float[] xs = new float[n], ys = new float[n];
            for (int i = 0; i < n; i++) {
                xs[i] = i;
                ys[i] = -2 * i;
            }
            write(ctx, x.pointer(), xs);
            write(ctx, y.pointer(), ys);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment params = arena.allocate(16, 8);
                params.set(JAVA_LONG, 0, n);
                params.set(JAVA_FLOAT, 8, 3f);
                axpy.launch((n + 255) / 256, 1, 1, 256, 0, out.pointer(), x.pointer(), y.pointer(), params, 1);
            }
            float[] result = read(ctx, out.pointer(), n);
            for (int i = 0; i < n; i++) assertEquals(3f * i - 2f * i + 1f, result[i], "element " + i);
            assertTrue(axpy.maxThreadsPerBlock() >= 256);

            var e = assertThrows(CudaException.class, () -> axpy.launch(1, 1, 1, 4096, 0, out.pointer(), x.pointer(),
                    y.pointer(), Arena.ofAuto().allocate(16), 0));
            assertTrue(e.getMessage().startsWith("cuLaunchKernel(axpy, grid (1, 1, 1), block (4096, 1, 1)"),
                    e.getMessage());
        }
    }

    @Test
    void compileErrorsCarryTheLogAndMissingKernelsAHint() {
        CudaContext ctx = gpu();
        var e = assertThrows(CudaException.class, () -> ctx.nvrtc().compile("broken.cu",
                "extern \"C\" __global__ void k() { undeclared_thing(); }", List.of(Nvrtc.archOption(ctx))));
        assertTrue(e.getMessage().startsWith("nvrtcCompileProgram(broken.cu"), e.getMessage());
        assertTrue(e.getMessage().contains("undeclared_thing"), e.getMessage());

        CudaModule module = ctx.loadModule(ctx.nvrtc().compileFor(ctx, "axpy.cu", SOURCE, List.of()));
        var missing = assertThrows(CudaException.class, () -> module.function("nope"));
        assertTrue(missing.getMessage().contains("CUDA_ERROR_NOT_FOUND"), missing.getMessage());
    }

    @Test
    void cublasMultipliesColumnMajorMatrices() {
        CudaContext ctx = gpu();
        // A is 2x3, B is 3x2, column-major; C = A * B is 2x2
        float[] a = {1, 4, 2, 5, 3, 6};
        float[] b = {7, 9, 11, 8, 10, 12};
        var A = new CudaStorage(ctx, Device.cuda(0), DType.FLOAT32, 6);
        var B = new CudaStorage(ctx, Device.cuda(0), DType.FLOAT32, 6);
        var C = new CudaStorage(ctx, Device.cuda(0), DType.FLOAT32, 4);
        write(ctx, A.pointer(), a);
        write(ctx, B.pointer(), b);
        ctx.cublas().setTf32(false);
        ctx.cublas().sgemmStridedBatched(false, false, 2, 2, 3, 1f, A.pointer(), 2, 6, B.pointer(), 3, 6, 0f,
                C.pointer(), 2, 4, 1);
        assertArrayEquals(new float[] {58, 139, 64, 154}, read(ctx, C.pointer(), 4));
        // op(A) = A^T with A the 3x2 matrix B: C = B^T * B
        ctx.cublas().sgemmStridedBatched(true, false, 2, 2, 3, 1f, B.pointer(), 3, 6, B.pointer(), 3, 6, 0f,
                C.pointer(), 2, 4, 1);
        assertArrayEquals(new float[] {7 * 7 + 9 * 9 + 11 * 11, 7 * 8 + 9 * 10 + 11 * 12, 7 * 8 + 9 * 10 + 11 * 12,
                8 * 8 + 10 * 10 + 12 * 12}, read(ctx, C.pointer(), 4));

        var D = new CudaStorage(ctx, Device.cuda(0), DType.FLOAT64, 4);
        var DA = new CudaStorage(ctx, Device.cuda(0), DType.FLOAT64, 4);
        try (Arena arena = Arena.ofConfined()) {
            ctx.copyHostToDevice(DA.pointer(), arena.allocateFrom(JAVA_DOUBLE, 1, 2, 3, 4), 32);
            ctx.cublas().dgemmStridedBatched(false, false, 2, 2, 2, 2.0, DA.pointer(), 2, 4, DA.pointer(), 2, 4, 0.0,
                    D.pointer(), 2, 4, 1);
            MemorySegment host = arena.allocate(JAVA_DOUBLE, 4);
            ctx.copyDeviceToHost(host, D.pointer(), 32);
            assertArrayEquals(new double[] {14, 20, 30, 44}, host.toArray(JAVA_DOUBLE));
        }
        assertTrue(ctx.cublas().version() > 0);
        var e = assertThrows(CudaException.class, () -> ctx.cublas().sgemmStridedBatched(false, false, 2, 2, 3, 1f,
                A.pointer(), 1, 6, B.pointer(), 3, 6, 0f, C.pointer(), 2, 4, 1));
        assertTrue(e.getMessage().contains("CUBLAS_STATUS_INVALID_VALUE"), e.getMessage());
    }

    @Test
    void eventsTimeTheStream() {
        CudaContext ctx = gpu();
        var start = ctx.newEvent();
        var end = ctx.newEvent();
        start.record();
        var s = new CudaStorage(ctx, Device.cuda(0), DType.INT32, 1 << 20);
        ctx.fill32(s.pointer(), 5, 1 << 20);
        end.record();
        float ms = CudaContext.elapsedMillis(start, end);
        assertTrue(ms >= 0 && ms < 10_000, ms + " ms");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(JAVA_INT, 4);
            ctx.copyDeviceToHost(host, s.pointer(), 16);
            assertArrayEquals(new int[] {5, 5, 5, 5}, host.toArray(JAVA_INT));
        }
        s.release();
        Cuda.synchronize(0);
        Cuda.emptyCache(0);
    }
}
