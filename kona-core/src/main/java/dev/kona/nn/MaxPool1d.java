package dev.kona.nn;

import dev.kona.Tensor;

/**
 * 1-D max pooling over {@code [N, C, L]} (or {@code [C, L]}). See
 * {@link F#maxPool1d(Tensor, int, int, int, int, boolean)}.
 *
 * <pre>{@code
 * new MaxPool1d(2).call(Tensor.randn(8, 16, 100)).shape();   // [8, 16, 50]
 * }</pre>
 */
public final class MaxPool1d extends Module {
    private final int kernel, stride, padding, dilation;
    private final boolean ceilMode;

    /** Stride = kernel, no padding. */
    public MaxPool1d(int kernelSize) {
        this(kernelSize, kernelSize, 0, 1, false);
    }

    public MaxPool1d(int kernelSize, int stride) {
        this(kernelSize, stride, 0, 1, false);
    }

    public MaxPool1d(int kernelSize, int stride, int padding, int dilation, boolean ceilMode) {
        this.kernel = kernelSize;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        this.ceilMode = ceilMode;
    }

    @Override
    public Tensor forward(Tensor input) {
        return PoolOps.maxPool1d(input, kernel, stride, padding, dilation, ceilMode);
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + kernel + ", stride=" + stride + ", padding=" + padding + ", dilation=" + dilation
                + ", ceil_mode=" + ceilMode;
    }
}
