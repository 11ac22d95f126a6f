package dev.kona.ops;

import dev.kona.DType;
import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.autograd.Autograd;
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

    /**
     * Max pooling ({@link Op.MaxPool}) of {@code x [N, C, H, W]}: values and first-maximum
     * indices {@code [N, C, oh, ow]}. The gradient goes to the first maximum of each window,
     * through a scatter-add of the output gradient at the indices.
     */
    public static Tensor.ValuesIndices maxPool(Tensor x, Window w) {
        checkWindow("maxPool2d", w);
        if (x.dim() != 4) {
            throw new IllegalArgumentException("maxPool2d: expected an input [N, C, H, W], got shape " + Shape.format(x.shape()));
        }
        checkFloat("maxPool2d", x);
        int[] shape = {x.size(0), x.size(1), w.oh(), w.ow()};
        DType compute = Op.computeType(x.dtype());
        Tensor xc = Elementwise.cast(x, compute);
        Tensor values = Dispatch.uninitialized(x.device(), compute, shape);
        Tensor indices = Dispatch.uninitialized(x.device(), DType.INT64, shape);
        if (values.numel() > 0) Dispatch.runInto(new Op.MaxPool(w), new Tensor[] {values, indices}, xc);
        int h = x.size(2), wd = x.size(3);
        Autograd.record("maxPool2d", (g, in, out) -> new Tensor[] {maxPoolGrad(g, indices, w, h, wd)}, new Tensor[] {xc}, values);
        return new Tensor.ValuesIndices(Elementwise.cast(values, x.dtype()), indices);
    }

    /**
     * The gradient of {@link #maxPool} ({@link Op.MaxPoolGrad}): {@code g [N, C, oh, ow]} added at
     * the {@code indices} of each window's maximum in an {@code [N, C, height, width]} zero image.
     */
    public static Tensor maxPoolGrad(Tensor g, Tensor indices, Window w, int height, int width) {
        int[] shape = {g.size(0), g.size(1), height, width};
        DType compute = Op.computeType(g.dtype());
        Tensor r = Dispatch.run(new Op.MaxPoolGrad(w, height, width), shape, compute, Elementwise.cast(g, compute), indices);
        return Elementwise.cast(r, g.dtype());
    }

    /**
     * One pass of the 3x3, stride-1 convolution primitive ({@link Op.Conv3x3}, which documents the
     * shapes): {@code FORWARD(x, w)}, {@code INPUT_GRAD(dy, w)} or {@code WEIGHT_GRAD(dy, x)}.
     */
    public static Tensor conv3x3(Op.Conv3x3 op, Tensor a, Tensor b) {
        String who = op.name();
        if (op.h() < 0 || op.w() < 0 || op.ph() < 0 || op.pw() < 0 || op.oh() < 1 || op.ow() < 1) {
            throw new IllegalArgumentException(who + ": expected non-negative sizes and an output of at least 1x1, got " + op);
        }
        checkFloat(who, a);
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(who + ": expected operands of one dtype, got " + a.dtype() + " and " + b.dtype());
        }
        Tensor x = op.pass() == Op.ConvPass.FORWARD ? a : op.pass() == Op.ConvPass.WEIGHT_GRAD ? b : null;
        Tensor dy = op.pass() == Op.ConvPass.FORWARD ? null : a;
        Tensor w = op.pass() == Op.ConvPass.WEIGHT_GRAD ? null : b;
        int n = -1, c = -1, k = -1;
        if (x != null) {
            if (x.dim() != 4 || x.size(2) != op.h() || x.size(3) != op.w()) {
                throw new IllegalArgumentException(who + ": expected an input [N, C, " + op.h() + ", " + op.w() + "], got shape "
                        + Shape.format(x.shape()));
            }
            n = x.size(0);
            c = x.size(1);
        }
        if (dy != null) {
            if (dy.dim() != 4 || dy.size(2) != op.oh() || dy.size(3) != op.ow() || (n >= 0 && dy.size(0) != n)) {
                throw new IllegalArgumentException(who + ": expected an output gradient [" + (n >= 0 ? n : "N") + ", K, " + op.oh()
                        + ", " + op.ow() + "], got shape " + Shape.format(dy.shape()));
            }
            n = dy.size(0);
            k = dy.size(1);
        }
        if (w != null) {
            if (w.dim() != 4 || w.size(2) != 3 || w.size(3) != 3 || (c >= 0 && w.size(1) != c) || (k >= 0 && w.size(0) != k)) {
                throw new IllegalArgumentException(who + ": expected a weight [" + (k >= 0 ? k : "K") + ", " + (c >= 0 ? c : "C")
                        + ", 3, 3], got shape " + Shape.format(w.shape()));
            }
            k = w.size(0);
            c = w.size(1);
        }
        int[] shape = switch (op.pass()) {
            case FORWARD -> new int[] {n, k, op.oh(), op.ow()};
            case INPUT_GRAD -> new int[] {n, c, op.h(), op.w()};
            case WEIGHT_GRAD -> new int[] {k, c, 3, 3};
        };
        DType compute = Op.computeType(a.dtype());
        Tensor r = Dispatch.run(op, shape, compute, Elementwise.cast(a, compute), Elementwise.cast(b, compute));
        return Elementwise.cast(r, a.dtype());
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
