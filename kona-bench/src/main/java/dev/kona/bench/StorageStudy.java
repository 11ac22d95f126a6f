package dev.kona.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Locale;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The measurement behind the CPU storage choice (docs/ARCHITECTURE.md): the same Vector API
 * kernels (a sum and an axpy) over heap {@code float[]} and over off-heap {@link MemorySegment}s,
 * plus the cost of allocating a fresh buffer each way. Run: {@code ./kona bench storage}.
 */
public final class StorageStudy {
    private StorageStudy() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder NO = ByteOrder.nativeOrder();

    static float sumArray(float[] a) {
        var acc = FloatVector.zero(S);
        int i = 0;
        for (int b = S.loopBound(a.length); i < b; i += S.length()) acc = acc.add(FloatVector.fromArray(S, a, i));
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < a.length; i++) s += a[i];
        return s;
    }

    static float sumSegment(MemorySegment m, int n) {
        var acc = FloatVector.zero(S);
        int i = 0;
        for (int b = S.loopBound(n); i < b; i += S.length()) acc = acc.add(FloatVector.fromMemorySegment(S, m, (long) i * 4, NO));
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += m.getAtIndex(ValueLayout.JAVA_FLOAT, i);
        return s;
    }

    static void axpyArray(float alpha, float[] x, float[] y) {
        int i = 0;
        for (int b = S.loopBound(x.length); i < b; i += S.length()) {
            FloatVector.fromArray(S, x, i).fma(FloatVector.broadcast(S, alpha), FloatVector.fromArray(S, y, i)).intoArray(y, i);
        }
        for (; i < x.length; i++) y[i] += alpha * x[i];
    }

    static void axpySegment(float alpha, MemorySegment x, MemorySegment y, int n) {
        int i = 0;
        for (int b = S.loopBound(n); i < b; i += S.length()) {
            long off = (long) i * 4;
            FloatVector.fromMemorySegment(S, x, off, NO).fma(FloatVector.broadcast(S, alpha), FloatVector.fromMemorySegment(S, y, off, NO))
                    .intoMemorySegment(y, off, NO);
        }
        for (; i < n; i++) {
            y.setAtIndex(ValueLayout.JAVA_FLOAT, i, y.getAtIndex(ValueLayout.JAVA_FLOAT, i) + alpha * x.getAtIndex(ValueLayout.JAVA_FLOAT, i));
        }
    }

    public static void main(String[] args) {
        System.out.printf(Locale.ROOT, "%-10s %-16s %10s %10s %7s%n", "elements", "kernel", "heap_ms", "segment_ms", "ratio");
        for (int n : new int[] {1 << 12, 1 << 16, 1 << 20, 1 << 24}) {
            float[] xa = new float[n], ya = new float[n];
            for (int i = 0; i < n; i++) xa[i] = (i % 7) * 0.5f;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment xs = arena.allocate((long) n * 4, 64), ys = arena.allocate((long) n * 4, 64);
                MemorySegment.copy(xa, 0, xs, ValueLayout.JAVA_FLOAT, 0, n);
                double budget = 200;
                float[] sink = new float[1];
                row(n, "sum", Timer.medianMs(() -> sink[0] += sumArray(xa), budget),
                        Timer.medianMs(() -> sink[0] += sumSegment(xs, n), budget));
                row(n, "axpy", Timer.medianMs(() -> axpyArray(0.5f, xa, ya), budget),
                        Timer.medianMs(() -> axpySegment(0.5f, xs, ys, n), budget));
                row(n, "allocate", Timer.medianMs(() -> sink[0] += (new float[n])[n - 1], budget),
                        Timer.medianMs(() -> {
                            try (Arena a = Arena.ofConfined()) {
                                sink[0] += a.allocate((long) n * 4, 64).get(ValueLayout.JAVA_FLOAT, 0);
                            }
                        }, budget));
                if (sink[0] == 42) System.out.print("");
            }
        }
    }

    private static void row(int n, String kernel, double heap, double seg) {
        System.out.printf(Locale.ROOT, "%-10d %-16s %10.4f %10.4f %6.2fx%n", n, kernel, heap, seg, seg / heap);
    }
}
