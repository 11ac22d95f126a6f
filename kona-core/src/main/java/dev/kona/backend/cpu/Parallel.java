package dev.kona.backend.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Parallel loops for the CPU kernels, on a small pool of daemon threads.
 *
 * <p>Work is split into contiguous index ranges; a range body runs once per chunk, never once per
 * element. How a loop is split never changes what it computes: kernels that reduce must use
 * {@link #fixedChunks} so that the reduction order does not depend on the thread count.
 *
 * <p>Why not a {@code ForkJoinPool}: on these VMs waking a parked worker took 35-45 us and joining
 * 70-80 us, so parallel calls of a few MFLOP (a training step's products) ran slower on two threads
 * than on one. Here workers poll for new work after each job before they park (as OpenMP and
 * OpenBLAS threads do), chunks are claimed from a counter so a late worker simply takes fewer, and
 * the caller spins until the last chunk is done.
 *
 * <p>How long a worker polls adapts to the gaps it sees between jobs, up to {@link #SPIN_NANOS}:
 * a fixed 200 us poll after every job burned a fifth of a core while the first epoch of a
 * training run was still interpreted (jobs milliseconds apart), CPU the JIT compiler needed on a
 * two-core machine (MNIST MLP first epoch 2.6 s with it, 2.3 s without). In steady training the
 * gaps are tens of microseconds and the poll stays long.
 */
public final class Parallel {
    /** How long an idle worker keeps polling before it parks (system property {@code kona.spinMicros}). */
    static final long SPIN_NANOS = Long.getLong("kona.spinMicros", 200) * 1000;

    private static volatile int threads = defaultThreads();
    private static volatile Pool pool = new Pool(threads);

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
        Pool old = pool;
        pool = new Pool(n);
        threads = n;
        old.shutdown();
    }

    /**
     * Runs {@code body} over [0, n) split into at most {@link #threads()} ranges of at least
     * {@code grain} indices each. Small loops, nested calls and calls made while another thread
     * holds the pool run on the calling thread.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        int t = threads;
        int chunks = (int) Math.min(t, Math.max(1L, n / (long) Math.max(1, grain)));
        if (chunks <= 1 || Thread.currentThread() instanceof Worker || CompilerLoad.busy()) {
            body.run(0, n);
            return;
        }
        pool.run(n, chunks, body);
    }

    /**
     * Runs {@code body} once for each of the chunks of size {@code chunk} covering [0, n) (the last
     * may be shorter). Chunk boundaries depend only on {@code chunk}, never on the thread count, so
     * per-chunk partial results combine in a fixed order.
     */
    public static void fixedChunks(int n, int chunk, RangeBody body) {
        if (n <= 0) return;
        int count = (n + chunk - 1) / chunk;
        if (count == 1 || threads == 1) {
            for (int c = 0; c < count; c++) body.run(c * chunk, Math.min(n, (c + 1) * chunk));
            return;
        }
        forRange(count, 1, (s, e) -> {
            for (int c = s; c < e; c++) body.run(c * chunk, Math.min(n, (c + 1) * chunk));
        });
    }

    /** One parallel loop: chunk c covers [n*c/chunks, n*(c+1)/chunks). */
    private static final class Job {
        final int n, chunks;
        final RangeBody body;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile RuntimeException failure;
        volatile Error error;

        Job(int n, int chunks, RangeBody body) {
            this.n = n;
            this.chunks = chunks;
            this.body = body;
        }

        void work() {
            for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                try {
                    body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
                } catch (RuntimeException e) {
                    if (failure == null) failure = e;
                } catch (Error e) {
                    if (error == null) error = e;
                } finally {
                    done.incrementAndGet();
                }
            }
        }
    }

    private static final class Worker extends Thread {
        final Pool pool;
        volatile boolean parked;

        Worker(Pool pool, int index) {
            super("kona-cpu-" + index);
            this.pool = pool;
            setDaemon(true);
        }

        @Override
        public void run() {
            Job seen = null;
            int longGaps = 0;
            while (!pool.stopped) {
                Job j = pool.current;
                if (j != null && j != seen) {
                    seen = j;
                    j.work();
                    continue;
                }
                long idleSince = System.nanoTime(), until = idleSince + pollNanos(longGaps);
                while (pool.current == seen && !pool.stopped && System.nanoTime() < until) Thread.onSpinWait();
                if (pool.current == seen && !pool.stopped) {
                    parked = true;
                    // Re-check after announcing: a job published before this write is seen here,
                    // one published after it finds parked == true and unparks.
                    if (pool.current == seen && !pool.stopped) LockSupport.park(this);
                    parked = false;
                }
                longGaps = System.nanoTime() - idleSince > SPIN_NANOS ? longGaps + 1 : 0;
            }
        }
    }

    /**
     * How long an idle worker polls, given how many idle gaps in a row were longer than the
     * longest poll: the full poll while gaps that polling catches keep coming, the shortest once
     * {@link #LONG_GAPS_TO_BACK_OFF} in a row were missed anyway (then polling only takes CPU from
     * other threads, the JIT compiler's included).
     */
    static long pollNanos(int longGapsInARow) {
        return longGapsInARow < LONG_GAPS_TO_BACK_OFF ? SPIN_NANOS : MIN_SPIN_NANOS;
    }

    static final int LONG_GAPS_TO_BACK_OFF = 8;

    /** The shortest poll: about a wake-up's cost, so short gaps are still caught. */
    static final long MIN_SPIN_NANOS = Math.min(SPIN_NANOS, 5_000);

    private static final class Pool {
        final Worker[] workers;
        final ReentrantLock busy = new ReentrantLock();
        volatile Job current;
        volatile boolean stopped;

        Pool(int threads) {
            workers = new Worker[Math.max(0, threads - 1)];
            for (int i = 0; i < workers.length; i++) {
                workers[i] = new Worker(this, i + 1);
                workers[i].start();
            }
        }

        void run(int n, int chunks, RangeBody body) {
            if (busy.isHeldByCurrentThread() || !busy.tryLock()) {
                // A nested call, or another thread (a data loader, say) is using the pool: do the
                // work here.
                body.run(0, n);
                return;
            }
            Job job = new Job(n, chunks, body);
            try {
                current = job;
                for (Worker w : workers) if (w.parked) LockSupport.unpark(w);
                job.work();
                awaitChunks(job);
            } finally {
                busy.unlock();
            }
            if (job.error != null) throw job.error;
            if (job.failure != null) throw job.failure;
        }

        /**
         * Waits for chunks other workers claimed. Spins first; after {@link #MIN_SPIN_NANOS} it
         * also yields, so that a worker descheduled mid-chunk on an oversubscribed machine gets
         * the core back sooner than the scheduler's next tick.
         */
        private static void awaitChunks(Job job) {
            long yieldAfter = System.nanoTime() + MIN_SPIN_NANOS;
            while (job.done.get() < job.chunks) {
                if (System.nanoTime() < yieldAfter) Thread.onSpinWait();
                else Thread.yield();
            }
        }

        void shutdown() {
            stopped = true;
            for (Worker w : workers) LockSupport.unpark(w);
        }
    }
}
