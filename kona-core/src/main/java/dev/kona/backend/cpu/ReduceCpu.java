package dev.kona.backend.cpu;

import dev.kona.DType;
import dev.kona.Tensor;
import dev.kona.backend.Layout;
import dev.kona.ops.Op;
import dev.kona.ops.Op.ReduceKind;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Reductions. The result of every reduction is independent of the thread count: a row is always
 * reduced by one thread in a fixed order, and rows long enough to be split are split into chunks
 * of a fixed size whose partial results are combined in order.
 */
final class ReduceCpu {
    private ReduceCpu() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Rows longer than twice this are reduced in fixed chunks of this size, in parallel. */
    static final int CHUNK = 1 << 15;

    private static Object arr(Tensor t) {
        return ((CpuStorage) t.storage()).array();
    }

    static void reduce(Op.Reduce op, Tensor out, Tensor x) {
        Layout xl = x.layout();
        int rank = xl.rank();
        boolean[] reduced = new boolean[rank];
        for (int a : op.axes()) reduced[a] = true;
        if (columnReduction(op.kind(), x, reduced)) {
            int rows = 1;
            for (int d = 0; d < rank && reduced[d]; d++) rows *= xl.shape()[d];
            columnsF32(op.kind(), (float[]) arr(x), xl.offset(), rows, (int) (xl.numel() / rows), (float[]) arr(out),
                    out.layout().offset());
            return;
        }
        int nKept = 0;
        for (int d = 0; d < rank; d++) if (!reduced[d]) nKept++;
        // Permute: kept axes first, reduced axes last.
        int[] shape = new int[rank], strides = new int[rank];
        int ki = 0, ri = nKept;
        long outer = 1, inner = 1;
        for (int d = 0; d < rank; d++) {
            if (reduced[d]) {
                shape[ri] = xl.shape()[d];
                strides[ri++] = xl.strides()[d];
                inner *= xl.shape()[d];
            } else {
                shape[ki] = xl.shape()[d];
                strides[ki++] = xl.strides()[d];
                outer *= xl.shape()[d];
            }
        }
        if (!reducedRunContiguous(shape, strides, nKept)) {
            if (broadcastRowsF32(op.kind(), x, shape, strides, nKept)) {
                reduceBroadcastF32(op.kind(), x, shape, strides, nKept, (int) outer, (int) inner, out);
                return;
            }
            int runFrom = innerRun(shape, strides, nKept);
            if (runsF32(op.kind(), x, shape, runFrom)) {
                reduceRunsF32(op.kind(), (float[]) arr(x), xl.offset(), shape, strides, nKept, runFrom, (int) outer, out);
                return;
            }
            x = contiguousCopy(x, new Layout(shape, strides, xl.offset()));
            shape = x.layout().shape();
            strides = x.layout().strides();
        }
        int[] keptShape = java.util.Arrays.copyOf(shape, nKept);
        int[] keptStrides = java.util.Arrays.copyOf(strides, nKept);
        int base = x.layout().offset();
        int[] bases = rowBases(keptShape, keptStrides, base, (int) outer);
        reduceRows(op.kind(), x, bases, (int) inner, out);
    }

    /**
     * True for a float32 sum, max or min over the leading axes of a contiguous tensor (the bias
     * gradient of a linear layer: {@code [N, F] -> [F]}): {@link #columnsF32} reduces it in place.
     * The general path would first copy the transposed tensor element by element.
     */
    private static boolean columnReduction(ReduceKind k, Tensor x, boolean[] reduced) {
        if (x.dtype() != DType.FLOAT32 || !x.layout().isContiguous() || x.numel() == 0) return false;
        if (k != ReduceKind.SUM && k != ReduceKind.MAX && k != ReduceKind.MIN) return false;
        int r = 0;
        while (r < reduced.length && reduced[r]) r++;
        if (r == 0 || r == reduced.length) return false;
        for (int d = r; d < reduced.length; d++) if (reduced[d]) return false;
        return true;
    }

