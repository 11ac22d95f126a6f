package dev.kona.train;

import dev.kona.Shape;
import dev.kona.Tensor;
import java.util.List;

/**
 * Layers that combine several inputs into one: {@link Concatenate} and {@link Add}. Call them with
 * a list, eagerly ({@code call(List.of(a, b))}) or symbolically ({@code apply(List.of(x1, x2))}).
 *
 * <pre>{@code
 * KerasTensor a = Input.of(4), b = Input.of(3);
 * KerasTensor ab = new Concatenate().apply(List.of(a, b));   // (None, 7)
 * }</pre>
 */
public abstract sealed class Merge extends Layer permits Concatenate, Add {
    Merge() {}

    /** Combines the inputs (at least two). */
    abstract Tensor merge(List<Tensor> inputs);

    @Override
    public final Tensor call(List<Tensor> inputs) {
        if (inputs.size() < 2) {
            throw new IllegalArgumentException(describe() + " combines at least 2 inputs, got " + inputs.size());
        }
        if (!isBuilt()) ensureBuilt(inputs.stream().map(Tensor::shape).toList());
        return traced(() -> merge(inputs));
    }

    @Override
    protected final Tensor call(Tensor inputs, boolean training) {
        throw new IllegalArgumentException(describe() + " combines several inputs: call it with a list, got one tensor of shape "
                + Shape.format(inputs.shape()));
    }

    @Override
    protected final int[] computeOutputShape(int[] inputShape) {
        throw new IllegalArgumentException(describe() + " combines several inputs: apply it to a list of tensors");
    }

    static String shapes(List<int[]> shapes) {
        return shapes.stream().map(KerasTensor::format).toList().toString();
    }
}
