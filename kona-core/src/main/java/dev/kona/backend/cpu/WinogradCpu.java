package dev.kona.backend.cpu;

import dev.kona.DType;
import dev.kona.Tensor;
import dev.kona.ops.Op;
import java.util.Arrays;

/**
 * The Winograd F(2x2, 3x3) transforms ({@link Op.WinogradInput}, {@link Op.WinogradOutput}) and
 * their adjoints on the CPU, in parallel over image planes ({@code n, c}), each plane's tiles in
 * order, so the overlapping sums of the input adjoint do not depend on the thread count. float32
 * runs a tile row at a time in vector lanes ({@link WinogradRows}); float64 (used by tests and
 * gradient checks) tile by tile.
 *
 * <p>The matrices, applied down the columns of a tile and then along its rows:
 * {@code Bᵀ v = (v0 - v2, v1 + v2, v2 - v1, v1 - v3)}, {@code B v = (v0, v1 - v2 + v3, v1 + v2 - v0, -v3)},
 * {@code Aᵀ v = (v0 + v1 + v2, v1 - v2 - v3)}, {@code A u = (u0, u0 + u1, u0 - u1, -u1)}.
 */
final class WinogradCpu {
    private WinogradCpu() {}

    private static final int GRAIN_TILES = 2048;

    private static int grain(int tilesPerPlane) {
        return Math.max(1, GRAIN_TILES / Math.max(1, tilesPerPlane));
    }

    private static boolean checkFloat(String op, Tensor t) {
        DType dt = t.dtype();
        if (dt != DType.FLOAT32 && dt != DType.FLOAT64) {
            throw new IllegalArgumentException(op + ": expected a float32 or float64 tensor on cpu, got " + dt);
        }
        return dt == DType.FLOAT32;
    }

    static void input(Op.WinogradInput op, Tensor out, Tensor in) {
        boolean f32 = checkFloat(op.name(), in);
        if (op.adjoint()) inputAdjoint(op, out, in, f32);
        else inputForward(op, out, in, f32);
    }

    static void output(Op.WinogradOutput op, Tensor out, Tensor in) {
        boolean f32 = checkFloat(op.name(), in);
        if (op.adjoint()) outputAdjoint(op, out, in, f32);
        else outputForward(op, out, in, f32);
    }

    // ---------------------------------------------------------------- input transform

    /** x [N, C, h, w] (any strides) -> V [16, C, T] contiguous. */
    private static void inputForward(Op.WinogradInput op, Tensor out, Tensor x, boolean f32) {
        var xl = x.layout();
        int[] s = xl.shape(), st = xl.strides();
        int c = s[1], th = op.tilesH(), tw = op.tilesW(), tiles = th * tw;
        int t = s[0] * tiles, plane = c * t;
        Object xa = ((CpuStorage) x.storage()).array(), oa = ((CpuStorage) out.storage()).array();
        int xo = xl.offset(), oo = out.layout().offset();
        Parallel.forRange(s[0] * c, grain(tiles), (a, e) -> {
            // A tile row at a time, its tiles in vector lanes, so that each of the 16 planes gets a
            // contiguous run: writing each tile's 16 values to the 16 planes (a power-of-two
            // stride apart) one by one thrashed the cache, 7x slower.
            float[] sc = f32 ? WinogradRows.scratch(tw) : null;
            float[] pad = f32 ? WinogradRows.paddedRow(tw, op.w(), op.pw()) : null;
            double[] d = f32 ? null : new double[16];
            for (int nc = a; nc < e; nc++) {
                int n = nc / c, ci = nc % c;
                int xb = xo + n * st[0] + ci * st[1];
                int ob = oo + ci * t + n * tiles;
                for (int i = 0; i < th; i++) {
                    if (f32) {
                        WinogradRows.input((float[]) xa, xb, st[2], st[3], op.h(), op.w(), 2 * i - op.ph(), op.pw(), tw, sc,
                                pad, (float[]) oa, ob + i * tw, plane);
                        continue;
                    }
                    double[] src = (double[]) xa, o = (double[]) oa;
                    for (int j = 0; j < tw; j++) {
                        int r0 = 2 * i - op.ph(), c0 = 2 * j - op.pw();
                        for (int p = 0; p < 4; p++) {
                            for (int q = 0; q < 4; q++) {
                                int r = r0 + p, col = c0 + q;
                                boolean in = r >= 0 && r < op.h() && col >= 0 && col < op.w();
                                d[4 * p + q] = in ? src[xb + r * st[2] + col * st[3]] : 0.0;
                            }
                        }
                        btdbF64(d);
                        for (int k = 0; k < 16; k++) o[ob + i * tw + j + k * plane] = d[k];
                    }
                }
            }
        });
    }

