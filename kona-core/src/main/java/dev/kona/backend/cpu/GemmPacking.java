package dev.kona.backend.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Copies a strided float32 sub-matrix into a dense row-major buffer for the GEMM kernels.
 *
 * <p>Three layouts: unit column stride (vector row copies), unit row stride, i.e. a transposed
 * operand (16 x 16 blocks transposed in registers with two-input permutes: 0.36 ns per element
 * against 1.9 for strided gathers when packing a 384 x 512 block), and anything else, stride 0
 * included (scalar).
 */
final class GemmPacking {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;

    /** Interleave the low / high halves of two vectors: (x0 y0 x1 y1 ...) and (x8 y8 x9 y9 ...). */
    private static final FloatVector ZIP_LO = zipIndex(0);
    private static final FloatVector ZIP_HI = zipIndex(8);

    /** Floats {@link #alignedOffset} needs in its buffer. */
    static final int PROBE_FLOATS = 8192 + 16;

    private GemmPacking() {}

    /**
     * The offset (0, 2, ..., 14 floats) at which 64-byte vector accesses to {@code buf} do not
     * straddle cache lines, found by timing a 16 KB copy within the buffer at each candidate:
     * split loads and stores run at about half the rate. It times {@link #pack} itself because
     * that is already JIT-compiled by the time it matters; a dedicated probe would run
     * interpreted (and meaninglessly slow) for its first thousand calls. Returns -1 when the
     * timings are inconclusive (code not compiled yet, thread preempted). Clobbers the first
     * {@link #PROBE_FLOATS} floats; {@code times} has 8 slots.
     */
    static int alignedOffset(float[] buf, long[] times) {
        Arrays.fill(buf, 0, PROBE_FLOATS, 0f);
        Arrays.fill(times, Long.MAX_VALUE);
        for (int trial = 0; trial < 3; trial++) {
            for (int o = 0; o < 8; o++) {
                long t0 = System.nanoTime();
                pack(buf, 2 * o, 1024, 1, 4, 1024, buf, 2 * o + 4096, 1024, 1024);
                long t = System.nanoTime() - t0;
                if (t > 20_000) return -1;
                times[o] = Math.min(times[o], t);
            }
        }
        int best = 0;
        for (int o = 1; o < 8; o++) if (times[o] < times[best]) best = o;
        long second = Long.MAX_VALUE;
        for (int o = 0; o < 8; o++) if (o != best) second = Math.min(second, times[o]);
        return times[best] * 5 < second * 4 ? 2 * best : -1;
    }

    private static FloatVector zipIndex(int base) {
        float[] idx = new float[16];
        for (int i = 0; i < 8; i++) {
            idx[2 * i] = base + i;
            idx[2 * i + 1] = base + i + 16;
        }
        return FloatVector.fromArray(S, idx, 0);
    }

    /**
     * {@code dst[d + r*ld + c] = src[s + r*rs + c*cs]} for r < rows, c < cols, and zero for
     * cols <= c < width.
     */
    static void pack(float[] src, int s, int rs, int cs, int rows, int cols,
                     float[] dst, int d, int ld, int width) {
        if (cs == 1) {
            packRows(src, s, rs, rows, cols, dst, d, ld, width);
        } else if (rs == 1) {
            packTransposed(src, s, cs, rows, cols, dst, d, ld, width);
        } else {
            for (int r = 0; r < rows; r++) {
                int so = s + r * rs, dr = d + r * ld;
                for (int c = 0; c < cols; c++) dst[dr + c] = src[so + c * cs];
                for (int c = cols; c < width; c++) dst[dr + c] = 0f;
            }
        }
    }

    /**
     * Whether a masked tail at {@code s} / {@code d} may use vectors: a masked access whose whole
     * vector would pass the end of its array takes the Vector API's lane-by-lane bounds check,
     * which C2 does not always intrinsify (it then allocates a boolean mask per call, seen after
     * the convolution kernels had run), so a tail that ends within 16 floats of the array's end
     * is copied with scalars instead.
     */
    private static boolean tailFits(float[] src, int s, float[] dst, int d) {
        return s + 16 <= src.length && d + 16 <= dst.length;
    }

    private static void packRows(float[] src, int s, int rs, int rows, int cols,
                                 float[] dst, int d, int ld, int width) {
        int vec = cols & ~15;
        // The masked load of the last partial vector zero-fills its other lanes, which also
        // pads the row when it is that wide.
        VectorMask<Float> tail = S.indexInRange(vec, cols);
        boolean partial = cols > vec, padFully = vec + 16 <= width;
        int padFrom = partial ? (padFully ? vec + 16 : cols) : vec;
        for (int r = 0; r < rows; r++) {
            int so = s + r * rs, dr = d + r * ld;
            for (int c = 0; c < vec; c += 16) FloatVector.fromArray(S, src, so + c).intoArray(dst, dr + c);
            if (partial) {
                if (tailFits(src, so + vec, dst, dr + vec)) {
                    FloatVector v = FloatVector.fromArray(S, src, so + vec, tail);
                    if (padFully) v.intoArray(dst, dr + vec);
                    else v.intoArray(dst, dr + vec, tail);
                } else {
                    for (int c = vec; c < cols; c++) dst[dr + c] = src[so + c];
                    for (int c = cols; c < padFrom; c++) dst[dr + c] = 0f;
                }
            }
            for (int c = padFrom; c < width; c++) dst[dr + c] = 0f;
        }
    }

