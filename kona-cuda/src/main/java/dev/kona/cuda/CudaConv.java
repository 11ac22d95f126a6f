package dev.kona.cuda;

import dev.kona.DType;
import dev.kona.Tensor;
import dev.kona.backend.Layout;
import dev.kona.ops.Op;
import dev.kona.ops.Op.Window;
import java.lang.foreign.MemorySegment;

/**
 * {@link Op.Im2Col} and {@link Op.Col2Im} on CUDA: one thread per output element (col2im: one per
 * image element, summing the windows that read it in the CPU's kernel order, with no atomics, so
 * results are deterministic). Strided inputs are read in place; the products around them are
 * cuBLAS's ({@link CudaMatMul}).
 */
final class CudaConv {
    private CudaConv() {}

    /** The {@code Win} struct of kernels.cu. */
    private static MemorySegment win(Window w, int c, int h, int wd, int sn, int sc, int rs, int cs) {
        return MemorySegment.ofArray(new int[] {w.kh(), w.kw(), w.sh(), w.sw(), w.ph(), w.pw(), w.dh(), w.dw(), w.oh(), w.ow(),
                c, h, wd, sn, sc, rs, cs});
    }

    static void im2col(CudaBackend be, Op.Im2Col op, Tensor out, Tensor x) {
        int n = (int) out.numel();
        if (n == 0) return;
        Layout xl = x.layout();
        int[] s = xl.shape(), st = xl.strides();
        MemorySegment g = win(op.window(), s[1], s[2], s[3], st[0], st[1], st[2], st[3]);
        if (x.dtype() == DType.FLOAT32) {
            be.launch("im2col_f32", n, g, n, (float) op.padValue(), be.ptr(out), be.ptr(x));
        } else if (x.dtype() == DType.FLOAT64) {
            be.launch("im2col_f64", n, g, n, op.padValue(), be.ptr(out), be.ptr(x));
        } else {
            throw new IllegalArgumentException("im2col: expected a float32 or float64 tensor on " + be.device() + ", got "
                    + x.dtype());
        }
    }

    static void maxPool(CudaBackend be, Op.MaxPool op, Tensor values, Tensor indices, Tensor x) {
        int n = (int) values.numel();
        if (n == 0) return;
        Layout xl = x.layout();
        int[] s = xl.shape(), st = xl.strides();
        MemorySegment g = win(op.window(), s[1], s[2], s[3], st[0], st[1], st[2], st[3]);
        be.launch("max_pool_" + suffix(be, op.name(), x), n, g, n, be.ptr(values), be.ptr(indices), be.ptr(x));
    }

    /** The gradient of max pooling; g and indices are made contiguous first (the kernel reads them flat). */
    static void maxPoolGrad(CudaBackend be, Op.MaxPoolGrad op, Tensor dx, Tensor g, Tensor indices) {
        int n = (int) dx.numel();
        if (n == 0) return;
        Tensor gc = contiguous(be, g), ic = contiguous(be, indices);
        try {
            int c = dx.layout().shape()[1];
            MemorySegment geo = win(op.window(), c, op.height(), op.width(), 0, 0, 0, 0);
            be.launch("max_pool_grad_" + suffix(be, op.name(), g), n, geo, n, be.ptr(dx), be.ptr(gc), be.ptr(ic));
        } finally {
            if (gc != g) gc.storage().release();
            if (ic != indices) ic.storage().release();
        }
    }

    private static Tensor contiguous(CudaBackend be, Tensor t) {
        if (t.layout().isContiguous()) return t;
        Tensor c = Tensor.fromStorage(be.allocate(t.dtype(), (int) t.numel(), false), Layout.contiguous(t.layout().shape()));
        be.execute(new Op.Copy(), new Tensor[] {c}, new Tensor[] {t});
        return c;
    }

    static void col2im(CudaBackend be, Op.Col2Im op, Tensor out, Tensor cols) {
        int n = (int) out.numel();
        if (n == 0) return;
        Layout cl = cols.layout();
        int[] st = cl.strides();
        Window w = op.window();
        MemorySegment g = win(w, cl.shape()[1] / w.area(), op.height(), op.width(), st[0], 0, st[1], st[2]);
        if (cols.dtype() == DType.FLOAT32) {
            be.launch("col2im_f32", n, g, n, be.ptr(out), be.ptr(cols));
        } else if (cols.dtype() == DType.FLOAT64) {
            be.launch("col2im_f64", n, g, n, be.ptr(out), be.ptr(cols));
        } else {
            throw new IllegalArgumentException("col2im: expected a float32 or float64 tensor on " + be.device() + ", got "
                    + cols.dtype());
        }
    }

    /** The {@code Wino} struct of kernels.cu. */
    private static MemorySegment wino(int h, int w, int ph, int pw, int oh, int ow, int th, int tw, int[] strides) {
        int[] s = new int[4];
        System.arraycopy(strides, 0, s, 0, strides.length);
        return MemorySegment.ofArray(new int[] {h, w, ph, pw, oh, ow, th, tw, s[0], s[1], s[2], s[3]});
    }

