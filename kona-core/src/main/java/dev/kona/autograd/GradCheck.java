package dev.kona.autograd;

import dev.kona.DType;
import dev.kona.Generator;
import dev.kona.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Checks a function's gradients against central finite differences in float64, as PyTorch's
 * {@code gradcheck}. Floating-point inputs are converted to float64 leaves; integer inputs (indices)
 * pass unchanged. The check compares {@code v^T J} for a random {@code v} (one backward pass) with
 * the numerical derivative of {@code sum(v * f(x))}, element by element.
 *
 * <pre>{@code
 * GradCheck.check(in -> in.get(0).matmul(in.get(1)).tanh(), List.of(Tensor.randn(3, 4), Tensor.randn(4, 2)));
 * }</pre>
 */
public final class GradCheck {
    private GradCheck() {}

    /** Default tolerances, suited to float64 and a step of 1e-6. */
    public static final double EPS = 1e-6, ATOL = 1e-5, RTOL = 1e-3;

    /** Throws an {@link AssertionError} naming the input and element whose gradient is wrong. */
    public static void check(Function<List<Tensor>, Tensor> f, List<Tensor> inputs) {
        check(f, inputs, EPS, ATOL, RTOL);
    }

    public static void check(Function<List<Tensor>, Tensor> f, List<Tensor> inputs, double eps, double atol, double rtol) {
        List<Tensor> x = toFloat64Leaves(inputs);
        Tensor y0 = f.apply(x);
        Tensor v = Tensor.randn(new Generator(12345), y0.shape(), DType.FLOAT32, y0.device()).to(DType.FLOAT64);
        List<Tensor> wrt = new ArrayList<>();
        for (Tensor t : x) if (t.requiresGrad()) wrt.add(t);
        if (wrt.isEmpty()) throw new IllegalArgumentException("GradCheck: no floating-point input to differentiate");
        if (!y0.requiresGrad()) {
            throw new AssertionError("GradCheck: the output does not depend on any input through a differentiable op");
        }
        List<Tensor> analytic = Autograd.grad(List.of(y0), wrt, List.of(v), false, false);
        compareWithNumeric(f, x, wrt, analytic, v, eps, atol, rtol, "first derivative");
    }

    /**
     * Checks second derivatives: the gradient function {@code x -> grad(sum(v * f(x)), x)} (built
     * with createGraph) is itself checked against finite differences.
     */
    public static void checkSecondOrder(Function<List<Tensor>, Tensor> f, List<Tensor> inputs) {
        List<Tensor> x0 = toFloat64Leaves(inputs);
        Tensor probe = f.apply(x0);
        Tensor v = Tensor.randn(new Generator(777), probe.shape(), DType.FLOAT32, probe.device()).to(DType.FLOAT64);
        Function<List<Tensor>, Tensor> gradOfF = xs -> {
            List<Tensor> wrt = new ArrayList<>();
            for (Tensor t : xs) if (t.requiresGrad()) wrt.add(t);
            Tensor y = f.apply(xs);
            List<Tensor> grads = Autograd.grad(List.of(y), wrt, List.of(v), true, true);
            List<Tensor> flat = new ArrayList<>();
            for (Tensor g : grads) flat.add(g.reshape(-1));
            return Tensor.cat(flat, 0);
        };
        check(gradOfF, x0, EPS, ATOL, RTOL);
    }

    private static List<Tensor> toFloat64Leaves(List<Tensor> inputs) {
        List<Tensor> x = new ArrayList<>();
        for (Tensor t : inputs) {
            if (t.dtype().isFloatingPoint()) x.add(t.detach().to(DType.FLOAT64).copy().requiresGrad(true));
            else x.add(t);
        }
        return x;
    }

    private static void compareWithNumeric(Function<List<Tensor>, Tensor> f, List<Tensor> x, List<Tensor> wrt,
                                           List<Tensor> analytic, Tensor v, double eps, double atol, double rtol,
                                           String what) {
        // Grad mode stays on: for a second-order check, f itself computes gradients.
        for (int w = 0; w < wrt.size(); w++) {
            Tensor leaf = wrt.get(w);
            double[] a = analytic.get(w).toDoubleArray();
            double[] data = leaf.toDoubleArray();
            int n = data.length;
            for (int i = 0; i < n; i++) {
                double orig = data[i];
                setElement(leaf, i, orig + eps);
                double plus = f.apply(x).mul(v).sum().item();
                setElement(leaf, i, orig - eps);
                double minus = f.apply(x).mul(v).sum().item();
                setElement(leaf, i, orig);
                double numeric = (plus - minus) / (2 * eps);
                if (!(Math.abs(numeric - a[i]) <= atol + rtol * Math.abs(numeric))) {
                    throw new AssertionError(String.format(Locale.ROOT,
                            "GradCheck (%s): input %d (shape %s), element %d: analytical %.8g, numerical %.8g",
                            what, x.indexOf(leaf), java.util.Arrays.toString(leaf.shape()), i, a[i], numeric));
                }
            }
        }
    }

    private static void setElement(Tensor leaf, int flatIndex, double value) {
        Tensor flat = leaf.detach().reshape(-1);
        flat.narrow(0, flatIndex, 1).fill(value);
    }
}
