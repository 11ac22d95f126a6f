package dev.kona.nn;

import dev.kona.Tensor;

/**
 * {@code x} where positive, {@code negativeSlope * x} elsewhere; any shape in, the same shape out.
 *
 * <pre>{@code
 * new LeakyReLU(0.1).call(Tensor.of(-2f, 3f));   // [-0.2, 3]
 * }</pre>
 */
public final class LeakyReLU extends Module {
    private final double negativeSlope;

    /** With PyTorch's default slope, 0.01. */
    public LeakyReLU() {
        this(0.01);
    }

    public LeakyReLU(double negativeSlope) {
        if (!Double.isFinite(negativeSlope)) {
            throw new IllegalArgumentException("LeakyReLU: negative_slope must be finite, got " + negativeSlope);
        }
        this.negativeSlope = negativeSlope;
    }

    public double negativeSlope() {
        return negativeSlope;
    }

    @Override
    public Tensor forward(Tensor input) {
        return F.leakyRelu(input, negativeSlope);
    }

    @Override
    protected String extraRepr() {
        return "negative_slope=" + negativeSlope;
    }
}
