package dev.kona.train;

import dev.kona.DType;
import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.autograd.Autograd;
import dev.kona.autograd.GradMode;
import dev.kona.nn.Module;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Base class of the Keras-style layers. A layer stores its configuration when constructed,
 * creates its weights in {@link #build(int[])} when the input shape is first known, and computes
 * in {@link #call(Tensor, boolean)}. It is a {@link Module}: it has {@code parameters()},
 * {@code stateDict()}, {@code train()}/{@code eval()}, and runs with {@link #call(Tensor)}.
 *
 * <pre>{@code
 * final class Scale extends Layer {                 // y = x * w, one weight per feature
 *     private Tensor w;
 *
 *     @Override
 *     protected void build(int[] inputShape) {      // inputShape: [-1, features] (-1 = batch)
 *         w = addWeight("w", new int[] {inputShape[inputShape.length - 1]}, Initializers.ONES);
 *     }
 *
 *     @Override
 *     protected Tensor call(Tensor inputs, boolean training) {
 *         return inputs.mul(w);
 *     }
 * }
 * Tensor y = new Scale().call(Tensor.randn(32, 8));  // builds w [8], then computes [32, 8]
 * }</pre>
 *
 * <p>Shapes: a layer's shapes include the batch dimension first, {@code -1} when unknown (Keras's
 * {@code None}). Names: a layer is named after its class in snake_case, numbered per session
 * ({@code dense}, {@code dense_1}...), or as set with {@link #named}; {@link #resetNames()} starts
 * the numbering again (Keras's {@code clear_session}). Functional API: {@link #apply(KerasTensor)}
 * calls the layer on a symbolic {@link KerasTensor}, building it for that shape.
 *
 * <p>Weights made by {@link #addWeight} belong to no {@link dev.kona.MemoryScope}, so a layer
 * built during a scoped training step keeps them.
 */
public abstract class Layer extends Module {
    private String name;
    private boolean trainable = true;
    private int[] inputShape;
    private int[] outputShape;
    private final List<LayerNode> nodes = new ArrayList<>();
    private boolean attached;

    protected Layer() {}

    // ---------------------------------------------------------------- identity

    /** The layer's name: given with {@link #named}, or the class's snake_case name numbered per session. */
    public final String name() {
        if (name == null) name = Names.unique(Names.snake(className()));
        return name;
    }

    /**
     * Names the layer (as Keras's {@code name=} argument); only before it is built, called or
     * added to a model. Returns this.
     */
    public Layer named(String name) {
        if (name == null || name.isEmpty() || name.contains(".") || name.contains("/")) {
            throw new IllegalArgumentException(className() + ".named: a layer name must be non-empty, without '.' or '/', got '"
                    + name + "'");
        }
        if (nameFrozen()) {
            throw new IllegalStateException(className() + ".named: layer '" + name() + "' is already in use; name it when "
                    + "you create it");
        }
        this.name = name;
        return this;
    }

    /** True once the name may no longer change: the layer is built, called or in a model. */
    boolean nameFrozen() {
        return attached || isBuilt() || !nodes.isEmpty();
    }

    final boolean isAttached() {
        return attached;
    }

    /** Restarts the automatic layer names ({@code dense}, {@code dense_1}...), as Keras's {@code clear_session()}. */
    public static void resetNames() {
        Names.clear();
    }

    /** The class name Keras shows in summaries and configs, e.g. {@code Dense}, {@code InputLayer}. */
    final String className() {
        return typeName();
    }

    final void markAttached() {
        name();
        attached = true;
    }

    // ---------------------------------------------------------------- building

    /**
     * Creates the layer's weights for inputs of {@code inputShape} (batch dimension first, -1 when
     * unknown). Called once, by {@link #ensureBuilt} or at the first call; the default creates
     * nothing.
     */
    protected void build(int[] inputShape) {}

    /**
     * Builds the layer for {@code inputShape} (batch first; any batch size, -1 for unknown) unless it
     * is built already, as Keras's {@code layer.build(input_shape)}. Returns this.
     */
    public final Layer ensureBuilt(int... inputShape) {
        if (isBuilt()) return this;
        int[] shape = batchless(inputShape);
        this.inputShape = shape;
        boolean ok = false;
        try {
            build(shape.clone());
            this.outputShape = computeOutputShape(shape.clone());
            ok = true;
        } finally {
            if (!ok) this.inputShape = null;
        }
        return this;
    }

    /** Builds a layer that takes several inputs (merge layers) for their shapes. */
    final void ensureBuilt(List<int[]> inputShapes) {
        if (inputShapes.size() == 1) {
            ensureBuilt(inputShapes.get(0));
            return;
        }
        if (isBuilt()) return;
        List<int[]> shapes = inputShapes.stream().map(Layer::batchless).toList();
        this.inputShape = shapes.get(0);
        boolean ok = false;
        try {
            this.outputShape = computeOutputShape(shapes);
            ok = true;
        } finally {
            if (!ok) this.inputShape = null;
        }
    }

    static int[] batchless(int[] shape) {
        if (shape.length == 0) {
            throw new IllegalArgumentException("a layer input needs a batch dimension, got a 0-d shape");
        }
        int[] s = shape.clone();
        s[0] = -1;
        return s;
    }

    /** True once {@link #build} has run. */
    public final boolean isBuilt() {
        return inputShape != null;
    }

    /** The input shape the layer was built for (batch -1), or null before. */
    public final int[] inputShape() {
        return inputShape == null ? null : inputShape.clone();
    }

    /** The output shape for the input shape it was built for (batch -1), or null before. */
    public final int[] outputShape() {
        if (!nodes.isEmpty()) return nodes.getLast().output().shape();
        return outputShape == null ? null : outputShape.clone();
    }

    /** The output shape for {@code inputShape} (batch first), reusing the built shapes when they match. */
    final int[] outputShapeFor(int[] inputShape) {
        int[] s = batchless(inputShape);
        if (java.util.Arrays.equals(s, this.inputShape) && outputShape != null) return outputShape.clone();
        return computeOutputShape(s);
    }

    /** Records new built shapes (a Sequential that grew a layer). */
    final void rebuilt(int[] inputShape, int[] outputShape) {
        this.inputShape = inputShape == null ? null : inputShape.clone();
        this.outputShape = outputShape == null ? null : outputShape.clone();
    }

    /**
     * The output shape for an input shape (batch -1). The default runs the layer once on zeros
     * with a batch of one, in evaluation mode and without recording gradients; layers with a
     * simple rule override it.
     */
    protected int[] computeOutputShape(int[] inputShape) {
        int[] probe = inputShape.clone();
        for (int i = 0; i < probe.length; i++) {
            if (probe[i] < 0) probe[i] = 1;
        }
        boolean wasTraining = isTraining();
        train(false);
        try (var g = GradMode.noGrad()) {
            int[] out = call(Tensor.zeros(probe, device()), false).shape();
            if (out.length > 0) out[0] = -1;
            return out;
        } finally {
            train(wasTraining);
        }
    }

    /** The output shape for several inputs; layers that take one input fail here. */
    protected int[] computeOutputShape(List<int[]> inputShapes) {
        if (inputShapes.size() == 1) return computeOutputShape(inputShapes.get(0));
        throw new IllegalArgumentException(describe() + " takes one input, got " + inputShapes.size());
    }

    /**
     * Creates a float32 weight, initialises it and registers it as a parameter named {@code name}
     * (trainable unless the layer is frozen). Returns it.
     */
    protected final Tensor addWeight(String name, int[] shape, Initializers initializer) {
        Shape.checkedNumel(name, shape);
        // On the layer's device (see Module.to); registerParameter takes it out of any open MemoryScope.
        Tensor w = Tensor.zeros(shape.clone(), DType.FLOAT32, device());
        initializer.initialize(w);
        registerParameter(name, w);
        if (!trainable) w.requiresGrad(false);
        return w;
    }

    // ---------------------------------------------------------------- computing

    /**
     * The layer's computation (Keras's {@code call}): {@code inputs} has the layer's input shape,
     * {@code training} says whether the model is training (Dropout drops only then).
     */
    protected abstract Tensor call(Tensor inputs, boolean training);

    /** Builds the layer at the first input, then runs {@link #call(Tensor, boolean)} in the module's mode. */
    @Override
    public final Tensor forward(Tensor input) {
        if (!isBuilt()) ensureBuilt(input.shape());
        return call(input, isTraining());
    }

    /** Calls a layer that takes several inputs (merge layers); a one-input layer accepts a list of one. */
    public Tensor call(List<Tensor> inputs) {
        if (inputs.size() != 1) throw new IllegalArgumentException(describe() + " takes one input, got " + inputs.size());
        return call(inputs.get(0));
    }

    /** Runs {@code body} with the ops it records attributed to this layer, for anomaly mode. */
    final Tensor traced(java.util.function.Supplier<Tensor> body) {
        try (var scope = Autograd.modulePath(path())) {
            return body.get();
        }
    }

    /**
     * The activation this layer applies last (Dense's activation, an Activation layer's function),
     * or null. Training fuses a final softmax or sigmoid into the loss through {@link #callLogits}.
     */
    Activations outputActivation() {
        return null;
    }

    /** The output before {@link #outputActivation()}; only called when that is not null. */
    Tensor callLogits(Tensor input, boolean training) {
        throw new UnsupportedOperationException(describe() + " has no separable output activation");
    }

    // ---------------------------------------------------------------- functional API

    /** Calls the layer on a symbolic tensor: builds it for that shape and returns its symbolic output. */
    public final KerasTensor apply(KerasTensor input) {
        return apply(List.of(input));
    }

    /** Calls the layer on several symbolic tensors (merge layers such as {@link Concatenate}). */
    public final KerasTensor apply(List<KerasTensor> inputs) {
        if (inputs.isEmpty()) throw new IllegalArgumentException(describe() + ".apply: no inputs");
        List<int[]> shapes = inputs.stream().map(KerasTensor::shape).toList();
        int[] out;
        if (!isBuilt()) {
            ensureBuilt(shapes);
            out = outputShape == null ? null : outputShape.clone();
        } else {
            out = shapes.size() == 1 ? computeOutputShape(batchless(shapes.get(0))) : computeOutputShape(shapes);
        }
        return addNode(inputs, out).output();
    }

    /** Records a symbolic call of this layer producing a tensor of {@code outputShape}. */
    final LayerNode addNode(List<KerasTensor> inputs, int[] outputShape) {
        var node = new LayerNode(this, inputs, nodes.size(), outputShape);
        nodes.add(node);
        return node;
    }

    /** The symbolic calls of this layer, in order. */
    final List<LayerNode> nodes() {
        return nodes;
    }

    // ---------------------------------------------------------------- weights

    /** Whether the layer's weights are trained (Keras's {@code layer.trainable}). */
    public final boolean isTrainable() {
        return trainable;
    }

    /**
     * Freezes ({@code false}) or unfreezes the layer and the layers inside it. Compile the model
     * again after changing it, as in Keras. Returns this.
     */
    public Layer setTrainable(boolean trainable) {
        this.trainable = trainable;
        for (Tensor p : parameters()) p.requiresGrad(trainable);
        for (Module m : namedModules().values()) {
            if (m instanceof Layer l && l != this) l.trainable = trainable;
        }
        return this;
    }

    /** The weights that training updates. */
    public final List<Tensor> trainableWeights() {
        return parameters().stream().filter(Tensor::requiresGrad).toList();
    }

    /** Frozen parameters and floating-point buffers. */
    public final List<Tensor> nonTrainableWeights() {
        List<Tensor> out = new ArrayList<>(parameters().stream().filter(p -> !p.requiresGrad()).toList());
        for (Tensor b : buffers()) if (b.dtype().isFloatingPoint()) out.add(b);
        return out;
    }

    /** The number of weight values (trainable and not), as Keras's {@code count_params()}. */
    public final long countParams() {
        long n = 0;
        for (Tensor t : trainableWeights()) n += t.numel();
        for (Tensor t : nonTrainableWeights()) n += t.numel();
        return n;
    }

    /** Copies of the weights (parameters, then buffers), in order, as Keras's {@code get_weights()}. */
    public final List<Tensor> getWeights() {
        return new ArrayList<>(stateDict().values());
    }

    /** Sets the weights from a list shaped as {@link #getWeights()} returns. */
    public final void setWeights(List<Tensor> weights) {
        var keys = new ArrayList<>(stateDict().keySet());
        if (weights.size() != keys.size()) {
            throw new IllegalArgumentException(describe() + ".setWeights: expected " + keys.size() + " tensors "
                    + keys + ", got " + weights.size());
        }
        var map = new LinkedHashMap<String, Tensor>();
        for (int i = 0; i < keys.size(); i++) map.put(keys.get(i), weights.get(i));
        loadStateDict(map);
    }

    // ---------------------------------------------------------------- configuration

    /**
     * The layer's configuration, as JSON-ready values (numbers, strings, booleans, lists, maps):
     * what {@code Model.save} writes and {@link LayerRegistry} gives back to re-create the layer.
     * Subclasses add their arguments to {@code super.getConfig()}.
     */
    public Map<String, Object> getConfig() {
        var c = new LinkedHashMap<String, Object>();
        c.put("name", name());
        c.put("trainable", trainable);
        return c;
    }

    /** {@code Dense 'dense_1'}: how messages name this layer. */
    final String describe() {
        return className() + " '" + name() + "'";
    }
}
