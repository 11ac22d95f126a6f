package dev.kona.train.schedules;

/**
 * Keras's {@code CosineDecayRestarts} (SGDR): cosine decay over {@code firstDecaySteps}, then
 * restarts, each period {@code tMul} times longer than the last and starting from {@code mMul}
 * times the previous peak; {@code alpha} is the floor as a fraction of the peak.
 */
public record CosineDecayRestarts(double initialLearningRate, long firstDecaySteps, double tMul, double mMul, double alpha)
        implements LearningRateSchedule {

    public CosineDecayRestarts {
        ScheduleArgs.nonNegative("CosineDecayRestarts", "initialLearningRate", initialLearningRate);
        ScheduleArgs.positiveSteps("CosineDecayRestarts", "firstDecaySteps", firstDecaySteps);
        ScheduleArgs.positive("CosineDecayRestarts", "tMul", tMul);
        ScheduleArgs.nonNegative("CosineDecayRestarts", "mMul", mMul);
        ScheduleArgs.nonNegative("CosineDecayRestarts", "alpha", alpha);
    }

    /** Keras's defaults: periods doubling ({@code tMul} 2), peaks kept ({@code mMul} 1), floor 0. */
    public CosineDecayRestarts(double initialLearningRate, long firstDecaySteps) {
        this(initialLearningRate, firstDecaySteps, 2.0, 1.0, 0.0);
    }

    @Override
    public double at(long step) {
        double fraction = (double) step / firstDecaySteps;
        double restart;
        if (tMul == 1.0) {
            restart = Math.floor(fraction);
            fraction -= restart;
        } else {
            // periods 1, t, t^2, ...: restart i begins at (1 - t^i) / (1 - t) first periods
            restart = Math.floor(Math.log(1 - fraction * (1 - tMul)) / Math.log(tMul));
            double begun = (1 - Math.pow(tMul, restart)) / (1 - tMul);
            fraction = (fraction - begun) / Math.pow(tMul, restart);
        }
        double cosine = 0.5 * Math.pow(mMul, restart) * (1 + Math.cos(Math.PI * fraction));
        return initialLearningRate * ((1 - alpha) * cosine + alpha);
    }
}
