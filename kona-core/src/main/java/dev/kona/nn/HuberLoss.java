package dev.kona.nn;

import dev.kona.Tensor;
import dev.kona.nn.Loss.Reduction;

/**
 * {@code 0.5 d^2} where {@code |d| < delta}, else {@code delta (|d| - 0.5 delta)}, with
 * {@code d = input - target}: {@link SmoothL1Loss} times {@code delta}.
 *
 * <pre>{@code
 * Tensor loss = new HuberLoss(2.0).apply(prediction, target);   // 0-d
 * }</pre>
 */
public record HuberLoss(double delta, Reduction reduction) implements Loss {
    public HuberLoss {
        Losses.checkDelta(delta);
        Losses.checkReduction("HuberLoss", reduction);
    }

    /** {@code delta = 1}, averaged. */
    public HuberLoss() {
        this(1.0, Reduction.MEAN);
    }

    public HuberLoss(double delta) {
        this(delta, Reduction.MEAN);
    }

    @Override
    public Tensor apply(Tensor input, Tensor target) {
        return Losses.huberLoss(input, target, delta, reduction);
    }
}
