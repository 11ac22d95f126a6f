package dev.kona.backend.cpu;

import dev.kona.DType;
import dev.kona.Tensor;
import dev.kona.backend.Layout;
import dev.kona.ops.Op;

/** Indexing kernels: gather, scatter, index select, non-zero, sort and top-k. */
final class IndexCpu {
    private IndexCpu() {}

    private static Object arr(Tensor t) {
        return ((CpuStorage) t.storage()).array();
    }

    /** Calls {@code visit} with each multi-index of {@code shape} in row-major order. */
    private interface IndexVisitor {
        void visit(int linear, int[] idx);
    }

    private static void forEachIndex(int[] shape, IndexVisitor visitor) {
        long n = dev.kona.Shape.numel(shape);
        int[] idx = new int[shape.length];
        for (int i = 0; i < n; i++) {
            visitor.visit(i, idx);
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) break;
                idx[d] = 0;
            }
        }
    }

    private static int checkIndex(String op, long v, int size, int axis) {
        if (v < 0 || v >= size) {
            throw new IndexOutOfBoundsException(op + ": index " + v + " is out of bounds for dimension "
                    + axis + " with size " + size + " (expected 0 <= index < " + size + ")");
        }
        return (int) v;
    }

    static void gather(Op.Gather op, Tensor out, Tensor x, Tensor index) {
        Layout xl = x.layout(), il = index.layout(), ol = out.layout();
        int axis = op.axis();
        Object a = arr(x), o = arr(out);
        long[] ix = (long[]) arr(index);
        int size = xl.rank() == 0 ? 1 : xl.shape()[axis];
        forEachIndex(il.shape(), (lin, idx) -> {
            long v = ix[il.offsetOf(idx)];
            int at = checkIndex("gather", v, size, axis);
            int xo = xl.offset();
            for (int d = 0; d < idx.length; d++) xo += (d == axis ? at : idx[d]) * xl.strides()[d];
            System.arraycopy(a, xo, o, ol.offsetOf(idx), 1);
        });
    }

    static void scatter(Op.Scatter op, Tensor out, Tensor x, Tensor index, Tensor src) {
        ElementwiseCpu.copy(out, x);
        Layout ol = out.layout(), il = index.layout(), sl = src.layout();
        int axis = op.axis();
        Object o = arr(out), s = arr(src);
        long[] ix = (long[]) arr(index);
        DType dt = out.dtype();
        int size = ol.rank() == 0 ? 1 : ol.shape()[axis];
        String name = op.name();
        forEachIndex(il.shape(), (lin, idx) -> {
            int at = checkIndex(name, ix[il.offsetOf(idx)], size, axis);
            int oo = ol.offset();
            for (int d = 0; d < idx.length; d++) oo += (d == axis ? at : idx[d]) * ol.strides()[d];
            int so = sl.offsetOf(idx);
            if (!op.add()) {
                System.arraycopy(s, so, o, oo, 1);
            } else if (dt.isFloatingPoint()) {
                Elements.setD(o, dt, oo, Elements.getD(o, dt, oo) + Elements.getD(s, dt, so));
            } else {
                Elements.setL(o, dt, oo, Elements.getL(o, dt, oo) + Elements.getL(s, dt, so));
            }
        });
    }

    static void indexSelect(Op.IndexSelect op, Tensor out, Tensor x, Tensor index) {
        Layout xl = x.layout(), il = index.layout();
        int axis = xl.rank() == 0 ? 0 : op.axis();
        int rank = xl.rank();
        int outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= xl.shape()[d];
        for (int d = axis + 1; d < rank; d++) inner *= xl.shape()[d];
        int size = rank == 0 ? 1 : xl.shape()[axis];
        int n = il.rank() == 0 ? 1 : il.shape()[0];
        long[] ix = (long[]) arr(index);
        int[] at = new int[n];
        for (int j = 0; j < n; j++) at[j] = checkIndex("indexSelect", ix[il.offset() + j * (il.rank() == 0 ? 0 : il.strides()[0])], size, axis);
        Tensor src = x;
        if (!xl.isContiguous()) {
            src = dev.kona.ops.Dispatch.empty(dev.kona.Device.CPU, x.dtype(), xl.shape());
            ElementwiseCpu.copy(src, x);
        }
        Object a = arr(src), o = arr(out);
        int base = src.layout().offset();
        int in = inner;
        // Over (outer, index) pairs rather than outer alone: a batch gathered from a dataset
        // (outer = 1) is rows from all over a large array, bound by memory latency, and two
        // threads fetch twice as many at once.
        Parallel.forRange(outer * n, Math.max(1, (1 << 13) / Math.max(1, inner)), (s, e) -> {
            int p = s / n, j = s - p * n;
            for (int q = s; q < e; q++) {
                System.arraycopy(a, base + (p * size + at[j]) * in, o, q * in, in);
                if (++j == n) {
                    j = 0;
                    p++;
                }
            }
        });
    }

    static long countNonZero(Tensor x) {
        Layout xl = x.layout();
        Object a = arr(x);
        DType dt = x.dtype();
        long[] count = {0};
        forEachIndex(xl.shape(), (lin, idx) -> {
            if (Elements.nonZero(a, dt, xl.offsetOf(idx))) count[0]++;
        });
        return count[0];
    }

    static void nonZero(Tensor out, Tensor x) {
        Layout xl = x.layout();
        Object a = arr(x);
        long[] o = (long[]) arr(out);
        DType dt = x.dtype();
        int rank = xl.rank();
        int[] row = {0};
        forEachIndex(xl.shape(), (lin, idx) -> {
            if (Elements.nonZero(a, dt, xl.offsetOf(idx))) {
                for (int d = 0; d < rank; d++) o[row[0] * rank + d] = idx[d];
                row[0]++;
            }
        });
    }

    /** Sorts each row along the axis (stable); writes the first {@code k} of each into the outputs. */
    static void sortRows(Tensor values, Tensor indices, Tensor x, int axis, boolean descending, int k) {
        Rows in = Rows.of(x.layout(), x.layout().rank() == 0 ? 0 : axis);
        Rows vo = Rows.of(values.layout(), values.layout().rank() == 0 ? 0 : axis);
        Rows io = Rows.of(indices.layout(), indices.layout().rank() == 0 ? 0 : axis);
        Object a = arr(x), v = arr(values);
        long[] ix = (long[]) arr(indices);
        DType dt = x.dtype();
        int len = in.len();
        Parallel.forRange(in.count(), Math.max(1, 4096 / Math.max(1, len)), (s, e) -> {
            int[] order = new int[len];
            int[] tmp = new int[len];
            double[] dk = dt.isFloatingPoint() ? new double[len] : null;
            long[] lk = dt.isFloatingPoint() ? null : new long[len];
            for (int r = s; r < e; r++) {
                int b = in.base()[r];
                for (int i = 0; i < len; i++) {
                    order[i] = i;
                    if (dk != null) dk[i] = Elements.getD(a, dt, b + i * in.stride());
                    else lk[i] = Elements.getL(a, dt, b + i * in.stride());
                }
                mergeSort(order, tmp, 0, len, dk, lk, descending);
                for (int i = 0; i < k; i++) {
                    System.arraycopy(a, b + order[i] * in.stride(), v, vo.base()[r] + i * vo.stride(), 1);
                    ix[io.base()[r] + i * io.stride()] = order[i];
                }
            }
        });
    }

    private static int compare(int i, int j, double[] dk, long[] lk, boolean descending) {
        int c;
        if (dk != null) {
            double x = dk[i], y = dk[j];
            boolean nx = Double.isNaN(x), ny = Double.isNaN(y);
            c = nx || ny ? Boolean.compare(nx, ny) : (x < y ? -1 : x > y ? 1 : 0);
        } else {
            c = Long.compare(lk[i], lk[j]);
        }
        return descending ? -c : c;
    }

    private static void mergeSort(int[] a, int[] tmp, int lo, int hi, double[] dk, long[] lk, boolean desc) {
        if (hi - lo < 16) {
            for (int i = lo + 1; i < hi; i++) {
                int t = a[i];
                int j = i - 1;
                while (j >= lo && compare(a[j], t, dk, lk, desc) > 0) {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = t;
            }
            return;
        }
        int mid = (lo + hi) >>> 1;
        mergeSort(a, tmp, lo, mid, dk, lk, desc);
        mergeSort(a, tmp, mid, hi, dk, lk, desc);
        if (compare(a[mid - 1], a[mid], dk, lk, desc) <= 0) return;
        System.arraycopy(a, lo, tmp, lo, hi - lo);
        int i = lo, j = mid, o = lo;
        while (i < mid && j < hi) a[o++] = compare(tmp[j], tmp[i], dk, lk, desc) < 0 ? tmp[j++] : tmp[i++];
        while (i < mid) a[o++] = tmp[i++];
        while (j < hi) a[o++] = tmp[j++];
    }
}
