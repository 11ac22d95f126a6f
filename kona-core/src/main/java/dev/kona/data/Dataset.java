package dev.kona.data;

import dev.kona.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A re-iterable sequence of elements with tf.data's transformations: each {@link #iterator()} is a
 * new pass (an epoch) over the data.
 *
 * <pre>{@code
 * TrainTest mnist = Mnist.load();
 * Dataset<Example> train = Dataset.fromTensors(mnist.train().x(), mnist.train().y())
 *         .map(e -> new Example(e.x().to(DType.FLOAT32).div(255), e.y()))
 *         .shuffle(10_000, 42)          // a new order each epoch, the same orders on every run
 *         .batch(64, false)             // x: [64, 28, 28] float32, y: [64] int64
 *         .prefetch(2);                 // the next batches are made on another thread
 * for (int epoch = 0; epoch < 5; epoch++) {
 *     for (Example batch : train) { ... }
 * }
 * }</pre>
 *
 * <p><b>Elements.</b> A dataset holds elements of any type {@code T}; the transformations that
 * build batches ({@link #batch}) know how to stack a {@link Tensor}, an {@link Example}
 * {@code (x, y)} and a {@code List<Tensor>} (see {@link Collate#stack}); for other types pass a
 * collate function. Slicing a tensor along dimension 0 ({@link #fromTensors}) gives views that
 * share its storage.
 *
 * <p><b>Threads.</b> {@link #map(Function, int)} and {@link #prefetch} run work on daemon threads
 * owned by the iterator; closing the iterator (or reaching the end) stops them. A failure on one of
 * those threads reaches the consumer as a {@link DataException} whose cause is the original
 * exception.
 *
 * <p><b>Memory scopes.</b> Elements that a dataset keeps ({@link #cache}, {@link #fromList}) must
 * not be created inside a {@link dev.kona.MemoryScope} that closes while the dataset is in use:
 * fill a cache outside any scope, or behind {@link #prefetch}, whose thread has no scope.
 */
public interface Dataset<T> extends Iterable<T> {
    /** {@link #cardinality()} of a dataset that never ends. */
    long INFINITE = -1;
    /** {@link #cardinality()} when the number of elements is not known without iterating. */
    long UNKNOWN = -2;

    /** Starts a new pass over the elements. Close the iterator when you stop before the end. */
    @Override
    DataIterator<T> iterator();

    /** The number of elements, or {@link #INFINITE}, or {@link #UNKNOWN}. */
    default long cardinality() {
        return UNKNOWN;
    }

    // ---------------------------------------------------------------- sources

    /**
     * Examples {@code (x[i], y[i])}: both tensors are sliced along dimension 0, which must have the
     * same size. Elements are views; {@link IndexedDataset#getBatch} gathers a batch in one copy.
     *
     * <pre>{@code
     * var ds = Dataset.fromTensors(Tensor.randn(100, 3), Tensor.randint(0, 2, 100));
     * ds.get(0).x();   // [3]
     * ds.get(0).y();   // [] int64
     * }</pre>
     */
    static IndexedDataset<Example> fromTensors(Tensor x, Tensor y) {
        return TensorDatasets.of(x, y);
    }

    /** The slices {@code x[i]} of a tensor along dimension 0. */
    static IndexedDataset<Tensor> fromTensors(Tensor x) {
        return TensorDatasets.of(x);
    }

    /**
     * Examples from Java arrays: {@code x[i]} becomes a float32 [features] tensor and {@code y[i]}
     * a 0-d int64 class index. Rows must have equal lengths.
     */
    static IndexedDataset<Example> fromArrays(float[][] x, long[] y) {
        return TensorDatasets.of(TensorDatasets.rows("fromArrays", x, y.length), Tensor.of(y));
    }

    /** Examples from Java arrays with float32 regression targets: {@code y[i]} becomes a 0-d float32 tensor. */
    static IndexedDataset<Example> fromArrays(float[][] x, float[] y) {
        return TensorDatasets.of(TensorDatasets.rows("fromArrays", x, y.length), Tensor.of(y));
    }

    /** The elements of a list, in order (the list is copied). */
    static <T> IndexedDataset<T> fromList(List<T> elements) {
        List<T> copy = new ArrayList<>(elements);
        return IndexedDataset.of(copy.size(), copy::get);
    }

    /**
     * The elements of an iterable; every pass calls {@code source.iterator()} again, so a source that
     * can be iterated only once gives a dataset that can be iterated only once.
     */
    static <T> Dataset<T> fromIterable(Iterable<T> source) {
        Objects.requireNonNull(source, "Dataset.fromIterable: source is null");
        return () -> DataIterator.of(source.iterator());
    }

    // ---------------------------------------------------------------- transformations

    /** Applies {@code fn} to every element, on the consuming thread. */
    default <R> Dataset<R> map(Function<? super T, ? extends R> fn) {
        return new Pipeline.Mapped<>(this, Objects.requireNonNull(fn, "map: fn is null"));
    }

    /**
     * Applies {@code fn} to every element on {@code numWorkers} daemon threads, keeping the order of
     * the elements. Up to {@code 2 * numWorkers} elements are in flight; {@code fn} must be
     * thread-safe. {@code numWorkers = 0} maps on the consuming thread.
     */
    default <R> Dataset<R> map(Function<? super T, ? extends R> fn, int numWorkers) {
        Objects.requireNonNull(fn, "map: fn is null");
        if (numWorkers < 0) throw new IllegalArgumentException("map: numWorkers must be >= 0, got " + numWorkers);
        return numWorkers == 0 ? new Pipeline.Mapped<>(this, fn) : new ParallelMap<>(this, fn, numWorkers);
    }

    /** Keeps the elements for which {@code keep} is true. */
    default Dataset<T> filter(Predicate<? super T> keep) {
        return new Pipeline.Filtered<>(this, Objects.requireNonNull(keep, "filter: predicate is null"));
    }

    /** {@code batch(batchSize, false)}: the last batch may be smaller. */
    default Dataset<T> batch(int batchSize) {
        return batch(batchSize, false);
    }

    /**
     * Stacks consecutive elements into batches with {@link Collate#stack}: a {@code Tensor} of shape
     * {@code s} becomes {@code [n, s...]}, an {@link Example} becomes an example of batched x and y.
     *
     * @param dropRemainder drop a last batch smaller than {@code batchSize}
     */
    default Dataset<T> batch(int batchSize, boolean dropRemainder) {
        return batch(batchSize, dropRemainder, Collate::stack);
    }

    /** Groups consecutive elements into lists of {@code batchSize} and turns each with {@code collate}. */
    default <R> Dataset<R> batch(int batchSize, boolean dropRemainder, Function<List<T>, R> collate) {
        if (batchSize <= 0) throw new IllegalArgumentException("batch: batchSize must be positive, got " + batchSize);
        return new Pipeline.Batched<>(this, batchSize, dropRemainder, Objects.requireNonNull(collate, "batch: collate is null"));
    }

    /** {@code shuffle(bufferSize, seed, true)}. */
    default Dataset<T> shuffle(int bufferSize, long seed) {
        return shuffle(bufferSize, seed, true);
    }

    /**
     * Shuffles with a buffer, as tf.data: the buffer is filled with the first {@code bufferSize}
     * elements, then each output is drawn uniformly from the buffer and its slot refilled from the
     * input. A buffer at least as large as the dataset gives a uniform permutation; a smaller one
     * shuffles locally and streams. Orders depend only on {@code seed}: with
     * {@code reshuffleEachIteration}, pass k of this dataset uses an order derived from
     * {@code (seed, k)}, so epochs differ and a rerun repeats them.
     */
    default Dataset<T> shuffle(int bufferSize, long seed, boolean reshuffleEachIteration) {
        if (bufferSize <= 0) throw new IllegalArgumentException("shuffle: bufferSize must be positive, got " + bufferSize);
        return new Pipeline.Shuffled<>(this, bufferSize, seed, reshuffleEachIteration, new java.util.concurrent.atomic.AtomicLong());
    }

    /** Passes over the dataset {@code count} times (each pass is a new iteration, reshuffled when shuffled). */
    default Dataset<T> repeat(int count) {
        if (count < 0) throw new IllegalArgumentException("repeat: count must be >= 0, got " + count + "; use repeat() to repeat forever");
        return new Pipeline.Repeated<>(this, count);
    }

    /** Passes over the dataset forever (an empty dataset stays empty). */
    default Dataset<T> repeat() {
        return new Pipeline.Repeated<>(this, -1);
    }

    /** The first {@code n} elements. */
    default Dataset<T> take(long n) {
        if (n < 0) throw new IllegalArgumentException("take: n must be >= 0, got " + n);
        return new Pipeline.Taken<>(this, n);
    }

    /** All but the first {@code n} elements. */
    default Dataset<T> skip(long n) {
        if (n < 0) throw new IllegalArgumentException("skip: n must be >= 0, got " + n);
        return new Pipeline.Skipped<>(this, n);
    }

    /**
     * Keeps the elements of the first complete pass in memory and serves later passes from there
     * (the transformations above the cache run once). A pass abandoned before the end caches
     * nothing.
     */
    default Dataset<T> cache() {
        return new Pipeline.Cached<>(this, new java.util.concurrent.atomic.AtomicReference<>());
    }

    /**
     * Computes up to {@code bufferSize} elements ahead on a daemon thread, so that the consumer
     * finds the next element ready while it works on the current one.
     */
    default Dataset<T> prefetch(int bufferSize) {
        if (bufferSize <= 0) throw new IllegalArgumentException("prefetch: bufferSize must be positive, got " + bufferSize);
        return new Prefetch<>(this, bufferSize);
    }

    /** All elements of one pass, in a new list. Fails on an infinite dataset. */
    default List<T> toList() {
        if (cardinality() == INFINITE) throw new IllegalStateException("toList: the dataset is infinite; take(n) first");
        List<T> out = new ArrayList<>();
        try (var it = iterator()) {
            while (it.hasNext()) out.add(it.next());
        }
        return out;
    }
}
