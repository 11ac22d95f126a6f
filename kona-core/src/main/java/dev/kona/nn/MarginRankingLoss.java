package dev.kona.nn;

import dev.kona.Tensor;
import dev.kona.nn.Loss.Reduction;

/**
 * Ranking of two scores: {@code max(0, -y (x1 - x2) + margin)}, where {@code y = 1} means
 * {@code x1} should score higher and {@code y = -1} lower. All three tensors share one shape.
 * Takes three tensors, so it is not a {@link Loss}.
 *
 * <pre>{@code
 * Tensor loss = new MarginRankingLoss(0.1).apply(scoreA, scoreB, Tensor.of(1f, -1f));   // 0-d
 * }</pre>
 */
public record MarginRankingLoss(double margin, Reduction reduction) {
    public MarginRankingLoss {
        Losses.checkMargin("MarginRankingLoss", margin);
        Losses.checkReduction("MarginRankingLoss", reduction);
    }

    /** Margin 0, averaged. */
    public MarginRankingLoss() {
        this(0, Reduction.MEAN);
    }

    public MarginRankingLoss(double margin) {
        this(margin, Reduction.MEAN);
    }

    public Tensor apply(Tensor x1, Tensor x2, Tensor y) {
        return Losses.marginRankingLoss(x1, x2, y, margin, reduction);
    }
}
