package dev.kona.train;

import dev.kona.DType;
import dev.kona.Device;
import dev.kona.Tensor;
import dev.kona.data.Dataset;
import dev.kona.data.Example;
import dev.kona.nn.Loss;
import dev.kona.nn.Module;
import dev.kona.optim.Optimizer;
import dev.kona.optim.ParamGroup;
import dev.kona.train.schedules.LearningRateSchedule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Keras model: layers with a training loop. Three ways to make one, as in Keras:
 *
 * <pre>{@code
 * // 1. Sequential: a stack of layers
 * var seq = new Sequential(new Input(28, 28), new Flatten(), new Dense(128, "relu"), new Dense(10, "softmax"));
 *
 * // 2. Functional: a graph of layer calls on symbolic tensors (several inputs and outputs allowed)
 * KerasTensor in = Input.of(784);
 * KerasTensor out = new Dense(10, "softmax").apply(new Dense(64, "relu").apply(in));
 * var functional = new Model(in, out);
 *
 * // 3. Subclassed: your own call
 * final class Mlp extends Model {
 *     private final Dense hidden = track(new Dense(64, "relu"));
 *     private final Dense out = track(new Dense(10, "softmax"));
 *     @Override
 *     protected Tensor call(Tensor inputs, boolean training) {
 *         return out.call(hidden.call(inputs));
 *     }
 * }
 *
 * seq.compile("adam", "sparse_categorical_crossentropy", "accuracy");
 * History h = seq.fit(xTrain, yTrain, FitOptions.epochs(5).validationSplit(0.1));
 * Map<String, Double> scores = seq.evaluate(xTest, yTest);     // {loss=..., accuracy=...}
 * Tensor probabilities = seq.predict(xTest);                    // [10000, 10]
 * seq.save(Path.of("mnist.kona"));                              // Model.load(...) restores it
 * }</pre>
 *
 * <p>A model is a {@link Layer} (so it can be used inside another model) and a {@link Module}
 * ({@code parameters()}, {@code stateDict()}): {@code fit} runs the PyTorch-style loop (forward,
 * loss, backward, optimizer step) on those parameters. State-dict keys follow the model's
 * structure ({@code dense.kernel}, {@code dense_1.bias}: class names numbered within the model), so
 * weights load into any model built the same way.
 */
public class Model extends Layer {
    private final FunctionalGraph graph;
    private final Map<String, Integer> localNames = new HashMap<>();
    private Compiled compiled;
    private Optimizer optimizer;
    private long iterations;
    private boolean stopTraining;
    private History history;

    /** What compile was given; metric specs are names or {@link Metric}s. */
    record Compiled(OptimizerSpec spec, Optimizer given, List<Loss> losses, List<Object> metrics) {}

    /** For subclassed models: register layers with {@link #track} and override {@link #call(Tensor, boolean)}. */
    protected Model() {
        this.graph = null;
    }

    /** A functional model from one input to one output. */
    public Model(KerasTensor input, KerasTensor output) {
        this(List.of(input), List.of(output));
    }

    /** A functional model with several inputs and/or outputs. */
    public Model(List<KerasTensor> inputs, List<KerasTensor> outputs) {
        this.graph = FunctionalGraph.of(inputs, outputs);
        var names = new HashMap<String, Layer>();
        for (Layer l : graph.layers) {
            Layer other = names.put(l.name(), l);
            if (other != null) {
                throw new IllegalArgumentException("Model: all layer names must be unique, '" + l.name() + "' is used by "
                        + other.describe() + " and " + l.describe());
            }
            track(l);
        }
        if (inputs.size() == 1) ensureBuilt(inputs.getFirst().shape());
        else ensureBuilt(inputs.stream().map(KerasTensor::shape).toList());
    }

    /**
     * Registers a layer (or any module) of this model under a name made from its class, numbered
     * within the model ({@code dense}, {@code dense_1}); the key prefixes its weights in
     * {@code stateDict()}. Returns it.
     */
    protected final <M extends Module> M track(M layer) {
        String base = layer instanceof Layer l ? Names.snake(l.className()) : Names.snake(layer.getClass().getSimpleName());
        registerModule(Names.unique(base, localNames), layer);
        if (layer instanceof Layer l) l.markAttached();
        return layer;
    }

    @Override
    boolean nameFrozen() {
        return isAttached() || !nodes().isEmpty();   // built at construction, yet nameable until used
    }

