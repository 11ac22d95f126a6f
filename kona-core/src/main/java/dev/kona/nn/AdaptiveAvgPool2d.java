package dev.kona.nn;

import dev.kona.Tensor;

/**
 * Average pooling to a fixed output size whatever the input's: {@code [N, C, H, W] -> [N, C, oh, ow]}.
 * {@code new AdaptiveAvgPool2d(1)} is global average pooling keeping the spatial dimensions. See
 * {@link F#adaptiveAvgPool2d(Tensor, int[])}.
 *
 * <pre>{@code
 * new AdaptiveAvgPool2d(1).call(Tensor.randn(8, 512, 7, 7)).shape();   // [8, 512, 1, 1]
 * }</pre>
 */
public final class AdaptiveAvgPool2d extends Module {
    private final int[] outputSize;

    public AdaptiveAvgPool2d(int outputSize) {
        this(new int[] {outputSize});
    }

    /** @param outputSize 1 value (both axes) or 2 (height, width) */
    public AdaptiveAvgPool2d(int[] outputSize) {
        this.outputSize = outputSize.clone();
        ConvOps.checkAtLeast("AdaptiveAvgPool2d", "output_size", ConvOps.pair("AdaptiveAvgPool2d", "output_size", outputSize), 1);
    }

    @Override
    public Tensor forward(Tensor input) {
        return PoolOps.adaptiveAvgPool2d(input, outputSize);
    }

    @Override
    protected String extraRepr() {
        return "output_size=" + ConvModules.asGiven(outputSize);
    }
}
