package dev.kona.optim;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lowers the learning rate when a metric stops improving, as PyTorch's {@code ReduceLROnPlateau}:
 * after more than {@code patience} epochs without improvement, every group's rate is multiplied by
 * {@code factor} (not below {@code minLr}, and only when it changes by more than {@code eps}), then
 * {@code cooldown} epochs pass before bad epochs count again. Improvement means beating the best
 * value by {@code threshold}, relative ({@code best * (1 -+ threshold)}) or absolute.
 *
 * <pre>{@code
 * var sched = new ReduceLROnPlateau(opt, ReduceLROnPlateau.options().patience(5).factor(0.5));
 * for (int epoch = 0; epoch < epochs; epoch++) {
 *     train(opt);
 *     sched.step(validationLoss());
 * }
 * }</pre>
 */
public final class ReduceLROnPlateau {

    /** Whether the metric should go down (a loss) or up (an accuracy). */
    public enum Mode { MIN, MAX }

    /** Whether {@code threshold} is relative to the best value or absolute. */
    public enum ThresholdMode { REL, ABS }

    /** The policy; the defaults are PyTorch's. */
    public record Options(Mode mode, double factor, int patience, double threshold, ThresholdMode thresholdMode,
                          int cooldown, double minLr, double eps) {
        public static final Options DEFAULTS = new Options(Mode.MIN, 0.1, 10, 1e-4, ThresholdMode.REL, 0, 0, 1e-8);

        public Options mode(Mode v) { return new Options(v, factor, patience, threshold, thresholdMode, cooldown, minLr, eps); }
        /** The multiplier of a reduction, in [0, 1). */
        public Options factor(double v) { return new Options(mode, v, patience, threshold, thresholdMode, cooldown, minLr, eps); }
        /** Epochs without improvement tolerated before a reduction. */
        public Options patience(int v) { return new Options(mode, factor, v, threshold, thresholdMode, cooldown, minLr, eps); }
        public Options threshold(double v) { return new Options(mode, factor, patience, v, thresholdMode, cooldown, minLr, eps); }
        public Options thresholdMode(ThresholdMode v) { return new Options(mode, factor, patience, threshold, v, cooldown, minLr, eps); }
        /** Epochs after a reduction during which bad epochs are not counted. */
        public Options cooldown(int v) { return new Options(mode, factor, patience, threshold, thresholdMode, v, minLr, eps); }
        /** The lowest learning rate of every group. */
        public Options minLr(double v) { return new Options(mode, factor, patience, threshold, thresholdMode, cooldown, v, eps); }
        /** Reductions smaller than this are skipped. */
        public Options eps(double v) { return new Options(mode, factor, patience, threshold, thresholdMode, cooldown, minLr, v); }
    }

    public static Options options() {
        return Options.DEFAULTS;
    }

    private final Optimizer optimizer;
    private final Options options;
    private final double[] minLrs;
    private double best;
    private int numBadEpochs;
    private int cooldownCounter;
    private int lastEpoch;
    private double[] lastLr;

    public ReduceLROnPlateau(Optimizer optimizer) {
        this(optimizer, Options.DEFAULTS);
    }

    public ReduceLROnPlateau(Optimizer optimizer, Options options) {
        this(optimizer, options, filled(optimizer.paramGroups().size(), options.minLr()));
    }

    /** With one minimum learning rate per parameter group (the options' minLr is then unused). */
    public ReduceLROnPlateau(Optimizer optimizer, Options options, double[] minLrs) {
        String n = "ReduceLROnPlateau: ";
        if (options.mode() == null || options.thresholdMode() == null) {
            throw new IllegalArgumentException(n + "mode and thresholdMode must not be null");
        }
        if (!(options.factor() >= 0 && options.factor() < 1)) {
            throw new IllegalArgumentException(n + "factor must be in [0, 1), got " + options.factor());
        }
        if (options.patience() < 0) throw new IllegalArgumentException(n + "patience must be >= 0, got " + options.patience());
        if (options.cooldown() < 0) throw new IllegalArgumentException(n + "cooldown must be >= 0, got " + options.cooldown());
        if (!(options.threshold() >= 0)) throw new IllegalArgumentException(n + "threshold must be >= 0, got " + options.threshold());
        if (!(options.eps() >= 0)) throw new IllegalArgumentException(n + "eps must be >= 0, got " + options.eps());
        if (minLrs.length != optimizer.paramGroups().size()) {
            throw new IllegalArgumentException(n + "expected " + optimizer.paramGroups().size()
                    + " minimum learning rates (one per parameter group), got " + minLrs.length);
        }
        for (double m : minLrs) if (!(m >= 0)) throw new IllegalArgumentException(n + "minLr must be >= 0, got " + m);
        this.optimizer = optimizer;
        this.options = options;
        this.minLrs = minLrs.clone();
        this.best = worst();
        this.lastLr = currentLrs();
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[n];
        Arrays.fill(a, v);
        return a;
    }

