package dev.kona.cuda;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The {@code Geo} struct of kernels.cu: a logical shape and the element strides of up to four
 * operands over it, passed to a kernel by value. Built with adjacent dimensions merged where every
 * operand allows it, and size-1 dimensions dropped, so most tensors reach the kernel as rank 1.
 */
final class Geo {
    static final int MAX_DIMS = 10;
    private static final int OPERANDS = 4;
    /** int rank; int shape[MAX_DIMS]; int st[4][MAX_DIMS]. */
    private static final int INTS = 1 + MAX_DIMS + OPERANDS * MAX_DIMS;

    private final int[] words;
    final int rank;

    private Geo(int[] words) {
        this.words = words;
        this.rank = words[0];
    }

    /** The struct's bytes, for {@link CudaFunction#launch}. */
    MemorySegment segment() {
        return MemorySegment.ofArray(words);
    }

    int shape(int d) {
        return words[1 + d];
    }

    int stride(int operand, int d) {
        return words[1 + MAX_DIMS + operand * MAX_DIMS + d];
    }

    /**
     * The merged geometry of {@code shape} with one stride array per operand (broadcast dimensions
     * have stride 0). {@code op} names the op in the error raised beyond {@link #MAX_DIMS}.
     */
    static Geo merged(String op, int[] shape, int[]... strides) {
        int n = shape.length;
        int[] s = new int[Math.max(n, 1)];
        int[][] st = new int[strides.length][Math.max(n, 1)];
        int r = 0;
        for (int d = 0; d < n; d++) {
            if (shape[d] == 1) continue;
            if (r > 0 && mergeable(st, r - 1, strides, d, shape[d])) {
                s[r - 1] *= shape[d];
                for (int k = 0; k < strides.length; k++) st[k][r - 1] = strides[k][d];
                continue;
            }
            s[r] = shape[d];
            for (int k = 0; k < strides.length; k++) st[k][r] = strides[k][d];
            r++;
        }
        if (r == 0) { // a single element
            s[0] = 1;
            r = 1;
        }
        return build(op, r, s, st);
    }

    /** The geometry without merging: kernels that need logical coordinates (nonzero) use it. */
    static Geo exact(String op, int[] shape, int[]... strides) {
        if (shape.length == 0) return build(op, 1, new int[] {1}, zeros(strides.length));
        return build(op, shape.length, shape, strides);
    }

    private static int[][] zeros(int k) {
        return new int[k][1];
    }

    /** Dimension d merges into the previous kept one when, for every operand, outer stride = inner stride * inner size. */
    private static boolean mergeable(int[][] st, int prev, int[][] strides, int d, int size) {
        for (int k = 0; k < strides.length; k++) {
            if ((long) st[k][prev] != (long) strides[k][d] * size) return false;
        }
        return true;
    }

    private static Geo build(String op, int rank, int[] shape, int[][] strides) {
        if (rank > MAX_DIMS) {
            throw new UnsupportedOperationException(op + " on cuda: tensors whose layout needs more than " + MAX_DIMS
                    + " dimensions after merging are not supported (shape " + Arrays.toString(shape)
                    + "); call contiguous() first");
        }
        int[] w = new int[INTS];
        w[0] = rank;
        for (int d = 0; d < rank; d++) {
            w[1 + d] = shape[d];
            for (int k = 0; k < strides.length; k++) w[1 + MAX_DIMS + k * MAX_DIMS + d] = strides[k][d];
        }
        return new Geo(w);
    }
}
