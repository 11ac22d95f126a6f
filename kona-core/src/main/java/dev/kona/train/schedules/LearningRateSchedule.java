package dev.kona.train.schedules;

/**
 * A learning rate as a function of the optimizer's step, as Keras's
 * {@code keras.optimizers.schedules.LearningRateSchedule}: give one to an optimizer recipe
 * ({@code OptimizerSpec.adam(new CosineDecay(5e-3, 469))}) and {@code fit} and
 * {@code trainOnBatch} set the rate before every step to {@code at(iterations)}, where
 * {@code iterations} counts the steps applied so far (0 for the first).
 *
 * <pre>{@code
 * LearningRateSchedule warmup = step -> 1e-3 * Math.min(1.0, (step + 1) / 100.0);
 * model.compile(OptimizerSpec.adam(warmup), KerasLoss.get("mse"));
 * }</pre>
 *
 * <p>The formulas are Keras's, computed in float64 (Keras computes them in float32).
 */
@FunctionalInterface
public interface LearningRateSchedule {

    /** The learning rate for the step that follows {@code step} applied steps. */
    double at(long step);

    /** {@code schedule.at(step)}, refused unless it is a rate >= 0 (and finite). */
    static double checkedAt(LearningRateSchedule schedule, long step) {
        double lr = schedule.at(step);
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalStateException("learning rate schedule " + schedule + " gave " + lr + " at step " + step
                    + ", expected a rate >= 0 (and finite)");
        }
        return lr;
    }
}
