package dev.kona.nn;

import dev.kona.Tensor;

/**
 * Merges dimensions {@code startDim..endDim} into one: by default every dimension but the batch,
 * so {@code [N, C, H, W]} becomes {@code [N, C·H·W]}. A view when the input's layout allows it.
 *
 * <pre>{@code
 * new Flatten().call(Tensor.zeros(32, 1, 28, 28)).shape();   // [32, 784]
 * }</pre>
 */
public final class Flatten extends Module {
    private final int startDim;
    private final int endDim;

    /** Flattens all dimensions but the first. */
    public Flatten() {
        this(1, -1);
    }

    public Flatten(int startDim, int endDim) {
        this.startDim = startDim;
        this.endDim = endDim;
    }

    @Override
    public Tensor forward(Tensor input) {
        return F.flatten(input, startDim, endDim);
    }

    @Override
    protected String extraRepr() {
        return "start_dim=" + startDim + ", end_dim=" + endDim;
    }
}
