package dev.kona.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 Winograd transforms one tile row at a time, with the row's tiles in vector lanes:
 * tile {@code j}'s 16 values land in 16 contiguous runs (one per transform entry), so the 16
 * output planes are written, or read, as vectors. The input tiles overlap (stride 2), so their
 * columns are first split into even and odd ones: column {@code b} of tile {@code j} is
 * {@code even[j]}, {@code odd[j]}, {@code even[j+1]}, {@code odd[j+1]} for b = 0..3. The arithmetic is
 * the scalar transforms' in the same order, so the scalar tails give the same bits.
 */
final class WinogradRows {
    private WinogradRows() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Two-input permutes ({@code index.selectFrom(a, b)} picks from a's then b's lanes). */
    private static final FloatVector EVEN = index(i -> 2 * i), ODD = index(i -> 2 * i + 1);
    private static final FloatVector ZIP_LO = index(i -> i / 2 + (i % 2) * L), ZIP_HI = index(i -> L / 2 + i / 2 + (i % 2) * L);

    private static FloatVector index(java.util.function.IntUnaryOperator f) {
        float[] v = new float[L];
        for (int i = 0; i < L; i++) v[i] = f.applyAsInt(i);
        return FloatVector.fromArray(S, v, 0);
    }

    /** Scratch for one tile row: even and odd columns of 4 input rows (or of 2 output rows), then their transforms. */
    static float[] scratch(int tw) {
        return new float[24 * (tw + 2)];
    }

    /** A zero-padded copy of one image row, for {@link #input}: {@code pw} zeros, the row, zeros. */
    static float[] paddedRow(int tw, int w, int pw) {
        return new float[2 * tw + w + 2 * pw + 2 * L + 2];
    }

    /** Scratch for {@link #input} over blocks of up to {@code rows} tile rows. */
    static float[] inputScratch(int tw, int rows) {
        return new float[(2 * (2 * rows + 2) + 8) * (tw + 1)];
    }

