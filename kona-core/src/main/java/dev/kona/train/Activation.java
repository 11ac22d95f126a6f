package dev.kona.train;

import dev.kona.Tensor;
import java.util.Map;

/**
 * Applies an activation function by name, Keras's {@code Activation}. Same shape in and out.
 *
 * <pre>{@code
 * var model = new Sequential(new Input(20), new Dense(10), new Activation("softmax"));
 * new Activation("relu").call(Tensor.of(-1f, 2f));   // [0, 2]
 * }</pre>
 */
public final class Activation extends Layer {
    private final Activations fn;

    /** @param name a name known to {@link Activations#get}; unknown names fail listing the known ones */
    public Activation(String name) {
        try {
            this.fn = Activations.get(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Activation: " + e.getMessage(), e);
        }
    }

    public Activations function() {
        return fn;
    }

    @Override
    protected int[] computeOutputShape(int[] inputShape) {
        return inputShape;
    }

    @Override
    protected Tensor call(Tensor inputs, boolean training) {
        return fn.apply(inputs);
    }

    @Override
    Activations outputActivation() {
        return fn;
    }

    @Override
    Tensor callLogits(Tensor input, boolean training) {
        if (!isBuilt()) ensureBuilt(input.shape());
        return input;
    }

    @Override
    public Map<String, Object> getConfig() {
        var c = super.getConfig();
        c.put("activation", fn.kerasName());
        return c;
    }

    @Override
    protected String extraRepr() {
        return fn.kerasName();
    }
}
