package dev.kona.train;

import dev.kona.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Adds inputs of one shape element-wise, Keras's {@code Add} (residual connections).
 *
 * <pre>{@code
 * KerasTensor x = Input.of(16);
 * KerasTensor y = new Add().apply(List.of(x, new Dense(16, "relu").apply(x)));   // (None, 16)
 * }</pre>
 */
public final class Add extends Merge {
    public Add() {}

    @Override
    protected int[] computeOutputShape(List<int[]> inputShapes) {
        int[] first = inputShapes.get(0);
        for (int[] s : inputShapes) {
            int[] a = s.clone(), b = first.clone();
            a[0] = b[0] = -1;
            if (!Arrays.equals(a, b)) {
                throw new IllegalArgumentException(describe() + ": inputs must all have one shape, got " + shapes(inputShapes));
            }
        }
        int[] out = first.clone();
        out[0] = -1;
        return out;
    }

    @Override
    Tensor merge(List<Tensor> inputs) {
        Tensor sum = inputs.get(0);
        for (int i = 1; i < inputs.size(); i++) sum = sum.add(inputs.get(i));
        return sum;
    }
}
