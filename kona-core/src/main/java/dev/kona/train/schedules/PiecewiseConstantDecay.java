package dev.kona.train.schedules;

import java.util.Arrays;

/**
 * Keras's {@code PiecewiseConstantDecay}: {@code values[0]} up to and including step
 * {@code boundaries[0]}, {@code values[i]} for steps in {@code (boundaries[i-1], boundaries[i]]},
 * and the last value after the last boundary.
 *
 * <pre>{@code
 * new PiecewiseConstantDecay(new long[] {100_000, 110_000}, new double[] {1.0, 0.5, 0.1})
 * }</pre>
 */
public record PiecewiseConstantDecay(long[] boundaries, double[] values) implements LearningRateSchedule {

    public PiecewiseConstantDecay {
        if (boundaries.length == 0 || values.length != boundaries.length + 1) {
            throw new IllegalArgumentException("PiecewiseConstantDecay: expected one value more than boundaries, got "
                    + boundaries.length + " boundaries " + Arrays.toString(boundaries) + " and " + values.length
                    + " values " + Arrays.toString(values));
        }
        for (int i = 1; i < boundaries.length; i++) {
            if (boundaries[i] <= boundaries[i - 1]) {
                throw new IllegalArgumentException("PiecewiseConstantDecay: boundaries must increase, got "
                        + Arrays.toString(boundaries));
            }
        }
        for (double v : values) ScheduleArgs.nonNegative("PiecewiseConstantDecay", "every value", v);
        boundaries = boundaries.clone();
        values = values.clone();
    }

    @Override
    public long[] boundaries() {
        return boundaries.clone();
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    @Override
    public double at(long step) {
        int i = 0;
        while (i < boundaries.length && step > boundaries[i]) i++;
        return values[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PiecewiseConstantDecay p && Arrays.equals(boundaries, p.boundaries) && Arrays.equals(values, p.values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(boundaries) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "PiecewiseConstantDecay[boundaries=" + Arrays.toString(boundaries) + ", values=" + Arrays.toString(values) + "]";
    }
}
