package dev.kona.optim;

/**
 * Scales the learning rate linearly from {@code startFactor * base} to {@code endFactor * base}
 * over {@code totalIters} epochs, then keeps it: the usual warm-up. Uses PyTorch's recursive form,
 * so it composes with another scheduler's changes the way PyTorch's does.
 *
 * <pre>{@code
 * var warmup = new LinearLR(opt, 0.01, 1.0, 500);   // from lr/100 to lr over 500 steps
 * }</pre>
 */
public final class LinearLR extends LRScheduler {
    private final double startFactor;
    private final double endFactor;
    private final int totalIters;

    public LinearLR(Optimizer optimizer, double startFactor, double endFactor, int totalIters) {
        super("LinearLR", optimizer);
        if (!(startFactor > 0 && startFactor <= 1)) {
            throw new IllegalArgumentException("LinearLR: startFactor must be in (0, 1], got " + startFactor);
        }
        if (!(endFactor >= 0 && endFactor <= 1)) {
            throw new IllegalArgumentException("LinearLR: endFactor must be in [0, 1], got " + endFactor);
        }
        if (totalIters < 0) throw new IllegalArgumentException("LinearLR: totalIters must be >= 0, got " + totalIters);
        this.startFactor = startFactor;
        this.endFactor = endFactor;
        this.totalIters = totalIters;
        initialStep();
    }

    /** PyTorch's defaults: from a third of the base rate to the base rate over 5 epochs. */
    public LinearLR(Optimizer optimizer) {
        this(optimizer, 1.0 / 3, 1.0, 5);
    }

    @Override
    protected double[] computeLr() {
        double[] lrs = currentLrs();
        int epoch = lastEpoch();
        if (epoch == 0) {
            for (int i = 0; i < lrs.length; i++) lrs[i] *= startFactor;
            return lrs;
        }
        if (isInitial() || epoch > totalIters) return lrs;
        double factor = 1.0 + (endFactor - startFactor)
                / (totalIters * startFactor + (epoch - 1) * (endFactor - startFactor));
        for (int i = 0; i < lrs.length; i++) lrs[i] *= factor;
        return lrs;
    }
}