    private double worst() {
        return options.mode() == Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    private double[] currentLrs() {
        List<ParamGroup> groups = optimizer.paramGroups();
        double[] lrs = new double[groups.size()];
        for (int i = 0; i < lrs.length; i++) lrs[i] = groups.get(i).lr();
        return lrs;
    }

    private boolean isBetter(double a) {
        double t = options.threshold();
        return switch (options.mode()) {
            case MIN -> options.thresholdMode() == ThresholdMode.REL ? a < best * (1.0 - t) : a < best - t;
            case MAX -> options.thresholdMode() == ThresholdMode.REL ? a > best * (t + 1.0) : a > best + t;
        };
    }

    /** Records one epoch's metric and reduces the learning rates when it has plateaued. */
    public void step(double metric) {
        lastEpoch++;
        if (isBetter(metric)) {
            best = metric;
            numBadEpochs = 0;
        } else {
            numBadEpochs++;
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            numBadEpochs = 0;
        }
        if (numBadEpochs > options.patience()) {
            reduce();
            cooldownCounter = options.cooldown();
            numBadEpochs = 0;
        }
        lastLr = currentLrs();
    }

    private void reduce() {
        List<ParamGroup> groups = optimizer.paramGroups();
        if (groups.size() != minLrs.length) {
            throw new IllegalStateException("ReduceLROnPlateau: the optimizer has " + groups.size()
                    + " parameter groups, the scheduler was created for " + minLrs.length);
        }
        for (int i = 0; i < groups.size(); i++) {
            double old = groups.get(i).lr();
            double lr = Math.max(old * options.factor(), minLrs[i]);
            if (old - lr > options.eps()) groups.get(i).setLr(lr);
        }
    }

    /** The learning rates after the last step (or at creation), one per group. */
    public double[] getLastLr() {
        return lastLr.clone();
    }

    /** The best metric seen so far. */
    public double best() {
        return best;
    }

    /** Epochs since the last improvement (reset by a reduction and during cooldown). */
    public int numBadEpochs() {
        return numBadEpochs;
    }

    /** The progress: {@code lastEpoch}, {@code best}, {@code numBadEpochs}, {@code cooldownCounter}, {@code lastLr}. */
    public Map<String, Object> stateDict() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lastEpoch", lastEpoch);
        m.put("best", best);
        m.put("numBadEpochs", numBadEpochs);
        m.put("cooldownCounter", cooldownCounter);
        m.put("lastLr", lastLr.clone());
        return m;
    }

    /** Restores what {@link #stateDict()} saved. */
    public void loadStateDict(Map<String, Object> state) {
        if (!(state.get("lastEpoch") instanceof Integer epoch) || !(state.get("best") instanceof Double b)
                || !(state.get("numBadEpochs") instanceof Integer bad) || !(state.get("cooldownCounter") instanceof Integer cool)
                || !(state.get("lastLr") instanceof double[] last)) {
            throw new IllegalArgumentException("ReduceLROnPlateau: the loaded state needs lastEpoch, best, numBadEpochs, "
                    + "cooldownCounter and lastLr; got keys " + state.keySet());
        }
        if (last.length != minLrs.length) {
            throw new IllegalArgumentException("ReduceLROnPlateau: the loaded state has " + last.length
                    + " learning rates, the scheduler has " + minLrs.length + " parameter groups");
        }
        lastEpoch = epoch;
        best = b;
        numBadEpochs = bad;
        cooldownCounter = cool;
        lastLr = last.clone();
    }
}
