package dev.kona.nn;

import dev.kona.Tensor;
import dev.kona.nn.Loss.Reduction;

/**
 * Binary cross-entropy of probabilities: {@code -w (t log(x) + (1 - t) log(1 - x))}, each log
 * clamped to {@code >= -100} as PyTorch does. Input values must lie in [0, 1]; for logits prefer
 * {@link BCEWithLogitsLoss}, which is stable.
 *
 * <pre>{@code
 * Tensor loss = new BCELoss().apply(logits.sigmoid(), labels);   // labels float in [0, 1]; 0-d
 * }</pre>
 *
 * @param weight    per-element rescaling that broadcasts to the input's shape, or null
 * @param reduction how the per-element losses are combined
 */
public record BCELoss(Tensor weight, Reduction reduction) implements Loss {
    public BCELoss {
        Losses.checkReduction("BCELoss", reduction);
    }

    /** No weight, averaged. */
    public BCELoss() {
        this(null, Reduction.MEAN);
    }

    public BCELoss(Reduction reduction) {
        this(null, reduction);
    }

    @Override
    public Tensor apply(Tensor input, Tensor target) {
        return Losses.binaryCrossEntropy(input, target, weight, reduction);
    }
}
