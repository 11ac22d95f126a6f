package dev.kona.nn;

import dev.kona.Tensor;

/**
 * {@code max(x, 0)} elementwise; any shape in, the same shape out.
 *
 * <pre>{@code
 * new ReLU().call(Tensor.of(-1f, 2f));   // [0, 2]
 * }</pre>
 */
public final class ReLU extends Module {
    @Override
    public Tensor forward(Tensor input) {
        return F.relu(input);
    }
}
