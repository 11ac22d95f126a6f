package dev.kona;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.autograd.TensorAccess;
import dev.kona.backend.cpu.CpuStorage;
import dev.kona.optim.SGD;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * zeroGrad gives a gradient's buffer back to the pool when only autograd and the optimizer saw
 * it, so a training loop does not allocate a new weight gradient every step; a gradient anyone
 * else was given keeps its values.
 */
class GradRecycleTest {
    private static final long GRADIENT_BYTES = 784 * 128 * 4;

    private static Object gradBuffer(Tensor w) {
        return ((CpuStorage) TensorAccess.get().gradForUpdate(w).storage()).array();
    }

    /** Backward of sum(w * value): a gradient of {@code value} everywhere, in a buffer backward allocates. */
    private static void step(Tensor w, float value) {
        try (var scope = MemoryScope.open()) {
            w.mul(value).sum().backward();
        }
    }

    private static float[] filled(float value) {
        float[] a = new float[4096];
        java.util.Arrays.fill(a, value);
        return a;
    }

    @Test
    void aTrainingStepDoesNotAllocateANewWeightGradientOnceWarm() {
        Tensor w = Tensor.randn(new Generator(1), 784, 128).mul(0.01).requiresGrad(true);
        Tensor x = Tensor.randn(new Generator(2), 32, 784);
        var opt = new SGD(List.of(w), 0.01);
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long perStep = Long.MAX_VALUE;
        // The first steps also allocate while the JIT warms up; the least of several rounds counts.
        for (int round = 0; round < 30 && perStep >= GRADIENT_BYTES; round++) {
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 10; i++) {
                try (var scope = MemoryScope.open()) {
                    x.matmul(w).square().mean().backward();
                }
                opt.step();
                opt.zeroGrad();
            }
            perStep = Math.min(perStep, (mx.getCurrentThreadAllocatedBytes() - before) / 10);
        }
        // Autograd's own small objects stay; a new weight gradient every step would not fit.
        assertTrue(perStep < GRADIENT_BYTES, "a warm step allocated " + perStep + " bytes, more than the "
                + GRADIENT_BYTES + "-byte weight gradient");
    }

    @Test
    void aGradientHandedOutKeepsItsValuesAfterZeroGrad() {
        Tensor w = Tensor.zeros(4096).requiresGrad(true);
        var opt = new SGD(List.of(w), 0.1);
        step(w, 2f);
        Tensor held = w.grad();
        opt.zeroGrad();
        step(w, 3f);
        assertTrue(((CpuStorage) held.storage()).array() != gradBuffer(w), "a held gradient's buffer was reused");
        assertArrayEquals(filled(2f), held.toFloatArray(), "a gradient the caller holds must not be recycled");
        assertArrayEquals(filled(3f), w.grad().toFloatArray());
    }

    @Test
    void aGradientSetByTheCallerIsNotRecycled() {
        Tensor w = Tensor.zeros(3).requiresGrad(true);
        Tensor mine = Tensor.of(new float[] {1, 2, 3});
        w.setGrad(mine);
        new SGD(List.of(w), 0.1).zeroGrad();
        assertArrayEquals(new float[] {1, 2, 3}, mine.toFloatArray());
        Tensor.rand(3);
        assertArrayEquals(new float[] {1, 2, 3}, mine.toFloatArray());
    }
}
