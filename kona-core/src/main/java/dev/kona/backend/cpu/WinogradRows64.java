package dev.kona.backend.cpu;

/**
 * The float64 Winograd row kernels, with the signatures of {@link WinogradRows}, tile by tile in
 * scalar code: float64 convolutions are for reference computations and gradient checks.
 */
final class WinogradRows64 {
    private WinogradRows64() {}

    /** {@code out[at + k*plane + j] = (Bᵀ d_j B)[k]} for the tiles of the row starting at image row {@code y0}. */
    static void input(double[] x, int xb, int rs, int cs, int h, int w, int y0, int pw, int tw, double[] d, double[] out, int at,
                      int plane) {
        for (int j = 0; j < tw; j++) {
            int c0 = 2 * j - pw;
            for (int p = 0; p < 4; p++) {
                for (int q = 0; q < 4; q++) {
                    int r = y0 + p, col = c0 + q;
                    d[4 * p + q] = r >= 0 && r < h && col >= 0 && col < w ? x[xb + r * rs + col * cs] : 0.0;
                }
            }
            for (int b = 0; b < 4; b++) {
                double v0 = d[b], v1 = d[4 + b], v2 = d[8 + b], v3 = d[12 + b];
                d[b] = v0 - v2;
                d[4 + b] = v1 + v2;
                d[8 + b] = v2 - v1;
                d[12 + b] = v1 - v3;
            }
            for (int a = 0; a < 16; a += 4) {
                double v0 = d[a], v1 = d[a + 1], v2 = d[a + 2], v3 = d[a + 3];
                out[at + a * plane + j] = v0 - v2;
                out[at + (a + 1) * plane + j] = v1 + v2;
                out[at + (a + 2) * plane + j] = v2 - v1;
                out[at + (a + 3) * plane + j] = v1 - v3;
            }
        }
    }

    /** Adds each tile's {@code B v_j Bᵀ} (v at {@code at + k*ps + j}) into the image rows from {@code y0}. */
    static void inputAdjoint(double[] v, int at, int ps, int tw, double[] d, double[] dx, int ob, int h, int w, int y0, int pw) {
        for (int j = 0; j < tw; j++) {
            for (int k = 0; k < 16; k++) d[k] = v[at + k * ps + j];
            for (int b = 0; b < 4; b++) {
                double v0 = d[b], v1 = d[4 + b], v2 = d[8 + b], v3 = d[12 + b];
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
            int c0 = 2 * j - pw;
            for (int r = Math.max(0, -y0); r < 4 && y0 + r < h; r++) {
                for (int q = Math.max(0, -c0); q < 4 && c0 + q < w; q++) dx[ob + (y0 + r) * w + c0 + q] += d[4 * r + q];
            }
        }
    }

    /** The 2x2 outputs {@code Aᵀ m_j A} of tile row {@code i}, written to rows 2i, 2i + 1 of the plane at {@code ob}. */
    static void output(double[] m, int at, int ps, int tw, double[] y, int ob, int oh, int ow, int i) {
        boolean down = 2 * i + 1 < oh;
        for (int j = 0; j < tw; j++) {
            boolean right = 2 * j + 1 < ow;
            int p = at + j, yo = ob + 2 * i * ow + 2 * j;
            double[] s = new double[8];
            for (int b = 0; b < 4; b++) {
                double v0 = m[p + b * ps], v1 = m[p + (4 + b) * ps], v2 = m[p + (8 + b) * ps], v3 = m[p + (12 + b) * ps];
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
    }

    /** {@code out[at + k*plane + j] = (A u_j Aᵀ)[k]} for the 2x2 gradient tiles of tile row {@code i}. */
    static void outputAdjoint(double[] dy, int yb, int rs, int cs, int oh, int ow, int i, int tw, double[] out, int at,
                              int plane) {
        boolean down = 2 * i + 1 < oh;
        for (int j = 0; j < tw; j++) {
            boolean right = 2 * j + 1 < ow;
            int p = yb + 2 * i * rs + 2 * j * cs;
            double u00 = dy[p], u01 = right ? dy[p + cs] : 0;
            double u10 = down ? dy[p + rs] : 0, u11 = down && right ? dy[p + rs + cs] : 0;
            double[] r0 = {u00, u00 + u01, u00 - u01, -u01};
            double[] r1 = {u10, u10 + u11, u10 - u11, -u11};
            for (int b = 0; b < 4; b++) {
                out[at + b * plane + j] = r0[b];
                out[at + (4 + b) * plane + j] = r0[b] + r1[b];
                out[at + (8 + b) * plane + j] = r0[b] - r1[b];
                out[at + (12 + b) * plane + j] = -r1[b];
            }
        }
    }
}
