package dev.kona.nn;

import dev.kona.DType;
import dev.kona.Device;
import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.autograd.Autograd;
import dev.kona.autograd.GradMode;
import dev.kona.ops.Dispatch;
import dev.kona.ops.Elementwise;
import dev.kona.ops.Op;
import java.util.Arrays;

/**
 * The normalisation functions, as PyTorch's {@code F.layer_norm}, {@code F.batch_norm} and
 * {@code F.group_norm}: composites of Kona's differentiable ops (mean, subtract, square, rsqrt,
 * multiply, add), so they run on every backend and autograd differentiates them, to any order.
 * Layer norm, on every Transformer block's path, is a primitive instead ({@link Op.LayerNorm}),
 * whose backward falls back to the composite formula for gradients of gradients.
 *
 * <pre>{@code
 * Tensor y = Normalization.layerNorm(x, new int[] {512}, gamma, beta, 1e-5);   // x [..., 512]
 * Tensor z = Normalization.batchNorm(img, runMean, runVar, w, b, true, 0.1, 1e-5);   // img [N, C, H, W]
 * Tensor u = Normalization.groupNorm(img, 8, w, b, 1e-5);                       // C divisible by 8
 * }</pre>
 *
 * <p>Normalisation divides by {@code sqrt(var + eps)} with the biased variance (divided by n), as
 * PyTorch does; only BatchNorm's running variance uses the unbiased one (divided by n - 1).
 */
public final class Normalization {
    private Normalization() {}

    // ---------------------------------------------------------------- layer norm

