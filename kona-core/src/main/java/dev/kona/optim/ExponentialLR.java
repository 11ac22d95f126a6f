package dev.kona.optim;

/**
 * Multiplies the learning rate by {@code gamma} every epoch: {@code lr = base * gamma^epoch}.
 *
 * <pre>{@code
 * var sched = new ExponentialLR(opt, 0.95);
 * }</pre>
 */
public final class ExponentialLR extends LRScheduler {
    private final double gamma;

    public ExponentialLR(Optimizer optimizer, double gamma) {
        super("ExponentialLR", optimizer);
        if (!Double.isFinite(gamma)) throw new IllegalArgumentException("ExponentialLR: gamma must be finite, got " + gamma);
        this.gamma = gamma;
        initialStep();
    }

    @Override
    protected double[] computeLr() {
        double[] lrs = currentLrs();
        if (isInitial()) return lrs;
        for (int i = 0; i < lrs.length; i++) lrs[i] *= gamma;
        return lrs;
    }
}
