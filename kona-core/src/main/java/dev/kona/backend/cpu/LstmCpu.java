package dev.kona.backend.cpu;

import dev.kona.DType;
import dev.kona.Tensor;
import dev.kona.ops.Op;
import dev.kona.ops.Op.UnaryKind;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Op.LstmCell} on the CPU: rows of the batch in parallel.
 *
 * <p>float32 runs vector loops with one masked body each (no separate tail), and each pass with a
 * transcendental function in its own lambda, so that no compile holds more than one {@link VMath}
 * body: C2 drops our vector-typed helpers to boxed calls once a compile grows past its node budget
 * (see {@link UnaryKernels#f32}). The products and sums
 * are rounded in the order of the unfused ops they replace, so results match them bit for bit.
 */
final class LstmCpu {
    private LstmCpu() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Rows per parallel chunk: about 4K hidden units, each five transcendental functions forward. */
    private static final int UNITS_PER_CHUNK = 4096;
    /** The gate blocks (i, f, o) that take a sigmoid; block 2 (g) takes tanh. */
    private static final int[] SIGMOID_BLOCKS = {0, 1, 3};

    static void run(Op.LstmCell op, Tensor[] out, Tensor[] in) {
        int rows = in[0].layout().shape()[0], width = in[0].layout().shape()[1], hid = width / 4;
        int grain = Math.max(1, UNITS_PER_CHUNK / Math.max(1, hid));
        boolean f32 = in[0].dtype() == DType.FLOAT32;
        if (!op.backward() && f32) {
            float[] g = f(in[0]), c = f(in[1]), act = f(out[0]), c2 = f(out[1]), tc = f(out[2]), h = f(out[3]);
            int go = off(in[0]), co = off(in[1]), ao = off(out[0]), c2o = off(out[1]), tco = off(out[2]), ho = off(out[3]);
            // One transcendental function per pass, each pass its own lambda and so its own compile:
            // a compile holding sigmoid and tanh already ran past C2's node budget and boxed a call.
            Parallel.forRange(rows, grain, (s, e) -> {
                for (int r = s; r < e; r++) {
                    for (int block : SIGMOID_BLOCKS) sigmoidF32(g, go + r * width + block * hid, act, ao + r * width + block * hid, hid);
                }
            });
            Parallel.forRange(rows, grain, (s, e) -> {
                for (int r = s; r < e; r++) tanhF32(g, go + r * width + 2 * hid, act, ao + r * width + 2 * hid, hid);
            });
            Parallel.forRange(rows, grain, (s, e) -> {
                for (int r = s; r < e; r++) {
                    int hw = r * hid;
                    cellF32(act, ao + r * width, c, co + hw, c2, c2o + hw, tc, tco + hw, h, ho + hw, hid);
                }
            });
        } else if (!op.backward()) {
            Object g = arr(in[0]), c = arr(in[1]), act = arr(out[0]), c2 = arr(out[1]), tc = arr(out[2]), h = arr(out[3]);
            int go = off(in[0]), co = off(in[1]), ao = off(out[0]), c2o = off(out[1]), tco = off(out[2]), ho = off(out[3]);
            Parallel.forRange(rows, grain, (s, e) -> {
                for (int r = s; r < e; r++) {
                    int gw = r * width, hw = r * hid;
                    forwardF64((double[]) g, go + gw, (double[]) c, co + hw, (double[]) act, ao + gw, (double[]) c2, c2o + hw,
                            (double[]) tc, tco + hw, (double[]) h, ho + hw, hid);
                }
            });
        } else {
            Object act = arr(in[0]), tc = arr(in[1]), c = arr(in[2]), dh = arr(in[3]), dc = arr(in[4]);
            Object dg = arr(out[0]), dcp = arr(out[1]);
            int ao = off(in[0]), tco = off(in[1]), co = off(in[2]), dho = off(in[3]), dco = off(in[4]);
            int dgo = off(out[0]), dcpo = off(out[1]);
            // Backward has no transcendental function but reads the step's act, a row of a sequence
            // stored in forward and long out of cache: two threads fetch it faster (LSTM H=256, B=32:
            // 33 us a step on one thread, 22 on two).
            Parallel.forRange(rows, grain, (s, e) -> {
                for (int r = s; r < e; r++) {
                    int gw = r * width, hw = r * hid;
                    if (f32) {
                        backwardF32((float[]) act, ao + gw, (float[]) tc, tco + hw, (float[]) c, co + hw, (float[]) dh, dho + hw,
                                (float[]) dc, dco + hw, (float[]) dg, dgo + gw, (float[]) dcp, dcpo + hw, hid);
                    } else {
                        backwardF64((double[]) act, ao + gw, (double[]) tc, tco + hw, (double[]) c, co + hw, (double[]) dh, dho + hw,
                                (double[]) dc, dco + hw, (double[]) dg, dgo + gw, (double[]) dcp, dcpo + hw, hid);
                    }
                }
            });
        }
    }

    private static Object arr(Tensor t) {
        return ((CpuStorage) t.storage()).array();
    }

    private static int off(Tensor t) {
        return t.layout().offset();
    }

    private static float[] f(Tensor t) {
        return (float[]) arr(t);
    }

    /** o[oo..oo+n) = sigmoid(a[ao..ao+n)), one masked loop body. */
    private static void sigmoidF32(float[] a, int ao, float[] o, int oo, int n) {
        for (int j = 0; j < n; j += L) {
            VectorMask<Float> m = S.indexInRange(j, n);
            VMath.sigmoid(FloatVector.fromArray(S, a, ao + j, m)).intoArray(o, oo + j, m);
        }
    }

    /** o[oo..oo+n) = tanh(a[ao..ao+n)), one masked loop body. */
    private static void tanhF32(float[] a, int ao, float[] o, int oo, int n) {
        for (int j = 0; j < n; j += L) {
            VectorMask<Float> m = S.indexInRange(j, n);
            VMath.tanh(FloatVector.fromArray(S, a, ao + j, m)).intoArray(o, oo + j, m);
        }
    }

    /** One row of c2 = f*c + i*g, tc = tanh(c2), h = o*tc, from the row's act. */
    private static void cellF32(float[] act, int ao, float[] c, int co, float[] c2, int c2o, float[] tc, int tco, float[] h,
                                int ho, int hid) {
        for (int j = 0; j < hid; j += L) {
            VectorMask<Float> m = S.indexInRange(j, hid);
            var i = FloatVector.fromArray(S, act, ao + j, m);
            var f = FloatVector.fromArray(S, act, ao + hid + j, m);
            var gg = FloatVector.fromArray(S, act, ao + 2 * hid + j, m);
            var o = FloatVector.fromArray(S, act, ao + 3 * hid + j, m);
            var cn = f.mul(FloatVector.fromArray(S, c, co + j, m)).add(i.mul(gg));
            cn.intoArray(c2, c2o + j, m);
            var t = VMath.tanh(cn);
            t.intoArray(tc, tco + j, m);
            o.mul(t).intoArray(h, ho + j, m);
        }
    }

    private static void forwardF64(double[] g, int go, double[] c, int co, double[] act, int ao, double[] c2, int c2o,
                                   double[] tc, int tco, double[] h, int ho, int hid) {
        for (int j = 0; j < 4 * hid; j++) {
            double x = g[go + j];
            act[ao + j] = ScalarMath.unary(j >= 2 * hid && j < 3 * hid ? UnaryKind.TANH : UnaryKind.SIGMOID, x, 0, 0);
        }
        for (int j = 0; j < hid; j++) {
            double cn = act[ao + hid + j] * c[co + j] + act[ao + j] * act[ao + 2 * hid + j];
            c2[c2o + j] = cn;
            tc[tco + j] = ScalarMath.unary(UnaryKind.TANH, cn, 0, 0);
            h[ho + j] = act[ao + 3 * hid + j] * tc[tco + j];
        }
    }

    /** One row of the backward pass, in the rounding order of the unfused ops it replaces. */
    private static void backwardF32(float[] act, int ao, float[] tc, int tco, float[] c, int co, float[] dh, int dho,
                                    float[] dc, int dco, float[] dg, int dgo, float[] dcp, int dcpo, int hid) {
        for (int j = 0; j < hid; j += L) {
            VectorMask<Float> m = S.indexInRange(j, hid);
            var i = FloatVector.fromArray(S, act, ao + j, m);
            var f = FloatVector.fromArray(S, act, ao + hid + j, m);
            var g = FloatVector.fromArray(S, act, ao + 2 * hid + j, m);
            var o = FloatVector.fromArray(S, act, ao + 3 * hid + j, m);
            var t = FloatVector.fromArray(S, tc, tco + j, m);
            var d = FloatVector.fromArray(S, dh, dho + j, m);
            var one = FloatVector.broadcast(S, 1f);
            var dct = one.sub(t.mul(t)).mul(o).mul(d).add(FloatVector.fromArray(S, dc, dco + j, m));
            dct.mul(g).mul(one.sub(i).mul(i)).intoArray(dg, dgo + j, m);
            dct.mul(FloatVector.fromArray(S, c, co + j, m)).mul(one.sub(f).mul(f)).intoArray(dg, dgo + hid + j, m);
            one.sub(g.mul(g)).mul(i).mul(dct).intoArray(dg, dgo + 2 * hid + j, m);
            one.sub(o).mul(o).mul(t).mul(d).intoArray(dg, dgo + 3 * hid + j, m);
            dct.mul(f).intoArray(dcp, dcpo + j, m);
        }
    }

    private static void backwardF64(double[] act, int ao, double[] tc, int tco, double[] c, int co, double[] dh, int dho,
                                    double[] dc, int dco, double[] dg, int dgo, double[] dcp, int dcpo, int hid) {
        for (int j = 0; j < hid; j++) {
            double i = act[ao + j], f = act[ao + hid + j], g = act[ao + 2 * hid + j], o = act[ao + 3 * hid + j];
            double t = tc[tco + j], d = dh[dho + j];
            double dct = (1 - t * t) * o * d + dc[dco + j];
            dg[dgo + j] = dct * g * ((1 - i) * i);
            dg[dgo + hid + j] = dct * c[co + j] * ((1 - f) * f);
            dg[dgo + 2 * hid + j] = (1 - g * g) * i * dct;
            dg[dgo + 3 * hid + j] = (1 - o) * o * t * d;
            dcp[dcpo + j] = dct * f;
        }
    }
}
