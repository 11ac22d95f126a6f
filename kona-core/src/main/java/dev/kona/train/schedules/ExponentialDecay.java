package dev.kona.train.schedules;

/**
 * Keras's {@code ExponentialDecay}: {@code initial * decayRate^(step / decaySteps)}, the exponent
 * rounded down to a whole number of periods when {@code staircase}.
 */
public record ExponentialDecay(double initialLearningRate, long decaySteps, double decayRate, boolean staircase)
        implements LearningRateSchedule {

    public ExponentialDecay {
        LearningRateSchedule.requireNonNegative("ExponentialDecay", "initialLearningRate", initialLearningRate);
        if (decaySteps <= 0) throw new IllegalArgumentException("ExponentialDecay: decaySteps must be > 0, got " + decaySteps);
        LearningRateSchedule.requireNonNegative("ExponentialDecay", "decayRate", decayRate);
    }

    public ExponentialDecay(double initialLearningRate, long decaySteps, double decayRate) {
        this(initialLearningRate, decaySteps, decayRate, false);
    }

    @Override
    public double at(long step) {
        double p = (double) step / decaySteps;
        if (staircase) p = Math.floor(p);
        return initialLearningRate * Math.pow(decayRate, p);
    }
}
