package dev.kona.nn;

import dev.kona.Generator;
import dev.kona.Tensor;

/**
 * 2-D convolution over {@code [N, inChannels, H, W]} (or {@code [C, H, W]}), giving
 * {@code [N, outChannels, outH, outW]}; weight {@code [outChannels, inChannels/groups, kH, kW]},
 * bias {@code [outChannels]}. See {@link F#conv2d(Tensor, Tensor, Tensor, int[], int[], int[], int)}.
 *
 * <pre>{@code
 * var conv = new Conv2d(3, 16, 3, 1, 1);            // 3x3, stride 1, padding 1
 * Tensor y = conv.call(Tensor.randn(8, 3, 32, 32));  // [8, 16, 32, 32]
 * }</pre>
 *
 * <p>Initialised as PyTorch's: weight from {@code kaiming_uniform_(a=√5)}, i.e. U(-1/√fanIn,
 * 1/√fanIn) with fanIn = inChannels/groups·kH·kW, and the bias from the same range.
 */
public final class Conv2d extends Module {
    private final int inChannels, outChannels, groups;
    private final int[] kernel, stride, dilation;
    /** int[2] or "same"/"valid". */
    private final Object padding;
    private final boolean hasBias;

    /** A square kernel, stride 1, no padding, with a bias. */
    public Conv2d(int inChannels, int outChannels, int kernelSize) {
        this(inChannels, outChannels, new int[] {kernelSize}, new int[] {1}, new int[] {0}, new int[] {1}, 1, true, null);
    }

    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding) {
        this(inChannels, outChannels, new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, new int[] {1}, 1, true, null);
    }

    /** @param padding "same" or "valid" */
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, String padding) {
        this(inChannels, outChannels, new int[] {kernelSize}, new int[] {stride}, padding, new int[] {1}, 1, true, null);
    }

    /**
     * The general form, in PyTorch's argument order. Kernel, stride, padding and dilation take 1
     * value (both axes) or 2 (height, width).
     *
     * @param groups    independent channel groups (inChannels and outChannels divisible by it)
     * @param bias      whether to add a learned bias
     * @param generator the source of the initial values (null: the global generator)
     */
    public Conv2d(int inChannels, int outChannels, int[] kernel, int[] stride, int[] padding, int[] dilation, int groups,
                  boolean bias, Generator generator) {
        this(inChannels, outChannels, kernel, stride, (Object) padding, dilation, groups, bias, generator);
    }

    /** @param padding "same" or "valid" */
    public Conv2d(int inChannels, int outChannels, int[] kernel, int[] stride, String padding, int[] dilation, int groups,
                  boolean bias, Generator generator) {
        this(inChannels, outChannels, kernel, stride, (Object) padding, dilation, groups, bias, generator);
    }

    private Conv2d(int inChannels, int outChannels, int[] kernel, int[] stride, Object padding, int[] dilation, int groups,
                   boolean bias, Generator generator) {
        String who = "Conv2d";
        ConvModules.checkChannels(who, inChannels, outChannels, groups);
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.groups = groups;
        this.kernel = ConvOps.pair(who, "kernel_size", kernel);
        this.stride = ConvOps.pair(who, "stride", stride);
        this.dilation = ConvOps.pair(who, "dilation", dilation);
        ConvOps.checkAtLeast(who, "kernel_size", this.kernel, 1);
        ConvOps.checkAtLeast(who, "stride", this.stride, 1);
        ConvOps.checkAtLeast(who, "dilation", this.dilation, 1);
        if (padding instanceof int[] p) {
            int[] pp = ConvOps.pair(who, "padding", p);
            ConvOps.checkAtLeast(who, "padding", pp, 0);
            this.padding = pp;
        } else {
            ConvOps.pads(who, padding, new int[] {1, 1}, this.kernel, this.stride, this.dilation);  // validates the string
            this.padding = padding;
        }
        this.hasBias = bias;
        registerParameter("weight", Tensor.empty(outChannels, inChannels / groups, this.kernel[0], this.kernel[1]));
        if (bias) registerParameter("bias", Tensor.empty(outChannels));
        resetParameters(generator);
    }

    /** Re-draws the weight and bias as the constructor does. */
    public void resetParameters(Generator generator) {
        ConvModules.initialize(weight(), bias(), generator);
    }

    /** The weight, {@code [outChannels, inChannels/groups, kH, kW]}. */
    public Tensor weight() {
        return param("weight");
    }

    /** The bias, {@code [outChannels]}, or null. */
    public Tensor bias() {
        return hasBias ? param("bias") : null;
    }

    public int inChannels() {
        return inChannels;
    }

    public int outChannels() {
        return outChannels;
    }

    @Override
    public Tensor forward(Tensor input) {
        return ConvOps.conv2d(input, weight(), bias(), stride, padding, dilation, groups);
    }

    @Override
    protected String extraRepr() {
        var sb = new StringBuilder().append(inChannels).append(", ").append(outChannels).append(", kernel_size=")
                .append(ConvModules.tuple(kernel)).append(", stride=").append(ConvModules.tuple(stride));
        if (padding instanceof int[] p) {
            if (!ConvModules.all(p, 0)) sb.append(", padding=").append(ConvModules.tuple(p));
        } else {
            sb.append(", padding=").append(padding);
        }
        if (!ConvModules.all(dilation, 1)) sb.append(", dilation=").append(ConvModules.tuple(dilation));
        if (groups != 1) sb.append(", groups=").append(groups);
        if (!hasBias) sb.append(", bias=false");
        return sb.toString();
    }
}
