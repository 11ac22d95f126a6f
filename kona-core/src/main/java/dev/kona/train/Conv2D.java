package dev.kona.train;

/**
 * Keras's {@code Conv2D}: a 2-D convolution over channels-last images, {@code [batch, rows, cols,
 * channels] -> [batch, outRows, outCols, filters]}, then the activation. Kernel {@code [kh, kw,
 * channels/groups, filters]} (Keras's layout, {@code glorot_uniform}), bias {@code [filters]}
 * (zeros), created at the first input. Padding {@code "valid"} (none: {@code out = floor((n -
 * dilation*(k-1) - 1) / stride) + 1}) or {@code "same"} ({@code out = ceil(n / stride)}, padded as
 * TensorFlow, the odd pixel after).
 *
 * <pre>{@code
 * var model = new Sequential(new Input(28, 28, 1), new Conv2D(32, 3, "relu"), new MaxPooling2D(2), new Flatten(), new Dense(10));
 * new Conv2D(32, 3, "relu").call(Tensor.zeros(8, 28, 28, 1)).shape();   // [8, 26, 26, 32]; 320 parameters
 * }</pre>
 */
public final class Conv2D extends ConvLayer {
    /** A square kernel, stride 1, padding "valid", no activation, with a bias. */
    public Conv2D(int filters, int kernelSize) {
        this(filters, kernelSize, "linear");
    }

    /** A square kernel, stride 1, padding "valid", with {@code activation} and a bias. */
    public Conv2D(int filters, int kernelSize, String activation) {
        this(filters, new int[] {kernelSize}, new int[] {1}, "valid", new int[] {1}, 1, activation, true);
    }

    /** A square kernel and stride with {@code padding} ("valid" or "same") and {@code activation}. */
    public Conv2D(int filters, int kernelSize, int strides, String padding, String activation) {
        this(filters, new int[] {kernelSize}, new int[] {strides}, padding, new int[] {1}, 1, activation, true);
    }

    /**
     * Every argument, in Keras's order (data_format is always channels_last). Sizes take 1 value (both
     * axes) or 2 (rows, cols).
     */
    public Conv2D(int filters, int[] kernelSize, int[] strides, String padding, int[] dilationRate, int groups,
                  String activation, boolean useBias) {
        super(2, filters, kernelSize, strides, padding, dilationRate, groups, activation, useBias);
    }

    @Override
    public Conv2D kernelInitializer(String name) {
        super.kernelInitializer(name);
        return this;
    }

    @Override
    public Conv2D biasInitializer(String name) {
        super.biasInitializer(name);
        return this;
    }
}
