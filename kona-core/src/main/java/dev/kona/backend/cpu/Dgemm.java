package dev.kona.backend.cpu;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Double-precision matrix multiply on the CPU, used mainly by tests and gradient checks: the same
 * blocked, packed structure as {@link Sgemm} with a plain 6 x 32 FMA kernel, kept simple rather
 * than tuned. Bit-identical for every thread count.
 */
public final class Dgemm {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_512;
    private static final int MR = 6;
    private static final int NR = 32;
    private static final int KC = 256;
    private static final int NC = 256;
    private static final int MC = 96;

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private Dgemm() {}

    /** Per-thread packing buffers; they only grow. */
    private static final class Workspace {
        double[] b = new double[0];
        final double[] a = new double[MC * KC];
        final double[] tile = new double[MR * NR];

        double[] b(int size) {
            if (b.length < size) b = new double[size];
            return b;
        }
    }

    /**
     * C[i, j] (+)= sum_p A[i, p] * B[p, j]; C is row-major with row stride ldc (column stride 1).
     * A[i, p] lives at {@code a[aOff + i*aRs + p*aCs]}, B[p, j] at {@code b[bOff + p*bRs + j*bCs]}
     * (any strides, including 0 and transposed layouts). {@code accumulate=false} overwrites C,
     * true adds to it. m, n or k may be 0 (k == 0 leaves C zero or unchanged).
     *
     * @throws IllegalArgumentException when a size is negative, {@code ldc < n} with more than
     *     one row, or an array is too small for the given offset and strides
     */
    public static void dgemm(int m, int n, int k,
                             double[] a, int aOff, int aRs, int aCs,
                             double[] b, int bOff, int bRs, int bCs,
                             double[] c, int cOff, int ldc, boolean accumulate) {
        Sgemm.checkArgs("dgemm", m, n, k, a.length, aOff, aRs, aCs, b.length, bOff, bRs, bCs,
                c.length, cOff, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0.0);
            }
            return;
        }
        int threads = Parallel.threads();
        if (threads == 1 || 4L * m * n * k < Sgemm.PARALLEL_MIN_FLOPS) { // a double flop costs ~2 float ones
            compute(0, m, 0, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc, accumulate);
        } else if ((n + NR - 1) / NR >= 2 * threads) {
            int cols = NR * (((n + NR - 1) / NR + threads - 1) / threads);
            Sgemm.forBlocks(threads, (n + cols - 1) / cols, u -> compute(0, m, u * cols,
                    Math.min(n, (u + 1) * cols), k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc, accumulate));
        } else {
            int rows = MR * (((m + MR - 1) / MR + threads - 1) / threads);
            Sgemm.forBlocks(threads, (m + rows - 1) / rows, u -> compute(u * rows,
                    Math.min(m, (u + 1) * rows), 0, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs,
                    c, cOff, ldc, accumulate));
        }
    }

    private static void compute(int i0, int i1, int j0, int j1, int k,
                                double[] a, int aOff, int aRs, int aCs,
                                double[] b, int bOff, int bRs, int bCs,
                                double[] c, int cOff, int ldc, boolean accumulate) {
        Workspace ws = WORKSPACE.get();
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean add = accumulate || pc > 0;
                // Panels of NR columns (the last one NR or 8 wide, zero-padded) at offset jj*kc.
                double[] bp = ws.b(kc * (nc + NR - 1));
                for (int jj = 0; jj < nc; jj += NR) {
                    int w = Math.min(NR, nc - jj);
                    int width = width(w);
                    pack(b, bOff + pc * bRs + (jc + jj) * bCs, bRs, bCs, kc, w, bp, jj * kc, width, width);
                }
                for (int ic = i0; ic < i1; ic += MC) {
                    // A rows at a constant stride (KC) keep the kernels' integer registers few.
                    int mc = Math.min(MC, i1 - ic), slivers = (mc + MR - 1) / MR;
                    double[] ap = ws.a;
                    pack(a, aOff + ic * aRs + pc * aCs, aRs, aCs, mc, kc, ap, 0, KC, kc);
                    Arrays.fill(ap, mc * KC, slivers * MR * KC, 0.0);
                    for (int s = 0; s < slivers; s++) {
                        int mr = Math.min(MR, mc - s * MR), ai = s * MR * KC;
                        int ci = cOff + (ic + s * MR) * ldc + jc;
                        for (int jj = 0; jj < nc; jj += NR) {
                            int w = Math.min(NR, nc - jj), width = width(w);
                            if (mr == MR && w == width) {
                                kernel(width, kc, ap, ai, bp, jj * kc, c, ci + jj, ldc, add);
                            } else {
                                double[] t = ws.tile;
                                for (int r = 0; add && r < mr; r++) {
                                    System.arraycopy(c, ci + jj + r * ldc, t, r * NR, w);
                                }
                                kernel(width, kc, ap, ai, bp, jj * kc, t, 0, NR, add);
                                for (int r = 0; r < mr; r++) {
                                    System.arraycopy(t, r * NR, c, ci + jj + r * ldc, w);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static int width(int cols) {
        return cols > 8 ? NR : 8;
    }

    /** {@code dst[d + r*ld + c] = src[s + r*rs + c*cs]} for c < cols, zero for cols <= c < width. */
    private static void pack(double[] src, int s, int rs, int cs, int rows, int cols,
                             double[] dst, int d, int ld, int width) {
        for (int r = 0; r < rows; r++) {
            int so = s + r * rs, dr = d + r * ld;
            if (cs == 1) {
                System.arraycopy(src, so, dst, dr, cols);
            } else {
                for (int c = 0; c < cols; c++) dst[dr + c] = src[so + c * cs];
            }
            Arrays.fill(dst, dr + cols, dr + width, 0.0);
        }
    }

    private static void kernel(int width, int kc, double[] a, int ai, double[] b, int bi,
                               double[] c, int ci, int ldc, boolean add) {
        if (width == NR) kernel4(kc, a, ai, b, bi, c, ci, ldc, add);
        else kernel1(kc, a, ai, b, bi, c, ci, ldc, add);
    }

    /** MR x 32 tile: A[r, p] at {@code a[ai + r*KC + p]}, B[p, 0..32) at {@code b[bi + 32p ..]}. */
    private static void kernel4(int kc, double[] a, int ai, double[] b, int bi,
                                double[] c, int ci, int ldc, boolean add) {
        DoubleVector c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23;
        DoubleVector c30, c31, c32, c33, c40, c41, c42, c43, c50, c51, c52, c53;
        int r0 = ci, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc;
        if (add) {
            c00 = load(c, r0); c01 = load(c, r0 + 8); c02 = load(c, r0 + 16); c03 = load(c, r0 + 24);
            c10 = load(c, r1); c11 = load(c, r1 + 8); c12 = load(c, r1 + 16); c13 = load(c, r1 + 24);
            c20 = load(c, r2); c21 = load(c, r2 + 8); c22 = load(c, r2 + 16); c23 = load(c, r2 + 24);
            c30 = load(c, r3); c31 = load(c, r3 + 8); c32 = load(c, r3 + 16); c33 = load(c, r3 + 24);
            c40 = load(c, r4); c41 = load(c, r4 + 8); c42 = load(c, r4 + 16); c43 = load(c, r4 + 24);
            c50 = load(c, r5); c51 = load(c, r5 + 8); c52 = load(c, r5 + 16); c53 = load(c, r5 + 24);
        } else {
            DoubleVector z = DoubleVector.zero(S);
            c00 = z; c01 = z; c02 = z; c03 = z; c10 = z; c11 = z; c12 = z; c13 = z;
            c20 = z; c21 = z; c22 = z; c23 = z; c30 = z; c31 = z; c32 = z; c33 = z;
            c40 = z; c41 = z; c42 = z; c43 = z; c50 = z; c51 = z; c52 = z; c53 = z;
        }
        for (int p = 0; p < kc; p++) {
            int ap = ai + p, bp = bi + p * 32;
            DoubleVector b0 = load(b, bp), b1 = load(b, bp + 8), b2 = load(b, bp + 16), b3 = load(b, bp + 24);
            DoubleVector x = DoubleVector.broadcast(S, a[ap]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02); c03 = x.fma(b3, c03);
            x = DoubleVector.broadcast(S, a[ap + KC]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12); c13 = x.fma(b3, c13);
            x = DoubleVector.broadcast(S, a[ap + 2 * KC]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22); c23 = x.fma(b3, c23);
            x = DoubleVector.broadcast(S, a[ap + 3 * KC]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32); c33 = x.fma(b3, c33);
            x = DoubleVector.broadcast(S, a[ap + 4 * KC]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41); c42 = x.fma(b2, c42); c43 = x.fma(b3, c43);
            x = DoubleVector.broadcast(S, a[ap + 5 * KC]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51); c52 = x.fma(b2, c52); c53 = x.fma(b3, c53);
        }
        c00.intoArray(c, r0); c01.intoArray(c, r0 + 8); c02.intoArray(c, r0 + 16); c03.intoArray(c, r0 + 24);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + 8); c12.intoArray(c, r1 + 16); c13.intoArray(c, r1 + 24);
        c20.intoArray(c, r2); c21.intoArray(c, r2 + 8); c22.intoArray(c, r2 + 16); c23.intoArray(c, r2 + 24);
        c30.intoArray(c, r3); c31.intoArray(c, r3 + 8); c32.intoArray(c, r3 + 16); c33.intoArray(c, r3 + 24);
        c40.intoArray(c, r4); c41.intoArray(c, r4 + 8); c42.intoArray(c, r4 + 16); c43.intoArray(c, r4 + 24);
        c50.intoArray(c, r5); c51.intoArray(c, r5 + 8); c52.intoArray(c, r5 + 16); c53.intoArray(c, r5 + 24);
    }

    /** MR x 8 tile: B[p, 0..8) at {@code b[bi + 8p ..]}. */
    private static void kernel1(int kc, double[] a, int ai, double[] b, int bi,
                                double[] c, int ci, int ldc, boolean add) {
        DoubleVector c0, c1, c2, c3, c4, c5;
        int r0 = ci, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc;
        if (add) {
            c0 = load(c, r0); c1 = load(c, r1); c2 = load(c, r2);
            c3 = load(c, r3); c4 = load(c, r4); c5 = load(c, r5);
        } else {
            DoubleVector z = DoubleVector.zero(S);
            c0 = z; c1 = z; c2 = z; c3 = z; c4 = z; c5 = z;
        }
        for (int p = 0; p < kc; p++) {
            int ap = ai + p;
            DoubleVector b0 = load(b, bi + p * 8);
            c0 = DoubleVector.broadcast(S, a[ap]).fma(b0, c0);
            c1 = DoubleVector.broadcast(S, a[ap + KC]).fma(b0, c1);
            c2 = DoubleVector.broadcast(S, a[ap + 2 * KC]).fma(b0, c2);
            c3 = DoubleVector.broadcast(S, a[ap + 3 * KC]).fma(b0, c3);
            c4 = DoubleVector.broadcast(S, a[ap + 4 * KC]).fma(b0, c4);
            c5 = DoubleVector.broadcast(S, a[ap + 5 * KC]).fma(b0, c5);
        }
        c0.intoArray(c, r0); c1.intoArray(c, r1); c2.intoArray(c, r2);
        c3.intoArray(c, r3); c4.intoArray(c, r4); c5.intoArray(c, r5);
    }

    private static DoubleVector load(double[] x, int i) {
        return DoubleVector.fromArray(S, x, i);
    }
}
