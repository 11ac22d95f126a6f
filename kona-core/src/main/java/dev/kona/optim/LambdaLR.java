package dev.kona.optim;

import java.util.Collections;
import java.util.List;
import java.util.function.IntToDoubleFunction;

/**
 * Sets the learning rate to the base rate times a function of the epoch: {@code lr = base * f(epoch)},
 * one function for all groups or one per group. The functions are not part of the state dict.
 *
 * <pre>{@code
 * var sched = new LambdaLR(opt, epoch -> Math.pow(0.95, epoch));
 * var warmup = new LambdaLR(opt, epoch -> Math.min(1.0, (epoch + 1) / 100.0));
 * }</pre>
 */
public final class LambdaLR extends LRScheduler {
    private final List<IntToDoubleFunction> lambdas;

    /** One function for every group. */
    public LambdaLR(Optimizer optimizer, IntToDoubleFunction lambda) {
        this(optimizer, Collections.nCopies(optimizer.paramGroups().size(), lambda));
    }

    /** One function per group, in the groups' order. */
    public LambdaLR(Optimizer optimizer, List<IntToDoubleFunction> lambdas) {
        super("LambdaLR", optimizer);
        if (lambdas.size() != optimizer.paramGroups().size()) {
            throw new IllegalArgumentException("LambdaLR: expected " + optimizer.paramGroups().size()
                    + " functions (one per parameter group), got " + lambdas.size());
        }
        this.lambdas = List.copyOf(lambdas);
        initialStep();
    }

    @Override
    protected double[] computeLr() {
        double[] base = baseLrs();
        double[] lrs = new double[base.length];
        for (int i = 0; i < lrs.length; i++) lrs[i] = base[i] * lambdas.get(i).applyAsDouble(lastEpoch());
        return lrs;
    }
}
