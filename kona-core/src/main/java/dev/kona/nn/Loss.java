package dev.kona.nn;

import dev.kona.Tensor;
import java.util.Locale;

/**
 * A training criterion: how far {@code input} (a model's output) is from {@code target}. Losses
 * are composed from Kona's differentiable ops, so {@code loss.backward()} reaches the model.
 *
 * <pre>{@code
 * Loss criterion = new CrossEntropyLoss().withLabelSmoothing(0.1);
 * Tensor loss = criterion.apply(logits, labels);   // logits [N, C] float, labels [N] int64 -> 0-d
 * loss.backward();
 * }</pre>
 *
 * <p>The math lives in {@link Losses}; the loss classes hold options. The two losses that compare
 * pairs of inputs ({@link CosineEmbeddingLoss}, {@link MarginRankingLoss}) take three tensors and
 * so do not implement this interface.
 */
@FunctionalInterface
public interface Loss {

    /** The loss of {@code input} against {@code target}: 0-d unless the reduction is {@link Reduction#NONE}. */
    Tensor apply(Tensor input, Tensor target);

    /** How per-element losses become the result, as PyTorch's {@code reduction} argument. */
    enum Reduction {
        /** Per-element losses, in the shape of the (per-sample) loss. */
        NONE,
        /** Their mean (a weighted mean for class-weighted cross-entropy and NLL, as PyTorch). */
        MEAN,
        /** Their sum. */
        SUM,
        /** The sum divided by the batch size (the first dimension): {@link KLDivLoss} only. */
        BATCHMEAN;

        /** Parses PyTorch's names: {@code "none"}, {@code "mean"}, {@code "sum"}, {@code "batchmean"}. */
        public static Reduction of(String name) {
            if (name != null) {
                for (Reduction r : values()) {
                    if (r.name().equalsIgnoreCase(name)) return r;
                }
            }
            throw new IllegalArgumentException("Reduction: unknown reduction '" + name
                    + "', expected one of none, mean, sum, batchmean");
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
