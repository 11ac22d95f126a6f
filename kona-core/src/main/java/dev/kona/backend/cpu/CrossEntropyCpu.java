package dev.kona.backend.cpu;

import dev.kona.DType;
import dev.kona.Tensor;
import dev.kona.ops.Op;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Op.CrossEntropyRows} and its gradient on the CPU. The log-probabilities are
 * {@link SoftmaxCpu}'s (so the loss has the bits of log-softmax then pick), the gradient one pass
 * per row: {@code g * exp(logp)}, minus g at the target.
 */
final class CrossEntropyCpu {
    private CrossEntropyCpu() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    static void forward(Op.CrossEntropyRows op, Tensor loss, Tensor logp, Tensor x, Tensor t) {
        SoftmaxCpu.softmax(new Op.Softmax(1, true), logp, x);
        int n = x.layout().shape()[0], c = x.layout().shape()[1];
        long[] ta = ((CpuStorage) t.storage()).i64();
        int to = t.layout().offset(), lo = logp.layout().offset(), oo = loss.layout().offset();
        boolean f32 = x.dtype() == DType.FLOAT32;
        Object lp = ((CpuStorage) logp.storage()).array(), out = ((CpuStorage) loss.storage()).array();
        for (int i = 0; i < n; i++) {
            long k = ta[to + i];
            if (k != op.ignoreIndex() && (k < 0 || k >= c)) {
                throw new IllegalArgumentException(op.name() + ": target " + k + " is out of range for " + c + " classes");
            }
            int at = lo + i * c + (int) k;
            if (f32) ((float[]) out)[oo + i] = k == op.ignoreIndex() ? 0f : -((float[]) lp)[at];
            else ((double[]) out)[oo + i] = k == op.ignoreIndex() ? 0.0 : -((double[]) lp)[at];
        }
    }

    static void grad(Op.CrossEntropyRowsGrad op, Tensor dx, Tensor g, Tensor logp, Tensor t) {
        int n = logp.layout().shape()[0], c = logp.layout().shape()[1];
        long[] ta = ((CpuStorage) t.storage()).i64();
        int to = t.layout().offset(), go = g.layout().offset(), lo = logp.layout().offset(), xo = dx.layout().offset();
        long ignore = op.ignoreIndex();
        int grain = Math.max(1, (1 << 14) / Math.max(1, c));
        if (logp.dtype() == DType.FLOAT32) {
            float[] ga = ((CpuStorage) g.storage()).f32(), lp = ((CpuStorage) logp.storage()).f32(), d = ((CpuStorage) dx.storage()).f32();
            Parallel.forRange(n, grain, (s, e) -> {
                for (int i = s; i < e; i++) rowF32(ta[to + i], ignore, ga[go + i], lp, lo + i * c, d, xo + i * c, c);
            });
            return;
        }
        double[] ga = ((CpuStorage) g.storage()).f64(), lp = ((CpuStorage) logp.storage()).f64(), d = ((CpuStorage) dx.storage()).f64();
        Parallel.forRange(n, grain, (s, e) -> {
            for (int i = s; i < e; i++) {
                long k = ta[to + i];
                double gi = ga[go + i];
                int lb = lo + i * c, db = xo + i * c;
                for (int j = 0; j < c; j++) d[db + j] = k == ignore ? 0.0 : gi * Math.exp(lp[lb + j]) - (j == k ? gi : 0.0);
            }
        });
    }

    private static void rowF32(long k, long ignore, float gi, float[] lp, int lb, float[] d, int db, int c) {
        if (k == ignore) {
            java.util.Arrays.fill(d, db, db + c, 0f);
            return;
        }
        var gv = FloatVector.broadcast(S, gi);
        int j = 0;
        for (int bound = S.loopBound(c); j < bound; j += L) {
            VMath.exp(FloatVector.fromArray(S, lp, lb + j)).mul(gv).intoArray(d, db + j);
        }
        if (j < c) {
            var m = S.indexInRange(j, c);
            VMath.exp(FloatVector.fromArray(S, lp, lb + j, m)).mul(gv).intoArray(d, db + j, m);
        }
        d[db + (int) k] -= gi;
    }
}
