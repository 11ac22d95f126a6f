package dev.kona.train;

import dev.kona.Shape;
import dev.kona.Tensor;
import java.util.Map;

/**
 * A densely connected layer, Keras's {@code Dense}: {@code activation(inputs · kernel + bias)} with
 * kernel {@code [inputs, units]} and bias {@code [units]}, created at the first input (the input
 * size need not be given). Input {@code [batch, ..., inputs]}, output {@code [batch, ..., units]}.
 *
 * <pre>{@code
 * var dense = new Dense(128, "relu");
 * Tensor y = dense.call(Tensor.randn(32, 784));      // builds kernel [784, 128], bias [128]; y [32, 128]
 * dense.countParams();                                // 100480
 * }</pre>
 *
 * <p>Initialised as Keras: {@code glorot_uniform} kernel, zero bias (change with
 * {@link #kernelInitializer} and {@link #biasInitializer} before the layer is built).
 */
public final class Dense extends Layer {
    private final int units;
    private final Activations activation;
    private final boolean useBias;
    private Initializers kernelInitializer = Initializers.GLOROT_UNIFORM;
    private Initializers biasInitializer = Initializers.ZEROS;
    private int inFeatures = -1;

    /** A linear layer (no activation) with a bias. */
    public Dense(int units) {
        this(units, "linear", true);
    }

    /** @param activation a name known to {@link Activations#get}, e.g. {@code "relu"}, {@code "softmax"} */
    public Dense(int units, String activation) {
        this(units, activation, true);
    }

    public Dense(int units, String activation, boolean useBias) {
        if (units <= 0) throw new IllegalArgumentException("Dense: units must be positive, got " + units);
        this.units = units;
        try {
            this.activation = Activations.get(activation);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Dense: " + e.getMessage(), e);
        }
        this.useBias = useBias;
    }

    /** Sets the kernel's initialiser by Keras name (before the layer is built). Returns this. */
    public Dense kernelInitializer(String name) {
        requireUnbuilt("kernelInitializer");
        kernelInitializer = Initializers.get(name);
        return this;
    }

    /** Sets the bias's initialiser by Keras name (before the layer is built). Returns this. */
    public Dense biasInitializer(String name) {
        requireUnbuilt("biasInitializer");
        biasInitializer = Initializers.get(name);
        return this;
    }

    private void requireUnbuilt(String what) {
        if (isBuilt()) throw new IllegalStateException(describe() + "." + what + ": the layer is already built");
    }

    public int units() {
        return units;
    }

    public Activations activation() {
        return activation;
    }

    /** The kernel {@code [inputs, units]}, or null before the layer is built. */
    public Tensor kernel() {
        return isBuilt() ? param("kernel") : null;
    }

    /** The bias {@code [units]}, or null without one or before the layer is built. */
    public Tensor bias() {
        return isBuilt() && useBias ? param("bias") : null;
    }

    @Override
    protected void build(int[] inputShape) {
        if (inputShape.length < 2 || inputShape[inputShape.length - 1] < 0) {
            throw new IllegalArgumentException(describe() + ": expected inputs of shape (None, ..., features) with a known "
                    + "number of features, got " + KerasTensor.format(inputShape));
        }
        inFeatures = inputShape[inputShape.length - 1];
        addWeight("kernel", new int[] {inFeatures, units}, kernelInitializer);
        if (useBias) addWeight("bias", new int[] {units}, biasInitializer);
    }

    @Override
    protected int[] computeOutputShape(int[] inputShape) {
        if (inputShape.length < 2 || (inFeatures >= 0 && inputShape[inputShape.length - 1] != inFeatures)) {
            throw new IllegalArgumentException(mismatch(KerasTensor.format(inputShape)));
        }
        int[] out = inputShape.clone();
        out[out.length - 1] = units;
        return out;
    }

    private String mismatch(String got) {
        return describe() + ": expected input with last dimension " + inFeatures + " (the layer was built for "
                + KerasTensor.format(inputShape()) + "), got shape " + got;
    }

    @Override
    protected Tensor call(Tensor inputs, boolean training) {
        return activation.apply(linear(inputs));
    }

    private Tensor linear(Tensor x) {
        if (x.dim() < 2 || x.size(-1) != inFeatures) throw new IllegalArgumentException(mismatch(Shape.format(x.shape())));
        Tensor y = x.matmul(param("kernel"));
        return useBias ? y.add(param("bias")) : y;
    }

    @Override
    Activations outputActivation() {
        return activation;
    }

    @Override
    Tensor callLogits(Tensor input, boolean training) {
        if (!isBuilt()) ensureBuilt(input.shape());
        return traced(() -> linear(input));
    }

    @Override
    public Map<String, Object> getConfig() {
        var c = super.getConfig();
        c.put("units", (long) units);
        c.put("activation", activation.kerasName());
        c.put("use_bias", useBias);
        c.put("kernel_initializer", kernelInitializer.kerasName());
        c.put("bias_initializer", biasInitializer.kerasName());
        return c;
    }

    @Override
    protected String extraRepr() {
        return "units=" + units + ", activation=" + activation.kerasName() + ", use_bias=" + useBias;
    }
}
