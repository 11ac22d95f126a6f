package dev.kona.nn;

import dev.kona.Tensor;
import dev.kona.nn.Loss.Reduction;

/**
 * Negative log-likelihood of log-probabilities (e.g. a {@code logSoftmax} output) at class
 * indices: input {@code [N, C]} (or {@code [N, C, d1, ...]}, or {@code [C]}), target int64/int32
 * {@code [N]} (or {@code [N, d1, ...]}, or {@code []}).
 *
 * <pre>{@code
 * Tensor loss = new NLLLoss().apply(logits.logSoftmax(1), labels);   // 0-d
 * }</pre>
 *
 * @param weight      one rescaling weight per class, or null; the mean is then the weighted mean
 * @param ignoreIndex targets with this value contribute neither loss nor weight
 * @param reduction   how the per-sample losses are combined
 */
public record NLLLoss(Tensor weight, int ignoreIndex, Reduction reduction) implements Loss {
    public NLLLoss {
        Losses.checkReduction("NLLLoss", reduction);
    }

    /** No weights, nothing ignored, averaged. */
    public NLLLoss() {
        this(null, Losses.DEFAULT_IGNORE_INDEX, Reduction.MEAN);
    }

    public NLLLoss withWeight(Tensor weight) {
        return new NLLLoss(weight, ignoreIndex, reduction);
    }

    public NLLLoss withIgnoreIndex(int ignoreIndex) {
        return new NLLLoss(weight, ignoreIndex, reduction);
    }

    public NLLLoss withReduction(Reduction reduction) {
        return new NLLLoss(weight, ignoreIndex, reduction);
    }

    @Override
    public Tensor apply(Tensor input, Tensor target) {
        return Losses.nllLoss(input, target, weight, ignoreIndex, reduction);
    }
}
