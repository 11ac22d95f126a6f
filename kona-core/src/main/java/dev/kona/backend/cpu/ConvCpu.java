package dev.kona.backend.cpu;

import dev.kona.DType;
import dev.kona.Tensor;
import dev.kona.ops.Op;
import dev.kona.ops.Op.Window;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Op.Im2Col}, {@link Op.Col2Im}, {@link Op.MaxPool} and {@link Op.MaxPoolGrad} on the CPU,
 * in parallel over the {@code N*C} image planes. Each plane is independent, and within a plane
 * every image element receives its contributions in a fixed order (kernel taps for col2im, output
 * positions for the max-pooling gradient), so results do not depend on the thread count. Inputs
 * may have any strides; outputs are fresh and contiguous.
 */
final class ConvCpu {
    private ConvCpu() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Elements written per parallel chunk, at least. */
    private static final int GRAIN = 32 * 1024;

    /**
     * The geometry the ops share: the window, the image's channels and size, and the strides of
     * the strided operand (the image for im2col, the columns for col2im): {@code sn}, {@code sc} to
     * a plane, {@code rs}, {@code cs} within it (image row and column; or kernel row and position).
     */
    private record Planes(Window w, int c, int h, int wd, int sn, int sc, int rs, int cs) {
        int base(int nc, int offset) {
            return offset + (nc / c) * sn + (nc % c) * sc;
        }

        /** First window column j whose kernel column b reads inside the image. */
        int jLo(int b) {
            return Math.max(0, Math.ceilDiv(w.pw() - b * w.dw(), w.sw()));
        }

        /** One past the last such column. */
        int jHi(int b) {
            return Math.min(w.ow(), Math.floorDiv(wd - 1 + w.pw() - b * w.dw(), w.sw()) + 1);
        }
    }

    static void im2col(Op.Im2Col op, Tensor out, Tensor x) {
        var xl = x.layout();
        int[] s = xl.shape(), st = xl.strides();
        Window w = op.window();
        var p = new Planes(w, s[1], s[2], s[3], st[0], st[1], st[2], st[3]);
        int planes = s[0] * s[1], perPlane = w.area() * w.positions();
        int grain = Math.max(1, GRAIN / Math.max(1, perPlane));
        int xo = xl.offset(), oo = out.layout().offset();
        Object xa = ((CpuStorage) x.storage()).array(), oa = ((CpuStorage) out.storage()).array();
        if (x.dtype() == DType.FLOAT32) {
            float pad = (float) op.padValue();
            Parallel.forRange(planes, grain, (a, e) -> {
                for (int nc = a; nc < e; nc++) im2colF32(p, (float[]) xa, p.base(nc, xo), (float[]) oa, oo + nc * perPlane, pad);
            });
        } else if (x.dtype() == DType.FLOAT64) {
            double pad = op.padValue();
            Parallel.forRange(planes, grain, (a, e) -> {
                for (int nc = a; nc < e; nc++) im2colF64(p, (double[]) xa, p.base(nc, xo), (double[]) oa, oo + nc * perPlane, pad);
            });
        } else {
            throw new IllegalArgumentException("im2col: expected a float32 or float64 tensor on cpu, got " + x.dtype());
        }
    }

    static void col2im(Op.Col2Im op, Tensor out, Tensor cols) {
        var cl = cols.layout();
        int[] st = cl.strides();
        Window w = op.window();
        int c = cl.shape()[1] / w.area();
        var p = new Planes(w, c, op.height(), op.width(), st[0], w.area() * st[1], st[1], st[2]);
        int planes = cl.shape()[0] * c, plane = op.height() * op.width();
        int grain = Math.max(1, GRAIN / Math.max(1, w.area() * w.positions()));
        int co = cl.offset(), oo = out.layout().offset();
        Object ca = ((CpuStorage) cols.storage()).array(), oa = ((CpuStorage) out.storage()).array();
        if (cols.dtype() == DType.FLOAT32) {
            Parallel.forRange(planes, grain, (a, e) -> {
                float[] saved = new float[w.positions()];
                for (int nc = a; nc < e; nc++) col2imF32(p, (float[]) ca, p.base(nc, co), (float[]) oa, oo + nc * plane, saved);
            });
        } else if (cols.dtype() == DType.FLOAT64) {
            Parallel.forRange(planes, grain, (a, e) -> {
                for (int nc = a; nc < e; nc++) col2imF64(p, (double[]) ca, p.base(nc, co), (double[]) oa, oo + nc * plane);
            });
        } else {
            throw new IllegalArgumentException("col2im: expected a float32 or float64 tensor on cpu, got " + cols.dtype());
        }
    }

