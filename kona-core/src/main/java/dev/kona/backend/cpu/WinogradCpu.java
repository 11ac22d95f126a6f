package dev.kona.backend.cpu;

import dev.kona.DType;
import dev.kona.Tensor;
import dev.kona.backend.Layout;
import dev.kona.ops.Op;
import java.util.Arrays;

/**
 * {@link Op.Conv3x3} on the CPU by Winograd F(2x2, 3x3), or F(4x4, 3x3) for float32 images of
 * {@link #MIN_SIDE_F4} and more: the three passes fused over blocks of tile rows. A block's
 * transformed input and products (16 values per tile and channel for F(2x2), four times the
 * image; 36 per 4x4 tile for F(4x4)) are made, multiplied and transformed back while they are in
 * L2, instead of making a round trip through memory for the whole batch between three separate
 * kernels; the products per block are small GEMMs on cache-resident operands.
 *
 * <p>F(4x4, 3x3) ({@link WinogradBlocks4}) takes 2-13% less time than F(2x2) on images of 24 to
 * 56 (forward and both gradients; docs/BENCH-LAYERS.md) and rounds about ten times as much:
 * errors of about 5e-6 of the output's largest magnitude instead of 5e-7 on 64 channels (cuDNN's
 * and oneDNN's Winograd algorithms make the same trade). float64 stays on F(2x2).
 *
 * <p>Work is split by image (and by block for the forward pass), and the weight gradient sums
 * fixed groups of images into partials that are added in order: results do not depend on the
 * thread count. float32 transforms run a block's tiles in vector lanes ({@link WinogradBlocks},
 * {@link WinogradBlocks4}), float64 ones tile by tile ({@link WinogradRows64}).
 */
final class WinogradCpu {
    private WinogradCpu() {}

    /**
     * Tiles per block times the larger channel count: a block's two buffers take ~1 MB in float32,
     * half of this machine's L2 (2 MB per core); 4096 and 16384 measured the same or slower.
     */
    private static final int BLOCK_TILE_CHANNELS = 8192;
    /**
     * The same for F(4x4, 3x3), whose blocks hold 36 entries per tile: 6000 tile-channels (1 MB
     * per buffer at 64 channels) ran a 64-channel 32x32 convolution's forward and backward 7%
     * faster than 3640 (the F(2x2) footprint) and as fast as 8192.
     */
    private static final int BLOCK_TILE_CHANNELS_F4 = 6000;
    /**
     * float32 convolutions take F(4x4, 3x3) from this output (and input) side up: 2-13% faster than
     * F(2x2) on sides from 24 to 56 (2.25 multiplications per output and channel pair instead of
     * 4, and 2.25 transformed values per output instead of 4). Smaller images would fill their 4x4
     * tiles mostly with padding.
     */
    static final int MIN_SIDE_F4 = 8;
    /** The weight gradient is summed over at most this many fixed groups of images (enough for a few threads). */
    private static final int WEIGHT_GRAD_PARTIALS = 4;

    /**
     * The geometry of one call: sizes, the output tile size m (F(m x m, 3x3): 2, or 4 for float32),
     * tile rows per block.
     */
    private record Geo(Op.Conv3x3 op, int n, int c, int k, int m, int th, int tw, int rows) {
        /** Blocks may span images (tile rows numbered across the batch), so small images still make wide products. */
        static Geo of(Op.Conv3x3 op, int n, int c, int k, int m) {
            int th = (op.oh() + m - 1) / m, tw = (op.ow() + m - 1) / m;
            int tileChannels = m == 4 ? BLOCK_TILE_CHANNELS_F4 : BLOCK_TILE_CHANNELS;
            int rows = Math.clamp(tileChannels / Math.max(1, Math.max(c, k)) / (tw + 1), 1, Math.max(1, n * th));
            return new Geo(op, n, c, k, m, th, tw, rows);
        }

