package dev.kona.testing;

import static dev.kona.testing.Make.s;
import static dev.kona.testing.Make.sh;

import dev.kona.DType;
import dev.kona.Generator;
import dev.kona.Tensor;
import dev.kona.nn.F;
import dev.kona.ops.Convolution;
import dev.kona.ops.Op;
import dev.kona.ops.Op.Window;
import dev.kona.testing.Make.Dist;
import dev.kona.testing.OpInfo.Sample;
import java.util.ArrayList;
import java.util.List;

/** Database entries of the sliding-window primitives (im2col, col2im, unfold, fold) and pooling. */
final class WindowOps {
    private WindowOps() {}

    private static final DType F32 = DType.FLOAT32, F64 = DType.FLOAT64;
    private static final Dist N = Make.NORMAL;

    private static Tensor r(Generator g, int... shape) {
        return Make.fill(g, F32, N, shape);
    }

    private static Tensor d(Generator g, int... shape) {
        return Make.fill(g, F64, N, shape);
    }

    /** A window over [h, w] with PyTorch's output size (floor, or ceil mode). */
    static Window win(int h, int w, int k, int s, int p, int dil, boolean ceil) {
        return win(h, w, new int[] {k, k}, new int[] {s, s}, new int[] {p, p}, new int[] {dil, dil}, ceil);
    }

