package dev.kona;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MemoryScopeTest {

    @Test
    void tensorsCreatedInAScopeAreReleasedAndFailLoudlyAfterwards() {
        Tensor x = Tensor.of(1f, 2f, 3f);
        Tensor y;
        try (var scope = MemoryScope.open()) {
            y = x.mul(2.0);
            assertEquals(12.0, y.sum().item(), 0);
        }
        assertTrue(y.storage().isReleased());
        var e = assertThrows(IllegalStateException.class, y::sum);
        assertTrue(e.getMessage().contains("released when its MemoryScope closed"), e.getMessage());
        // The input, created outside, is untouched.
        assertFalse(x.storage().isReleased());
        assertArrayEquals(new float[] {1, 2, 3}, x.toFloatArray());
    }

    @Test
    void keptTensorsSurviveAndViewsFollowTheirStorage() {
        Tensor kept;
        Tensor view;
        try (var scope = MemoryScope.open()) {
            kept = scope.keep(Tensor.arange(0.0, 6.0, 1.0).reshape(2, 3).mul(1.0));
            view = kept.t();
        }
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, view.contiguous().toFloatArray());
    }

    @Test
    void recycledBuffersNeverLeakOldValuesIntoZeroFilledTensors() {
        for (int i = 0; i < 3; i++) {
            try (var scope = MemoryScope.open()) {
                Tensor.full(new int[] {1000}, 7.0).add(1.0);
            }
            try (var scope = MemoryScope.open()) {
                Tensor z = Tensor.zeros(1000);
                assertEquals(0.0, z.abs().sum().item(), 0, "zeros() must not see a recycled buffer's values");
                Tensor c = Tensor.full(new int[] {1000}, 2.0);
                assertEquals(2000.0, c.sum().item(), 0);
            }
        }
    }

    @Test
    void nestedScopesHandKeptStorageToTheParent() {
        Tensor inner;
        try (var outer = MemoryScope.open()) {
            try (var scope = MemoryScope.open()) {
                inner = scope.keep(Tensor.ones(4).mul(3.0));
            }
            assertFalse(inner.storage().isReleased());
            assertEquals(12.0, inner.sum().item(), 0);
        }
        assertTrue(inner.storage().isReleased(), "the outer scope owns it after the inner one kept it");
    }

    @Test
    void allocationsOutsideEveryScopeSurviveTheEnclosingScope() {
        Tensor state;
        try (var step = MemoryScope.open()) {
            try (var outside = MemoryScope.outside()) {
                state = Tensor.zeros(5).add(2.0);
            }
            Tensor temp = state.mul(3.0);
            assertEquals(30.0, temp.sum().item(), 0);
        }
        assertFalse(state.storage().isReleased());
        assertEquals(10.0, state.sum().item(), 0);
    }

    @Test
    void parametersBuiltAndGradientsComputedInsideAScopeOutliveIt() {
        var layer = new dev.kona.nn.LazyLinear(3);
        Tensor x = Tensor.randn(4, 5);
        try (var step = MemoryScope.open()) {
            layer.call(x).sum().backward();   // builds the weights on first input, inside the scope
        }
        for (Tensor p : layer.parameters()) {
            assertFalse(p.storage().isReleased());
            assertFalse(p.grad().storage().isReleased(), "a leaf's gradient must outlive the step's scope");
        }
        assertEquals(4.0 * 3, layer.parameters().get(1).grad().sum().item(), 1e-6); // bias grad: ones summed over batch
    }

    @Test
    void closingOutOfOrderOrTwiceIsAnError() {
        var a = MemoryScope.open();
        var b = MemoryScope.open();
        var e = assertThrows(IllegalStateException.class, a::close);
        assertTrue(e.getMessage().contains("reverse order"), e.getMessage());
        b.close();
        assertThrows(IllegalStateException.class, b::close);
        a.close(); // still open after the refused close, and now innermost
    }
}
