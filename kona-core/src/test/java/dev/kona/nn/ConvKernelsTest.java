package dev.kona.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.Generator;
import dev.kona.Kona;
import dev.kona.MemoryScope;
import dev.kona.Tensor;
import dev.kona.autograd.GradMode;
import dev.kona.testing.TensorAssert;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Properties of the CPU convolution and pooling kernels the op database does not see: results
 * bit-identical for 1, 2 and 4 threads (forward and both gradients), and the Vector API kernels
 * compiled rather than run in their allocating Java fallback.
 */
class ConvKernelsTest {
    private final int savedThreads = Kona.numThreads();

    @AfterEach
    void restoreThreads() {
        Kona.setNumThreads(savedThreads);
    }

    /** Output, then input and weight gradients, of a convolution on a batch large enough to split. */
    private static List<Tensor> convStep(Tensor x0, Tensor w0, int[] stride, int[] padding) {
        Tensor x = x0.detach().requiresGrad(true), w = w0.detach().requiresGrad(true);
        Tensor y = F.conv2d(x, w, null, stride, padding, new int[] {1}, 1);
        y.backward(Tensor.onesLike(y).mul(0.5).add(y.tanh()));
        return List.of(y.detach(), x.grad(), w.grad());
    }

    private static List<Tensor> poolStep(Tensor x0) {
        Tensor x = x0.detach().requiresGrad(true);
        Tensor y = F.maxPool2d(x, new int[] {3}, new int[] {2}, new int[] {1}, new int[] {1}, false);
        y.backward(y.sin());
        return List.of(y.detach(), x.grad());
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        var g = new Generator(3);
        Tensor x = Tensor.randn(g, 10, 16, 13, 14), w = Tensor.randn(g, 24, 16, 3, 3).mul(0.1);
        TensorAssert.assertSameForAnyThreadCount("Winograd 3x3", () -> convStep(x, w, new int[] {1}, new int[] {1}));
        TensorAssert.assertSameForAnyThreadCount("Winograd 3x3, padding 3 (scattered input gradient)", () -> convStep(x, w, new int[] {1}, new int[] {3}));
        TensorAssert.assertSameForAnyThreadCount("im2col, stride 2", () -> convStep(x, w, new int[] {2}, new int[] {1}));
        TensorAssert.assertSameForAnyThreadCount("max pooling", () -> poolStep(x));
    }

    /** Bytes a warmed-up call allocates (inside a memory scope, so that its tensors reuse earlier buffers). */
    /**
     * What one call of {@code r} allocates once warm: the first measurement under {@code limit}
     * after 300 warm-up calls, or the last one when 10 s of further calls never got there (on a
     * busy 2-core machine C2 may still be compiling a kernel after 300 calls).
     */
    private static long allocatedBy(Runnable r, long limit) {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 300; i++) {
            try (var s = MemoryScope.open()) {
                r.run();
            }
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            long before = mx.getCurrentThreadAllocatedBytes();
            try (var s = MemoryScope.open()) {
                r.run();
            }
            long bytes = mx.getCurrentThreadAllocatedBytes() - before;
            if (bytes < limit || System.nanoTime() > deadline) return bytes;
        }
    }

    /**
     * The Vector API falls back to boxed Java code (megabytes per call) when C2 does not
     * intrinsify a kernel; a warmed-up call allocating little shows that it did. The allowance is
     * the kernels' own per-call scratch (block buffers of about 1 MB at most).
     */
    @Test
    void warmKernelsRunCompiled() {
        Kona.setNumThreads(1);
        var g = new Generator(4);
        Tensor x = Tensor.randn(g, 4, 32, 16, 16), w = Tensor.randn(g, 32, 32, 3, 3), dy = Tensor.randn(g, 4, 32, 16, 16);
        try (var ng = GradMode.noGrad()) {
            long conv = allocatedBy(() -> F.conv2d(x, w, null, new int[] {1}, new int[] {1}, new int[] {1}, 1), 2_000_000);
            assertTrue(conv < 2_000_000, "a warm 3x3 convolution allocated " + conv + " bytes");
            long pool = allocatedBy(() -> F.maxPool2d(dy, 2), 200_000);
            assertTrue(pool < 200_000, "a warm max pooling allocated " + pool + " bytes");
        }
    }
}
