package dev.kona.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/** Median wall time of a workload after warm-up, the same method the Python peer script uses. */
public final class Timer {
    private Timer() {}

    /**
     * Runs {@code body} for warm-up, then times repetitions for about {@code budgetMs}; returns the
     * median in ms. Warm-up lasts at least half the budget and then until two 100 ms windows in a
     * row agree within 10% and the JIT compiler spent under 10 ms of the second one compiling (at
     * most 5 s more): the first workload of a run was once timed while the JIT compiler still had
     * its kernel queued behind the launcher's own code, at 1/60 of its speed, and while it
     * compiles Kona's loops stay on one thread (CompilerLoad).
     */
    public static double medianMs(Runnable body, double budgetMs) {
        long warmEnd = System.nanoTime() + (long) (budgetMs * 0.5e6);
        int warm = 0;
        do {
            body.run();
            warm++;
        } while (System.nanoTime() < warmEnd || warm < 3);
        long giveUp = System.nanoTime() + 5_000_000_000L;
        double previous = windowMs(body);
        while (System.nanoTime() < giveUp) {
            long compiling = compileMillis();
            double current = windowMs(body);
            boolean quiet = compileMillis() - compiling < 10;
            if (quiet && Math.abs(current - previous) <= 0.1 * Math.min(current, previous)) break;
            previous = current;
        }
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

    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();

    /** Total JIT compilation time so far, or 0 where the JVM does not say. */
    private static long compileMillis() {
        return JIT != null && JIT.isCompilationTimeMonitoringSupported() ? JIT.getTotalCompilationTime() : 0;
    }

    /** Mean ms per call over about 100 ms of calls (at least one). */
    private static double windowMs(Runnable body) {
        long start = System.nanoTime(), end = start + 100_000_000L;
        int calls = 0;
        long now;
        do {
            body.run();
            calls++;
            now = System.nanoTime();
        } while (now < end);
        return (now - start) / 1e6 / calls;
    }
}