    private static void btdbF64(double[] d) {
        for (int b = 0; b < 4; b++) {
            double v0 = d[b], v1 = d[4 + b], v2 = d[8 + b], v3 = d[12 + b];
            d[b] = v0 - v2;
            d[4 + b] = v1 + v2;
            d[8 + b] = v2 - v1;
            d[12 + b] = v1 - v3;
        }
        for (int a = 0; a < 16; a += 4) {
            double v0 = d[a], v1 = d[a + 1], v2 = d[a + 2], v3 = d[a + 3];
            d[a] = v0 - v2;
            d[a + 1] = v1 + v2;
            d[a + 2] = v2 - v1;
            d[a + 3] = v1 - v3;
        }
    }

    /** {@code d <- B d Bᵀ} in place: the adjoint of {@code Bᵀ d B}. */
    static void bdbtF32(float[] d) {
        for (int b = 0; b < 4; b++) {
            float v0 = d[b], v1 = d[4 + b], v2 = d[8 + b], v3 = d[12 + b];
            d[b] = v0;
            d[4 + b] = v1 - v2 + v3;
            d[8 + b] = v1 + v2 - v0;
            d[12 + b] = -v3;
        }
        for (int a = 0; a < 16; a += 4) {
            float v0 = d[a], v1 = d[a + 1], v2 = d[a + 2], v3 = d[a + 3];
            d[a + 1] = v1 - v2 + v3;
            d[a + 2] = v1 + v2 - v0;
            d[a + 3] = -v3;
        }
    }

    private static void bdbtF64(double[] d) {
        for (int b = 0; b < 4; b++) {
            double v0 = d[b], v1 = d[4 + b], v2 = d[8 + b], v3 = d[12 + b];
            d[b] = v0;
            d[4 + b] = v1 - v2 + v3;
            d[8 + b] = v1 + v2 - v0;
            d[12 + b] = -v3;
        }
        for (int a = 0; a < 16; a += 4) {
            double v0 = d[a], v1 = d[a + 1], v2 = d[a + 2], v3 = d[a + 3];
            d[a + 1] = v1 - v2 + v3;
            d[a + 2] = v1 + v2 - v0;
            d[a + 3] = -v3;
        }
    }

