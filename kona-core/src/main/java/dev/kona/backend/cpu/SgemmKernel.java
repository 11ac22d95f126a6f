package dev.kona.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-tiled float32 micro-kernels: {@link #MR} rows of C times a 64-, 32- or 16-column panel.
 *
 * <p>A[r, p] is read from a packed block at {@code a[ai + r*KC + p]} and broadcast; B[p, 0..W) is
 * a packed panel at {@code b[bi + p*W ..]}. All strides are constants on purpose: C2 then hoists
 * every bounds check out of the loop (variable p-strides cost ~15%), and the loop needs few
 * general registers. For the same reason C is touched only after the loop: with C's six row
 * offsets live across it, C2 ran out of general registers and kept the B pointer or the loop
 * bound on the stack or in a vector register inside the loop (seen with hsdis; kernel4 at 84% of
 * the FMA peak in a microbenchmark, 87-97% without them; sgemm 1024 on one thread +2%).
 *
 * <p>Each C element is {@code init + (A[r,0]*B[0,j] + A[r,1]*B[1,j] + ...)}: the K block's terms
 * summed from zero with one fma each in p order, then added to init, which is the old C value
 * when {@code add} and zero otherwise. The value therefore never depends on which kernel, tile or
 * thread computed it.
 *
 * <p>The kernels are straight-line with named accumulators: C2 keeps all of them in the 32 zmm
 * registers and intrinsifies every vector op only while the loop body stays this simple.
 */
final class SgemmKernel {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    static final int MR = 6;
    /** Row stride of the packed A block, so also the largest K block. */
    static final int KC = 384;

    private SgemmKernel() {}

    /** MR x 64 tile; B is a packed panel with row stride 64. */
    static void kernel4(int kc, float[] a, int ai, float[] b, int bi,
                        float[] c, int ci, int ldc, boolean add) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
        FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z;
        FloatVector c30 = z, c31 = z, c32 = z, c33 = z;
        FloatVector c40 = z, c41 = z, c42 = z, c43 = z;
        FloatVector c50 = z, c51 = z, c52 = z, c53 = z;
        // One induction variable for both operands: fewer integer ops next to the FMAs.
        int boff = bi - ai * 64;
        for (int ap = ai, end = ai + kc; ap < end; ap++) {
            int bp = (ap << 6) + boff;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + 16);
            FloatVector b2 = FloatVector.fromArray(S, b, bp + 32);
            FloatVector b3 = FloatVector.fromArray(S, b, bp + 48);
            FloatVector x = FloatVector.broadcast(S, a[ap]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02); c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(S, a[ap + KC]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12); c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(S, a[ap + 2 * KC]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22); c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(S, a[ap + 3 * KC]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32); c33 = x.fma(b3, c33);
            x = FloatVector.broadcast(S, a[ap + 4 * KC]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41); c42 = x.fma(b2, c42); c43 = x.fma(b3, c43);
            x = FloatVector.broadcast(S, a[ap + 5 * KC]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51); c52 = x.fma(b2, c52); c53 = x.fma(b3, c53);
        }
        // C only after the loop: see the class comment.
        int r0 = ci, r1 = ci + ldc, r2 = ci + 2 * ldc, r3 = ci + 3 * ldc, r4 = ci + 4 * ldc, r5 = ci + 5 * ldc;
        if (add) {
            c00 = c00.add(FloatVector.fromArray(S, c, r0)); c01 = c01.add(FloatVector.fromArray(S, c, r0 + 16));
            c02 = c02.add(FloatVector.fromArray(S, c, r0 + 32)); c03 = c03.add(FloatVector.fromArray(S, c, r0 + 48));
            c10 = c10.add(FloatVector.fromArray(S, c, r1)); c11 = c11.add(FloatVector.fromArray(S, c, r1 + 16));
            c12 = c12.add(FloatVector.fromArray(S, c, r1 + 32)); c13 = c13.add(FloatVector.fromArray(S, c, r1 + 48));
            c20 = c20.add(FloatVector.fromArray(S, c, r2)); c21 = c21.add(FloatVector.fromArray(S, c, r2 + 16));
            c22 = c22.add(FloatVector.fromArray(S, c, r2 + 32)); c23 = c23.add(FloatVector.fromArray(S, c, r2 + 48));
            c30 = c30.add(FloatVector.fromArray(S, c, r3)); c31 = c31.add(FloatVector.fromArray(S, c, r3 + 16));
            c32 = c32.add(FloatVector.fromArray(S, c, r3 + 32)); c33 = c33.add(FloatVector.fromArray(S, c, r3 + 48));
            c40 = c40.add(FloatVector.fromArray(S, c, r4)); c41 = c41.add(FloatVector.fromArray(S, c, r4 + 16));
            c42 = c42.add(FloatVector.fromArray(S, c, r4 + 32)); c43 = c43.add(FloatVector.fromArray(S, c, r4 + 48));
            c50 = c50.add(FloatVector.fromArray(S, c, r5)); c51 = c51.add(FloatVector.fromArray(S, c, r5 + 16));
            c52 = c52.add(FloatVector.fromArray(S, c, r5 + 32)); c53 = c53.add(FloatVector.fromArray(S, c, r5 + 48));
        }
        c00.intoArray(c, r0); c01.intoArray(c, r0 + 16); c02.intoArray(c, r0 + 32); c03.intoArray(c, r0 + 48);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + 16); c12.intoArray(c, r1 + 32); c13.intoArray(c, r1 + 48);
        c20.intoArray(c, r2); c21.intoArray(c, r2 + 16); c22.intoArray(c, r2 + 32); c23.intoArray(c, r2 + 48);
        c30.intoArray(c, r3); c31.intoArray(c, r3 + 16); c32.intoArray(c, r3 + 32); c33.intoArray(c, r3 + 48);
        c40.intoArray(c, r4); c41.intoArray(c, r4 + 16); c42.intoArray(c, r4 + 32); c43.intoArray(c, r4 + 48);
        c50.intoArray(c, r5); c51.intoArray(c, r5 + 16); c52.intoArray(c, r5 + 32); c53.intoArray(c, r5 + 48);
    }

    /**
     * {@link #kernel4} reading B where it lies, rows {@code ldb} apart, instead of from a packed
     * panel: for products with few rows of A, where packing B costs more than the kernel gains
     * from it (see Sgemm.DIRECT_B_MAX_ROWS). Same sums in the same order, so the same bits. A copy
     * rather than kernel4 with a stride argument: with the stride variable, C2 keeps two bounds
     * checks on B inside the loop (sgemm 1024 on one thread ~1% slower through it, measured).
     */
    static void kernel4Strided(int kc, float[] a, int ai, float[] b, int bi, int ldb,
                               float[] c, int ci, int ldc, boolean add) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
        FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z;
        FloatVector c30 = z, c31 = z, c32 = z, c33 = z;
        FloatVector c40 = z, c41 = z, c42 = z, c43 = z;
        FloatVector c50 = z, c51 = z, c52 = z, c53 = z;
        for (int ap = ai, end = ai + kc, bp = bi; ap < end; ap++, bp += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + 16);
            FloatVector b2 = FloatVector.fromArray(S, b, bp + 32);
            FloatVector b3 = FloatVector.fromArray(S, b, bp + 48);
            FloatVector x = FloatVector.broadcast(S, a[ap]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02); c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(S, a[ap + KC]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12); c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(S, a[ap + 2 * KC]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22); c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(S, a[ap + 3 * KC]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32); c33 = x.fma(b3, c33);
            x = FloatVector.broadcast(S, a[ap + 4 * KC]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41); c42 = x.fma(b2, c42); c43 = x.fma(b3, c43);
            x = FloatVector.broadcast(S, a[ap + 5 * KC]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51); c52 = x.fma(b2, c52); c53 = x.fma(b3, c53);
        }
        // C only after the loop: see the class comment.
        int r0 = ci, r1 = ci + ldc, r2 = ci + 2 * ldc, r3 = ci + 3 * ldc, r4 = ci + 4 * ldc, r5 = ci + 5 * ldc;
        if (add) {
            c00 = c00.add(FloatVector.fromArray(S, c, r0)); c01 = c01.add(FloatVector.fromArray(S, c, r0 + 16));
            c02 = c02.add(FloatVector.fromArray(S, c, r0 + 32)); c03 = c03.add(FloatVector.fromArray(S, c, r0 + 48));
            c10 = c10.add(FloatVector.fromArray(S, c, r1)); c11 = c11.add(FloatVector.fromArray(S, c, r1 + 16));
            c12 = c12.add(FloatVector.fromArray(S, c, r1 + 32)); c13 = c13.add(FloatVector.fromArray(S, c, r1 + 48));
            c20 = c20.add(FloatVector.fromArray(S, c, r2)); c21 = c21.add(FloatVector.fromArray(S, c, r2 + 16));
            c22 = c22.add(FloatVector.fromArray(S, c, r2 + 32)); c23 = c23.add(FloatVector.fromArray(S, c, r2 + 48));
            c30 = c30.add(FloatVector.fromArray(S, c, r3)); c31 = c31.add(FloatVector.fromArray(S, c, r3 + 16));
            c32 = c32.add(FloatVector.fromArray(S, c, r3 + 32)); c33 = c33.add(FloatVector.fromArray(S, c, r3 + 48));
            c40 = c40.add(FloatVector.fromArray(S, c, r4)); c41 = c41.add(FloatVector.fromArray(S, c, r4 + 16));
            c42 = c42.add(FloatVector.fromArray(S, c, r4 + 32)); c43 = c43.add(FloatVector.fromArray(S, c, r4 + 48));
            c50 = c50.add(FloatVector.fromArray(S, c, r5)); c51 = c51.add(FloatVector.fromArray(S, c, r5 + 16));
            c52 = c52.add(FloatVector.fromArray(S, c, r5 + 32)); c53 = c53.add(FloatVector.fromArray(S, c, r5 + 48));
        }
        c00.intoArray(c, r0); c01.intoArray(c, r0 + 16); c02.intoArray(c, r0 + 32); c03.intoArray(c, r0 + 48);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + 16); c12.intoArray(c, r1 + 32); c13.intoArray(c, r1 + 48);
        c20.intoArray(c, r2); c21.intoArray(c, r2 + 16); c22.intoArray(c, r2 + 32); c23.intoArray(c, r2 + 48);
        c30.intoArray(c, r3); c31.intoArray(c, r3 + 16); c32.intoArray(c, r3 + 32); c33.intoArray(c, r3 + 48);
        c40.intoArray(c, r4); c41.intoArray(c, r4 + 16); c42.intoArray(c, r4 + 32); c43.intoArray(c, r4 + 48);
        c50.intoArray(c, r5); c51.intoArray(c, r5 + 16); c52.intoArray(c, r5 + 32); c53.intoArray(c, r5 + 48);
    }


    /** MR x 32 tile; B is a packed panel with row stride 32. */
    static void kernel2(int kc, float[] a, int ai, float[] b, int bi,
                        float[] c, int ci, int ldc, boolean add) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z;
        FloatVector c10 = z, c11 = z;
        FloatVector c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z;
        FloatVector c50 = z, c51 = z;
        for (int p = 0; p < kc; p++) {
            int ap = ai + p, bp = bi + p * 32;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + 16);
            FloatVector x = FloatVector.broadcast(S, a[ap]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ap + KC]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ap + 2 * KC]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ap + 3 * KC]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ap + 4 * KC]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ap + 5 * KC]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
        }
        // C only after the loop: see the class comment.
        int r0 = ci, r1 = ci + ldc, r2 = ci + 2 * ldc, r3 = ci + 3 * ldc, r4 = ci + 4 * ldc, r5 = ci + 5 * ldc;
        if (add) {
            c00 = c00.add(FloatVector.fromArray(S, c, r0)); c01 = c01.add(FloatVector.fromArray(S, c, r0 + 16));
            c10 = c10.add(FloatVector.fromArray(S, c, r1)); c11 = c11.add(FloatVector.fromArray(S, c, r1 + 16));
            c20 = c20.add(FloatVector.fromArray(S, c, r2)); c21 = c21.add(FloatVector.fromArray(S, c, r2 + 16));
            c30 = c30.add(FloatVector.fromArray(S, c, r3)); c31 = c31.add(FloatVector.fromArray(S, c, r3 + 16));
            c40 = c40.add(FloatVector.fromArray(S, c, r4)); c41 = c41.add(FloatVector.fromArray(S, c, r4 + 16));
            c50 = c50.add(FloatVector.fromArray(S, c, r5)); c51 = c51.add(FloatVector.fromArray(S, c, r5 + 16));
        }
        c00.intoArray(c, r0); c01.intoArray(c, r0 + 16);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + 16);
        c20.intoArray(c, r2); c21.intoArray(c, r2 + 16);
        c30.intoArray(c, r3); c31.intoArray(c, r3 + 16);
        c40.intoArray(c, r4); c41.intoArray(c, r4 + 16);
        c50.intoArray(c, r5); c51.intoArray(c, r5 + 16);
    }

    /** MR x 16 tile; B is a packed panel with row stride 16. */
    static void kernel1(int kc, float[] a, int ai, float[] b, int bi,
                        float[] c, int ci, int ldc, boolean add) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c0 = z, c1 = z, c2 = z, c3 = z, c4 = z, c5 = z;
        for (int p = 0; p < kc; p++) {
            int ap = ai + p, bp = bi + p * 16;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            c0 = FloatVector.broadcast(S, a[ap]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[ap + KC]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[ap + 2 * KC]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[ap + 3 * KC]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, a[ap + 4 * KC]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, a[ap + 5 * KC]).fma(b0, c5);
        }
        // C only after the loop: see the class comment.
        int r0 = ci, r1 = ci + ldc, r2 = ci + 2 * ldc, r3 = ci + 3 * ldc, r4 = ci + 4 * ldc, r5 = ci + 5 * ldc;
        if (add) {
            c0 = c0.add(FloatVector.fromArray(S, c, r0));
            c1 = c1.add(FloatVector.fromArray(S, c, r1));
            c2 = c2.add(FloatVector.fromArray(S, c, r2));
            c3 = c3.add(FloatVector.fromArray(S, c, r3));
            c4 = c4.add(FloatVector.fromArray(S, c, r4));
            c5 = c5.add(FloatVector.fromArray(S, c, r5));
        }
        c0.intoArray(c, r0);
        c1.intoArray(c, r1);
        c2.intoArray(c, r2);
        c3.intoArray(c, r3);
        c4.intoArray(c, r4);
        c5.intoArray(c, r5);
    }

    /**
     * 2 x 64 tile (edge slivers of 2 rows, e.g. a batch of 32 = 5 x 6 + 2); B rows {@code ldb}
     * apart (64 in a packed panel). These edge kernels are bound by B's loads, so a variable
     * stride costs them nothing.
     */
    static void kernel4Rows2(int kc, float[] a, int ai, float[] b, int bi, int ldb,
                              float[] c, int ci, int ldc, boolean add) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
        FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
        for (int p = 0, bp = bi; p < kc; p++, bp += ldb) {
            int ap = ai + p;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + 16);
            FloatVector b2 = FloatVector.fromArray(S, b, bp + 32);
            FloatVector b3 = FloatVector.fromArray(S, b, bp + 48);
            FloatVector x = FloatVector.broadcast(S, a[ap]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02); c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(S, a[ap + KC]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12); c13 = x.fma(b3, c13);
        }
        // C only after the loop: see the class comment.
        int r0 = ci, r1 = ci + ldc;
        if (add) {
            c00 = c00.add(FloatVector.fromArray(S, c, r0)); c01 = c01.add(FloatVector.fromArray(S, c, r0 + 16));
            c02 = c02.add(FloatVector.fromArray(S, c, r0 + 32)); c03 = c03.add(FloatVector.fromArray(S, c, r0 + 48));
            c10 = c10.add(FloatVector.fromArray(S, c, r1)); c11 = c11.add(FloatVector.fromArray(S, c, r1 + 16));
            c12 = c12.add(FloatVector.fromArray(S, c, r1 + 32)); c13 = c13.add(FloatVector.fromArray(S, c, r1 + 48));
        }
        c00.intoArray(c, r0); c01.intoArray(c, r0 + 16); c02.intoArray(c, r0 + 32); c03.intoArray(c, r0 + 48);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + 16); c12.intoArray(c, r1 + 32); c13.intoArray(c, r1 + 48);
    }

    /** 4 x 64 tile (edge slivers of 4 rows, e.g. a batch of 64 = 10 x 6 + 4); B as in kernel4Rows2. */
    static void kernel4Rows4(int kc, float[] a, int ai, float[] b, int bi, int ldb,
                              float[] c, int ci, int ldc, boolean add) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
        FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z;
        FloatVector c30 = z, c31 = z, c32 = z, c33 = z;
        for (int p = 0, bp = bi; p < kc; p++, bp += ldb) {
            int ap = ai + p;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + 16);
            FloatVector b2 = FloatVector.fromArray(S, b, bp + 32);
            FloatVector b3 = FloatVector.fromArray(S, b, bp + 48);
            FloatVector x = FloatVector.broadcast(S, a[ap]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02); c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(S, a[ap + KC]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12); c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(S, a[ap + 2 * KC]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22); c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(S, a[ap + 3 * KC]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32); c33 = x.fma(b3, c33);
        }
        // C only after the loop: see the class comment.
        int r0 = ci, r1 = ci + ldc, r2 = ci + 2 * ldc, r3 = ci + 3 * ldc;
        if (add) {
            c00 = c00.add(FloatVector.fromArray(S, c, r0)); c01 = c01.add(FloatVector.fromArray(S, c, r0 + 16));
            c02 = c02.add(FloatVector.fromArray(S, c, r0 + 32)); c03 = c03.add(FloatVector.fromArray(S, c, r0 + 48));
            c10 = c10.add(FloatVector.fromArray(S, c, r1)); c11 = c11.add(FloatVector.fromArray(S, c, r1 + 16));
            c12 = c12.add(FloatVector.fromArray(S, c, r1 + 32)); c13 = c13.add(FloatVector.fromArray(S, c, r1 + 48));
            c20 = c20.add(FloatVector.fromArray(S, c, r2)); c21 = c21.add(FloatVector.fromArray(S, c, r2 + 16));
            c22 = c22.add(FloatVector.fromArray(S, c, r2 + 32)); c23 = c23.add(FloatVector.fromArray(S, c, r2 + 48));
            c30 = c30.add(FloatVector.fromArray(S, c, r3)); c31 = c31.add(FloatVector.fromArray(S, c, r3 + 16));
            c32 = c32.add(FloatVector.fromArray(S, c, r3 + 32)); c33 = c33.add(FloatVector.fromArray(S, c, r3 + 48));
        }
        c00.intoArray(c, r0); c01.intoArray(c, r0 + 16); c02.intoArray(c, r0 + 32); c03.intoArray(c, r0 + 48);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + 16); c12.intoArray(c, r1 + 32); c13.intoArray(c, r1 + 48);
        c20.intoArray(c, r2); c21.intoArray(c, r2 + 16); c22.intoArray(c, r2 + 32); c23.intoArray(c, r2 + 48);
        c30.intoArray(c, r3); c31.intoArray(c, r3 + 16); c32.intoArray(c, r3 + 32); c33.intoArray(c, r3 + 48);
    }
}
