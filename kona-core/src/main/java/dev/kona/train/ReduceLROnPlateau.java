package dev.kona.train;

import java.util.Map;

/**
 * Lowers the learning rate when a metric has stopped improving, Keras's
 * {@code ReduceLROnPlateau}: after {@code patience} epochs without an improvement (by more than
 * {@code minDelta}), the rate is multiplied by {@code factor}, not below {@code minLr}, then
 * {@code cooldown} epochs pass before counting again. Adds {@code learning_rate} to the epoch logs.
 * Defaults as Keras: monitor {@code val_loss}, factor 0.1, patience 10, minDelta 1e-4, cooldown 0,
 * minLr 0.
 *
 * <pre>{@code
 * model.fit(x, y, FitOptions.epochs(50).validationSplit(0.1)
 *         .callbacks(new ReduceLROnPlateau().factor(0.5).patience(2).minLr(1e-5).verbose(1)));
 * }</pre>
 */
public final class ReduceLROnPlateau extends Callback {
    private String monitorName = "val_loss";
    private String mode = "auto";
    private double factor = 0.1;
    private int patience = 10;
    private int verbose;
    private double minDelta = 1e-4;
    private int cooldown;
    private double minLr;

    private Monitor monitor;
    private Double best;
    private int wait;
    private int cooldownCounter;

    public ReduceLROnPlateau() {}

    public ReduceLROnPlateau monitor(String name) {
        this.monitorName = name;
        return this;
    }

    public ReduceLROnPlateau mode(String mode) {
        Monitor.of("ReduceLROnPlateau", monitorName, mode);
        this.mode = mode;
        return this;
    }

    /** The multiplier of the learning rate, in (0, 1). */
    public ReduceLROnPlateau factor(double factor) {
        if (!(factor > 0 && factor < 1)) {
            throw new IllegalArgumentException("ReduceLROnPlateau: factor must be in (0, 1), got " + factor);
        }
        this.factor = factor;
        return this;
    }

    public ReduceLROnPlateau patience(int patience) {
        this.patience = patience;
        return this;
    }

    public ReduceLROnPlateau verbose(int verbose) {
        this.verbose = verbose;
        return this;
    }

    public ReduceLROnPlateau minDelta(double minDelta) {
        this.minDelta = Math.abs(minDelta);
        return this;
    }

    public ReduceLROnPlateau cooldown(int cooldown) {
        this.cooldown = cooldown;
        return this;
    }

    public ReduceLROnPlateau minLr(double minLr) {
        this.minLr = minLr;
        return this;
    }

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        monitor = Monitor.of("ReduceLROnPlateau", monitorName, mode);
        best = null;
        wait = 0;
        cooldownCounter = 0;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        logs.put("learning_rate", model().learningRate());
        Double current = monitor.read("ReduceLROnPlateau", logs);
        if (current == null) return;
        if (cooldownCounter > 0) {
            cooldownCounter--;
            wait = 0;
        }
        if (best == null || monitor.improves(current, best, minDelta)) {
            best = current;
            wait = 0;
        } else if (cooldownCounter <= 0) {
            wait++;
            if (wait >= patience) {
                double old = model().learningRate();
                if (old > (float) minLr) {
                    double lr = Math.max(old * factor, minLr);
                    model().setLearningRate(lr);
                    if (verbose > 0) {
                        Console.println("Epoch " + (epoch + 1) + ": ReduceLROnPlateau reducing learning rate to "
                                + PyFormat.repr(lr) + ".");
                    }
                    cooldownCounter = cooldown;
                    wait = 0;
                }
            }
        }
    }
}
