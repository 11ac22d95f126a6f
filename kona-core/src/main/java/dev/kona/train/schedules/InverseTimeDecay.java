package dev.kona.train.schedules;

/**
 * Keras's {@code InverseTimeDecay}: {@code initial / (1 + decayRate * step / decaySteps)}, the
 * quotient {@code step / decaySteps} rounded down when {@code staircase}.
 */
public record InverseTimeDecay(double initialLearningRate, long decaySteps, double decayRate, boolean staircase)
        implements LearningRateSchedule {

    public InverseTimeDecay {
        LearningRateSchedule.requireNonNegative("InverseTimeDecay", "initialLearningRate", initialLearningRate);
        if (decaySteps <= 0) throw new IllegalArgumentException("InverseTimeDecay: decaySteps must be > 0, got " + decaySteps);
        LearningRateSchedule.requireNonNegative("InverseTimeDecay", "decayRate", decayRate);
    }

    public InverseTimeDecay(double initialLearningRate, long decaySteps, double decayRate) {
        this(initialLearningRate, decaySteps, decayRate, false);
    }

    @Override
    public double at(long step) {
        double p = (double) step / decaySteps;
        if (staircase) p = Math.floor(p);
        return initialLearningRate / (1 + decayRate * p);
    }
}
