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
                    cellF32(act, ao + r * width, c, co + hw, c2, c2o + hw, tc, tco + hw, h, ho + hw, hid, hid);
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

    /**
     * {@link Op.LstmStep}. float32 splits the hidden units into one block per thread; each thread
     * sums its block's four gate columns onto xp + bias (one GEMM against its own packing of those
     * columns of whhT, the gates side by side), then runs the activations and the cell update of
     * its units right away: one parallel region per step instead of the product's and the cell's,
     * and the block's gates never leave the thread's cache. Every element of the product is one
     * fma chain in k order whichever thread computes it ({@link SgemmKernel}), so the bits do not
     * depend on the thread count.
     */
    static void step(Op.LstmStep op, Tensor[] out, Tensor[] in) {
        int b = op.bias() ? 1 : 0;
        Tensor xp = in[0], bias = op.bias() ? in[1] : null, c = in[1 + b], h = in[2 + b], whhT = in[3 + b];
        int rows = xp.layout().shape()[0], width = xp.layout().shape()[1], hid = width / 4;
        if (xp.dtype() == DType.FLOAT32) {
            stepF32(new StepF32(f(xp), off(xp), bias == null ? null : f(bias), bias == null ? 0 : off(bias), f(c), off(c), f(h),
                    off(h), f(out[0]), off(out[0]), f(out[1]), off(out[1]), f(out[2]), off(out[2]), f(out[3]), off(out[3]), rows,
                    hid), whhT);
            return;
        }
        double[] x = (double[]) arr(xp), act = (double[]) arr(out[0]);
        int xo = off(xp), ao = off(out[0]);
        for (int r = 0; r < rows; r++) {
            int xr = xo + r * width, ar = ao + r * width;
            if (bias == null) {
                System.arraycopy(x, xr, act, ar, width);
            } else {
                double[] bv = (double[]) arr(bias);
                for (int j = 0; j < width; j++) act[ar + j] = x[xr + j] + bv[off(bias) + j];
            }
        }
        Dgemm.dgemm(rows, width, hid, (double[]) arr(h), off(h), hid, 1, (double[]) arr(whhT), off(whhT), width, 1, act, ao, width,
                true);
        Object cv = arr(c), c2 = arr(out[1]), tc = arr(out[2]), hv = arr(out[3]);
        int co = off(c), c2o = off(out[1]), tco = off(out[2]), ho = off(out[3]);
        Parallel.forRange(rows, Math.max(1, UNITS_PER_CHUNK / Math.max(1, hid)), (s, e) -> {
            for (int r = s; r < e; r++) {
                int gw = r * width, hw = r * hid;
                forwardF64(act, ao + gw, (double[]) cv, co + hw, act, ao + gw, (double[]) c2, c2o + hw, (double[]) tc, tco + hw,
                        (double[]) hv, ho + hw, hid);
            }
        });
    }

    /** The arrays and offsets of one float32 {@link Op.LstmStep}; bias null when there is none. */
    private record StepF32(float[] x, int xo, float[] bias, int bo, float[] c, int co, float[] h, int ho, float[] act, int ao,
                           float[] c2, int c2o, float[] tc, int tco, float[] hOut, int hOutO, int rows, int hid) {}

    /** One thread's block of hidden units [u0, u0+n): whhT's columns of its four gates side by side, packed. */
    private record GateBlock(int u0, int n, float[] weights, Sgemm.PackedB packed) {}

    /** Key of the gate blocks kept with a held whhT, for one block count. */
    private record GateBlocksKey(int blocks) {}

    /** Units per block at least (a block's 4n columns then fill whole 64-wide panels more often). */
    private static final int UNIT_ALIGN = 16;

    /** Per-thread gate pre-activations of one block, [rows, 4n]; only grows. */
    private static final ThreadLocal<float[][]> PRE = ThreadLocal.withInitial(() -> new float[1][0]);

    /**
     * One pass over a block's units, each with at most one {@link VMath} function: the passes are
     * called from one site that sees all three, which C2 does not inline, so each pass compiles on
     * its own (see the class comment).
     */
    @FunctionalInterface
    private interface BlockPass {
        void run(StepF32 s, GateBlock g, float[] pre);
    }

    private static final BlockPass[] BLOCK_PASSES = {LstmCpu::sigmoidPass, LstmCpu::tanhPass, LstmCpu::cellPass};

    private static void stepF32(StepF32 s, Tensor whhT) {
        int hid = s.hid(), width = 4 * hid;
        long flops = 2L * s.rows() * width * hid;
        int blocks = (int) Math.max(1, Math.min(Math.min(Parallel.threads(), hid / UNIT_ALIGN), flops / Sgemm.PARALLEL_MIN_FLOPS));
        float[] w = f(whhT);
        int wo = off(whhT), wrs = whhT.layout().strides()[0], wcs = whhT.layout().strides()[1];
        GateBlock[] held = HeldOperands.derived(w, wo, wrs, wcs, hid, width, new GateBlocksKey(blocks),
                () -> gateBlocks(w, wo, wrs, wcs, hid, blocks));
        GateBlock[] gates = held != null ? held : gateBlocks(w, wo, wrs, wcs, hid, blocks);
        Parallel.forRange(blocks, 1, (lo, hi) -> {
            for (int u = lo; u < hi; u++) gateBlock(s, gates[u]);
        });
    }

    /** whhT's gate columns split into {@code blocks} blocks of units, each packed for the GEMM. */
    private static GateBlock[] gateBlocks(float[] w, int wo, int wrs, int wcs, int hid, int blocks) {
        GateBlock[] out = new GateBlock[blocks];
        for (int u = 0; u < blocks; u++) {
            int u0 = u == 0 ? 0 : (int) ((long) hid * u / blocks) / UNIT_ALIGN * UNIT_ALIGN;
            int u1 = u == blocks - 1 ? hid : (int) ((long) hid * (u + 1) / blocks) / UNIT_ALIGN * UNIT_ALIGN;
            int n = u1 - u0, cols = 4 * n;
            float[] p = new float[hid * cols];
            for (int i = 0; i < hid; i++) {
                for (int q = 0; q < 4; q++) {
                    int src = wo + i * wrs + (q * hid + u0) * wcs;
                    if (wcs == 1) System.arraycopy(w, src, p, i * cols + q * n, n);
                    else for (int j = 0; j < n; j++) p[i * cols + q * n + j] = w[src + j * wcs];
                }
            }
            out[u] = new GateBlock(u0, n, p, Sgemm.PackedB.of(p, 0, cols, 1, hid, cols));
        }
        return out;
    }

    private static void gateBlock(StepF32 s, GateBlock g) {
        int rows = s.rows(), hid = s.hid(), width = 4 * hid, n = g.n(), cols = 4 * n;
        float[][] holder = PRE.get();
        if (holder[0].length < rows * cols) holder[0] = new float[rows * cols];
        float[] pre = holder[0];
        for (int r = 0; r < rows; r++) {
            for (int q = 0; q < 4; q++) {
                int src = s.xo() + r * width + q * hid + g.u0(), dst = r * cols + q * n;
                if (s.bias() == null) System.arraycopy(s.x(), src, pre, dst, n);
                else addF32(s.x(), src, s.bias(), s.bo() + q * hid + g.u0(), pre, dst, n);
            }
        }
        Sgemm.sgemm(rows, cols, hid, s.h(), s.ho(), hid, 1, g.weights(), 0, cols, 1, g.packed(), pre, 0, cols, true);
        for (BlockPass pass : BLOCK_PASSES) pass.run(s, g, pre);
    }

    private static void sigmoidPass(StepF32 s, GateBlock g, float[] pre) {
        int n = g.n(), width = 4 * s.hid();
        for (int r = 0; r < s.rows(); r++) {
            for (int q : SIGMOID_BLOCKS) sigmoidF32(pre, r * 4 * n + q * n, s.act(), s.ao() + r * width + q * s.hid() + g.u0(), n);
        }
    }

    private static void tanhPass(StepF32 s, GateBlock g, float[] pre) {
        int n = g.n(), width = 4 * s.hid();
        for (int r = 0; r < s.rows(); r++) tanhF32(pre, r * 4 * n + 2 * n, s.act(), s.ao() + r * width + 2 * s.hid() + g.u0(), n);
    }

    private static void cellPass(StepF32 s, GateBlock g, float[] pre) {
        int hid = s.hid(), width = 4 * hid, u0 = g.u0();
        for (int r = 0; r < s.rows(); r++) {
            int hw = r * hid + u0;
            cellF32(s.act(), s.ao() + r * width + u0, s.c(), s.co() + hw, s.c2(), s.c2o() + hw, s.tc(), s.tco() + hw, s.hOut(),
                    s.hOutO() + hw, g.n(), hid);
        }
    }

    /** o[oo..oo+n) = a[ao..ao+n) + b[bo..bo+n). */
    private static void addF32(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        for (int j = 0; j < n; j += L) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector.fromArray(S, a, ao + j, m).add(FloatVector.fromArray(S, b, bo + j, m)).intoArray(o, oo + j, m);
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

    /**
     * n units of one row: c2 = f*c + i*g, tc = tanh(c2), h = o*tc, from the row's act, whose gate
     * blocks lie hid apart.
     */
    private static void cellF32(float[] act, int ao, float[] c, int co, float[] c2, int c2o, float[] tc, int tco, float[] h,
                                int ho, int n, int hid) {
        for (int j = 0; j < n; j += L) {
            VectorMask<Float> m = S.indexInRange(j, n);
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