    final FunctionalGraph graph() {
        return graph;
    }

    // ---------------------------------------------------------------- structure

    /** The model's layers, in order (a functional model's include its inputs). */
    public List<Layer> layers() {
        if (graph != null) return graph.layers;
        List<Layer> out = new ArrayList<>();
        for (Module m : children()) if (m instanceof Layer l) out.add(l);
        return out;
    }

    /** The layer named {@code name}; fails listing the names. */
    public final Layer getLayer(String name) {
        for (Layer l : layers()) if (l.name().equals(name)) return l;
        throw new IllegalArgumentException("model '" + name() + "' has no layer '" + name + "'; its layers are "
                + layers().stream().map(Layer::name).toList());
    }

    /** The number of inputs (1 except for functional models with several). */
    public int inputCount() {
        return graph == null ? 1 : graph.inputs.size();
    }

    /** The number of outputs. */
    public int outputCount() {
        return graph == null ? 1 : graph.outputs.size();
    }

    /** Fails naming the Input layer when data of these shapes (batch first) does not fit the model's inputs. */
    void checkInputs(List<int[]> shapes) {
        if (graph == null) return;
        for (int i = 0; i < Math.min(shapes.size(), graph.inputs.size()); i++) {
            ((Input) graph.inputs.get(i).layer()).check(shapes.get(i));
        }
    }

    /** The layer producing output {@code i}, for naming in messages and logs. */
    Layer outputLayer(int i) {
        return graph != null ? graph.outputNode(i).layer() : this;
    }

    /** The output shapes (batch -1), or null before the model is built. */
    List<int[]> outputShapes() {
        if (graph != null) return graph.outputs.stream().map(KerasTensor::shape).toList();
        int[] s = outputShape();
        return s == null ? null : List.<int[]>of(s);
    }

    /** The input shapes (batch -1), or null before the model is built. */
    List<int[]> inputShapes() {
        if (graph != null) return graph.inputs.stream().map(KerasTensor::shape).toList();
        int[] s = inputShape();
        return s == null ? null : List.<int[]>of(s);
    }

    // ---------------------------------------------------------------- computing

    /**
     * Computes the model (a functional model runs its graph). Subclassed models override this;
     * call their layers with {@code layer.call(x)}.
     */
    @Override
    protected Tensor call(Tensor inputs, boolean training) {
        if (graph == null) {
            throw new IllegalStateException(describe() + ": a subclassed Model must override call(Tensor, boolean)");
        }
        if (graph.outputs.size() != 1) {
            throw new IllegalArgumentException(describe() + " has " + graph.outputs.size() + " outputs; use callOutputs(List)");
        }
        return graph.run(List.of(inputs), false, name()).getFirst();
    }

    /** Runs a model with several inputs and/or outputs: one tensor per input in, one per output out. */
    public List<Tensor> callOutputs(List<Tensor> inputs) {
        if (graph == null) {
            if (inputs.size() != 1) throw new IllegalArgumentException(describe() + " takes one input, got " + inputs.size());
            return List.of(call(inputs.getFirst()));
        }
        try (var scope = dev.kona.autograd.Autograd.modulePath(path())) {
            if (!isBuilt()) ensureBuilt(inputs.stream().map(Tensor::shape).toList());
            return graph.run(inputs, false, name());
        }
    }

    @Override
    public Tensor call(List<Tensor> inputs) {
        List<Tensor> out = callOutputs(inputs);
        if (out.size() != 1) throw new IllegalArgumentException(describe() + " has " + out.size() + " outputs; use callOutputs(List)");
        return out.getFirst();
    }

    /** The outputs for training and evaluation: logits instead of probabilities where the loss is fused. */
    List<Tensor> callForLoss(List<Tensor> inputs, boolean logits) {
        if (!logits) return callOutputs(inputs);
        if (graph == null || inputs.size() == 1) return List.of(traced(() -> callLogits(inputs.getFirst(), isTraining())));
        try (var scope = dev.kona.autograd.Autograd.modulePath(path())) {
            return graph.run(inputs, true, name());
        }
    }

    @Override
    protected int[] computeOutputShape(int[] inputShape) {
        if (graph == null) return super.computeOutputShape(inputShape);
        return computeOutputShape(List.of(inputShape));
    }

