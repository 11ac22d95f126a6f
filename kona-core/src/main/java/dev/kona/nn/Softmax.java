package dev.kona.nn;

import dev.kona.Tensor;

/**
 * {@code exp(x) / sum(exp(x))} along {@code dim}: same shape out, summing to one along that dimension.
 *
 * <pre>{@code
 * new Softmax(-1).call(Tensor.of(new float[][] {{1, 1}}));   // [[0.5, 0.5]]
 * }</pre>
 */
public final class Softmax extends Module {
    private final int dim;

    /** @param dim the dimension to normalise (negative counts from the end) */
    public Softmax(int dim) {
        this.dim = dim;
    }

    public int dim() {
        return dim;
    }

    @Override
    public Tensor forward(Tensor input) {
        return F.softmax(input, dim);
    }

    @Override
    protected String extraRepr() {
        return "dim=" + dim;
    }
}