        /** Transform entries per tile: 16 for F(2x2, 3x3), 36 for F(4x4, 3x3). */
        int entries() {
            return (m + 2) * (m + 2);
        }

        /** Calls {@code seg} for each run of one image's tile rows within batch tile rows [from, to). */
        void segments(int from, int to, Segment seg) {
            for (int gr = from; gr < to; ) {
                int n = gr / th, i0 = gr % th, i1 = Math.min(th, i0 + (to - gr));
                seg.run(n, i0, i1, (gr - from) * slots());
                gr += i1 - i0;
            }
        }

        /** Slots per tile row in a block buffer: the tiles and one spare ({@link WinogradBlocks}). */
        int slots() {
            return tw + 1;
        }

        /**
         * Floats from one channel's run of a block's {@code tb} slots to the next: room for the
         * whole vectors the {@link WinogradBlocks} transforms write and read past a run's end, so
         * that they need no scalar tails (which took ~40% of their time on 32x32 images).
         */
        static int ld(int tb) {
            return tb + 16;
        }

        /**
         * Floats from one transform entry's plane to the next in a block buffer ({@code ld}
         * floats per channel). Planes of a power-of-two size put the 16 rows a tile row writes in one
         * cache set, which cost the input transform 3x; a 64-byte gap spreads them.
         */
        int vPlane(int ld) {
            return c * ld + 16;
        }

        int mPlane(int ld) {
            return k * ld + 16;
        }
    }

    /** Tile rows i0..i1 of image n, at slot offset {@code off} in a block buffer. */
    @FunctionalInterface
    private interface Segment {
        void run(int n, int i0, int i1, int off);
    }

    /** A thread's buffers: the block's transformed input and products, and the row kernels' scratch. */
    private static final class Work {
        /**
         * The thread's last v and m buffers (up to ~1 MB each) and weight-gradient partials
         * ({@link #partials}), reused by its next call: allocating v and m zeroed on every pass
         * took ~5% of a 64-channel convolution's forward and backward.
         * Every slot a pass reads is written first (spare slots included), so stale values never
         * reach a result; the small row buffers below are made fresh, as their zero padding counts.
         */
        private static final ThreadLocal<float[][]> REUSED = ThreadLocal.withInitial(() -> new float[3][0]);

        final Object v, m, sc, adjSc, pad, gradPad;

        Work(Geo g, boolean f32) {
            int ld = Geo.ld(g.rows * g.slots());
            if (f32) {
                float[][] reused = REUSED.get();
                v = reused[0] = atLeast(reused[0], g.entries() * g.vPlane(ld));
                m = reused[1] = atLeast(reused[1], g.entries() * g.mPlane(ld));
                boolean four = g.m == 4;
                sc = four ? WinogradBlocks4.scratch(g.tw, g.rows) : WinogradBlocks.scratch(g.tw, g.rows);
                adjSc = four ? null : WinogradRows.scratch(g.tw);
                pad = four ? WinogradBlocks4.paddedRow(g.tw, g.op.w(), g.op.pw()) : WinogradBlocks.paddedRow(g.tw, g.op.w(), g.op.pw());
                gradPad = four ? WinogradBlocks4.paddedRow(g.tw, g.op.ow(), 0) : WinogradBlocks.paddedRow(g.tw, g.op.ow(), 0);
            } else {
                v = new double[16 * g.vPlane(ld)];
                m = new double[16 * g.mPlane(ld)];
                sc = new double[16];
                adjSc = null;
                pad = null;
                gradPad = null;
            }
        }

        private static float[] atLeast(float[] a, int size) {
            return a.length >= size ? a : new float[size];
        }

        /**
         * The calling thread's float32 weight-gradient partials, reused like v and m (1.8 MB for 64
         * channels in F(4x4): allocating them zeroed each time was most of what a convolution's
         * backward pass allocated). Every part's first product overwrites its region, so stale
         * values never reach a result; the caller only reads them back after the parallel region.
         */
        static float[] partials(int size) {
            float[][] reused = REUSED.get();
            return reused[2] = atLeast(reused[2], size);
        }
    }

