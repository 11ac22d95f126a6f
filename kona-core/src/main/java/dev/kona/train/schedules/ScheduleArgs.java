package dev.kona.train.schedules;

/** The argument checks and the shared arithmetic of the built-in schedules. */
final class ScheduleArgs {
    private ScheduleArgs() {}

    /** Fails unless {@code value > 0} and finite, naming the schedule and the argument. */
    static void positive(String schedule, String argument, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(schedule + ": " + argument + " must be > 0 (and finite), got " + value);
        }
    }

    /** Fails unless {@code value >= 0} and finite, naming the schedule and the argument. */
    static void nonNegative(String schedule, String argument, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(schedule + ": " + argument + " must be >= 0 (and finite), got " + value);
        }
    }

    /** Fails unless a step count is {@code > 0}. */
    static void positiveSteps(String schedule, String argument, long value) {
        if (value <= 0) throw new IllegalArgumentException(schedule + ": " + argument + " must be > 0, got " + value);
    }

    /** {@code step / decaySteps}, rounded down to whole periods when {@code staircase}. */
    static double periods(long step, long decaySteps, boolean staircase) {
        double p = (double) step / decaySteps;
        return staircase ? Math.floor(p) : p;
    }
}
