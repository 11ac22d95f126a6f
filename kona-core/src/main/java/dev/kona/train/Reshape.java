package dev.kona.train;

import dev.kona.Shape;
import dev.kona.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reshapes each sample, Keras's {@code Reshape}: {@code [batch, ...]} to {@code [batch, targetShape...]};
 * one size may be -1, inferred from the others. No weights.
 *
 * <pre>{@code
 * new Reshape(28, 28).call(Tensor.zeros(32, 784)).shape();   // [32, 28, 28]
 * new Reshape(-1, 7).call(Tensor.zeros(32, 28)).shape();     // [32, 4, 7]
 * }</pre>
 */
public final class Reshape extends Layer {
    private final int[] targetShape;

    public Reshape(int... targetShape) {
        int unknown = 0;
        for (int d : targetShape) {
            if (d == -1) unknown++;
            else if (d <= 0) {
                throw new IllegalArgumentException("Reshape: sizes must be positive or -1, got " + Shape.format(targetShape));
            }
        }
        if (unknown > 1) {
            throw new IllegalArgumentException("Reshape: at most one size can be -1, got " + Shape.format(targetShape));
        }
        this.targetShape = targetShape.clone();
    }

    public int[] targetShape() {
        return targetShape.clone();
    }

    @Override
    protected int[] computeOutputShape(int[] inputShape) {
        long n = 1;
        for (int i = 1; i < inputShape.length; i++) {
            if (inputShape[i] < 0) n = -1;
            else if (n > 0) n *= inputShape[i];
        }
        int[] out = new int[targetShape.length + 1];
        out[0] = inputShape[0];
        System.arraycopy(resolve(n, KerasTensor.format(inputShape)), 0, out, 1, targetShape.length);
        return out;
    }

    /** The target shape with -1 resolved for {@code perSample} values (-1 when unknown). */
    private int[] resolve(long perSample, String input) {
        int[] t = targetShape.clone();
        long known = 1;
        int free = -1;
        for (int i = 0; i < t.length; i++) {
            if (t[i] == -1) free = i;
            else known *= t[i];
        }
        if (perSample < 0) return t;
        if (free >= 0 ? perSample % known != 0 : perSample != known) {
            throw new IllegalArgumentException(describe() + ": cannot reshape input " + input + " (" + perSample
                    + " values per sample) to " + KerasTensor.format(withBatch(t)) + " (" + (free >= 0 ? "a multiple of " + known
                    : known) + " values)");
        }
        if (free >= 0) t[free] = Math.toIntExact(perSample / known);
        return t;
    }

    private static int[] withBatch(int[] t) {
        int[] s = new int[t.length + 1];
        s[0] = -1;
        System.arraycopy(t, 0, s, 1, t.length);
        return s;
    }

    @Override
    protected Tensor call(Tensor inputs, boolean training) {
        long perSample = inputs.dim() == 0 ? 1 : inputs.numel() / Math.max(1, inputs.size(0));
        if (inputs.dim() > 0 && inputs.size(0) == 0) {
            perSample = 1;
            for (int i = 1; i < inputs.dim(); i++) perSample *= inputs.size(i);
        }
        int[] t = resolve(perSample, Shape.format(inputs.shape()));
        int[] shape = new int[t.length + 1];
        shape[0] = inputs.size(0);
        System.arraycopy(t, 0, shape, 1, t.length);
        return inputs.reshape(shape);
    }

    @Override
    public Map<String, Object> getConfig() {
        var c = super.getConfig();
        List<Object> t = new ArrayList<>();
        for (int d : targetShape) t.add((long) d);
        c.put("target_shape", t);
        return c;
    }
}
