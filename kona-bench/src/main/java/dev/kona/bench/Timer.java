package dev.kona.bench;

import java.util.Arrays;

/** Median wall time of a workload after warm-up, the same method the Python peer script uses. */
public final class Timer {
    private Timer() {}

    /** Runs {@code body} for warm-up, then times repetitions for about {@code budgetMs}; returns the median in ms. */
    public static double medianMs(Runnable body, double budgetMs) {
        long warmEnd = System.nanoTime() + (long) (budgetMs * 0.5e6);
        int warm = 0;
        do {
            body.run();
            warm++;
        } while (System.nanoTime() < warmEnd || warm < 3);
        double[] samples = new double[1000];
        int n = 0;
        long end = System.nanoTime() + (long) (budgetMs * 1e6);
        while (n < samples.length && (n < 5 || System.nanoTime() < end)) {
            long t0 = System.nanoTime();
            body.run();
            samples[n++] = (System.nanoTime() - t0) / 1e6;
        }
        double[] s = Arrays.copyOf(samples, n);
        Arrays.sort(s);
        return s[n / 2];
    }
}