    /**
     * Copies {@code rows x cols} floats from {@code src[s + r*lds + c]} to {@code dst[d + r*ldd + c]}
     * with whole vectors and one masked vector per row; used for the edge tiles of C.
     */
    static void copyTile(float[] src, int s, int lds, float[] dst, int d, int ldd, int rows, int cols) {
        int vec = cols & ~15;
        VectorMask<Float> tail = S.indexInRange(vec, cols);
        for (int r = 0; r < rows; r++) {
            int so = s + r * lds, dr = d + r * ldd;
            for (int c = 0; c < vec; c += 16) FloatVector.fromArray(S, src, so + c).intoArray(dst, dr + c);
            if (cols == vec) continue;
            if (tailFits(src, so + vec, dst, dr + vec)) {
                FloatVector.fromArray(S, src, so + vec, tail).intoArray(dst, dr + vec, tail);
            } else {
                for (int c = vec; c < cols; c++) dst[dr + c] = src[so + c];
            }
        }
    }

    /** Source column c is contiguous: element (r, c) at {@code src[s + r + c*cs]}. */
    static void packTransposed(float[] src, int s, int cs, int rows, int cols,
                                       float[] dst, int d, int ld, int width) {
        int rows16 = rows & ~15, cols16 = cols & ~15;
        for (int r = 0; r < rows16; r += 16) {
            for (int c = 0; c < cols16; c += 16) transpose16(src, s + r + c * cs, cs, dst, d + r * ld + c, ld);
            for (int rr = r; rr < r + 16; rr++) {
                int dr = d + rr * ld;
                for (int c = cols16; c < cols; c++) dst[dr + c] = src[s + rr + c * cs];
                for (int c = cols; c < width; c++) dst[dr + c] = 0f;
            }
        }
        for (int r = rows16; r < rows; r++) {
            int dr = d + r * ld;
            for (int c = 0; c < cols; c++) dst[dr + c] = src[s + r + c * cs];
            for (int c = cols; c < width; c++) dst[dr + c] = 0f;
        }
    }

    /**
     * Writes the transpose of the 16 x 16 block whose rows are {@code src[s + i*ss .. +16]} to the
     * rows {@code dst[d + j*ds .. +16]}. Four rounds of interleaving rotate the 8-bit (row, column)
     * lane address left by one bit each, which after four rounds swaps row and column.
     */
    static void transpose16(float[] src, int s, int ss, float[] dst, int d, int ds) {
        FloatVector lo = ZIP_LO, hi = ZIP_HI;
        FloatVector r0 = FloatVector.fromArray(S, src, s), r1 = FloatVector.fromArray(S, src, s + ss);
        FloatVector r2 = FloatVector.fromArray(S, src, s + 2 * ss), r3 = FloatVector.fromArray(S, src, s + 3 * ss);
        FloatVector r4 = FloatVector.fromArray(S, src, s + 4 * ss), r5 = FloatVector.fromArray(S, src, s + 5 * ss);
        FloatVector r6 = FloatVector.fromArray(S, src, s + 6 * ss), r7 = FloatVector.fromArray(S, src, s + 7 * ss);
        FloatVector r8 = FloatVector.fromArray(S, src, s + 8 * ss), r9 = FloatVector.fromArray(S, src, s + 9 * ss);
        FloatVector r10 = FloatVector.fromArray(S, src, s + 10 * ss), r11 = FloatVector.fromArray(S, src, s + 11 * ss);
        FloatVector r12 = FloatVector.fromArray(S, src, s + 12 * ss), r13 = FloatVector.fromArray(S, src, s + 13 * ss);
        FloatVector r14 = FloatVector.fromArray(S, src, s + 14 * ss), r15 = FloatVector.fromArray(S, src, s + 15 * ss);
        for (int round = 0; round < 4; round++) {
            FloatVector t0 = lo.selectFrom(r0, r8), t1 = hi.selectFrom(r0, r8);
            FloatVector t2 = lo.selectFrom(r1, r9), t3 = hi.selectFrom(r1, r9);
            FloatVector t4 = lo.selectFrom(r2, r10), t5 = hi.selectFrom(r2, r10);
            FloatVector t6 = lo.selectFrom(r3, r11), t7 = hi.selectFrom(r3, r11);
            FloatVector t8 = lo.selectFrom(r4, r12), t9 = hi.selectFrom(r4, r12);
            FloatVector t10 = lo.selectFrom(r5, r13), t11 = hi.selectFrom(r5, r13);
            FloatVector t12 = lo.selectFrom(r6, r14), t13 = hi.selectFrom(r6, r14);
            FloatVector t14 = lo.selectFrom(r7, r15), t15 = hi.selectFrom(r7, r15);
            r0 = t0; r1 = t1; r2 = t2; r3 = t3; r4 = t4; r5 = t5; r6 = t6; r7 = t7;
            r8 = t8; r9 = t9; r10 = t10; r11 = t11; r12 = t12; r13 = t13; r14 = t14; r15 = t15;
        }
        r0.intoArray(dst, d); r1.intoArray(dst, d + ds);
        r2.intoArray(dst, d + 2 * ds); r3.intoArray(dst, d + 3 * ds);
        r4.intoArray(dst, d + 4 * ds); r5.intoArray(dst, d + 5 * ds);
        r6.intoArray(dst, d + 6 * ds); r7.intoArray(dst, d + 7 * ds);
        r8.intoArray(dst, d + 8 * ds); r9.intoArray(dst, d + 9 * ds);
        r10.intoArray(dst, d + 10 * ds); r11.intoArray(dst, d + 11 * ds);
        r12.intoArray(dst, d + 12 * ds); r13.intoArray(dst, d + 13 * ds);
        r14.intoArray(dst, d + 14 * ds); r15.intoArray(dst, d + 15 * ds);
    }
}
