package dev.kona.train;

import dev.kona.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Stops training when a monitored metric has stopped improving, Keras's {@code EarlyStopping}.
 * Defaults as Keras: monitor {@code val_loss}, minDelta 0, patience 0, mode {@code auto}, no
 * baseline, weights not restored.
 *
 * <pre>{@code
 * var stop = new EarlyStopping().monitor("val_loss").patience(3).restoreBestWeights(true).verbose(1);
 * model.fit(x, y, FitOptions.epochs(100).validationSplit(0.2).callbacks(stop));
 * stop.stoppedEpoch();   // the epoch training stopped at (0 when it ran to the end)
 * }</pre>
 *
 * <p>After each epoch: an improvement (by more than minDelta) resets the wait; otherwise, once
 * {@code patience} epochs passed without one, training stops. With {@code restoreBestWeights},
 * the weights of the best epoch are put back when training ends.
 */
public final class EarlyStopping extends Callback {
    private String monitorName = "val_loss";
    private String mode = "auto";
    private double minDelta;
    private int patience;
    private int verbose;
    private Double baseline;
    private boolean restoreBestWeights;
    private int startFromEpoch;

    private Monitor monitor;
    private int wait;
    private int stoppedEpoch;
    private int bestEpoch;
    private Double best;
    private List<Tensor> bestWeights;

    public EarlyStopping() {}

    public EarlyStopping monitor(String name) {
        this.monitorName = name;
        return this;
    }

    /** {@code "auto"}, {@code "min"} or {@code "max"}. */
    public EarlyStopping mode(String mode) {
        Monitor.of("EarlyStopping", monitorName, mode);
        this.mode = mode;
        return this;
    }

    /** The smallest change that counts as an improvement. */
    public EarlyStopping minDelta(double minDelta) {
        this.minDelta = Math.abs(minDelta);
        return this;
    }

    /** Epochs without improvement after which training stops. */
    public EarlyStopping patience(int patience) {
        if (patience < 0) throw new IllegalArgumentException("EarlyStopping: patience must be >= 0, got " + patience);
        this.patience = patience;
        return this;
    }

    /** 1 prints when training stops and when weights are restored. */
    public EarlyStopping verbose(int verbose) {
        this.verbose = verbose;
        return this;
    }

    /** A value the metric must beat for the wait to reset. */
    public EarlyStopping baseline(double baseline) {
        this.baseline = baseline;
        return this;
    }

    public EarlyStopping restoreBestWeights(boolean restore) {
        this.restoreBestWeights = restore;
        return this;
    }

    /** Epochs to wait before monitoring starts (warm-up). */
    public EarlyStopping startFromEpoch(int epoch) {
        this.startFromEpoch = epoch;
        return this;
    }

    /** The epoch at which training was stopped, 0 if it was not. */
    public int stoppedEpoch() {
        return stoppedEpoch;
    }

    /** The epoch with the best value of the monitored metric. */
    public int bestEpoch() {
        return bestEpoch;
    }

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        monitor = Monitor.of("EarlyStopping", monitorName, mode);
        wait = 0;
        stoppedEpoch = 0;
        best = null;
        bestWeights = null;
        bestEpoch = 0;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        Double current = monitor.read("EarlyStopping", logs);
        if (current == null || epoch < startFromEpoch) return;
        if (restoreBestWeights && bestWeights == null) {
            bestWeights = model().getWeights();
            bestEpoch = epoch;
        }
        wait++;
        if (best == null || monitor.improves(current, best, minDelta)) {
            best = current;
            bestEpoch = epoch;
            if (restoreBestWeights) bestWeights = model().getWeights();
            if (baseline == null || monitor.improves(current, baseline, minDelta)) wait = 0;
            return;
        }
        if (wait >= patience && epoch > 0) {
            stoppedEpoch = epoch;
            model().setStopTraining(true);
        }
    }

    @Override
    public void onTrainEnd(Map<String, Double> logs) {
        if (stoppedEpoch > 0 && verbose > 0) Console.println("Epoch " + (stoppedEpoch + 1) + ": early stopping");
        if (restoreBestWeights && bestWeights != null) {
            if (verbose > 0) Console.println("Restoring model weights from the end of the best epoch: " + (bestEpoch + 1) + ".");
            model().setWeights(bestWeights);
        }
    }
}
