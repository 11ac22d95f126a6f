package dev.kona.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;

/** The single-threaded transformations of {@link Dataset}; each is a value naming its input. */
final class Pipeline {
    private Pipeline() {}

    record Mapped<T, R>(Dataset<T> source, Function<? super T, ? extends R> fn) implements Dataset<R> {
        @Override
        public long cardinality() {
            return source.cardinality();
        }

        @Override
        public DataIterator<R> iterator() {
            DataIterator<T> in = source.iterator();
            return new DataIterator.Lookahead<>() {
                @Override
                protected R computeNext() {
                    return in.hasNext() ? fn.apply(in.next()) : end();
                }

                @Override
                protected void onClose() {
                    in.close();
                }
            };
        }
    }

    record Filtered<T>(Dataset<T> source, Predicate<? super T> keep) implements Dataset<T> {
        @Override
        public DataIterator<T> iterator() {
            DataIterator<T> in = source.iterator();
            return new DataIterator.Lookahead<>() {
                @Override
                protected T computeNext() {
                    while (in.hasNext()) {
                        T t = in.next();
                        if (keep.test(t)) return t;
                    }
                    return end();
                }

                @Override
                protected void onClose() {
                    in.close();
                }
            };
        }
    }

    record Batched<T, R>(Dataset<T> source, int size, boolean dropRemainder, Function<List<T>, R> collate)
            implements Dataset<R> {
        @Override
        public long cardinality() {
            long n = source.cardinality();
            if (n < 0) return n;
            return dropRemainder ? n / size : (n + size - 1) / size;
        }

        @Override
        public DataIterator<R> iterator() {
            DataIterator<T> in = source.iterator();
            return new DataIterator.Lookahead<>() {
                @Override
                protected R computeNext() {
                    List<T> items = new ArrayList<>(size);
                    while (items.size() < size && in.hasNext()) items.add(in.next());
                    if (items.isEmpty() || (dropRemainder && items.size() < size)) return end();
                    return collate.apply(items);
                }

                @Override
                protected void onClose() {
                    in.close();
                }
            };
        }
    }

    record Shuffled<T>(Dataset<T> source, int bufferSize, long seed, boolean reshuffleEachIteration, AtomicLong passes)
            implements Dataset<T> {
        @Override
        public long cardinality() {
            return source.cardinality();
        }

        @Override
        public DataIterator<T> iterator() {
            long pass = reshuffleEachIteration ? passes.getAndIncrement() : 0;
            // SplittableRandom's own seed mixing makes nearby (seed, pass) pairs independent streams.
            var random = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (pass + 1)));
            DataIterator<T> in = source.iterator();
            return new DataIterator.Lookahead<>() {
                private final List<T> buffer = new ArrayList<>();

                @Override
                protected T computeNext() {
                    while (buffer.size() < bufferSize && in.hasNext()) buffer.add(in.next());
                    if (buffer.isEmpty()) return end();
                    int i = random.nextInt(buffer.size());
                    T out = buffer.get(i);
                    int last = buffer.size() - 1;
                    buffer.set(i, buffer.get(last));
                    buffer.remove(last);
                    return out;
                }

                @Override
                protected void onClose() {
                    buffer.clear();
                    in.close();
                }
            };
        }
    }

    /** {@code count < 0} repeats forever. */
    record Repeated<T>(Dataset<T> source, int count) implements Dataset<T> {
        @Override
        public long cardinality() {
            long n = source.cardinality();
            if (count == 0 || n == 0) return 0;
            if (n == INFINITE) return INFINITE;
            if (n == UNKNOWN) return UNKNOWN; // repeat() of a possibly empty dataset may be empty
            if (count < 0) return INFINITE;
            return n > Long.MAX_VALUE / count ? Long.MAX_VALUE : n * count;
        }

        @Override
        public DataIterator<T> iterator() {
            return new DataIterator.Lookahead<>() {
                private DataIterator<T> in;
                private int pass;
                private boolean passHadElements;

                @Override
                protected T computeNext() {
                    while (true) {
                        if (in != null && in.hasNext()) {
                            passHadElements = true;
                            return in.next();
                        }
                        if (in != null) {
                            in.close();
                            in = null;
                            pass++;
                            if (!passHadElements) return end(); // an empty pass: repeating would spin forever
                        }
                        if (count >= 0 && pass >= count) return end();
                        in = source.iterator();
                        passHadElements = false;
                    }
                }

                @Override
                protected void onClose() {
                    if (in != null) in.close();
                }
            };
        }
    }

    record Taken<T>(Dataset<T> source, long n) implements Dataset<T> {
        @Override
        public long cardinality() {
            long c = source.cardinality();
            return c == INFINITE ? n : c == UNKNOWN ? UNKNOWN : Math.min(c, n);
        }

        @Override
        public DataIterator<T> iterator() {
            if (n == 0) return DataIterator.of(Collections.emptyIterator());
            DataIterator<T> in = source.iterator();
            return new DataIterator.Lookahead<>() {
                private long taken;

                @Override
                protected T computeNext() {
                    // Ending as soon as the n-th element is out stops upstream threads at once.
                    if (taken >= n || !in.hasNext()) return end();
                    taken++;
                    T t = in.next();
                    if (taken == n) in.close();
                    return t;
                }

                @Override
                protected void onClose() {
                    in.close();
                }
            };
        }
    }

    record Skipped<T>(Dataset<T> source, long n) implements Dataset<T> {
        @Override
        public long cardinality() {
            long c = source.cardinality();
            return c < 0 ? c : Math.max(0, c - n);
        }

        @Override
        public DataIterator<T> iterator() {
            DataIterator<T> in = source.iterator();
            return new DataIterator.Lookahead<>() {
                private boolean skipped;

                @Override
                protected T computeNext() {
                    if (!skipped) {
                        for (long i = 0; i < n && in.hasNext(); i++) in.next();
                        skipped = true;
                    }
                    return in.hasNext() ? in.next() : end();
                }

                @Override
                protected void onClose() {
                    in.close();
                }
            };
        }
    }

    record Cached<T>(Dataset<T> source, AtomicReference<List<T>> store) implements Dataset<T> {
        @Override
        public long cardinality() {
            List<T> c = store.get();
            return c != null ? c.size() : source.cardinality();
        }

        @Override
        public DataIterator<T> iterator() {
            List<T> done = store.get();
            if (done != null) return DataIterator.of(done.iterator());
            DataIterator<T> in = source.iterator();
            return new DataIterator.Lookahead<>() {
                private final List<T> filling = new ArrayList<>();

                @Override
                protected T computeNext() {
                    if (in.hasNext()) {
                        T t = in.next();
                        filling.add(t);
                        return t;
                    }
                    store.compareAndSet(null, Collections.unmodifiableList(filling));
                    return end();
                }

                @Override
                protected void onClose() {
                    in.close();
                }
            };
        }
    }
}
