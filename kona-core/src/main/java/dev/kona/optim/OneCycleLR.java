package dev.kona.optim;

import java.util.Arrays;
import java.util.List;

/**
 * The 1cycle policy (Smith and Topor, 2017), as PyTorch's {@code OneCycleLR}: the learning rate
 * rises from {@code maxLr / divFactor} to {@code maxLr} over the first {@code pctStart} of the
 * steps, then falls to {@code maxLr / (divFactor * finalDivFactor)}; with {@code threePhase} it
 * first comes back down symmetrically and then falls. The momentum (or Adam's beta1) cycles the
 * other way between {@code maxMomentum} and {@code baseMomentum}. Step it after every batch; it
 * allows {@code totalSteps} steps.
 *
 * <pre>{@code
 * var sched = new OneCycleLR(opt, 0.1, epochs * batchesPerEpoch,
 *         OneCycleLR.options().pctStart(0.25).annealStrategy(OneCycleLR.Anneal.LINEAR));
 * }</pre>
 */
public final class OneCycleLR extends LRScheduler {

    /** How a phase moves from its start value to its end value. */
    public enum Anneal { COS, LINEAR }

    /** The shape of the cycle; the defaults are PyTorch's. */
    public record Options(double pctStart, Anneal annealStrategy, boolean cycleMomentum, double baseMomentum,
                          double maxMomentum, double divFactor, double finalDivFactor, boolean threePhase) {
        public static final Options DEFAULTS = new Options(0.3, Anneal.COS, true, 0.85, 0.95, 25, 1e4, false);

        /** The fraction of the steps spent raising the learning rate. */
        public Options pctStart(double v) { return new Options(v, annealStrategy, cycleMomentum, baseMomentum, maxMomentum, divFactor, finalDivFactor, threePhase); }
        public Options annealStrategy(Anneal v) { return new Options(pctStart, v, cycleMomentum, baseMomentum, maxMomentum, divFactor, finalDivFactor, threePhase); }
        public Options cycleMomentum(boolean v) { return new Options(pctStart, annealStrategy, v, baseMomentum, maxMomentum, divFactor, finalDivFactor, threePhase); }
        public Options baseMomentum(double v) { return new Options(pctStart, annealStrategy, cycleMomentum, v, maxMomentum, divFactor, finalDivFactor, threePhase); }
        public Options maxMomentum(double v) { return new Options(pctStart, annealStrategy, cycleMomentum, baseMomentum, v, divFactor, finalDivFactor, threePhase); }
        /** The starting learning rate is {@code maxLr / divFactor}. */
        public Options divFactor(double v) { return new Options(pctStart, annealStrategy, cycleMomentum, baseMomentum, maxMomentum, v, finalDivFactor, threePhase); }
        /** The final learning rate is the starting one divided by {@code finalDivFactor}. */
        public Options finalDivFactor(double v) { return new Options(pctStart, annealStrategy, cycleMomentum, baseMomentum, maxMomentum, divFactor, v, threePhase); }
        public Options threePhase(boolean v) { return new Options(pctStart, annealStrategy, cycleMomentum, baseMomentum, maxMomentum, divFactor, finalDivFactor, v); }
    }

    public static Options options() {
        return Options.DEFAULTS;
    }

    private enum Level { INITIAL, MAX, MIN, MAX_MOMENTUM, BASE_MOMENTUM }

    private record Phase(double endStep, Level startLr, Level endLr, Level startMomentum, Level endMomentum) {}

    private final int totalSteps;
    private final Options options;
    private final double[] maxLrs;
    private final List<Phase> phases;
    /** The hyper-parameter that cycles: "beta1" for Adam-like optimizers, "momentum" otherwise, or null. */
    private final String momentumKey;

