package dev.kona.train;

/**
 * Keras's {@code Conv1D}: a 1-D convolution over channels-last sequences, {@code [batch, steps,
 * channels] -> [batch, outSteps, filters]}, then the activation. Kernel {@code [k, channels/groups,
 * filters]} (Keras's layout, {@code glorot_uniform}), bias {@code [filters]}, created at the first
 * input. Padding {@code "valid"} or {@code "same"} (as {@link Conv2D}).
 *
 * <pre>{@code
 * new Conv1D(16, 5, "relu").call(Tensor.zeros(4, 100, 8)).shape();   // [4, 96, 16]; 5*8*16 + 16 = 656 parameters
 * }</pre>
 */
public final class Conv1D extends ConvLayer {
    /** Stride 1, padding "valid", no activation, with a bias. */
    public Conv1D(int filters, int kernelSize) {
        this(filters, kernelSize, "linear");
    }

    /** Stride 1, padding "valid", with {@code activation} and a bias. */
    public Conv1D(int filters, int kernelSize, String activation) {
        this(filters, kernelSize, 1, "valid", 1, 1, activation, true);
    }

    /** Every argument, in Keras's order (data_format is always channels_last). */
    public Conv1D(int filters, int kernelSize, int strides, String padding, int dilationRate, int groups, String activation,
                  boolean useBias) {
        super(1, filters, new int[] {kernelSize}, new int[] {strides}, padding, new int[] {dilationRate}, groups, activation, useBias);
    }

    @Override
    public Conv1D kernelInitializer(String name) {
        super.kernelInitializer(name);
        return this;
    }

    @Override
    public Conv1D biasInitializer(String name) {
        super.biasInitializer(name);
        return this;
    }
}
