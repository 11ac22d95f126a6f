package dev.kona.nn;

import dev.kona.Tensor;

/**
 * {@code x} where positive, {@code alpha * (exp(x) - 1)} elsewhere; any shape in, the same shape out.
 *
 * <pre>{@code
 * new ELU().call(Tensor.of(-1f, 2f));    // [-0.6321, 2]
 * }</pre>
 */
public final class ELU extends Module {
    private final double alpha;

    /** With alpha = 1. */
    public ELU() {
        this(1.0);
    }

    public ELU(double alpha) {
        if (!Double.isFinite(alpha)) throw new IllegalArgumentException("ELU: alpha must be finite, got " + alpha);
        this.alpha = alpha;
    }

    public double alpha() {
        return alpha;
    }

    @Override
    public Tensor forward(Tensor input) {
        return F.elu(input, alpha);
    }

    @Override
    protected String extraRepr() {
        return "alpha=" + alpha;
    }
}
