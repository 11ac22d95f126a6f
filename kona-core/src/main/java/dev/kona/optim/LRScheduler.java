package dev.kona.optim;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Changes the learning rate of every parameter group of an optimizer as training goes on, as
 * PyTorch's {@code torch.optim.lr_scheduler.LRScheduler}. Creating a scheduler applies its value for
 * epoch 0; each {@link #step()} (called after the optimizer's step) moves to the next epoch. The
 * values equal PyTorch's, including its recursive ("chainable") formulas where it uses them.
 *
 * <pre>{@code
 * var opt = new SGD(params, SGD.options().lr(0.1).momentum(0.9));
 * var sched = new StepLR(opt, 30, 0.1);       // lr 0.1 for epochs 0-29, 0.01 for 30-59, ...
 * for (int epoch = 0; epoch < 90; epoch++) {
 *     train(opt);
 *     sched.step();
 * }
 * }</pre>
 *
 * <p>The first scheduler attached to a group records the group's learning rate as its
 * {@link ParamGroup#initialLr()}; every scheduler's base learning rate is that value, so two
 * schedulers on one optimizer share a base. A subclass computes the next values in
 * {@link #computeLr()} and calls {@link #initialStep()} at the end of its constructor, once its own
 * fields are set.
 */
public abstract class LRScheduler {
    protected final Optimizer optimizer;
    private final String name;
    private double[] baseLrs;
    private double[] lastLr;
    private int lastEpoch = -1;
    private int stepCount;
    private boolean initial;

    /** A scheduler whose base learning rates are the groups' initial ones (recorded now if unset). */
    protected LRScheduler(String name, Optimizer optimizer) {
        this(name, optimizer, null);
    }

    /**
     * @param initialLrs when not null, overwrites every group's initial learning rate (as OneCycleLR,
     *                   whose schedule starts at {@code maxLr / divFactor})
     */
    protected LRScheduler(String name, Optimizer optimizer, double[] initialLrs) {
        this.name = name;
        this.optimizer = optimizer;
        List<ParamGroup> groups = optimizer.paramGroups();
        baseLrs = new double[groups.size()];
        for (int i = 0; i < groups.size(); i++) {
            ParamGroup g = groups.get(i);
            if (initialLrs != null) g.setInitialLr(initialLrs[i]);
            else if (Double.isNaN(g.initialLr())) g.setInitialLr(g.lr());
            baseLrs[i] = g.initialLr();
        }
        lastLr = currentLrs();
    }

    /** Applies the epoch-0 values; every subclass constructor ends with it. */
    protected final void initialStep() {
        stepCount = 0;
        initial = true;
        try {
            step();
        } finally {
            initial = false;
        }
    }

    /** The learning rates for {@link #lastEpoch()}, one per group. */
    protected abstract double[] computeLr();

    /** Moves to the next epoch and sets every group's learning rate. */
    public void step() {
        stepCount++;
        lastEpoch++;
        double[] values = computeLr();
        List<ParamGroup> groups = optimizer.paramGroups();
        if (values.length != groups.size()) {
            throw new IllegalStateException(name + ": the optimizer has " + groups.size() + " parameter groups, the scheduler was "
                    + "created for " + values.length + "; create the scheduler after adding groups");
        }
        for (int i = 0; i < values.length; i++) groups.get(i).setLr(values[i]);
        lastLr = currentLrs();
    }

    /** The learning rates the last step set, one per group. */
    public final double[] getLastLr() {
        return lastLr.clone();
    }

    /** The current epoch: 0 after creation, incremented by each step. */
    public final int lastEpoch() {
        return lastEpoch;
    }

    /** The groups' base learning rates (their initial ones). */
    protected final double[] baseLrs() {
        return baseLrs;
    }

    /** The groups' learning rates as they are now. */
    protected final double[] currentLrs() {
        List<ParamGroup> groups = optimizer.paramGroups();
        double[] lrs = new double[groups.size()];
        for (int i = 0; i < lrs.length; i++) lrs[i] = groups.get(i).lr();
        return lrs;
    }

    /** True while the constructor applies the epoch-0 values. */
    protected final boolean isInitial() {
        return initial;
    }

    /** The number of steps taken, the one in the constructor included. */
    protected final int stepCount() {
        return stepCount;
    }

    /**
     * The scheduler's progress: {@code lastEpoch}, {@code stepCount}, {@code baseLrs},
     * {@code lastLr} (arrays copied) and what the subclass adds. The optimizer's learning rates are
     * in the optimizer's own state dict.
     */
    public final Map<String, Object> stateDict() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lastEpoch", lastEpoch);
        m.put("stepCount", stepCount);
        m.put("baseLrs", baseLrs.clone());
        m.put("lastLr", lastLr.clone());
        saveState(m);
        return m;
    }

    /** Restores what {@link #stateDict()} saved, from a scheduler of the same kind and number of groups. */
    public final void loadStateDict(Map<String, Object> state) {
        double[] base = doubles(state, "baseLrs"), last = doubles(state, "lastLr");
        int groups = optimizer.paramGroups().size();
        if (base.length != groups || last.length != groups) {
            throw new IllegalArgumentException(name + ": the loaded state has " + base.length + " base learning rates and "
                    + last.length + " last ones, the optimizer has " + groups + " parameter groups");
        }
        int epoch = integer(state, "lastEpoch"), count = integer(state, "stepCount");
        loadState(state);
        baseLrs = base.clone();
        lastLr = last.clone();
        lastEpoch = epoch;
        stepCount = count;
    }

    /** Adds subclass state to a state dict. */
    protected void saveState(Map<String, Object> state) {}

    /** Restores subclass state; checks everything before changing anything. */
    protected void loadState(Map<String, Object> state) {}

    protected final double[] doubles(Map<String, Object> state, String key) {
        if (state.get(key) instanceof double[] d) return d;
        throw new IllegalArgumentException(name + ": the loaded state has no double[] '" + key + "' (keys " + state.keySet() + ")");
    }

    protected final int integer(Map<String, Object> state, String key) {
        if (state.get(key) instanceof Integer i) return i;
        throw new IllegalArgumentException(name + ": the loaded state has no int '" + key + "' (keys " + state.keySet() + ")");
    }

    @Override
    public String toString() {
        return name + "(lastEpoch " + lastEpoch + ", lr " + Arrays.toString(lastLr) + ")";
    }
}
