package dev.kona.backend.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 transforms of Winograd F(4x4, 3x3) over a block of tile rows of one channel, the
 * block's tiles in vector lanes, laid out as {@link WinogradBlocks}' F(2x2, 3x3) blocks: tile
 * {@code j} of tile row {@code r} at slot {@code r*n + j}, {@code n = tw + 1} (one spare slot per
 * tile row), and each run of a block buffer followed by at least {@code L - 1} floats these
 * transforms may read or overwrite. A tile is 6x6 inputs for 4x4 outputs, 36 transform entries
 * (entry {@code 6a + b}) instead of F(2x2)'s 16 for 2x2: 4 times fewer multiplications than a
 * direct convolution where F(2x2) saves 2.25 times, for about ten times F(2x2)'s rounding error
 * (still a few float32 ulps of the result's scale; the matrices are Lavin and Gray's, with
 * interpolation points 0, ±1, ±2).
 *
 * <p>The input tiles overlap (stride 4), so image rows are split into four column phases:
 * columns {@code 0..5} of tile j are {@code p0[j], p1[j], p2[j], p3[j], p0[j+1], p1[j+1]}, and
 * image rows likewise into four row phases.
 */
final class WinogradBlocks4 {
    private WinogradBlocks4() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final FloatVector EVEN = WinogradBlocks.EVEN, ODD = WinogradBlocks.ODD;
    private static final FloatVector ZIP_LO = WinogradBlocks.ZIP_LO, ZIP_HI = WinogradBlocks.ZIP_HI;
    private static final FloatVector PLUS2 = FloatVector.broadcast(S, 2f), MINUS2 = FloatVector.broadcast(S, -2f),
            PLUS4 = FloatVector.broadcast(S, 4f), MINUS4 = FloatVector.broadcast(S, -4f), MINUS5 = FloatVector.broadcast(S, -5f),
            PLUS8 = FloatVector.broadcast(S, 8f);

    /** The 36-entry G of F(4x4, 3x3), 6 x 3: the weight transform is {@code G g Gᵀ}. */
    static final double[][] G = {
            {1.0 / 4, 0, 0}, {-1.0 / 6, -1.0 / 6, -1.0 / 6}, {-1.0 / 6, 1.0 / 6, -1.0 / 6},
            {1.0 / 24, 1.0 / 12, 1.0 / 6}, {1.0 / 24, -1.0 / 12, 1.0 / 6}, {0, 0, 1}};

    /** Scratch for blocks of up to {@code rows} tile rows of {@code tw} tiles (the largest of the three transforms'). */
    static float[] scratch(int tw, int rows) {
        int n = tw + 1, region = rows * n + L;
        return new float[16 * (region + n) + 24 * region + L];
    }

    /** A zero-padded image row: {@code pw} zeros, the row, zeros (room for the whole vectors the phase split reads). */
    static float[] paddedRow(int tw, int w, int pw) {
        return new float[Math.max(pw + w, 4 * (tw + 1)) + 4 * L + 8];
    }

    /**
     * Splits image row {@code y} (zeros outside the image) into four column phases: {@code
     * p_c[m] = row[4m + c - pw]} for m < count, at {@code sc[p + c*stride + m]}; whole vectors, so
     * up to {@code L - 1} values past count are written too.
     */
    private static void split(float[] x, int xb, int rs, int cs, int h, int w, int y, int pw, int count, float[] pad, float[] sc,
                              int p, int stride) {
        if (y < 0 || y >= h) {
            for (int c = 0; c < 4; c++) Arrays.fill(sc, p + c * stride, p + c * stride + count, 0f);
            return;
        }
        int src = xb + y * rs;
        if (cs == 1) System.arraycopy(x, src, pad, pw, w);
        else if (cs == 0) Arrays.fill(pad, pw, pw + w, x[src]);
        else for (int c = 0; c < w; c++) pad[pw + c] = x[src + c * cs];
        for (int m = 0; m < count; m += L) {
            int base = 4 * m;
            var v0 = FloatVector.fromArray(S, pad, base);
            var v1 = FloatVector.fromArray(S, pad, base + L);
            var v2 = FloatVector.fromArray(S, pad, base + 2 * L);
            var v3 = FloatVector.fromArray(S, pad, base + 3 * L);
            // two rounds of even/odd: lanes 4i + c end in phase c
            var e01 = EVEN.selectFrom(v0, v1);
            var o01 = ODD.selectFrom(v0, v1);
            var e23 = EVEN.selectFrom(v2, v3);
            var o23 = ODD.selectFrom(v2, v3);
            EVEN.selectFrom(e01, e23).intoArray(sc, p + m);
            EVEN.selectFrom(o01, o23).intoArray(sc, p + stride + m);
            ODD.selectFrom(e01, e23).intoArray(sc, p + 2 * stride + m);
            ODD.selectFrom(o01, o23).intoArray(sc, p + 3 * stride + m);
        }
    }

