package dev.kona.nn;

import dev.kona.Tensor;
import dev.kona.nn.Loss.Reduction;

/**
 * Sigmoid and binary cross-entropy in one stable expression: logits like ±1000 give finite losses
 * and gradients. {@code posWeight} (one value per class, broadcast along the last dimension)
 * weighs positive targets, trading recall for precision.
 *
 * <pre>{@code
 * var criterion = new BCEWithLogitsLoss(Tensor.of(3f, 1f));       // positives of class 0 count 3x
 * Tensor loss = criterion.apply(logits, labels);                   // logits, labels [N, 2]; 0-d
 * }</pre>
 *
 * @param weight    per-element rescaling that broadcasts to the input's shape, or null
 * @param posWeight weight of positive examples, broadcast to the input's shape, or null
 * @param reduction how the per-element losses are combined
 */
public record BCEWithLogitsLoss(Tensor weight, Tensor posWeight, Reduction reduction) implements Loss {
    public BCEWithLogitsLoss {
        Losses.checkReduction("BCEWithLogitsLoss", reduction);
    }

    /** No weights, averaged. */
    public BCEWithLogitsLoss() {
        this(null, null, Reduction.MEAN);
    }

    public BCEWithLogitsLoss(Tensor posWeight) {
        this(null, posWeight, Reduction.MEAN);
    }

    public BCEWithLogitsLoss(Reduction reduction) {
        this(null, null, reduction);
    }

    @Override
    public Tensor apply(Tensor input, Tensor target) {
        return Losses.binaryCrossEntropyWithLogits(input, target, weight, posWeight, reduction);
    }
}
