package dev.kona.train;

import dev.kona.DType;
import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.nn.Loss;
import dev.kona.nn.Loss.Reduction;
import dev.kona.nn.Losses;
import java.util.Locale;

/**
 * Keras's losses, with Keras's conventions: per-sample losses averaged over the batch, and
 * probabilities (not logits) expected by default. They are {@link Loss}es, so they also work in a
 * hand-written loop: {@code apply(prediction, target)} (Kona's order, prediction first).
 *
 * <pre>{@code
 * model.compile("adam", "sparse_categorical_crossentropy", "accuracy");
 * model.compile(OptimizerSpec.adam(), new KerasLoss.SparseCategoricalCrossentropy(true));   // logits out
 * Tensor loss = KerasLoss.get("mse").apply(prediction, target);                              // 0-d
 * }</pre>
 *
 * <p>Numerical safety: with probabilities, the logarithm is taken of values clipped to
 * [1e-7, 1 - 1e-7], as Keras does; when the model's last layer applies the matching activation
 * (softmax for the categorical losses, sigmoid for binary cross-entropy), {@code fit} and
 * {@code evaluate} skip it and compute the loss from the logits ({@link #fused}), as Keras does, so
 * the loss never takes the log of a softmax.
 */
public sealed interface KerasLoss extends Loss {

    /** Keras's fuzz factor, {@code keras.config.epsilon()}. */
    double EPSILON = 1e-7;

    /** The Keras name, e.g. {@code sparse_categorical_crossentropy}. */
    String name();

    /** One loss per sample, {@code [batch]}. */
    Tensor perSample(Tensor prediction, Tensor target);

    /** The mean of {@link #perSample}. */
    @Override
    default Tensor apply(Tensor prediction, Tensor target) {
        dev.kona.ops.Dispatch.deviceOf("loss '" + name() + "'", prediction, target);
        return perSample(prediction, target).mean();
    }

    /**
     * Checks that {@code y} (all targets, batch first) fits a model output of {@code outputShape}
     * (batch -1) made by the layer {@code layer}; fails naming the loss, the layer and the shapes.
     */
    default void check(int[] outputShape, Tensor y, String layer) {
        int[] s = y.shape();
        if (s.length == 0) throw mismatch(this, layer, outputShape, y, "y must have a batch dimension");
        if (perSampleSize(s, 0) != perSampleSize(outputShape, 0) && !(s.length == 1 && perSampleSize(outputShape, 0) == 1)) {
            throw mismatch(this, layer, outputShape, y, "y must hold as many values per sample as the output");
        }
    }

    /** The same loss computed from logits, when the model's last activation is {@code last}; null if none fits. */
    default KerasLoss fused(Activations last) {
        return null;
    }

    /** A loss by Keras name: the cross-entropies, {@code mse}/{@code mean_squared_error}, {@code mae}/{@code mean_absolute_error}, {@code huber}. */
    static KerasLoss get(String name) {
        return switch (name == null ? "" : name.toLowerCase(Locale.ROOT)) {
            case "sparse_categorical_crossentropy" -> new SparseCategoricalCrossentropy(false);
            case "categorical_crossentropy" -> new CategoricalCrossentropy(false, 0);
            case "binary_crossentropy" -> new BinaryCrossentropy(false);
            case "mse", "mean_squared_error" -> new MeanSquaredError();
            case "mae", "mean_absolute_error" -> new MeanAbsoluteError();
            case "huber" -> new Huber(1.0);
            default -> throw new IllegalArgumentException("unknown loss '" + name + "'; known losses: "
                    + "sparse_categorical_crossentropy, categorical_crossentropy, binary_crossentropy, "
                    + "mean_squared_error (mse), mean_absolute_error (mae), huber");
        };
    }

    /**
     * Cross-entropy against integer class labels {@code [batch]} (or {@code [batch, 1]}) for an
     * output {@code [batch, classes]} of probabilities, or of logits when {@code fromLogits}.
     */
    record SparseCategoricalCrossentropy(boolean fromLogits) implements KerasLoss {
        @Override
        public String name() {
            return "sparse_categorical_crossentropy";
        }

