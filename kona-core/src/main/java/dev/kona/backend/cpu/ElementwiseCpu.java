package dev.kona.backend.cpu;

import dev.kona.DType;
import dev.kona.Tensor;
import dev.kona.backend.Layout;
import dev.kona.ops.Op;
import dev.kona.ops.Op.BinaryKind;
import dev.kona.ops.Op.UnaryKind;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/** CPU kernels for the elementwise ops: unary, binary, where, copy (with conversion) and fill. */
final class ElementwiseCpu {
    private ElementwiseCpu() {}

    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final int FL = FS.length();
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Elements per parallel chunk: cheap ops need large chunks to pay for a thread hand-off. */
    private static final int GRAIN_CHEAP = 1 << 16;
    private static final int GRAIN_HEAVY = 1 << 13;

    private static Object arr(Tensor t) {
        return ((CpuStorage) t.storage()).array();
    }

    private static int[] strides(Tensor t, int[] shape) {
        return t.layout().broadcastStrides(shape);
    }

    static void unary(Op.Unary op, Tensor out, Tensor x) {
        int[] shape = out.layout().shape();
        var plan = Strided.of(shape, new int[] {out.layout().offset(), x.layout().offset()},
                out.layout().strides(), strides(x, shape));
        UnaryKind k = op.kind();
        double p0 = op.p0(), p1 = op.p1();
        Object o = arr(out), a = arr(x);
        DType od = out.dtype(), xd = x.dtype();
        int os = plan.innerStride(0), xs = plan.innerStride(1);
        int grain = k == UnaryKind.NEG || k == UnaryKind.ABS || k == UnaryKind.RELU ? GRAIN_CHEAP : GRAIN_HEAVY;
        if (xd == DType.FLOAT32 && od == DType.FLOAT32) {
            float[] fa = (float[]) a, fo = (float[]) o;
            if (UnaryKernels.vectorized(k) && os == 1 && xs == 1) {
                plan.run(grain, UnaryKernels.f32(k, (float) p0, (float) p1, fa, fo));
            } else {
                plan.run(grain, (offs, n) -> {
                    for (int i = 0, oi = offs[0], ai = offs[1]; i < n; i++, oi += os, ai += xs) {
                        fo[oi] = (float) ScalarMath.unary(k, fa[ai], p0, p1);
                    }
                });
            }
        } else if (xd == DType.FLOAT64 && od == DType.FLOAT64) {
            double[] da = (double[]) a, dout = (double[]) o;
            plan.run(grain, (offs, n) -> {
                for (int i = 0, oi = offs[0], ai = offs[1]; i < n; i++, oi += os, ai += xs) {
                    dout[oi] = ScalarMath.unary(k, da[ai], p0, p1);
                }
            });
        } else if (k == UnaryKind.LOGICAL_NOT) {
            plan.run(grain, (offs, n) -> {
                for (int i = 0, oi = offs[0], ai = offs[1]; i < n; i++, oi += os, ai += xs) {
                    Elements.setL(o, od, oi, Elements.nonZero(a, xd, ai) ? 0 : 1);
                }
            });
        } else {
            plan.run(grain, (offs, n) -> {
                for (int i = 0, oi = offs[0], ai = offs[1]; i < n; i++, oi += os, ai += xs) {
                    Elements.setL(o, od, oi, ScalarMath.unary(k, Elements.getL(a, xd, ai), p0, p1));
                }
            });
        }
    }

