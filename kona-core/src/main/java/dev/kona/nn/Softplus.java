package dev.kona.nn;

import dev.kona.Tensor;

/**
 * {@code log(1 + exp(beta * x)) / beta}, reverting to {@code x} where {@code beta * x > threshold}
 * for stability; any shape in, the same shape out.
 *
 * <pre>{@code
 * new Softplus().call(Tensor.of(0f));    // [0.6931]
 * }</pre>
 */
public final class Softplus extends Module {
    private final double beta;
    private final double threshold;

    /** With PyTorch's defaults, beta = 1 and threshold = 20. */
    public Softplus() {
        this(1.0, 20.0);
    }

    public Softplus(double beta, double threshold) {
        if (!(beta > 0)) throw new IllegalArgumentException("Softplus: beta must be > 0, got " + beta);
        this.beta = beta;
        this.threshold = threshold;
    }

    @Override
    public Tensor forward(Tensor input) {
        return F.softplus(input, beta, threshold);
    }

    @Override
    protected String extraRepr() {
        return "beta=" + beta + ", threshold=" + threshold;
    }
}
