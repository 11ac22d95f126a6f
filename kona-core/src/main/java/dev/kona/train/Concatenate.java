package dev.kona.train;

import dev.kona.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Joins inputs along an axis (the last by default), Keras's {@code Concatenate}: the other sizes
 * must agree. {@code [N, 4]} and {@code [N, 3]} give {@code [N, 7]}.
 *
 * <pre>{@code
 * Tensor ab = new Concatenate().call(List.of(Tensor.zeros(2, 4), Tensor.ones(2, 3)));   // [2, 7]
 * }</pre>
 */
public final class Concatenate extends Merge {
    private final int axis;

    /** Joins along the last axis. */
    public Concatenate() {
        this(-1);
    }

    /** Joins along {@code axis} (negative counts from the end; 0, the batch, is not allowed). */
    public Concatenate(int axis) {
        if (axis == 0) throw new IllegalArgumentException("Concatenate: cannot join along the batch axis 0");
        this.axis = axis;
    }

    @Override
    protected int[] computeOutputShape(List<int[]> inputShapes) {
        int rank = inputShapes.get(0).length;
        int a = axis < 0 ? axis + rank : axis;
        if (a <= 0 || a >= rank) {
            throw new IllegalArgumentException(describe() + ": axis " + axis + " is out of range for inputs of rank " + rank);
        }
        int[] out = inputShapes.get(0).clone();
        for (int k = 1; k < inputShapes.size(); k++) {
            int[] s = inputShapes.get(k);
            boolean ok = s.length == rank;
            for (int i = 1; ok && i < rank; i++) ok = i == a || s[i] == out[i] || s[i] < 0 || out[i] < 0;
            if (!ok) {
                throw new IllegalArgumentException(describe() + ": inputs must have the same shape except along axis " + axis
                        + ", got " + shapes(inputShapes));
            }
            out[a] = out[a] < 0 || s[a] < 0 ? -1 : out[a] + s[a];
        }
        out[0] = -1;
        return out;
    }

    @Override
    Tensor merge(List<Tensor> inputs) {
        return Tensor.cat(inputs, axis < 0 ? axis + inputs.get(0).dim() : axis);
    }

    @Override
    public Map<String, Object> getConfig() {
        var c = super.getConfig();
        c.put("axis", (long) axis);
        return c;
    }
}
