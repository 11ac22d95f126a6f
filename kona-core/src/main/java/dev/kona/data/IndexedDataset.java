package dev.kona.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * A dataset with random access ("map-style" in PyTorch's words): a size and {@code get(i)}. It is
 * also a {@link Dataset} that iterates {@code get(0)}, {@code get(1)}, ... in order, and the
 * input of a {@link DataLoader}.
 *
 * <pre>{@code
 * IndexedDataset<Example> squares = IndexedDataset.of(100,
 *         i -> new Example(Tensor.scalar(i), Tensor.scalar(i * i)));
 * var loader = new DataLoader<>(squares, 10, true);   // 10 shuffled batches per epoch
 * }</pre>
 */
public interface IndexedDataset<T> extends Dataset<T> {
    /** The number of elements. */
    int size();

    /** Element {@code index}, for {@code 0 <= index < size()}. */
    T get(int index);

    /**
     * The elements at {@code indices}, collated into one batch. The default stacks
     * {@code get(i)} with {@link Collate#stack}; datasets over tensors gather the rows in one copy.
     */
    default T getBatch(int[] indices) {
        List<T> items = new ArrayList<>(indices.length);
        for (int i : indices) items.add(get(i));
        return Collate.stack(items);
    }

    @Override
    default long cardinality() {
        return size();
    }

    @Override
    default DataIterator<T> iterator() {
        int n = size();
        return new DataIterator.Lookahead<>() {
            private int i;

            @Override
            protected T computeNext() {
                return i < n ? get(i++) : end();
            }
        };
    }

    /** A dataset of {@code size} elements computed on demand by {@code get}. */
    static <T> IndexedDataset<T> of(int size, IntFunction<? extends T> get) {
        Objects.requireNonNull(get, "IndexedDataset.of: get is null");
        if (size < 0) throw new IllegalArgumentException("IndexedDataset.of: size must be >= 0, got " + size);
        return new IndexedDataset<>() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public T get(int index) {
                return get.apply(Objects.checkIndex(index, size));
            }
        };
    }
}
