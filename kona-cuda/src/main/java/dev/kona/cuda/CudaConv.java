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

    static void winogradInput(CudaBackend be, Op.WinogradInput op, Tensor out, Tensor in) {
        int n = (int) out.numel();
        if (n == 0) return;
        String suffix = suffix(be, op.name(), in);
        MemorySegment g = wino(op.h(), op.w(), op.ph(), op.pw(), op.oh(), op.ow(), op.tilesH(), op.tilesW(),
                in.layout().strides());
        if (!op.adjoint()) {
            int c = out.layout().shape()[1], t = out.layout().shape()[2];
            be.launch("winograd_in_" + suffix, (long) c * t, g, c, t, be.ptr(out), be.ptr(in));
        } else {
            int c = out.layout().shape()[1];
            be.launch("winograd_in_adj_" + suffix, n, g, c, n, be.ptr(out), be.ptr(in));
        }
    }

    static void winogradOutput(CudaBackend be, Op.WinogradOutput op, Tensor out, Tensor in) {
        if (out.numel() == 0) return;
        String suffix = suffix(be, op.name(), in);
        MemorySegment g = wino(0, 0, 0, 0, op.oh(), op.ow(), op.tilesH(), op.tilesW(), in.layout().strides());
        // one thread per (k, tile): K and T from the [16, K, T] side
        int[] tileShape = op.adjoint() ? out.layout().shape() : in.layout().shape();
        int k = tileShape[1], t = tileShape[2];
        be.launch((op.adjoint() ? "winograd_out_adj_" : "winograd_out_") + suffix, (long) k * t, g, k, t, be.ptr(out),
                be.ptr(in));
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
