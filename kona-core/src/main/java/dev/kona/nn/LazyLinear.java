package dev.kona.nn;

import dev.kona.DType;
import dev.kona.Generator;
import dev.kona.Tensor;

/**
 * A {@link Linear} whose input size is learned from the first input it sees (Keras's build step):
 * input {@code [..., in]}, output {@code [..., outFeatures]}. The weight and bias are created at
 * the first {@link #call}, in the input's dtype, and initialised as {@link Linear}'s; until then
 * the layer has no parameters (call {@link #build} first to load a state dict into a fresh one).
 *
 * <pre>{@code
 * var fc = new LazyLinear(10);
 * fc.call(Tensor.randn(32, 128));   // builds weight [10, 128] and bias [10]
 * fc.inFeatures();                  // 128
 * }</pre>
 */
public final class LazyLinear extends Module {
    private final int outFeatures;
    private final boolean hasBias;
    private final Generator generator;
    private int inFeatures = -1;

    public LazyLinear(int outFeatures) {
        this(outFeatures, true, null);
    }

    public LazyLinear(int outFeatures, boolean bias) {
        this(outFeatures, bias, null);
    }

    /** @param generator the source of the initial values (null: the global generator at build time) */
    public LazyLinear(int outFeatures, boolean bias, Generator generator) {
        if (outFeatures < 0) throw new IllegalArgumentException("LazyLinear: expected out_features >= 0, got " + outFeatures);
        this.outFeatures = outFeatures;
        this.hasBias = bias;
        this.generator = generator;
    }

    /** True once the parameters exist. */
    public boolean isBuilt() {
        return inFeatures >= 0;
    }

    /**
     * Creates the float32 parameters for inputs of {@code inFeatures} features; a no-op when
     * already built with that size. Returns this.
     */
    public LazyLinear build(int inFeatures) {
        return build(inFeatures, DType.DEFAULT_FLOAT);
    }

    private LazyLinear build(int in, DType dtype) {
        if (isBuilt()) {
            if (in != inFeatures) {
                throw new IllegalStateException(describe() + ": already built for in_features=" + inFeatures
                        + ", cannot rebuild for " + in);
            }
            return this;
        }
        if (in < 0) throw new IllegalArgumentException(describe() + ": expected in_features >= 0, got " + in);
        Tensor w = registerParameter("weight", Tensor.empty(new int[] {outFeatures, in}, dtype, device()));
        Tensor b = hasBias ? registerParameter("bias", Tensor.empty(new int[] {outFeatures}, dtype, device())) : null;
        inFeatures = in;
        Linear.initialize(w, b, in, generator);
        return this;
    }

    /** The input size, or -1 before the layer is built. */
    public int inFeatures() {
        return inFeatures;
    }

    public int outFeatures() {
        return outFeatures;
    }

    @Override
    public Tensor forward(Tensor input) {
        if (!isBuilt()) {
            if (input.dim() == 0) {
                throw new IllegalArgumentException(describe() + ": expected an input of at least 1 dimension, got a scalar");
            }
            build(input.size(-1), input.dtype().isFloatingPoint() ? input.dtype() : DType.DEFAULT_FLOAT);
        }
        F.checkLinearInput(describe(), input, inFeatures);
        return F.linear(input, param("weight"), hasBias ? param("bias") : null);
    }

    private String describe() {
        return "LazyLinear(in_features=" + (isBuilt() ? inFeatures : "?") + ", out_features=" + outFeatures + ")";
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + (isBuilt() ? inFeatures : "?") + ", out_features=" + outFeatures + ", bias=" + hasBias;
    }
}