    /**
     * Input transform of {@code rows} tile rows of one channel, the first reading image rows from
     * {@code y0}: {@code out[at + r*tw + k*plane + j] = (Bᵀ d B)[k]} for tile j of tile row r. Each
     * image row is split into even and odd columns once (neighbouring tile rows share two).
     */
    static void input(float[] x, int xb, int rs, int cs, int h, int w, int y0, int pw, int tw, int rows, float[] sc, float[] pad,
                      float[] out, int at, int plane) {
        int n = tw + 1, lines = 2 * rows + 2;
        // sc rows 0..lines-1: even columns of image rows y0.. (column 2m - pw); the next lines rows: odd
        int odd = lines * n;
        for (int a = 0; a < lines; a++) {
            int y = y0 + a, e = a * n, o = odd + a * n;
            if (y < 0 || y >= h) {
                java.util.Arrays.fill(sc, e, e + n, 0f);
                java.util.Arrays.fill(sc, o, o + n, 0f);
                continue;
            }
            // pad[pw + c] = image column c; outside [pw, pw + w) it stays zero
            int src = xb + y * rs;
            if (cs == 1) System.arraycopy(x, src, pad, pw, w);
            else for (int c = 0; c < w; c++) pad[pw + c] = x[src + c * cs];
            int m = 0;
            for (; m + L <= n; m += L) {
                var lo = FloatVector.fromArray(S, pad, 2 * m);
                var hi = FloatVector.fromArray(S, pad, 2 * m + L);
                EVEN.selectFrom(lo, hi).intoArray(sc, e + m);
                ODD.selectFrom(lo, hi).intoArray(sc, o + m);
            }
            for (; m < n; m++) {
                sc[e + m] = pad[2 * m];
                sc[o + m] = pad[2 * m + 1];
            }
        }
        int t0 = 2 * lines * n;   // 8 rows: Bᵀ of the even columns (4), then of the odd ones
        for (int r = 0; r < rows; r++) {
            for (int half = 0; half < 2; half++) {
                int src = half * odd + 2 * r * n, dst = t0 + half * 4 * n;
                int m = 0;
                for (int bound = S.loopBound(n); m < bound; m += S.length()) {
                    var v0 = FloatVector.fromArray(S, sc, src + m);
                    var v1 = FloatVector.fromArray(S, sc, src + n + m);
                    var v2 = FloatVector.fromArray(S, sc, src + 2 * n + m);
                    var v3 = FloatVector.fromArray(S, sc, src + 3 * n + m);
                    v0.sub(v2).intoArray(sc, dst + m);
                    v1.add(v2).intoArray(sc, dst + n + m);
                    v2.sub(v1).intoArray(sc, dst + 2 * n + m);
                    v1.sub(v3).intoArray(sc, dst + 3 * n + m);
                }
                for (; m < n; m++) {
                    float v0 = sc[src + m], v1 = sc[src + n + m], v2 = sc[src + 2 * n + m], v3 = sc[src + 3 * n + m];
                    sc[dst + m] = v0 - v2;
                    sc[dst + n + m] = v1 + v2;
                    sc[dst + 2 * n + m] = v2 - v1;
                    sc[dst + 3 * n + m] = v1 - v3;
                }
            }
            // B along the columns: (te_j - te_j+1, to_j + te_j+1, te_j+1 - to_j, to_j - to_j+1)
            for (int a = 0; a < 4; a++) {
                int te = t0 + a * n, to = t0 + (4 + a) * n, o = at + r * tw + 4 * a * plane;
                int j = 0;
                for (int bound = S.loopBound(tw); j < bound; j += S.length()) {
                    var e0 = FloatVector.fromArray(S, sc, te + j);
                    var e1 = FloatVector.fromArray(S, sc, te + j + 1);
                    var o0 = FloatVector.fromArray(S, sc, to + j);
                    var o1 = FloatVector.fromArray(S, sc, to + j + 1);
                    e0.sub(e1).intoArray(out, o + j);
                    o0.add(e1).intoArray(out, o + plane + j);
                    e1.sub(o0).intoArray(out, o + 2 * plane + j);
                    o0.sub(o1).intoArray(out, o + 3 * plane + j);
                }
                for (; j < tw; j++) {
                    float e0 = sc[te + j], e1 = sc[te + j + 1], o0 = sc[to + j], o1 = sc[to + j + 1];
                    out[o + j] = e0 - e1;
                    out[o + plane + j] = o0 + e1;
                    out[o + 2 * plane + j] = e1 - o0;
                    out[o + 3 * plane + j] = o0 - o1;
                }
            }
        }
    }

