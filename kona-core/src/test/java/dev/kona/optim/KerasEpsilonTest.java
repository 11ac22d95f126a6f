package dev.kona.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.DType;
import dev.kona.Tensor;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The optimizer options that put epsilon where Keras does, against float64 transcriptions of
 * Keras 3's updates: {@code Adam.Options.epsHat} (added to sqrt(v) before the bias correction) and
 * {@code epsInsideSqrt} of RMSprop (centered, with momentum) and Adagrad. Gradients from 1e-9 to 1
 * put some coordinates where epsilon dominates and some where it does not.
 */
class KerasEpsilonTest {
    private static final double[] GRAD = {1e-9, -3e-8, 1e-7, -5e-7, 2e-6, 0.01, -0.3, 1.0};
    private static final double LR = 0.01, B1 = 0.9, B2 = 0.999, EPS = 1e-7, DECAY = 0.02;

    /** Keras 3's Adam (and AdamW with decoupled decay), step by step in float64. */
    private static double[] keras(int steps, boolean decoupled) {
        double[] p = new double[GRAD.length], m = new double[GRAD.length], v = new double[GRAD.length];
        for (int i = 0; i < p.length; i++) p[i] = 0.5 - 0.1 * i;
        for (int t = 1; t <= steps; t++) {
            double alpha = LR * Math.sqrt(1 - Math.pow(B2, t)) / (1 - Math.pow(B1, t));
            for (int i = 0; i < p.length; i++) {
                double g = GRAD[i] * (1 + 0.5 * t); // the gradient changes from step to step
                if (decoupled) p[i] -= p[i] * DECAY * LR;
                m[i] += (g - m[i]) * (1 - B1);
                v[i] += (g * g - v[i]) * (1 - B2);
                p[i] -= m[i] * alpha / (Math.sqrt(v[i]) + EPS);
            }
        }
        return p;
    }

    /**
     * The parameters after {@code steps} steps of {@code make}'s optimizer, from the same start
     * and gradients as the transcriptions; not contiguous, a [4, 2] seen through its transpose,
     * which takes the unfused update in tensor ops.
     */
    private static double[] run(Function<List<Tensor>, Optimizer> make, int steps, boolean contiguous) {
        double[] init = new double[GRAD.length];
        for (int i = 0; i < init.length; i++) init[i] = 0.5 - 0.1 * i;
        Tensor p = (contiguous ? Tensor.of(init) : Tensor.of(init, 4, 2).t()).detach().requiresGrad(true);
        Tensor c = contiguous ? Tensor.of(GRAD) : Tensor.of(GRAD, 4, 2).t();
        assertEquals(contiguous, p.isContiguous());
        Optimizer opt = make.apply(List.of(p));
        for (int t = 1; t <= steps; t++) {
            opt.zeroGrad();
            p.mul(c.mul(1 + 0.5 * t)).sum().backward();
            opt.step();
        }
        return (contiguous ? p : p.t()).detach().contiguous().reshape(-1).toDoubleArray();
    }

    private static double[] kona(int steps, boolean decoupled, boolean contiguous) {
        var options = Adam.options().lr(LR).eps(EPS).epsHat(true);
        return run(p -> decoupled ? new AdamW(p, options.weightDecay(DECAY)) : new Adam(p, options), steps, contiguous);
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-12 + 1e-10 * Math.abs(expected[i]), what + " [" + i + "]");
        }
    }

    @Test
    void adamWithEpsHatIsKerasAdam() {
        assertClose(keras(6, false), kona(6, false, true), "fused float64");
        assertClose(keras(6, false), kona(6, false, false), "unfused");
    }

    @Test
    void adamWWithEpsHatIsKerasAdamW() {
        assertClose(keras(6, true), kona(6, true, true), "fused float64");
        assertClose(keras(6, true), kona(6, true, false), "unfused");
    }

    /** Keras's centered RMSprop with momentum, rho 0.9, eps 1e-7, in float64. */
    private static double[] kerasRmsprop(int steps) {
        double rho = 0.9, momentum = 0.5;
        double[] p = new double[GRAD.length], v = new double[GRAD.length], a = new double[GRAD.length], buf = new double[GRAD.length];
        for (int i = 0; i < p.length; i++) p[i] = 0.5 - 0.1 * i;
        for (int t = 1; t <= steps; t++) {
            for (int i = 0; i < p.length; i++) {
                double g = GRAD[i] * (1 + 0.5 * t);
                v[i] = rho * v[i] + (1 - rho) * g * g;
                a[i] = rho * a[i] + (1 - rho) * g;
                double increment = LR * g / Math.sqrt(v[i] - a[i] * a[i] + EPS);
                buf[i] = momentum * buf[i] + increment;
                p[i] -= buf[i];
            }
        }
        return p;
    }

    /** Keras's Adagrad (initial accumulator 0.1, eps 1e-7) in float64. */
    private static double[] kerasAdagrad(int steps) {
        double[] p = new double[GRAD.length], acc = new double[GRAD.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = 0.5 - 0.1 * i;
            acc[i] = 0.1;
        }
        for (int t = 1; t <= steps; t++) {
            for (int i = 0; i < p.length; i++) {
                double g = GRAD[i] * (1 + 0.5 * t);
                acc[i] += g * g;
                p[i] -= LR * g / Math.sqrt(acc[i] + EPS);
            }
        }
        return p;
    }

    @Test
    void rmspropAndAdagradWithEpsInsideSqrtAreKeras() {
        assertClose(kerasRmsprop(6), run(p -> new RMSprop(p, RMSprop.options().lr(LR).alpha(0.9).eps(EPS).centered(true)
                .momentum(0.5).epsInsideSqrt(true)), 6, true), "rmsprop");
        assertClose(kerasAdagrad(6), run(p -> new Adagrad(p, Adagrad.options().lr(LR).initialAccumulatorValue(0.1).eps(EPS)
                .epsInsideSqrt(true)), 6, true), "adagrad");
    }

    @Test
    void epsHatChangesTheStepsWhereEpsilonMatters() {
        var p = Tensor.of(new double[] {0, 0}).requiresGrad(true);
        var q = Tensor.of(new double[] {0, 0}).requiresGrad(true);
        var keras = new Adam(List.of(p), Adam.options().lr(1).eps(1e-7).epsHat(true));
        var torch = new Adam(List.of(q), Adam.options().lr(1).eps(1e-7));
        Tensor g = Tensor.of(new double[] {1e-7, 1.0});
        p.mul(g).sum().backward();
        q.mul(g).sum().backward();
        keras.step();
        torch.step();
        // Step 1: PyTorch moves by g / (|g| + eps); Keras by g / (|g| + eps / sqrt(1 - beta2)).
        assertEquals(-1e-7 / (1e-7 + 1e-7), q.toDoubleArray()[0], 1e-12);
        assertEquals(-1e-7 / (1e-7 + 1e-7 / Math.sqrt(1 - 0.999)), p.toDoubleArray()[0], 1e-12);
        assertTrue(Math.abs(p.toDoubleArray()[1] - q.toDoubleArray()[1]) < 1e-5, "a large gradient hardly notices");
        assertEquals(DType.FLOAT64, p.dtype());
    }
}
