package dev.kona.backend;

import dev.kona.Shape;
import java.util.Arrays;

/**
 * How a tensor's elements map onto its storage: element {@code (i0, i1, ...)} lives at
 * {@code offset + i0*strides[0] + i1*strides[1] + ...}. Views change the layout only.
 *
 * <p>The arrays are owned by the layout and never modified after construction.
 */
public record Layout(int[] shape, int[] strides, int offset) {

    /** A row-major layout over a fresh storage. */
    public static Layout contiguous(int[] shape) {
        return new Layout(shape.clone(), Shape.contiguousStrides(shape), 0);
    }

    public int rank() {
        return shape.length;
    }

    public long numel() {
        return Shape.numel(shape);
    }

    /** True when the elements are laid out in row-major order with no gaps (offset may be non-zero). */
    public boolean isContiguous() {
        int expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] == 1) continue;
            if (strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    /** Offset of the element at {@code index}. */
    public int offsetOf(int[] index) {
        int o = offset;
        for (int i = 0; i < index.length; i++) o += index[i] * strides[i];
        return o;
    }

    /** The smallest and one past the largest storage position this layout touches. */
    public long[] extent() {
        if (numel() == 0) return new long[] {offset, offset};
        long lo = offset, hi = offset;
        for (int i = 0; i < shape.length; i++) {
            long span = (long) (shape[i] - 1) * strides[i];
            if (span < 0) lo += span; else hi += span;
        }
        return new long[] {lo, hi + 1};
    }

    /** The strides of this layout broadcast to {@code target} (0 on broadcast dimensions). */
    public int[] broadcastStrides(int[] target) {
        int[] out = new int[target.length];
        int off = target.length - shape.length;
        for (int i = 0; i < shape.length; i++) {
            out[i + off] = shape[i] == 1 && target[i + off] != 1 ? 0 : strides[i];
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Layout l && offset == l.offset && Arrays.equals(shape, l.shape)
                && Arrays.equals(strides, l.strides);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(shape) + Arrays.hashCode(strides)) + offset;
    }

    @Override
    public String toString() {
        return "Layout[shape=" + Arrays.toString(shape) + ", strides=" + Arrays.toString(strides)
                + ", offset=" + offset + "]";
    }
}
