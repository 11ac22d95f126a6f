package dev.kona.backend.cpu;

/**
 * Walks operands that share one shape (each with its own strides and offset) row by row.
 *
 * <p>Dimensions are coalesced first (size-1 dimensions dropped, neighbours merged where every
 * operand's strides allow), so a contiguous tensor becomes one long row and kernels see the longest
 * possible inner loops. Operand 0 is conventionally the output.
 */
final class Strided {
    private final int[] shape;
    private final int[][] strides;
    private final int[] offsets;
    final int inner;
    final int numel;

    /** A kernel over one row segment: {@code offs[k]} is operand k's first position, {@code n} the length. */
    @FunctionalInterface
    interface Segment {
        void run(int[] offs, int n);
    }

    private Strided(int[] shape, int[][] strides, int[] offsets) {
        this.shape = shape;
        this.strides = strides;
        this.offsets = offsets;
        this.inner = shape[shape.length - 1];
        long n = 1;
        for (int d : shape) n *= d;
        this.numel = (int) n;
    }

    static Strided of(int[] shape, int[] offsets, int[]... strides) {
        int ops = strides.length;
        int rank = shape.length;
        int[] s = new int[rank];
        int[][] st = new int[ops][rank];
        int r = 0;
        for (int d = 0; d < rank; d++) {
            if (shape[d] == 1) continue;
            if (shape[d] == 0) return new Strided(new int[] {0}, new int[ops][1], offsets.clone());
            if (r > 0 && mergeable(st, r - 1, s[r - 1], strides, d, shape[d])) {
                s[r - 1] *= shape[d];
                for (int k = 0; k < ops; k++) st[k][r - 1] = strides[k][d];
                continue;
            }
            s[r] = shape[d];
            for (int k = 0; k < ops; k++) st[k][r] = strides[k][d];
            r++;
        }
        if (r == 0) {
            return new Strided(new int[] {1}, new int[ops][1], offsets.clone());
        }
        int[] shp = java.util.Arrays.copyOf(s, r);
        int[][] str = new int[ops][];
        for (int k = 0; k < ops; k++) str[k] = java.util.Arrays.copyOf(st[k], r);
        return new Strided(shp, str, offsets.clone());
    }

    // Dimension (prev) of size prevSize can absorb dimension d when prev's stride equals d's stride times d's size.
    private static boolean mergeable(int[][] merged, int prev, int prevSize, int[][] strides, int d, int size) {
        for (int k = 0; k < strides.length; k++) {
            if ((long) merged[k][prev] != (long) strides[k][d] * size) return false;
        }
        return true;
    }

    /** The number of coalesced dimensions. */
    int rank() {
        return shape.length;
    }

    /** Size of coalesced dimension d. */
    int size(int d) {
        return shape[d];
    }

    /** Stride of operand k along coalesced dimension d. */
    int stride(int k, int d) {
        return strides[k][d];
    }

    /** Operand k's offset of the first element. */
    int offset(int k) {
        return offsets[k];
    }

    /** Stride of operand k along the inner (last coalesced) dimension. */
    int innerStride(int k) {
        return strides[k][shape.length - 1];
    }

    /** Calls {@code seg} for each row segment covering the linear element range [start, end). */
    void forEach(int start, int end, Segment seg) {
        if (start >= end) return;
        int rank = shape.length;
        int ops = offsets.length;
        int[] idx = new int[rank];
        int row = start / inner;
        int col = start % inner;
        for (int d = rank - 2; d >= 0; d--) {
            idx[d] = row % shape[d];
            row /= shape[d];
        }
        int[] base = new int[ops];
        int[] offs = new int[ops];
        for (int k = 0; k < ops; k++) {
            int o = offsets[k];
            for (int d = 0; d < rank - 1; d++) o += idx[d] * strides[k][d];
            base[k] = o;
        }
        int pos = start;
        while (pos < end) {
            int n = Math.min(inner - col, end - pos);
            for (int k = 0; k < ops; k++) offs[k] = base[k] + col * strides[k][rank - 1];
            seg.run(offs, n);
            pos += n;
            col = 0;
            for (int d = rank - 2; d >= 0; d--) {
                idx[d]++;
                for (int k = 0; k < ops; k++) base[k] += strides[k][d];
                if (idx[d] < shape[d]) break;
                for (int k = 0; k < ops; k++) base[k] -= strides[k][d] * shape[d];
                idx[d] = 0;
            }
        }
    }

    /** Runs {@code seg} over all elements, in parallel when there are more than {@code grain}. */
    void run(int grain, Segment seg) {
        Parallel.forRange(numel, grain, (s, e) -> forEach(s, e, seg));
    }
}