    /** V [16, C, T] (any strides) -> x [N, C, h, w] contiguous, the tiles' contributions summed. */
    private static void inputAdjoint(Op.WinogradInput op, Tensor out, Tensor v, boolean f32) {
        var vl = v.layout();
        int[] st = vl.strides();
        int c = vl.shape()[1], th = op.tilesH(), tw = op.tilesW(), tiles = th * tw;
        int n = out.layout().shape()[0], h = op.h(), w = op.w();
        Object va = ((CpuStorage) v.storage()).array(), oa = ((CpuStorage) out.storage()).array();
        int vo = vl.offset(), oo = out.layout().offset();
        Parallel.forRange(n * c, grain(tiles), (a, e) -> {
            // the row kernel reads unit-stride runs: other layouts are gathered into `row` first
            float[] row = f32 && st[2] != 1 ? new float[16 * tw] : null;
            float[] sc = f32 ? WinogradRows.scratch(tw) : null;
            double[] d = f32 ? null : new double[16];
            for (int nc = a; nc < e; nc++) {
                int ni = nc / c, ci = nc % c;
                int ob = oo + nc * h * w;
                if (f32) Arrays.fill((float[]) oa, ob, ob + h * w, 0f);
                else Arrays.fill((double[]) oa, ob, ob + h * w, 0.0);
                for (int i = 0; i < th; i++) {
                    int rowAt = vo + ci * st[1] + (ni * tiles + i * tw) * st[2];
                    int r0 = 2 * i - op.ph();
                    if (f32) {
                        float[] src = (float[]) va;
                        if (row == null) {
                            WinogradRows.inputAdjoint(src, rowAt, st[0], tw, sc, (float[]) oa, ob, h, w, r0, op.pw());
                        } else {
                            for (int k = 0; k < 16; k++) {
                                for (int j = 0; j < tw; j++) row[k * tw + j] = src[rowAt + k * st[0] + j * st[2]];
                            }
                            WinogradRows.inputAdjoint(row, 0, tw, tw, sc, (float[]) oa, ob, h, w, r0, op.pw());
                        }
                        continue;
                    }
                    double[] src = (double[]) va, o = (double[]) oa;
                    for (int j = 0; j < tw; j++) {
                        int at = rowAt + j * st[2], c0 = 2 * j - op.pw();
                        for (int k = 0; k < 16; k++) d[k] = src[at + k * st[0]];
                        bdbtF64(d);
                        for (int r = Math.max(0, -r0); r < 4 && r0 + r < h; r++) {
                            for (int q = Math.max(0, -c0); q < 4 && c0 + q < w; q++) o[ob + (r0 + r) * w + c0 + q] += d[4 * r + q];
                        }
                    }
                }
            }
        });
    }

    // ---------------------------------------------------------------- output transform

    /** M [16, K, T] (any strides) -> y [N, K, oh, ow] contiguous. */
    private static void outputForward(Op.WinogradOutput op, Tensor out, Tensor m, boolean f32) {
        var ml = m.layout();
        int[] st = ml.strides();
        int k = ml.shape()[1], th = op.tilesH(), tw = op.tilesW(), tiles = th * tw;
        int n = out.layout().shape()[0], oh = op.oh(), ow = op.ow();
        Object ma = ((CpuStorage) m.storage()).array(), oa = ((CpuStorage) out.storage()).array();
        int mo = ml.offset(), oo = out.layout().offset();
        Parallel.forRange(n * k, grain(tiles), (a, e) -> {
            for (int nk = a; nk < e; nk++) {
                int ni = nk / k, ki = nk % k;
                int ob = oo + nk * oh * ow;
                for (int i = 0; i < th; i++) {
                    int rowAt = mo + ki * st[1] + (ni * tiles + i * tw) * st[2];
                    if (f32 && st[2] == 1) {
                        WinogradRows.output((float[]) ma, rowAt, st[0], tw, (float[]) oa, ob, oh, ow, i);
                        continue;
                    }
                    boolean down = 2 * i + 1 < oh;
                    for (int j = 0; j < tw; j++) {
                        int at = rowAt + j * st[2];
                        int y = ob + 2 * i * ow + 2 * j;
                        boolean right = 2 * j + 1 < ow;
                        if (f32) atmaF32((float[]) ma, at, st[0], (float[]) oa, y, ow, down, right);
                        else atmaF64((double[]) ma, at, st[0], (double[]) oa, y, ow, down, right);
                    }
                }
            }
        });
    }