    /**
     * {@link Op.Conv3x3} by Winograd F(2x2, 3x3): the weight, input and output transforms (one
     * thread per filter, per tile, or per image element for the input adjoint) around one
     * strided-batched cuBLAS product over the 16 transform entries, through temporary buffers for
     * the whole batch.
     */
    static void conv3x3(CudaBackend be, Op.Conv3x3 op, Tensor out, Tensor a, Tensor b) {
        if (out.numel() == 0) return;
        String sfx = suffix(be, op.name(), a);
        DType dt = a.dtype();
        int th = op.tilesH(), tw = op.tilesW();
        Tensor x = null, dy = null, w = null;
        switch (op.pass()) {
            case FORWARD -> { x = a; w = b; }
            case INPUT_GRAD -> { dy = a; w = b; }
            case WEIGHT_GRAD -> { dy = a; x = b; }
        }
        int n = (x != null ? x : dy).layout().shape()[0];
        int c = x != null ? x.layout().shape()[1] : w.layout().shape()[1];
        int k = dy != null ? dy.layout().shape()[1] : w.layout().shape()[0];
        int t = n * th * tw;
        if (t == 0 || c == 0 || k == 0) {
            be.ctx().memsetZero(be.ptr(out), out.numel() * dt.byteSize());
            return;
        }
        Tensor u = null, v = null, m = null;
        try {
            if (w != null) {
                u = temp(be, dt, 16, k, c);
                int[] ws = w.layout().strides();
                be.launch("winograd_weight_" + sfx, (long) k * c, k, c, ws[0], ws[1], ws[2], ws[3], be.ptr(u), be.ptr(w));
            }
            if (x != null) {
                v = temp(be, dt, 16, c, t);
                be.launch("winograd_in_" + sfx, (long) c * t, wino(op.h(), op.w(), op.ph(), op.pw(), op.oh(), op.ow(), th, tw,
                        x.layout().strides()), c, t, be.ptr(v), be.ptr(x));
            }
            if (dy != null) {
                m = temp(be, dt, 16, k, t);
                be.launch("winograd_out_adj_" + sfx, (long) k * t, wino(0, 0, 0, 0, op.oh(), op.ow(), th, tw, dy.layout().strides()),
                        k, t, be.ptr(m), be.ptr(dy));
            }
            switch (op.pass()) {
                case FORWARD -> {
                    m = temp(be, dt, 16, k, t);
                    CudaMatMul.matmul(be, m, u, v);                                          // [16, K, C] [16, C, T]
                    be.launch("winograd_out_" + sfx, (long) k * t, wino(0, 0, 0, 0, op.oh(), op.ow(), th, tw, m.layout().strides()),
                            k, t, be.ptr(out), be.ptr(m));
                }
                case INPUT_GRAD -> {
                    v = temp(be, dt, 16, c, t);
                    CudaMatMul.matmul(be, v, transposed(u), m);                              // [16, C, K] [16, K, T]
                    int total = (int) out.numel();
                    be.launch("winograd_in_adj_" + sfx, total, wino(op.h(), op.w(), op.ph(), op.pw(), op.oh(), op.ow(), th, tw,
                            v.layout().strides()), c, total, be.ptr(out), be.ptr(v));
                }
                case WEIGHT_GRAD -> {
                    u = temp(be, dt, 16, k, c);
                    CudaMatMul.matmul(be, u, m, transposed(v));                              // [16, K, T] [16, T, C]
                    be.launch("winograd_weight_grad_" + sfx, (long) k * c, k, c, be.ptr(out), be.ptr(u));
                }
            }
        } finally {
            for (Tensor tmp : new Tensor[] {u, v, m}) if (tmp != null) tmp.storage().release();
        }
    }

    private static Tensor temp(CudaBackend be, DType dt, int... shape) {
        int n = Math.multiplyExact(Math.multiplyExact(shape[0], shape[1]), shape[2]);
        return Tensor.fromStorage(be.allocate(dt, n, false), Layout.contiguous(shape));
    }

    /** The view with the last two dimensions swapped (no copy). */
    private static Tensor transposed(Tensor t) {
        Layout l = t.layout();
        int[] s = l.shape(), st = l.strides();
        return Tensor.fromStorage(t.storage(), new Layout(new int[] {s[0], s[2], s[1]}, new int[] {st[0], st[2], st[1]}, l.offset()));
    }

    private static String suffix(CudaBackend be, String op, Tensor t) {
        return switch (t.dtype()) {
            case FLOAT32 -> "f32";
            case FLOAT64 -> "f64";
            default -> throw new IllegalArgumentException(op + ": expected a float32 or float64 tensor on " + be.device()
                    + ", got " + t.dtype());
        };
    }
}
