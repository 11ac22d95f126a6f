package dev.kona;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/**
 * A leaf's first gradient may take over the buffer backward allocated for it instead of copying
 * it; these pin down that doing so never shares a buffer between two grads, with a hook's
 * tensor, or with anything the step's scope frees.
 */
class GradAdoptionTest {
    @Test
    void aTakenOverGradientOutlivesTheStepScope() {
        Tensor w = Tensor.of(new float[] {1, 2, 3}).requiresGrad(true);
        Tensor x = Tensor.of(new float[] {4, 5, 6});
        try (var scope = MemoryScope.open()) {
            w.mul(x).sum().backward();
        }
        // The scope released everything else it made; the grad must still read its values.
        assertArrayEquals(new float[] {4, 5, 6}, w.grad().toFloatArray());
        try (var scope = MemoryScope.open()) {
            Tensor.rand(3).mul(7).add(1);
            assertArrayEquals(new float[] {4, 5, 6}, w.grad().toFloatArray(), "a later step's buffers must not be the grad's");
        }
    }

    @Test
    void oneGradientReachingTwoLeavesGivesTwoIndependentGrads() {
        Tensor a = Tensor.of(new float[] {1, 2}).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {3, 4}).requiresGrad(true);
        try (var scope = MemoryScope.open()) {
            // add's backward hands the same upstream gradient to both leaves.
            a.add(b).mul(Tensor.of(new float[] {5, 6})).sum().backward();
        }
        a.grad().mulInPlace(10); // as clipping or an optimizer might
        assertArrayEquals(new float[] {50, 60}, a.grad().toFloatArray());
        assertArrayEquals(new float[] {5, 6}, b.grad().toFloatArray());
    }

    @Test
    void aViewOfTheSameBufferReachingAnotherLeafIsCopied() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4}).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).requiresGrad(true);
        try (var scope = MemoryScope.open()) {
            a.add(b.reshape(4)).mul(Tensor.of(new float[] {1, 2, 3, 4})).sum().backward();
        }
        b.grad().mulInPlace(0);
        assertArrayEquals(new float[] {1, 2, 3, 4}, a.grad().toFloatArray());
        assertArrayEquals(new float[] {0, 0, 0, 0}, b.grad().toFloatArray());
    }

    @Test
    void aGradientAHookKeptIsNotTakenOver() {
        Tensor w = Tensor.of(new float[] {1, 2}).requiresGrad(true);
        Tensor[] seen = new Tensor[1];
        try (var scope = MemoryScope.open()) {
            Tensor h = w.add(Tensor.of(new float[] {3, 4}));
            h.registerHook(g -> {
                seen[0] = scope.keep(g);
                return null;
            });
            h.sum().backward();
        }
        w.grad().mulInPlace(0);
        assertArrayEquals(new float[] {1, 1}, seen[0].toFloatArray());
        assertArrayEquals(new float[] {0, 0}, w.grad().toFloatArray());
    }

    @Test
    void withoutAScopeGradientsAreStillRight() {
        Tensor a = Tensor.of(new float[] {1, 2}).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {3, 4}).requiresGrad(true);
        a.add(b).sum().backward();
        a.grad().mulInPlace(2);
        assertArrayEquals(new float[] {2, 2}, a.grad().toFloatArray());
        assertArrayEquals(new float[] {1, 1}, b.grad().toFloatArray());
    }
}
