package dev.kona.optim;

import dev.kona.MemoryScope;
import dev.kona.Tensor;
import dev.kona.autograd.GradMode;
import dev.kona.autograd.TensorAccess;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradient clipping, as PyTorch's {@code torch.nn.utils.clip_grad_norm_} and
 * {@code clip_grad_value_}: call between {@code backward()} and {@code step()}. Gradients are
 * changed in place; parameters without a gradient are skipped.
 *
 * <pre>{@code
 * loss.backward();
 * double norm = ClipGrad.clipGradNorm(params, 1.0);   // rescale so the total 2-norm is <= 1
 * opt.step();
 * }</pre>
 */
public final class ClipGrad {
    private ClipGrad() {}

    /** {@link #clipGradNorm(Iterable, double, double, boolean)} with the 2-norm. */
    public static double clipGradNorm(Iterable<Tensor> params, double maxNorm) {
        return clipGradNorm(params, maxNorm, 2, false);
    }

    /** {@link #clipGradNorm(Iterable, double, double, boolean)} without the non-finite check. */
    public static double clipGradNorm(Iterable<Tensor> params, double maxNorm, double normType) {
        return clipGradNorm(params, maxNorm, normType, false);
    }

    /**
     * Scales all gradients by {@code min(1, maxNorm / (total + 1e-6))}, where {@code total} is the
     * {@code normType}-norm of the norms of the gradients (the norm of all gradients seen as one
     * vector; {@code Double.POSITIVE_INFINITY} for the largest absolute value). Returns the total
     * norm before clipping (0 when no parameter has a gradient).
     *
     * @param errorIfNonfinite fail instead of scaling when the total norm is NaN or infinite
     */
    public static double clipGradNorm(Iterable<Tensor> params, double maxNorm, double normType, boolean errorIfNonfinite) {
        if (!(maxNorm >= 0)) throw new IllegalArgumentException("clipGradNorm: maxNorm must be >= 0, got " + maxNorm);
        if (!(normType > 0)) {
            throw new IllegalArgumentException("clipGradNorm: normType must be > 0 (or Double.POSITIVE_INFINITY), got " + normType);
        }
        List<Tensor> grads = grads(params);
        if (grads.isEmpty()) return 0;
        try (var mode = GradMode.noGrad(); var scope = MemoryScope.open()) {
            List<Tensor> norms = new ArrayList<>(grads.size());
            for (Tensor g : grads) norms.add(g.norm(normType));
            Tensor total = Tensor.stack(norms).norm(normType);
            double value = total.item();
            if (errorIfNonfinite && !Double.isFinite(value)) {
                throw new IllegalStateException("clipGradNorm: the total norm of order " + normType + " of the gradients is "
                        + value + ", so they cannot be clipped; pass errorIfNonfinite = false to scale them anyway");
            }
            // In the gradients' dtype, as PyTorch: maxNorm / (total + 1e-6), at most 1.
            Tensor coef = Tensor.wrap(maxNorm).div(total.add(1e-6)).clampMax(1.0);
            for (Tensor g : grads) g.mulInPlace(coef);
            return value;
        }
    }

    /** Clamps every gradient element to {@code [-clip, clip]}. */
    public static void clipGradValue(Iterable<Tensor> params, double clip) {
        if (!(clip >= 0)) throw new IllegalArgumentException("clipGradValue: clip must be >= 0, got " + clip);
        try (var mode = GradMode.noGrad(); var scope = MemoryScope.open()) {
            for (Tensor g : grads(params)) g.copyFrom(g.clamp(-clip, clip));
        }
    }

    private static List<Tensor> grads(Iterable<Tensor> params) {
        List<Tensor> grads = new ArrayList<>();
        for (Tensor p : params) {
            Tensor g = TensorAccess.get().gradForUpdate(p);
            if (g != null) grads.add(g);
        }
        return grads;
    }
}
