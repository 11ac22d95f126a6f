package dev.kona.train;

import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.nn.Normalization;
import java.util.Map;

/**
 * Keras's {@code LayerNormalization} over the last axis: each sample's features are normalised to
 * mean 0 and variance 1 ({@code (x - mean) / sqrt(var + epsilon)}, biased variance), then scaled by
 * {@code gamma} and shifted by {@code beta} ({@code [features]}, created at the first input). Same
 * in training and inference. Keras's epsilon default, 1e-3 (PyTorch's LayerNorm uses 1e-5). Input
 * {@code [batch, ..., features]}; output the same shape. Computed by {@link Normalization#layerNorm}.
 *
 * <pre>{@code
 * new LayerNormalization().call(Tensor.randn(2, 5, 16));   // gamma, beta [16]: 32 parameters
 * }</pre>
 */
public final class LayerNormalization extends Layer {
    private final double epsilon;
    private final boolean center;
    private final boolean scale;
    private int features = -1;

    /** epsilon 1e-3, with gamma and beta (Keras's defaults). */
    public LayerNormalization() {
        this(1e-3, true, true);
    }

    public LayerNormalization(double epsilon, boolean center, boolean scale) {
        if (!(epsilon > 0)) throw new IllegalArgumentException("LayerNormalization: epsilon must be > 0, got " + epsilon);
        this.epsilon = epsilon;
        this.center = center;
        this.scale = scale;
    }

    @Override
    protected void build(int[] inputShape) {
        if (inputShape.length < 2 || inputShape[inputShape.length - 1] < 0) {
            throw new IllegalArgumentException(describe() + ": expected inputs of shape (None, ..., features) with a known "
                    + "number of features, got " + KerasTensor.format(inputShape));
        }
        features = inputShape[inputShape.length - 1];
        if (scale) addWeight("gamma", new int[] {features}, Initializers.ONES);
        if (center) addWeight("beta", new int[] {features}, Initializers.ZEROS);
    }

    @Override
    protected int[] computeOutputShape(int[] inputShape) {
        if (inputShape.length < 2 || (features >= 0 && inputShape[inputShape.length - 1] != features)) {
            throw new IllegalArgumentException(describe() + ": expected inputs with " + features + " features last, got "
                    + KerasTensor.format(inputShape));
        }
        return inputShape;
    }

    @Override
    protected Tensor call(Tensor inputs, boolean training) {
        if (inputs.dim() < 2 || inputs.size(-1) != features) {
            throw new IllegalArgumentException(describe() + ": expected inputs with " + features + " features last, got shape "
                    + Shape.format(inputs.shape()));
        }
        return Normalization.layerNorm(inputs, new int[] {features}, scale ? param("gamma") : null, center ? param("beta") : null,
                epsilon);
    }

    @Override
    public Map<String, Object> getConfig() {
        var c = super.getConfig();
        c.put("axis", -1L);
        c.put("epsilon", epsilon);
        c.put("center", center);
        c.put("scale", scale);
        return c;
    }
}
