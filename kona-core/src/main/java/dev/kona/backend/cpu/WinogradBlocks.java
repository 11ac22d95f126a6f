package dev.kona.backend.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 Winograd transforms over a block of tile rows of one channel, the block's tiles in
 * vector lanes. Within a block buffer, tile {@code j} of tile row {@code r} sits at
 * {@code q = r*n + j} with {@code n = tw + 1}: one spare slot per tile row makes every step a plain
 * vector operation over the whole block, whatever the row length, so small images (13 tiles a
 * row, fewer than a vector's 16 lanes) vectorize as well as large ones. The spare slots of
 * transformed inputs hold junk; those of transformed output gradients hold zeros. The block
 * loops run in whole vectors, so each run of a block buffer is followed by at least {@code L - 1}
 * floats that these transforms may read or overwrite (a later run, or the caller's slack).
 *
 * <p>The input tiles overlap (stride 2), so image rows are first split into even and odd columns:
 * column {@code b} of tile j is {@code even[j]}, {@code odd[j]}, {@code even[j+1]}, {@code odd[j+1]}.
 */
final class WinogradBlocks {
    private WinogradBlocks() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /**
     * Two-input permutes ({@code index.selectFrom(a, b)} picks from a's then b's lanes), shared with
     * {@link WinogradBlocks4} and {@link WinogradRows}: even and odd lanes of a pair, and their inverse.
     */
    static final FloatVector EVEN = index(i -> 2 * i), ODD = index(i -> 2 * i + 1);
    static final FloatVector ZIP_LO = index(i -> i / 2 + (i % 2) * L), ZIP_HI = index(i -> L / 2 + i / 2 + (i % 2) * L);

    private static FloatVector index(java.util.function.IntUnaryOperator f) {
        float[] v = new float[L];
        for (int i = 0; i < L; i++) v[i] = f.applyAsInt(i);
        return FloatVector.fromArray(S, v, 0);
    }

    /** Scratch for blocks of up to {@code rows} tile rows of {@code tw} tiles. */
    static float[] scratch(int tw, int rows) {
        return new float[16 * (rows * (tw + 1) + L)];
    }

    /** A zero-padded image row: {@code pw} zeros, the row, zeros (room for whole vectors past its end). */
    static float[] paddedRow(int tw, int w, int pw) {
        return new float[2 * tw + w + 2 * pw + 4 * L + 2];
    }

    /**
     * Splits image row {@code y} (zeros outside the image) into even and odd columns: {@code e[m] =
     * row[2m - pw]}, {@code o[m] = row[2m + 1 - pw]} for m < count.
     */
    private static void split(float[] x, int xb, int rs, int cs, int h, int w, int y, int pw, int count, float[] pad, float[] sc,
                              int e, int o) {
        if (y < 0 || y >= h) {
            Arrays.fill(sc, e, e + count, 0f);
            Arrays.fill(sc, o, o + count, 0f);
            return;
        }
        // pad[pw + c] = image column c; outside [pw, pw + w) it stays zero
        int src = xb + y * rs;
        if (cs == 1) System.arraycopy(x, src, pad, pw, w);
        else if (cs == 0) Arrays.fill(pad, pw, pw + w, x[src]);   // a broadcast row, such as y.sum()'s gradient
        else for (int c = 0; c < w; c++) pad[pw + c] = x[src + c * cs];
        // Whole vectors, up to L - 1 values past count: they land in slots of later tile rows (or
        // the region's tail), which the callers write after this (rows in increasing order).
        for (int m = 0; m < count; m += L) {
            var lo = FloatVector.fromArray(S, pad, 2 * m);
            var hi = FloatVector.fromArray(S, pad, 2 * m + L);
            EVEN.selectFrom(lo, hi).intoArray(sc, e + m);
            ODD.selectFrom(lo, hi).intoArray(sc, o + m);
        }
    }

    /**
     * Input transform of {@code rows} tile rows of one channel, the first reading image rows from
     * {@code y0}: {@code out[at + k*plane + r*n + j] = (Bᵀ d B)[k]} for tile j of tile row r.
     */
    static void input(float[] x, int xb, int rs, int cs, int h, int w, int y0, int pw, int tw, int rows, float[] sc, float[] pad,
                      float[] out, int at, int plane) {
        int n = tw + 1, len = rows * n, region = len + L;
        // Even columns of the even image rows 2r at evenRows + r*n, of the odd ones 2r + 1 at
        // oddRows + r*n; odd columns likewise. Row a of tile row r (image row 2r + a) is then at
        // offset (r + a/2)*n of its parity's array: the four rows of every tile row come from
        // two arrays at offsets 0 and n, each image row split once (all within regions 0..7).
        int span = region + n, evenRows = 0, oddRows = span, evenRowsOdd = 2 * span, oddRowsOdd = 3 * span;
        for (int l = 0; l < 2 * rows + 2; l++) {
            boolean even = (l & 1) == 0;
            int r = l >> 1, e = (even ? evenRows : oddRows) + r * n, o = (even ? evenRowsOdd : oddRowsOdd) + r * n;
            split(x, xb, rs, cs, h, w, y0 + l, pw, n, pad, sc, e, o);
        }
        // Bᵀ down the rows, even and odd columns alike: regions 8..11 and 12..15
        for (int half = 0; half < 2; half++) {
            int even = half == 0 ? evenRows : evenRowsOdd, odd = half == 0 ? oddRows : oddRowsOdd, dst = (8 + half * 4) * region;
            for (int q = 0; q < len; q += L) {
                var v0 = FloatVector.fromArray(S, sc, even + q);
                var v1 = FloatVector.fromArray(S, sc, odd + q);
                var v2 = FloatVector.fromArray(S, sc, even + n + q);
                var v3 = FloatVector.fromArray(S, sc, odd + n + q);
                v0.sub(v2).intoArray(sc, dst + q);
                v1.add(v2).intoArray(sc, dst + region + q);
                v2.sub(v1).intoArray(sc, dst + 2 * region + q);
                v1.sub(v3).intoArray(sc, dst + 3 * region + q);
            }
        }
        // B along the columns: (te_q - te_q+1, to_q + te_q+1, te_q+1 - to_q, to_q - to_q+1); the last
        // slot of the block is a spare and is skipped
        for (int a = 0; a < 4; a++) {
            int te = (8 + a) * region, to = (12 + a) * region, o = at + 4 * a * plane;
            for (int q = 0; q < len - 1; q += L) {
                var e0 = FloatVector.fromArray(S, sc, te + q);
                var e1 = FloatVector.fromArray(S, sc, te + q + 1);
                var o0 = FloatVector.fromArray(S, sc, to + q);
                var o1 = FloatVector.fromArray(S, sc, to + q + 1);
                e0.sub(e1).intoArray(out, o + q);
                o0.add(e1).intoArray(out, o + plane + q);
                e1.sub(o0).intoArray(out, o + 2 * plane + q);
                o0.sub(o1).intoArray(out, o + 3 * plane + q);
            }
        }
    }

    /**
     * Output-transform adjoint of {@code rows} tile rows from tile row {@code i0}: {@code out[at +
     * k*plane + r*n + j] = (A u Aᵀ)[k]} for the 2x2 gradient tiles u (zeros past oh x ow, and in the
     * spare slots).
     */
    static void outputAdjoint(float[] dy, int yb, int rs, int cs, int oh, int ow, int i0, int tw, int rows, float[] sc,
                              float[] pad, float[] out, int at, int plane) {
        int n = tw + 1, len = rows * n, region = len + L;
        // regions 0, 1: even and odd columns of rows 2i; regions 2, 3: of rows 2i + 1
        for (int r = 0; r < rows; r++) {
            for (int s = 0; s < 2; s++) {
                int e = 2 * s * region + r * n, o = (2 * s + 1) * region + r * n;
                split(dy, yb, rs, cs, oh, ow, 2 * (i0 + r) + s, 0, tw, pad, sc, e, o);
                sc[e + tw] = 0f;
                sc[o + tw] = 0f;
            }
        }
        for (int q = 0; q < len; q += L) {
            var u00 = FloatVector.fromArray(S, sc, q);
            var u01 = FloatVector.fromArray(S, sc, region + q);
            var u10 = FloatVector.fromArray(S, sc, 2 * region + q);
            var u11 = FloatVector.fromArray(S, sc, 3 * region + q);
            var r01 = u00.add(u01);
            var r02 = u00.sub(u01);
            var r03 = u01.neg();
            var r11 = u10.add(u11);
            var r12 = u10.sub(u11);
            var r13 = u11.neg();
            int p = at + q;
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
    }

    /**
     * Output transform of {@code rows} tile rows from tile row {@code i0}: the 2x2 outputs
     * {@code Aᵀ m A} of the 16 runs {@code m[at + k*ps + r*n + j]}, written to output rows
     * {@code 2(i0 + r)} and {@code 2(i0 + r) + 1} of the plane at {@code ob} (entries past oh x ow dropped).
     */
    static void output(float[] m, int at, int ps, int tw, int rows, float[] sc, float[] y, int ob, int oh, int ow, int i0) {
        int n = tw + 1, len = rows * n, region = len + L;
        // regions 0..3: the outputs y00, y01, y10, y11 of every slot
        for (int q = 0; q < len; q += L) {
            int p = at + q;
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
            var m30 = FloatVector.fromArray(S, m, p + 12 * ps);
            var m31 = FloatVector.fromArray(S, m, p + 13 * ps);
            var m32 = FloatVector.fromArray(S, m, p + 14 * ps);
            var m33 = FloatVector.fromArray(S, m, p + 15 * ps);
            // down the columns: s0 = m0 + m1 + m2, s1 = m1 - m2 - m3 (rows of 4), then along the rows
            var s00 = m00.add(m10).add(m20);
            var s01 = m01.add(m11).add(m21);
            var s02 = m02.add(m12).add(m22);
            var s03 = m03.add(m13).add(m23);
            var s10 = m10.sub(m20).sub(m30);
            var s11 = m11.sub(m21).sub(m31);
            var s12 = m12.sub(m22).sub(m32);
            var s13 = m13.sub(m23).sub(m33);
            s00.add(s01).add(s02).intoArray(sc, q);
            s01.sub(s02).sub(s03).intoArray(sc, region + q);
            s10.add(s11).add(s12).intoArray(sc, 2 * region + q);
            s11.sub(s12).sub(s13).intoArray(sc, 3 * region + q);
        }
        // interleave into the image rows: (y00, y01) on row 2i, (y10, y11) on row 2i + 1
        for (int r = 0; r < rows; r++) {
            for (int s = 0; s < 2; s++) {
                int row = 2 * (i0 + r) + s;
                if (row >= oh) continue;
                int e = 2 * s * region + r * n, o = e + region, yo = ob + row * ow;
                int j = 0;
                for (; j + L <= tw && 2 * (j + L) <= ow; j += L) {
                    var ev = FloatVector.fromArray(S, sc, e + j);
                    var od = FloatVector.fromArray(S, sc, o + j);
                    ZIP_LO.selectFrom(ev, od).intoArray(y, yo + 2 * j);
                    ZIP_HI.selectFrom(ev, od).intoArray(y, yo + 2 * j + L);
                }
                if (j < tw) {
                    // the row's last vector (small images: its only one), stores masked at the row's end
                    var ev = FloatVector.fromArray(S, sc, e + j);
                    var od = FloatVector.fromArray(S, sc, o + j);
                    ZIP_LO.selectFrom(ev, od).intoArray(y, yo + 2 * j, S.indexInRange(2 * j, ow));
                    if (2 * j + L < ow) ZIP_HI.selectFrom(ev, od).intoArray(y, yo + 2 * j + L, S.indexInRange(2 * j + L, ow));
                }
            }
        }
    }
}
