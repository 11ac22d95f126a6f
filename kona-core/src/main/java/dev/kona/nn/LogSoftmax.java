package dev.kona.nn;

import dev.kona.Tensor;

/**
 * {@code log(softmax(x))} along {@code dim}, computed stably; same shape out. The usual head
 * before a negative log-likelihood loss.
 *
 * <pre>{@code
 * new LogSoftmax(1).call(Tensor.of(new float[][] {{0, 0}}));   // [[-0.6931, -0.6931]]
 * }</pre>
 */
public final class LogSoftmax extends Module {
    private final int dim;

    /** @param dim the dimension to normalise (negative counts from the end) */
    public LogSoftmax(int dim) {
        this.dim = dim;
    }

    public int dim() {
        return dim;
    }

    @Override
    public Tensor forward(Tensor input) {
        return F.logSoftmax(input, dim);
    }

    @Override
    protected String extraRepr() {
        return "dim=" + dim;
    }
}
