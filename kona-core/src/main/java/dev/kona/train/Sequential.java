package dev.kona.train;

import dev.kona.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A stack of layers, each taking the previous one's output, Keras's {@code Sequential}. Start with
 * an {@link Input} to build it (and show shapes in the summary) at once; otherwise it is built at
 * the first data it sees.
 *
 * <pre>{@code
 * var model = new Sequential(
 *         new Input(28, 28),
 *         new Flatten(),
 *         new Dense(128, "relu"),
 *         new Dropout(0.2),
 *         new Dense(10, "softmax"));
 * model.compile("adam", "sparse_categorical_crossentropy", "accuracy");
 * model.summary();
 *
 * var linear = new Sequential().add(new Input(1)).add(new Dense(1));   // or layer by layer
 * }</pre>
 */
public final class Sequential extends Model {
    private Input input;
    private final List<Layer> layers = new ArrayList<>();

    public Sequential() {}

    public Sequential(Layer... layers) {
        this(List.of(layers));
    }

    public Sequential(List<? extends Layer> layers) {
        for (Layer l : layers) add(l);
    }

    /**
     * Appends a layer (an {@link Input} only first). Layer names must be unique in the model. When
     * the model is built, the new layer is built for the current output shape at once. Returns this.
     */
    public Sequential add(Layer layer) {
        if (layer == null) throw new IllegalArgumentException("Sequential.add: layer is null");
        if (layer instanceof Input in) {
            if (input != null || !layers.isEmpty()) {
                throw new IllegalArgumentException("Sequential.add: an Input can only be the first layer of '" + name() + "'");
            }
            input = in;
            in.markAttached();
            ensureBuilt(in.batchShape());
            return this;
        }
        for (Layer l : layers) {
            if (l.name().equals(layer.name())) {
                throw new IllegalArgumentException("Sequential.add: all layer names must be unique; '" + name()
                        + "' already has a layer named '" + layer.name() + "'");
            }
            if (l == layer) throw new IllegalArgumentException("Sequential.add: " + layer.describe() + " is already in the model");
        }
        int[] shape = isBuilt() ? outputShape() : null;
        int[] out = null;
        if (shape != null) {
            layer.ensureBuilt(shape);   // before tracking: a layer that does not fit is not added
            out = layer.outputShapeFor(shape);
        }
        layers.add(track(layer));
        if (out != null) rebuilt(inputShape(), out);
        return this;
    }

    /** The layers, without the Input (as Keras's {@code model.layers}). */
    @Override
    public List<Layer> layers() {
        return Collections.unmodifiableList(layers);
    }

    /** The Input layer given first, or null. */
    public Input input() {
        return input;
    }

    @Override
    protected void build(int[] inputShape) {
        int[] s = inputShape;
        for (Layer l : layers) {
            l.ensureBuilt(s);
            s = l.outputShapeFor(s);
        }
    }

    @Override
    protected int[] computeOutputShape(int[] inputShape) {
        if (input != null) input.check(inputShape);
        int[] s = inputShape;
        for (Layer l : layers) s = l.outputShapeFor(s);
        return s;
    }

    @Override
    protected Tensor call(Tensor inputs, boolean training) {
        if (input != null) input.check(inputs.shape());
        Tensor x = inputs;
        for (Layer l : layers) x = l.call(x);
        return x;
    }

    @Override
    void checkInputs(List<int[]> shapes) {
        if (input != null && !shapes.isEmpty()) input.check(shapes.getFirst());
    }

    @Override
    Layer outputLayer(int i) {
        return layers.isEmpty() ? this : layers.getLast();
    }

    @Override
    Activations outputActivation() {
        return layers.isEmpty() ? null : layers.getLast().outputActivation();
    }

    @Override
    Tensor callLogits(Tensor inputs, boolean training) {
        if (!isBuilt()) ensureBuilt(inputs.shape());
        if (input != null) input.check(inputs.shape());
        Tensor x = inputs;
        for (int i = 0; i < layers.size() - 1; i++) x = layers.get(i).call(x);
        return layers.getLast().callLogits(x, training);
    }

    @Override
    protected String extraRepr() {
        return "name=" + name() + (input != null ? ", input=" + Arrays.toString(input.batchShape()) : "");
    }
}
