package dev.kona.train;

import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.autograd.GradMode;
import java.util.Map;

/**
 * Keras's {@code BatchNormalization} over the channels-last axis: {@code (x - mean) / sqrt(var +
 * epsilon) * gamma + beta}, per feature of {@code axis} (-1, the last). While training, mean and
 * (biased) variance are the batch's, and the moving statistics follow them as Keras does:
 * {@code moving = moving * momentum + batch * (1 - momentum)}; at inference (and when the layer is
 * frozen with {@code setTrainable(false)}, as in Keras) the moving statistics are used. Keras's
 * conventions, not PyTorch's: momentum 0.99 weights the old value (PyTorch's 0.1 weights the new),
 * epsilon 1e-3, and the moving variance is the biased batch variance.
 *
 * <p>Weights: {@code gamma} and {@code beta} {@code [features]} (trainable), {@code moving_mean}
 * and {@code moving_variance} {@code [features]} (non-trainable: buffers, saved with the model).
 * Any input rank >= 2; output shape = input shape.
 *
 * <pre>{@code
 * var model = new Sequential(new Input(28, 28, 1), new Conv2D(32, 3), new BatchNormalization(), new Activation("relu"));
 * // batch_normalization: 128 parameters, 64 of them non-trainable
 * }</pre>
 *
 * <p>Computed with tensor ops rather than {@code nn.BatchNorm2d}: that module normalises axis 1
 * (channels-first), updates with PyTorch's momentum convention and the unbiased variance.
 */
public final class BatchNormalization extends Layer {
    private final int axis;
    private final double momentum;
    private final double epsilon;
    private final boolean center;
    private final boolean scale;
    private int features = -1;
    private int rank = -1;

    /** axis -1, momentum 0.99, epsilon 1e-3, with gamma and beta: Keras's defaults. */
    public BatchNormalization() {
        this(-1, 0.99, 1e-3, true, true);
    }

    /**
     * @param axis     the feature axis (negative counts from the end), not the batch axis
     * @param momentum the moving statistics' decay, in [0, 1]
     * @param epsilon  added to the variance, > 0
     * @param center   whether to add beta
     * @param scale    whether to multiply by gamma
     */
    public BatchNormalization(int axis, double momentum, double epsilon, boolean center, boolean scale) {
        if (!(momentum >= 0 && momentum <= 1)) throw new IllegalArgumentException("BatchNormalization: momentum must be in [0, 1], got " + momentum);
        if (!(epsilon > 0)) throw new IllegalArgumentException("BatchNormalization: epsilon must be > 0, got " + epsilon);
        this.axis = axis;
        this.momentum = momentum;
        this.epsilon = epsilon;
        this.center = center;
        this.scale = scale;
    }

    public double momentum() {
        return momentum;
    }

    public double epsilon() {
        return epsilon;
    }

    /** The moving mean {@code [features]}, or null before the layer is built. */
    public Tensor movingMean() {
        return isBuilt() ? buffer("moving_mean") : null;
    }

    /** The moving variance {@code [features]}, or null before the layer is built. */
    public Tensor movingVariance() {
        return isBuilt() ? buffer("moving_variance") : null;
    }

    private int resolvedAxis(int r) {
        int a = axis < 0 ? axis + r : axis;
        if (a <= 0 || a >= r) {
            throw new IllegalArgumentException(describe() + ": axis " + axis + " is out of range (or the batch axis) for inputs of rank " + r);
        }
        return a;
    }

    @Override
    protected void build(int[] inputShape) {
        int a = resolvedAxis(inputShape.length);
        if (inputShape[a] < 0) {
            throw new IllegalArgumentException(describe() + ": the size of axis " + axis + " must be known, got " + KerasTensor.format(inputShape));
        }
        rank = inputShape.length;
        features = inputShape[a];
        int[] s = {features};
        if (scale) addWeight("gamma", s, Initializers.ONES);
        if (center) addWeight("beta", s, Initializers.ZEROS);
        // Buffers: non-trainable, saved in the state dict, moved by model.to(device).
        registerBuffer("moving_mean", Initializers.ZEROS.initialize(Tensor.zeros(s, dev.kona.DType.FLOAT32, device())));
        registerBuffer("moving_variance", Initializers.ONES.initialize(Tensor.zeros(s, dev.kona.DType.FLOAT32, device())));
    }

    @Override
    protected int[] computeOutputShape(int[] inputShape) {
        int a = resolvedAxis(inputShape.length);
        if (features >= 0 && (inputShape.length != rank || inputShape[a] != features)) {
            throw new IllegalArgumentException(describe() + ": expected inputs like " + KerasTensor.format(inputShape())
                    + ", got " + KerasTensor.format(inputShape));
        }
        return inputShape;
    }

    @Override
    protected Tensor call(Tensor inputs, boolean training) {
        if (inputs.dim() != rank || inputs.size(resolvedAxis(rank)) != features) {
            throw new IllegalArgumentException(describe() + ": expected inputs like " + KerasTensor.format(inputShape())
                    + ", got shape " + Shape.format(inputs.shape()));
        }
        int a = resolvedAxis(rank);
        int[] reduce = new int[rank - 1];
        for (int i = 0, j = 0; i < rank; i++) if (i != a) reduce[j++] = i;
        int[] bshape = new int[rank];     // [1, ..., features, ..., 1]: broadcasts a [features] vector along axis a
        java.util.Arrays.fill(bshape, 1);
        bshape[a] = features;
        Tensor mean, var;
        if (training && isTrainable()) {
            mean = inputs.mean(reduce, true);
            var = inputs.sub(mean).square().mean(reduce, true);
            try (var g = GradMode.noGrad()) {
                update(buffer("moving_mean"), mean.reshape(features));
                update(buffer("moving_variance"), var.reshape(features));
            }
        } else {
            mean = buffer("moving_mean").reshape(bshape);
            var = buffer("moving_variance").reshape(bshape);
        }
        Tensor y = inputs.sub(mean).mul(var.add(epsilon).rsqrt());
        if (scale) y = y.mul(param("gamma").reshape(bshape));
        if (center) y = y.add(param("beta").reshape(bshape));
        return y;
    }

    private void update(Tensor moving, Tensor batch) {
        moving.copyFrom(moving.mul(momentum).add(batch.detach().mul(1 - momentum)));
    }

    @Override
    public Map<String, Object> getConfig() {
        var c = super.getConfig();
        c.put("axis", (long) axis);
        c.put("momentum", momentum);
        c.put("epsilon", epsilon);
        c.put("center", center);
        c.put("scale", scale);
        return c;
    }

    @Override
    protected String extraRepr() {
        return "axis=" + axis + ", momentum=" + momentum + ", epsilon=" + epsilon;
    }
}
