package dev.kona.train;

import dev.kona.Shape;
import dev.kona.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The input of a model (Keras's {@code keras.Input} / {@code InputLayer}): the shape of one sample,
 * without the batch dimension; -1 marks a size that may vary.
 *
 * <pre>{@code
 * var model = new Sequential(new Input(28, 28), new Flatten(), new Dense(10, "softmax"));   // built at once
 *
 * KerasTensor x = Input.of(784);                       // functional API: a symbolic (None, 784)
 * KerasTensor y = new Dense(10, "softmax").apply(x);
 * var functional = new Model(x, y);
 * }</pre>
 *
 * <p>Data given to the model must match: {@code x} of shape {@code [N, 28, 28]} for
 * {@code Input(28, 28)}; anything else fails naming this layer, the expected and the actual shape.
 */
public final class Input extends Layer {
    private final int[] shape;

    /** An input for samples of {@code shape} (no batch dimension). */
    public Input(int... shape) {
        for (int d : shape) {
            if (d == 0 || d < -1) {
                throw new IllegalArgumentException("Input: sizes must be positive (or -1 for a varying size), got "
                        + Shape.format(shape));
            }
        }
        this.shape = shape.clone();
        ensureBuilt(batchShape());
        addNode(List.of(), batchShape());
    }

    /** A symbolic tensor for samples of {@code shape}: the start of a functional model. */
    public static KerasTensor of(int... shape) {
        return new Input(shape).output();
    }

    /** The symbolic tensor this input stands for. */
    public KerasTensor output() {
        return nodes().getFirst().output();
    }

    /** The shape with the batch dimension first, as -1. */
    public int[] batchShape() {
        int[] s = new int[shape.length + 1];
        s[0] = -1;
        System.arraycopy(shape, 0, s, 1, shape.length);
        return s;
    }

    @Override
    protected String typeName() {
        return "InputLayer";
    }

    @Override
    public Input named(String name) {
        super.named(name);
        return this;
    }

    @Override
    boolean nameFrozen() {
        return isAttached();   // built at construction, yet nameable until a model takes it
    }

    @Override
    protected int[] computeOutputShape(int[] inputShape) {
        return inputShape;
    }

    @Override
    protected Tensor call(Tensor inputs, boolean training) {
        check(inputs.shape());
        return inputs;
    }

    /** Fails unless {@code actual} (batch first) matches this input's shape. */
    void check(int[] actual) {
        boolean ok = actual.length == shape.length + 1;
        for (int i = 0; ok && i < shape.length; i++) ok = shape[i] < 0 || shape[i] == actual[i + 1];
        if (!ok) {
            throw new IllegalArgumentException("Input '" + name() + "' expects data of shape " + KerasTensor.format(batchShape())
                    + " (samples of " + Shape.format(shape) + "), got " + Shape.format(actual));
        }
    }

    @Override
    public Map<String, Object> getConfig() {
        var c = super.getConfig();
        c.remove("trainable");
        List<Object> batch = new ArrayList<>();
        for (int d : batchShape()) batch.add(d < 0 ? null : (Object) (long) d);
        c.put("batch_shape", batch);
        c.put("dtype", "float32");
        return c;
    }
}
