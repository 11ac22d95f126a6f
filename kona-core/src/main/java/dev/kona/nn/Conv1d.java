package dev.kona.nn;

import dev.kona.Generator;
import dev.kona.Tensor;

/**
 * 1-D convolution over {@code [N, inChannels, L]} (or {@code [C, L]}), giving
 * {@code [N, outChannels, outL]}; weight {@code [outChannels, inChannels/groups, k]}, bias
 * {@code [outChannels]}. See {@link F#conv1d(Tensor, Tensor, Tensor, int, int, int, int)}.
 *
 * <pre>{@code
 * var conv = new Conv1d(16, 32, 5, 1, "same");
 * Tensor y = conv.call(Tensor.randn(4, 16, 100));   // [4, 32, 100]
 * }</pre>
 *
 * <p>Initialised as PyTorch's (see {@link Conv2d}), with fanIn = inChannels/groups·k.
 */
public final class Conv1d extends Module {
    private final int inChannels, outChannels, kernel, stride, dilation, groups;
    /** int[1] or "same"/"valid". */
    private final Object padding;
    private final boolean hasBias;

    /** Stride 1, no padding, with a bias. */
    public Conv1d(int inChannels, int outChannels, int kernelSize) {
        this(inChannels, outChannels, kernelSize, 1, new int[] {0}, 1, 1, true, null);
    }

    public Conv1d(int inChannels, int outChannels, int kernelSize, int stride, int padding) {
        this(inChannels, outChannels, kernelSize, stride, new int[] {padding}, 1, 1, true, null);
    }

    /** @param padding "same" or "valid" */
    public Conv1d(int inChannels, int outChannels, int kernelSize, int stride, String padding) {
        this(inChannels, outChannels, kernelSize, stride, (Object) padding, 1, 1, true, null);
    }

    /**
     * The general form, in PyTorch's argument order.
     *
     * @param groups    independent channel groups (inChannels and outChannels divisible by it)
     * @param bias      whether to add a learned bias
     * @param generator the source of the initial values (null: the global generator)
     */
    public Conv1d(int inChannels, int outChannels, int kernelSize, int stride, int padding, int dilation, int groups,
                  boolean bias, Generator generator) {
        this(inChannels, outChannels, kernelSize, stride, new int[] {padding}, dilation, groups, bias, generator);
    }

    /** @param padding "same" or "valid" */
    public Conv1d(int inChannels, int outChannels, int kernelSize, int stride, String padding, int dilation, int groups,
                  boolean bias, Generator generator) {
        this(inChannels, outChannels, kernelSize, stride, (Object) padding, dilation, groups, bias, generator);
    }

    private Conv1d(int inChannels, int outChannels, int kernelSize, int stride, Object padding, int dilation, int groups,
                   boolean bias, Generator generator) {
        String who = "Conv1d";
        ConvModules.checkChannels(who, inChannels, outChannels, groups);
        ConvOps.checkAtLeast(who, "kernel_size", new int[] {kernelSize}, 1);
        ConvOps.checkAtLeast(who, "stride", new int[] {stride}, 1);
        ConvOps.checkAtLeast(who, "dilation", new int[] {dilation}, 1);
        if (padding instanceof int[] p) {
            ConvOps.checkAtLeast(who, "padding", p, 0);
        } else {
            ConvOps.pads(who, padding, new int[] {1, 1}, new int[] {1, kernelSize}, new int[] {1, stride}, new int[] {1, dilation});
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernelSize;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        this.groups = groups;
        this.hasBias = bias;
        registerParameter("weight", Tensor.empty(outChannels, inChannels / groups, kernelSize));
        if (bias) registerParameter("bias", Tensor.empty(outChannels));
        resetParameters(generator);
    }

    /** Re-draws the weight and bias as the constructor does. */
    public void resetParameters(Generator generator) {
        ConvModules.initialize(weight(), bias(), generator);
    }

    /** The weight, {@code [outChannels, inChannels/groups, k]}. */
    public Tensor weight() {
        return param("weight");
    }

    /** The bias, {@code [outChannels]}, or null. */
    public Tensor bias() {
        return hasBias ? param("bias") : null;
    }

    @Override
    public Tensor forward(Tensor input) {
        return ConvOps.conv1d(input, weight(), bias(), stride, padding, dilation, groups);
    }

    @Override
    protected String extraRepr() {
        var sb = new StringBuilder().append(inChannels).append(", ").append(outChannels).append(", kernel_size=")
                .append(ConvModules.tuple(kernel)).append(", stride=").append(ConvModules.tuple(stride));
        if (padding instanceof int[] p) {
            if (p[0] != 0) sb.append(", padding=").append(ConvModules.tuple(p[0]));
        } else {
            sb.append(", padding=").append(padding);
        }
        if (dilation != 1) sb.append(", dilation=").append(ConvModules.tuple(dilation));
        if (groups != 1) sb.append(", groups=").append(groups);
        if (!hasBias) sb.append(", bias=false");
        return sb.toString();
    }
}
