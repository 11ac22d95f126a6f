package dev.kona.nn;

import dev.kona.Tensor;
import dev.kona.nn.Loss.Reduction;

/**
 * Whether pairs are similar ({@code y = 1}: loss {@code 1 - cos}) or not ({@code y = -1}: loss
 * {@code max(0, cos - margin)}), for rows of {@code x1, x2 [N, D]} (or vectors {@code [D]}) and
 * {@code y [N]} (or {@code []}). Takes three tensors, so it is not a {@link Loss}.
 *
 * <pre>{@code
 * Tensor loss = new CosineEmbeddingLoss(0.2).apply(a, b, Tensor.of(1f, -1f, 1f));   // a, b [3, D]; 0-d
 * }</pre>
 *
 * @param margin    in [-1, 1] in practice; 0 to 0.5 is typical
 * @param reduction how the per-pair losses are combined
 */
public record CosineEmbeddingLoss(double margin, Reduction reduction) {
    public CosineEmbeddingLoss {
        Losses.checkMargin("CosineEmbeddingLoss", margin);
        Losses.checkReduction("CosineEmbeddingLoss", reduction);
    }

    /** Margin 0, averaged. */
    public CosineEmbeddingLoss() {
        this(0, Reduction.MEAN);
    }

    public CosineEmbeddingLoss(double margin) {
        this(margin, Reduction.MEAN);
    }

    public Tensor apply(Tensor x1, Tensor x2, Tensor y) {
        return Losses.cosineEmbeddingLoss(x1, x2, y, margin, reduction);
    }
}
