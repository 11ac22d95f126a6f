package dev.kona.backend.cpu;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * Whether the JIT compiler is taking so much of the machine that a worker thread would mostly
 * wait for a core: fewer than 1.5 cores left over the last 20 ms, so on a 2-core machine from half
 * a core of compilation on. While it is, {@link Parallel} runs loops on the calling thread: the
 * worker would take CPU time the compiler needs, and the kernels it would speed up are still
 * running interpreted. The MNIST MLP's first epoch (batch 32, 2 cores) took 2.7 s with both
 * threads and 2.1-2.3 s this way; later epochs, and loops once the compiler is idle, are unchanged.
 * With 4 cores it takes more than 2.5 cores of compilation, which the JVM's default of 3
 * compiler threads hardly reaches; with more cores, never.
 * Where loops run never changes their results. {@code -Dkona.yieldToCompiler=false} turns it off
 * (the tests do, so that they exercise the worker threads from the start).
 */
final class CompilerLoad {
    private static final CompilationMXBean JIT =
            Boolean.parseBoolean(System.getProperty("kona.yieldToCompiler", "true")) ? monitor() : null;
    private static final long WINDOW_NANOS = 20_000_000L;
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    private static volatile long windowStart = System.nanoTime();
    private static volatile long compileMillisAtStart;
    private static volatile boolean busy;

    private CompilerLoad() {}

    /** The JVM's compilation monitor, or null where it has none (or a trimmed runtime lacks java.management). */
    private static CompilationMXBean monitor() {
        try {
            CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
            return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit : null;
        } catch (LinkageError | RuntimeException e) {
            return null;
        }
    }

    static boolean busy() {
        if (JIT == null) return false;
        long now = System.nanoTime(), start = windowStart;
        if (now - start >= WINDOW_NANOS) {
            long millis = JIT.getTotalCompilationTime();
            busy = busy(millis - compileMillisAtStart, now - start, CORES);
            compileMillisAtStart = millis;
            windowStart = now;
        }
        return busy;
    }

    /**
     * Fewer than 1.5 of {@code cores} left after {@code compileMillis} of compilation (summed over
     * the compiler threads) in {@code wallNanos}.
     */
    static boolean busy(long compileMillis, long wallNanos, int cores) {
        return (cores - 1.5) * wallNanos < compileMillis * 1_000_000.0;
    }
}
