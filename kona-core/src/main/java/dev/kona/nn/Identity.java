package dev.kona.nn;

import dev.kona.Tensor;

/**
 * Returns its input unchanged: a placeholder where a layer is optional.
 *
 * <pre>{@code
 * Module head = withHead ? new Linear(128, 10) : new Identity();
 * }</pre>
 */
public final class Identity extends Module {
    @Override
    public Tensor forward(Tensor input) {
        return input;
    }
}