        @Override
        public Tensor perSample(Tensor prediction, Tensor target) {
            Tensor labels = target.dim() == prediction.dim() && target.size(-1) == 1 ? target.squeeze(-1) : target;
            if (labels.dtype().isFloatingPoint()) labels = labels.to(DType.INT64);
            if (fromLogits) return Losses.crossEntropy(prediction, labels, null, Losses.DEFAULT_IGNORE_INDEX, 0, Reduction.NONE);
            Tensor logp = clippedLog(normalized(prediction));
            return logp.gather(-1, labels.to(DType.INT64).unsqueeze(-1)).squeeze(-1).neg();
        }

        @Override
        public void check(int[] outputShape, Tensor y, String layer) {
            int classes = outputShape[outputShape.length - 1];
            if (outputShape.length < 2 || classes < 2) {
                throw mismatch(this, layer, outputShape, y, "the output needs one value per class (at least 2); "
                        + "for two classes with one sigmoid output use binary_crossentropy");
            }
            int[] s = y.shape();
            boolean labelShape = s.length == outputShape.length - 1 || (s.length == outputShape.length && s[s.length - 1] == 1);
            if (!labelShape) {
                throw mismatch(this, layer, outputShape, y, "y must hold one integer class label per sample"
                        + (s.length == outputShape.length ? "; for one-hot targets use categorical_crossentropy" : ""));
            }
            checkLabels(y, classes, layer);
        }

        @Override
        public KerasLoss fused(Activations last) {
            return !fromLogits && last == Activations.SOFTMAX ? new SparseCategoricalCrossentropy(true) : null;
        }
    }

    /** Cross-entropy against one-hot (or probability) targets shaped as the output {@code [batch, classes]}. */
    record CategoricalCrossentropy(boolean fromLogits, double labelSmoothing) implements KerasLoss {
        public CategoricalCrossentropy {
            if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
                throw new IllegalArgumentException("CategoricalCrossentropy: labelSmoothing must be in [0, 1], got " + labelSmoothing);
            }
        }

        @Override
        public String name() {
            return "categorical_crossentropy";
        }

        @Override
        public Tensor perSample(Tensor prediction, Tensor target) {
            Tensor t = target.to(prediction.dtype());
            if (labelSmoothing > 0) t = t.mul(1 - labelSmoothing).add(labelSmoothing / prediction.size(-1));
            Tensor logp = fromLogits ? prediction.logSoftmax(-1) : clippedLog(normalized(prediction));
            return logp.mul(t).sum(-1, false).neg();
        }

        @Override
        public void check(int[] outputShape, Tensor y, String layer) {
            int[] s = y.shape();
            boolean same = s.length == outputShape.length;
            for (int i = 1; same && i < s.length; i++) same = outputShape[i] < 0 || s[i] == outputShape[i];
            if (!same) {
                throw mismatch(this, layer, outputShape, y, "y must be one-hot, shaped as the output"
                        + (!y.dtype().isFloatingPoint() && s.length == outputShape.length - 1
                        ? "; for integer labels use sparse_categorical_crossentropy" : ""));
            }
        }

