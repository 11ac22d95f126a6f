package dev.kona.backend.cpu;

import dev.kona.DType;
import dev.kona.Tensor;
import dev.kona.backend.Backend;
import dev.kona.backend.Layout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The CPU side of {@link Backend#holdRightOperand}: float32 matrices packed into GEMM panels once,
 * by the first product of the holding thread that uses them, and found again by its later
 * products while the hold is open (a kernel may keep its own packings of them too: an LSTM step
 * packs W_hh^T its own way and never needs the plain panels). An entry matches a
 * product's B only on the same array, offset, strides and size, and the holder has promised not to
 * write it meanwhile, so a product can never read stale panels.
 */
final class HeldOperands {
    private HeldOperands() {}

    /** One held matrix and its prepared forms, each made on first use (a hold may never need the panels). */
    private static final class Held {
        final float[] array;
        final int offset, rowStride, colStride, k, n;
        final Map<Object, Object> prepared = new HashMap<>();

        Held(float[] array, int offset, int rowStride, int colStride, int k, int n) {
            this.array = array;
            this.offset = offset;
            this.rowStride = rowStride;
            this.colStride = colStride;
            this.k = k;
            this.n = n;
        }
    }

    /** The key of the GEMM panels among a matrix's prepared forms. */
    private static final Object PANELS = new Object();

    private static final ThreadLocal<List<Held>> HELD = ThreadLocal.withInitial(ArrayList::new);

    static Backend.Hold hold(Tensor matrix) {
        Layout l = matrix.layout();
        if (matrix.dtype() != DType.FLOAT32 || l.rank() != 2 || matrix.numel() == 0) return Backend.Hold.NONE;
        float[] a = ((CpuStorage) matrix.storage()).f32();
        var held = new Held(a, l.offset(), l.strides()[0], l.strides()[1], l.shape()[0], l.shape()[1]);
        List<Held> list = HELD.get();
        list.add(held);
        return () -> list.remove(held);
    }

    /** The panels held for this B on the calling thread, or null. */
    static Sgemm.PackedB find(float[] b, int offset, int rowStride, int colStride, int k, int n) {
        Held h = held(b, offset, rowStride, colStride, k, n);
        if (h == null) return null;
        return (Sgemm.PackedB) h.prepared.computeIfAbsent(PANELS, x -> Sgemm.PackedB.of(b, offset, rowStride, colStride, k, n));
    }

    /**
     * Another prepared form of a matrix held on the calling thread (a kernel's own packing of it),
     * made by {@code make} on first use and kept under {@code key} until the hold closes; null
     * when the matrix is not held.
     */
    static <T> T derived(float[] b, int offset, int rowStride, int colStride, int k, int n, Object key, Supplier<T> make) {
        Held h = held(b, offset, rowStride, colStride, k, n);
        if (h == null) return null;
        @SuppressWarnings("unchecked")
        T value = (T) h.prepared.computeIfAbsent(key, x -> make.get());
        return value;
    }

    private static Held held(float[] b, int offset, int rowStride, int colStride, int k, int n) {
        List<Held> list = HELD.get();
        for (int i = list.size() - 1; i >= 0; i--) {
            Held h = list.get(i);
            if (h.array == b && h.offset == offset && h.rowStride == rowStride && h.colStride == colStride && h.k == k
                    && h.n == n) {
                return h;
            }
        }
        return null;
    }
}
