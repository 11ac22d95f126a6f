package dev.kona.optim;

/**
 * Multiplies the learning rate by {@code gamma} every {@code stepSize} epochs:
 * {@code lr = base * gamma^floor(epoch / stepSize)}.
 *
 * <pre>{@code
 * var sched = new StepLR(opt, 30, 0.1);   // base, then base/10 from epoch 30, base/100 from 60...
 * }</pre>
 */
public final class StepLR extends LRScheduler {
    private final int stepSize;
    private final double gamma;

    public StepLR(Optimizer optimizer, int stepSize, double gamma) {
        super("StepLR", optimizer);
        if (stepSize < 1) throw new IllegalArgumentException("StepLR: stepSize must be >= 1, got " + stepSize);
        if (!Double.isFinite(gamma)) throw new IllegalArgumentException("StepLR: gamma must be finite, got " + gamma);
        this.stepSize = stepSize;
        this.gamma = gamma;
        initialStep();
    }

    /** {@code gamma = 0.1}. */
    public StepLR(Optimizer optimizer, int stepSize) {
        this(optimizer, stepSize, 0.1);
    }

    @Override
    protected double[] computeLr() {
        double[] lrs = currentLrs();
        int epoch = lastEpoch();
        if (epoch == 0 || epoch % stepSize != 0) return lrs;
        for (int i = 0; i < lrs.length; i++) lrs[i] *= gamma;
        return lrs;
    }
}