    static void binary(Op.Binary op, Tensor out, Tensor x, Tensor y) {
        int[] shape = out.layout().shape();
        var plan = Strided.of(shape, new int[] {out.layout().offset(), x.layout().offset(), y.layout().offset()},
                out.layout().strides(), strides(x, shape), strides(y, shape));
        BinaryKind k = op.kind();
        Object o = arr(out), a = arr(x), b = arr(y);
        DType od = out.dtype(), xd = x.dtype();
        int os = plan.innerStride(0), as = plan.innerStride(1), bs = plan.innerStride(2);
        int grain = k == BinaryKind.POW ? GRAIN_HEAVY : GRAIN_CHEAP;
        if (xd == DType.FLOAT32 && od == DType.FLOAT32) {
            float[] fa = (float[]) a, fb = (float[]) b, fo = (float[]) o;
            boolean vec = BinaryKernels.vectorized(k) && os == 1;
            plan.run(grain, (offs, n) -> {
                if (vec) {
                    BinaryKernels.f32(k, fa, offs[1], as, fb, offs[2], bs, fo, offs[0], n);
                } else {
                    for (int i = 0, oi = offs[0], ai = offs[1], bi = offs[2]; i < n; i++, oi += os, ai += as, bi += bs) {
                        fo[oi] = (float) ScalarMath.binary(k, fa[ai], fb[bi]);
                    }
                }
            });
        } else if (xd == DType.FLOAT32 && od == DType.BOOL && k.isComparison()) {
            float[] fa = (float[]) a, fb = (float[]) b;
            byte[] bo = (byte[]) o;
            plan.run(grain, (offs, n) -> CompareKernels.f32(k, fa, offs[1], as, fb, offs[2], bs, bo, offs[0], os, n));
        } else if (xd == DType.FLOAT64 && od == DType.FLOAT64) {
            double[] da = (double[]) a, db = (double[]) b, dout = (double[]) o;
            plan.run(grain, (offs, n) -> {
                for (int i = 0, oi = offs[0], ai = offs[1], bi = offs[2]; i < n; i++, oi += os, ai += as, bi += bs) {
                    dout[oi] = ScalarMath.binary(k, da[ai], db[bi]);
                }
            });
        } else if (xd.isFloatingPoint()) {
            plan.run(grain, (offs, n) -> {
                for (int i = 0, oi = offs[0], ai = offs[1], bi = offs[2]; i < n; i++, oi += os, ai += as, bi += bs) {
                    Elements.setD(o, od, oi, ScalarMath.binary(k, Elements.getD(a, xd, ai), Elements.getD(b, xd, bi)));
                }
            });
        } else {
            plan.run(grain, (offs, n) -> {
                for (int i = 0, oi = offs[0], ai = offs[1], bi = offs[2]; i < n; i++, oi += os, ai += as, bi += bs) {
                    Elements.setL(o, od, oi, ScalarMath.binary(k, Elements.getL(a, xd, ai), Elements.getL(b, xd, bi)));
                }
            });
        }
    }

    static void where(Tensor out, Tensor cond, Tensor x, Tensor y) {
        int[] shape = out.layout().shape();
        var plan = Strided.of(shape,
                new int[] {out.layout().offset(), cond.layout().offset(), x.layout().offset(), y.layout().offset()},
                out.layout().strides(), strides(cond, shape), strides(x, shape), strides(y, shape));
        byte[] c = (byte[]) arr(cond);
        Object o = arr(out), a = arr(x), b = arr(y);
        int os = plan.innerStride(0), cs = plan.innerStride(1), as = plan.innerStride(2), bs = plan.innerStride(3);
        if (out.dtype() == DType.FLOAT32) {
            float[] fa = (float[]) a, fb = (float[]) b, fo = (float[]) o;
            plan.run(GRAIN_CHEAP, (offs, n) -> {
                boolean unitOrZero = os == 1 && (as | 1) == 1 && (bs | 1) == 1;
                if (unitOrZero && cs == 0) {
                    // One condition for the whole segment (a mask broadcast along the row).
                    if (c[offs[1]] != 0) copyOrFill(fa, offs[2], as, fo, offs[0], n);
                    else copyOrFill(fb, offs[3], bs, fo, offs[0], n);
                } else if (unitOrZero && cs == 1) {
                    whereF32(c, offs[1], fa, offs[2], as, fb, offs[3], bs, fo, offs[0], n);
                } else {
                    for (int i = 0, oi = offs[0], ci = offs[1], ai = offs[2], bi = offs[3]; i < n;
                         i++, oi += os, ci += cs, ai += as, bi += bs) {
                        fo[oi] = c[ci] != 0 ? fa[ai] : fb[bi];
                    }
                }
            });
        } else {
            plan.run(GRAIN_CHEAP, (offs, n) -> {
                for (int i = 0, oi = offs[0], ci = offs[1], ai = offs[2], bi = offs[3]; i < n;
                     i++, oi += os, ci += cs, ai += as, bi += bs) {
                    if (c[ci] != 0) System.arraycopy(a, ai, o, oi, 1); else System.arraycopy(b, bi, o, oi, 1);
                }
            });
        }
    }

    /** o[oo + i] = src[so + i * ss] for a source stride of 0 (a fill) or 1 (a copy). */
    private static void copyOrFill(float[] src, int so, int ss, float[] o, int oo, int n) {
        if (ss == 0) java.util.Arrays.fill(o, oo, oo + n, src[so]);
        else System.arraycopy(src, so, o, oo, n);
    }

