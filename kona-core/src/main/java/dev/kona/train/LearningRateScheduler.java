package dev.kona.train;

import java.util.Map;
import java.util.function.BiFunction;

/**
 * Sets the learning rate at the start of each epoch from a function of the epoch (from 0) and the
 * current rate, Keras's {@code LearningRateScheduler}. Adds {@code learning_rate} to the epoch logs.
 *
 * <pre>{@code
 * var decay = new LearningRateScheduler((epoch, lr) -> epoch < 10 ? lr : lr * Math.exp(-0.1));
 * model.fit(x, y, FitOptions.epochs(30).callbacks(decay));
 * }</pre>
 */
public final class LearningRateScheduler extends Callback {
    private final BiFunction<Integer, Double, Double> schedule;
    private final int verbose;

    public LearningRateScheduler(BiFunction<Integer, Double, Double> schedule) {
        this(schedule, 0);
    }

    /** @param verbose 1 prints each new rate */
    public LearningRateScheduler(BiFunction<Integer, Double, Double> schedule, int verbose) {
        if (schedule == null) throw new IllegalArgumentException("LearningRateScheduler: schedule is null");
        this.schedule = schedule;
        this.verbose = verbose;
    }

    @Override
    public void onEpochBegin(int epoch, Map<String, Double> logs) {
        Double lr = schedule.apply(epoch, model().learningRate());
        if (lr == null || !Double.isFinite(lr) || lr < 0) {
            throw new IllegalArgumentException("LearningRateScheduler: the schedule returned " + lr + " for epoch " + epoch
                    + "; it must return a finite rate >= 0");
        }
        model().setLearningRate(lr);
        if (verbose > 0) {
            Console.println("Epoch " + (epoch + 1) + ": LearningRateScheduler setting learning rate to " + PyFormat.repr(lr) + ".");
        }
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        logs.put("learning_rate", model().learningRate());
    }
}
