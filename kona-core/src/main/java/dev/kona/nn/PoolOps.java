package dev.kona.nn;

import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.ops.Convolution;
import dev.kona.ops.Op.Window;
import java.util.Arrays;

/**
 * Pooling for {@link F}. Max pooling is a primitive ({@link dev.kona.ops.Op.MaxPool}: values and
 * first-maximum indices; the gradient goes to the first maximum of each window, as PyTorch's).
 * Average pooling is composed from im2col: the windows become an axis of {@code [N, C, kh*kw, L]},
 * summed and divided by the window size (PyTorch's count_include_pad rules). 1-D pools run over a
 * height of 1.
 */
final class PoolOps {
    private PoolOps() {}

    /** Checks the input of a pool; returns whether it is batched ({@code rank} dims, else one less). */
    private static boolean checkInput(String who, Tensor x, int rank) {
        if (x.dim() != rank && x.dim() != rank - 1) {
            String dims = rank == 4 ? "[N, C, H, W] or [C, H, W]" : "[N, C, L] or [C, L]";
            throw new IllegalArgumentException(who + ": expected input " + dims + ", got " + Shape.format(x.shape()));
        }
        if (!x.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(who + ": expected a floating-point input, got " + x.dtype());
        }
        return x.dim() == rank;
    }

