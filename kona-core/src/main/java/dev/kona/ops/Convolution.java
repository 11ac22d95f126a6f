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

    /**
     * The Winograd F(2x2, 3x3) input transform ({@link Op.WinogradInput}) of {@code x [N, C, h, w]}
     * for a 3x3, stride-1 convolution with padding {@code ph, pw} before the first row and column
     * and an {@code oh x ow} output: {@code [16, C, N*ceil(oh/2)*ceil(ow/2)]}. With {@code adjoint},
     * the reverse map from that shape back to {@code [N, C, h, w]}.
     */
    public static Tensor winogradInput(Tensor x, int h, int w, int ph, int pw, int oh, int ow, boolean adjoint) {
        var op = new Op.WinogradInput(h, w, ph, pw, oh, ow, adjoint);
        if (h < 0 || w < 0 || ph < 0 || pw < 0 || oh < 0 || ow < 0) {
            throw new IllegalArgumentException(op.name() + ": expected non-negative sizes, got " + op);
        }
        checkFloat(op.name(), x);
        int tiles = op.tilesH() * op.tilesW();
        int[] shape;
        if (!adjoint) {
            if (x.dim() != 4 || x.size(2) != h || x.size(3) != w) {
                throw new IllegalArgumentException(op.name() + ": expected an input [N, C, " + h + ", " + w + "], got shape "
                        + Shape.format(x.shape()));
            }
            shape = new int[] {16, x.size(1), Math.multiplyExact(x.size(0), tiles)};
        } else {
            if (x.dim() != 3 || x.size(0) != 16 || tiles == 0 || x.size(2) % tiles != 0) {
                throw new IllegalArgumentException(op.name() + ": expected an input [16, C, N*" + tiles + "], got shape "
                        + Shape.format(x.shape()));
            }
            shape = new int[] {x.size(2) / tiles, x.size(1), h, w};
        }
        return run(op, shape, x);
    }

    /**
     * The Winograd F(2x2, 3x3) output transform ({@link Op.WinogradOutput}): tile products
     * {@code [16, K, N*ceil(oh/2)*ceil(ow/2)]} to the output {@code [N, K, oh, ow]}; with
     * {@code adjoint}, the reverse map.
     */
    public static Tensor winogradOutput(Tensor m, int oh, int ow, boolean adjoint) {
        var op = new Op.WinogradOutput(oh, ow, adjoint);
        if (oh < 1 || ow < 1) throw new IllegalArgumentException(op.name() + ": expected an output of at least 1x1, got " + op);
        checkFloat(op.name(), m);
        int tiles = op.tilesH() * op.tilesW();
        int[] shape;
        if (!adjoint) {
            if (m.dim() != 3 || m.size(0) != 16 || m.size(2) % tiles != 0) {
                throw new IllegalArgumentException(op.name() + ": expected an input [16, K, N*" + tiles + "], got shape "
                        + Shape.format(m.shape()));
            }
            shape = new int[] {m.size(2) / tiles, m.size(1), oh, ow};
        } else {
            if (m.dim() != 4 || m.size(2) != oh || m.size(3) != ow) {
                throw new IllegalArgumentException(op.name() + ": expected an input [N, K, " + oh + ", " + ow + "], got shape "
                        + Shape.format(m.shape()));
            }
            shape = new int[] {16, m.size(1), Math.multiplyExact(m.size(0), tiles)};
        }
        return run(op, shape, m);
    }

    /** Runs a one-input op in the input's compute type (float32 for 16-bit types) and converts back. */
    private static Tensor run(Op op, int[] shape, Tensor x) {
        DType compute = Op.computeType(x.dtype());
        return Elementwise.cast(Dispatch.run(op, shape, compute, Elementwise.cast(x, compute)), x.dtype());
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