    // ---------------------------------------------------------------- max pooling

    /** Values and first-maximum flat indices of each window, plane by plane; NaN counts as the largest. */
    static void maxPool(Op.MaxPool op, Tensor values, Tensor indices, Tensor x) {
        var xl = x.layout();
        int[] s = xl.shape(), st = xl.strides();
        Window w = op.window();
        var p = new Planes(w, s[1], s[2], s[3], st[0], st[1], st[2], st[3]);
        int planes = s[0] * s[1], l = w.positions();
        int grain = Math.max(1, GRAIN / Math.max(1, w.area() * l));
        int xo = xl.offset(), vo = values.layout().offset(), io = indices.layout().offset();
        Object xa = ((CpuStorage) x.storage()).array(), va = ((CpuStorage) values.storage()).array();
        long[] ia = ((CpuStorage) indices.storage()).i64();
        if (x.dtype() == DType.FLOAT32) {
            Parallel.forRange(planes, grain, (a, e) -> {
                float[] sc = PoolCpu.scratch(s[3], w.kh());
                int[] at = new int[PoolCpu.lanes()];
                for (int nc = a; nc < e; nc++) {
                    maxPoolF32(p, (float[]) xa, p.base(nc, xo), (float[]) va, vo + nc * l, ia, io + nc * l, sc, at);
                }
            });
        } else if (x.dtype() == DType.FLOAT64) {
            Parallel.forRange(planes, grain, (a, e) -> {
                for (int nc = a; nc < e; nc++) maxPoolF64(p, (double[]) xa, p.base(nc, xo), (double[]) va, vo + nc * l, ia, io + nc * l);
            });
        } else {
            throw new IllegalArgumentException("maxPool2d: expected a float32 or float64 tensor on cpu, got " + x.dtype());
        }
    }

    /** Per plane: zeros, then each output gradient added at its window's maximum, in output order. */
    static void maxPoolGrad(Op.MaxPoolGrad op, Tensor dx, Tensor g, Tensor indices) {
        var gl = g.layout();
        var il = indices.layout();
        int[] gs = gl.shape(), gst = gl.strides(), ist = il.strides();
        int c = gs[1], oh = gs[2], ow = gs[3], plane = op.height() * op.width();
        int grain = Math.max(1, GRAIN / Math.max(1, plane + oh * ow));
        Object ga = ((CpuStorage) g.storage()).array(), da = ((CpuStorage) dx.storage()).array();
        long[] ia = ((CpuStorage) indices.storage()).i64();
        int go = gl.offset(), io = il.offset(), dxo = dx.layout().offset();
        boolean f32 = g.dtype() == DType.FLOAT32;
        if (!f32 && g.dtype() != DType.FLOAT64) {
            throw new IllegalArgumentException("maxPool2dBackward: expected a float32 or float64 tensor on cpu, got " + g.dtype());
        }
        Parallel.forRange(gs[0] * c, grain, (a, e) -> {
            for (int nc = a; nc < e; nc++) {
                int n = nc / c, ci = nc % c, d = dxo + nc * plane;
                int gb = go + n * gst[0] + ci * gst[1], ib = io + n * ist[0] + ci * ist[1];
                if (f32) {
                    float[] gv = (float[]) ga, o = (float[]) da;
                    Arrays.fill(o, d, d + plane, 0f);
                    for (int i = 0; i < oh; i++) {
                        for (int j = 0; j < ow; j++) o[d + at(ia[ib + i * ist[2] + j * ist[3]], plane)] += gv[gb + i * gst[2] + j * gst[3]];
                    }
                } else {
                    double[] gv = (double[]) ga, o = (double[]) da;
                    Arrays.fill(o, d, d + plane, 0.0);
                    for (int i = 0; i < oh; i++) {
                        for (int j = 0; j < ow; j++) o[d + at(ia[ib + i * ist[2] + j * ist[3]], plane)] += gv[gb + i * gst[2] + j * gst[3]];
                    }
                }
            }
        });
    }

