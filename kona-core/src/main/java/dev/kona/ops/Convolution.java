package dev.kona.ops;

import dev.kona.DType;
import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.ops.Op.Window;

/**
 * The front end of the two sliding-window primitives, {@link Op.Im2Col} and {@link Op.Col2Im}:
 * argument checks, output shapes, and the float32 detour for 16-bit types. Convolutions and
 * pooling ({@code dev.kona.nn.F}) are written on top of these and matmul.
 */
public final class Convolution {
    private Convolution() {}

    /**
     * The windows of {@code x [N, C, H, W]} as columns {@code [N, C*kh*kw, oh*ow]} (PyTorch's
     * unfold); positions outside the image read {@code padValue}.
     */
    public static Tensor im2col(Tensor x, Window w, double padValue) {
        checkWindow("im2col", w);
        if (x.dim() != 4) {
            throw new IllegalArgumentException("im2col: expected an input [N, C, H, W], got shape " + Shape.format(x.shape()));
        }
        checkFloat("im2col", x);
        int[] s = x.layout().shape();
        int[] shape = {s[0], Math.multiplyExact(s[1], w.area()), w.positions()};
        DType compute = Op.computeType(x.dtype());
        Tensor r = Dispatch.run(new Op.Im2Col(w, padValue), shape, compute, Elementwise.cast(x, compute));
        return Elementwise.cast(r, x.dtype());
    }

    /**
     * Sums columns {@code [N, C*kh*kw, oh*ow]} back into an image {@code [N, C, height, width]}
     * (PyTorch's fold): the adjoint of {@link #im2col}.
     */
    public static Tensor col2im(Tensor cols, Window w, int height, int width) {
        checkWindow("col2im", w);
        if (height < 0 || width < 0) {
            throw new IllegalArgumentException("col2im: expected a non-negative output size, got " + height + "x" + width);
        }
        if (cols.dim() != 3 || cols.size(1) % w.area() != 0 || cols.size(2) != w.positions()) {
            throw new IllegalArgumentException("col2im: expected columns [N, C*" + w.kh() + "*" + w.kw() + ", "
                    + w.positions() + "] for a " + w.kh() + "x" + w.kw() + " kernel at " + w.oh() + "x" + w.ow()
                    + " positions, got shape " + Shape.format(cols.shape()));
        }
        checkFloat("col2im", cols);
        int[] shape = {cols.size(0), cols.size(1) / w.area(), height, width};
        DType compute = Op.computeType(cols.dtype());
        Tensor r = Dispatch.run(new Op.Col2Im(w, height, width), shape, compute, Elementwise.cast(cols, compute));
        return Elementwise.cast(r, cols.dtype());
    }

    private static void checkFloat(String op, Tensor t) {
        if (!t.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": expected a floating-point tensor, got " + t.dtype());
        }
    }

    private static void checkWindow(String op, Window w) {
        if (w.kh() < 1 || w.kw() < 1 || w.sh() < 1 || w.sw() < 1 || w.dh() < 1 || w.dw() < 1 || w.ph() < 0 || w.pw() < 0
                || w.oh() < 0 || w.ow() < 0) {
            throw new IllegalArgumentException(op + ": expected kernel, stride and dilation >= 1, padding and positions >= 0, got "
                    + w);
        }
    }
}
