package dev.kona.nn;

import dev.kona.Tensor;
import dev.kona.nn.Loss.Reduction;

/**
 * Mean absolute error, {@code |input - target|} reduced; input and target of one shape.
 *
 * <pre>{@code
 * Tensor loss = new L1Loss().apply(prediction, target);   // 0-d
 * }</pre>
 */
public record L1Loss(Reduction reduction) implements Loss {
    public L1Loss {
        Losses.checkReduction("L1Loss", reduction);
    }

    /** Averaged over all elements. */
    public L1Loss() {
        this(Reduction.MEAN);
    }

    @Override
    public Tensor apply(Tensor input, Tensor target) {
        return Losses.l1Loss(input, target, reduction);
    }
}