    @Override
    protected int[] computeOutputShape(List<int[]> inputShapes) {
        if (graph == null) return super.computeOutputShape(inputShapes);
        if (inputShapes.size() != graph.inputs.size()) {
            throw new IllegalArgumentException(describe() + " has " + graph.inputs.size() + " inputs, got " + inputShapes.size());
        }
        for (int i = 0; i < inputShapes.size(); i++) ((Input) graph.inputs.get(i).layer()).check(inputShapes.get(i));
        return graph.outputs.getFirst().shape();
    }

    @Override
    Activations outputActivation() {
        return graph == null ? null : graph.outputActivation();
    }

    @Override
    Tensor callLogits(Tensor input, boolean training) {
        if (!isBuilt()) ensureBuilt(input.shape());
        return graph.run(List.of(input), true, name()).getFirst();
    }

    // ---------------------------------------------------------------- compile

    /**
     * Configures training by Keras names, e.g.
     * {@code compile("adam", "sparse_categorical_crossentropy", "accuracy")}. See
     * {@link OptimizerSpec#get}, {@link KerasLoss#get} and {@link Metrics#get} for the names.
     * Returns this.
     */
    public final Model compile(String optimizer, String loss, String... metrics) {
        return compile(OptimizerSpec.get(optimizer), List.of(KerasLoss.get(loss)), List.<Object>of((Object[]) metrics));
    }

    /**
     * Configures training with an optimizer recipe and a loss and metrics by name, e.g.
     * {@code compile(OptimizerSpec.adam(new CosineDecay(5e-3, 469)), "sparse_categorical_crossentropy", "accuracy")}.
     * Returns this.
     */
    public final Model compile(OptimizerSpec optimizer, String loss, String... metrics) {
        return compile(optimizer, List.of(KerasLoss.get(loss)), List.<Object>of((Object[]) metrics));
    }

    /**
     * Configures training with objects: an optimizer recipe, any {@link Loss} (a {@link KerasLoss},
     * or an nn loss such as {@code new CrossEntropyLoss()} on logits) and metrics. Returns this.
     */
    public final Model compile(OptimizerSpec optimizer, Loss loss, Metric... metrics) {
        return compile(optimizer, List.of(loss), List.<Object>of((Object[]) metrics));
    }

    /** Configures training with an optimizer already made over this (built) model's trainable weights. */
    public final Model compile(Optimizer optimizer, Loss loss, Metric... metrics) {
        if (optimizer == null) throw new IllegalArgumentException("compile: optimizer is null");
        compiled = new Compiled(null, optimizer, List.of(requireLoss(loss)), List.of((Object[]) metrics));
        this.optimizer = optimizer;
        this.iterations = 0;
        return this;
    }

    /**
     * The general form: one loss per output (or one for all), metrics as names or {@link Metric}s
     * (names are instantiated for every output; metric objects need a single-output model).
     */
    public final Model compile(OptimizerSpec optimizer, List<? extends Loss> losses, List<Object> metrics) {
        if (optimizer == null) throw new IllegalArgumentException("compile: optimizer is null");
        if (losses.isEmpty()) throw new IllegalArgumentException("compile: give a loss");
        for (Loss l : losses) requireLoss(l);
        for (Object m : metrics) {
            if (m instanceof String s) Metrics.get(s);
            else if (!(m instanceof Metric)) {
                throw new IllegalArgumentException("compile: metrics must be names or Metric objects, got " + m);
            }
        }
        compiled = new Compiled(optimizer, null, List.copyOf(losses), List.copyOf(metrics));
        this.optimizer = null;
        this.iterations = 0;
        return this;
    }

    private static Loss requireLoss(Loss loss) {
        if (loss == null) throw new IllegalArgumentException("compile: loss is null");
        return loss;
    }

    final Compiled compiled() {
        if (compiled == null) {
            throw new IllegalStateException(describe() + " must be compiled before training or evaluating: call compile(...)");
        }
        return compiled;
    }

    /**
     * Moves the model's weights to {@code device} (see {@link Module#to(Device)}); {@code fit},
     * {@code evaluate} and {@code predict} then move each batch there and read back only the loss
     * and metrics, once per batch. Weights built later are created there. An optimizer made from
     * compile's recipe is made again over the moved weights (its state starts over); an
     * {@link Optimizer} object given to compile must be created after this call. Returns this.
     *
     * <pre>{@code
     * model.to(Device.cuda(0));
     * model.compile("adam", "sparse_categorical_crossentropy", "accuracy");
     * model.fit(x, y, FitOptions.epochs(5));            // x, y may stay on the CPU
     * }</pre>
     */
    @Override
    public Model to(Device device) {
        super.to(device);
        if (compiled != null && compiled.spec() != null) optimizer = null;
        return this;
    }