    static void run(Op.Conv3x3 op, Tensor out, Tensor a, Tensor b) {
        DType dt = a.dtype();
        if (dt != DType.FLOAT32 && dt != DType.FLOAT64) {
            throw new IllegalArgumentException(op.name() + ": expected float32 or float64 tensors on cpu, got " + dt);
        }
        boolean f32 = dt == DType.FLOAT32;
        run(op, out, a, b, f32 && Math.min(op.oh(), op.ow()) >= MIN_SIDE_F4 && Math.min(op.h(), op.w()) >= MIN_SIDE_F4 ? 4 : 2);
    }

    /**
     * {@link #run(Op.Conv3x3, Tensor, Tensor, Tensor)} with output tiles of {@code m x m}: 2, or 4
     * for float32 (the float64 transforms are F(2x2, 3x3) only; so is the direct input gradient
     * used for paddings over 2).
     */
    static void run(Op.Conv3x3 op, Tensor out, Tensor a, Tensor b, int m) {
        boolean f32 = a.dtype() == DType.FLOAT32;
        if (m != 2 && !(m == 4 && f32)) {
            throw new IllegalArgumentException(op.name() + ": Winograd tiles of " + m + "x" + m + " are not available for "
                    + a.dtype() + " (F(2x2, 3x3) for float32 and float64, F(4x4, 3x3) for float32)");
        }
        DType dt = a.dtype();
        int[] os = out.layout().shape();
        switch (op.pass()) {
            case FORWARD -> forward(Geo.of(op, os[0], a.layout().shape()[1], os[1], m), f32, out, a, transformWeight(b, false, m));
            case INPUT_GRAD -> {
                int n = os[0], c = os[1], k = a.layout().shape()[1];
                if (op.ph() <= 2 && op.pw() <= 2) inputGradAsForward(op, n, c, k, m, f32, out, a, b);
                else inputGrad(Geo.of(op, n, c, k, 2), f32, out, a, transformWeight(b, false, 2));
            }
            case WEIGHT_GRAD -> {
                int k = os[0], c = os[1], e = (m + 2) * (m + 2);
                Tensor du = Tensor.fromStorage(new CpuStorage(dt, f32 ? new float[e * k * c] : new double[e * k * c]),
                        Layout.contiguous(new int[] {e, k, c}));
                weightGrad(Geo.of(op, a.layout().shape()[0], c, k, m), f32, du, a, b);
                untransformWeightGrad(du, out, m);
            }
        }
    }