    /** The 2x2 tile {@code Aᵀ m A} of the 16 values at {@code m[at + k*ps]}, written at {@code y[yo]}. */
    static void atmaF32(float[] m, int at, int ps, float[] y, int yo, int ow, boolean down, boolean right) {
        float m00 = m[at], m01 = m[at + ps], m02 = m[at + 2 * ps], m03 = m[at + 3 * ps];
        float m10 = m[at + 4 * ps], m11 = m[at + 5 * ps], m12 = m[at + 6 * ps], m13 = m[at + 7 * ps];
        float m20 = m[at + 8 * ps], m21 = m[at + 9 * ps], m22 = m[at + 10 * ps], m23 = m[at + 11 * ps];
        float m30 = m[at + 12 * ps], m31 = m[at + 13 * ps], m32 = m[at + 14 * ps], m33 = m[at + 15 * ps];
        // down the columns: s0 = m0 + m1 + m2, s1 = m1 - m2 - m3 (rows of 4), then along the rows
        float s00 = m00 + m10 + m20, s01 = m01 + m11 + m21, s02 = m02 + m12 + m22, s03 = m03 + m13 + m23;
        float s10 = m10 - m20 - m30, s11 = m11 - m21 - m31, s12 = m12 - m22 - m32, s13 = m13 - m23 - m33;
        y[yo] = s00 + s01 + s02;
        if (right) y[yo + 1] = s01 - s02 - s03;
        if (down) {
            y[yo + ow] = s10 + s11 + s12;
            if (right) y[yo + ow + 1] = s11 - s12 - s13;
        }
    }

    private static void atmaF64(double[] m, int at, int ps, double[] y, int yo, int ow, boolean down, boolean right) {
        double[] s = new double[8];
        for (int b = 0; b < 4; b++) {
            double v0 = m[at + b * ps], v1 = m[at + (4 + b) * ps], v2 = m[at + (8 + b) * ps], v3 = m[at + (12 + b) * ps];
            s[b] = v0 + v1 + v2;
            s[4 + b] = v1 - v2 - v3;
        }
        y[yo] = s[0] + s[1] + s[2];
        if (right) y[yo + 1] = s[1] - s[2] - s[3];
        if (down) {
            y[yo + ow] = s[4] + s[5] + s[6];
            if (right) y[yo + ow + 1] = s[5] - s[6] - s[7];
        }
    }

    /** dy [N, K, oh, ow] (any strides) -> dM [16, K, T] contiguous: each tile {@code A dy Aᵀ}. */
    private static void outputAdjoint(Op.WinogradOutput op, Tensor out, Tensor dy, boolean f32) {
        var yl = dy.layout();
        int[] s = yl.shape(), st = yl.strides();
        int k = s[1], th = op.tilesH(), tw = op.tilesW(), tiles = th * tw, oh = op.oh(), ow = op.ow();
        int t = s[0] * tiles, plane = k * t;
        Object ya = ((CpuStorage) dy.storage()).array(), oa = ((CpuStorage) out.storage()).array();
        int yo = yl.offset(), oo = out.layout().offset();
        Parallel.forRange(s[0] * k, grain(tiles), (a, e) -> {
            float[] sc = f32 ? WinogradRows.scratch(tw) : null;
            for (int nk = a; nk < e; nk++) {
                int ni = nk / k, ki = nk % k;
                int yb = yo + ni * st[0] + ki * st[1];
                int ob = oo + ki * t + ni * tiles;
                for (int i = 0; i < th; i++) {
                    if (f32) {
                        // a tile row in vector lanes, as in inputForward
                        WinogradRows.outputAdjoint((float[]) ya, yb, st[2], st[3], oh, ow, i, tw, sc, (float[]) oa, ob + i * tw,
                                plane);
                        continue;
                    }
                    double[] y = (double[]) ya, o = (double[]) oa;
                    boolean down = 2 * i + 1 < oh;
                    for (int j = 0; j < tw; j++) {
                        boolean right = 2 * j + 1 < ow;
                        int p = yb + 2 * i * st[2] + 2 * j * st[3], at = ob + i * tw + j;
                        double u00 = y[p], u01 = right ? y[p + st[3]] : 0;
                        double u10 = down ? y[p + st[2]] : 0, u11 = down && right ? y[p + st[2] + st[3]] : 0;
                        double[] r0 = {u00, u00 + u01, u00 - u01, -u01};
                        double[] r1 = {u10, u10 + u11, u10 - u11, -u11};
                        for (int b = 0; b < 4; b++) {
                            o[at + b * plane] = r0[b];
                            o[at + (4 + b) * plane] = r0[b] + r1[b];
                            o[at + (8 + b) * plane] = r0[b] - r1[b];
                            o[at + (12 + b) * plane] = -r1[b];
                        }
                    }
                }
            }
        });
    }
}