    /**
     * Normalises over the last {@code normalizedShape.length} dimensions, whose sizes must equal
     * {@code normalizedShape}: {@code (x - mean) / sqrt(var + eps) * weight + bias}.
     *
     * @param x               input {@code [*, normalizedShape...]}; the output has the same shape
     * @param normalizedShape the trailing shape normalised over (at least one dimension)
     * @param weight          scale of shape {@code normalizedShape}, or null for none
     * @param bias            shift of shape {@code normalizedShape}, or null for none
     * @param eps             added to the variance, {@code > 0} (PyTorch's default is 1e-5)
     */
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        String op = "layerNorm";
        requireFloat(op, x);
        int k = normalizedShape.length;
        if (k == 0) throw new IllegalArgumentException(op + ": normalizedShape must have at least one dimension, got []");
        int[] xs = x.shape();
        if (xs.length < k || !Arrays.equals(Arrays.copyOfRange(xs, xs.length - k, xs.length), normalizedShape)) {
            throw new IllegalArgumentException(op + ": input of shape " + Shape.format(xs)
                    + " does not end with the normalized shape " + Shape.format(normalizedShape));
        }
        checkAffine(op, "weight", weight, normalizedShape, x);
        checkAffine(op, "bias", bias, normalizedShape, x);
        checkEps(op, eps);
        int n = 1;
        for (int d : normalizedShape) n *= d;
        if (x.numel() == 0) {
            int[] axes = new int[k];
            for (int i = 0; i < k; i++) axes[i] = xs.length - k + i;
            Tensor y = standardize(op, x, axes, eps);
            if (weight != null) y = y.mul(weight);
            if (bias != null) y = y.add(bias);
            return y;
        }
        int rows = (int) (x.numel() / n);
        DType compute = Op.computeType(x.dtype());
        Device device = x.device();
        Tensor xr = Elementwise.cast(x, compute).reshape(rows, n).contiguous();
        Tensor w = weight == null ? Tensor.ones(new int[] {n}, compute, device)
                : Elementwise.cast(weight, compute).reshape(n).contiguous();
        Tensor b = bias == null ? Tensor.zeros(new int[] {n}, compute, device)
                : Elementwise.cast(bias, compute).reshape(n).contiguous();
        Tensor y = Dispatch.uninitialized(device, compute, new int[] {rows, n});
        Tensor mean = Dispatch.uninitialized(device, compute, new int[] {rows});
        Tensor rstd = Dispatch.uninitialized(device, compute, new int[] {rows});
        Dispatch.runInto(new Op.LayerNorm(eps), new Tensor[] {y, mean, rstd}, xr, w, b);
        Autograd.record(op, (g, in, out) -> layerNormBackward(g, in, mean, rstd, eps), new Tensor[] {xr, w, b}, y);
        return Elementwise.cast(y.reshape(xs), x.dtype());
    }

    /**
     * The gradients of {@link Op.LayerNorm}'s x, w and b: one fused pass ({@link Op.LayerNormGrad}),
     * or, when the backward pass is itself recorded (gradients of gradients), the same formula in
     * differentiable ops with the statistics recomputed from x.
     */
    private static Tensor[] layerNormBackward(Tensor g, Tensor[] in, Tensor mean, Tensor rstd, double eps) {
        Tensor x = in[0], w = in[1], b = in[2];
        Tensor dx, dw, db;
        if (GradMode.isEnabled()) {
            int[] row = {1};
            Tensor centered = x.sub(x.mean(row, true));
            Tensor rs = centered.square().mean(row, true).add(eps).rsqrt();
            Tensor xhat = centered.mul(rs);
            Tensor gw = g.mul(w);
            dx = gw.sub(gw.mean(row, true)).sub(xhat.mul(gw.mul(xhat).mean(row, true))).mul(rs);
            dw = w.requiresGrad() ? g.mul(xhat).sum(new int[] {0}, false) : null;
            db = b.requiresGrad() ? g.sum(new int[] {0}, false) : null;
        } else {
            dx = Dispatch.uninitialized(x.device(), x.dtype(), x.shape());
            dw = Dispatch.uninitialized(x.device(), x.dtype(), w.shape());
            db = Dispatch.uninitialized(x.device(), x.dtype(), b.shape());
            Dispatch.runInto(new Op.LayerNormGrad(), new Tensor[] {dx, dw, db}, g.contiguous(), x, w, mean, rstd);
        }
        return new Tensor[] {x.requiresGrad() ? dx : null, w.requiresGrad() ? dw : null, b.requiresGrad() ? db : null};
    }

    /** {@code (x - mean) / sqrt(var + eps)} over {@code axes}, with the biased variance. */
    private static Tensor standardize(String op, Tensor x, int[] axes, double eps) {
        checkEps(op, eps);
        Tensor centered = x.sub(x.mean(axes, true));
        Tensor rstd = centered.square().mean(axes, true).add(eps).rsqrt();
        return centered.mul(rstd);
    }

    // ---------------------------------------------------------------- batch norm

    /**
     * Batch normalisation of {@code x [N, C, *]} per channel C.
     *
     * <p>In training, normalises with the batch's mean and biased variance over every dimension
     * but 1, and, when the running statistics are given, updates them in place (outside autograd):
     * {@code running = (1 - momentum) * running + momentum * batch}, with the unbiased variance for
     * {@code runningVar}, as PyTorch does. Otherwise, normalises with the running statistics,
     * which must be given.
     *
     * @param runningMean {@code [C]} or null (then {@code runningVar} must be null too)
     * @param runningVar  {@code [C]} or null
     * @param weight      {@code [C]} or null
     * @param bias        {@code [C]} or null
     * @param training    use (and update) the batch statistics
     * @param momentum    the weight of the batch in the running average, in [0, 1]
     * @param eps         added to the variance, {@code > 0}
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, double momentum, double eps) {
        String op = "batchNorm";
        requireFloat(op, x);
        checkEps(op, eps);
        if (x.dim() < 2) {
            throw new IllegalArgumentException(op + ": expected an input of at least 2 dimensions [N, C, *], got shape "
                    + Shape.format(x.shape()));
        }
        Dispatch.deviceOf(op, x, runningMean, runningVar, weight, bias);
        int c = x.size(1);
        int[] channel = {c};
        checkAffine(op, "runningMean", runningMean, channel, x);
        checkAffine(op, "runningVar", runningVar, channel, x);
        checkAffine(op, "weight", weight, channel, x);
        checkAffine(op, "bias", bias, channel, x);
        if ((runningMean == null) != (runningVar == null)) {
            throw new IllegalArgumentException(op + ": runningMean and runningVar must be given together (got "
                    + (runningMean == null ? "only runningVar" : "only runningMean") + ")");
        }
        int[] bshape = new int[x.dim()];
        Arrays.fill(bshape, 1);
        bshape[1] = c;
        Tensor scale, shift;
        if (training) {
            long n = x.numel() / Math.max(1, c);
            if (n <= 1) {
                throw new IllegalArgumentException(op + ": expected more than 1 value per channel when training, got input of shape "
                        + Shape.format(x.shape()));
            }
            if (!(momentum >= 0 && momentum <= 1)) {
                throw new IllegalArgumentException(op + ": momentum must be in [0, 1], got " + momentum);
            }
            int[] axes = new int[x.dim() - 1];
            axes[0] = 0;
            for (int i = 2; i < x.dim(); i++) axes[i - 1] = i;
            Tensor mean = x.mean(axes, true);
            Tensor centered = x.sub(mean);
            Tensor var = centered.square().mean(axes, true);
            if (runningMean != null) {
                try (var g = GradMode.noGrad()) {
                    Tensor m = mean.reshape(c).to(runningMean.dtype());
                    Tensor v = var.reshape(c).mul((double) n / (n - 1)).to(runningVar.dtype());
                    runningMean.mulInPlace(1 - momentum).addInPlace(m.mul(momentum));
                    runningVar.mulInPlace(1 - momentum).addInPlace(v.mul(momentum));
                }
            }
            // One pass over x for the affine part: (x - mean) * (rstd * weight) + bias.
            scale = var.add(eps).rsqrt();
            if (weight != null) scale = scale.mul(weight.reshape(bshape));
            Tensor y = centered.mul(scale);
            return bias == null ? y : y.add(bias.reshape(bshape));
        }
        if (runningMean == null) {
            throw new IllegalArgumentException(op + ": running statistics are required outside training (got null "
                    + "runningMean and runningVar; pass training=true to use the batch statistics)");
        }
        // Folded into one multiply and one add over x: x * scale + (bias - mean * scale).
        scale = runningVar.add(eps).rsqrt();
        if (weight != null) scale = scale.mul(weight);
        shift = runningMean.mul(scale).neg();
        if (bias != null) shift = shift.add(bias);
        return x.mul(scale.reshape(bshape).to(x.dtype())).add(shift.reshape(bshape).to(x.dtype()));
    }

    // ---------------------------------------------------------------- group norm

    /**
     * Group normalisation of {@code x [N, C, *]}: the channels are split into {@code numGroups}
     * groups of {@code C / numGroups}, each normalised over its channels and every position, then
     * scaled and shifted per channel.
     *
     * @param weight {@code [C]} or null
     * @param bias   {@code [C]} or null
     */
    public static Tensor groupNorm(Tensor x, int numGroups, Tensor weight, Tensor bias, double eps) {
        String op = "groupNorm";
        requireFloat(op, x);
        if (x.dim() < 2) {
            throw new IllegalArgumentException(op + ": expected an input of at least 2 dimensions [N, C, *], got shape "
                    + Shape.format(x.shape()));
        }
        int n = x.size(0), c = x.size(1);
        if (numGroups <= 0 || c % numGroups != 0) {
            throw new IllegalArgumentException(op + ": the input's " + c + " channels (shape " + Shape.format(x.shape())
                    + ") are not divisible by numGroups " + numGroups);
        }
        int[] channel = {c};
        checkAffine(op, "weight", weight, channel, x);
        checkAffine(op, "bias", bias, channel, x);
        Tensor grouped = x.reshape(n, numGroups, -1);
        Tensor y = standardize(op, grouped, new int[] {2}, eps).reshape(x.shape());
        int[] bshape = new int[x.dim()];
        Arrays.fill(bshape, 1);
        bshape[1] = c;
        if (weight != null) y = y.mul(weight.reshape(bshape));
        if (bias != null) y = y.add(bias.reshape(bshape));
        return y;
    }

    // ---------------------------------------------------------------- checks

    private static void requireFloat(String op, Tensor x) {
        if (!x.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": expected a floating-point input, got " + x.dtype());
        }
    }

    private static void checkEps(String op, double eps) {
        if (!(eps > 0)) throw new IllegalArgumentException(op + ": eps must be > 0, got " + eps);
    }

    private static void checkAffine(String op, String what, Tensor t, int[] expected, Tensor x) {
        if (t == null) return;
        if (!Arrays.equals(t.shape(), expected)) {
            throw new IllegalArgumentException(op + ": expected " + what + " of shape " + Shape.format(expected)
                    + " for input of shape " + Shape.format(x.shape()) + ", got " + Shape.format(t.shape()));
        }
        Dispatch.deviceOf(op, x, t);
    }
}