    /**
     * Input transform of {@code rows} tile rows of one channel, the first reading image rows from
     * {@code y0}: {@code out[at + e*plane + r*n + j] = (Bᵀ d B)[e]} for tile j of tile row r.
     */
    static void input(float[] x, int xb, int rs, int cs, int h, int w, int y0, int pw, int tw, int rows, float[] sc, float[] pad,
                      float[] out, int at, int plane) {
        int n = tw + 1, len = rows * n, region = len + L, span = region + n;
        // split array (row phase a, column phase c) at (4a + c) * span; image row 4r + a at r*n
        for (int l = 0; l < 4 * rows + 2; l++) {
            split(x, xb, rs, cs, h, w, y0 + l, pw, n, pad, sc, (4 * (l & 3)) * span + (l >> 2) * n, span);
        }
        // Bᵀ down the rows of each column phase: t[k] of phase c at rowT + (6c + k) * region; then B
        // along the columns: column b of a tile is phase b (b < 4), or phases 0 and 1 of the next
        // tile (the block's last slot is a spare and is skipped). One small method per loop, as in
        // output().
        int rowT = 16 * span;
        for (int c = 0; c < 4; c++) inputRows(sc, c * span, span, n, len, rowT + 6 * c * region, region);
        for (int k = 0; k < 6; k++) inputColumns(sc, rowT + k * region, 6 * region, len, out, at + 6 * k * plane, plane);
    }

    private static void inputRows(float[] sc, int d0, int span, int n, int len, int t, int region) {
        int d1 = d0 + 4 * span, d2 = d0 + 8 * span, d3 = d0 + 12 * span;
        for (int q = 0; q < len; q += L) {
            transform(FloatVector.fromArray(S, sc, d0 + q), FloatVector.fromArray(S, sc, d1 + q),
                    FloatVector.fromArray(S, sc, d2 + q), FloatVector.fromArray(S, sc, d3 + q),
                    FloatVector.fromArray(S, sc, d0 + n + q), FloatVector.fromArray(S, sc, d1 + n + q), sc, t + q, region);
        }
    }

    private static void inputColumns(float[] sc, int p0, int phase, int len, float[] out, int o, int plane) {
        int p1 = p0 + phase, p2 = p1 + phase, p3 = p2 + phase;
        for (int q = 0; q < len - 1; q += L) {
            transform(FloatVector.fromArray(S, sc, p0 + q), FloatVector.fromArray(S, sc, p1 + q),
                    FloatVector.fromArray(S, sc, p2 + q), FloatVector.fromArray(S, sc, p3 + q),
                    FloatVector.fromArray(S, sc, p0 + q + 1), FloatVector.fromArray(S, sc, p1 + q + 1), out, o + q, plane);
        }
    }

