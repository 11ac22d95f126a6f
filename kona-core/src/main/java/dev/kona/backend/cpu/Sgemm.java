package dev.kona.backend.cpu;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Single-precision matrix multiply on the CPU: a packed, cache-blocked, register-tiled GEMM.
 *
 * <p>Loop nest per thread: K blocks of {@link #KC}, column blocks of {@link #NC} (the packed B
 * block of KC x NC stays in L2), then 6-row slivers of A (kept in L1) against each 64-column B
 * panel ({@link SgemmKernel}). A is packed {@link #MC} rows at a time and B a block at a time,
 * transposed layouts included (16 x 16 in-register transposes), so a caller never materializes
 * a transposed copy. A row-major B is read in place instead when A has at most
 * {@link #DIRECT_B_MAX_ROWS} rows.
 *
 * <p>Results are bit-identical for every thread count: threads split C into disjoint blocks and
 * every C element is summed in p order with the same fixed K blocking, whoever computes it.
 */
public final class Sgemm {
    static final int MR = SgemmKernel.MR;
    /** K block: the A sliver (6 x KC) stays in L1, the B block (KC x NC) in L2. */
    static final int KC = SgemmKernel.KC;
    /** Column block, a multiple of 64. */
    static final int NC = 512;
    /** Rows of A packed at once, a multiple of 6 and of 16. */
    static final int MC = 96;
    /**
     * Row ranges up to this long keep their packed A for every column block (a buffer of up to
     * 4.5 MB per thread); longer ones repack A per column block.
     */
    static final int KEEP_A_ROWS = 3072;
    /**
     * Below this many flops a call stays on the calling thread. Splitting pays off from about
     * 2 MFLOP when the pool's workers are awake, but waking a parked one costs 40-80 us on the
     * VMs measured, which only calls of ~20 MFLOP and up amortize fully (see forBlocks).
     */
    static final long PARALLEL_MIN_FLOPS = 4_000_000L;
    /**
     * Calls (per thread) from this many flops on keep the packed-B alignment up to date. Winograd's
     * per-block products (64 x 119 x 64, ~1 MFLOP) ran 8% faster with aligned panels.
     */
    static final long ALIGN_MIN_FLOPS = 500_000L;
    /**
     * Up to this many rows of A, a row-major B is read in place rather than packed: packing B
     * serves ceil(m / 6) slivers, and for a batch of 32 against a 784 x 128 weight it took a fifth
     * of the product (4.7 of 21.8 us per thread). One thread, in place against packed: 32 x 128 x
     * 784 44.5 -> 39.9 us, 8 x 256 x 256 12.8 -> 7.6 us; 64 rows even, 96 and 128 rows 3-5% slower.
     */
    static final int DIRECT_B_MAX_ROWS = 48;
    /**
     * Products with at most this many columns take {@link #narrow}: a 10-class output layer's
     * forward product and weight gradient (32 x 128 by 128 x 10: 1.9 us through the 16-wide
     * panels, see narrow).
     */
    static final int NARROW_MAX_COLS = 16;

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private Sgemm() {}

    /** Per-thread packing buffers; they only grow. */
    private static final class Workspace {
        float[] b = new float[0];
        /** Offset into {@link #b} where packed panels start; 64-byte aligned once probed. */
        int bBase;
        /** Probe-eligible calls left before the alignment is checked again. */
        int probeCountdown;
        final long[] probeTimes = new long[8];
        private float[] a = new float[MC * KC];
        final float[] tile = new float[MR * 64];

        /** The A buffer, with room for at least {@code size} floats. */
        float[] a(int size) {
            if (a.length < size) a = new float[size];
            return a;
        }

        /** The B buffer, with room for {@code size} floats after {@link #bBase}. */
        float[] b(int size) {
            if (b.length < size + 16) {
                b = new float[Math.max(size + 16, GemmPacking.PROBE_FLOATS)];
                bBase = 0;
                probeCountdown = 0;
            }
            return b;
        }

        /**
         * Re-derives {@link #bBase} now and then. Aligned 64-byte B loads are ~13% faster than
         * loads split across cache lines, Java does not expose array addresses, and the GC may
         * move the buffer, so the alignment is measured and re-measured every so often.
         */
        void alignB() {
            if (--probeCountdown > 0) return;
            int offset = GemmPacking.alignedOffset(b, probeTimes);
            if (offset >= 0) bBase = offset;
            probeCountdown = offset >= 0 ? 64 : 4;
        }
    }

    /**
     * C[i, j] (+)= sum_p A[i, p] * B[p, j]; C is row-major with row stride ldc (column stride 1).
     * A[i, p] lives at {@code a[aOff + i*aRs + p*aCs]}, B[p, j] at {@code b[bOff + p*bRs + j*bCs]}
     * (any strides, including 0 and transposed layouts). {@code accumulate=false} overwrites C,
     * true adds to it. m, n or k may be 0 (k == 0 leaves C zero or unchanged).
     *
     * <p>Multi-threaded over blocks of C with {@link Parallel}; bit-identical for every thread
     * count. Allocates nothing once warmed up (per-thread buffers only grow).
     *
     * @throws IllegalArgumentException when a size is negative, {@code ldc < n} with more than
     *     one row, or an array is too small for the given offset and strides
     */
    public static void sgemm(int m, int n, int k,
                             float[] a, int aOff, int aRs, int aCs,
                             float[] b, int bOff, int bRs, int bCs,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        sgemm(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, null, c, cOff, ldc, accumulate);
    }

    /**
     * {@link #sgemm} with B already in panels ({@code packed}, made by {@link PackedB#of} from this
     * very B, or null to pack as usual). The result is the same bit for bit: the panels are the
     * ones the call would have packed.
     *
     * @throws IllegalArgumentException as {@link #sgemm}, or when {@code packed} was made for another k x n
     */
    static void sgemm(int m, int n, int k,
                      float[] a, int aOff, int aRs, int aCs,
                      float[] b, int bOff, int bRs, int bCs, PackedB packed,
                      float[] c, int cOff, int ldc, boolean accumulate) {
        checkArgs("sgemm", m, n, k, a.length, aOff, aRs, aCs, b.length, bOff, bRs, bCs,
                c.length, cOff, ldc);
        if (packed != null && (packed.k() != k || packed.n() != n)) {
            throw new IllegalArgumentException("sgemm: B packed as " + packed.k() + "x" + packed.n() + ", used as " + k + "x" + n);
        }
        if (m == 0 || n == 0) return;
        if (k == 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            }
            return;
        }
        int threads = Parallel.threads();
        if (packed == null && n <= NARROW_MAX_COLS) {
            if (threads == 1 || 2L * m * n * k < PARALLEL_MIN_FLOPS) {
                narrow(0, m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc, accumulate);
            } else {
                int rows = MR * (((m + MR - 1) / MR + threads - 1) / threads);
                forBlocks(threads, (m + rows - 1) / rows, u -> narrow(u * rows, Math.min(m, (u + 1) * rows), n, k,
                        a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc, accumulate));
            }
            return;
        }
        if (threads == 1 || 2L * m * n * k < PARALLEL_MIN_FLOPS) {
            compute(0, m, 0, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, packed, c, cOff, ldc, accumulate);
            return;
        }
        int panels = (n + 63) / 64;
        // Split by rows and every thread packs all of B and its share of A; by columns, all of A
        // and its share of B: columns pack less when m < n (a batch of 32 against a 784 x 128
        // weight), or when B comes packed already. Rows whenever m >= n: splitting a 3200 x 1024
        // by 1024 x 256 product by columns had each thread pack all of A, and ran 20% slower.
        // Block sizes round up, so that `threads` blocks cover C: rounded down, 1024 rows made
        // 510 + 510 + 4, and the thread that took the 4-row strip packed all of B again while
        // the other waited (sgemm 1024 on 2 threads: 5.93 -> 5.68 ms).
        if (panels >= threads && (m < n || packed != null)) {
            int cols = 64 * Math.min(NC / 64, (panels + threads - 1) / threads);
            forBlocks(threads, (n + cols - 1) / cols, u -> compute(0, m, u * cols,
                    Math.min(n, (u + 1) * cols), k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, packed, c, cOff, ldc, accumulate));
        } else {
            int rows = MR * (((m + MR - 1) / MR + threads - 1) / threads);
            forBlocks(threads, (m + rows - 1) / rows, u -> compute(u * rows,
                    Math.min(m, (u + 1) * rows), 0, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, packed,
                    c, cOff, ldc, accumulate));
        }
    }

    /**
     * Rows [i0, i1) of C = A B (+ C) for n <= 16, any strides: each K block of B
     * is packed into rows of 16 floats (zero-padded) and multiplied by twelve rows of A at a time,
     * one accumulator vector per row, so that twelve chains of fused multiply-adds cover their
     * latency; C is written with a lane mask, straight into place. The packed path staged every
     * 6-row tile through a scratch copy and ran six chains. The K blocks, their order and the
     * final add of C are the packed kernels' (each block summed from zero, then added to C), so
     * the bits are the packed path's.
     */
    private static void narrow(int i0, int i1, int n, int k, float[] a, int aOff, int aRs, int aCs,
                               float[] b, int bOff, int bRs, int bCs, float[] c, int cOff, int ldc, boolean accumulate) {
        Workspace ws = WORKSPACE.get();
        float[] ap = ws.a(MC * KC), bp = ws.b(16 * Math.min(KC, k)), out = ws.tile;
        VectorMask<Float> cols = SgemmKernel.S.indexInRange(0, n);
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            GemmPacking.pack(b, bOff + pc * bRs, bRs, bCs, kc, n, bp, 0, 16, 16);
            boolean add = accumulate || pc > 0;
            for (int ic = i0; ic < i1; ic += MC) {
                // MC rows of A at a time, KC apart, as for the packed kernels (a transposed A
                // packs in 16 x 16 register blocks only when there are 16 rows); rows past the
                // last hold stale values, computed and never stored.
                int mc = Math.min(MC, i1 - ic);
                GemmPacking.pack(a, aOff + ic * aRs + pc * aCs, aRs, aCs, mc, kc, ap, 0, KC, kc);
                for (int g = 0; g < mc; g += NARROW_ROWS) {
                    narrowKernel(kc, ap, g * KC, bp, out);
                    int ci = cOff + (ic + g) * ldc;
                    for (int r = 0, mr = Math.min(NARROW_ROWS, mc - g); r < mr; r++, ci += ldc) {
                        FloatVector v = FloatVector.fromArray(SgemmKernel.S, out, 16 * r);
                        if (ci + 16 <= c.length) {
                            if (add) v = v.add(FloatVector.fromArray(SgemmKernel.S, c, ci, cols));
                            v.intoArray(c, ci, cols);
                        } else {
                            // a whole vector would run past C's end
                            for (int j = 0; j < n; j++) c[ci + j] = add ? out[16 * r + j] + c[ci + j] : out[16 * r + j];
                        }
                    }
                }
            }
        }
    }

    /** Rows of A per {@link #narrowKernel}: one vector per row needs about twelve FMA chains to cover the latency. */
    private static final int NARROW_ROWS = 12;

    /** out[16 r ..] = sum_p a[ai + r KC + p] b[16 p ..] for r < 12, p < kc, each sum from zero in p order. */
    private static void narrowKernel(int kc, float[] a, int ai, float[] b, float[] out) {
        var s = SgemmKernel.S;
        FloatVector z = FloatVector.zero(s);
        FloatVector c0 = z, c1 = z, c2 = z, c3 = z, c4 = z, c5 = z, c6 = z, c7 = z, c8 = z, c9 = z, c10 = z, c11 = z;
        for (int p = 0; p < kc; p++) {
            FloatVector bv = FloatVector.fromArray(s, b, 16 * p);
            int q = ai + p;
            c0 = FloatVector.broadcast(s, a[q]).fma(bv, c0);
            c1 = FloatVector.broadcast(s, a[q + KC]).fma(bv, c1);
            c2 = FloatVector.broadcast(s, a[q + 2 * KC]).fma(bv, c2);
            c3 = FloatVector.broadcast(s, a[q + 3 * KC]).fma(bv, c3);
            c4 = FloatVector.broadcast(s, a[q + 4 * KC]).fma(bv, c4);
            c5 = FloatVector.broadcast(s, a[q + 5 * KC]).fma(bv, c5);
            c6 = FloatVector.broadcast(s, a[q + 6 * KC]).fma(bv, c6);
            c7 = FloatVector.broadcast(s, a[q + 7 * KC]).fma(bv, c7);
            c8 = FloatVector.broadcast(s, a[q + 8 * KC]).fma(bv, c8);
            c9 = FloatVector.broadcast(s, a[q + 9 * KC]).fma(bv, c9);
            c10 = FloatVector.broadcast(s, a[q + 10 * KC]).fma(bv, c10);
            c11 = FloatVector.broadcast(s, a[q + 11 * KC]).fma(bv, c11);
        }
        c0.intoArray(out, 0);
        c1.intoArray(out, 16);
        c2.intoArray(out, 32);
        c3.intoArray(out, 48);
        c4.intoArray(out, 64);
        c5.intoArray(out, 80);
        c6.intoArray(out, 96);
        c7.intoArray(out, 112);
        c8.intoArray(out, 128);
        c9.intoArray(out, 144);
        c10.intoArray(out, 160);
        c11.intoArray(out, 176);
    }

    /**
     * Runs {@code block} for 0..blocks-1 on the {@link Parallel} threads. Blocks are handed out
     * from a counter rather than split up front, so a worker that wakes up late just takes fewer
     * (or none). The thread running chunk 0 (the caller) then spins until every other thread that
     * entered has left, since being parked in the pool's join would cost another wake-up. Which
     * thread runs a block never changes its values.
     */
    static void forBlocks(int threads, int blocks, IntConsumer block) {
        AtomicInteger next = new AtomicInteger(), inside = new AtomicInteger();
        Parallel.forRange(threads, 1, (s, e) -> {
            inside.incrementAndGet();
            try {
                for (int u = next.getAndIncrement(); u < blocks; u = next.getAndIncrement()) block.accept(u);
            } finally {
                inside.decrementAndGet();
            }
            if (s == 0) {
                while (inside.get() > 0) Thread.onSpinWait();
            }
        });
    }

    /** Computes C[i0..i1, j0..j1); i0 is a multiple of MR and j0 of 64. */
    private static void compute(int i0, int i1, int j0, int j1, int k,
                                float[] a, int aOff, int aRs, int aCs,
                                float[] b, int bOff, int bRs, int bCs, PackedB packed,
                                float[] c, int cOff, int ldc, boolean accumulate) {
        Workspace ws = WORKSPACE.get();
        // Few rows of A: read a row-major B in place, no packing (64-column panels only). Not when
        // B's rows are a multiple of 4 KB apart: then they all fall on the same few L1 sets
        // (32 x 1024 x 256 ran 5% slower read in place).
        boolean directB = packed == null && bCs == 1 && i1 - i0 <= DIRECT_B_MAX_ROWS && (j1 - j0) % 64 == 0
                && bRs % 1024 != 0;
        if (packed == null && !directB) {
            ws.b(Math.min(KC, k) * (Math.min(NC, j1 - j0) + 63));
            if (2L * (i1 - i0) * (j1 - j0) * k >= ALIGN_MIN_FLOPS) ws.alignB();
        }
        // With several column blocks, the K block loop goes outside the column loop and A is
        // packed once per K block for all of them rather than once per column block (at 2048^3
        // on 2 threads, four times). Each C element still gets its K blocks in order.
        boolean keepA = j1 - j0 > NC && i1 - i0 <= KEEP_A_ROWS;
        float[] ap = keepA ? ws.a((i1 - i0 + MR - 1) / MR * MR * KC) : ws.a(MC * KC);
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            boolean add = accumulate || pc > 0;
            for (int jc = j0; jc < j1; jc += NC) {
                int nc = Math.min(NC, j1 - jc);
                float[] bp;
                int bBase, ldb = 0;
                if (directB) {
                    bp = b;
                    bBase = bOff + pc * bRs + jc;
                    ldb = bRs;
                } else if (packed == null) {
                    bp = packB(ws, b, bOff + pc * bRs + jc * bCs, bRs, bCs, kc, nc);
                    bBase = ws.bBase;
                } else {
                    bp = packed.panels();
                    bBase = packed.at(pc, jc);
                }
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic), slivers = (mc + MR - 1) / MR;
                    int aBase = keepA ? (ic - i0) * KC : 0;
                    if (!keepA || jc == j0) {
                        // Row stride KC whatever kc is: the kernels address A with constant offsets.
                        GemmPacking.pack(a, aOff + ic * aRs + pc * aCs, aRs, aCs, mc, kc, ap, aBase, KC, kc);
                        Arrays.fill(ap, aBase + mc * KC, aBase + slivers * MR * KC, 0f);
                    }
                    for (int s = 0; s < slivers; s++) {
                        int mr = Math.min(MR, mc - s * MR), ci = cOff + (ic + s * MR) * ldc + jc;
                        if (directB) directPanels(ws, mr, kc, nc, ap, aBase + s * MR * KC, bp, bBase, ldb, c, ci, ldc, add);
                        else panels(ws, mr, kc, nc, ap, aBase + s * MR * KC, bp, bBase, c, ci, ldc, add);
                    }
                }
            }
        }
    }

    /**
     * Packs B[0..kc, 0..nc) into consecutive panels: 64 columns wide, the last one 64, 32 or 16
     * wide and zero-padded. The panel starting at column jj lies at offset jj*kc.
     */
    private static float[] packB(Workspace ws, float[] b, int off, int bRs, int bCs, int kc, int nc) {
        float[] bp = ws.b(kc * (nc + 63));
        packPanels(b, off, bRs, bCs, kc, nc, bp, ws.bBase);
        return bp;
    }

    /** Packs B[0..kc, 0..nc) at {@code dst[base..]}, the panel of column jj at {@code base + jj*kc}. */
    private static void packPanels(float[] b, int off, int bRs, int bCs, int kc, int nc, float[] dst, int base) {
        for (int jj = 0; jj < nc; jj += 64) {
            int w = Math.min(64, nc - jj);
            int width = panelWidth(w);
            GemmPacking.pack(b, off + jj * bCs, bRs, bCs, kc, w, dst, base + jj * kc, width, width);
        }
    }

    /**
     * A whole k x n right operand in the panels {@link #compute} reads, for products that use
     * the same B many times (a recurrent layer's W_hh, once per time step). Each K block lies at
     * {@code pc * 64*ceil(n/64)}, its panel of column j at {@code + j*kc}: every column block a
     * thread may get starts at a multiple of 64, so any split finds its panels in place.
     */
    record PackedB(float[] panels, int base, int k, int n) {
        static PackedB of(float[] b, int bOff, int bRs, int bCs, int k, int n) {
            checkRange("PackedB", "B", b.length, bOff, k, bRs, n, bCs);
            int width = 64 * ((n + 63) / 64);
            long size = (long) k * width;
            if (size + 16 > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("PackedB: " + k + "x" + n + " is too large");
            float[] panels = new float[(int) Math.max(size + 16, GemmPacking.PROBE_FLOATS)];
            // Aligned panels as in Workspace#alignB; measured once (a later GC move only costs speed).
            long[] times = new long[8];
            int base = Math.max(0, GemmPacking.alignedOffset(panels, times));
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                packPanels(b, bOff + pc * bRs, bRs, bCs, kc, n, panels, base + pc * width);
            }
            return new PackedB(panels, base, k, n);
        }

        /** Where the panels of K block pc (a multiple of KC) start at column jc (a multiple of 64). */
        int at(int pc, int jc) {
            return base + pc * (64 * ((n + 63) / 64)) + jc * Math.min(KC, k - pc);
        }
    }

    private static int panelWidth(int cols) {
        return cols > 32 ? 64 : cols > 16 ? 32 : 16;
    }

    /** One A sliver (6 rows, mr valid) against every panel of the packed B block. */
    private static void panels(Workspace ws, int mr, int kc, int nc, float[] a, int ai,
                               float[] bp, int bBase, float[] c, int ci, int ldc, boolean add) {
        for (int jj = 0; jj < nc; jj += 64) {
            int w = Math.min(64, nc - jj), width = panelWidth(w);
            int bi = bBase + jj * kc;
            if (mr == MR && w == width) {
                kernel(width, kc, a, ai, bp, bi, c, ci + jj, ldc, add);
            } else if (w == 64 && mr == 2) {
                SgemmKernel.kernel4Rows2(kc, a, ai, bp, bi, 64, c, ci + jj, ldc, add);
            } else if (w == 64 && mr == 4) {
                SgemmKernel.kernel4Rows4(kc, a, ai, bp, bi, 64, c, ci + jj, ldc, add);
            } else {
                // Edge tile: run the same kernel on a scratch tile, then copy the valid part.
                float[] t = ws.tile;
                if (add) GemmPacking.copyTile(c, ci + jj, ldc, t, 0, 64, mr, w);
                kernel(width, kc, a, ai, bp, bi, t, 0, 64, add);
                GemmPacking.copyTile(t, 0, 64, c, ci + jj, ldc, mr, w);
            }
        }
    }

    /**
     * {@link #panels} for a B read in place: rows {@code ldb} apart, the panel of column jj at
     * {@code bBase + jj}, nc a multiple of 64.
     */
    private static void directPanels(Workspace ws, int mr, int kc, int nc, float[] a, int ai,
                                     float[] b, int bBase, int ldb, float[] c, int ci, int ldc, boolean add) {
        for (int jj = 0; jj < nc; jj += 64) {
            int bi = bBase + jj;
            if (mr == MR) {
                SgemmKernel.kernel4Strided(kc, a, ai, b, bi, ldb, c, ci + jj, ldc, add);
            } else if (mr == 2) {
                SgemmKernel.kernel4Rows2(kc, a, ai, b, bi, ldb, c, ci + jj, ldc, add);
            } else if (mr == 4) {
                SgemmKernel.kernel4Rows4(kc, a, ai, b, bi, ldb, c, ci + jj, ldc, add);
            } else {
                float[] t = ws.tile;
                if (add) GemmPacking.copyTile(c, ci + jj, ldc, t, 0, 64, mr, 64);
                SgemmKernel.kernel4Strided(kc, a, ai, b, bi, ldb, t, 0, 64, add);
                GemmPacking.copyTile(t, 0, 64, c, ci + jj, ldc, mr, 64);
            }
        }
    }

    private static void kernel(int width, int kc, float[] a, int ai, float[] b, int bi,
                               float[] c, int ci, int ldc, boolean add) {
        if (width == 64) SgemmKernel.kernel4(kc, a, ai, b, bi, c, ci, ldc, add);
        else if (width == 32) SgemmKernel.kernel2(kc, a, ai, b, bi, c, ci, ldc, add);
        else SgemmKernel.kernel1(kc, a, ai, b, bi, c, ci, ldc, add);
    }

    /**
     * Validates a GEMM call once, so that the kernels never index out of bounds.
     *
     * @throws IllegalArgumentException naming {@code op} and the offending sizes
     */
    static void checkArgs(String op, int m, int n, int k,
                          int aLen, int aOff, int aRs, int aCs,
                          int bLen, int bOff, int bRs, int bCs,
                          int cLen, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException(op + ": negative size m=" + m + ", n=" + n + ", k=" + k);
        }
        if (m == 0 || n == 0) return;
        if (m > 1 && ldc < n) {
            throw new IllegalArgumentException(
                    op + ": ldc=" + ldc + " is less than n=" + n + " (m=" + m + ")");
        }
        checkRange(op, "C", cLen, cOff, m, ldc, n, 1);
        if (k == 0) return;
        checkRange(op, "A", aLen, aOff, m, aRs, k, aCs);
        checkRange(op, "B", bLen, bOff, k, bRs, n, bCs);
    }

    private static void checkRange(String op, String name, int length, int off,
                                   int rows, int rs, int cols, int cs) {
        long dr = (long) (rows - 1) * rs, dc = (long) (cols - 1) * cs;
        long lo = off + Math.min(0, dr) + Math.min(0, dc);
        long hi = off + Math.max(0, dr) + Math.max(0, dc);
        if (lo < 0 || hi >= length) {
            throw new IllegalArgumentException(op + ": " + name + " is " + rows + "x" + cols
                    + " at offset " + off + " with strides (" + rs + ", " + cs + "), which needs indices "
                    + lo + ".." + hi + ", but the array length is " + length);
        }
    }
}