    /**
     * o[j] = a[off + j] (op) a[off + cols + j] (op) ... over {@code rows} rows, each column in row
     * order whatever the thread count (threads split the columns). Columns go in tiles that keep
     * their accumulators in L1.
     */
    private static void columnsF32(ReduceKind k, float[] a, int off, int rows, int cols, float[] o, int oo) {
        int grain = Math.max(4 * L, CHUNK / Math.max(1, rows));
        Parallel.forRange(cols, grain, (s, e) -> {
            for (int t = s; t < e; t += 2048) columnTileF32(k, a, off, rows, cols, o, oo, t, Math.min(e, t + 2048));
        });
    }

    private static void columnTileF32(ReduceKind k, float[] a, int off, int rows, int cols, float[] o, int oo, int s, int e) {
        System.arraycopy(a, off + s, o, oo + s, e - s);
        switch (k) {
            case SUM -> columnSum(a, off, rows, cols, o, oo, s, e);
            case MAX -> columnMax(a, off, rows, cols, o, oo, s, e);
            default -> columnMin(a, off, rows, cols, o, oo, s, e);
        }
    }

    private static void columnSum(float[] a, int off, int rows, int cols, float[] o, int oo, int s, int e) {
        int bound = s + S.loopBound(e - s);
        for (int r = 1; r < rows; r++) {
            int base = off + r * cols, j = s;
            for (; j < bound; j += L) {
                FloatVector.fromArray(S, o, oo + j).add(FloatVector.fromArray(S, a, base + j)).intoArray(o, oo + j);
            }
            for (; j < e; j++) o[oo + j] += a[base + j];
        }
    }

    private static void columnMax(float[] a, int off, int rows, int cols, float[] o, int oo, int s, int e) {
        int bound = s + S.loopBound(e - s);
        for (int r = 1; r < rows; r++) {
            int base = off + r * cols, j = s;
            for (; j < bound; j += L) {
                FloatVector.fromArray(S, o, oo + j).lanewise(VectorOperators.MAX, FloatVector.fromArray(S, a, base + j))
                        .intoArray(o, oo + j);
            }
            for (; j < e; j++) o[oo + j] = Math.max(o[oo + j], a[base + j]);
        }
    }

    private static void columnMin(float[] a, int off, int rows, int cols, float[] o, int oo, int s, int e) {
        int bound = s + S.loopBound(e - s);
        for (int r = 1; r < rows; r++) {
            int base = off + r * cols, j = s;
            for (; j < bound; j += L) {
                FloatVector.fromArray(S, o, oo + j).lanewise(VectorOperators.MIN, FloatVector.fromArray(S, a, base + j))
                        .intoArray(o, oo + j);
            }
            for (; j < e; j++) o[oo + j] = Math.min(o[oo + j], a[base + j]);
        }
    }