    /**
     * Output-transform adjoint of tile row {@code i}: {@code out[at + k*plane + j] = (A u_j Aᵀ)[k]}
     * for the 2x2 gradient tiles u_j at rows 2i, 2i+1 (zeros past oh x ow).
     */
    static void outputAdjoint(float[] dy, int yb, int rs, int cs, int oh, int ow, int i, int tw, float[] sc, float[] pad,
                              float[] out, int at, int plane) {
        // sc rows 0, 1: even and odd columns of row 2i; rows 2, 3: of row 2i + 1 (zeros past oh x ow)
        for (int r = 0; r < 2; r++) {
            int y = 2 * i + r, e = 2 * r * tw, o = (2 * r + 1) * tw;
            if (y >= oh) {
                java.util.Arrays.fill(sc, e, o + tw, 0f);
                continue;
            }
            // pad[0, ow) = the row; past ow it stays zero
            int src = yb + y * rs;
            if (cs == 1) System.arraycopy(dy, src, pad, 0, ow);
            else for (int c = 0; c < ow; c++) pad[c] = dy[src + c * cs];
            int j = 0;
            for (; j + L <= tw; j += L) {
                var lo = FloatVector.fromArray(S, pad, 2 * j);
                var hi = FloatVector.fromArray(S, pad, 2 * j + L);
                EVEN.selectFrom(lo, hi).intoArray(sc, e + j);
                ODD.selectFrom(lo, hi).intoArray(sc, o + j);
            }
            for (; j < tw; j++) {
                sc[e + j] = pad[2 * j];
                sc[o + j] = pad[2 * j + 1];
            }
        }
        int j = 0;
        for (int bound = S.loopBound(tw); j < bound; j += S.length()) {
            var u00 = FloatVector.fromArray(S, sc, j);
            var u01 = FloatVector.fromArray(S, sc, tw + j);
            var u10 = FloatVector.fromArray(S, sc, 2 * tw + j);
            var u11 = FloatVector.fromArray(S, sc, 3 * tw + j);
            var r01 = u00.add(u01);
            var r02 = u00.sub(u01);
            var r03 = u01.neg();
            var r11 = u10.add(u11);
            var r12 = u10.sub(u11);
            var r13 = u11.neg();
            int p = at + j;
            u00.intoArray(out, p);
            r01.intoArray(out, p + plane);
            r02.intoArray(out, p + 2 * plane);
            r03.intoArray(out, p + 3 * plane);
            u00.add(u10).intoArray(out, p + 4 * plane);
            r01.add(r11).intoArray(out, p + 5 * plane);
            r02.add(r12).intoArray(out, p + 6 * plane);
            r03.add(r13).intoArray(out, p + 7 * plane);
            u00.sub(u10).intoArray(out, p + 8 * plane);
            r01.sub(r11).intoArray(out, p + 9 * plane);
            r02.sub(r12).intoArray(out, p + 10 * plane);
            r03.sub(r13).intoArray(out, p + 11 * plane);
            u10.neg().intoArray(out, p + 12 * plane);
            r11.neg().intoArray(out, p + 13 * plane);
            r12.neg().intoArray(out, p + 14 * plane);
            r13.neg().intoArray(out, p + 15 * plane);
        }
        for (; j < tw; j++) {
            float u00 = sc[j], u01 = sc[tw + j], u10 = sc[2 * tw + j], u11 = sc[3 * tw + j];
            float r00 = u00, r01 = u00 + u01, r02 = u00 - u01, r03 = -u01;
            float r10 = u10, r11 = u10 + u11, r12 = u10 - u11, r13 = -u11;
            int p = at + j;
            out[p] = r00;
            out[p + plane] = r01;
            out[p + 2 * plane] = r02;
            out[p + 3 * plane] = r03;
            out[p + 4 * plane] = r00 + r10;
            out[p + 5 * plane] = r01 + r11;
            out[p + 6 * plane] = r02 + r12;
            out[p + 7 * plane] = r03 + r13;
            out[p + 8 * plane] = r00 - r10;
            out[p + 9 * plane] = r01 - r11;
            out[p + 10 * plane] = r02 - r12;
            out[p + 11 * plane] = r03 - r13;
            out[p + 12 * plane] = -r10;
            out[p + 13 * plane] = -r11;
            out[p + 14 * plane] = -r12;
            out[p + 15 * plane] = -r13;
        }
    }