    /**
     * where over a contiguous condition and output, with x and y contiguous (stride 1) or
     * broadcast scalars (stride 0), as vector blends: eight 0/1 condition bytes become eight mask
     * bits with one multiply. The scalar loop branched on random conditions (~4 ns an element).
     */
    static void whereF32(byte[] c, int co, float[] a, int ao, int as, float[] b, int bo, int bs, float[] o, int oo,
                                 int n) {
        if (n <= 0) return;
        int bound = FS.loopBound(n), i = 0;
        if (as == 1 && bs == 1) {
            for (; i < bound; i += FL) {
                FloatVector.fromArray(FS, b, bo + i).blend(FloatVector.fromArray(FS, a, ao + i), mask(c, co + i)).intoArray(o, oo + i);
            }
            for (; i < n; i++) o[oo + i] = c[co + i] != 0 ? a[ao + i] : b[bo + i];
        } else if (as == 1) {
            var yv = FloatVector.broadcast(FS, b[bo]);
            for (; i < bound; i += FL) yv.blend(FloatVector.fromArray(FS, a, ao + i), mask(c, co + i)).intoArray(o, oo + i);
            for (; i < n; i++) o[oo + i] = c[co + i] != 0 ? a[ao + i] : b[bo];
        } else if (bs == 1) {
            var xv = FloatVector.broadcast(FS, a[ao]);
            for (; i < bound; i += FL) FloatVector.fromArray(FS, b, bo + i).blend(xv, mask(c, co + i)).intoArray(o, oo + i);
            for (; i < n; i++) o[oo + i] = c[co + i] != 0 ? a[ao] : b[bo + i];
        } else {
            var xv = FloatVector.broadcast(FS, a[ao]);
            var yv = FloatVector.broadcast(FS, b[bo]);
            for (; i < bound; i += FL) yv.blend(xv, mask(c, co + i)).intoArray(o, oo + i);
            for (; i < n; i++) o[oo + i] = c[co + i] != 0 ? a[ao] : b[bo];
        }
    }

    /** The lane mask of FL bool bytes (each 0 or 1) starting at {@code c[at]}. */
    private static VectorMask<Float> mask(byte[] c, int at) {
        long bits = 0;
        for (int j = 0; j < FL; j += 8) {
            // Bytes of 0 or 1: the multiply gathers bit 0 of each byte into the top byte.
            long v = (long) LONGS.get(c, at + j);
            bits |= ((v * 0x0102040810204080L) >>> 56) << j;
        }
        return VectorMask.fromLong(FS, bits);
    }

    /** Contiguous bool to float32: a plain loop the compiler vectorizes (0/1 bytes to 0f/1f). */
    private static void boolToFloat(byte[] b, int bo, float[] o, int oo, int n) {
        for (int i = 0; i < n; i++) o[oo + i] = b[bo + i];
    }

