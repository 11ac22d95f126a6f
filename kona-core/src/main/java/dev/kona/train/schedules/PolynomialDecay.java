package dev.kona.train.schedules;

/**
 * Keras's {@code PolynomialDecay}: from {@code initialLearningRate} to {@code endLearningRate}
 * over {@code decaySteps} along {@code (1 - step / decaySteps)^power}, then flat; with
 * {@code cycle} the period stretches to the first multiple of {@code decaySteps} past the step
 * instead, so the rate jumps back up at each multiple.
 */
public record PolynomialDecay(double initialLearningRate, long decaySteps, double endLearningRate, double power, boolean cycle)
        implements LearningRateSchedule {

    public PolynomialDecay {
        ScheduleArgs.nonNegative("PolynomialDecay", "initialLearningRate", initialLearningRate);
        ScheduleArgs.positiveSteps("PolynomialDecay", "decaySteps", decaySteps);
        ScheduleArgs.nonNegative("PolynomialDecay", "endLearningRate", endLearningRate);
        ScheduleArgs.nonNegative("PolynomialDecay", "power", power);
    }

    /** Keras's defaults: linear ({@code power} 1) down to 1e-4, no cycle. */
    public PolynomialDecay(double initialLearningRate, long decaySteps) {
        this(initialLearningRate, decaySteps, 1e-4, 1.0, false);
    }

    @Override
    public double at(long step) {
        double steps = decaySteps;
        double s = step;
        if (cycle) steps *= step == 0 ? 1 : Math.ceil(s / decaySteps);
        else s = Math.min(s, steps);
        return (initialLearningRate - endLearningRate) * Math.pow(1 - s / steps, power) + endLearningRate;
    }
}
