package dev.kona.data;

import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@link Dataset#map(Function, int)}: the consumer reads the source and submits up to
 * {@code 2 * workers} elements to a pool of daemon threads, then hands the results back in source
 * order. Idle workers exit after a second, and close (or garbage collection of the iterator) shuts
 * the pool down.
 */
record ParallelMap<T, R>(Dataset<T> source, Function<? super T, ? extends R> fn, int workers) implements Dataset<R> {
    @Override
    public long cardinality() {
        return source.cardinality();
    }

    @Override
    public DataIterator<R> iterator() {
        var pool = new ThreadPoolExecutor(workers, workers, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                Threads.daemonFactory("kona-map"));
        pool.allowCoreThreadTimeOut(true);
        return new Iter<>(source.iterator(), fn, pool, 2 * workers);
    }

    private static final class Iter<T, R> extends DataIterator.Lookahead<R> {
        private final DataIterator<T> in;
        private final Function<? super T, ? extends R> fn;
        private final ThreadPoolExecutor pool;
        private final int window;
        private final ArrayDeque<Future<R>> inFlight = new ArrayDeque<>();
        private final Cleaner.Cleanable cleanable;
        private long index;

        Iter(DataIterator<T> in, Function<? super T, ? extends R> fn, ThreadPoolExecutor pool, int window) {
            this.in = in;
            this.fn = fn;
            this.pool = pool;
            this.window = window;
            this.cleanable = Threads.CLEANER.register(this, pool::shutdownNow);
        }

        @Override
        protected R computeNext() {
            // A local copy, so that the tasks capture the function and not this iterator, which the
            // cleaner must be able to collect while tasks are queued.
            Function<? super T, ? extends R> f = fn;
            while (inFlight.size() < window && in.hasNext()) {
                T t = in.next();
                inFlight.add(pool.submit(() -> f.apply(t)));
            }
            Future<R> next = inFlight.poll();
            if (next == null) return end();
            try {
                R r = next.get();
                index++;
                return r;
            } catch (ExecutionException e) {
                close();
                throw new DataException("map: element " + index + " failed on a worker thread: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new DataException("map: interrupted while waiting for element " + index, e);
            }
        }

        @Override
        protected void onClose() {
            inFlight.clear();
            cleanable.clean();
            in.close();
        }
    }
}