    static Window win(int h, int w, int[] k, int[] s, int[] p, int[] d, boolean ceil) {
        return new Window(k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1],
                ConvRef.poolOut(h, k[0], s[0], p[0], d[0], ceil), ConvRef.poolOut(w, k[1], s[1], p[1], d[1], ceil));
    }

    /** (description, input shape [N, C, H, W], window, pad value) of the im2col samples. */
    private static List<Sample> im2colSamples(Generator g) {
        List<Sample> s = new ArrayList<>();
        s.add(s("3x3 pad 1 (same, the linear path)", r(g, 2, 3, 5, 5), win(5, 5, 3, 1, 1, 1, false), 0.0));
        s.add(s("3x3 valid", r(g, 1, 2, 5, 6), win(5, 6, 3, 1, 0, 1, false), 0.0));
        s.add(s("stride 2, pad 1", r(g, 2, 2, 7, 6), win(7, 6, 3, 2, 1, 1, false), 0.0));
        s.add(s("dilation 2, pad 2", r(g, 1, 2, 6, 7), win(6, 7, 3, 1, 2, 2, false), 0.0));
        s.add(s("2x2 stride 2 (pooling)", r(g, 2, 3, 6, 6), win(6, 6, 2, 2, 0, 1, false), 0.0));
        s.add(s("ceil mode, pad value 1.5", r(g, 1, 2, 5, 5), win(5, 5, 2, 2, 1, 1, true), 1.5));
        s.add(s("rectangular 1x3, stride (1, 2)", r(g, 2, 2, 1, 9),
                win(1, 9, new int[] {1, 3}, new int[] {1, 2}, new int[] {0, 1}, new int[] {1, 1}, false), 0.0));
        s.add(s("asymmetric: more positions than the padding implies", r(g, 1, 1, 4, 4),
                new Window(2, 2, 1, 1, 0, 0, 1, 1, 4, 4), 0.0));
        s.add(s("kernel wider than the image", r(g, 1, 1, 3, 2), new Window(3, 4, 1, 1, 1, 2, 1, 1, 3, 3), 0.0));
        s.add(s("1x1", r(g, 2, 3, 2, 3), win(2, 3, 1, 1, 0, 1, false), 0.0));
        s.add(s("larger (parallel planes)", r(g, 4, 8, 16, 16), win(16, 16, 3, 1, 1, 1, false), 0.0));
        s.add(s("larger, stride 2", r(g, 3, 8, 15, 17), win(15, 17, 3, 2, 1, 1, false), 0.0));
        s.add(s("empty batch", r(g, 0, 2, 4, 4), win(4, 4, 3, 1, 1, 1, false), 0.0));
        s.add(s("no positions", r(g, 1, 2, 4, 4), new Window(3, 3, 1, 1, 0, 0, 1, 1, 0, 2), 0.0));
        s.add(s("float64", d(g, 2, 2, 5, 4), win(5, 4, 3, 2, 1, 1, false), 0.0));
        s.add(s("float16", Make.fill(g, DType.FLOAT16, N, 1, 2, 4, 4), win(4, 4, 3, 1, 1, 1, false), 0.0));
        return s;
    }

    private static List<Sample> col2imSamples(Generator g) {
        List<Sample> s = new ArrayList<>();
        for (Sample x : im2colSamples(g)) {
            Tensor in = x.inputs().get(0);
            Window w = x.args().get(0);
            int c = in.size(1), n = in.size(0);
            Tensor cols = Make.fill(g, in.dtype(), N, n, c * w.area(), w.positions());
            s.add(s(x.description(), cols, w, in.size(2), in.size(3)));
        }
        return s;
    }

    /** Small gradient-check samples: overlapping, strided, dilated and padded windows. */
    private static List<Sample> im2colGrad(Generator g) {
        return List.of(
                s("3x3 pad 1", d(g, 1, 2, 3, 3), win(3, 3, 3, 1, 1, 1, false), 0.0),
                s("stride 2, dilation 2, pad 2", d(g, 1, 1, 5, 6), win(5, 6, 3, 2, 2, 2, false), 0.0),
                s("ceil mode, pad value 2", d(g, 2, 1, 3, 3), win(3, 3, 2, 2, 1, 1, true), 2.0));
    }

    static List<OpInfo> all() {
        List<OpInfo> ops = new ArrayList<>();
        ops.add(OpInfo.builder("im2col")
                .exercises("Im2Col")
                .samples(WindowOps::im2colSamples)
                .op1((in, a) -> Convolution.im2col(in.get(0), a.get(0), a.d(1)))
                .ref1((in, a) -> ConvRef.im2col(in.get(0), a.get(0), a.d(1)))
                .gradSamples(WindowOps::im2colGrad)
                .secondOrder()
                .error("3-D input", () -> Convolution.im2col(Tensor.zeros(2, 3, 4), new Window(2, 2, 1, 1, 0, 0, 1, 1, 3, 3), 0),
                        "im2col: expected an input [N, C, H, W], got shape [2, 3, 4]")
                .error("zero stride", () -> Convolution.im2col(Tensor.zeros(1, 1, 4, 4), new Window(2, 2, 0, 1, 0, 0, 1, 1, 3, 3), 0),
                        "im2col", "stride", ">= 1")
                .error("int64 input", () -> Convolution.im2col(Tensor.arange(16).reshape(1, 1, 4, 4),
                        new Window(2, 2, 1, 1, 0, 0, 1, 1, 3, 3), 0), "im2col", "floating-point", "int64")
                .build());
        ops.add(OpInfo.builder("col2im")
                .exercises("Col2Im")
                .samples(WindowOps::col2imSamples)
                .op1((in, a) -> Convolution.col2im(in.get(0), a.get(0), a.i(1), a.i(2)))
                .ref1((in, a) -> ConvRef.col2im(in.get(0), a.get(0), a.i(1), a.i(2)))
                .onlyGradSamples(g -> List.of(
                        s("overlapping 2x2 stride 1", d(g, 1, 4, 4), win(3, 3, 2, 1, 0, 1, false), 3, 3),
                        s("stride 2, dilation 2, pad 1", d(g, 1, 4, 4), win(4, 4, 2, 2, 1, 2, false), 4, 4),
                        s("3x3 pad 1, two samples", d(g, 2, 9, 4), win(2, 2, 3, 1, 1, 1, false), 2, 2)))
                .secondOrder()
                .f32(1e-5, 1e-5)
                .error("wrong number of positions", () -> Convolution.col2im(Tensor.zeros(1, 9, 5), win(4, 4, 3, 1, 1, 1, false), 4, 4),
                        "col2im: expected columns [N, C*3*3, 16]", "got shape [1, 9, 5]")
                .error("rows not a multiple of the kernel", () -> Convolution.col2im(Tensor.zeros(1, 8, 16),
                        win(4, 4, 3, 1, 1, 1, false), 4, 4), "col2im", "[1, 8, 16]")
                .build());
        ops.add(OpInfo.builder("unfold")
                .exercises("Im2Col")
                .samples(g -> List.of(
                        s("3x3 pad 1", r(g, 2, 3, 5, 5), sh(3), sh(1), sh(1), sh(1)),
                        s("2x3, dilation (2, 1), stride (1, 2)", r(g, 1, 2, 6, 7), sh(2, 3), sh(2, 1), sh(0, 1), sh(1, 2)),
                        s("float64", d(g, 1, 2, 4, 4), sh(2), sh(1), sh(0), sh(2))))
                .op1((in, a) -> F.unfold(in.get(0), a.ints(0), a.ints(1), a.ints(2), a.ints(3)))
                .ref1((in, a) -> {
                    Nd x = in.get(0);
                    return ConvRef.im2col(x, win(x.shape[2], x.shape[3], pair(a.ints(0)), pair(a.ints(3)), pair(a.ints(2)),
                            pair(a.ints(1)), false), 0);
                })
                .error("kernel too large", () -> F.unfold(Tensor.zeros(1, 1, 3, 3), sh(5), sh(1), sh(0), sh(1)),
                        "unfold: the kernel 5x5 (dilation 1x1) does not fit the padded size 3x3")
                .error("3 kernel sizes", () -> F.unfold(Tensor.zeros(1, 1, 3, 3), sh(1, 2, 3), sh(1), sh(0), sh(1)),
                        "unfold: expected kernel as 1 or 2 values, got [1, 2, 3]")
                .build());
        ops.add(OpInfo.builder("fold")
                .exercises("Col2Im")
                .samples(g -> List.of(
                        s("3x3 pad 1 into 4x4", r(g, 2, 18, 16), sh(4, 4), sh(3), sh(1), sh(1), sh(1)),
                        s("2x2 stride 2 into 4x6", r(g, 1, 4, 6), sh(4, 6), sh(2), sh(1), sh(0), sh(2)),
                        s("float64, dilation 2", d(g, 1, 4, 4), sh(4), sh(2), sh(2), sh(0), sh(1))))
                .op1((in, a) -> F.fold(in.get(0), a.ints(0), a.ints(1), a.ints(2), a.ints(3), a.ints(4)))
                .ref1((in, a) -> {
                    int[] size = pair(a.ints(0));
                    return ConvRef.col2im(in.get(0), win(size[0], size[1], pair(a.ints(1)), pair(a.ints(4)), pair(a.ints(3)),
                            pair(a.ints(2)), false), size[0], size[1]);
                })
                .error("positions do not match the output size", () -> F.fold(Tensor.zeros(1, 9, 10), sh(4), sh(3), sh(1), sh(1), sh(1)),
                        "fold: expected input [N, C*3*3, 16] for output size [4, 4] (4x4 windows), got [1, 9, 10]")
                .build());
        ops.addAll(conv3x3());
        ops.addAll(pools());
        return ops;
    }

    static int[] pair(int[] v) {
        return v.length == 1 ? new int[] {v[0], v[0]} : v;
    }

    // ------------------------------------------------------------------ the 3x3 convolution primitive

    private static Op.Conv3x3 conv3(int h, int w, int ph, int pw, int oh, int ow, Op.ConvPass pass) {
        return new Op.Conv3x3(h, w, ph, pw, oh, ow, pass);
    }

    private static Nd conv3x3Ref(Op.Conv3x3 op, Nd a, Nd b) {
        return switch (op.pass()) {
            case FORWARD -> ConvRef.conv3x3(a, b, op.ph(), op.pw(), op.oh(), op.ow());
            case INPUT_GRAD -> ConvRef.conv3x3InputGrad(a, b, op.h(), op.w(), op.ph(), op.pw());
            case WEIGHT_GRAD -> ConvRef.conv3x3WeightGrad(a, b, op.ph(), op.pw());
        };
    }

    /**
     * Geometries (h, w, ph, pw, oh, ow): padding 1, odd sizes, valid, padding 2, padding 3 (the
     * input gradient's general path), an output smaller than the padding allows, rows wider than a
     * vector, and a tall image.
     */
    private static final int[][] CONV3_GEO = {{4, 4, 1, 1, 4, 4}, {5, 7, 1, 1, 5, 7}, {6, 6, 0, 0, 4, 4}, {5, 5, 2, 2, 7, 7},
            {3, 3, 3, 3, 7, 7}, {3, 4, 0, 1, 1, 4}, {34, 35, 1, 1, 34, 35}, {70, 6, 1, 1, 70, 6}};
    private static final String[] CONV3_NAMES = {"pad 1, 4x4", "pad 1, odd 5x7", "valid 6x6", "pad 2, 5x5", "pad 3",
            "output cut short", "wide rows (vector lanes)", "tall"};

    /** Samples of one pass: (a, b) = (x, w), (dy, w) or (dy, x); args: the op. */
    private static List<Sample> conv3x3Samples(Generator g, Op.ConvPass pass) {
        List<Sample> s = new ArrayList<>();
        for (int k = 0; k < CONV3_GEO.length; k++) {
            int[] q = CONV3_GEO[k];
            int n = k >= 6 ? 1 : 2, c = k >= 6 ? 2 : 3, kk = k >= 6 ? 3 : 2;
            s.add(conv3x3Sample(g, CONV3_NAMES[k], conv3(q[0], q[1], q[2], q[3], q[4], q[5], pass), n, c, kk, DType.FLOAT32));
        }
        s.add(conv3x3Sample(g, "float64", conv3(5, 6, 1, 1, 5, 6, pass), 2, 2, 3, F64));
        s.add(conv3x3Sample(g, "many channels (blocks of one tile row)", conv3(4, 30, 1, 1, 4, 30, pass), 2, 300, 20,
                DType.FLOAT32));
        s.add(conv3x3Sample(g, "float16", conv3(4, 4, 1, 1, 4, 4, pass), 1, 2, 2, DType.FLOAT16));
        return s;
    }

    private static Sample conv3x3Sample(Generator g, String name, Op.Conv3x3 op, int n, int c, int k, DType dt) {
        Tensor x = Make.fill(g, dt, N, n, c, op.h(), op.w()), dy = Make.fill(g, dt, N, n, k, op.oh(), op.ow());
        Tensor w = Make.fill(g, dt, N, k, c, 3, 3);
        return switch (op.pass()) {
            case FORWARD -> s(name, List.of(x, w), op);
            case INPUT_GRAD -> s(name, List.of(dy, w), op);
            case WEIGHT_GRAD -> s(name, List.of(dy, x), op);
        };
    }

    private static List<OpInfo> conv3x3() {
        List<OpInfo> ops = new ArrayList<>();
        for (Op.ConvPass pass : Op.ConvPass.values()) {
            Op.Conv3x3 small = conv3(2, 3, 1, 1, 2, 3, pass);
            ops.add(OpInfo.builder(small.name())
                    .exercises("Conv3x3")
                    .samples(g -> conv3x3Samples(g, pass))
                    .op1((in, a) -> Convolution.conv3x3(a.get(0), in.get(0), in.get(1)))
                    .ref1((in, a) -> conv3x3Ref(a.get(0), in.get(0), in.get(1)))
                    .onlyGradSamples(g -> List.of(conv3x3Sample(g, "pad 1, 2x3", small, 1, 1, 1, F64),
                            conv3x3Sample(g, "valid 4x4, two images, two channels", conv3(4, 4, 0, 0, 2, 2, pass), 2, 2, 1, F64)))
                    .secondOrder()
                    .f32(1e-4, 1e-4)
                    .error("input size differs", () -> Convolution.conv3x3(conv3(4, 4, 1, 1, 4, 4, Op.ConvPass.FORWARD),
                            Tensor.zeros(1, 2, 4, 5), Tensor.zeros(3, 2, 3, 3)), "conv3x3: expected an input [N, C, 4, 4], got shape [1, 2, 4, 5]")
                    .error("weight channels differ", () -> Convolution.conv3x3(conv3(4, 4, 1, 1, 4, 4, Op.ConvPass.FORWARD),
                            Tensor.zeros(1, 2, 4, 4), Tensor.zeros(3, 5, 3, 3)), "conv3x3: expected a weight [K, 2, 3, 3], got shape [3, 5, 3, 3]")
                    .build());
        }
        return ops;
    }

    // ------------------------------------------------------------------ pooling

    private static List<OpInfo> pools() {
        List<OpInfo> ops = new ArrayList<>();
        // args: kernel, stride (null: kernel), padding, dilation, ceilMode
        ops.add(OpInfo.builder("maxPool2d")
                .exercises("MaxPool")
                .samples(g -> List.of(
                        s("2x2", r(g, 2, 3, 6, 6), sh(2), null, sh(0), sh(1), false),
                        s("3x3 stride 2 pad 1", r(g, 1, 2, 7, 7), sh(3), sh(2), sh(1), sh(1), false),
                        s("3x3 stride 2 pad 1, ceil mode", r(g, 1, 2, 6, 6), sh(3), sh(2), sh(1), sh(1), true),
                        s("2x2 ceil mode on odd sizes", r(g, 2, 2, 5, 7), sh(2), null, sh(0), sh(1), true),
                        s("dilation 2", r(g, 1, 2, 7, 7), sh(2), sh(1), sh(1), sh(2), false),
                        s("rectangular (2, 3), stride (1, 2)", r(g, 1, 2, 5, 7), sh(2, 3), sh(1, 2), sh(1, 0), sh(1), false),
                        s("unbatched", r(g, 3, 4, 4), sh(2), null, sh(0), sh(1), false),
                        s("float64", d(g, 1, 2, 4, 6), sh(2), null, sh(0), sh(1), false),
                        s("NaN in a window", Make.of(F32, sh(1, 1, 2, 2), 1, Double.NaN, 3, 2), sh(2), null, sh(0), sh(1), false)))
                .op1((in, a) -> F.maxPool2d(in.get(0), a.ints(0), a.get(1), a.ints(2), a.ints(3), a.b(4)))
                .ref1((in, a) -> pool(in.get(0), a.ints(0), a.get(1), a.ints(2), a.ints(3), a.b(4), true, true))
                .gradDistinct()
                .onlyGradSamples(g -> List.of(
                        s("2x2", d(g, 1, 2, 4, 4), sh(2), null, sh(0), sh(1), false),
                        s("3x3 stride 2 pad 1, ceil mode", d(g, 1, 1, 6, 6), sh(3), sh(2), sh(1), sh(1), true),
                        s("overlapping 2x2 stride 1, dilation 2", d(g, 1, 1, 5, 5), sh(2), sh(1), sh(1), sh(2), false)))
                .error("padding over half the kernel", () -> F.maxPool2d(Tensor.zeros(1, 1, 4, 4), sh(2), null, sh(2), sh(1), false),
                        "maxPool2d: expected padding at most half the kernel, got padding [2, 2] for kernel [2, 2]")
                .error("2-D input", () -> F.maxPool2d(Tensor.zeros(4, 4), 2),
                        "maxPool2d: expected input [N, C, H, W] or [C, H, W], got [4, 4]")
                .error("kernel larger than the input", () -> F.maxPool2d(Tensor.zeros(1, 1, 2, 2), 3),
                        "maxPool2d: the output would be 0x0 for input [1, 1, 2, 2], kernel [3, 3]")
                .build());
        ops.add(OpInfo.builder("maxPool1d")
                .exercises("MaxPool")
                .samples(g -> List.of(
                        s("2", r(g, 2, 3, 8), 2, 2, 0, 1, false),
                        s("3 stride 2 pad 1 ceil", r(g, 1, 2, 8), 3, 2, 1, 1, true),
                        s("unbatched, dilation 2", r(g, 2, 9), 2, 1, 1, 2, false)))
                .op1((in, a) -> F.maxPool1d(in.get(0), a.i(0), a.i(1), a.i(2), a.i(3), a.b(4)))
                .ref1((in, a) -> pool1d(in.get(0), a.i(0), a.i(1), a.i(2), a.i(3), a.b(4), true, true))
                .gradDistinct()
                .error("4-D input", () -> F.maxPool1d(Tensor.zeros(1, 1, 4, 4), 2),
                        "maxPool1d: expected input [N, C, L] or [C, L], got [1, 1, 4, 4]")
                .build());
        // args: window, height, width; inputs: g, indices of a max pooling of a random image
        ops.add(OpInfo.builder("maxPool2dBackward")
                .exercises("MaxPoolGrad")
                .samples(g -> List.of(
                        maxPoolGradSample(g, "2x2", 2, 3, 6, 6, win(6, 6, 2, 2, 0, 1, false), F32),
                        maxPoolGradSample(g, "3x3 stride 1, overlapping (sums)", 1, 2, 5, 5, win(5, 5, 3, 1, 1, 1, false), F32),
                        maxPoolGradSample(g, "3x3 stride 2 pad 1, ceil mode", 2, 2, 6, 7, win(6, 7, 3, 2, 1, 1, true), F32),
                        maxPoolGradSample(g, "float64", 1, 2, 4, 4, win(4, 4, 2, 1, 0, 1, false), F64)))
                .op1((in, a) -> Convolution.maxPoolGrad(in.get(0), in.get(1), a.get(0), a.i(1), a.i(2)))
                .ref1((in, a) -> {
                    Nd gr = in.get(0), ix = in.get(1);
                    int n = gr.shape[0], c = gr.shape[1], l = gr.shape[2] * gr.shape[3], plane = a.i(1) * a.i(2);
                    double[] out = new double[n * c * plane];
                    for (int nc = 0; nc < n * c; nc++) {
                        for (int k = 0; k < l; k++) out[nc * plane + (int) ix.data[nc * l + k]] += gr.data[nc * l + k];
                    }
                    return new Nd(new int[] {n, c, a.i(1), a.i(2)}, out, gr.dtype);
                })
                .error("index out of range", () -> Convolution.maxPoolGrad(Tensor.ones(1, 1, 1, 1), Tensor.of(new long[] {9}, 1, 1, 1, 1),
                        win(2, 2, 2, 2, 0, 1, false), 2, 2), IndexOutOfBoundsException.class,
                        "maxPool2dBackward: index 9 is out of bounds for an image plane of 4 elements")
                .build());
        // args: kernel, stride, padding, ceilMode, countIncludePad
        ops.add(OpInfo.builder("avgPool2d")
                .exercises("Im2Col", "Reduce.SUM")
                .samples(g -> List.of(
                        s("2x2", r(g, 2, 3, 6, 6), sh(2), null, sh(0), false, true),
                        s("3x3 stride 2 pad 1", r(g, 1, 2, 7, 7), sh(3), sh(2), sh(1), false, true),
                        s("3x3 stride 2 pad 1, exclude padding", r(g, 1, 2, 7, 7), sh(3), sh(2), sh(1), false, false),
                        s("3x3 stride 2 pad 1, ceil mode", r(g, 1, 2, 6, 6), sh(3), sh(2), sh(1), true, true),
                        s("ceil mode, exclude padding", r(g, 1, 2, 6, 5), sh(3), sh(2), sh(1), true, false),
                        s("rectangular (2, 3)", r(g, 2, 1, 4, 6), sh(2, 3), sh(2, 3), sh(0), false, true),
                        s("float64", d(g, 1, 2, 4, 6), sh(2), null, sh(0), false, true)))
                .op1((in, a) -> F.avgPool2d(in.get(0), a.ints(0), a.get(1), a.ints(2), a.b(3), a.b(4)))
                .ref1((in, a) -> pool(in.get(0), a.ints(0), a.get(1), a.ints(2), sh(1), a.b(3), false, a.b(4)))
                .onlyGradSamples(g -> List.of(
                        s("3x3 stride 2 pad 1, ceil mode", d(g, 1, 1, 6, 6), sh(3), sh(2), sh(1), true, true),
                        s("exclude padding", d(g, 1, 2, 4, 4), sh(3), sh(2), sh(1), false, false)))
                .error("padding over half the kernel", () -> F.avgPool2d(Tensor.zeros(1, 1, 4, 4), sh(3), null, sh(2), false, true),
                        "avgPool2d", "padding at most half the kernel")
                .build());
        ops.add(OpInfo.builder("avgPool1d")
                .exercises("Im2Col", "Reduce.SUM")
                .samples(g -> List.of(
                        s("2", r(g, 2, 3, 8), 2, 2, 0, false, true),
                        s("3 stride 2 pad 1 ceil, exclude padding", r(g, 1, 2, 8), 3, 2, 1, true, false),
                        s("unbatched", r(g, 2, 9), 3, 3, 0, false, true)))
                .op1((in, a) -> F.avgPool1d(in.get(0), a.i(0), a.i(1), a.i(2), a.b(3), a.b(4)))
                .ref1((in, a) -> pool1d(in.get(0), a.i(0), a.i(1), a.i(2), 1, a.b(3), false, a.b(4)))
                .build());
        ops.add(OpInfo.builder("adaptiveAvgPool2d")
                .exercises("Im2Col", "MatMul")
                .samples(g -> List.of(
                        s("6x6 to 3x3 (an average pool)", r(g, 2, 3, 6, 6), sh(3)),
                        s("5x7 to 3x2 (uneven windows)", r(g, 1, 2, 5, 7), sh(3, 2)),
                        s("to 1x1", r(g, 2, 2, 3, 5), sh(1)),
                        s("up-sampling 2x3 to 4x4", r(g, 1, 1, 2, 3), sh(4)),
                        s("unbatched", r(g, 3, 4, 4), sh(2)),
                        s("float64", d(g, 1, 2, 5, 5), sh(3))))
                .op1((in, a) -> F.adaptiveAvgPool2d(in.get(0), a.ints(0)))
                .ref1((in, a) -> {
                    Nd x = in.get(0);
                    int[] o = pair(a.ints(0));
                    return x.rank() == 3 ? ConvRef.squeeze(ConvRef.adaptiveAvg(ConvRef.unsqueeze(x, 0), o[0], o[1]), 0)
                            : ConvRef.adaptiveAvg(x, o[0], o[1]);
                })
                .f32(1e-5, 1e-5)
                .error("zero output size", () -> F.adaptiveAvgPool2d(Tensor.zeros(1, 1, 4, 4), 0),
                        "adaptiveAvgPool2d: expected outputSize >= 1, got [0, 0]")
                .build());
        ops.add(OpInfo.builder("globalAvgPool2d")
                .exercises("Reduce.SUM")
                .samples(g -> List.of(s("plain", r(g, 2, 3, 4, 5)), s("float64", d(g, 1, 2, 3, 3))))
                .op1((in, a) -> F.globalAvgPool2d(in.get(0)))
                .ref1((in, a) -> {
                    Nd x = in.get(0);
                    return ConvRef.adaptiveAvg(x, 1, 1).reshape(x.shape[0], x.shape[1]);
                })
                .error("3-D input", () -> F.globalAvgPool2d(Tensor.zeros(3, 4, 4)),
                        "globalAvgPool2d: expected input [N, C, H, W], got [3, 4, 4]")
                .build());
        return ops;
    }

    private static Sample maxPoolGradSample(Generator g, String name, int n, int c, int h, int w, Window win, DType dt) {
        Tensor indices = Convolution.maxPool(r(g, n, c, h, w), win).indices();
        return s(name, List.of(Make.fill(g, dt, N, n, c, win.oh(), win.ow()), indices), win, h, w);
    }

    private static Nd pool(Nd x, int[] k, int[] stride, int[] p, int[] d, boolean ceil, boolean max, boolean countIncludePad) {
        int[] kk = pair(k);
        int[] s = stride == null ? kk : pair(stride);
        if (x.rank() == 3) {
            return ConvRef.squeeze(ConvRef.pool2d(ConvRef.unsqueeze(x, 0), kk, s, pair(p), pair(d), ceil, max, countIncludePad), 0);
        }
        return ConvRef.pool2d(x, kk, s, pair(p), pair(d), ceil, max, countIncludePad);
    }

    private static Nd pool1d(Nd x, int k, int s, int p, int d, boolean ceil, boolean max, boolean countIncludePad) {
        Nd xb = x.rank() == 2 ? ConvRef.unsqueeze(x, 0) : x;
        Nd y = ConvRef.squeeze(ConvRef.pool2d(ConvRef.unsqueeze(xb, 2), sh(1, k), sh(1, s), sh(0, p), sh(1, d), ceil, max,
                countIncludePad), 2);
        return x.rank() == 2 ? ConvRef.squeeze(y, 0) : y;
    }
}
