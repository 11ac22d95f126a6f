package dev.kona.backend.cpu;

import dev.kona.ops.Op.Window;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 max pooling with the output columns in vector lanes, for strides 1 and 2 along the
 * width: a scalar max with branches ran at ~4 ns per window element on random data (each
 * comparison a coin toss for the branch predictor); compares and blends do not branch. Each lane
 * keeps the first maximum in window order, and a NaN wins and stays, as in the scalar kernel
 * ({@link ConvCpu}), which handles the outputs whose windows reach into the padding.
 */
final class PoolCpu {
    private PoolCpu() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> SI = S.withLanes(int.class);
    private static final int L = S.length();
    private static final FloatVector EVEN = index(i -> 2 * i), ODD = index(i -> 2 * i + 1);
    private static final IntVector IOTA = IntVector.zero(SI).addIndex(1);

    private static FloatVector index(java.util.function.IntUnaryOperator f) {
        float[] v = new float[L];
        for (int i = 0; i < L; i++) v[i] = f.applyAsInt(i);
        return FloatVector.fromArray(S, v, 0);
    }

    /** Lanes of a vector: the size of the index scratch. */
    static int lanes() {
        return L;
    }

    /** Whether the vector path applies: stride 1 or 2 along the width. */
    static boolean supports(Window w) {
        return w.sw() == 1 || w.sw() == 2;
    }

    /** Scratch for one plane: the window's rows (split into even and odd columns for stride 2) and the indices of a row. */
    static float[] scratch(int wd, int kh) {
        return new float[kh * (2 * (wd / 2 + 2 * L) + wd + 2 * L) + wd + 4 * L];
    }

    /**
     * One plane: output rows whose windows lie inside the image vectorized over their interior
     * columns; the rest through {@code edge} (the scalar kernel, one output at a time).
     */
    static void plane(Window w, int h, int wd, float[] x, int xb, int rs, float[] v, int vo, long[] idx, int io, float[] sc,
                      int[] at, Edge edge) {
        int ow = w.ow(), span = (w.kw() - 1) * w.dw();
        int jLo = Math.ceilDiv(w.pw(), w.sw()), jHi = Math.min(ow, Math.floorDiv(wd - 1 - span + w.pw(), w.sw()) + 1);
        int spanH = (w.kh() - 1) * w.dh();
        for (int i = 0; i < w.oh(); i++) {
            int top = i * w.sh() - w.ph();
            if (top < 0 || top + spanH >= h || jLo >= jHi) {
                for (int j = 0; j < ow; j++) edge.run(i, j);
                continue;
            }
            for (int j = 0; j < jLo; j++) edge.run(i, j);
            row(w, wd, x, xb, rs, top, jLo, jHi, v, vo + i * ow, idx, io + i * ow, sc, at);
            for (int j = jHi; j < ow; j++) edge.run(i, j);
        }
    }

    /** One output at (i, j) by the scalar kernel. */
    @FunctionalInterface
    interface Edge {
        void run(int i, int j);
    }

    /** Window row a, image column c onwards (every {@code sw}-th): lane k holds column {@code c + k*sw}. */
    private static FloatVector tap(Window w, float[] sc, int half, int plain, int a, int c) {
        if (w.sw() == 2) return FloatVector.fromArray(S, sc, a * 2 * half + (c % 2 == 0 ? c / 2 : half + c / 2));
        return FloatVector.fromArray(S, sc, a * plain + c);
    }

    /** Output row columns [jLo, jHi) of the window rows from image row {@code top}; every tap inside the image. */
    private static void row(Window w, int wd, float[] x, int xb, int rs, int top, int jLo, int jHi, float[] v, int vo, long[] idx,
                            int io, float[] sc, int[] at) {
        int half = wd / 2 + 2 * L, plain = wd + 2 * L;
        // sc: per window row a: stride 2: even columns at a*2*half, odd at a*2*half + half; stride 1: the row at a*plain
        for (int a = 0; a < w.kh(); a++) {
            int src = xb + (top + a * w.dh()) * rs;
            if (w.sw() == 2) {
                // through a copy with room for whole vectors past the row's end (their lanes unused)
                int e = a * 2 * half, o = e + half, pad = sc.length - (wd + 4 * L);
                System.arraycopy(x, src, sc, pad, wd);
                for (int m = 0; 2 * m < wd; m += L) {
                    var lo = FloatVector.fromArray(S, sc, pad + 2 * m);
                    var hi = FloatVector.fromArray(S, sc, pad + 2 * m + L);
                    EVEN.selectFrom(lo, hi).intoArray(sc, e + m);
                    ODD.selectFrom(lo, hi).intoArray(sc, o + m);
                }
            } else {
                System.arraycopy(x, src, sc, a * plain, wd);
            }
        }
        for (int j = jLo; j < jHi; j += L) {
            VectorMask<Float> live = S.indexInRange(j, jHi);
            // tap (0, 0) starts each lane; the others replace it where larger (or NaN)
            FloatVector best = tap(w, sc, half, plain, 0, j * w.sw() - w.pw());
            IntVector arg = IOTA.mul(w.sw()).add(top * wd + j * w.sw() - w.pw());
            for (int a = 0; a < w.kh(); a++) {
                int ih = top + a * w.dh();
                for (int b = a == 0 ? 1 : 0; b < w.kw(); b++) {
                    int c = j * w.sw() - w.pw() + b * w.dw();    // the image column of lane 0
                    FloatVector e = tap(w, sc, half, plain, a, c);
                    VectorMask<Float> take = e.compare(VectorOperators.GT, best)
                            .or(e.test(VectorOperators.IS_NAN).andNot(best.test(VectorOperators.IS_NAN)));
                    best = best.blend(e, take);
                    arg = arg.blend(IOTA.mul(w.sw()).add(ih * wd + c), take.cast(SI));
                }
            }
            best.intoArray(v, vo + j, live);
            arg.intoArray(at, 0);
            for (int k = 0; k < Math.min(L, jHi - j); k++) idx[io + j + k] = at[k];
        }
    }
}
