package dev.kona.nn;

import dev.kona.Tensor;

/**
 * {@code 1 / (1 + exp(-x))} elementwise; any shape in, the same shape out.
 *
 * <pre>{@code
 * new Sigmoid().call(Tensor.of(0f));     // [0.5]
 * }</pre>
 */
public final class Sigmoid extends Module {
    @Override
    public Tensor forward(Tensor input) {
        return F.sigmoid(input);
    }
}