    /**
     * Input-transform adjoint of tile row {@code i}: adds each tile's {@code B v_j Bᵀ} into the
     * image rows {@code y0..y0+3} it was read from. {@code v} holds the row's 16 runs at
     * {@code at + k*ps + j} (unit stride along j). Where neighbouring tiles overlap, an image
     * element receives the sum of their two entries.
     */
    static void inputAdjoint(float[] v, int at, int ps, int tw, float[] sc, float[] dx, int ob, int h, int w, int y0, int pw) {
        int n = tw + 2;
        // sc row k (k = 4r + q, padded: one zero before, one after): entry (r, q) of B v Bᵀ per tile
        for (int k = 0; k < 16; k++) {
            sc[k * n] = 0f;
            sc[k * n + tw + 1] = 0f;
        }
        int j = 0;
        for (int bound = S.loopBound(tw); j < bound; j += S.length()) {
            // B down the columns (rows of the tile), then along each row, as WinogradCpu.bdbtF32
            for (int b = 0; b < 4; b++) {
                var v0 = FloatVector.fromArray(S, v, at + b * ps + j);
                var v1 = FloatVector.fromArray(S, v, at + (4 + b) * ps + j);
                var v2 = FloatVector.fromArray(S, v, at + (8 + b) * ps + j);
                var v3 = FloatVector.fromArray(S, v, at + (12 + b) * ps + j);
                int p = b * n + 1 + j;
                v0.intoArray(sc, p);
                v1.sub(v2).add(v3).intoArray(sc, p + 4 * n);
                v1.add(v2).sub(v0).intoArray(sc, p + 8 * n);
                v3.neg().intoArray(sc, p + 12 * n);
            }
            for (int r = 0; r < 4; r++) {
                int p = 4 * r * n + 1 + j;
                var v0 = FloatVector.fromArray(S, sc, p);
                var v1 = FloatVector.fromArray(S, sc, p + n);
                var v2 = FloatVector.fromArray(S, sc, p + 2 * n);
                var v3 = FloatVector.fromArray(S, sc, p + 3 * n);
                v1.sub(v2).add(v3).intoArray(sc, p + n);
                v1.add(v2).sub(v0).intoArray(sc, p + 2 * n);
                v3.neg().intoArray(sc, p + 3 * n);
            }
        }
        float[] f = new float[16];
        for (; j < tw; j++) {
            for (int k = 0; k < 16; k++) f[k] = v[at + k * ps + j];
            bdbt(f);
            for (int k = 0; k < 16; k++) sc[k * n + 1 + j] = f[k];
        }
        // per image row r: even columns 2m - pw get (r, 0) of tile m and (r, 2) of tile m - 1, odd
        // columns (r, 1) and (r, 3); summed first, then added into the image
        int ce = 16 * n;
        for (int r = 0; r < 4; r++) {
            int y = y0 + r;
            if (y < 0 || y >= h) continue;
            int q0 = 4 * r * n, q1 = q0 + n, q2 = q1 + n, q3 = q2 + n, co = ce + n;
            int m = 0;
            for (int bound = S.loopBound(tw + 1); m < bound; m += S.length()) {
                FloatVector.fromArray(S, sc, q0 + 1 + m).add(FloatVector.fromArray(S, sc, q2 + m)).intoArray(sc, ce + m);
                FloatVector.fromArray(S, sc, q1 + 1 + m).add(FloatVector.fromArray(S, sc, q3 + m)).intoArray(sc, co + m);
            }
            for (; m <= tw; m++) {
                sc[ce + m] = sc[q0 + 1 + m] + sc[q2 + m];
                sc[co + m] = sc[q1 + 1 + m] + sc[q3 + m];
            }
            int row = ob + y * w;
            // image columns 2m - pw and 2m - pw + 1 from (ce, co)[m]: interleaved vectors where a
            // whole run of 2L columns lies inside the row, scalar at the edges
            int mLo = (pw + 1) / 2;
            m = 0;
            for (; m < Math.min(mLo, tw + 1); m++) addPair(dx, row, w, 2 * m - pw, sc[ce + m], sc[co + m]);
            for (; m + L <= tw + 1 && 2 * (m + L) - pw <= w; m += L) {
                var e = FloatVector.fromArray(S, sc, ce + m);
                var o = FloatVector.fromArray(S, sc, co + m);
                int x0 = row + 2 * m - pw;
                FloatVector.fromArray(S, dx, x0).add(ZIP_LO.selectFrom(e, o)).intoArray(dx, x0);
                FloatVector.fromArray(S, dx, x0 + L).add(ZIP_HI.selectFrom(e, o)).intoArray(dx, x0 + L);
            }
            for (; m <= tw; m++) addPair(dx, row, w, 2 * m - pw, sc[ce + m], sc[co + m]);
        }
    }

