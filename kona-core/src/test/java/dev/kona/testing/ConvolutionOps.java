package dev.kona.testing;

import static dev.kona.testing.Make.s;
import static dev.kona.testing.Make.sh;

import dev.kona.DType;
import dev.kona.Generator;
import dev.kona.Tensor;
import dev.kona.nn.F;
import dev.kona.testing.ConvRef.Pads;
import dev.kona.testing.Make.Dist;
import dev.kona.testing.OpInfo.Args;
import dev.kona.testing.OpInfo.Sample;
import java.util.ArrayList;
import java.util.List;

/**
 * Database entries of the convolutions: conv2d, conv1d and convTranspose2d through {@link F},
 * against direct-loop float64 references. Inputs are x, weight and optionally bias.
 */
final class ConvolutionOps {
    private ConvolutionOps() {}

    private static final DType F32 = DType.FLOAT32, F64 = DType.FLOAT64;
    private static final Dist N = Make.NORMAL;

    private static Tensor r(Generator g, int... shape) {
        return Make.fill(g, F32, N, shape);
    }

    private static Tensor d(Generator g, int... shape) {
        return Make.fill(g, F64, N, shape);
    }

    private static Tensor bias(List<Tensor> in) {
        return in.size() > 2 ? in.get(2) : null;
    }

    private static Nd biasNd(List<Nd> in) {
        return in.size() > 2 ? in.get(2) : null;
    }

    /** The padding the op resolves: explicit sizes, "valid", or "same" (TensorFlow's rule, PyTorch's for stride 1). */
    static Pads pads(Object padding, int[] in, int[] k, int[] s, int[] d) {
        if (padding instanceof int[] p) {
            int[] pp = WindowOps.pair(p);
            return new Pads(pp[0], pp[0], pp[1], pp[1]);
        }
        if ("valid".equals(padding)) return new Pads(0, 0, 0, 0);
        int[] before = new int[2], after = new int[2];
        for (int a = 0; a < 2; a++) {
            int out = (in[a] + s[a] - 1) / s[a];
            int total = Math.max(0, (out - 1) * s[a] + d[a] * (k[a] - 1) + 1 - in[a]);
            before[a] = total / 2;
            after[a] = total - before[a];
        }
        return new Pads(before[0], after[0], before[1], after[1]);
    }

    // args: stride, padding (int[] or "same"/"valid"), dilation, groups
    private static Tensor conv2d(List<Tensor> in, Args a) {
        Tensor x = in.get(0), w = in.get(1), b = bias(in);
        return a.get(1) instanceof String p ? F.conv2d(x, w, b, a.ints(0), p, a.ints(2), a.i(3))
                : F.conv2d(x, w, b, a.ints(0), a.ints(1), a.ints(2), a.i(3));
    }

    private static Nd conv2dRef(List<Nd> in, Args a) {
        Nd x = in.get(0), w = in.get(1);
        boolean unbatched = x.rank() == 3;
        Nd xb = unbatched ? ConvRef.unsqueeze(x, 0) : x;
        int[] s = WindowOps.pair(a.ints(0)), d = WindowOps.pair(a.ints(2));
        int[] k = {w.shape[2], w.shape[3]};
        Pads p = pads(a.get(1), new int[] {xb.shape[2], xb.shape[3]}, k, s, d);
        Nd y = ConvRef.conv2d(xb, w, biasNd(in), s, p, d, a.i(3));
        return unbatched ? ConvRef.squeeze(y, 0) : y;
    }

