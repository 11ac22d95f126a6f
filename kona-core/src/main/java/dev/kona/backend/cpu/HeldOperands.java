package dev.kona.backend.cpu;

import dev.kona.DType;
import dev.kona.Tensor;
import dev.kona.backend.Backend;
import dev.kona.backend.Layout;
import java.util.ArrayList;
import java.util.List;

/**
 * The CPU side of {@link Backend#holdRightOperand}: float32 matrices packed into GEMM panels once,
 * found again by the products of the holding thread while the hold is open. An entry matches a
 * product's B only on the same array, offset, strides and size, and the holder has promised not to
 * write it meanwhile, so a product can never read stale panels.
 */
final class HeldOperands {
    private HeldOperands() {}

    private record Held(float[] array, int offset, int rowStride, int colStride, int k, int n, Sgemm.PackedB packed) {}

    private static final ThreadLocal<List<Held>> HELD = ThreadLocal.withInitial(ArrayList::new);

    static Backend.Hold hold(Tensor matrix) {
        Layout l = matrix.layout();
        if (matrix.dtype() != DType.FLOAT32 || l.rank() != 2 || matrix.numel() == 0) return Backend.Hold.NONE;
        float[] a = ((CpuStorage) matrix.storage()).f32();
        int k = l.shape()[0], n = l.shape()[1], rs = l.strides()[0], cs = l.strides()[1];
        var held = new Held(a, l.offset(), rs, cs, k, n, Sgemm.PackedB.of(a, l.offset(), rs, cs, k, n));
        List<Held> list = HELD.get();
        list.add(held);
        return () -> list.remove(held);
    }

    /** The panels held for this B on the calling thread, or null. */
    static Sgemm.PackedB find(float[] b, int offset, int rowStride, int colStride, int k, int n) {
        List<Held> list = HELD.get();
        for (int i = list.size() - 1; i >= 0; i--) {
            Held h = list.get(i);
            if (h.array == b && h.offset == offset && h.rowStride == rowStride && h.colStride == colStride && h.k == k
                    && h.n == n) {
                return h.packed;
            }
        }
        return null;
    }
}
