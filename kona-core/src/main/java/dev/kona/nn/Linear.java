package dev.kona.nn;

import dev.kona.Generator;
import dev.kona.Tensor;

/**
 * A fully connected layer, {@code y = x · Wᵀ + b}: input {@code [..., inFeatures]}, output
 * {@code [..., outFeatures]}; weight {@code [outFeatures, inFeatures]}, bias {@code [outFeatures]}.
 *
 * <pre>{@code
 * var fc = new Linear(784, 128);
 * Tensor y = fc.call(Tensor.randn(32, 784));    // [32, 128]
 * }</pre>
 *
 * <p>Initialised exactly as PyTorch's: {@code kaiming_uniform_(weight, a=√5)}, which is
 * U(-1/√in, 1/√in), and the bias from the same U(-1/√in, 1/√in).
 */
public final class Linear extends Module {
    private final int inFeatures;
    private final int outFeatures;
    private final boolean hasBias;

    /** A layer with a bias, initialised from the global generator. */
    public Linear(int inFeatures, int outFeatures) {
        this(inFeatures, outFeatures, true, null);
    }

    public Linear(int inFeatures, int outFeatures, boolean bias) {
        this(inFeatures, outFeatures, bias, null);
    }

    /**
     * @param bias      whether to add a learned bias
     * @param generator the source of the initial values (null: the global generator)
     */
    public Linear(int inFeatures, int outFeatures, boolean bias, Generator generator) {
        if (inFeatures < 0 || outFeatures < 0) {
            throw new IllegalArgumentException("Linear: expected non-negative sizes, got in_features=" + inFeatures
                    + ", out_features=" + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.hasBias = bias;
        registerParameter("weight", Tensor.empty(outFeatures, inFeatures));
        if (bias) registerParameter("bias", Tensor.empty(outFeatures));
        resetParameters(generator);
    }

    /** Re-draws the weight and bias as the constructor does. */
    public void resetParameters(Generator generator) {
        initialize(weight(), bias(), inFeatures, generator);
    }

    /** PyTorch's {@code Linear.reset_parameters}, shared with {@link LazyLinear}. */
    static void initialize(Tensor weight, Tensor bias, int inFeatures, Generator generator) {
        if (weight.numel() > 0) Init.kaimingUniform(weight, Math.sqrt(5), Init.Mode.FAN_IN, "leaky_relu", generator);
        if (bias != null) {
            double bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
            Init.uniform(bias, -bound, bound, generator);
        }
    }

    public int inFeatures() {
        return inFeatures;
    }

    public int outFeatures() {
        return outFeatures;
    }

    /** The weight, {@code [outFeatures, inFeatures]}. */
    public Tensor weight() {
        return param("weight");
    }

    /** The bias, {@code [outFeatures]}, or null for a layer without one. */
    public Tensor bias() {
        return hasBias ? param("bias") : null;
    }

    @Override
    public Tensor forward(Tensor input) {
        F.checkLinearInput("Linear(in_features=" + inFeatures + ", out_features=" + outFeatures + ")", input, inFeatures);
        return F.linear(input, weight(), bias());
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + hasBias;
    }
}