    /** The window of a pool over {@code [H, W]}; padding at most half the kernel, as PyTorch requires. */
    private static Window window(String who, Tensor xb, int[] kernel, int[] stride, int[] padding, int[] dilation,
                                 boolean ceil) {
        int[] k = ConvOps.pair(who, "kernel", kernel);
        int[] s = stride == null || stride.length == 0 ? k : ConvOps.pair(who, "stride", stride);
        int[] p = ConvOps.pair(who, "padding", padding), d = ConvOps.pair(who, "dilation", dilation);
        ConvOps.checkAtLeast(who, "kernel", k, 1);
        ConvOps.checkAtLeast(who, "stride", s, 1);
        ConvOps.checkAtLeast(who, "dilation", d, 1);
        ConvOps.checkAtLeast(who, "padding", p, 0);
        if (p[0] > k[0] / 2 || p[1] > k[1] / 2) {
            throw new IllegalArgumentException(who + ": expected padding at most half the kernel, got padding "
                    + Arrays.toString(p) + " for kernel " + Arrays.toString(k));
        }
        int h = xb.size(2), w = xb.size(3);
        int oh = Window.outputSize(h, k[0], s[0], p[0], d[0], ceil), ow = Window.outputSize(w, k[1], s[1], p[1], d[1], ceil);
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException(who + ": the output would be " + oh + "x" + ow + " for input "
                    + Shape.format(xb.shape()) + ", kernel " + Arrays.toString(k) + ", stride " + Arrays.toString(s)
                    + ", padding " + Arrays.toString(p) + ", dilation " + Arrays.toString(d));
        }
        return new Window(k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1], oh, ow);
    }

    // ------------------------------------------------------------------ max

    static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation, boolean ceil) {
        boolean batched = checkInput("maxPool2d", x, 4);
        Tensor xb = batched ? x : x.unsqueeze(0);
        Tensor y = maxPool(xb, window("maxPool2d", xb, kernel, stride, padding, dilation, ceil));
        return batched ? y : y.squeeze(0);
    }

    static Tensor maxPool1d(Tensor x, int kernel, int stride, int padding, int dilation, boolean ceil) {
        boolean batched = checkInput("maxPool1d", x, 3);
        Tensor xb = (batched ? x : x.unsqueeze(0)).unsqueeze(2);
        Window w = window("maxPool1d", xb, new int[] {1, kernel}, new int[] {1, stride}, new int[] {0, padding},
                new int[] {1, dilation}, ceil);
        Tensor y = maxPool(xb, w).squeeze(2);
        return batched ? y : y.squeeze(0);
    }

    private static Tensor maxPool(Tensor x, Window w) {
        return Convolution.maxPool(x, w).values();
    }

    // ------------------------------------------------------------------ average

    static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, boolean ceil, boolean countIncludePad) {
        boolean batched = checkInput("avgPool2d", x, 4);
        Tensor xb = batched ? x : x.unsqueeze(0);
        Tensor y = avgPool(xb, window("avgPool2d", xb, kernel, stride, padding, new int[] {1}, ceil), countIncludePad);
        return batched ? y : y.squeeze(0);
    }

    static Tensor avgPool1d(Tensor x, int kernel, int stride, int padding, boolean ceil, boolean countIncludePad) {
        boolean batched = checkInput("avgPool1d", x, 3);
        Tensor xb = (batched ? x : x.unsqueeze(0)).unsqueeze(2);
        Window w = window("avgPool1d", xb, new int[] {1, kernel}, new int[] {1, stride}, new int[] {0, padding},
                new int[] {1}, ceil);
        Tensor y = avgPool(xb, w, countIncludePad).squeeze(2);
        return batched ? y : y.squeeze(0);
    }

    private static Tensor avgPool(Tensor x, Window w, boolean countIncludePad) {
        int n = x.size(0), c = x.size(1);
        Tensor sums = Convolution.im2col(x, w, 0).reshape(n, c, w.area(), w.positions()).sum(2, false);
        double[] divisors = divisors(w, x.size(2), x.size(3), countIncludePad);
        boolean uniform = Arrays.stream(divisors).allMatch(v -> v == divisors[0]);
        Tensor y = uniform ? sums.div(divisors[0])
                : sums.div(Tensor.of(divisors, w.positions()).to(x.device(), x.dtype()));
        return y.reshape(n, c, w.oh(), w.ow());
    }

    /**
     * PyTorch's divisor of each window: its extent clipped to the padded image (ceil mode's last
     * window may hang past it) and, without count_include_pad, to the image itself.
     */
    private static double[] divisors(Window w, int h, int wd, boolean countIncludePad) {
        double[] out = new double[w.positions()];
        for (int i = 0; i < w.oh(); i++) {
            int hs = i * w.sh() - w.ph(), he = Math.min(hs + w.kh(), h + w.ph());
            int rows = countIncludePad ? he - hs : Math.min(he, h) - Math.max(hs, 0);
            for (int j = 0; j < w.ow(); j++) {
                int ws = j * w.sw() - w.pw(), we = Math.min(ws + w.kw(), wd + w.pw());
                int cols = countIncludePad ? we - ws : Math.min(we, wd) - Math.max(ws, 0);
                out[i * w.ow() + j] = (double) rows * cols;
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ adaptive and global

    /**
     * Output cell {@code i} averages rows {@code floor(i*H/oh)} to {@code ceil((i+1)*H/oh)}
     * (likewise columns). When the sizes divide evenly that is an average pool; otherwise the
     * windows differ in size, and the average is two products with averaging matrices,
     * {@code P_h · x · P_wᵀ}.
     */
    static Tensor adaptiveAvgPool2d(Tensor x, int[] outputSize) {
        String who = "adaptiveAvgPool2d";
        boolean batched = checkInput(who, x, 4);
        int[] o = ConvOps.pair(who, "outputSize", outputSize);
        ConvOps.checkAtLeast(who, "outputSize", o, 1);
        Tensor xb = batched ? x : x.unsqueeze(0);
        int h = xb.size(2), w = xb.size(3);
        if (h == 0 || w == 0) {
            throw new IllegalArgumentException(who + ": expected non-empty spatial dimensions, got " + Shape.format(x.shape()));
        }
        Tensor y;
        if (h % o[0] == 0 && w % o[1] == 0) {
            int kh = h / o[0], kw = w / o[1];
            y = avgPool(xb, new Window(kh, kw, kh, kw, 0, 0, 1, 1, o[0], o[1]), true);
        } else {
            Tensor ph = averaging(o[0], h).to(x.device(), x.dtype()), pw = averaging(o[1], w).to(x.device(), x.dtype());
            y = ph.matmul(xb).matmul(pw.t());
        }
        return batched ? y : y.squeeze(0);
    }

    /** {@code [out, in]}: row i holds 1/count over input cells floor(i*in/out) .. ceil((i+1)*in/out). */
    private static Tensor averaging(int out, int in) {
        double[] m = new double[out * in];
        for (int i = 0; i < out; i++) {
            int start = (int) ((long) i * in / out), end = (int) Math.ceilDiv((long) (i + 1) * in, out);
            for (int j = start; j < end; j++) m[i * in + j] = 1.0 / (end - start);
        }
        return Tensor.of(m, out, in);
    }

    /** The mean over H and W: {@code [N, C, H, W] -> [N, C]} (Keras's GlobalAveragePooling2D). */
    static Tensor globalAvgPool2d(Tensor x) {
        String who = "globalAvgPool2d";
        if (x.dim() != 4) {
            throw new IllegalArgumentException(who + ": expected input [N, C, H, W], got " + Shape.format(x.shape()));
        }
        if (!x.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(who + ": expected a floating-point input, got " + x.dtype());
        }
        return x.mean(new int[] {2, 3}, false);
    }
}
