package dev.kona.nn;

import dev.kona.Tensor;
import dev.kona.nn.Loss.Reduction;

/**
 * Kullback-Leibler divergence of log-probabilities {@code input} from {@code target}:
 * {@code t (log t - input)} per element ({@code exp(t) (t - input)} when {@code logTarget}).
 * {@link Reduction#BATCHMEAN} (sum over the batch size) gives the true KL divergence per sample;
 * {@link Reduction#MEAN}, PyTorch's default, averages over every element.
 *
 * <pre>{@code
 * var criterion = new KLDivLoss(Reduction.BATCHMEAN, false);
 * Tensor loss = criterion.apply(student.logSoftmax(1), teacher.softmax(1));   // 0-d
 * }</pre>
 */
public record KLDivLoss(Reduction reduction, boolean logTarget) implements Loss {
    public KLDivLoss {
        if (reduction == null) throw new IllegalArgumentException("KLDivLoss: reduction must not be null");
    }

    /** Averaged over elements, probabilities as target (PyTorch's defaults). */
    public KLDivLoss() {
        this(Reduction.MEAN, false);
    }

    public KLDivLoss(boolean logTarget) {
        this(Reduction.MEAN, logTarget);
    }

    @Override
    public Tensor apply(Tensor input, Tensor target) {
        return Losses.klDiv(input, target, reduction, logTarget);
    }
}
