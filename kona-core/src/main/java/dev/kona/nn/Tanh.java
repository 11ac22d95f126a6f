package dev.kona.nn;

import dev.kona.Tensor;

/**
 * Hyperbolic tangent elementwise; any shape in, the same shape out.
 *
 * <pre>{@code
 * new Tanh().call(Tensor.of(0f, 100f));  // [0, 1]
 * }</pre>
 */
public final class Tanh extends Module {
    @Override
    public Tensor forward(Tensor input) {
        return F.tanh(input);
    }
}
