package dev.kona.nn;

import dev.kona.Tensor;
import dev.kona.nn.Loss.Reduction;

/**
 * Mean squared error, {@code (input - target)^2} reduced; input and target of one shape.
 *
 * <pre>{@code
 * Tensor loss = new MSELoss().apply(prediction, target);           // 0-d
 * Tensor each = new MSELoss(Reduction.NONE).apply(prediction, target); // prediction's shape
 * }</pre>
 */
public record MSELoss(Reduction reduction) implements Loss {
    public MSELoss {
        Losses.checkReduction("MSELoss", reduction);
    }

    /** Averaged over all elements. */
    public MSELoss() {
        this(Reduction.MEAN);
    }

    @Override
    public Tensor apply(Tensor input, Tensor target) {
        return Losses.mseLoss(input, target, reduction);
    }
}