    /** An index into the plane, checked: one out of range would land in another plane. */
    private static int at(long index, int plane) {
        if (index < 0 || index >= plane) {
            throw new IndexOutOfBoundsException("maxPool2dBackward: index " + index + " is out of bounds for an image plane of "
                    + plane + " elements");
        }
        return (int) index;
    }

    private static void maxPoolF32(Planes p, float[] x, int xb, float[] v, int vo, long[] idx, int io, float[] sc, int[] at) {
        Window w = p.w();
        if (p.cs() == 1 && PoolCpu.supports(w)) {
            PoolCpu.plane(w, p.h(), p.wd(), x, xb, p.rs(), v, vo, idx, io, sc, at, (i, j) -> maxPoolOneF32(p, x, xb, v, vo, idx, io, i, j));
            return;
        }
        for (int i = 0; i < w.oh(); i++) {
            for (int j = 0; j < w.ow(); j++) maxPoolOneF32(p, x, xb, v, vo, idx, io, i, j);
        }
    }

    /** Output (i, j): the first maximum of its window, a NaN winning and staying. */
    private static void maxPoolOneF32(Planes p, float[] x, int xb, float[] v, int vo, long[] idx, int io, int i, int j) {
        Window w = p.w();
        float best = Float.NEGATIVE_INFINITY;
        int at = -1;
        for (int a = 0; a < w.kh(); a++) {
            int ih = i * w.sh() - w.ph() + a * w.dh();
            if (ih < 0 || ih >= p.h()) continue;
            for (int b = 0; b < w.kw(); b++) {
                int iw = j * w.sw() - w.pw() + b * w.dw();
                if (iw < 0 || iw >= p.wd()) continue;
                float e = x[xb + ih * p.rs() + iw * p.cs()];
                if (at < 0 || e > best || (e != e && best == best)) {
                    best = e;
                    at = ih * p.wd() + iw;
                }
            }
        }
        v[vo + i * w.ow() + j] = best;
        idx[io + i * w.ow() + j] = Math.max(at, 0);
    }

    private static void maxPoolF64(Planes p, double[] x, int xb, double[] v, int vo, long[] idx, int io) {
        Window w = p.w();
        for (int i = 0; i < w.oh(); i++) {
            for (int j = 0; j < w.ow(); j++) {
                double best = Double.NEGATIVE_INFINITY;
                int at = -1;
                for (int a = 0; a < w.kh(); a++) {
                    int ih = i * w.sh() - w.ph() + a * w.dh();
                    if (ih < 0 || ih >= p.h()) continue;
                    for (int b = 0; b < w.kw(); b++) {
                        int iw = j * w.sw() - w.pw() + b * w.dw();
                        if (iw < 0 || iw >= p.wd()) continue;
                        double e = x[xb + ih * p.rs() + iw * p.cs()];
                        if (at < 0 || e > best || (e != e && best == best)) {
                            best = e;
                            at = ih * p.wd() + iw;
                        }
                    }
                }
                v[vo + i * w.ow() + j] = best;
                idx[io + i * w.ow() + j] = Math.max(at, 0);
            }
        }
    }

    // ---------------------------------------------------------------- im2col