    /** Converts the weights' dtype (see {@link Module#to(DType)}); the optimizer as for {@link #to(Device)}. Returns this. */
    @Override
    public Model to(DType dtype) {
        super.to(dtype);
        if (compiled != null && compiled.spec() != null) optimizer = null;
        return this;
    }

    /** Creates the optimizer over the trainable weights if it does not exist yet. */
    final Optimizer ensureOptimizer() {
        if (optimizer == null) {
            List<Tensor> params = trainableWeights();
            if (params.isEmpty()) throw new IllegalStateException(describe() + " has no trainable weights to train");
            optimizer = compiled().spec().create(params);
            iterations = 0;
        }
        return optimizer;
    }

    /**
     * Optimizer steps applied since the optimizer was made (Keras's {@code optimizer.iterations}):
     * a learning rate schedule gives the rate of the next step at this count.
     */
    public final long iterations() {
        return iterations;
    }

    private LearningRateSchedule schedule() {
        return compiled == null || compiled.spec() == null ? null : compiled.spec().schedule();
    }

    /** Before a training step: sets the rate the compiled schedule gives at {@link #iterations()}. */
    final void applyLearningRateSchedule(Optimizer opt) {
        LearningRateSchedule schedule = schedule();
        if (schedule == null) return;
        double lr = LearningRateSchedule.checkedAt(schedule, iterations);
        for (ParamGroup g : opt.paramGroups()) g.setLr(lr);
    }

    /** After a training step was applied. */
    final void countIteration() {
        iterations++;
    }

    /** The optimizer (made by compile's recipe once the model is built), or null before. */
    public final Optimizer optimizer() {
        if (optimizer == null && compiled != null && isBuilt()) ensureOptimizer();
        return optimizer;
    }

    /** The optimizer if it was made already; never makes one. */
    final Optimizer optimizerIfMade() {
        return optimizer;
    }

    /** The learning rate of the optimizer's first parameter group; with a schedule, the rate of the next step. */
    public final double learningRate() {
        Optimizer opt = ensureOptimizer();
        LearningRateSchedule schedule = schedule();
        return schedule != null ? LearningRateSchedule.checkedAt(schedule, iterations) : opt.paramGroups().getFirst().lr();
    }

    /** Sets the learning rate of every parameter group; refused when the optimizer follows a schedule. */
    public final void setLearningRate(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("setLearningRate: expected a rate >= 0, got " + lr);
        LearningRateSchedule schedule = schedule();
        if (schedule != null) {
            throw new IllegalStateException("setLearningRate: the optimizer was compiled with the learning rate schedule "
                    + schedule + ", so its rate is not settable; compile with a fixed rate to set it");
        }
        for (ParamGroup g : ensureOptimizer().paramGroups()) g.setLr(lr);
    }

    /** Asks {@code fit} to stop after the current batch (callbacks use it), as Keras's {@code model.stop_training = True}. */
    public final void setStopTraining(boolean stop) {
        this.stopTraining = stop;
    }

    public final boolean isStopTraining() {
        return stopTraining;
    }

    /** The History of the last {@code fit}, or null. */
    public final History history() {
        return history;
    }

    final void setHistory(History h) {
        this.history = h;
    }

    // ---------------------------------------------------------------- training and inference

    /** Trains for one epoch with the default options. */
    public final History fit(Tensor x, Tensor y) {
        return fit(x, y, FitOptions.defaults());
    }

    /**
     * Trains on {@code x} and {@code y} (same first dimension): for each batch, forward, loss,
     * backward and an optimizer step; see {@link FitOptions} for epochs, batch size, validation and
     * callbacks. Returns the per-epoch metrics; the model is left in inference mode.
     */
    public final History fit(Tensor x, Tensor y, FitOptions options) {
        return fit(List.of(x), List.of(y), options);
    }

    /** Trains a model with several inputs and/or outputs: one tensor per input and per output. */
    public final History fit(List<Tensor> x, List<Tensor> y, FitOptions options) {
        return new Trainer(this).fit(Trainer.Data.of("fit", x, y), options);
    }

