package dev.kona.nn;

import dev.kona.Tensor;

/**
 * 2-D average pooling over {@code [N, C, H, W]} (or {@code [C, H, W]}). See
 * {@link F#avgPool2d(Tensor, int[], int[], int[], boolean, boolean)}.
 *
 * <pre>{@code
 * new AvgPool2d(2).call(Tensor.randn(8, 32, 24, 24)).shape();   // [8, 32, 12, 12]
 * }</pre>
 */
public final class AvgPool2d extends Module {
    private final int[] kernel, stride, padding;
    private final boolean ceilMode, countIncludePad;

    /** Stride = kernel, no padding. */
    public AvgPool2d(int kernelSize) {
        this(new int[] {kernelSize}, new int[] {kernelSize}, new int[] {0}, false, true);
    }

    public AvgPool2d(int kernelSize, int stride) {
        this(new int[] {kernelSize}, new int[] {stride}, new int[] {0}, false, true);
    }

    public AvgPool2d(int kernelSize, int stride, int padding) {
        this(new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, false, true);
    }

    /**
     * Each array takes 1 value (both axes) or 2 (height, width); {@code stride} null means the
     * kernel size; {@code countIncludePad} (PyTorch's default: true) counts padding in the divisor.
     */
    public AvgPool2d(int[] kernelSize, int[] stride, int[] padding, boolean ceilMode, boolean countIncludePad) {
        this.kernel = kernelSize.clone();
        this.stride = stride == null ? kernelSize.clone() : stride.clone();
        this.padding = padding.clone();
        this.ceilMode = ceilMode;
        this.countIncludePad = countIncludePad;
        ConvOps.pair("AvgPool2d", "kernel_size", this.kernel);
        ConvOps.pair("AvgPool2d", "stride", this.stride);
        ConvOps.pair("AvgPool2d", "padding", this.padding);
    }

    @Override
    public Tensor forward(Tensor input) {
        return PoolOps.avgPool2d(input, kernel, stride, padding, ceilMode, countIncludePad);
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + ConvModules.asGiven(kernel) + ", stride=" + ConvModules.asGiven(stride) + ", padding="
                + ConvModules.asGiven(padding);
    }
}
