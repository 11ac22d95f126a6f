package dev.kona.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kona.DType;
import dev.kona.Generator;
import dev.kona.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataLoaderTest {
    private static final Tensor X = Tensor.arange(0, 20, 1).reshape(10, 2).to(DType.FLOAT32);
    private static final Tensor Y = Tensor.arange(10);

    private static List<Long> labels(Iterable<Example> loader) {
        List<Long> out = new ArrayList<>();
        for (Example b : loader) for (long v : b.y().toLongArray()) out.add(v);
        return out;
    }

    @Test
    void batchesInOrderWithoutShuffle() {
        var loader = new DataLoader<>(Dataset.fromTensors(X, Y), 4);
        assertEquals(3, loader.size());
        List<Example> batches = loader.toList();
        assertEquals(3, batches.size());
        assertArrayEquals(new int[] {4, 2}, batches.get(0).x().shape());
        assertArrayEquals(new int[] {2, 2}, batches.get(2).x().shape());
        assertArrayEquals(new float[] {16, 17, 18, 19}, batches.get(2).x().toFloatArray());
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), labels(loader));
    }

    @Test
    void dropLastDropsTheShortBatch() {
        var loader = new DataLoader<>(Dataset.fromTensors(X, Y), 4, false, true, null);
        assertEquals(2, loader.size());
        assertEquals(2, loader.toList().size());
    }

    @Test
    void shuffleIsSeededByTheGeneratorAndNewEachEpoch() {
        var a = new DataLoader<>(Dataset.fromTensors(X, Y), 3, true, false, new Generator(0));
        var b = new DataLoader<>(Dataset.fromTensors(X, Y), 3, true, false, new Generator(0));
        List<Long> a1 = labels(a), a2 = labels(a);
        assertEquals(a1, labels(b));
        assertEquals(a2, labels(b));
        assertNotEquals(a1, a2);
        List<Long> sorted = new ArrayList<>(a1);
        sorted.sort(null);
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), sorted);
        // x rows travel with their labels
        for (Example batch : a) {
            long[] y = batch.y().toLongArray();
            float[] x = batch.x().toFloatArray();
            for (int i = 0; i < y.length; i++) assertEquals(2 * y[i], x[2 * i]);
        }
    }

    @Test
    void workersAndPrefetchGiveTheSameBatches() {
        var plain = new DataLoader<>(Dataset.fromTensors(X, Y), 3, true, false, new Generator(5));
        var threaded = new DataLoader<>(Dataset.fromTensors(X, Y), 3, true, false, new Generator(5))
                .withWorkers(2).withPrefetch(2);
        for (int epoch = 0; epoch < 3; epoch++) assertEquals(labels(plain), labels(threaded));
    }

    @Test
    void anyIndexedDatasetWorksThroughDefaultCollate() {
        IndexedDataset<Example> squares = IndexedDataset.of(7,
                i -> new Example(Tensor.full(new int[] {2}, i), Tensor.of(new long[] {(long) i * i}, new int[0])));
        var loader = new DataLoader<>(squares, 3);
        List<Example> batches = loader.toList();
        assertEquals(3, batches.size());
        assertArrayEquals(new int[] {3, 2}, batches.get(0).x().shape());
        assertEquals("[0, 1, 4]", Arrays.toString(batches.get(0).y().toLongArray()));
        assertArrayEquals(new int[] {1, 2}, batches.get(2).x().shape());
    }

    @Test
    void badArgumentsAreRejected() {
        var ds = Dataset.fromTensors(X, Y);
        assertThrows(IllegalArgumentException.class, () -> new DataLoader<>(ds, 0));
        assertThrows(IllegalArgumentException.class, () -> new DataLoader<>(ds, 2).withWorkers(-1));
        assertThrows(IllegalArgumentException.class, () -> new DataLoader<>(ds, 2).withPrefetch(-1));
    }
}
