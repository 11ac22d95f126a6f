package dev.kona.nn;

import dev.kona.Tensor;

/**
 * Gaussian error linear unit, {@code x * Φ(x)}, exact ({@code "none"}) or with the tanh
 * approximation ({@code "tanh"}); any shape in, the same shape out.
 *
 * <pre>{@code
 * new GELU().call(Tensor.of(1f));          // [0.8413]
 * new GELU("tanh").call(Tensor.of(1f));    // [0.8412]
 * }</pre>
 */
public final class GELU extends Module {
    private final String approximate;

    /** The exact form. */
    public GELU() {
        this("none");
    }

    /** @param approximate {@code "none"} or {@code "tanh"} */
    public GELU(String approximate) {
        try {
            this.approximate = F.checkApproximate(approximate);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("GELU: " + e.getMessage().substring("gelu: ".length()), e);
        }
    }

    public String approximate() {
        return approximate;
    }

    @Override
    public Tensor forward(Tensor input) {
        return F.gelu(input, approximate);
    }

    @Override
    protected String extraRepr() {
        return "approximate='" + approximate + "'";
    }
}