        @Override
        public KerasLoss fused(Activations last) {
            return !fromLogits && last == Activations.SOFTMAX ? new CategoricalCrossentropy(true, labelSmoothing) : null;
        }
    }

    /** Binary cross-entropy for targets in [0, 1] shaped as the output, averaged over the last axis. */
    record BinaryCrossentropy(boolean fromLogits) implements KerasLoss {
        @Override
        public String name() {
            return "binary_crossentropy";
        }

        @Override
        public Tensor perSample(Tensor prediction, Tensor target) {
            Tensor t = sameShape(prediction, target).to(prediction.dtype());
            Tensor each;
            if (fromLogits) {
                each = Losses.binaryCrossEntropyWithLogits(prediction, t, null, null, Reduction.NONE);
            } else {
                Tensor p = prediction.clamp(EPSILON, 1 - EPSILON);
                each = t.mul(p.log()).add(t.rsub(1.0).mul(p.rsub(1.0).log())).neg();
            }
            return lastAxisMean(each);
        }

        @Override
        public void check(int[] outputShape, Tensor y, String layer) {
            KerasLoss.super.check(outputShape, y, layer);
            if (y.numel() > 0) {
                double[] range = dev.kona.ops.Reductions.minMax(y);
                double min = range[0], max = range[1];
                if (min < 0 || max > 1) {
                    throw mismatch(this, layer, outputShape, y, "targets must lie in [0, 1], found " + (min < 0 ? min : max));
                }
            }
        }

        @Override
        public KerasLoss fused(Activations last) {
            return !fromLogits && last == Activations.SIGMOID ? new BinaryCrossentropy(true) : null;
        }
    }

    /** {@code mean((target - prediction)², axis=-1)}. */
    record MeanSquaredError() implements KerasLoss {
        @Override
        public String name() {
            return "mean_squared_error";
        }

        @Override
        public Tensor perSample(Tensor prediction, Tensor target) {
            return lastAxisMean(prediction.sub(sameShape(prediction, target).to(prediction.dtype())).square());
        }
    }

    /** {@code mean(|target - prediction|, axis=-1)}. */
    record MeanAbsoluteError() implements KerasLoss {
        @Override
        public String name() {
            return "mean_absolute_error";
        }

        @Override
        public Tensor perSample(Tensor prediction, Tensor target) {
            return lastAxisMean(prediction.sub(sameShape(prediction, target).to(prediction.dtype())).abs());
        }
    }

    /** Huber: quadratic below {@code delta}, linear above, averaged over the last axis. */
    record Huber(double delta) implements KerasLoss {
        public Huber {
            if (!(delta > 0)) throw new IllegalArgumentException("Huber: delta must be > 0, got " + delta);
        }

        @Override
        public String name() {
            return "huber";
        }

        @Override
        public Tensor perSample(Tensor prediction, Tensor target) {
            Tensor t = sameShape(prediction, target).to(prediction.dtype());
            return lastAxisMean(Losses.huberLoss(prediction, t, delta, Reduction.NONE));
        }
    }

    // ---------------------------------------------------------------- helpers

    private static Tensor normalized(Tensor p) {
        return p.div(p.sum(-1, true));
    }

    private static Tensor clippedLog(Tensor p) {
        return p.clamp(EPSILON, 1 - EPSILON).log();
    }

    private static Tensor lastAxisMean(Tensor each) {
        return each.dim() <= 1 ? each : each.mean(-1, false);
    }

    /** The target reshaped to the prediction's shape when they hold the same values per sample ([N] vs [N, 1]). */
    private static Tensor sameShape(Tensor prediction, Tensor target) {
        if (java.util.Arrays.equals(prediction.shape(), target.shape())) return target;
        if (target.numel() == prediction.numel()) return target.reshape(prediction.shape());
        throw new IllegalArgumentException("loss: target shape " + Shape.format(target.shape())
                + " does not match the prediction's shape " + Shape.format(prediction.shape()));
    }

    private static long perSampleSize(int[] shape, int from) {
        long n = 1;
        for (int i = from + 1; i < shape.length; i++) n *= Math.max(shape[i], 1);
        return n;
    }

    private static IllegalArgumentException mismatch(KerasLoss loss, String layer, int[] outputShape, Tensor y, String why) {
        return new IllegalArgumentException("loss '" + loss.name() + "' does not fit: the output of layer '" + layer + "' is "
                + KerasTensor.format(outputShape) + " and y has shape " + Shape.format(y.shape()) + " (" + y.dtype() + "); "
                + why);
    }

    /** Fails naming the first label outside [0, classes). */
    private static void checkLabels(Tensor y, int classes, String layer) {
        if (y.numel() == 0) return;
        if (y.dtype().isFloatingPoint()) {
            Tensor frac = y.sub(y.floor()).abs().max();
            if (frac.item() != 0) {
                throw new IllegalArgumentException("loss 'sparse_categorical_crossentropy': y must hold integer class labels, "
                        + "found a fractional value");
            }
        }
        long[] range = dev.kona.ops.Reductions.minMaxLong(y.to(DType.INT64));
        long min = range[0], max = range[1];
        if (min >= 0 && max < classes) return;
        long[] labels = y.reshape(-1).to(DType.INT64).toLongArray();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("labels must be in [0, " + classes + ") for the " + classes
                        + " outputs of layer '" + layer + "', but y[" + i + "] = " + labels[i]);
            }
        }
    }
}