    /** The six values {@code Bᵀ x} of F(4x4, 3x3)'s input transform, stored {@code step} apart from {@code o}. */
    private static void transform(FloatVector x0, FloatVector x1, FloatVector x2, FloatVector x3, FloatVector x4, FloatVector x5,
                                  float[] out, int o, int step) {
        var a = x2.fma(MINUS4, x4);        // x4 - 4 x2
        var b = x1.fma(MINUS4, x3);        // x3 - 4 x1
        var c = x4.sub(x2);
        var d = x3.sub(x1);
        x2.fma(MINUS5, x0.fma(PLUS4, x4)).intoArray(out, o);
        a.add(b).intoArray(out, o + step);
        a.sub(b).intoArray(out, o + 2 * step);
        d.fma(PLUS2, c).intoArray(out, o + 3 * step);
        d.fma(MINUS2, c).intoArray(out, o + 4 * step);
        x3.fma(MINUS5, x1.fma(PLUS4, x5)).intoArray(out, o + 5 * step);
    }

    /**
     * Output transform of {@code rows} tile rows from tile row {@code i0}: the 4x4 outputs
     * {@code Aᵀ m A} of the 36 runs {@code m[at + e*ps + r*n + j]}, written to output rows
     * {@code 4(i0 + r) .. 4(i0 + r) + 3} of the plane at {@code ob} (entries past oh x ow dropped).
     */
    static void output(float[] m, int at, int ps, int tw, int rows, float[] sc, float[] y, int ob, int oh, int ow, int i0) {
        int n = tw + 1, len = rows * n, region = len + L, cols = 16 * region;
        // Aᵀ down the columns: s[i][b] at cols + (4b + i) * region; then along the rows: y[i][j] at
        // (4i + j) * region. Each step is its own small method: one method holding all three loops
        // ran 3-4 times slower (most likely compiled without its vector helpers inlined).
        for (int b = 0; b < 6; b++) outputColumn(m, at + b * ps, ps, len, sc, cols + 4 * b * region, region);
        for (int i = 0; i < 4; i++) outputRow(sc, cols + i * region, len, 4 * i * region, region);
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < 4; i++) {
                int row = 4 * (i0 + r) + i;
                if (row < oh) scatterRow(sc, 4 * i * region + r * n, region, tw, y, ob + row * ow, ow);
            }
        }
    }

    private static void outputColumn(float[] m, int p0, int ps, int len, float[] sc, int o, int region) {
        for (int q = 0; q < len; q += L) {
            int p = p0 + q;
            outputTransform(FloatVector.fromArray(S, m, p), FloatVector.fromArray(S, m, p + 6 * ps),
                    FloatVector.fromArray(S, m, p + 12 * ps), FloatVector.fromArray(S, m, p + 18 * ps),
                    FloatVector.fromArray(S, m, p + 24 * ps), FloatVector.fromArray(S, m, p + 30 * ps), sc, o + q, region);
        }
    }

    private static void outputRow(float[] sc, int p0, int len, int o, int region) {
        for (int q = 0; q < len; q += L) {
            int p = p0 + q;
            outputTransform(FloatVector.fromArray(S, sc, p), FloatVector.fromArray(S, sc, p + 4 * region),
                    FloatVector.fromArray(S, sc, p + 8 * region), FloatVector.fromArray(S, sc, p + 12 * region),
                    FloatVector.fromArray(S, sc, p + 16 * region), FloatVector.fromArray(S, sc, p + 20 * region), sc, o + q, region);
        }
    }

    /** Interleaves the four column outputs y0..y3 (runs {@code region} apart from {@code base}) into one image row. */
    private static void scatterRow(float[] sc, int base, int region, int tw, float[] y, int yo, int ow) {
        for (int j = 0; j < tw; j += L) {
            var y0 = FloatVector.fromArray(S, sc, base + j);
            var y1 = FloatVector.fromArray(S, sc, base + region + j);
            var y2 = FloatVector.fromArray(S, sc, base + 2 * region + j);
            var y3 = FloatVector.fromArray(S, sc, base + 3 * region + j);
            var lo02 = ZIP_LO.selectFrom(y0, y2);
            var hi02 = ZIP_HI.selectFrom(y0, y2);
            var lo13 = ZIP_LO.selectFrom(y1, y3);
            var hi13 = ZIP_HI.selectFrom(y1, y3);
            int col = 4 * j;
            store(ZIP_LO.selectFrom(lo02, lo13), y, yo, col, ow);
            store(ZIP_HI.selectFrom(lo02, lo13), y, yo, col + L, ow);
            store(ZIP_LO.selectFrom(hi02, hi13), y, yo, col + 2 * L, ow);
            store(ZIP_HI.selectFrom(hi02, hi13), y, yo, col + 3 * L, ow);
        }
    }

    private static void store(FloatVector v, float[] y, int yo, int col, int ow) {
        if (col + L <= ow) v.intoArray(y, yo + col);
        else if (col < ow) v.intoArray(y, yo + col, S.indexInRange(col, ow));
    }

    /** The four values {@code Aᵀ x} of F(4x4, 3x3)'s output transform, stored {@code step} apart from {@code o}. */
    private static void outputTransform(FloatVector x0, FloatVector x1, FloatVector x2, FloatVector x3, FloatVector x4,
                                        FloatVector x5, float[] out, int o, int step) {
        var a = x1.add(x2);
        var b = x1.sub(x2);
        var c = x3.add(x4);
        var d = x3.sub(x4);
        x0.add(a).add(c).intoArray(out, o);
        d.fma(PLUS2, b).intoArray(out, o + step);
        c.fma(PLUS4, a).intoArray(out, o + 2 * step);
        d.fma(PLUS8, b.add(x5)).intoArray(out, o + 3 * step);
    }

    /**
     * Output-transform adjoint of {@code rows} tile rows from tile row {@code i0}: {@code out[at +
     * e*plane + r*n + j] = (A u Aᵀ)[e]} for the 4x4 gradient tiles u (zeros past oh x ow, and in the
     * spare slots).
     */
    static void outputAdjoint(float[] dy, int yb, int rs, int cs, int oh, int ow, int i0, int tw, int rows, float[] sc,
                              float[] pad, float[] out, int at, int plane) {
        int n = tw + 1, len = rows * n, region = len + L, cols = 16 * region;
        // u[i][c] (gradient row i, column phase c) at (4i + c) * region
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < 4; i++) {
                int p = 4 * i * region + r * n;
                split(dy, yb, rs, cs, oh, ow, 4 * (i0 + r) + i, 0, tw, pad, sc, p, region);
                for (int c = 0; c < 4; c++) sc[p + c * region + tw] = 0f;
            }
        }
        // A along the rows: w[i][b] at cols + (6i + b) * region; then down the columns into the 36 entries
        for (int i = 0; i < 4; i++) adjointPass(sc, 4 * i * region, region, len, sc, cols + 6 * i * region, region);
        for (int b = 0; b < 6; b++) adjointPass(sc, cols + b * region, 6 * region, len, out, at + b * plane, 6 * plane);
    }

    /** {@link #adjointTransform} over a block: inputs {@code stride} apart from {@code p}, outputs {@code step} apart from {@code o}. */
    private static void adjointPass(float[] sc, int p, int stride, int len, float[] out, int o, int step) {
        for (int q = 0; q < len; q += L) {
            adjointTransform(FloatVector.fromArray(S, sc, p + q), FloatVector.fromArray(S, sc, p + stride + q),
                    FloatVector.fromArray(S, sc, p + 2 * stride + q), FloatVector.fromArray(S, sc, p + 3 * stride + q), out, o + q,
                    step);
        }
    }

    /** The six values {@code A u} (A = (Aᵀ)ᵀ, 6 x 4), stored {@code step} apart from {@code o}. */
    private static void adjointTransform(FloatVector u0, FloatVector u1, FloatVector u2, FloatVector u3, float[] out, int o,
                                         int step) {
        var a = u0.add(u2);
        var b = u1.add(u3);
        var c = u2.fma(PLUS4, u0);             // u0 + 4 u2
        var d = u3.fma(PLUS4, u1).mul(PLUS2);     // 2 u1 + 8 u3
        u0.intoArray(out, o);
        a.add(b).intoArray(out, o + step);
        a.sub(b).intoArray(out, o + 2 * step);
        c.add(d).intoArray(out, o + 3 * step);
        c.sub(d).intoArray(out, o + 4 * step);
        u3.intoArray(out, o + 5 * step);
    }
}