    /** Trains on a dataset of batches (built with {@code .batch(n)}); batchSize and validationSplit do not apply. */
    public final History fit(Dataset<Example> data, FitOptions options) {
        return new Trainer(this).fit(Trainer.Data.of(data), options);
    }

    /** Loss and metrics on {@code x}, {@code y}, in batches of 32, with a progress bar: {@code {loss=..., accuracy=...}}. */
    public final Map<String, Double> evaluate(Tensor x, Tensor y) {
        return evaluate(x, y, 32, 1);
    }

    public final Map<String, Double> evaluate(Tensor x, Tensor y, int batchSize, int verbose) {
        return evaluate(List.of(x), List.of(y), batchSize, verbose);
    }

    public final Map<String, Double> evaluate(List<Tensor> x, List<Tensor> y, int batchSize, int verbose) {
        return new Trainer(this).evaluate(Trainer.Data.of("evaluate", x, y), batchSize, verbose);
    }

    public final Map<String, Double> evaluate(Dataset<Example> data, int verbose) {
        return new Trainer(this).evaluate(Trainer.Data.of(data), 32, verbose);
    }

    /** The model's outputs for {@code x}, computed in batches of 32 without gradients, with a progress bar. */
    public final Tensor predict(Tensor x) {
        return predict(x, 32, 1);
    }

    public final Tensor predict(Tensor x, int batchSize, int verbose) {
        List<Tensor> out = predict(List.of(x), batchSize, verbose);
        if (out.size() != 1) throw new IllegalArgumentException(describe() + " has " + out.size() + " outputs; use predict(List, ...)");
        return out.getFirst();
    }

    /** Outputs of a model with several inputs and/or outputs. */
    public final List<Tensor> predict(List<Tensor> x, int batchSize, int verbose) {
        return new Trainer(this).predict(x, batchSize, verbose);
    }

    /** One gradient step on one batch; returns that batch's loss and metrics. */
    public final Map<String, Double> trainOnBatch(Tensor x, Tensor y) {
        return new Trainer(this).trainOnBatch(List.of(x), List.of(y));
    }

    /** Loss and metrics of one batch, without training. */
    public final Map<String, Double> testOnBatch(Tensor x, Tensor y) {
        return new Trainer(this).testOnBatch(List.of(x), List.of(y));
    }

    /** The outputs for one batch, in inference mode, without gradients. */
    public final Tensor predictOnBatch(Tensor x) {
        return new Trainer(this).predict(List.of(x), Math.max(1, x.size(0)), 0).getFirst();
    }

    // ---------------------------------------------------------------- summary and saving

    /** Prints {@link #summaryText()}. */
    public final void summary() {
        System.out.print(summaryText());
    }

    /**
     * Keras 3's summary table: layers with output shapes and parameter counts, then the totals.
     * The width follows Keras (88 columns, 108 for non-sequential graphs, at most the terminal's
     * {@code COLUMNS} - 4, 76 when unknown).
     */
    public final String summaryText() {
        return Summary.render(this, Summary.defaultLineLength(this));
    }

    /** The summary at a given total width. */
    public final String summaryText(int lineLength) {
        return Summary.render(this, lineLength);
    }

    /**
     * Saves the architecture and the weights in one zip file (conventionally {@code .kona}):
     * {@code metadata.json}, {@code config.json} and {@code model.safetensors}, which Python's
     * safetensors reads. The write is atomic. Subclassed models and custom layers need a factory
     * in {@link LayerRegistry}.
     */
    public final void save(Path path) {
        ModelIO.save(this, path);
    }

    /** Restores a model saved with {@link #save}: same architecture, same weights, same predictions. */
    public static Model load(Path path) {
        return ModelIO.load(path);
    }

    /** Saves the weights alone as a safetensors file (atomically), keyed as {@code stateDict()}. */
    public final void saveWeights(Path path) {
        ModelIO.saveWeights(this, path);
    }

    /** Loads weights saved by {@link #saveWeights} into this model (built the same way); all keys must match. */
    public final void loadWeights(Path path) {
        ModelIO.loadWeights(this, path);
    }

    @Override
    protected String typeName() {
        return graph != null && getClass() == Model.class ? "Functional" : super.typeName();
    }

    @Override
    protected String extraRepr() {
        return "name=" + name() + (isBuilt() ? ", input=" + Arrays.toString(inputShape()) : "");
    }
}
