package dev.kona.nn;

import dev.kona.Tensor;
import dev.kona.nn.Loss.Reduction;

/**
 * Quadratic below {@code beta}, linear above: {@code 0.5 d^2 / beta} where {@code |d| < beta}, else
 * {@code |d| - 0.5 beta}, with {@code d = input - target}. {@code beta = 0} is the L1 loss.
 *
 * <pre>{@code
 * Tensor loss = new SmoothL1Loss(0.5).apply(boxes, targetBoxes);   // 0-d
 * }</pre>
 */
public record SmoothL1Loss(double beta, Reduction reduction) implements Loss {
    public SmoothL1Loss {
        Losses.checkBeta(beta);
        Losses.checkReduction("SmoothL1Loss", reduction);
    }

    /** {@code beta = 1}, averaged. */
    public SmoothL1Loss() {
        this(1.0, Reduction.MEAN);
    }

    public SmoothL1Loss(double beta) {
        this(beta, Reduction.MEAN);
    }

    @Override
    public Tensor apply(Tensor input, Tensor target) {
        return Losses.smoothL1Loss(input, target, beta, reduction);
    }
}
