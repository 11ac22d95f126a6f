package dev.kona.train.schedules;

/**
 * Keras's {@code CosineDecay}: from {@code initialLearningRate} down to {@code alpha} times it
 * along half a cosine over {@code decaySteps}, then flat. With {@code warmupSteps > 0} the rate
 * first rises linearly from {@code initialLearningRate} to {@code warmupTarget}, and the cosine
 * then starts from {@code warmupTarget}.
 *
 * <pre>{@code
 * lr(step) = initial * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, decaySteps) / decaySteps)) + alpha)
 * }</pre>
 */
public record CosineDecay(double initialLearningRate, long decaySteps, double alpha, double warmupTarget, long warmupSteps)
        implements LearningRateSchedule {

    public CosineDecay {
        ScheduleArgs.nonNegative("CosineDecay", "initialLearningRate", initialLearningRate);
        ScheduleArgs.positiveSteps("CosineDecay", "decaySteps", decaySteps);
        ScheduleArgs.nonNegative("CosineDecay", "alpha", alpha);
        if (warmupSteps < 0) throw new IllegalArgumentException("CosineDecay: warmupSteps must be >= 0, got " + warmupSteps);
        if (warmupSteps > 0) ScheduleArgs.nonNegative("CosineDecay", "warmupTarget", warmupTarget);
    }

    /** Decays from {@code initialLearningRate} to 0 over {@code decaySteps}. */
    public CosineDecay(double initialLearningRate, long decaySteps) {
        this(initialLearningRate, decaySteps, 0.0);
    }

    /** Decays from {@code initialLearningRate} to {@code alpha * initialLearningRate} over {@code decaySteps}. */
    public CosineDecay(double initialLearningRate, long decaySteps, double alpha) {
        this(initialLearningRate, decaySteps, alpha, Double.NaN, 0);
    }

    @Override
    public double at(long step) {
        if (warmupSteps == 0) return decay(Math.min(step, decaySteps), initialLearningRate);
        long s = Math.min(step, decaySteps + warmupSteps);
        if (s < warmupSteps) return (warmupTarget - initialLearningRate) * ((double) s / warmupSteps) + initialLearningRate;
        return decay(s - warmupSteps, warmupTarget);
    }

    private double decay(long step, double from) {
        double cosine = 0.5 * (1 + Math.cos(Math.PI * ((double) step / decaySteps)));
        return from * ((1 - alpha) * cosine + alpha);
    }
}
