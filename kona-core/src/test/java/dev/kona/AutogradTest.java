package dev.kona;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.autograd.Autograd;
import dev.kona.autograd.GradCheck;
import dev.kona.autograd.GradMode;
import java.util.List;
import org.junit.jupiter.api.Test;

class AutogradTest {

    @Test
    void simpleChainMatchesHandDerivative() {
        Tensor x = Tensor.of(1.0, 2.0, 3.0).requiresGrad(true);
        Tensor y = x.mul(x).mul(3.0).sum(); // d/dx 3x^2 = 6x
        y.backward();
        assertArrayEquals(new double[] {6, 12, 18}, x.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void gradientsAccumulateAcrossBackwardCalls() {
        Tensor x = Tensor.of(2.0).requiresGrad(true);
        x.mul(5.0).sum().backward();
        x.mul(5.0).sum().backward();
        assertEquals(10.0, x.grad().item(), 0);
    }

    @Test
    void secondBackwardWithoutRetainGraphFailsClearly() {
        Tensor x = Tensor.of(2.0).requiresGrad(true);
        Tensor y = x.exp().sum();
        y.backward(null, true, false);
        y.backward();
        var e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("second time"), e.getMessage());
    }

    @Test
    void noGradStopsRecordingAndDetachCutsTheGraph() {
        Tensor x = Tensor.randn(3).requiresGrad(true);
        try (var g = GradMode.noGrad()) {
            assertTrue(!x.mul(2.0).requiresGrad());
        }
        assertTrue(x.mul(2.0).requiresGrad());
        assertTrue(!x.detach().requiresGrad());
    }

    @Test
    void inPlaceOnAGraphTensorIsRefusedOutsideNoGrad() {
        Tensor w = Tensor.randn(3).requiresGrad(true);
        var e = assertThrows(IllegalStateException.class, () -> w.addInPlace(1.0));
        assertTrue(e.getMessage().contains("noGrad"), e.getMessage());
        try (var g = GradMode.noGrad()) {
            w.addInPlace(1.0);
        }
    }

    @Test
    void aGraphOf100000OpsDoesNotOverflowTheStack() {
        Tensor x = Tensor.of(1.0f).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < 100_000; i++) y = y.add(1e-6);
        y.sum().backward();
        assertEquals(1.0, x.grad().item(), 0);
    }

    @Test
    void hooksSeeAndReplaceGradients() {
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad(true);
        double[] seen = new double[2];
        x.registerHook(g -> {
            System.arraycopy(g.toDoubleArray(), 0, seen, 0, 2);
            return g.mul(10.0);
        });
        x.mul(3.0).sum().backward();
        assertArrayEquals(new double[] {3, 3}, seen, 0);
        assertArrayEquals(new double[] {30, 30}, x.grad().toDoubleArray(), 0);
    }

    @Test
    void gradOfGradWithCreateGraph() {
        Tensor x = Tensor.of(1.5).requiresGrad(true);
        Tensor y = x.pow(3).sum(); // dy/dx = 3x^2, d2y/dx2 = 6x
        Tensor dy = Autograd.grad(List.of(y), List.of(x), null, true, true).get(0);
        assertEquals(3 * 1.5 * 1.5, dy.item(), 1e-12);
        Tensor d2y = Autograd.grad(List.of(dy.sum()), List.of(x), null, false, false).get(0);
        assertEquals(6 * 1.5, d2y.item(), 1e-12);
        assertNull(null);
    }

    @Test
    void anomalyModeNamesTheOp() {
        Tensor x = Tensor.of(-1.0).requiresGrad(true);
        try (var a = Autograd.detectAnomaly()) {
            var e = assertThrows(ArithmeticException.class, () -> x.sqrt());
            assertTrue(e.getMessage().contains("sqrt"), e.getMessage());
        }
    }

    @Test
    void severalOutputsWhereOneFeedsTheOtherInEitherOrder() {
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad(true);
        Tensor y1 = x.mul(2.0);
        Tensor y2 = y1.mul(3.0).add(y1);     // d/dx (y1 + y2) = 2 + 8 = 10
        for (var roots : List.of(List.of(y1, y2), List.of(y2, y1))) {
            Tensor g = Autograd.grad(roots, List.of(x), List.of(Tensor.onesLike(y1), Tensor.onesLike(y2)), true, false).get(0);
            assertArrayEquals(new double[] {10, 10}, g.toDoubleArray(), 0);
        }
    }

    @Test
    void anomalyModeCatchesFloat32Overflow() {
        Tensor w = Tensor.of(1e30f).requiresGrad(true);
        try (var a = Autograd.detectAnomaly()) {
            var e = assertThrows(ArithmeticException.class, () -> w.mul(w));
            assertTrue(e.getMessage().contains("mul"), e.getMessage());
        }
    }

    @Test
    void gradCheckCatchesAWrongGradient() {
        // A correct function passes...
        GradCheck.check(in -> in.get(0).mul(in.get(1)).tanh(), List.of(Tensor.randn(3, 2), Tensor.randn(3, 2)));
        // ...and a hook that corrupts the gradient is caught.
        assertThrows(AssertionError.class, () -> GradCheck.check(
                in -> in.get(0).registerHook(g -> g.mul(2.0)).square(), List.of(Tensor.randn(4))));
    }

    @Test
    void compositesDifferentiate() {
        GradCheck.check(in -> in.get(0).softmax(1), List.of(Tensor.randn(3, 5)));
        GradCheck.check(in -> in.get(0).logSoftmax(0), List.of(Tensor.randn(4, 2)));
        GradCheck.check(in -> in.get(0).logsumexp(new int[] {1}, false), List.of(Tensor.randn(3, 4)));
        GradCheck.check(in -> in.get(0).var(new int[] {0}, 1, true), List.of(Tensor.randn(5, 3)));
        GradCheck.check(in -> in.get(0).matmul(in.get(1)), List.of(Tensor.randn(2, 3, 4), Tensor.randn(4, 5)));
        GradCheck.check(in -> Tensor.cat(List.of(in.get(0), in.get(1).t()), 0).max(1).values(),
                List.of(Tensor.randn(2, 3), Tensor.randn(3, 4)));
        GradCheck.check(in -> in.get(0).index(Index.all(), Index.slice(1, 3)).gelu(), List.of(Tensor.randn(3, 4)));
        GradCheckSecond.run();
    }

    /** Second derivatives of a few ops whose rules are themselves differentiable. */
    private static final class GradCheckSecond {
        static void run() {
            GradCheck.checkSecondOrder(in -> in.get(0).tanh().mul(in.get(1)), List.of(Tensor.randn(3), Tensor.randn(3)));
            GradCheck.checkSecondOrder(in -> in.get(0).matmul(in.get(1)).sigmoid(), List.of(Tensor.randn(2, 3), Tensor.randn(3, 2)));
            GradCheck.checkSecondOrder(in -> in.get(0).softmax(1), List.of(Tensor.randn(2, 4)));
        }
    }
}
