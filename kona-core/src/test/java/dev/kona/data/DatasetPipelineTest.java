package dev.kona.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.DType;
import dev.kona.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DatasetPipelineTest {
    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    // ---------------------------------------------------------------- sources and batching

    @Test
    void fromTensorsSlicesAlongDimZero() {
        Tensor x = Tensor.arange(0, 30, 1).reshape(10, 3).to(DType.FLOAT32);
        Tensor y = Tensor.arange(10);
        var ds = Dataset.fromTensors(x, y);
        assertEquals(10, ds.size());
        assertEquals(10, ds.cardinality());
        assertArrayEquals(new int[] {3}, ds.get(4).x().shape());
        assertArrayEquals(new int[0], ds.get(4).y().shape());
        assertArrayEquals(new float[] {12, 13, 14}, ds.get(4).x().toFloatArray());
        assertEquals(4, ds.get(4).y().itemLong());
        assertEquals(10, ds.toList().size());
        var e = assertThrows(IllegalArgumentException.class, () -> Dataset.fromTensors(x, Tensor.arange(9)));
        assertTrue(e.getMessage().contains("x has 10 rows") && e.getMessage().contains("y has 9"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> ds.get(10));
    }

    @Test
    void batchStacksExamplesAndHonoursDropRemainder() {
        Tensor x = Tensor.arange(0, 30, 1).reshape(10, 3).to(DType.FLOAT32);
        Tensor y = Tensor.arange(10);
        List<Example> batches = Dataset.fromTensors(x, y).batch(4).toList();
        assertEquals(3, batches.size());
        assertArrayEquals(new int[] {4, 3}, batches.get(0).x().shape());
        assertArrayEquals(new int[] {4}, batches.get(0).y().shape());
        assertArrayEquals(new int[] {2, 3}, batches.get(2).x().shape());
        assertArrayEquals(new long[] {8, 9}, batches.get(2).y().toLongArray());
        assertEquals(DType.INT64, batches.get(0).y().dtype());
        assertArrayEquals(new float[] {12, 13, 14, 15, 16, 17}, batches.get(1).x().narrow(0, 0, 2).toFloatArray());

        var dropped = Dataset.fromTensors(x, y).batch(4, true);
        assertEquals(2, dropped.cardinality());
        assertEquals(2, dropped.toList().size());
        assertEquals(3, Dataset.fromTensors(x, y).batch(4).cardinality());
    }

    @Test
    void batchStacksTensorsAndListsAndTakesACustomCollate() {
        Tensor t = Dataset.fromTensors(Tensor.ones(5, 2, 2)).batch(5).toList().get(0);
        assertArrayEquals(new int[] {5, 2, 2}, t.shape());

        List<List<Tensor>> pairs = new ArrayList<>();
        for (int i = 0; i < 3; i++) pairs.add(List.of(Tensor.full(new int[] {2}, i), Tensor.scalar(i)));
        List<Tensor> batch = Dataset.fromList(pairs).batch(3).toList().get(0);
        assertArrayEquals(new int[] {3, 2}, batch.get(0).shape());
        assertArrayEquals(new float[] {0, 1, 2}, batch.get(1).toFloatArray());

        List<Integer> sums = Dataset.fromList(range(7)).batch(3, false, l -> l.stream().mapToInt(i -> i).sum()).toList();
        assertEquals(List.of(3, 12, 6), sums);
    }

    @Test
    void batchErrorsNameTheProblem() {
        var mixed = Dataset.fromList(List.of(Tensor.zeros(2), Tensor.zeros(3))).batch(2);
        var e = assertThrows(IllegalArgumentException.class, mixed::toList);
        assertTrue(e.getMessage().contains("Collate.stack") && e.getMessage().contains("[3]"), e.getMessage());
        var strings = Dataset.fromList(List.of("a", "b")).batch(2);
        e = assertThrows(IllegalArgumentException.class, strings::toList);
        assertTrue(e.getMessage().contains("java.lang.String") && e.getMessage().contains("collate"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Dataset.fromList(range(3)).batch(0));
    }

    // ---------------------------------------------------------------- shuffle

    @Test
    void shuffleIsASeededPermutationReshuffledEachPass() {
        var a = Dataset.fromList(range(100)).shuffle(100, 7);
        var b = Dataset.fromList(range(100)).shuffle(100, 7);
        List<Integer> a1 = a.toList(), a2 = a.toList(), b1 = b.toList(), b2 = b.toList();
        assertEquals(a1, b1, "same seed, same first pass");
        assertEquals(a2, b2, "same seed, same second pass");
        assertNotEquals(a1, a2, "each pass is reshuffled");
        assertNotEquals(range(100), a1);
        assertEquals(range(100), a1.stream().sorted().toList(), "a permutation");
        assertNotEquals(a1, Dataset.fromList(range(100)).shuffle(100, 8).toList(), "another seed, another order");

        var fixed = Dataset.fromList(range(50)).shuffle(50, 3, false);
        assertEquals(fixed.toList(), fixed.toList());
        assertEquals(range(20), Dataset.fromList(range(20)).shuffle(1, 1).toList(), "a buffer of one keeps the order");
    }

    @Test
    void smallShuffleBufferOnlyMovesElementsLocally() {
        int buffer = 10;
        List<Integer> out = Dataset.fromList(range(200)).shuffle(buffer, 5).toList();
        assertEquals(range(200), out.stream().sorted().toList());
        for (int p = 0; p < out.size(); p++) {
            assertTrue(out.get(p) <= p + buffer - 1, "position " + p + " holds " + out.get(p) + ", beyond the buffer");
        }
        assertNotEquals(range(200), out);
    }

    @Test
    void shuffleThenRepeatGivesADifferentOrderEachEpoch() {
        List<Integer> two = Dataset.fromList(range(30)).shuffle(30, 11).repeat(2).toList();
        assertEquals(60, two.size());
        assertNotEquals(two.subList(0, 30), two.subList(30, 60));
        assertEquals(two, Dataset.fromList(range(30)).shuffle(30, 11).repeat(2).toList());
    }

    // ---------------------------------------------------------------- repeat, take, skip, filter, cache

    @Test
    void repeatTakeSkipFilter() {
        var ds = Dataset.fromList(List.of(1, 2, 3));
        assertEquals(List.of(1, 2, 3, 1, 2, 3), ds.repeat(2).toList());
        assertEquals(6, ds.repeat(2).cardinality());
        assertEquals(List.of(), ds.repeat(0).toList());
        assertEquals(Dataset.INFINITE, ds.repeat().cardinality());
        assertEquals(List.of(1, 2, 3, 1, 2, 3, 1), ds.repeat().take(7).toList());
        assertEquals(7, ds.repeat().take(7).cardinality());
        assertEquals(List.of(), Dataset.fromList(List.<Integer>of()).repeat().toList(), "an empty dataset repeated stays empty");
        assertEquals(List.of(3, 4, 5), Dataset.fromList(range(10)).skip(3).take(3).toList());
        assertEquals(List.of(), ds.skip(5).toList());
        assertEquals(0, ds.skip(5).cardinality());
        assertEquals(List.of(0, 2, 4), Dataset.fromList(range(6)).filter(i -> i % 2 == 0).toList());
        assertEquals(Dataset.UNKNOWN, ds.filter(i -> true).cardinality());
        assertThrows(IllegalStateException.class, () -> ds.repeat().toList());
        assertEquals(List.of("1", "2"), Dataset.fromIterable(List.of(1, 2)).map(String::valueOf).toList());
    }

    @Test
    void cacheRunsTheUpstreamOnceAndOnlyCachesCompletePasses() {
        var calls = new AtomicInteger();
        var ds = Dataset.fromList(range(10)).map(i -> {
            calls.incrementAndGet();
            return i * i;
        }).cache();
        assertEquals(List.of(0, 1), ds.take(2).toList());
        assertEquals(2, calls.get());
        assertEquals(10, ds.toList().size());
        assertEquals(12, calls.get(), "the abandoned pass cached nothing");
        assertEquals(ds.toList(), ds.toList());
        assertEquals(12, calls.get(), "later passes come from the cache");
        assertEquals(10, ds.cardinality());
    }

    // ---------------------------------------------------------------- parallel map

    @Test
    void parallelMapKeepsOrderAndUsesSeveralThreads() {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        List<Integer> out = Dataset.fromList(range(40)).map(i -> {
            threads.add(Thread.currentThread().getName());
            sleep((40 - i) % 4);
            return 2 * i;
        }, 4).toList();
        assertEquals(range(40).stream().map(i -> 2 * i).toList(), out);
        assertTrue(threads.size() >= 2, "workers used: " + threads);
        assertFalse(threads.contains(Thread.currentThread().getName()));
        assertEquals(List.of(0, 1, 2), Dataset.fromList(range(3)).map(i -> i, 0).toList());
    }

    @Test
    void parallelMapFailureKeepsTheCause() {
        var ds = Dataset.fromList(range(20)).map(i -> {
            if (i == 5) throw new IllegalStateException("bad element " + i);
            return i;
        }, 3);
        List<Integer> seen = new ArrayList<>();
        var e = assertThrows(DataException.class, () -> {
            for (int i : ds) seen.add(i);
        });
        assertEquals(List.of(0, 1, 2, 3, 4), seen);
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertEquals("bad element 5", e.getCause().getMessage());
        assertTrue(e.getMessage().contains("element 5"), e.getMessage());
    }

    @Test
    void closingAParallelMapIteratorStopsItsWorkers() throws Exception {
        Set<Thread> workers = ConcurrentHashMap.newKeySet();
        var it = Dataset.fromList(range(5)).repeat().map(i -> {
            workers.add(Thread.currentThread());
            return i;
        }, 2).iterator();
        assertEquals(0, it.next());
        it.close();
        for (Thread t : workers) {
            t.join(5000);
            assertFalse(t.isAlive(), t.getName());
        }
    }

    // ---------------------------------------------------------------- prefetch

    @Test
    void prefetchRunsAheadOnAnotherThread() throws Exception {
        var produced = new AtomicInteger();
        var producer = new AtomicReference<Thread>();
        var ds = Dataset.fromList(range(100)).map(i -> {
            producer.set(Thread.currentThread());
            produced.incrementAndGet();
            return i;
        }).prefetch(3);
        try (var it = ds.iterator()) {
            assertEquals(0, it.next());
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (produced.get() < 4 && System.nanoTime() < deadline) Thread.sleep(5);
            assertTrue(produced.get() >= 4, "the producer ran ahead: " + produced.get());
            Thread.sleep(100);
            assertTrue(produced.get() <= 1 + 3 + 2, "the queue is bounded: " + produced.get() + " produced");
            assertNotSame(Thread.currentThread(), producer.get());
            assertTrue(producer.get().isDaemon());
            assertTrue(producer.get().getName().startsWith("kona-prefetch"), producer.get().getName());
            for (int i = 1; i < 100; i++) assertEquals(i, it.next());
            assertFalse(it.hasNext());
        }
        producer.get().join(5000);
        assertFalse(producer.get().isAlive(), "the producer ends with the data");
    }

    @Test
    void prefetchOverlapsASlowProducerWithASlowConsumer() {
        int n = 8;
        long delay = 50;
        var ds = Dataset.fromList(range(n)).map(i -> {
            sleep(delay);
            return i;
        }).prefetch(n);
        long start = System.nanoTime();
        int count = 0;
        for (int ignored : ds) {
            sleep(delay);
            count++;
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(n, count);
        // In sequence this takes 2 * n * delay = 800 ms; overlapped about (n + 1) * delay = 450 ms.
        assertTrue(ms < 0.8 * 2 * n * delay, "took " + ms + " ms: the consumer waited for the producer");
    }

    @Test
    void prefetchPropagatesTheProducersExceptionWithItsCause() {
        var ds = Dataset.fromList(range(10)).map(i -> {
            if (i == 3) throw new IllegalArgumentException("cannot decode element 3");
            return i;
        }).prefetch(2);
        List<Integer> seen = new ArrayList<>();
        var e = assertThrows(DataException.class, () -> {
            for (int i : ds) seen.add(i);
        });
        assertEquals(List.of(0, 1, 2), seen);
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
        assertEquals("cannot decode element 3", e.getCause().getMessage());
        assertTrue(e.getMessage().contains("prefetch"), e.getMessage());
    }

    @Test
    void closingAPrefetchIteratorStopsItsThread() throws Exception {
        var producer = new AtomicReference<Thread>();
        var ds = Dataset.fromList(range(5)).repeat().map(i -> {
            producer.set(Thread.currentThread());
            return i;
        }).prefetch(2);
        var it = ds.iterator();
        assertEquals(0, it.next());
        it.close();
        producer.get().join(5000);
        assertFalse(producer.get().isAlive());
        assertFalse(it.hasNext());
        // take(n) closes its input at the n-th element, which stops the thread without close().
        List<Integer> first = new ArrayList<>();
        for (int i : ds.take(3)) first.add(i);
        assertEquals(List.of(0, 1, 2), first);
        producer.get().join(5000);
        assertFalse(producer.get().isAlive());
    }

    @Test
    void anAbandonedPrefetchIteratorStopsItsThreadOnceCollected() throws Exception {
        Thread producer = startAndAbandon();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (producer.isAlive() && System.nanoTime() < deadline) {
            System.gc();
            producer.join(100);
        }
        assertFalse(producer.isAlive(), "the abandoned iterator's thread still runs");
    }

    private static Thread startAndAbandon() throws InterruptedException {
        var producer = new AtomicReference<Thread>();
        var it = Dataset.fromList(range(5)).repeat().map(i -> {
            producer.set(Thread.currentThread());
            return i;
        }).prefetch(2).iterator();
        assertEquals(0, it.next());
        return producer.get();
    }

    @Test
    void argumentsAreChecked() {
        var ds = Dataset.fromList(range(3));
        assertThrows(IllegalArgumentException.class, () -> ds.prefetch(0));
        assertThrows(IllegalArgumentException.class, () -> ds.shuffle(0, 1));
        assertThrows(IllegalArgumentException.class, () -> ds.take(-1));
        assertThrows(IllegalArgumentException.class, () -> ds.skip(-1));
        assertThrows(IllegalArgumentException.class, () -> ds.repeat(-2));
        assertThrows(IllegalArgumentException.class, () -> ds.map(i -> i, -1));
    }
}
