package dev.kona.nn;

import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.ops.Convolution;
import dev.kona.ops.Op;
import dev.kona.ops.Op.Window;
import java.util.Arrays;

/**
 * Convolutions for {@link F}: im2col into columns {@code [N, C*kh*kw, L]}, then one batched matmul
 * with the weight viewed as {@code [groups, outC/groups, inC/groups*kh*kw]}; the transposed
 * convolution is the adjoint (matmul with the weight transposed, then col2im). Autograd
 * differentiates through matmul and the two window primitives, so dX is {@code Wᵀ·dY} folded back
 * by col2im and dW is {@code dY·colsᵀ}. 3x3 stride-1 convolutions with enough channels go to the
 * {@link Op.Conv3x3} primitive instead (Winograd on the CPU). 1-D convolutions run as 2-D ones
 * over a height of 1.
 */
final class ConvOps {
    private ConvOps() {}

    /** Padding before and after each spatial axis (after may differ: "same" with an even kernel). */
    record Pads(int top, int bottom, int left, int right) {}

    /** A size per spatial axis from 1 value (repeated) or 2. */
    static int[] pair(String who, String what, int[] v) {
        if (v == null || v.length < 1 || v.length > 2) {
            throw new IllegalArgumentException(who + ": expected " + what + " as 1 or 2 values, got "
                    + (v == null ? "null" : Arrays.toString(v)));
        }
        return v.length == 1 ? new int[] {v[0], v[0]} : v.clone();
    }

    static void checkAtLeast(String who, String what, int[] v, int min) {
        for (int x : v) {
            if (x < min) {
                throw new IllegalArgumentException(who + ": expected " + what + " >= " + min + ", got " + Arrays.toString(v));
            }
        }
    }

    // ------------------------------------------------------------------ conv2d / conv1d

