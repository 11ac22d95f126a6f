package dev.kona.optim;

/**
 * Cosine annealing from the base learning rate to {@code etaMin} over {@code tMax} epochs
 * (SGDR without restarts, Loshchilov and Hutter, 2017), in closed form:
 * {@code lr = etaMin + (base - etaMin) * (1 + cos(pi * epoch / tMax)) / 2}. Past {@code tMax} the
 * rate rises again along the same cosine, as PyTorch's recursive form does; the closed form gives
 * PyTorch's values without accumulating rounding.
 *
 * <pre>{@code
 * var sched = new CosineAnnealingLR(opt, 100, 1e-5);
 * }</pre>
 */
public final class CosineAnnealingLR extends LRScheduler {
    private final int tMax;
    private final double etaMin;

    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin) {
        super("CosineAnnealingLR", optimizer);
        if (tMax < 1) throw new IllegalArgumentException("CosineAnnealingLR: tMax must be >= 1, got " + tMax);
        if (!Double.isFinite(etaMin)) throw new IllegalArgumentException("CosineAnnealingLR: etaMin must be finite, got " + etaMin);
        this.tMax = tMax;
        this.etaMin = etaMin;
        initialStep();
    }

    /** Anneals to 0. */
    public CosineAnnealingLR(Optimizer optimizer, int tMax) {
        this(optimizer, tMax, 0);
    }

    @Override
    protected double[] computeLr() {
        if (isInitial()) return currentLrs();
        double[] base = baseLrs();
        double[] lrs = new double[base.length];
        double cos = Math.cos(Math.PI * lastEpoch() / tMax);
        for (int i = 0; i < lrs.length; i++) lrs[i] = etaMin + (base[i] - etaMin) * (1 + cos) / 2;
        return lrs;
    }
}