    /** {@code dx[row + x0] += e}, {@code dx[row + x0 + 1] += o}, each where inside the row. */
    private static void addPair(float[] dx, int row, int w, int x0, float e, float o) {
        if (x0 >= 0 && x0 < w) dx[row + x0] += e;
        if (x0 + 1 >= 0 && x0 + 1 < w) dx[row + x0 + 1] += o;
    }

    /**
     * Output transform of tile row {@code i}: the 2x2 outputs {@code Aᵀ m_j A} of the row's tiles,
     * from the 16 runs {@code m[at + k*ps + j]} (unit stride along j), written to output rows 2i
     * and 2i + 1 of the plane at {@code ob} (entries past oh x ow dropped).
     */
    static void output(float[] m, int at, int ps, int tw, float[] y, int ob, int oh, int ow, int i) {
        boolean down = 2 * i + 1 < oh;
        int r0 = ob + 2 * i * ow, r1 = r0 + ow;
        int j = 0;
        for (; j + L <= tw && 2 * (j + L) <= ow; j += L) {
            int p = at + j;
            var m00 = FloatVector.fromArray(S, m, p);
            var m01 = FloatVector.fromArray(S, m, p + ps);
            var m02 = FloatVector.fromArray(S, m, p + 2 * ps);
            var m03 = FloatVector.fromArray(S, m, p + 3 * ps);
            var m10 = FloatVector.fromArray(S, m, p + 4 * ps);
            var m11 = FloatVector.fromArray(S, m, p + 5 * ps);
            var m12 = FloatVector.fromArray(S, m, p + 6 * ps);
            var m13 = FloatVector.fromArray(S, m, p + 7 * ps);
            var m20 = FloatVector.fromArray(S, m, p + 8 * ps);
            var m21 = FloatVector.fromArray(S, m, p + 9 * ps);
            var m22 = FloatVector.fromArray(S, m, p + 10 * ps);
            var m23 = FloatVector.fromArray(S, m, p + 11 * ps);
            // as WinogradCpu.atmaF32: down the columns, then along the rows
            var s00 = m00.add(m10).add(m20);
            var s01 = m01.add(m11).add(m21);
            var s02 = m02.add(m12).add(m22);
            var s03 = m03.add(m13).add(m23);
            var y00 = s00.add(s01).add(s02);
            var y01 = s01.sub(s02).sub(s03);
            ZIP_LO.selectFrom(y00, y01).intoArray(y, r0 + 2 * j);
            ZIP_HI.selectFrom(y00, y01).intoArray(y, r0 + 2 * j + L);
            if (!down) continue;
            var m30 = FloatVector.fromArray(S, m, p + 12 * ps);
            var m31 = FloatVector.fromArray(S, m, p + 13 * ps);
            var m32 = FloatVector.fromArray(S, m, p + 14 * ps);
            var m33 = FloatVector.fromArray(S, m, p + 15 * ps);
            var s10 = m10.sub(m20).sub(m30);
            var s11 = m11.sub(m21).sub(m31);
            var s12 = m12.sub(m22).sub(m32);
            var s13 = m13.sub(m23).sub(m33);
            var y10 = s10.add(s11).add(s12);
            var y11 = s11.sub(s12).sub(s13);
            ZIP_LO.selectFrom(y10, y11).intoArray(y, r1 + 2 * j);
            ZIP_HI.selectFrom(y10, y11).intoArray(y, r1 + 2 * j + L);
        }
        for (; j < tw; j++) atma(m, at + j, ps, y, r0 + 2 * j, ow, down, 2 * j + 1 < ow);
    }

    /** {@code d <- B d Bᵀ} in place: down the columns, then along the rows. */
    static void bdbt(float[] d) {
        for (int b = 0; b < 4; b++) {
            float v0 = d[b], v1 = d[4 + b], v2 = d[8 + b], v3 = d[12 + b];
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

    /** The 2x2 tile {@code Aᵀ m A} of the 16 values at {@code m[at + k*ps]}, written at {@code y[yo]}. */
    static void atma(float[] m, int at, int ps, float[] y, int yo, int ow, boolean down, boolean right) {
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
}