    /**
     * The convolution of {@code x [N, C, H, W]} (or {@code [C, H, W]}) with {@code weight [outC,
     * C/groups, kh, kw]}. {@code padding} is an {@code int[]} or "same"/"valid".
     */
    static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, Object padding, int[] dilation, int groups) {
        String who = "conv2d";
        if (weight.dim() != 4) {
            throw new IllegalArgumentException(who + ": expected a 4-D weight [out_channels, in_channels/groups, kH, kW], got shape "
                    + Shape.format(weight.shape()));
        }
        boolean batched = checkConvInput(who, x, weight, groups, 4);
        checkBias(who, bias, weight.size(0));
        Tensor xb = batched ? x : x.unsqueeze(0);
        int[] s = pair(who, "stride", stride), d = pair(who, "dilation", dilation);
        checkAtLeast(who, "stride", s, 1);
        checkAtLeast(who, "dilation", d, 1);
        int[] k = {weight.size(2), weight.size(3)};
        int[] in = {xb.size(2), xb.size(3)};
        Pads p = pads(who, padding, in, k, s, d);
        Tensor y = convolve(who, xb, weight, bias, k, s, p, d, groups);
        return batched ? y : y.squeeze(0);
    }

    /** {@code x [N, C, L]} (or {@code [C, L]}) with {@code weight [outC, C/groups, k]}: a 2-D convolution of height 1. */
    static Tensor conv1d(Tensor x, Tensor weight, Tensor bias, int stride, Object padding, int dilation, int groups) {
        String who = "conv1d";
        if (weight.dim() != 3) {
            throw new IllegalArgumentException(who + ": expected a 3-D weight [out_channels, in_channels/groups, kW], got shape "
                    + Shape.format(weight.shape()));
        }
        boolean batched = checkConvInput(who, x, weight, groups, 3);
        checkBias(who, bias, weight.size(0));
        checkAtLeast(who, "stride", new int[] {stride}, 1);
        checkAtLeast(who, "dilation", new int[] {dilation}, 1);
        Tensor xb = (batched ? x : x.unsqueeze(0)).unsqueeze(2);
        int[] k = {1, weight.size(2)}, s = {1, stride}, d = {1, dilation};
        Object pad2 = padding instanceof int[] p1 ? new int[] {0, pair(who, "padding", p1)[0]} : padding;
        Pads p = pads(who, pad2, new int[] {1, xb.size(3)}, k, s, d);
        Tensor y = convolve(who, xb, weight.unsqueeze(2), bias, k, s, p, d, groups).squeeze(2);
        return batched ? y : y.squeeze(0);
    }

    /** im2col, one batched product per group, bias. {@code x} is batched and checked. */
    private static Tensor convolve(String who, Tensor x, Tensor weight, Tensor bias, int[] k, int[] s, Pads p, int[] d,
                                   int groups) {
        int n = x.size(0), c = x.size(1), outC = weight.size(0);
        int oh = positions(who, x, 0, k, s, p.top() + p.bottom(), d), ow = positions(who, x, 1, k, s, p.left() + p.right(), d);
        Tensor y;
        if (winograd(k, s, d, groups, c, outC)) {
            y = winogradConv(x, weight, p, oh, ow);
            return bias == null ? y : y.add(bias.reshape(outC, 1, 1));
        }
        Window w = new Window(k[0], k[1], s[0], s[1], p.top(), p.left(), d[0], d[1], oh, ow);
        Tensor cols = Convolution.im2col(x, w, 0);                      // [N, C*kh*kw, L]
        int patch = c / groups * w.area(), l = w.positions();
        y = groups == 1
                ? weight.reshape(outC, patch).matmul(cols)              // [N, outC, L]
                : weight.reshape(groups, outC / groups, patch).matmul(cols.reshape(n, groups, patch, l));
        y = y.reshape(n, outC, oh, ow);
        return bias == null ? y : y.add(bias.reshape(outC, 1, 1));
    }

    /** Channels from which Winograd's smaller products outweigh its transforms (see docs/ARCHITECTURE.md). */
    static final int WINOGRAD_MIN_CHANNELS = 16;

    /** Whether a convolution takes the Winograd path: 3x3, stride 1, no dilation, one group, enough channels. */
    static boolean winograd(int[] k, int[] s, int[] d, int groups, int inC, int outC) {
        return k[0] == 3 && k[1] == 3 && s[0] == 1 && s[1] == 1 && d[0] == 1 && d[1] == 1 && groups == 1
                && inC >= WINOGRAD_MIN_CHANNELS && outC >= WINOGRAD_MIN_CHANNELS;
    }

    /**
     * A 3x3, stride-1 convolution through the {@link Op.Conv3x3} primitive, which the CPU computes
     * by Winograd F(2x2, 3x3) or, for float32 images of 8 and more, F(4x4, 3x3): 2.25 or 4 times
     * fewer multiplications than im2col's product.
     */
    static Tensor winogradConv(Tensor x, Tensor weight, Pads p, int oh, int ow) {
        var op = new Op.Conv3x3(x.size(2), x.size(3), p.top(), p.left(), oh, ow, Op.ConvPass.FORWARD);
        return Convolution.conv3x3(op, x, weight);
    }

    /** Window positions along spatial axis {@code axis} of batched {@code x}; fails when the kernel does not fit. */
    private static int positions(String who, Tensor x, int axis, int[] k, int[] s, int padTotal, int[] d) {
        int size = x.size(2 + axis);
        long span = (long) size + padTotal - (long) d[axis] * (k[axis] - 1) - 1;
        if (span < 0) {
            throw new IllegalArgumentException(who + ": the kernel " + k[0] + "x" + k[1] + " (dilation " + d[0] + "x" + d[1]
                    + ") is larger than the padded input (input " + Shape.format(x.shape()) + ", padding " + padTotal
                    + " in total along " + (axis == 0 ? "the height" : "the width") + ")");
        }
        return (int) (span / s[axis]) + 1;
    }

    /**
     * Checks {@code x} against the weight: rank {@code rank} (or one less, unbatched), channels,
     * dtypes; returns whether it is batched.
     */
    private static boolean checkConvInput(String who, Tensor x, Tensor weight, int groups, int rank) {
        String dims = rank == 4 ? "[N, C, H, W]" : "[N, C, L]";
        int outC = weight.size(0), inPerGroup = weight.size(1);
        if (groups < 1) throw new IllegalArgumentException(who + ": expected groups >= 1, got " + groups);
        if (outC % groups != 0) {
            throw new IllegalArgumentException(who + ": expected out_channels divisible by groups, got weight "
                    + Shape.format(weight.shape()) + " (out_channels " + outC + ") and groups " + groups);
        }
        int expectedC = inPerGroup * groups;
        if ((x.dim() != rank && x.dim() != rank - 1) || x.size(x.dim() - rank + 1) != expectedC) {
            throw new IllegalArgumentException(who + ": expected input " + dims + " with C = " + expectedC + " (weight "
                    + Shape.format(weight.shape()) + ", groups " + groups + "), got " + Shape.format(x.shape()));
        }
        checkDtypes(who, x, weight);
        return x.dim() == rank;
    }

    static void checkDtypes(String who, Tensor x, Tensor weight) {
        if (!x.dtype().isFloatingPoint() || x.dtype() != weight.dtype()) {
            throw new IllegalArgumentException(who + ": expected floating-point input and weight of one dtype, got "
                    + x.dtype() + " and " + weight.dtype());
        }
    }

    static void checkBias(String who, Tensor bias, int outC) {
        if (bias != null && (bias.dim() != 1 || bias.size(0) != outC)) {
            throw new IllegalArgumentException(who + ": expected a bias of shape [" + outC + "], got " + Shape.format(bias.shape()));
        }
    }

    /**
     * Resolves padding: explicit sizes, "valid" (none), or "same": the output keeps ceil(size /
     * stride) positions, the padding split evenly with the odd one after (PyTorch for stride 1;
     * TensorFlow's rule, which it extends, for larger strides).
     */
    static Pads pads(String who, Object padding, int[] in, int[] k, int[] s, int[] d) {
        if (padding instanceof int[] p) {
            int[] pp = pair(who, "padding", p);
            checkAtLeast(who, "padding", pp, 0);
            return new Pads(pp[0], pp[0], pp[1], pp[1]);
        }
        if ("valid".equals(padding)) return new Pads(0, 0, 0, 0);
        if (!"same".equals(padding)) {
            throw new IllegalArgumentException(who + ": padding must be sizes, \"same\" or \"valid\", got "
                    + (padding instanceof String str ? "\"" + str + "\"" : String.valueOf(padding)));
        }
        int[] before = new int[2], after = new int[2];
        for (int a = 0; a < 2; a++) {
            int out = Math.ceilDiv(in[a], s[a]);
            int total = Math.max(0, (out - 1) * s[a] + d[a] * (k[a] - 1) + 1 - in[a]);
            before[a] = total / 2;
            after[a] = total - before[a];
        }
        return new Pads(before[0], after[0], before[1], after[1]);
    }

    // ------------------------------------------------------------------ transposed

    /**
     * The transposed convolution of {@code x [N, inC, H, W]} with {@code weight [inC, outC/groups,
     * kh, kw]}: each input position scatters its kernel-weighted values into the output, which has
     * {@code (H-1)*stride - 2*padding + dilation*(kh-1) + outputPadding + 1} rows (likewise columns).
     */
    static Tensor convTranspose2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] outputPadding,
                                  int groups, int[] dilation) {
        String who = "convTranspose2d";
        if (weight.dim() != 4) {
            throw new IllegalArgumentException(who + ": expected a 4-D weight [in_channels, out_channels/groups, kH, kW], got shape "
                    + Shape.format(weight.shape()));
        }
        if (groups < 1) throw new IllegalArgumentException(who + ": expected groups >= 1, got " + groups);
        int inC = weight.size(0);
        if (inC % groups != 0) {
            throw new IllegalArgumentException(who + ": expected in_channels divisible by groups, got weight "
                    + Shape.format(weight.shape()) + " (in_channels " + inC + ") and groups " + groups);
        }
        if ((x.dim() != 4 && x.dim() != 3) || x.size(x.dim() - 3) != inC) {
            throw new IllegalArgumentException(who + ": expected input [N, C, H, W] with C = " + inC + " (weight "
                    + Shape.format(weight.shape()) + ", groups " + groups + "), got " + Shape.format(x.shape()));
        }
        checkDtypes(who, x, weight);
        int outC = weight.size(1) * groups;
        checkBias(who, bias, outC);
        int[] s = pair(who, "stride", stride), p = pair(who, "padding", padding);
        int[] op = pair(who, "outputPadding", outputPadding), d = pair(who, "dilation", dilation);
        checkAtLeast(who, "stride", s, 1);
        checkAtLeast(who, "dilation", d, 1);
        checkAtLeast(who, "padding", p, 0);
        checkAtLeast(who, "outputPadding", op, 0);
        for (int a = 0; a < 2; a++) {
            if (op[a] >= s[a] && op[a] >= d[a]) {
                throw new IllegalArgumentException(who + ": expected outputPadding smaller than either stride or dilation, got "
                        + "outputPadding " + Arrays.toString(op) + ", stride " + Arrays.toString(s) + ", dilation "
                        + Arrays.toString(d));
            }
        }
        boolean batched = x.dim() == 4;
        Tensor xb = batched ? x : x.unsqueeze(0);
        int n = xb.size(0), h = xb.size(2), w = xb.size(3), kh = weight.size(2), kw = weight.size(3);
        int outH = (h - 1) * s[0] - 2 * p[0] + d[0] * (kh - 1) + op[0] + 1;
        int outW = (w - 1) * s[1] - 2 * p[1] + d[1] * (kw - 1) + op[1] + 1;
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException(who + ": the output would be " + outH + "x" + outW + " for input "
                    + Shape.format(x.shape()) + ", weight " + Shape.format(weight.shape()) + ", stride " + Arrays.toString(s)
                    + ", padding " + Arrays.toString(p));
        }
        // The windows of the output image that the input positions scatter into: im2col's geometry
        // over [outH, outW] with H x W positions, so col2im is the scatter.
        Window win = new Window(kh, kw, s[0], s[1], p[0], p[1], d[0], d[1], h, w);
        int inPerGroup = inC / groups, patch = outC / groups * kh * kw;
        Tensor wt = weight.reshape(groups, inPerGroup, patch).transpose(-1, -2);      // [g, patch, inC/g]
        Tensor cols = wt.matmul(xb.reshape(n, groups, inPerGroup, h * w))             // [N, g, patch, HW]
                .reshape(n, outC * kh * kw, h * w);
        Tensor y = Convolution.col2im(cols, win, outH, outW);
        if (bias != null) y = y.add(bias.reshape(outC, 1, 1));
        return batched ? y : y.squeeze(0);
    }

    // ------------------------------------------------------------------ unfold / fold

    static Tensor unfold(Tensor x, int[] kernel, int[] dilation, int[] padding, int[] stride) {
        String who = "unfold";
        if (x.dim() != 4) {
            throw new IllegalArgumentException(who + ": expected an input [N, C, H, W], got shape " + Shape.format(x.shape()));
        }
        Window w = window(who, new int[] {x.size(2), x.size(3)}, kernel, dilation, padding, stride);
        return Convolution.im2col(x, w, 0);
    }

    static Tensor fold(Tensor cols, int[] outputSize, int[] kernel, int[] dilation, int[] padding, int[] stride) {
        String who = "fold";
        int[] size = pair(who, "outputSize", outputSize);
        checkAtLeast(who, "outputSize", size, 1);
        Window w = window(who, size, kernel, dilation, padding, stride);
        if (cols.dim() != 3 || cols.size(1) % w.area() != 0 || cols.size(2) != w.positions()) {
            throw new IllegalArgumentException(who + ": expected input [N, C*" + w.kh() + "*" + w.kw() + ", " + w.positions()
                    + "] for output size " + Arrays.toString(size) + " (" + w.oh() + "x" + w.ow() + " windows), got "
                    + Shape.format(cols.shape()));
        }
        return Convolution.col2im(cols, w, size[0], size[1]);
    }

    private static Window window(String who, int[] size, int[] kernel, int[] dilation, int[] padding, int[] stride) {
        int[] k = pair(who, "kernel", kernel), d = pair(who, "dilation", dilation);
        int[] p = pair(who, "padding", padding), s = pair(who, "stride", stride);
        checkAtLeast(who, "kernel", k, 1);
        checkAtLeast(who, "dilation", d, 1);
        checkAtLeast(who, "stride", s, 1);
        checkAtLeast(who, "padding", p, 0);
        int oh = Window.outputSize(size[0], k[0], s[0], p[0], d[0], false);
        int ow = Window.outputSize(size[1], k[1], s[1], p[1], d[1], false);
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException(who + ": the kernel " + k[0] + "x" + k[1] + " (dilation " + d[0] + "x" + d[1]
                    + ") does not fit the padded size " + (size[0] + 2 * p[0]) + "x" + (size[1] + 2 * p[1]));
        }
        return new Window(k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1], oh, ow);
    }
}
