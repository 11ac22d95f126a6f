package dev.kona.nn;

import dev.kona.Tensor;

/**
 * 2-D max pooling over {@code [N, C, H, W]} (or {@code [C, H, W]}): the largest element of each
 * window. See {@link F#maxPool2d(Tensor, int[], int[], int[], int[], boolean)}.
 *
 * <pre>{@code
 * new MaxPool2d(2).call(Tensor.randn(8, 32, 24, 24)).shape();   // [8, 32, 12, 12]
 * }</pre>
 */
public final class MaxPool2d extends Module {
    private final int[] kernel, stride, padding, dilation;
    private final boolean ceilMode;

    /** Stride = kernel, no padding. */
    public MaxPool2d(int kernelSize) {
        this(new int[] {kernelSize}, new int[] {kernelSize}, new int[] {0}, new int[] {1}, false);
    }

    public MaxPool2d(int kernelSize, int stride) {
        this(new int[] {kernelSize}, new int[] {stride}, new int[] {0}, new int[] {1}, false);
    }

    public MaxPool2d(int kernelSize, int stride, int padding) {
        this(new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, new int[] {1}, false);
    }

    /**
     * Each array takes 1 value (both axes) or 2 (height, width); {@code stride} null means the
     * kernel size.
     */
    public MaxPool2d(int[] kernelSize, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        this.kernel = kernelSize.clone();
        this.stride = stride == null ? kernelSize.clone() : stride.clone();
        this.padding = padding.clone();
        this.dilation = dilation.clone();
        this.ceilMode = ceilMode;
        ConvOps.pair("MaxPool2d", "kernel_size", this.kernel);
        ConvOps.pair("MaxPool2d", "stride", this.stride);
        ConvOps.pair("MaxPool2d", "padding", this.padding);
        ConvOps.pair("MaxPool2d", "dilation", this.dilation);
    }

    @Override
    public Tensor forward(Tensor input) {
        return PoolOps.maxPool2d(input, kernel, stride, padding, dilation, ceilMode);
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + ConvModules.asGiven(kernel) + ", stride=" + ConvModules.asGiven(stride) + ", padding="
                + ConvModules.asGiven(padding) + ", dilation=" + ConvModules.asGiven(dilation) + ", ceil_mode=" + ceilMode;
    }
}
