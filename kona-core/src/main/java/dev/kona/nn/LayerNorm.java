package dev.kona.nn;

import dev.kona.Shape;
import dev.kona.Tensor;

/**
 * Layer normalisation over the last dimensions, as PyTorch's {@code nn.LayerNorm}:
 * {@code (x - mean) / sqrt(var + eps) * weight + bias}, with the mean and the biased variance taken
 * over the trailing {@code normalizedShape}. Input {@code [*, normalizedShape...]}, output the same
 * shape; weight and bias (ones and zeros at first) have shape {@code normalizedShape}.
 *
 * <pre>{@code
 * var norm = new LayerNorm(512);
 * Tensor y = norm.call(Tensor.randn(32, 10, 512));   // each [512] row: mean 0, variance 1 (then scaled)
 * }</pre>
 *
 * <p>Unlike BatchNorm it uses the same statistics in training and evaluation, and keeps no buffers.
 */
public final class LayerNorm extends Module {
    private final int[] normalizedShape;
    private final double eps;
    private final boolean elementwiseAffine;
    private final boolean hasBias;

    /** With eps 1e-5, a learned weight and bias. */
    public LayerNorm(int... normalizedShape) {
        this(normalizedShape, 1e-5, true, true);
    }

    /**
     * @param normalizedShape   the trailing shape to normalise over
     * @param eps               added to the variance, {@code > 0}
     * @param elementwiseAffine whether to learn a weight (and a bias, if {@code bias})
     * @param bias              whether to learn a bias (with {@code elementwiseAffine})
     */
    public LayerNorm(int[] normalizedShape, double eps, boolean elementwiseAffine, boolean bias) {
        if (normalizedShape.length == 0) {
            throw new IllegalArgumentException("LayerNorm: normalizedShape must have at least one dimension, got []");
        }
        for (int d : normalizedShape) {
            if (d <= 0) {
                throw new IllegalArgumentException("LayerNorm: normalizedShape must be positive, got "
                        + Shape.format(normalizedShape));
            }
        }
        if (!(eps > 0)) throw new IllegalArgumentException("LayerNorm: eps must be > 0, got " + eps);
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        this.elementwiseAffine = elementwiseAffine;
        this.hasBias = elementwiseAffine && bias;
        if (elementwiseAffine) registerParameter("weight", Tensor.ones(normalizedShape));
        if (hasBias) registerParameter("bias", Tensor.zeros(normalizedShape));
    }

    public int[] normalizedShape() {
        return normalizedShape.clone();
    }

    public double eps() {
        return eps;
    }

    /** The scale, or null without elementwise affine. */
    public Tensor weight() {
        return elementwiseAffine ? param("weight") : null;
    }

    /** The shift, or null. */
    public Tensor bias() {
        return hasBias ? param("bias") : null;
    }

    @Override
    public Tensor forward(Tensor input) {
        int k = normalizedShape.length;
        int[] xs = input.shape();
        boolean fits = xs.length >= k;
        for (int i = 0; fits && i < k; i++) fits = xs[xs.length - k + i] == normalizedShape[i];
        if (!fits) {
            throw new IllegalArgumentException("LayerNorm(" + extraRepr() + "): expected input with trailing shape "
                    + Shape.format(normalizedShape) + ", got shape " + Shape.format(xs));
        }
        return Normalization.layerNorm(input, normalizedShape, weight(), bias(), eps);
    }

    @Override
    protected String extraRepr() {
        return Shape.format(normalizedShape).replace('[', '(').replace(']', ')') + ", eps=" + eps
                + ", elementwise_affine=" + elementwiseAffine + (elementwiseAffine && !hasBias ? ", bias=false" : "");
    }
}
