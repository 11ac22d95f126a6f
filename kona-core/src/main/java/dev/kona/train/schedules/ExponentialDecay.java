package dev.kona.train.schedules;

/**
 * Keras's {@code ExponentialDecay}: {@code initial * decayRate^(step / decaySteps)}, the exponent
 * rounded down to a whole number of periods when {@code staircase}.
 */
public record ExponentialDecay(double initialLearningRate, long decaySteps, double decayRate, boolean staircase)
        implements LearningRateSchedule {

    public ExponentialDecay {
        ScheduleArgs.nonNegative("ExponentialDecay", "initialLearningRate", initialLearningRate);
        ScheduleArgs.positiveSteps("ExponentialDecay", "decaySteps", decaySteps);
        ScheduleArgs.nonNegative("ExponentialDecay", "decayRate", decayRate);
    }

    public ExponentialDecay(double initialLearningRate, long decaySteps, double decayRate) {
        this(initialLearningRate, decaySteps, decayRate, false);
    }

    @Override
    public double at(long step) {
        return initialLearningRate * Math.pow(decayRate, ScheduleArgs.periods(step, decaySteps, staircase));
    }
}
