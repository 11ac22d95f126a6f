package dev.kona.nn;

import dev.kona.Generator;
import dev.kona.Tensor;

/**
 * 2-D transposed convolution (the adjoint of {@link Conv2d}, used to up-sample) over
 * {@code [N, inChannels, H, W]}, giving {@code [N, outChannels, outH, outW]} with
 * {@code outH = (H-1)*stride - 2*padding + dilation*(kH-1) + outputPadding + 1}; weight
 * {@code [inChannels, outChannels/groups, kH, kW]}, bias {@code [outChannels]}.
 *
 * <pre>{@code
 * var up = new ConvTranspose2d(16, 8, 3, 2, 1, 1);   // kernel 3, stride 2, padding 1, outputPadding 1
 * up.call(Tensor.randn(4, 16, 14, 14)).shape();       // [4, 8, 28, 28]
 * }</pre>
 *
 * <p>Initialised as PyTorch's, with fanIn = weight.size(1)·kH·kW = outChannels/groups·kH·kW.
 */
public final class ConvTranspose2d extends Module {
    private final int inChannels, outChannels, groups;
    private final int[] kernel, stride, padding, outputPadding, dilation;
    private final boolean hasBias;

    /** Stride 1, no padding, with a bias. */
    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize) {
        this(inChannels, outChannels, new int[] {kernelSize}, new int[] {1}, new int[] {0}, new int[] {0}, 1, true,
                new int[] {1}, null);
    }

    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, int outputPadding) {
        this(inChannels, outChannels, new int[] {kernelSize}, new int[] {stride}, new int[] {padding},
                new int[] {outputPadding}, 1, true, new int[] {1}, null);
    }

    /**
     * The general form, in PyTorch's argument order; the int[] arguments take 1 value (both axes)
     * or 2 (height, width).
     *
     * @param generator the source of the initial values (null: the global generator)
     */
    public ConvTranspose2d(int inChannels, int outChannels, int[] kernel, int[] stride, int[] padding, int[] outputPadding,
                           int groups, boolean bias, int[] dilation, Generator generator) {
        String who = "ConvTranspose2d";
        ConvModules.checkChannels(who, inChannels, outChannels, groups);
        this.kernel = ConvOps.pair(who, "kernel_size", kernel);
        this.stride = ConvOps.pair(who, "stride", stride);
        this.padding = ConvOps.pair(who, "padding", padding);
        this.outputPadding = ConvOps.pair(who, "output_padding", outputPadding);
        this.dilation = ConvOps.pair(who, "dilation", dilation);
        ConvOps.checkAtLeast(who, "kernel_size", this.kernel, 1);
        ConvOps.checkAtLeast(who, "stride", this.stride, 1);
        ConvOps.checkAtLeast(who, "dilation", this.dilation, 1);
        ConvOps.checkAtLeast(who, "padding", this.padding, 0);
        ConvOps.checkAtLeast(who, "output_padding", this.outputPadding, 0);
        for (int a = 0; a < 2; a++) {
            if (this.outputPadding[a] >= this.stride[a] && this.outputPadding[a] >= this.dilation[a]) {
                throw new IllegalArgumentException(who + ": output_padding must be smaller than either stride or dilation, got "
                        + "output_padding " + ConvModules.tuple(this.outputPadding) + ", stride " + ConvModules.tuple(this.stride)
                        + ", dilation " + ConvModules.tuple(this.dilation));
            }
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.groups = groups;
        this.hasBias = bias;
        registerParameter("weight", Tensor.empty(inChannels, outChannels / groups, this.kernel[0], this.kernel[1]));
        if (bias) registerParameter("bias", Tensor.empty(outChannels));
        resetParameters(generator);
    }

    /** Re-draws the weight and bias as the constructor does. */
    public void resetParameters(Generator generator) {
        ConvModules.initialize(weight(), bias(), generator);
    }

    /** The weight, {@code [inChannels, outChannels/groups, kH, kW]}. */
    public Tensor weight() {
        return param("weight");
    }

    /** The bias, {@code [outChannels]}, or null. */
    public Tensor bias() {
        return hasBias ? param("bias") : null;
    }

    @Override
    public Tensor forward(Tensor input) {
        return ConvOps.convTranspose2d(input, weight(), bias(), stride, padding, outputPadding, groups, dilation);
    }

    @Override
    protected String extraRepr() {
        var sb = new StringBuilder().append(inChannels).append(", ").append(outChannels).append(", kernel_size=")
                .append(ConvModules.tuple(kernel)).append(", stride=").append(ConvModules.tuple(stride));
        if (!ConvModules.all(padding, 0)) sb.append(", padding=").append(ConvModules.tuple(padding));
        if (!ConvModules.all(dilation, 1)) sb.append(", dilation=").append(ConvModules.tuple(dilation));
        if (!ConvModules.all(outputPadding, 0)) sb.append(", output_padding=").append(ConvModules.tuple(outputPadding));
        if (groups != 1) sb.append(", groups=").append(groups);
        if (!hasBias) sb.append(", bias=false");
        return sb.toString();
    }
}