    private static List<Sample> conv2dSamples(Generator g) {
        List<Sample> s = new ArrayList<>();
        s.add(s("3x3 pad 1 with bias", List.of(r(g, 2, 3, 6, 6), r(g, 4, 3, 3, 3), r(g, 4)), sh(1), sh(1), sh(1), 1));
        s.add(s("3x3 valid, no bias", List.of(r(g, 1, 2, 5, 7), r(g, 3, 2, 3, 3)), sh(1), sh(0), sh(1), 1));
        s.add(s("stride 2", List.of(r(g, 2, 2, 7, 8), r(g, 3, 2, 3, 3), r(g, 3)), sh(2), sh(1), sh(1), 1));
        s.add(s("padding \"same\"", List.of(r(g, 1, 2, 5, 6), r(g, 2, 2, 3, 3), r(g, 2)), sh(1), "same", sh(1), 1));
        s.add(s("padding \"same\", even kernel", List.of(r(g, 1, 2, 5, 6), r(g, 2, 2, 4, 2)), sh(1), "same", sh(1), 1));
        s.add(s("padding \"same\", stride 2", List.of(r(g, 1, 2, 7, 6), r(g, 2, 2, 3, 3)), sh(2), "same", sh(1), 1));
        s.add(s("padding \"valid\"", List.of(r(g, 1, 2, 5, 5), r(g, 2, 2, 2, 2)), sh(1), "valid", sh(1), 1));
        s.add(s("dilation 2", List.of(r(g, 1, 2, 7, 7), r(g, 2, 2, 3, 3), r(g, 2)), sh(1), sh(2), sh(2), 1));
        s.add(s("groups 2", List.of(r(g, 2, 4, 5, 5), r(g, 6, 2, 3, 3), r(g, 6)), sh(1), sh(1), sh(1), 2));
        s.add(s("depthwise (groups = C, 2 per channel)", List.of(r(g, 2, 3, 5, 5), r(g, 6, 1, 3, 3), r(g, 6)), sh(1), sh(1),
                sh(1), 3));
        s.add(s("rectangular kernel, per-axis stride/padding", List.of(r(g, 1, 2, 6, 9), r(g, 3, 2, 2, 3), r(g, 3)), sh(2, 1),
                sh(1, 0), sh(1, 2), 1));
        s.add(s("1x1", List.of(r(g, 2, 4, 3, 3), r(g, 5, 4, 1, 1), r(g, 5)), sh(1), sh(0), sh(1), 1));
        s.add(s("unbatched", List.of(r(g, 2, 5, 5), r(g, 3, 2, 3, 3), r(g, 3)), sh(1), sh(1), sh(1), 1));
        s.add(s("larger, 16 -> 8 channels", List.of(r(g, 2, 16, 10, 10), r(g, 8, 16, 3, 3), r(g, 8)), sh(1), sh(1), sh(1), 1));
        s.add(s("Winograd: 16 -> 16, 3x3 pad 1", List.of(r(g, 2, 16, 6, 7), r(g, 16, 16, 3, 3), r(g, 16)), sh(1), sh(1), sh(1),
                1));
        s.add(s("Winograd: valid, odd output", List.of(r(g, 1, 16, 7, 6), r(g, 17, 16, 3, 3)), sh(1), sh(0), sh(1), 1));
        s.add(s("Winograd: pad 2", List.of(r(g, 1, 16, 5, 5), r(g, 16, 16, 3, 3)), sh(1), sh(2), sh(1), 1));
        s.add(s("Winograd: \"same\", one pixel", List.of(r(g, 2, 16, 1, 1), r(g, 16, 16, 3, 3), r(g, 16)), sh(1), "same", sh(1),
                1));
        s.add(s("Winograd: float64", List.of(d(g, 1, 16, 4, 5), d(g, 16, 16, 3, 3), d(g, 16)), sh(1), sh(1), sh(1), 1));
        s.add(s("float64", List.of(d(g, 1, 2, 5, 5), d(g, 2, 2, 3, 3), d(g, 2)), sh(2), sh(1), sh(1), 1));
        s.add(s("empty batch", List.of(r(g, 0, 2, 4, 4), r(g, 2, 2, 3, 3)), sh(1), sh(1), sh(1), 1));
        return s;
    }

    // args: stride, padding, outputPadding, groups, dilation
    private static Tensor convT(List<Tensor> in, Args a) {
        return F.convTranspose2d(in.get(0), in.get(1), bias(in), a.ints(0), a.ints(1), a.ints(2), a.i(3), a.ints(4));
    }

    private static Nd convTRef(List<Nd> in, Args a) {
        Nd x = in.get(0);
        boolean unbatched = x.rank() == 3;
        Nd y = ConvRef.convTranspose2d(unbatched ? ConvRef.unsqueeze(x, 0) : x, in.get(1), biasNd(in), WindowOps.pair(a.ints(0)),
                WindowOps.pair(a.ints(1)), WindowOps.pair(a.ints(2)), a.i(3), WindowOps.pair(a.ints(4)));
        return unbatched ? ConvRef.squeeze(y, 0) : y;
    }

