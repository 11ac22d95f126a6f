package dev.kona.nn;

import dev.kona.Tensor;

/**
 * {@code x * sigmoid(x)} elementwise (swish); any shape in, the same shape out.
 *
 * <pre>{@code
 * new SiLU().call(Tensor.of(0f, 1f));    // [0, 0.7311]
 * }</pre>
 */
public final class SiLU extends Module {
    @Override
    public Tensor forward(Tensor input) {
        return F.silu(input);
    }
}