    /** Copies src (already broadcast to out's shape) into out's layout, converting the dtype. */
    static void copy(Tensor out, Tensor src) {
        Layout ol = out.layout();
        int[] shape = ol.shape();
        var plan = Strided.of(shape, new int[] {ol.offset(), src.layout().offset()}, ol.strides(), strides(src, shape));
        Object o = arr(out), a = arr(src);
        DType od = out.dtype(), sd = src.dtype();
        int os = plan.innerStride(0), ss = plan.innerStride(1);
        if (od == sd && os == 1 && ss == 1) {
            plan.run(GRAIN_CHEAP, (offs, n) -> System.arraycopy(a, offs[1], o, offs[0], n));
        } else if (od == DType.FLOAT32 && sd == DType.FLOAT32) {
            float[] fa = (float[]) a, fo = (float[]) o;
            if (os == 1 && transposeF32(plan, fa, fo)) return;
            plan.run(GRAIN_CHEAP, (offs, n) -> {
                for (int i = 0, oi = offs[0], si = offs[1]; i < n; i++, oi += os, si += ss) fo[oi] = fa[si];
            });
        } else if (od == DType.FLOAT32 && sd == DType.FLOAT64) {
            double[] da = (double[]) a;
            float[] fo = (float[]) o;
            plan.run(GRAIN_CHEAP, (offs, n) -> {
                for (int i = 0, oi = offs[0], si = offs[1]; i < n; i++, oi += os, si += ss) fo[oi] = (float) da[si];
            });
        } else if (od == DType.FLOAT64 && sd == DType.FLOAT32) {
            float[] fa = (float[]) a;
            double[] dout = (double[]) o;
            plan.run(GRAIN_CHEAP, (offs, n) -> {
                for (int i = 0, oi = offs[0], si = offs[1]; i < n; i++, oi += os, si += ss) dout[oi] = fa[si];
            });
        } else if (od == DType.FLOAT32 && sd == DType.INT32) {
            // Integer images to float (MNIST's 47M pixels): the generic per-element conversion
            // below took 130 ms there, this loop the compiler vectorizes a third of that.
            int[] ia = (int[]) a;
            float[] fo = (float[]) o;
            plan.run(GRAIN_CHEAP, (offs, n) -> {
                for (int i = 0, oi = offs[0], si = offs[1]; i < n; i++, oi += os, si += ss) fo[oi] = ia[si];
            });
        } else if (od == DType.INT64 && sd == DType.INT32) {
            int[] ia = (int[]) a;
            long[] lo = (long[]) o;
            plan.run(GRAIN_CHEAP, (offs, n) -> {
                for (int i = 0, oi = offs[0], si = offs[1]; i < n; i++, oi += os, si += ss) lo[oi] = ia[si];
            });
        } else if (od == DType.FLOAT32 && sd == DType.BOOL) {
            byte[] ba = (byte[]) a;
            float[] fo = (float[]) o;
            plan.run(GRAIN_CHEAP, (offs, n) -> {
                if (os == 1 && ss == 1) {
                    boolToFloat(ba, offs[1], fo, offs[0], n);
                } else {
                    for (int i = 0, oi = offs[0], si = offs[1]; i < n; i++, oi += os, si += ss) fo[oi] = ba[si];
                }
            });
        } else if (od == sd) {
            plan.run(GRAIN_CHEAP, (offs, n) -> {
                for (int i = 0, oi = offs[0], si = offs[1]; i < n; i++, oi += os, si += ss) System.arraycopy(a, si, o, oi, 1);
            });
        } else {
            plan.run(GRAIN_CHEAP, (offs, n) -> {
                for (int i = 0, oi = offs[0], si = offs[1]; i < n; i++, oi += os, si += ss) Elements.convert(a, sd, si, o, od, oi);
            });
        }
    }

    /**
     * A float32 copy whose two inner dimensions swap strides (out's last is 1, src's one before
     * last is 1), such as NHWC data into NCHW, by GEMM's transposed packing ({@link
     * GemmPacking#packTransposed}: 16 x 16 blocks in registers, the edges element by element), 16
     * rows at a time. False, having done nothing, for any other layout or a block smaller than
     * 16 x 16. The strided gather it replaces read one element per cache line (about 2 ns each
     * when a Keras Conv2D's channels-last input went channels first).
     */
    private static boolean transposeF32(Strided plan, float[] src, float[] out) {
        int r = plan.rank();
        if (r < 2 || plan.stride(0, r - 1) != 1 || plan.stride(1, r - 2) != 1) return false;
        int rows = plan.size(r - 2), cols = plan.size(r - 1), outRs = plan.stride(0, r - 2), srcCs = plan.stride(1, r - 1);
        if (rows < 16 || cols < 16 || srcCs < 16 || outRs < cols) return false;
        int outer = plan.numel / (rows * cols), rowBlocks = (rows + 15) / 16;
        Parallel.forRange(outer * rowBlocks, Math.max(1, GRAIN_CHEAP / (16 * cols)), (start, end) -> {
            for (int u = start; u < end; u++) {
                int rest = u / rowBlocks, ib = (u % rowBlocks) * 16, so = plan.offset(1), oo = plan.offset(0);
                for (int d = r - 3; d >= 0; d--) {
                    int i = rest % plan.size(d);
                    rest /= plan.size(d);
                    so += i * plan.stride(1, d);
                    oo += i * plan.stride(0, d);
                }
                // out[oo + i*outRs + j] = src[so + i + j*srcCs] for the rows i of this block
                GemmPacking.packTransposed(src, so + ib, srcCs, Math.min(16, rows - ib), cols, out, oo + ib * outRs, outRs, cols);
            }
        });
        return true;
    }

    static void fill(Tensor out, double value) {
        Layout ol = out.layout();
        var plan = Strided.of(ol.shape(), new int[] {ol.offset()}, ol.strides());
        Object o = arr(out);
        DType od = out.dtype();
        int os = plan.innerStride(0);
        if (od == DType.FLOAT32 && os == 1) {
            float v = (float) value;
            plan.run(GRAIN_CHEAP, (offs, n) -> java.util.Arrays.fill((float[]) o, offs[0], offs[0] + n, v));
        } else {
            plan.run(GRAIN_CHEAP, (offs, n) -> {
                for (int i = 0, oi = offs[0]; i < n; i++, oi += os) Elements.setD(o, od, oi, value);
            });
        }
    }
}
