package dev.kona.backend.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * Parallel loops for the CPU kernels.
 *
 * <p>Work is split into contiguous index ranges; a range body runs once per chunk, never once per
 * element. How a loop is split never changes what it computes: kernels that reduce must use
 * {@link #fixedChunks} so that the reduction order does not depend on the thread count.
 */
public final class Parallel {
    private static volatile int threads = defaultThreads();
    private static volatile ForkJoinPool pool = newPool(threads);

    private Parallel() {}

    /** A body run over the index range [start, end). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    private static int defaultThreads() {
        String env = System.getenv("KONA_NUM_THREADS");
        if (env != null && !env.isBlank()) {
            try {
                int n = Integer.parseInt(env.trim());
                if (n >= 1) return n;
            } catch (NumberFormatException ignored) {
                // fall through to the core count
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }

    private static ForkJoinPool newPool(int n) {
        return new ForkJoinPool(n, p -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setDaemon(true);
            t.setName("kona-cpu-" + t.getPoolIndex());
            return t;
        }, null, false);
    }

    /** The number of threads CPU kernels use. */
    public static int threads() {
        return threads;
    }

    /**
     * Sets the number of threads CPU kernels use (1 runs everything on the caller's thread).
     *
     * @throws IllegalArgumentException when {@code n < 1}
     */
    public static synchronized void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("setNumThreads: thread count must be >= 1, got " + n);
        }
        if (n == threads) return;
        var old = pool;
        pool = newPool(n);
        threads = n;
        old.shutdown();
    }

    /**
     * Runs {@code body} over [0, n) split into at most {@link #threads()} ranges of at least
     * {@code grain} indices each. Small loops run on the calling thread.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        int t = threads;
        int chunks = (int) Math.min(t, Math.max(1L, n / (long) Math.max(1, grain)));
        if (chunks <= 1 || ForkJoinTask.inForkJoinPool()) {
            body.run(0, n);
            return;
        }
        runChunks(n, chunks, body);
    }

    /**
     * Runs {@code body} once for each of the {@code chunkCount} chunks of size {@code chunk}
     * covering [0, n) (the last may be shorter). Chunk boundaries depend only on {@code chunk},
     * never on the thread count, so per-chunk partial results combine in a fixed order.
     */
    public static void fixedChunks(int n, int chunk, RangeBody body) {
        if (n <= 0) return;
        int count = (n + chunk - 1) / chunk;
        if (count == 1 || threads == 1 || ForkJoinTask.inForkJoinPool()) {
            for (int c = 0; c < count; c++) body.run(c * chunk, Math.min(n, (c + 1) * chunk));
            return;
        }
        forRange(count, 1, (s, e) -> {
            for (int c = s; c < e; c++) body.run(c * chunk, Math.min(n, (c + 1) * chunk));
        });
    }

    private static void runChunks(int n, int chunks, RangeBody body) {
        var tasks = new RecursiveAction[chunks];
        for (int c = 1; c < chunks; c++) {
            int start = (int) ((long) n * c / chunks);
            int end = (int) ((long) n * (c + 1) / chunks);
            tasks[c] = new RecursiveAction() {
                @Override
                protected void compute() {
                    body.run(start, end);
                }
            };
        }
        var p = pool;
        // The caller runs the first chunk itself; the others go to the pool.
        for (int c = 1; c < chunks; c++) p.execute(tasks[c]);
        RuntimeException failure = null;
        try {
            body.run(0, (int) ((long) n / chunks));
        } catch (RuntimeException e) {
            failure = e;
        }
        for (int c = 1; c < chunks; c++) {
            try {
                tasks[c].join();
            } catch (RuntimeException e) {
                if (failure == null) failure = e;
            }
        }
        if (failure != null) throw failure;
    }
}
