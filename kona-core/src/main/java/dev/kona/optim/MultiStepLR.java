package dev.kona.optim;

import java.util.Map;
import java.util.TreeMap;

/**
 * Multiplies the learning rate by {@code gamma} at each milestone epoch (twice for a milestone
 * listed twice).
 *
 * <pre>{@code
 * var sched = new MultiStepLR(opt, new int[] {30, 80}, 0.1);   // base, base/10 from 30, base/100 from 80
 * }</pre>
 */
public final class MultiStepLR extends LRScheduler {
    private final Map<Integer, Integer> milestones = new TreeMap<>();
    private final double gamma;

    public MultiStepLR(Optimizer optimizer, int[] milestones, double gamma) {
        super("MultiStepLR", optimizer);
        if (!Double.isFinite(gamma)) throw new IllegalArgumentException("MultiStepLR: gamma must be finite, got " + gamma);
        for (int m : milestones) {
            if (m < 0) throw new IllegalArgumentException("MultiStepLR: milestones must be >= 0, got " + m);
            this.milestones.merge(m, 1, Integer::sum);
        }
        this.gamma = gamma;
        initialStep();
    }

    /** {@code gamma = 0.1}. */
    public MultiStepLR(Optimizer optimizer, int[] milestones) {
        this(optimizer, milestones, 0.1);
    }

    @Override
    protected double[] computeLr() {
        double[] lrs = currentLrs();
        Integer times = milestones.get(lastEpoch());
        if (times == null) return lrs;
        double factor = Math.pow(gamma, times);
        for (int i = 0; i < lrs.length; i++) lrs[i] *= factor;
        return lrs;
    }
}
