package dev.kona.nn;

import dev.kona.Tensor;
import dev.kona.nn.Loss.Reduction;

/**
 * Cross-entropy of unnormalised logits: a stable {@code logSoftmax} followed by the negative
 * log-likelihood. Targets are class indices (int64 or int32; {@code [N]} for input {@code [N, C]},
 * {@code [N, d1, ...]} for {@code [N, C, d1, ...]}, {@code []} for {@code [C]}) or class
 * probabilities (floating point, the input's shape).
 *
 * <pre>{@code
 * var criterion = new CrossEntropyLoss().withLabelSmoothing(0.1).withIgnoreIndex(0);
 * Tensor loss = criterion.apply(logits, labels);   // logits [N, C], labels [N] int64 -> 0-d
 * }</pre>
 *
 * @param weight         one rescaling weight per class, or null; with class indices the mean is
 *                       then the weighted mean (divided by the sum of the targets' weights)
 * @param ignoreIndex    class-index targets with this value contribute neither loss nor weight
 * @param labelSmoothing in [0, 1]: the target becomes {@code (1 - s) target + s / C}
 * @param reduction      how the per-sample losses are combined
 */
public record CrossEntropyLoss(Tensor weight, int ignoreIndex, double labelSmoothing, Reduction reduction) implements Loss {
    public CrossEntropyLoss {
        Losses.checkReduction("CrossEntropyLoss", reduction);
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("CrossEntropyLoss: labelSmoothing must be in [0, 1], got " + labelSmoothing);
        }
    }

    /** No weights, nothing ignored, no smoothing, averaged. */
    public CrossEntropyLoss() {
        this(null, Losses.DEFAULT_IGNORE_INDEX, 0, Reduction.MEAN);
    }

    public CrossEntropyLoss withWeight(Tensor weight) {
        return new CrossEntropyLoss(weight, ignoreIndex, labelSmoothing, reduction);
    }

    public CrossEntropyLoss withIgnoreIndex(int ignoreIndex) {
        return new CrossEntropyLoss(weight, ignoreIndex, labelSmoothing, reduction);
    }

    public CrossEntropyLoss withLabelSmoothing(double labelSmoothing) {
        return new CrossEntropyLoss(weight, ignoreIndex, labelSmoothing, reduction);
    }

    public CrossEntropyLoss withReduction(Reduction reduction) {
        return new CrossEntropyLoss(weight, ignoreIndex, labelSmoothing, reduction);
    }

    @Override
    public Tensor apply(Tensor input, Tensor target) {
        return Losses.crossEntropy(input, target, weight, ignoreIndex, labelSmoothing, reduction);
    }
}
