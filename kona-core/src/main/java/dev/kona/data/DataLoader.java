package dev.kona.data;

import dev.kona.Generator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * PyTorch's {@code DataLoader}: batches of an {@link IndexedDataset}, in order or reshuffled every
 * epoch.
 *
 * <pre>{@code
 * var loader = new DataLoader<>(Dataset.fromTensors(x, y), 64, true, false, new Generator(0))
 *         .withWorkers(2)       // batches gathered on 2 threads
 *         .withPrefetch(2);     // up to 2 batches ready ahead of the training loop
 * for (int epoch = 0; epoch < epochs; epoch++) {
 *     for (Example batch : loader) { ... }   // x: [64, ...], y: [64]
 * }
 * }</pre>
 *
 * <p>Each {@link #iterator()} is an epoch: with {@code shuffle}, it draws a new permutation of the
 * indices from the generator (so a generator seeded the same gives the same epochs), splits it
 * into batches of {@code batchSize} indices and fetches each with {@link IndexedDataset#getBatch},
 * which gathers rows of tensor datasets in one copy. Workers and prefetch run on the same machinery
 * as {@link Dataset#map(java.util.function.Function, int)} and {@link Dataset#prefetch}.
 */
public final class DataLoader<T> implements Dataset<T> {
    private final IndexedDataset<T> dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final Generator generator;
    private final int workers;
    private final int prefetch;

    /** Batches in order, the last one possibly smaller. */
    public DataLoader(IndexedDataset<T> dataset, int batchSize) {
        this(dataset, batchSize, false, false, null);
    }

    /** Batches reshuffled each epoch from the global generator ({@link dev.kona.Kona#manualSeed}). */
    public DataLoader(IndexedDataset<T> dataset, int batchSize, boolean shuffle) {
        this(dataset, batchSize, shuffle, false, null);
    }

    /**
     * @param dropLast  drop the last batch when it is smaller than {@code batchSize}
     * @param generator the source of the permutations; null for the global generator
     */
    public DataLoader(IndexedDataset<T> dataset, int batchSize, boolean shuffle, boolean dropLast, Generator generator) {
        this(dataset, batchSize, shuffle, dropLast, generator, 0, 0);
    }

    private DataLoader(IndexedDataset<T> dataset, int batchSize, boolean shuffle, boolean dropLast, Generator generator,
                       int workers, int prefetch) {
        this.dataset = Objects.requireNonNull(dataset, "DataLoader: dataset is null");
        if (batchSize <= 0) throw new IllegalArgumentException("DataLoader: batchSize must be positive, got " + batchSize);
        if (workers < 0) throw new IllegalArgumentException("DataLoader: workers must be >= 0, got " + workers);
        if (prefetch < 0) throw new IllegalArgumentException("DataLoader: prefetch must be >= 0, got " + prefetch);
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.dropLast = dropLast;
        this.generator = generator;
        this.workers = workers;
        this.prefetch = prefetch;
    }

    /** The same loader fetching batches on {@code workers} daemon threads (0: on the consuming thread). */
    public DataLoader<T> withWorkers(int workers) {
        return new DataLoader<>(dataset, batchSize, shuffle, dropLast, generator, workers, prefetch);
    }

    /** The same loader keeping up to {@code batches} batches ready on a background thread (0: none). */
    public DataLoader<T> withPrefetch(int batches) {
        return new DataLoader<>(dataset, batchSize, shuffle, dropLast, generator, workers, batches);
    }

    /** The number of batches per epoch, as {@code len(loader)}. */
    public int size() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    @Override
    public long cardinality() {
        return size();
    }

    public IndexedDataset<T> dataset() {
        return dataset;
    }

    public int batchSize() {
        return batchSize;
    }

    @Override
    public DataIterator<T> iterator() {
        int[] order = order();
        List<int[]> batches = new ArrayList<>(size());
        for (int start = 0; start < order.length; start += batchSize) {
            int end = Math.min(start + batchSize, order.length);
            if (dropLast && end - start < batchSize) break;
            batches.add(Arrays.copyOfRange(order, start, end));
        }
        Dataset<T> pipeline = Dataset.fromList(batches).map(dataset::getBatch, workers);
        if (prefetch > 0) pipeline = pipeline.prefetch(prefetch);
        return pipeline.iterator();
    }

    /** The indices of one epoch: 0..n-1, or a Fisher-Yates permutation drawn from the generator. */
    private int[] order() {
        int n = dataset.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        if (shuffle) {
            Generator g = generator != null ? generator : Generator.global();
            for (int i = n - 1; i > 0; i--) {
                int j = (int) g.nextLong(0, i + 1);
                int tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
            }
        }
        return order;
    }

    @Override
    public String toString() {
        return "DataLoader[" + dataset + ", batchSize=" + batchSize + ", shuffle=" + shuffle + ", dropLast=" + dropLast
                + ", workers=" + workers + ", prefetch=" + prefetch + "]";
    }
}
