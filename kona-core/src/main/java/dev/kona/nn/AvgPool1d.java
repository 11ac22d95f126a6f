package dev.kona.nn;

import dev.kona.Tensor;

/**
 * 1-D average pooling over {@code [N, C, L]} (or {@code [C, L]}). See
 * {@link F#avgPool1d(Tensor, int, int, int, boolean, boolean)}.
 *
 * <pre>{@code
 * new AvgPool1d(4).call(Tensor.randn(8, 16, 100)).shape();   // [8, 16, 25]
 * }</pre>
 */
public final class AvgPool1d extends Module {
    private final int kernel, stride, padding;
    private final boolean ceilMode, countIncludePad;

    /** Stride = kernel, no padding. */
    public AvgPool1d(int kernelSize) {
        this(kernelSize, kernelSize, 0, false, true);
    }

    public AvgPool1d(int kernelSize, int stride) {
        this(kernelSize, stride, 0, false, true);
    }

    public AvgPool1d(int kernelSize, int stride, int padding, boolean ceilMode, boolean countIncludePad) {
        this.kernel = kernelSize;
        this.stride = stride;
        this.padding = padding;
        this.ceilMode = ceilMode;
        this.countIncludePad = countIncludePad;
    }

    @Override
    public Tensor forward(Tensor input) {
        return PoolOps.avgPool1d(input, kernel, stride, padding, ceilMode, countIncludePad);
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + ConvModules.tuple(kernel) + ", stride=" + ConvModules.tuple(stride) + ", padding="
                + ConvModules.tuple(padding);
    }
}