    public OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps) {
        this(optimizer, maxLr, totalSteps, Options.DEFAULTS);
    }

    public OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps, Options options) {
        this(optimizer, filled(optimizer, maxLr), totalSteps, options);
    }

    /** One maximum learning rate per parameter group. */
    public OneCycleLR(Optimizer optimizer, double[] maxLrs, int totalSteps, Options options) {
        super("OneCycleLR", optimizer, initialLrs(optimizer, maxLrs, totalSteps, options));
        this.totalSteps = totalSteps;
        this.options = options;
        this.maxLrs = maxLrs.clone();
        double rise = options.pctStart() * totalSteps;
        phases = options.threePhase()
                ? List.of(new Phase(rise - 1, Level.INITIAL, Level.MAX, Level.MAX_MOMENTUM, Level.BASE_MOMENTUM),
                        new Phase(2 * options.pctStart() * totalSteps - 2, Level.MAX, Level.INITIAL, Level.BASE_MOMENTUM, Level.MAX_MOMENTUM),
                        new Phase(totalSteps - 1, Level.INITIAL, Level.MIN, Level.MAX_MOMENTUM, Level.MAX_MOMENTUM))
                : List.of(new Phase(rise - 1, Level.INITIAL, Level.MAX, Level.MAX_MOMENTUM, Level.BASE_MOMENTUM),
                        new Phase(totalSteps - 1, Level.MAX, Level.MIN, Level.BASE_MOMENTUM, Level.MAX_MOMENTUM));
        if (options.cycleMomentum()) {
            momentumKey = momentumKey(optimizer);
            for (ParamGroup g : optimizer.paramGroups()) g.set(momentumKey, options.maxMomentum());
        } else {
            momentumKey = null;
        }
        initialStep();
    }

    private static String momentumKey(Optimizer optimizer) {
        var defaults = optimizer.defaults();
        return defaults.containsKey("beta1") ? "beta1" : defaults.containsKey("momentum") ? "momentum" : null;
    }

    private static double[] filled(Optimizer optimizer, double maxLr) {
        double[] a = new double[optimizer.paramGroups().size()];
        Arrays.fill(a, maxLr);
        return a;
    }

    /** Validates the arguments (before the base class changes the groups) and gives the starting rates. */
    private static double[] initialLrs(Optimizer optimizer, double[] maxLrs, int totalSteps, Options o) {
        if (totalSteps <= 0) throw new IllegalArgumentException("OneCycleLR: totalSteps must be > 0, got " + totalSteps);
        if (!(o.pctStart() >= 0 && o.pctStart() <= 1)) {
            throw new IllegalArgumentException("OneCycleLR: pctStart must be in [0, 1], got " + o.pctStart());
        }
        if (o.annealStrategy() == null) throw new IllegalArgumentException("OneCycleLR: annealStrategy must not be null");
        if (!(o.divFactor() > 0)) throw new IllegalArgumentException("OneCycleLR: divFactor must be > 0, got " + o.divFactor());
        if (!(o.finalDivFactor() > 0)) {
            throw new IllegalArgumentException("OneCycleLR: finalDivFactor must be > 0, got " + o.finalDivFactor());
        }
        if (o.cycleMomentum() && momentumKey(optimizer) == null) {
            throw new IllegalArgumentException("OneCycleLR: cycleMomentum needs an optimizer with a momentum or beta1 "
                    + "hyper-parameter, " + optimizer.name() + " has neither; use options().cycleMomentum(false)");
        }
        int groups = optimizer.paramGroups().size();
        if (maxLrs.length != groups) {
            throw new IllegalArgumentException("OneCycleLR: expected " + groups + " maximum learning rates (one per parameter "
                    + "group), got " + maxLrs.length);
        }
        double[] initial = new double[groups];
        for (int i = 0; i < groups; i++) {
            if (!(maxLrs[i] >= 0)) throw new IllegalArgumentException("OneCycleLR: maxLr must be >= 0, got " + maxLrs[i]);
            initial[i] = maxLrs[i] / o.divFactor();
        }
        return initial;
    }

    private double level(Level l, int group) {
        double initial = maxLrs[group] / options.divFactor();
        return switch (l) {
            case INITIAL -> initial;
            case MAX -> maxLrs[group];
            case MIN -> initial / options.finalDivFactor();
            case MAX_MOMENTUM -> options.maxMomentum();
            case BASE_MOMENTUM -> options.baseMomentum();
        };
    }

    private double anneal(double start, double end, double pct) {
        return switch (options.annealStrategy()) {
            case COS -> end + (start - end) / 2.0 * (Math.cos(Math.PI * pct) + 1);
            case LINEAR -> (end - start) * pct + start;
        };
    }

    @Override
    protected double[] computeLr() {
        int stepNum = lastEpoch();
        if (stepNum > totalSteps) {
            throw new IllegalStateException("OneCycleLR: tried to step " + stepNum + " times; the schedule has "
                    + totalSteps + " steps");
        }
        List<ParamGroup> groups = optimizer.paramGroups();
        double[] lrs = new double[maxLrs.length];
        for (int i = 0; i < lrs.length; i++) {
            double start = 0;
            for (int k = 0; k < phases.size(); k++) {
                Phase phase = phases.get(k);
                if (stepNum <= phase.endStep() || k == phases.size() - 1) {
                    double pct = (stepNum - start) / (phase.endStep() - start);
                    lrs[i] = anneal(level(phase.startLr(), i), level(phase.endLr(), i), pct);
                    if (momentumKey != null) {
                        groups.get(i).set(momentumKey, anneal(level(phase.startMomentum(), i), level(phase.endMomentum(), i), pct));
                    }
                    break;
                }
                start = phase.endStep();
            }
        }
        return lrs;
    }
}