    /** G of F(2x2, 3x3), 4 x 3: the weight transform is {@code G g Gᵀ}. */
    private static final double[][] G2 = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};

    /**
     * The transformed weight {@code u [E, K, C]} (E = (m+2)², entry {@code (m+2)a + b} of
     * {@code G g Gᵀ} for each filter g); with {@code turned}, {@code [E, C, K]} of the filters
     * turned by 180 degrees, for the input gradient as a forward pass.
     */
    private static Tensor transformWeight(Tensor w, boolean turned, int m) {
        double[][] gm = m == 4 ? WinogradBlocks4.G : G2;
        int t = m + 2, entries = t * t;
        Layout l = w.layout();
        int[] s = l.shape(), st = l.strides();
        int k = s[0], c = s[1];
        boolean f32 = w.dtype() == DType.FLOAT32;
        Object wa = array(w);
        // [E, outer, inner]: (K, C), or (C, K) turned; a run of `inner` at a time, so that the
        // entry planes (a power-of-two stride apart for power-of-two channels) get contiguous writes
        int outer = turned ? c : k, inner = turned ? k : c;
        Object ua = f32 ? new float[entries * k * c] : new double[entries * k * c];
        double[] run = new double[entries * inner], g = new double[9], tmp = new double[3 * t];
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int ki = turned ? in : o, ci = turned ? o : in;
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 3; j++) {
                        int src = l.offset() + ki * st[0] + ci * st[1] + (turned ? 2 - i : i) * st[2] + (turned ? 2 - j : j) * st[3];
                        g[3 * i + j] = f32 ? ((float[]) wa)[src] : ((double[]) wa)[src];
                    }
                }
                for (int a = 0; a < t; a++) {
                    for (int j = 0; j < 3; j++) tmp[3 * a + j] = gm[a][0] * g[j] + gm[a][1] * g[3 + j] + gm[a][2] * g[6 + j];
                }
                for (int a = 0; a < t; a++) {
                    for (int b = 0; b < t; b++) {
                        run[(t * a + b) * inner + in] = tmp[3 * a] * gm[b][0] + tmp[3 * a + 1] * gm[b][1] + tmp[3 * a + 2] * gm[b][2];
                    }
                }
            }
            for (int e = 0; e < entries; e++) {
                int dst = (e * outer + o) * inner;
                if (f32) {
                    float[] u = (float[]) ua;
                    for (int in = 0; in < inner; in++) u[dst + in] = (float) run[e * inner + in];
                } else {
                    System.arraycopy(run, e * inner, ua, dst, inner);
                }
            }
        }
        int[] shape = turned ? new int[] {entries, c, k} : new int[] {entries, k, c};
        return Tensor.fromStorage(new CpuStorage(w.dtype(), ua), Layout.contiguous(shape));
    }

    /** {@code dw [K, C, 3, 3] = Gᵀ du G} per filter: the adjoint of {@link #transformWeight}. */
    private static void untransformWeightGrad(Tensor du, Tensor dw, int m) {
        double[][] gm = m == 4 ? WinogradBlocks4.G : G2;
        int t = m + 2, entries = t * t;
        int[] s = du.layout().shape();
        int k = s[1], c = s[2], wo = dw.layout().offset();
        boolean f32 = du.dtype() == DType.FLOAT32;
        Object ua = array(du), wa = array(dw);
        double[] run = new double[entries * c], tmp = new double[3 * t];
        for (int ki = 0; ki < k; ki++) {
            // the entry planes' runs for this filter row, read contiguously (see transformWeight)
            for (int e = 0; e < entries; e++) {
                int src = (e * k + ki) * c;
                if (f32) {
                    float[] u = (float[]) ua;
                    for (int ci = 0; ci < c; ci++) run[e * c + ci] = u[src + ci];
                } else {
                    System.arraycopy(ua, src, run, e * c, c);
                }
            }
            for (int ci = 0; ci < c; ci++) {
                for (int i = 0; i < 3; i++) {
                    for (int b = 0; b < t; b++) {
                        double sum = 0;
                        for (int a = 0; a < t; a++) sum += gm[a][i] * run[(t * a + b) * c + ci];
                        tmp[t * i + b] = sum;
                    }
                }
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 3; j++) {
                        double v = 0;
                        for (int b = 0; b < t; b++) v += tmp[t * i + b] * gm[b][j];
                        int dst = wo + ((ki * c + ci) * 3 + i) * 3 + j;
                        if (f32) ((float[]) wa)[dst] = (float) v;
                        else ((double[]) wa)[dst] = v;
                    }
                }
            }
        }
    }

    private static Object array(Tensor t) {
        return ((CpuStorage) t.storage()).array();
    }

    // ---------------------------------------------------------------- the passes

    /** y [N, K, oh, ow] = Aᵀ (u · Bᵀ x B) A, block by block; x and u may have any strides. */
    private static void forward(Geo g, boolean f32, Tensor y, Tensor x, Tensor u) {
        Object ya = array(y), xa = array(x), ua = array(u);
        Layout xl = x.layout(), ul = u.layout();
        int yo = y.layout().offset(), oh = g.op.oh(), ow = g.op.ow();
        int rowsTotal = g.n * g.th, units = (rowsTotal + g.rows - 1) / g.rows;
        Parallel.forRange(units, 1, (s, e) -> {
            Work wk = new Work(g, f32);
            for (int unit = s; unit < e; unit++) {
                int from = unit * g.rows, to = Math.min(rowsTotal, from + g.rows), tb = (to - from) * g.slots(), ld = Geo.ld(tb);
                g.segments(from, to, (n, i0, i1, off) -> transformInput(g, f32, xa, xl, n, i0, i1, ld, off, wk));
                for (int q = 0; q < g.entries(); q++) {
                    // m[q] [K, tb] = u[q] [K, C] · v[q] [C, tb]
                    gemm(f32, g.k, tb, g.c, ua, ul.offset() + q * ul.strides()[0], ul.strides()[1], ul.strides()[2],
                            wk.v, q * g.vPlane(ld), ld, 1, wk.m, q * g.mPlane(ld), ld, false);
                }
                g.segments(from, to, (n, i0, i1, off) -> {
                    for (int k = 0; k < g.k; k++) {
                        int ob = yo + (n * g.k + k) * oh * ow;
                        if (f32 && g.m == 4) {
                            WinogradBlocks4.output((float[]) wk.m, k * ld + off, g.mPlane(ld), g.tw, i1 - i0, (float[]) wk.sc,
                                    (float[]) ya, ob, oh, ow, i0);
                            continue;
                        }
                        if (f32) {
                            WinogradBlocks.output((float[]) wk.m, k * ld + off, g.mPlane(ld), g.tw, i1 - i0, (float[]) wk.sc,
                                    (float[]) ya, ob, oh, ow, i0);
                            continue;
                        }
                        for (int i = i0; i < i1; i++) {
                            int at = k * ld + off + (i - i0) * g.slots();
                            WinogradRows64.output((double[]) wk.m, at, g.mPlane(ld), g.tw, (double[]) ya, ob, oh, ow, i);
                        }
                    }
                });
            }
        });
    }

    /**
     * The input gradient as a forward pass: for a stride-1 3x3 convolution, dx is the convolution
     * of dy, padded by 2 - p, with each filter turned by 180 degrees and the channel axes swapped.
     * The forward pass reads overlapping 4x4 tiles where the direct adjoint scatters them into
     * overlapping image rows: 30% faster.
     */
    private static void inputGradAsForward(Op.Conv3x3 op, int n, int c, int k, int m, boolean f32, Tensor dx, Tensor dy, Tensor w) {
        var flipped = new Op.Conv3x3(op.oh(), op.ow(), 2 - op.ph(), 2 - op.pw(), op.h(), op.w(), Op.ConvPass.FORWARD);
        forward(Geo.of(flipped, n, k, c, m), f32, dx, dy, transformWeight(w, true, m));
    }

    /** dx [N, C, h, w] = B (uᵀ · A dy Aᵀ) Bᵀ summed over overlapping tiles; one image per task, its blocks in order. */
    private static void inputGrad(Geo g, boolean f32, Tensor dx, Tensor dy, Tensor u) {
        Object xa = array(dx), ya = array(dy), ua = array(u);
        Layout yl = dy.layout(), ul = u.layout();
        int xo = dx.layout().offset(), h = g.op.h(), w = g.op.w();
        Parallel.forRange(g.n, 1, (s, e) -> {
            Work wk = new Work(g, f32);
            for (int n = s; n < e; n++) {
                int base = xo + n * g.c * h * w;
                if (f32) Arrays.fill((float[]) xa, base, base + g.c * h * w, 0f);
                else Arrays.fill((double[]) xa, base, base + g.c * h * w, 0.0);
                for (int i0 = 0; i0 < g.th; i0 += g.rows) {
                    int i1 = Math.min(g.th, i0 + g.rows), tb = (i1 - i0) * g.slots(), ld = Geo.ld(tb);
                    transformOutputGrad(g, f32, ya, yl, n, i0, i1, ld, 0, wk);
                    for (int q = 0; q < 16; q++) {
                        // v[q] [C, tb] = u[q]ᵀ [C, K] · m[q] [K, tb]
                        gemm(f32, g.c, tb, g.k, ua, ul.offset() + q * ul.strides()[0], ul.strides()[2], ul.strides()[1],
                                wk.m, q * g.mPlane(ld), ld, 1, wk.v, q * g.vPlane(ld), ld, false);
                    }
                    for (int c = 0; c < g.c; c++) {
                        int ob = base + c * h * w;
                        for (int i = i0; i < i1; i++) {
                            int at = c * ld + (i - i0) * g.slots(), y0 = 2 * i - g.op.ph();
                            if (f32) {
                                WinogradRows.inputAdjoint((float[]) wk.v, at, g.vPlane(ld), g.tw, (float[]) wk.adjSc, (float[]) xa, ob, h, w,
                                        y0, g.op.pw());
                            } else {
                                WinogradRows64.inputAdjoint((double[]) wk.v, at, g.vPlane(ld), g.tw, (double[]) wk.sc, (double[]) xa, ob, h,
                                        w, y0, g.op.pw());
                            }
                        }
                    }
                }
            }
        });
    }

    /** du [E, K, C] = sum over all tiles of (A dy Aᵀ) · (Bᵀ x B)ᵀ, per entry. */
    private static void weightGrad(Geo g, boolean f32, Tensor du, Tensor dy, Tensor x) {
        Object ya = array(dy), xa = array(x), da = array(du);
        Layout yl = dy.layout(), xl = x.layout();
        int size = g.entries() * g.k * g.c, uo = du.layout().offset();
        int group = Math.max(1, (g.n + WEIGHT_GRAD_PARTIALS - 1) / WEIGHT_GRAD_PARTIALS);
        int parts = Math.max(1, (g.n + group - 1) / group);
        // part p sums images [p*group, (p+1)*group); part 0 straight into du, the others into partials
        Object partials = parts == 1 ? null : f32 ? Work.partials((parts - 1) * size) : new double[(parts - 1) * size];
        Parallel.forRange(parts, 1, (s, e) -> {
            Work wk = new Work(g, f32);
            for (int p = s; p < e; p++) {
                Object target = p == 0 ? da : partials;
                int to = p == 0 ? uo : (p - 1) * size;
                boolean first = true;
                int rowsTo = Math.min(g.n, (p + 1) * group) * g.th;
                for (int from = p * group * g.th; from < rowsTo; from += g.rows) {
                    int end = Math.min(rowsTo, from + g.rows), tb = (end - from) * g.slots(), ld = Geo.ld(tb);
                    g.segments(from, end, (n, i0, i1, off) -> {
                        transformInput(g, f32, xa, xl, n, i0, i1, ld, off, wk);
                        transformOutputGrad(g, f32, ya, yl, n, i0, i1, ld, off, wk);
                    });
                    for (int q = 0; q < g.entries(); q++) {
                        // du[q] [K, C] (+)= m[q] [K, tb] · v[q]ᵀ [tb, C]
                        gemm(f32, g.k, g.c, tb, wk.m, q * g.mPlane(ld), ld, 1, wk.v, q * g.vPlane(ld), 1, ld, target,
                                to + q * g.k * g.c, g.c, !first);
                    }
                    first = false;
                }
                if (first) zero(f32, target, to, size);   // a part without images (N = 0)
            }
        });
        for (int p = 1; p < parts; p++) {
            if (f32) {
                float[] d = (float[]) da, q = (float[]) partials;
                for (int i = 0; i < size; i++) d[uo + i] += q[(p - 1) * size + i];
            } else {
                double[] d = (double[]) da, q = (double[]) partials;
                for (int i = 0; i < size; i++) d[uo + i] += q[(p - 1) * size + i];
            }
        }
    }

    // ---------------------------------------------------------------- block steps

    /** The block's transformed input: v [E, C, ld] from tile rows i0..i1 of image n. */
    private static void transformInput(Geo g, boolean f32, Object xa, Layout xl, int n, int i0, int i1, int ld, int off, Work wk) {
        int[] st = xl.strides();
        for (int c = 0; c < g.c; c++) {
            int xb = xl.offset() + n * st[0] + c * st[1];
            if (f32 && g.m == 4) {
                WinogradBlocks4.input((float[]) xa, xb, st[2], st[3], g.op.h(), g.op.w(), 4 * i0 - g.op.ph(), g.op.pw(), g.tw, i1 - i0,
                        (float[]) wk.sc, (float[]) wk.pad, (float[]) wk.v, c * ld + off, g.vPlane(ld));
                continue;
            }
            if (f32) {
                WinogradBlocks.input((float[]) xa, xb, st[2], st[3], g.op.h(), g.op.w(), 2 * i0 - g.op.ph(), g.op.pw(), g.tw, i1 - i0,
                        (float[]) wk.sc, (float[]) wk.pad, (float[]) wk.v, c * ld + off, g.vPlane(ld));
                continue;
            }
            for (int i = i0; i < i1; i++) {
                WinogradRows64.input((double[]) xa, xb, st[2], st[3], g.op.h(), g.op.w(), 2 * i - g.op.ph(), g.op.pw(), g.tw,
                        (double[]) wk.sc, (double[]) wk.v, c * ld + off + (i - i0) * g.slots(), g.vPlane(ld));
            }
        }
    }

    /**
     * The block's transformed output gradient: m [E, K, ld] from tile rows i0..i1 of image n, with
     * zeros in the spare slots (the weight gradient sums over every slot).
     */
    private static void transformOutputGrad(Geo g, boolean f32, Object ya, Layout yl, int n, int i0, int i1, int ld, int off,
                                            Work wk) {
        int[] st = yl.strides();
        for (int k = 0; k < g.k; k++) {
            int yb = yl.offset() + n * st[0] + k * st[1];
            if (f32 && g.m == 4) {
                WinogradBlocks4.outputAdjoint((float[]) ya, yb, st[2], st[3], g.op.oh(), g.op.ow(), i0, g.tw, i1 - i0, (float[]) wk.sc,
                        (float[]) wk.gradPad, (float[]) wk.m, k * ld + off, g.mPlane(ld));
                continue;
            }
            if (f32) {
                WinogradBlocks.outputAdjoint((float[]) ya, yb, st[2], st[3], g.op.oh(), g.op.ow(), i0, g.tw, i1 - i0, (float[]) wk.sc,
                        (float[]) wk.gradPad, (float[]) wk.m, k * ld + off, g.mPlane(ld));
                continue;
            }
            double[] m = (double[]) wk.m;
            for (int i = i0; i < i1; i++) {
                int at = k * ld + off + (i - i0) * g.slots();
                WinogradRows64.outputAdjoint((double[]) ya, yb, st[2], st[3], g.op.oh(), g.op.ow(), i, g.tw, m, at, g.mPlane(ld));
                for (int e = 0; e < 16; e++) m[at + e * g.mPlane(ld) + g.tw] = 0;
            }
        }
    }

    private static void gemm(boolean f32, int m, int n, int k, Object a, int aOff, int aRs, int aCs, Object b, int bOff, int bRs,
                             int bCs, Object c, int cOff, int ldc, boolean accumulate) {
        if (f32) {
            Sgemm.sgemm(m, n, k, (float[]) a, aOff, aRs, aCs, (float[]) b, bOff, bRs, bCs, (float[]) c, cOff, ldc, accumulate);
        } else {
            Dgemm.dgemm(m, n, k, (double[]) a, aOff, aRs, aCs, (double[]) b, bOff, bRs, bCs, (double[]) c, cOff, ldc, accumulate);
        }
    }

    private static void zero(boolean f32, Object a, int from, int size) {
        if (f32) Arrays.fill((float[]) a, from, from + size, 0f);
        else Arrays.fill((double[]) a, from, from + size, 0.0);
    }
}