    /** One plane's kh*kw rows of L = oh*ow window positions. */
    private static void im2colF32(Planes p, float[] x, int xb, float[] o, int ob, float pad) {
        Window w = p.w();
        int oh = w.oh(), ow = w.ow(), rowLen = w.positions();
        // Stride 1 along both axes over unit-stride rows with ow == W ("same" convolutions): a
        // kernel row's valid rows are one linear run of the input, copied at once; the few
        // elements that wrapped around a row's edge are reset to padding afterwards.
        boolean linear = w.sh() == 1 && w.sw() == 1 && p.cs() == 1 && p.rs() == p.wd() && ow == p.wd();
        for (int a = 0; a < w.kh(); a++) {
            // window rows i whose kernel row a reads inside the image: 0 <= i*sh - ph + a*dh < H
            int iLo = Math.clamp(Math.ceilDiv(w.ph() - a * w.dh(), w.sh()), 0, oh);
            int iHi = Math.clamp(Math.ceilDiv(p.h() + w.ph() - a * w.dh(), w.sh()), iLo, oh);
            for (int b = 0; b < w.kw(); b++) {
                int r0 = ob + (a * w.kw() + b) * rowLen;
                int jLo = p.jLo(b), jHi = Math.max(jLo, p.jHi(b));
                Arrays.fill(o, r0, r0 + iLo * ow, pad);
                Arrays.fill(o, r0 + iHi * ow, r0 + rowLen, pad);
                if (iLo == iHi) continue;
                int xs = xb + (a * w.dh() - w.ph()) * p.rs() + (b * w.dw() - w.pw()) * p.cs();
                if (linear && jLo < jHi) {
                    int from = iLo * ow + jLo, to = (iHi - 1) * ow + jHi;
                    System.arraycopy(x, xs + from, o, r0 + from, to - from);
                    for (int i = iLo; i < iHi; i++) {
                        int r = r0 + i * ow;
                        Arrays.fill(o, r, r + jLo, pad);
                        Arrays.fill(o, r + jHi, r + ow, pad);
                    }
                    continue;
                }
                int step = w.sw() * p.cs();
                for (int i = iLo; i < iHi; i++) {
                    int r = r0 + i * ow;
                    Arrays.fill(o, r, r + jLo, pad);
                    Arrays.fill(o, r + jHi, r + ow, pad);
                    int src = xs + i * w.sh() * p.rs() + jLo * step;
                    if (step == 1) {
                        System.arraycopy(x, src, o, r + jLo, jHi - jLo);
                    } else {
                        for (int j = jLo; j < jHi; j++, src += step) o[r + j] = x[src];
                    }
                }
            }
        }
    }

    private static void im2colF64(Planes p, double[] x, int xb, double[] o, int ob, double pad) {
        Window w = p.w();
        int oh = w.oh(), ow = w.ow(), rowLen = w.positions();
        for (int a = 0; a < w.kh(); a++) {
            for (int b = 0; b < w.kw(); b++) {
                int r0 = ob + (a * w.kw() + b) * rowLen;
                int jLo = p.jLo(b), jHi = Math.max(jLo, p.jHi(b));
                int step = w.sw() * p.cs();
                for (int i = 0; i < oh; i++) {
                    int r = r0 + i * ow, ih = i * w.sh() - w.ph() + a * w.dh();
                    if (ih < 0 || ih >= p.h()) {
                        Arrays.fill(o, r, r + ow, pad);
                        continue;
                    }
                    Arrays.fill(o, r, r + jLo, pad);
                    Arrays.fill(o, r + jHi, r + ow, pad);
                    int src = xb + ih * p.rs() + (jLo * w.sw() - w.pw() + b * w.dw()) * p.cs();
                    for (int j = jLo; j < jHi; j++, src += step) o[r + j] = x[src];
                }
            }
        }
    }

    // ---------------------------------------------------------------- col2im

