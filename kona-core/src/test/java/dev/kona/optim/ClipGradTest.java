package dev.kona.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Gradient clipping with PyTorch's semantics (the golden MLP runs cover it against PyTorch too). */
class ClipGradTest {

    private static Tensor withGrad(double... grad) {
        Tensor p = Tensor.zeros(grad.length).to(dev.kona.DType.FLOAT64).requiresGrad(true);
        p.setGrad(Tensor.of(grad));
        return p;
    }

    @Test
    void clipsByTheNormOfAllGradientsTogether() {
        Tensor a = withGrad(3, 4), b = withGrad(12), none = Tensor.zeros(2).requiresGrad(true);
        double total = ClipGrad.clipGradNorm(List.of(a, b, none), 6.5);
        assertEquals(13, total, 1e-12);
        double coef = 6.5 / (13 + 1e-6);
        assertArrayEquals(new double[] {3 * coef, 4 * coef}, a.grad().toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {12 * coef}, b.grad().toDoubleArray(), 1e-12);
        assertEquals(null, none.grad());
    }

    @Test
    void smallGradientsAreLeftAsTheyAre() {
        Tensor a = withGrad(0.3, -0.4);
        assertEquals(0.5, ClipGrad.clipGradNorm(List.of(a), 1.0), 1e-12);
        assertArrayEquals(new double[] {0.3, -0.4}, a.grad().toDoubleArray(), 0);
    }

    @Test
    void infinityNormIsTheLargestMagnitude() {
        Tensor a = withGrad(1, -5), b = withGrad(2);
        assertEquals(5, ClipGrad.clipGradNorm(List.of(a, b), 1, Double.POSITIVE_INFINITY), 0);
        assertEquals(-1, a.grad().toDoubleArray()[1], 1e-6);
        assertEquals(6, ClipGrad.clipGradNorm(List.of(withGrad(1, -5), withGrad(0)), 100, 1), 1e-12);
    }

    @Test
    void noGradientsMeanANormOfZero() {
        assertEquals(0, ClipGrad.clipGradNorm(List.of(Tensor.zeros(3).requiresGrad(true)), 1.0));
    }

    @Test
    void nonFiniteNormsFailOnlyWhenAskedTo() {
        var e = assertThrows(IllegalStateException.class,
                () -> ClipGrad.clipGradNorm(List.of(withGrad(1, Double.POSITIVE_INFINITY)), 1, 2, true));
        assertTrue(e.getMessage().startsWith("clipGradNorm: the total norm of order 2.0 of the gradients is Infinity"), e.getMessage());
        assertEquals(Double.POSITIVE_INFINITY, ClipGrad.clipGradNorm(List.of(withGrad(1, Double.POSITIVE_INFINITY)), 1), 0);
    }

    @Test
    void clipGradValueClampsEveryElement() {
        Tensor a = withGrad(-3, 0.5, 2);
        ClipGrad.clipGradValue(List.of(a), 1);
        assertArrayEquals(new double[] {-1, 0.5, 1}, a.grad().toDoubleArray(), 0);
    }

    @Test
    void argumentsAreValidated() {
        var p = List.of(withGrad(1));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClipGrad.clipGradNorm(p, -1)).getMessage()
                .contains("clipGradNorm: maxNorm must be >= 0, got -1.0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClipGrad.clipGradNorm(p, 1, 0)).getMessage()
                .contains("clipGradNorm: normType must be > 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClipGrad.clipGradValue(p, -0.5)).getMessage()
                .contains("clipGradValue: clip must be >= 0, got -0.5"));
    }
}
