package dev.kona.train.schedules;

/**
 * Keras's {@code InverseTimeDecay}: {@code initial / (1 + decayRate * step / decaySteps)}, the
 * quotient {@code step / decaySteps} rounded down when {@code staircase}.
 */
public record InverseTimeDecay(double initialLearningRate, long decaySteps, double decayRate, boolean staircase)
        implements LearningRateSchedule {

    public InverseTimeDecay {
        ScheduleArgs.nonNegative("InverseTimeDecay", "initialLearningRate", initialLearningRate);
        ScheduleArgs.positiveSteps("InverseTimeDecay", "decaySteps", decaySteps);
        ScheduleArgs.nonNegative("InverseTimeDecay", "decayRate", decayRate);
    }

    public InverseTimeDecay(double initialLearningRate, long decaySteps, double decayRate) {
        this(initialLearningRate, decaySteps, decayRate, false);
    }

    @Override
    public double at(long step) {
        return initialLearningRate / (1 + decayRate * ScheduleArgs.periods(step, decaySteps, staircase));
    }
}
