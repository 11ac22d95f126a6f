package dev.kona;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.autograd.Function;
import dev.kona.autograd.GradCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

class FunctionTest {

    /** x^3 with its derivative written by hand. */
    static final class Cube extends Function {
        @Override
        protected Tensor forward(Context ctx, Tensor... in) {
            ctx.saveForBackward(in[0]);
            return in[0].pow(3);
        }

        @Override
        protected Tensor[] backward(Context ctx, Tensor grad) {
            return new Tensor[] {grad.mul(ctx.saved(0).square().mul(3.0))};
        }
    }

    /** a * b, where only needed gradients are computed. */
    static final class Product extends Function {
        @Override
        protected Tensor forward(Context ctx, Tensor... in) {
            ctx.saveForBackward(in[0], in[1]);
            return in[0].mul(in[1]);
        }

        @Override
        protected Tensor[] backward(Context ctx, Tensor grad) {
            return new Tensor[] {ctx.needsInputGrad(0) ? grad.mul(ctx.saved(1)) : null,
                    ctx.needsInputGrad(1) ? grad.mul(ctx.saved(0)) : null};
        }
    }

    @Test
    void backwardReachesTheInputsThroughTheUsersRule() {
        Tensor x = Tensor.of(1.0, 2.0, -3.0).requiresGrad(true);
        Tensor y = new Cube().apply(x);
        assertArrayEquals(new double[] {1, 8, -27}, y.toDoubleArray(), 0);
        assertEquals("Cube", y.gradFn().name());
        y.sum().backward();
        assertArrayEquals(new double[] {3, 12, 27}, x.grad().toDoubleArray(), 0);
    }

    @Test
    void gradCheckAndSecondOrderPass() {
        GradCheck.check(in -> new Cube().apply(in.get(0)).sum(), List.of(Tensor.randn(4)));
        GradCheck.check(in -> new Product().apply(in.get(0), in.get(1)), List.of(Tensor.randn(3), Tensor.randn(3)));
        GradCheck.checkSecondOrder(in -> new Cube().apply(in.get(0)), List.of(Tensor.randn(3)));
    }

    @Test
    void onlyNeededGradientsAreComputedAndNoGraphWithoutGrad() {
        Tensor a = Tensor.of(2.0).requiresGrad(true);
        Tensor b = Tensor.of(5.0);
        new Product().apply(a, b).sum().backward();
        assertEquals(5.0, a.grad().item(), 0);
        assertFalse(new Product().apply(Tensor.of(1.0), Tensor.of(2.0)).requiresGrad());
    }

    @Test
    void aWrongBackwardIsReportedWithTheFunctionsName() {
        Function bad = new Function() {
            @Override
            protected Tensor forward(Context ctx, Tensor... in) {
                return in[0].mul(2.0);
            }

            @Override
            protected Tensor[] backward(Context ctx, Tensor grad) {
                return new Tensor[] {grad.sum()};
            }

            @Override
            protected String name() {
                return "Doubler";
            }
        };
        Tensor x = Tensor.randn(3).requiresGrad(true);
        var e = assertThrows(IllegalStateException.class, () -> bad.apply(x).sum().backward());
        assertTrue(e.getMessage().contains("Doubler.backward") && e.getMessage().contains("shape"), e.getMessage());
    }
}
