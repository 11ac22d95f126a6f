package dev.kona.data;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * An iterator over a {@link Dataset} that may hold threads (prefetch, parallel map). Closing it
 * stops them; so does reaching the end. An iterator abandoned without {@code close()} stops its
 * threads once it is garbage-collected, so a {@code break} out of a for-each loop leaks nothing
 * for long, but try-with-resources releases them at once:
 *
 * <pre>{@code
 * try (DataIterator<Example> it = train.prefetch(2).iterator()) {
 *     Example first = it.next();
 * }   // the prefetch thread stops here
 * }</pre>
 */
public interface DataIterator<T> extends Iterator<T>, AutoCloseable {
    /** Stops any thread working for this iterator and closes the iterators it reads from. Idempotent. */
    @Override
    void close();

    /** Wraps a plain iterator (closing it does nothing). */
    static <T> DataIterator<T> of(Iterator<T> it) {
        if (it instanceof DataIterator<T> d) return d;
        return new DataIterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public T next() {
                return it.next();
            }

            @Override
            public void close() {}
        };
    }

    /**
     * A base for iterators that compute their next element ahead of time: {@link #computeNext}
     * returns it, or calls {@link #end} when there is none. The iterator closes itself at the end;
     * subclasses release what they hold in {@link #onClose}.
     */
    abstract class Lookahead<T> implements DataIterator<T> {
        private T next;
        private boolean ready;
        private boolean done;
        private boolean closed;

        /** The next element, or {@code end()} when there is none. */
        protected abstract T computeNext();

        protected final T end() {
            done = true;
            return null;
        }

        @Override
        public final boolean hasNext() {
            if (ready) return true;
            if (done) return false;
            T t = computeNext();
            if (done) {
                close();
                return false;
            }
            next = t;
            ready = true;
            return true;
        }

        @Override
        public final T next() {
            if (!hasNext()) throw new NoSuchElementException("the dataset has no more elements");
            T t = next;
            next = null;
            ready = false;
            return t;
        }

        /** Releases what this iterator holds (upstream iterators, threads); called once. */
        protected void onClose() {}

        @Override
        public final void close() {
            ready = false;
            next = null;
            if (closed) return;
            closed = true;
            done = true;
            onClose();
        }
    }
}
