package dev.kona.backend.cpu;

import dev.kona.DType;
import dev.kona.Tensor;
import dev.kona.ops.Op;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Softmax and log-softmax along an axis, stable for any input: the row maximum is subtracted
 * before exponentiation. A contiguous float32 row takes three vector passes (max; exp and sum;
 * scale), the same memory traffic as a fused native kernel.
 */
final class SoftmaxCpu {
    private SoftmaxCpu() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    static void softmax(Op.Softmax op, Tensor out, Tensor x) {
        int axis = x.layout().rank() == 0 ? 0 : op.axis();
        Rows in = Rows.of(x.layout(), axis);
        Rows ou = Rows.of(out.layout(), axis);
        int len = in.len();
        boolean log = op.log();
        int grain = Math.max(1, (1 << 14) / Math.max(1, len));
        if (x.dtype() == DType.FLOAT32 && in.stride() == 1 && ou.stride() == 1) {
            float[] a = ((CpuStorage) x.storage()).f32();
            float[] o = ((CpuStorage) out.storage()).f32();
            Parallel.forRange(in.count(), grain, (s, e) -> {
                for (int r = s; r < e; r++) rowF32(a, in.base()[r], o, ou.base()[r], len, log);
            });
            return;
        }
        Object a = ((CpuStorage) x.storage()).array();
        Object o = ((CpuStorage) out.storage()).array();
        DType xd = x.dtype(), od = out.dtype();
        Parallel.forRange(in.count(), grain, (s, e) -> {
            for (int r = s; r < e; r++) {
                int ib = in.base()[r], ob = ou.base()[r];
                double max = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < len; i++) {
                    double v = Elements.getD(a, xd, ib + i * in.stride());
                    if (v > max || Double.isNaN(v)) max = v;
                    if (Double.isNaN(v)) break;
                }
                if (max == Double.NEGATIVE_INFINITY) max = 0; // all -inf: exp gives 0s, sum 0 -> NaN as PyTorch
                double sum = 0;
                for (int i = 0; i < len; i++) sum += Math.exp(Elements.getD(a, xd, ib + i * in.stride()) - max);
                double logSum = Math.log(sum);
                for (int i = 0; i < len; i++) {
                    double z = Elements.getD(a, xd, ib + i * in.stride()) - max;
                    Elements.setD(o, od, ob + i * ou.stride(), log ? z - logSum : Math.exp(z) / sum);
                }
            }
        });
    }

    private static void rowF32(float[] a, int ai, float[] o, int oi, int n, boolean log) {
        float max = ReduceCpu.maxF32(a, ai, n);
        if (max == Float.NEGATIVE_INFINITY) max = 0f;
        if (log) logRow(a, ai, o, oi, n, max);
        else softmaxRow(a, ai, o, oi, n, max);
    }

    /**
     * log-softmax: (x - max) - log(sum exp(x - max)); the exponentials are summed, not stored. The two
     * subtractions stay separate: folding them into x - (max + log(sum)) rounds max + log(sum) to
     * the precision of max (an error of 3e-5 relative for inputs near 1000).
     */
    private static void logRow(float[] a, int ai, float[] o, int oi, int n, float max) {
        var mv = FloatVector.broadcast(S, max);
        var acc = FloatVector.zero(S);
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) acc = acc.add(VMath.exp(FloatVector.fromArray(S, a, ai + i).sub(mv)));
        if (i < n) {
            var m = S.indexInRange(i, n);
            acc = acc.add(VMath.exp(FloatVector.fromArray(S, a, ai + i, m).sub(mv)), m);
        }
        float logSum = (float) Math.log(VMath.sumLanes(acc));
        var lv = FloatVector.broadcast(S, logSum);
        for (i = 0; i < bound; i += L) FloatVector.fromArray(S, a, ai + i).sub(mv).sub(lv).intoArray(o, oi + i);
        for (; i < n; i++) o[oi + i] = (a[ai + i] - max) - logSum;
    }

    private static void softmaxRow(float[] a, int ai, float[] o, int oi, int n, float max) {
        var mv = FloatVector.broadcast(S, max);
        var acc = FloatVector.zero(S);
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) {
            var e = VMath.exp(FloatVector.fromArray(S, a, ai + i).sub(mv));
            e.intoArray(o, oi + i);
            acc = acc.add(e);
        }
        if (i < n) {
            var m = S.indexInRange(i, n);
            var e = VMath.exp(FloatVector.fromArray(S, a, ai + i, m).sub(mv));
            e.intoArray(o, oi + i, m);
            acc = acc.add(e, m);
        }
        float inv = 1f / VMath.sumLanes(acc);
        var iv = FloatVector.broadcast(S, inv);
        for (i = 0; i < bound; i += L) FloatVector.fromArray(S, o, oi + i).mul(iv).intoArray(o, oi + i);
        for (; i < n; i++) o[oi + i] *= inv;
    }

    /** {@link Op.SoftmaxGrad}: per row, one reduction pass over g (and y) and one writing pass. */
    static void grad(Op.SoftmaxGrad op, Tensor out, Tensor g, Tensor y) {
        int axis = y.layout().rank() == 0 ? 0 : op.axis();
        Rows gr = Rows.of(g.layout(), axis), yr = Rows.of(y.layout(), axis), or = Rows.of(out.layout(), axis);
        int len = yr.len();
        boolean log = op.log();
        int grain = Math.max(1, (1 << 14) / Math.max(1, len));
        if (y.dtype() == DType.FLOAT32 && gr.stride() == 1 && yr.stride() == 1 && or.stride() == 1) {
            float[] ga = ((CpuStorage) g.storage()).f32(), ya = ((CpuStorage) y.storage()).f32();
            float[] o = ((CpuStorage) out.storage()).f32();
            Parallel.forRange(yr.count(), grain, (s, e) -> {
                for (int r = s; r < e; r++) gradRowF32(ga, gr.base()[r], ya, yr.base()[r], o, or.base()[r], len, log);
            });
            return;
        }
        Object ga = ((CpuStorage) g.storage()).array(), ya = ((CpuStorage) y.storage()).array();
        Object o = ((CpuStorage) out.storage()).array();
        DType dt = y.dtype();
        int gs = gr.stride(), ys = yr.stride(), os = or.stride();
        Parallel.forRange(yr.count(), grain, (s, e) -> {
            for (int r = s; r < e; r++) {
                int gb = gr.base()[r], yb = yr.base()[r], ob = or.base()[r];
                double sum = 0;
                for (int i = 0; i < len; i++) {
                    double gv = Elements.getD(ga, dt, gb + i * gs);
                    sum += log ? gv : gv * Elements.getD(ya, dt, yb + i * ys);
                }
                for (int i = 0; i < len; i++) {
                    double gv = Elements.getD(ga, dt, gb + i * gs), yv = Elements.getD(ya, dt, yb + i * ys);
                    Elements.setD(o, dt, ob + i * os, log ? gv - Math.exp(yv) * sum : yv * (gv - sum));
                }
            }
        });
    }

    private static void gradRowF32(float[] g, int gi, float[] y, int yi, float[] o, int oi, int n, boolean log) {
        var acc = FloatVector.zero(S);
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) {
            var gv = FloatVector.fromArray(S, g, gi + i);
            acc = log ? acc.add(gv) : gv.fma(FloatVector.fromArray(S, y, yi + i), acc);
        }
        float sum = VMath.sumLanes(acc);
        for (int t = i; t < n; t++) sum += log ? g[gi + t] : g[gi + t] * y[yi + t];
        var sv = FloatVector.broadcast(S, sum);
        for (i = 0; i < bound; i += L) {
            var gv = FloatVector.fromArray(S, g, gi + i);
            var yv = FloatVector.fromArray(S, y, yi + i);
            (log ? gv.sub(VMath.exp(yv).mul(sv)) : yv.mul(gv.sub(sv))).intoArray(o, oi + i);
        }
        for (; i < n; i++) o[oi + i] = log ? g[gi + i] - (float) Math.exp(y[yi + i]) * sum : y[yi + i] * (g[gi + i] - sum);
    }
}
