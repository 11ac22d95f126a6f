package dev.kona.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 Winograd input-transform adjoint, one tile row at a time with the row's tiles in
 * vector lanes: the direct input gradient, used where the padding is too large for the input
 * gradient to run as a forward pass ({@link WinogradCpu}).
 */
final class WinogradRows {
    private WinogradRows() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final FloatVector ZIP_LO = WinogradBlocks.ZIP_LO, ZIP_HI = WinogradBlocks.ZIP_HI;

    /** Scratch for one tile row: the 16 transformed rows (padded) and the even and odd column sums. */
    static float[] scratch(int tw) {
        return new float[24 * (tw + 2)];
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
}
