package dev.kona.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.DType;
import dev.kona.Device;
import dev.kona.Generator;
import dev.kona.Kona;
import dev.kona.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the op database's device suite does not reach: the paths a kernel takes only at larger
 * sizes (two-pass reductions, softmax rows beyond shared memory, long-row sorts, cuBLAS layouts),
 * errors raised by kernels, memory statistics and TF32. Skips without a GPU.
 */
final class CudaBackendTest {
    private static final Device GPU = Device.cuda(0);

    @BeforeAll
    static void needsGpu() {
        assumeTrue(CudaContext.available(), "no CUDA device");
    }

    private static void assertClose(Tensor expected, Tensor actual, double rtol, double atol) {
        assertEquals(GPU, actual.device());
        assertArrayEquals(expected.shape(), actual.shape());
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            boolean ok = Double.isNaN(e[i]) ? Double.isNaN(a[i]) : Math.abs(e[i] - a[i]) <= atol + rtol * Math.abs(e[i]);
            assertTrue(ok, "element " + i + ": expected " + e[i] + ", got " + a[i]);
        }
    }

    @Test
    void roundTripsEveryDtype() {
        Generator g = new Generator(1);
        for (DType d : DType.values()) {
            Tensor x = Tensor.randn(g, 3, 5).mul(10).to(d);
            Tensor back = x.to(GPU).to(Device.CPU);
            assertEquals(d, back.dtype());
            assertArrayEquals(x.toDoubleArray(), back.toDoubleArray(), 0.0, d.toString());
        }
    }

    @Test
    void conversionsOnTheDeviceMatchTheCpu() {
        Generator g = new Generator(2);
        Tensor x = Tensor.randn(g, 1000).mul(300);
        for (DType to : DType.values()) {
            for (DType from : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT64}) {
                Tensor src = x.to(from);
                assertArrayEquals(src.to(to).toDoubleArray(), src.to(GPU).to(to).toDoubleArray(), 0.0, from + " -> " + to);
            }
        }
    }

    @Test
    void longReductionsTakeTheTwoPassPath() {
        Tensor x = Tensor.randn(new Generator(3), 3_000_000);
        Tensor gx = x.to(GPU);
        assertClose(x.sum(), gx.sum(), 1e-4, 1e-2);
        assertClose(x.max(), gx.max(), 0, 0);
        Tensor m = Tensor.randn(new Generator(4), 3, 200_000);
        assertClose(m.sum(1), m.to(GPU).sum(1), 1e-4, 1e-2);
    }

    @Test
    void softmaxRowsLongerThanSharedMemory() {
        Tensor x = Tensor.randn(new Generator(5), 4, 20_000).mul(5);
        assertClose(x.softmax(1), x.to(GPU).softmax(1), 1e-4, 1e-9);
        assertClose(x.logSoftmax(1), x.to(GPU).logSoftmax(1), 1e-5, 1e-4);
        // every row kernel: float4 rows (lengths divisible by 4), scalar rows, shared-memory and strided
        for (int len : new int[] {12, 1000, 4099, 8192, 16384, 16386}) {
            Tensor r = Tensor.randn(new Generator(len), 3, len).mul(4);
            assertClose(r.softmax(1), r.to(GPU).softmax(1), 1e-5, 1e-9);
            assertClose(r.logSoftmax(1), r.to(GPU).logSoftmax(1), 1e-5, 1e-5);
            // rows one element off 16-byte alignment, as a view on the device
            Tensor shifted = r.reshape(-1).narrow(0, 1, 3 * (len - 1)).reshape(3, len - 1);
            Tensor shiftedGpu = r.to(GPU).reshape(-1).narrow(0, 1, 3 * (len - 1)).reshape(3, len - 1);
            assertClose(shifted.softmax(1), shiftedGpu.softmax(1), 1e-5, 1e-9);
        }
        Tensor t = Tensor.randn(new Generator(6), 300, 7);
        assertClose(t.softmax(0), t.to(GPU).softmax(0), 1e-5, 1e-7);
    }

    /**
     * Rows of at most 32 run a group of lanes per row: every group size, row counts that leave
     * the last warp part empty and make the grid loop go round, and rows holding NaN, +-inf and
     * +-1000.
     */
    @Test
    void softmaxShortRows() {
        int rows = 100_003;
        for (int len : new int[] {1, 2, 3, 5, 10, 16, 17, 31, 32, 33}) {
            float[] v = Tensor.randn(new Generator(len), rows, len).mul(5).toFloatArray();
            v[0] = Float.NaN;
            for (int j = 0; j < len; j++) v[len + j] = Float.NEGATIVE_INFINITY;
            v[2 * len] = Float.POSITIVE_INFINITY;
            v[3 * len] = 1000f;
            v[(rows - 1) * len] = -1000f;
            Tensor x = Tensor.of(v, rows, len);
            assertClose(x.softmax(1), x.to(GPU).softmax(1), 1e-5, 1e-9);
            assertClose(x.logSoftmax(1), x.to(GPU).logSoftmax(1), 1e-5, 1e-5);
        }
    }

    @Test
    void sortsLongRowsAndTopK() {
        Tensor x = Tensor.randint(new Generator(7), 0, 50, 2, 5000).to(DType.FLOAT32);
        var cpu = x.sort(1, true);
        var gpu = x.to(GPU).sort(1, true);
        assertClose(cpu.values(), gpu.values(), 0, 0);
        assertClose(cpu.indices(), gpu.indices(), 0, 0);
        var small = x.narrow(1, 0, 1000);
        assertClose(small.sort(1, false).indices(), small.to(GPU).sort(1, false).indices(), 0, 0);
        assertClose(small.topk(7, 1, true, true).indices(), small.to(GPU).topk(7, 1, true, true).indices(), 0, 0);
    }

    @Test
    void nonzeroOverManyBlocks() {
        Tensor x = Tensor.randint(new Generator(8), 0, 3, 40, 97).to(DType.INT32);
        assertClose(x.nonzero(), x.to(GPU).nonzero(), 0, 0);
    }

    @Test
    void matmulLayoutsAndBatches() {
        Generator g = new Generator(9);
        Tensor a = Tensor.randn(g, 4, 33, 17), b = Tensor.randn(g, 17, 29);
        assertClose(a.matmul(b), a.to(GPU).matmul(b.to(GPU)), 1e-5, 1e-5);
        Tensor at = Tensor.randn(g, 17, 33).transpose(0, 1), bt = Tensor.randn(g, 29, 17).transpose(0, 1);
        assertClose(at.matmul(bt), at.to(GPU).matmul(bt.to(GPU)), 1e-5, 1e-5);
        Tensor stepped = Tensor.randn(g, 33, 40).slice(1, 0, 34, 2);
        assertClose(stepped.matmul(b), stepped.to(GPU).matmul(b.to(GPU)), 1e-5, 1e-5);
        Tensor v = Tensor.randn(g, 17);
        assertClose(a.matmul(v), a.to(GPU).matmul(v.to(GPU)), 1e-5, 1e-5);
        Tensor d = Tensor.randn(g, 5, 6).to(DType.FLOAT64), e = Tensor.randn(g, 6, 7).to(DType.FLOAT64);
        assertClose(d.matmul(e), d.to(GPU).matmul(e.to(GPU)), 1e-12, 1e-12);
    }

    @Test
    void tf32IsOptIn() {
        Generator g = new Generator(10);
        Tensor a = Tensor.randn(g, 256, 256), b = Tensor.randn(g, 256, 256);
        Tensor ref = a.to(DType.FLOAT64).matmul(b.to(DType.FLOAT64));
        Tensor exact = a.to(GPU).matmul(b.to(GPU));
        double errExact = relErr(ref, exact);
        Kona.setFloat32MatmulPrecision("high");
        try {
            double errTf32 = relErr(ref, a.to(GPU).matmul(b.to(GPU)));
            assertTrue(errExact < 1e-5, "float32 error " + errExact);
            assertTrue(errTf32 < 5e-3, "tf32 error " + errTf32);
        } finally {
            Kona.setFloat32MatmulPrecision("highest");
        }
    }

    private static double relErr(Tensor ref, Tensor x) {
        double[] r = ref.toDoubleArray(), v = x.toDoubleArray();
        double num = 0, den = 0;
        for (int i = 0; i < r.length; i++) {
            num += (r[i] - v[i]) * (r[i] - v[i]);
            den += r[i] * r[i];
        }
        return Math.sqrt(num / den);
    }

    @Test
    void kernelErrorsBecomeExceptions() {
        Tensor idx = Tensor.of(new long[] {0, 5}).to(GPU);
        var e = assertThrows(IndexOutOfBoundsException.class, () -> Tensor.randn(3).to(GPU).indexSelect(0, idx).toFloatArray());
        assertTrue(e.getMessage().contains("index 5 is out of bounds for dimension 0 with size 3"), e.getMessage());
        Tensor ints = Tensor.of(new int[] {2, 3}).to(GPU);
        var z = assertThrows(ArithmeticException.class, () -> ints.pow(Tensor.of(new int[] {-1, 1}).to(GPU)).toIntArray());
        assertTrue(z.getMessage().contains("negative integer powers"), z.getMessage());
        // the device is still usable afterwards
        assertArrayEquals(new float[] {2, 4}, Tensor.of(1f, 2f).to(GPU).mul(2).toFloatArray());
    }

    @Test
    void devicesDoNotMix() {
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.ones(2).to(GPU).add(Tensor.ones(2)));
        assertTrue(e.getMessage().contains("cuda:0") && e.getMessage().contains("cpu"), e.getMessage());
    }

    @Test
    void memoryIsCachedAndReported() {
        MemoryStats before = Cuda.memoryStats(0);
        Tensor x = Tensor.zeros(1 << 20).to(GPU);
        MemoryStats during = Cuda.memoryStats(0);
        assertTrue(during.allocatedBytes() >= before.allocatedBytes() + (4L << 20), during + " vs " + before);
        x.storage().release();
        MemoryStats after = Cuda.memoryStats(0);
        assertEquals(before.allocatedBytes(), after.allocatedBytes());
        assertTrue(after.reservedBytes() >= 4L << 20, "freed blocks stay cached: " + after);
        Tensor y = Tensor.zeros(1 << 20).to(GPU);
        assertTrue(Cuda.memoryStats(0).cacheHits() > after.cacheHits(), "the cached block is reused");
        y.storage().release();
        Cuda.emptyCache(0);
        assertTrue(Cuda.memoryStats(0).reservedBytes() < after.reservedBytes());
    }

    @Test
    void outOfMemoryNamesTheSize() {
        var e = assertThrows(CudaException.class, () -> CudaContext.of(0).allocator().allocate(1L << 50));
        assertTrue(e.getMessage().contains("out of memory") && e.getMessage().contains("1125899906842624"), e.getMessage());
    }
}
