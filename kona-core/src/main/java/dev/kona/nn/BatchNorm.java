package dev.kona.nn;

import dev.kona.DType;
import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.autograd.GradMode;

/**
 * The shared part of {@link BatchNorm1d} and {@link BatchNorm2d} (PyTorch's {@code _BatchNorm}):
 * per-channel normalisation of {@code x [N, C, *]} with the batch's statistics in training and
 * the running ones in evaluation.
 *
 * <p>State, with PyTorch's names: parameters {@code weight} and {@code bias} {@code [C]} (ones and
 * zeros, when {@code affine}); buffers {@code running_mean} (zeros), {@code running_var} (ones),
 * {@code num_batches_tracked} (an int64 scalar), when {@code trackRunningStats}. Each training
 * call adds one to {@code num_batches_tracked} and moves the running statistics towards the
 * batch's: {@code running = (1 - momentum) * running + momentum * batch}, with the unbiased
 * variance for {@code running_var}; a null momentum gives the cumulative average
 * ({@code momentum = 1 / num_batches_tracked}, which reads the counter from the device). Without
 * running statistics, evaluation uses the batch's statistics too.
 */
public abstract sealed class BatchNorm extends Module permits BatchNorm1d, BatchNorm2d {
    private final int numFeatures;
    private final double eps;
    private final Double momentum;
    private final boolean affine;
    private final boolean trackRunningStats;

    BatchNorm(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
        String who = getClass().getSimpleName();
        if (numFeatures <= 0) throw new IllegalArgumentException(who + ": numFeatures must be positive, got " + numFeatures);
        if (!(eps > 0)) throw new IllegalArgumentException(who + ": eps must be > 0, got " + eps);
        if (momentum != null && !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException(who + ": momentum must be in [0, 1] (or null for a cumulative average), got "
                    + momentum);
        }
        this.numFeatures = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        this.affine = affine;
        this.trackRunningStats = trackRunningStats;
        if (affine) {
            registerParameter("weight", Tensor.ones(numFeatures));
            registerParameter("bias", Tensor.zeros(numFeatures));
        }
        if (trackRunningStats) {
            registerBuffer("running_mean", Tensor.zeros(numFeatures));
            registerBuffer("running_var", Tensor.ones(numFeatures));
            registerBuffer("num_batches_tracked", Tensor.zeros(new int[0], DType.INT64));
        }
    }

    /** Whether this layer accepts an input of {@code rank} dimensions. */
    abstract boolean acceptsRank(int rank);

    /** The accepted ranks, for messages: {@code "2-D or 3-D"}. */
    abstract String expectedRanks();

    public int numFeatures() {
        return numFeatures;
    }

    public double eps() {
        return eps;
    }

    /** The momentum, or null for a cumulative average. */
    public Double momentum() {
        return momentum;
    }

    /** The running mean {@code [C]}, or null without running statistics. */
    public Tensor runningMean() {
        return trackRunningStats ? buffer("running_mean") : null;
    }

    /** The running (unbiased) variance {@code [C]}, or null without running statistics. */
    public Tensor runningVar() {
        return trackRunningStats ? buffer("running_var") : null;
    }

    /** The number of training batches seen (an int64 scalar), or null without running statistics. */
    public Tensor numBatchesTracked() {
        return trackRunningStats ? buffer("num_batches_tracked") : null;
    }

    /** Sets the running statistics back to zero mean, unit variance and no batch seen. */
    public void resetRunningStats() {
        if (!trackRunningStats) return;
        try (var g = GradMode.noGrad()) {
            runningMean().fill(0);
            runningVar().fill(1);
            numBatchesTracked().fill(0);
        }
    }

    @Override
    public Tensor forward(Tensor input) {
        if (!acceptsRank(input.dim()) || input.size(1) != numFeatures) {
            throw new IllegalArgumentException(typeName() + "(" + numFeatures + "): expected a " + expectedRanks()
                    + " input with " + numFeatures + " channels in dimension 1, got shape " + Shape.format(input.shape()));
        }
        double factor = momentum == null ? 0 : momentum;
        if (isTraining() && trackRunningStats) {
            Tensor count = numBatchesTracked();
            try (var g = GradMode.noGrad()) {
                count.addInPlace(Tensor.wrap(1L));
            }
            if (momentum == null) factor = 1.0 / count.itemLong();
        }
        boolean useBatchStats = isTraining() || !trackRunningStats;
        return Normalization.batchNorm(input, runningMean(), runningVar(), affine ? param("weight") : null,
                affine ? param("bias") : null, useBatchStats, factor, eps);
    }

    @Override
    protected String extraRepr() {
        return numFeatures + ", eps=" + eps + ", momentum=" + momentum + ", affine=" + affine + ", track_running_stats="
                + trackRunningStats;
    }
}
