package dev.kona.data;

import java.lang.ref.Cleaner;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@link Dataset#prefetch}: a daemon thread iterates the source and fills a bounded queue that the
 * consumer drains. The thread starts with the iterator and stops at the end of the source, on
 * {@code close()}, or when the iterator is garbage-collected.
 */
record Prefetch<T>(Dataset<T> source, int bufferSize) implements Dataset<T> {
    @Override
    public long cardinality() {
        return source.cardinality();
    }

    @Override
    public DataIterator<T> iterator() {
        return new Consumer<>(new Producer<>(source, bufferSize));
    }

    /** Markers that travel through the queue with the elements. */
    private enum Signal { END, NULL }

    private record Failure(Throwable cause) {}

    /** The producer side. It holds no reference to the {@link Consumer}, so that an abandoned consumer can be collected. */
    private static final class Producer<T> implements Runnable {
        private final Dataset<T> source;
        private final BlockingQueue<Object> queue;
        private final Thread thread;
        private volatile boolean stopped;

        Producer(Dataset<T> source, int bufferSize) {
            this.source = source;
            // The slot beyond bufferSize leaves room for the END or failure marker.
            this.queue = new ArrayBlockingQueue<>(bufferSize + 1);
            this.thread = Threads.daemonFactory("kona-prefetch").newThread(this);
        }

        @Override
        public void run() {
            DataIterator<T> in = null;
            try {
                in = source.iterator();
                while (!stopped && in.hasNext()) {
                    T t = in.next();
                    if (!put(t == null ? Signal.NULL : t)) return;
                }
                put(Signal.END);
            } catch (Throwable e) {
                if (!stopped) put(new Failure(e));
            } finally {
                if (in != null) in.close();
            }
        }

        /** Waits for room in the queue; false once stopped. */
        private boolean put(Object o) {
            try {
                while (!stopped) {
                    if (queue.offer(o, 100, TimeUnit.MILLISECONDS)) return true;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        }

        void stop() {
            stopped = true;
            thread.interrupt();
            queue.clear();
        }
    }

    private static final class Consumer<T> implements DataIterator<T> {
        private final Producer<T> producer;
        private final BlockingQueue<Object> queue;
        private final Cleaner.Cleanable cleanable;
        private Object pending;
        private boolean finished;

        Consumer(Producer<T> producer) {
            this.producer = producer;
            this.queue = producer.queue;
            this.cleanable = Threads.CLEANER.register(this, producer::stop);
            producer.thread.start();
        }

        @Override
        public boolean hasNext() {
            if (pending != null) return true;
            if (finished) return false;
            Object o;
            try {
                o = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new DataException("prefetch: interrupted while waiting for the next element", e);
            }
            if (o == Signal.END) {
                close();
                return false;
            }
            if (o instanceof Failure f) {
                close();
                throw new DataException("prefetch: the source failed on thread " + producer.thread.getName() + ": "
                        + f.cause(), f.cause());
            }
            pending = o;
            return true;
        }

        @Override
        @SuppressWarnings("unchecked")
        public T next() {
            if (!hasNext()) throw new java.util.NoSuchElementException("the dataset has no more elements");
            Object o = pending;
            pending = null;
            return o == Signal.NULL ? null : (T) o;
        }

        @Override
        public void close() {
            finished = true;
            pending = null;
            cleanable.clean();
        }
    }
}
