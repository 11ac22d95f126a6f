package dev.kona.train;

import dev.kona.Tensor;

/**
 * Flattens each sample to one dimension, Keras's {@code Flatten}: {@code [batch, d1, d2, ...]} to
 * {@code [batch, d1·d2·...]} ({@code [batch]} to {@code [batch, 1]}). No weights.
 *
 * <pre>{@code
 * new Flatten().call(Tensor.zeros(32, 28, 28)).shape();   // [32, 784]
 * }</pre>
 */
public final class Flatten extends Layer {
    public Flatten() {}

    @Override
    protected int[] computeOutputShape(int[] inputShape) {
        long n = 1;
        for (int i = 1; i < inputShape.length; i++) {
            if (inputShape[i] < 0) return new int[] {inputShape[0], -1};
            n *= inputShape[i];
        }
        return new int[] {inputShape[0], Math.toIntExact(n)};
    }

    @Override
    protected Tensor call(Tensor inputs, boolean training) {
        if (inputs.dim() == 0) throw new IllegalArgumentException(describe() + ": expected a batch, got a 0-d tensor");
        if (inputs.dim() == 1) return inputs.reshape(inputs.size(0), 1);
        return inputs.dim() == 2 ? inputs : inputs.flatten(1, -1);
    }
}