    /** One plane: zeroed, then every window's column entries added where they were read from. */
    private static void col2imF32(Planes p, float[] cols, int cb, float[] o, int ob, float[] saved) {
        Window w = p.w();
        int wd = p.wd(), ow = w.ow();
        Arrays.fill(o, ob, ob + p.h() * wd, 0f);
        // As in im2colF32: with stride 1 and ow == W a kernel tap's valid rows are one linear run.
        // It is added at once; the image elements that wrapped-around entries reached (one per
        // row edge) are saved before and restored after, which is exact, since each image element
        // gets at most one entry per tap.
        boolean linear = w.sh() == 1 && w.sw() == 1 && p.cs() == 1 && ow == wd;
        for (int a = 0; a < w.kh(); a++) {
            int iLo = Math.clamp(Math.ceilDiv(w.ph() - a * w.dh(), w.sh()), 0, w.oh());
            int iHi = Math.clamp(Math.ceilDiv(p.h() + w.ph() - a * w.dh(), w.sh()), iLo, w.oh());
            for (int b = 0; b < w.kw(); b++) {
                int r0 = cb + (a * w.kw() + b) * p.rs();
                int jLo = p.jLo(b), jHi = p.jHi(b);
                if (jLo >= jHi || iLo == iHi) continue;
                if (linear) {
                    int from = iLo * ow + jLo, to = (iHi - 1) * ow + jHi;
                    int shift = ob + (a * w.dh() - w.ph()) * wd + b * w.dw() - w.pw();
                    int ns = 0;
                    for (int i = iLo; i < iHi; i++) {
                        for (int j = i == iLo ? jLo : 0; j < jLo; j++) saved[ns++] = o[shift + i * ow + j];
                        for (int j = jHi; j < (i == iHi - 1 ? jHi : ow); j++) saved[ns++] = o[shift + i * ow + j];
                    }
                    addRow(o, shift + from, cols, r0 + from, to - from);
                    ns = 0;
                    for (int i = iLo; i < iHi; i++) {
                        for (int j = i == iLo ? jLo : 0; j < jLo; j++) o[shift + i * ow + j] = saved[ns++];
                        for (int j = jHi; j < (i == iHi - 1 ? jHi : ow); j++) o[shift + i * ow + j] = saved[ns++];
                    }
                    continue;
                }
                for (int i = 0; i < w.oh(); i++) {
                    int ih = i * w.sh() - w.ph() + a * w.dh();
                    if (ih < 0 || ih >= p.h()) continue;
                    int dst = ob + ih * wd + jLo * w.sw() - w.pw() + b * w.dw();
                    int src = r0 + (i * w.ow() + jLo) * p.cs();
                    if (w.sw() == 1 && p.cs() == 1) {
                        addRow(o, dst, cols, src, jHi - jLo);
                    } else {
                        for (int j = jLo; j < jHi; j++, dst += w.sw(), src += p.cs()) o[dst] += cols[src];
                    }
                }
            }
        }
    }

    /** {@code o[d..d+n) += c[s..s+n)}; lanes are independent, so the scalar tail rounds as they do. */
    private static void addRow(float[] o, int d, float[] c, int s, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector.fromArray(S, o, d + i).add(FloatVector.fromArray(S, c, s + i)).intoArray(o, d + i);
        }
        for (; i < n; i++) o[d + i] += c[s + i];
    }

    private static void col2imF64(Planes p, double[] cols, int cb, double[] o, int ob) {
        Window w = p.w();
        int wd = p.wd();
        Arrays.fill(o, ob, ob + p.h() * wd, 0.0);
        for (int a = 0; a < w.kh(); a++) {
            for (int b = 0; b < w.kw(); b++) {
                int r0 = cb + (a * w.kw() + b) * p.rs();
                int jLo = p.jLo(b), jHi = p.jHi(b);
                for (int i = 0; i < w.oh(); i++) {
                    int ih = i * w.sh() - w.ph() + a * w.dh();
                    if (ih < 0 || ih >= p.h()) continue;
                    int dst = ob + ih * wd + jLo * w.sw() - w.pw() + b * w.dw();
                    int src = r0 + (i * w.ow() + jLo) * p.cs();
                    for (int j = jLo; j < jHi; j++, dst += w.sw(), src += p.cs()) o[dst] += cols[src];
                }
            }
        }
    }
}
