package dev.kona.backend.cpu;

import dev.kona.backend.Layout;

/**
 * A tensor seen as rows along one axis: row r's elements sit at {@code base[r] + i * stride}
 * for i in [0, len). Rows are numbered in the row-major order of the other dimensions.
 */
record Rows(int[] base, int len, int stride) {

    int count() {
        return base.length;
    }

    static Rows of(Layout l, int axis) {
        int[] shape = l.shape();
        int[] strides = l.strides();
        int rank = shape.length;
        if (rank == 0) return new Rows(new int[] {l.offset()}, 1, 1);
        int count = 1;
        for (int d = 0; d < rank; d++) if (d != axis) count *= shape[d];
        int[] base = new int[count];
        int[] idx = new int[rank];
        int off = l.offset();
        for (int r = 0; r < count; r++) {
            base[r] = off;
            for (int d = rank - 1; d >= 0; d--) {
                if (d == axis) continue;
                idx[d]++;
                off += strides[d];
                if (idx[d] < shape[d]) break;
                off -= strides[d] * shape[d];
                idx[d] = 0;
            }
        }
        return new Rows(base, shape[axis], strides[axis]);
    }
}