    // The reduced dimensions (the last ones) must form one stride-1 run for the row kernels.
    private static boolean reducedRunContiguous(int[] shape, int[] strides, int from) {
        int expected = 1;
        for (int d = shape.length - 1; d >= from; d--) {
            if (shape[d] == 1) continue;
            if (strides[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }

    /** Runs shorter than this are not worth reducing one by one; the copy path handles them. */
    private static final int MIN_RUN = 64;

    /** The first of the reduced axes (from {@code from} on) that form the innermost stride-1 run. */
    private static int innerRun(int[] shape, int[] strides, int from) {
        int expected = 1, d = shape.length - 1;
        for (; d >= from; d--) {
            if (shape[d] != 1 && strides[d] != expected) break;
            expected *= shape[d];
        }
        return d + 1;
    }

    /**
     * True for a float32 sum, max or min whose reduced axes end in a stride-1 run of at least
     * {@link #MIN_RUN} elements (a convolution's bias gradient, {@code [N, C, H, W] -> [C]}):
     * {@link #reduceRunsF32} reads it in place instead of copying the permuted tensor.
     */
    private static boolean runsF32(ReduceKind k, Tensor x, int[] shape, int runFrom) {
        if (x.dtype() != DType.FLOAT32 || (k != ReduceKind.SUM && k != ReduceKind.MAX && k != ReduceKind.MIN)) return false;
        return product(shape, runFrom, shape.length) >= MIN_RUN;
    }

    /**
     * Each kept position's reduction as the runs' reductions combined in order, one thread per
     * kept position: the same result for every thread count.
     */
    private static void reduceRunsF32(ReduceKind k, float[] a, int offset, int[] shape, int[] strides, int nKept, int runFrom,
                                      int outer, Tensor out) {
        int len = product(shape, runFrom, shape.length), per = product(shape, nKept, runFrom);
        int[] bases = rowBases(java.util.Arrays.copyOf(shape, runFrom), java.util.Arrays.copyOf(strides, runFrom), offset,
                outer * per);
        float[] o = (float[]) arr(out);
        int oo = out.layout().offset();
        Parallel.forRange(outer, Math.max(1, CHUNK / Math.max(1, per * len)), (s, e) -> {
            for (int r = s; r < e; r++) {
                float acc = rowF32(k, a, bases[r * per], len);
                for (int j = 1; j < per; j++) {
                    float v = rowF32(k, a, bases[r * per + j], len);
                    acc = switch (k) {
                        case SUM -> acc + v;
                        case MAX -> Math.max(acc, v);
                        default -> Math.min(acc, v);
                    };
                }
                o[oo + r] = acc;
            }
        });
    }

    /**
     * True for a float32 sum, max or min in which every reduced axis is broadcast (stride 0), such
     * as a bias gradient from {@code y.sum()}'s expanded ones: each kept position reduces one
     * value repeated, which {@link #reduceBroadcastF32} does without copying the expanded tensor.
     */
    private static boolean broadcastRowsF32(ReduceKind k, Tensor x, int[] shape, int[] strides, int nKept) {
        if (x.dtype() != DType.FLOAT32 || (k != ReduceKind.SUM && k != ReduceKind.MAX && k != ReduceKind.MIN)) return false;
        for (int d = nKept; d < shape.length; d++) if (shape[d] != 1 && strides[d] != 0) return false;
        return true;
    }

    /**
     * Each kept position's row materialized once (per run of positions with the same value) and
     * reduced by {@link #reduceRows}: bit for bit what the copy path gives, at the cost of one row.
     */
    private static void reduceBroadcastF32(ReduceKind k, Tensor x, int[] shape, int[] strides, int nKept, int outer, int inner,
                                           Tensor out) {
        float[] a = (float[]) arr(x), o = (float[]) arr(out), row = new float[inner], one = new float[1];
        int[] bases = rowBases(java.util.Arrays.copyOf(shape, nKept), java.util.Arrays.copyOf(strides, nKept), x.layout().offset(),
                outer);
        Tensor rowT = Tensor.fromStorage(new CpuStorage(DType.FLOAT32, row), Layout.contiguous(new int[] {inner}));
        Tensor oneT = Tensor.fromStorage(new CpuStorage(DType.FLOAT32, one), Layout.contiguous(new int[] {1}));
        int oo = out.layout().offset();
        for (int r = 0; r < outer; r++) {
            float v = a[bases[r]];
            if (r > 0 && Float.floatToRawIntBits(v) == Float.floatToRawIntBits(a[bases[r - 1]])) {
                o[oo + r] = o[oo + r - 1];
                continue;
            }
            java.util.Arrays.fill(row, v);
            reduceRows(k, rowT, new int[] {0}, inner, oneT);
            o[oo + r] = one[0];
        }
    }

    private static int product(int[] shape, int from, int to) {
        int p = 1;
        for (int d = from; d < to; d++) p *= shape[d];
        return p;
    }

    private static Tensor contiguousCopy(Tensor x, Layout view) {
        Tensor v = Tensor.fromStorage(x.storage(), view);
        Tensor c = dev.kona.ops.Dispatch.empty(dev.kona.Device.CPU, x.dtype(), view.shape());
        ElementwiseCpu.copy(c, v);
        return c;
    }

    private static int[] rowBases(int[] shape, int[] strides, int offset, int count) {
        int[] base = new int[count];
        int rank = shape.length;
        int[] idx = new int[rank];
        int off = offset;
        for (int r = 0; r < count; r++) {
            base[r] = off;
            for (int d = rank - 1; d >= 0; d--) {
                idx[d]++;
                off += strides[d];
                if (idx[d] < shape[d]) break;
                off -= strides[d] * shape[d];
                idx[d] = 0;
            }
        }
        return base;
    }

    private static void reduceRows(ReduceKind k, Tensor x, int[] bases, int len, Tensor out) {
        Object a = arr(x), o = arr(out);
        DType xd = x.dtype(), od = out.dtype();
        int rows = bases.length;
        if (xd == DType.FLOAT32 && (k == ReduceKind.SUM || k == ReduceKind.MAX || k == ReduceKind.MIN)) {
            float[] fa = (float[]) a, fo = (float[]) o;
            if (len >= 2 * CHUNK) {
                int chunks = (len + CHUNK - 1) / CHUNK;
                float[] partial = new float[chunks];
                for (int r = 0; r < rows; r++) {
                    int b = bases[r];
                    Parallel.fixedChunks(len, CHUNK, (s, e) -> partial[s / CHUNK] = rowF32(k, fa, b + s, e - s));
                    fo[r] = rowF32(k, partial, 0, chunks);
                }
            } else {
                Parallel.forRange(rows, Math.max(1, CHUNK / Math.max(1, len)), (s, e) -> {
                    for (int r = s; r < e; r++) fo[r] = rowF32(k, fa, bases[r], len);
                });
            }
            return;
        }
        Parallel.forRange(rows, Math.max(1, CHUNK / Math.max(1, len)), (s, e) -> {
            for (int r = s; r < e; r++) reduceRowGeneric(k, a, xd, bases[r], len, o, od, r);
        });
    }

    private static void reduceRowGeneric(ReduceKind k, Object a, DType xd, int base, int len, Object o, DType od, int r) {
        switch (k) {
            case ALL -> {
                boolean all = true;
                for (int i = 0; i < len && all; i++) all = Elements.nonZero(a, xd, base + i);
                Elements.setL(o, od, r, all ? 1 : 0);
            }
            case ANY -> {
                boolean any = false;
                for (int i = 0; i < len && !any; i++) any = Elements.nonZero(a, xd, base + i);
                Elements.setL(o, od, r, any ? 1 : 0);
            }
            default -> {
                if (xd.isFloatingPoint()) {
                    double acc = k == ReduceKind.SUM ? 0 : k == ReduceKind.PROD ? 1 : Elements.getD(a, xd, base);
                    for (int i = 0; i < len; i++) {
                        double v = Elements.getD(a, xd, base + i);
                        acc = switch (k) {
                            case SUM -> acc + v;
                            case PROD -> acc * v;
                            case MAX -> (v > acc || Double.isNaN(v)) && !Double.isNaN(acc) ? v : acc;
                            default -> (v < acc || Double.isNaN(v)) && !Double.isNaN(acc) ? v : acc;
                        };
                    }
                    Elements.setD(o, od, r, acc);
                } else {
                    long acc = k == ReduceKind.SUM ? 0 : k == ReduceKind.PROD ? 1 : Elements.getL(a, xd, base);
                    for (int i = 0; i < len; i++) {
                        long v = Elements.getL(a, xd, base + i);
                        acc = switch (k) {
                            case SUM -> acc + v;
                            case PROD -> acc * v;
                            case MAX -> Math.max(acc, v);
                            default -> Math.min(acc, v);
                        };
                    }
                    Elements.setL(o, od, r, acc);
                }
            }
        }
    }

    /** Sum, max or min of a contiguous float32 run, in a fixed order. */
    static float rowF32(ReduceKind k, float[] a, int off, int n) {
        return switch (k) {
            case SUM -> sumF32(a, off, n);
            case MAX -> maxF32(a, off, n);
            case MIN -> minF32(a, off, n);
            default -> throw new IllegalStateException("rowF32: " + k);
        };
    }

    static float sumF32(float[] a, int off, int n) {
        int bound4 = n - n % (4 * L);
        int bound = S.loopBound(n);
        int i = 0;
        var s0 = FloatVector.zero(S);
        var s1 = FloatVector.zero(S);
        var s2 = FloatVector.zero(S);
        var s3 = FloatVector.zero(S);
        for (; i < bound4; i += 4 * L) {
            s0 = s0.add(FloatVector.fromArray(S, a, off + i));
            s1 = s1.add(FloatVector.fromArray(S, a, off + i + L));
            s2 = s2.add(FloatVector.fromArray(S, a, off + i + 2 * L));
            s3 = s3.add(FloatVector.fromArray(S, a, off + i + 3 * L));
        }
        for (; i < bound; i += L) s0 = s0.add(FloatVector.fromArray(S, a, off + i));
        float s = VMath.sumLanes(s0.add(s1).add(s2.add(s3)));
        for (; i < n; i++) s += a[off + i];
        return s;
    }

    /** The maximum; NaN if any element is NaN; -inf for an empty run. */
    static float maxF32(float[] a, int off, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        var m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        var m1 = m0;
        for (; i + 2 * L <= bound; i += 2 * L) {
            m0 = m0.lanewise(VectorOperators.MAX, FloatVector.fromArray(S, a, off + i));
            m1 = m1.lanewise(VectorOperators.MAX, FloatVector.fromArray(S, a, off + i + L));
        }
        for (; i < bound; i += L) m0 = m0.lanewise(VectorOperators.MAX, FloatVector.fromArray(S, a, off + i));
        float m = m0.lanewise(VectorOperators.MAX, m1).reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) m = Math.max(m, a[off + i]);
        return m;
    }

    static float minF32(float[] a, int off, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        var m0 = FloatVector.broadcast(S, Float.POSITIVE_INFINITY);
        var m1 = m0;
        for (; i + 2 * L <= bound; i += 2 * L) {
            m0 = m0.lanewise(VectorOperators.MIN, FloatVector.fromArray(S, a, off + i));
            m1 = m1.lanewise(VectorOperators.MIN, FloatVector.fromArray(S, a, off + i + L));
        }
        for (; i < bound; i += L) m0 = m0.lanewise(VectorOperators.MIN, FloatVector.fromArray(S, a, off + i));
        float m = m0.lanewise(VectorOperators.MIN, m1).reduceLanes(VectorOperators.MIN);
        for (; i < n; i++) m = Math.min(m, a[off + i]);
        return m;
    }

    /** Max or min with the index of its first occurrence along one axis. */
    static void argReduce(Op.ArgReduce op, Tensor values, Tensor indices, Tensor x) {
        Rows rows = Rows.of(x.layout(), x.layout().rank() == 0 ? 0 : op.axis());
        Object a = arr(x), vo = arr(values);
        long[] io = (long[]) arr(indices);
        DType xd = x.dtype();
        boolean max = op.max();
        int len = rows.len(), st = rows.stride();
        Parallel.forRange(rows.count(), Math.max(1, CHUNK / Math.max(1, len)), (s, e) -> {
            for (int r = s; r < e; r++) {
                int b = rows.base()[r];
                int best = 0;
                if (xd.isFloatingPoint()) {
                    double bv = Elements.getD(a, xd, b);
                    for (int i = 1; i < len && !Double.isNaN(bv); i++) {
                        double v = Elements.getD(a, xd, b + i * st);
                        if (Double.isNaN(v) || (max ? v > bv : v < bv)) {
                            bv = v;
                            best = i;
                        }
                    }
                } else {
                    long bv = Elements.getL(a, xd, b);
                    for (int i = 1; i < len; i++) {
                        long v = Elements.getL(a, xd, b + i * st);
                        if (max ? v > bv : v < bv) {
                            bv = v;
                            best = i;
                        }
                    }
                }
                System.arraycopy(a, b + best * st, vo, r, 1);
                io[r] = best;
            }
        });
    }

    static void cumulative(Op.Cumulative op, Tensor out, Tensor x) {
        int axis = x.layout().rank() == 0 ? 0 : op.axis();
        Rows in = Rows.of(x.layout(), axis);
        Rows ou = Rows.of(out.layout(), axis);
        Object a = arr(x), o = arr(out);
        DType xd = x.dtype(), od = out.dtype();
        boolean prod = op.product();
        int len = in.len();
        Parallel.forRange(in.count(), Math.max(1, CHUNK / Math.max(1, len)), (s, e) -> {
            for (int r = s; r < e; r++) {
                int ib = in.base()[r], ob = ou.base()[r];
                if (od.isFloatingPoint()) {
                    double acc = prod ? 1 : 0;
                    for (int i = 0; i < len; i++) {
                        double v = Elements.getD(a, xd, ib + i * in.stride());
                        acc = prod ? acc * v : acc + v;
                        Elements.setD(o, od, ob + i * ou.stride(), acc);
                    }
                } else {
                    long acc = prod ? 1 : 0;
                    for (int i = 0; i < len; i++) {
                        long v = Elements.getL(a, xd, ib + i * in.stride());
                        acc = prod ? acc * v : acc + v;
                        Elements.setL(o, od, ob + i * ou.stride(), acc);
                    }
                }
            }
        });
    }
}