    static List<OpInfo> all() {
        List<OpInfo> ops = new ArrayList<>();
        ops.add(OpInfo.builder("conv2d")
                .exercises("Im2Col", "MatMul", "Binary.ADD", "Conv3x3")
                .samples(ConvolutionOps::conv2dSamples)
                .op1(ConvolutionOps::conv2d)
                .ref1(ConvolutionOps::conv2dRef)
                .f32(1e-4, 1e-4)
                .onlyGradSamples(g -> List.of(
                        s("2x2 valid", List.of(d(g, 1, 1, 3, 3), d(g, 1, 1, 2, 2), d(g, 1)), sh(1), sh(0), sh(1), 1),
                        s("3x3 pad 1", List.of(d(g, 1, 2, 4, 4), d(g, 2, 2, 3, 3), d(g, 2)), sh(1), sh(1), sh(1), 1),
                        s("stride 2, dilation 2, \"same\"", List.of(d(g, 1, 1, 5, 6), d(g, 2, 1, 2, 3)), sh(2), "same", sh(2), 1),
                        s("groups 2", List.of(d(g, 2, 2, 3, 3), d(g, 4, 1, 2, 2), d(g, 4)), sh(1), sh(0), sh(1), 2)))
                .secondOrder()
                .error("input channels differ from the weight's",
                        () -> F.conv2d(Tensor.zeros(8, 4, 32, 32), Tensor.zeros(16, 3, 3, 3), null),
                        "conv2d: expected input [N, C, H, W] with C = 3 (weight [16, 3, 3, 3], groups 1), got [8, 4, 32, 32]")
                .error("3-D weight", () -> F.conv2d(Tensor.zeros(1, 3, 5, 5), Tensor.zeros(16, 3, 3), null),
                        "conv2d: expected a 4-D weight [out_channels, in_channels/groups, kH, kW], got shape [16, 3, 3]")
                .error("out channels not divisible by groups",
                        () -> F.conv2d(Tensor.zeros(1, 4, 5, 5), Tensor.zeros(3, 2, 3, 3), null, sh(1), sh(0), sh(1), 2),
                        "conv2d: expected out_channels divisible by groups, got weight [3, 2, 3, 3] (out_channels 3) and groups 2")
                .error("bias of the wrong size", () -> F.conv2d(Tensor.zeros(1, 3, 5, 5), Tensor.zeros(4, 3, 3, 3), Tensor.zeros(3)),
                        "conv2d: expected a bias of shape [4], got [3]")
                .error("kernel larger than the padded input", () -> F.conv2d(Tensor.zeros(1, 1, 2, 2), Tensor.zeros(1, 1, 3, 3), null),
                        "conv2d: the kernel 3x3 (dilation 1x1) is larger than the padded input (input [1, 1, 2, 2]")
                .error("unknown padding string",
                        () -> F.conv2d(Tensor.zeros(1, 1, 4, 4), Tensor.zeros(1, 1, 3, 3), null, sh(1), "full", sh(1), 1),
                        "conv2d: padding must be sizes, \"same\" or \"valid\", got \"full\"")
                .error("zero stride", () -> F.conv2d(Tensor.zeros(1, 1, 4, 4), Tensor.zeros(1, 1, 3, 3), null, sh(0), sh(0), sh(1), 1),
                        "conv2d: expected stride >= 1, got [0, 0]")
                .error("mixed dtypes", () -> F.conv2d(Tensor.zeros(1, 1, 4, 4), Tensor.zeros(sh(1, 1, 3, 3), F64), null),
                        "conv2d: expected floating-point input and weight of one dtype, got float32 and float64")
                .build());
        ops.add(OpInfo.builder("conv1d")
                .exercises("Im2Col", "MatMul", "Binary.ADD")
                .samples(g -> List.of(
                        s("k 3 pad 1 with bias", List.of(r(g, 2, 3, 8), r(g, 4, 3, 3), r(g, 4)), 1, sh(1), 1, 1),
                        s("stride 2 dilation 2", List.of(r(g, 1, 2, 11), r(g, 3, 2, 3)), 2, sh(2), 2, 1),
                        s("\"same\", even kernel, groups 2", List.of(r(g, 2, 4, 7), r(g, 4, 2, 4), r(g, 4)), 1, "same", 1, 2),
                        s("unbatched", List.of(r(g, 2, 6), r(g, 3, 2, 2)), 1, sh(0), 1, 1),
                        s("float64", List.of(d(g, 1, 2, 6), d(g, 2, 2, 3), d(g, 2)), 1, "valid", 1, 1)))
                .op1((in, a) -> {
                    Tensor x = in.get(0), w = in.get(1), b = bias(in);
                    return a.get(1) instanceof String p ? F.conv1d(x, w, b, a.i(0), p, a.i(2), a.i(3))
                            : F.conv1d(x, w, b, a.i(0), a.ints(1)[0], a.i(2), a.i(3));
                })
                .ref1((in, a) -> {
                    Nd x = in.get(0), w = in.get(1);
                    boolean unbatched = x.rank() == 2;
                    Nd x4 = ConvRef.unsqueeze(unbatched ? ConvRef.unsqueeze(x, 0) : x, 2), w4 = ConvRef.unsqueeze(w, 2);
                    int[] s = {1, a.i(0)}, d = {1, a.i(2)}, k = {1, w.shape[2]};
                    Pads p = a.get(1) instanceof int[] pi ? new Pads(0, 0, pi[0], pi[0]) : pads(a.get(1), new int[] {1, x4.shape[3]}, k, s, d);
                    Nd y = ConvRef.squeeze(ConvRef.conv2d(x4, w4, biasNd(in), s, p, d, a.i(3)), 2);
                    return unbatched ? ConvRef.squeeze(y, 0) : y;
                })
                .f32(1e-4, 1e-4)
                .onlyGradSamples(g -> List.of(
                        s("stride 2 pad 1", List.of(d(g, 2, 2, 5), d(g, 2, 2, 3), d(g, 2)), 2, sh(1), 1, 1)))
                .error("input channels differ from the weight's", () -> F.conv1d(Tensor.zeros(2, 4, 10), Tensor.zeros(8, 3, 3), null),
                        "conv1d: expected input [N, C, L] with C = 3 (weight [8, 3, 3], groups 1), got [2, 4, 10]")
                .error("4-D weight", () -> F.conv1d(Tensor.zeros(2, 3, 10), Tensor.zeros(8, 3, 3, 3), null),
                        "conv1d: expected a 3-D weight [out_channels, in_channels/groups, kW], got shape [8, 3, 3, 3]")
                .build());
        ops.add(OpInfo.builder("convTranspose2d")
                .exercises("MatMul", "Col2Im", "Binary.ADD")
                .samples(g -> List.of(
                        s("3x3 with bias", List.of(r(g, 2, 3, 4, 4), r(g, 3, 2, 3, 3), r(g, 2)), sh(1), sh(0), sh(0), 1, sh(1)),
                        s("stride 2 pad 1 outputPadding 1", List.of(r(g, 1, 2, 3, 4), r(g, 2, 3, 3, 3), r(g, 3)), sh(2), sh(1), sh(1), 1,
                                sh(1)),
                        s("stride 2, 4x4 kernel pad 1 (2x up-sampling)", List.of(r(g, 1, 2, 3, 3), r(g, 2, 2, 4, 4)), sh(2), sh(1), sh(0),
                                1, sh(1)),
                        s("groups 2, dilation 2", List.of(r(g, 1, 4, 3, 3), r(g, 4, 1, 2, 2), r(g, 2)), sh(1), sh(0), sh(0), 2, sh(2)),
                        s("rectangular, per-axis stride", List.of(r(g, 2, 2, 3, 2), r(g, 2, 3, 2, 3)), sh(2, 1), sh(0, 1), sh(1, 0), 1,
                                sh(1)),
                        s("unbatched", List.of(r(g, 2, 3, 3), r(g, 2, 2, 2, 2), r(g, 2)), sh(2), sh(0), sh(0), 1, sh(1)),
                        s("float64", List.of(d(g, 1, 2, 3, 3), d(g, 2, 2, 3, 3), d(g, 2)), sh(2), sh(1), sh(1), 1, sh(1))))
                .op1(ConvolutionOps::convT)
                .ref1(ConvolutionOps::convTRef)
                .f32(1e-4, 1e-4)
                .onlyGradSamples(g -> List.of(
                        s("stride 2 pad 1 outputPadding 1", List.of(d(g, 1, 2, 2, 3), d(g, 2, 1, 3, 3), d(g, 1)), sh(2), sh(1), sh(1), 1,
                                sh(1)),
                        s("groups 2", List.of(d(g, 1, 2, 2, 2), d(g, 2, 2, 2, 2)), sh(1), sh(0), sh(0), 2, sh(1))))
                .secondOrder()
                .error("output padding not below stride or dilation",
                        () -> F.convTranspose2d(Tensor.zeros(1, 2, 3, 3), Tensor.zeros(2, 2, 3, 3), null, sh(1), sh(0), sh(1), 1, sh(1)),
                        "convTranspose2d: expected outputPadding smaller than either stride or dilation")
                .error("input channels differ from the weight's",
                        () -> F.convTranspose2d(Tensor.zeros(1, 3, 3, 3), Tensor.zeros(2, 2, 3, 3), null),
                        "convTranspose2d: expected input [N, C, H, W] with C = 2 (weight [2, 2, 3, 3], groups 1), got [1, 3, 3, 3]")
                .build());
        return ops;
    }
}
