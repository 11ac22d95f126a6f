package dev.kona.train;

import dev.kona.DType;
import dev.kona.Device;
import dev.kona.Generator;
import dev.kona.MemoryScope;
import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.autograd.GradMode;
import dev.kona.data.DataIterator;
import dev.kona.data.Dataset;
import dev.kona.data.Example;
import dev.kona.nn.Loss;
import dev.kona.optim.Optimizer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;

/**
 * {@code fit}, {@code evaluate} and {@code predict}, written on the PyTorch-style loop: for each
 * batch, in a {@link MemoryScope} of its own (the step's temporaries are released and their
 * buffers reused), zero the gradients, forward, loss, backward, optimizer step. Parameters and
 * optimizer state are created outside the scopes.
 */
final class Trainer {
    private final Model model;
    private List<Loss> losses;
    private boolean fused;
    private Activations fusedActivation;
    private List<List<Metric>> metrics;
    private MeanMetric lossTracker;
    private List<MeanMetric> outputLossTrackers;
    private DType inputDtype;

    Trainer(Model model) {
        this.model = model;
    }

    // ---------------------------------------------------------------- data

    /** One batch: a tensor per input and per output. */
    record Batch(List<Tensor> x, List<Tensor> y, int size) {}

    /** One pass over the data; closing it stops a dataset's background threads when the pass ends early. */
    interface Batches extends Iterator<Batch>, AutoCloseable {
        @Override
        void close();
    }

    /** Training or test data: tensors sliced into batches, or a dataset of batches. */
    static final class Data {
        final List<Tensor> x;
        final List<Tensor> y;
        final Dataset<Example> dataset;

        private Data(List<Tensor> x, List<Tensor> y, Dataset<Example> dataset) {
            this.x = x;
            this.y = y;
            this.dataset = dataset;
        }

        static Data of(String who, List<Tensor> x, List<Tensor> y) {
            if (x == null || x.isEmpty()) throw new IllegalArgumentException(who + ": x is empty");
            if (y == null || y.isEmpty()) throw new IllegalArgumentException(who + ": y is empty");
            int n = -1;
            String first = null;
            List<Tensor> all = new ArrayList<>(x);
            all.addAll(y);
            for (int i = 0; i < all.size(); i++) {
                Tensor t = all.get(i);
                String name = i < x.size() ? (x.size() == 1 ? "x" : "x[" + i + "]") : (y.size() == 1 ? "y" : "y[" + (i - x.size()) + "]");
                if (t == null) throw new IllegalArgumentException(who + ": " + name + " is null");
                if (t.dim() == 0) throw new IllegalArgumentException(who + ": " + name + " is 0-d; it needs a batch dimension");
                if (n < 0) {
                    n = t.size(0);
                    first = name;
                } else if (t.size(0) != n) {
                    throw new IllegalArgumentException(who + ": " + first + " has " + n + " samples but " + name + " has "
                            + t.size(0) + " (shapes " + Shape.format(all.getFirst().shape()) + " and " + Shape.format(t.shape())
                            + "); dimension 0 must match");
                }
            }
            if (n == 0) throw new IllegalArgumentException(who + ": the data has no samples");
            return new Data(List.copyOf(x), List.copyOf(y), null);
        }

        /** Inputs alone, for predict. */
        static Data inputs(String who, List<Tensor> x) {
            Data d = of(who, x, List.of(x.getFirst()));
            return new Data(d.x, List.of(), null);
        }

        static Data of(Dataset<Example> dataset) {
            if (dataset == null) throw new IllegalArgumentException("the dataset is null");
            return new Data(null, null, dataset);
        }

        int size() {
            return x.getFirst().size(0);
        }

        Data slice(int from, int to) {
            return new Data(x.stream().map(t -> t.narrow(0, from, to - from)).toList(),
                    y.stream().map(t -> t.narrow(0, from, to - from)).toList(), null);
        }

        /** The first batch, for building the model and checking the losses before a pass. */
        Batch first(int batchSize) {
            try (Batches it = batches(batchSize, false)) {
                if (!it.hasNext()) throw new IllegalArgumentException("the dataset is empty");
                return it.next();
            }
        }

        int steps(int batchSize) {
            if (dataset == null) return (size() + batchSize - 1) / batchSize;
            long c = dataset.cardinality();
            return c >= 0 && c <= Integer.MAX_VALUE ? (int) c : -1;
        }

        /** One pass: batches made lazily (inside the caller's step scope for tensors). */
        Batches batches(int batchSize, boolean shuffle) {
            if (dataset != null) {
                DataIterator<Example> it = dataset.iterator();
                return new Batches() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public void close() {
                        it.close();
                    }

                    @Override
                    public Batch next() {
                        Example e = it.next();
                        if (e.x().dim() == 0) throw new IllegalArgumentException("fit: dataset elements must be batches; use .batch(n)");
                        return new Batch(List.of(e.x()), List.of(e.y()), e.x().size(0));
                    }
                };
            }
            int n = size();
            long[] order = new long[n];
            for (int i = 0; i < n; i++) order[i] = i;
            if (shuffle) {
                Generator g = Generator.global();
                for (int i = n - 1; i > 0; i--) {
                    int j = (int) g.nextLong(0, i + 1);
                    long t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
            }
            return new Batches() {
                int start;

                @Override
                public void close() {}

                @Override
                public boolean hasNext() {
                    return start < n;
                }

                @Override
                public Batch next() {
                    if (start >= n) throw new NoSuchElementException();
                    int end = Math.min(n, start + batchSize), len = end - start, from = start;
                    start = end;
                    if (!shuffle) {
                        return new Batch(x.stream().map(t -> t.narrow(0, from, len)).toList(),
                                y.stream().map(t -> t.narrow(0, from, len)).toList(), len);
                    }
                    Tensor idx = Tensor.of(java.util.Arrays.copyOfRange(order, from, end));
                    return new Batch(x.stream().map(t -> t.indexSelect(0, idx.to(t.device()))).toList(),
                            y.stream().map(t -> t.indexSelect(0, idx.to(t.device()))).toList(), len);
                }
            };
        }
    }

    // ---------------------------------------------------------------- preparation

    /** Builds the model for the data, checks the losses against the targets, and makes the metrics. */
    private void prepare(List<Tensor> x, List<Tensor> y, boolean fullTargets) {
        if (x.size() != model.inputCount()) {
            throw new IllegalArgumentException("model '" + model.name() + "' has " + model.inputCount() + " inputs, got "
                    + x.size() + " x tensors");
        }
        if (y != null && y.size() != model.outputCount()) {
            throw new IllegalArgumentException("model '" + model.name() + "' has " + model.outputCount() + " outputs, got "
                    + y.size() + " y tensors");
        }
        List<int[]> shapes = x.stream().map(Tensor::shape).toList();
        model.checkInputs(shapes);
        if (!model.isBuilt()) {
            try (var g = GradMode.noGrad()) {
                if (shapes.size() == 1) model.ensureBuilt(shapes.getFirst());
                else model.ensureBuilt(shapes);
            }
        } else if (shapes.size() == 1) {
            model.outputShapeFor(shapes.getFirst());   // fails naming the layer when x does not fit
        } else {
            model.computeOutputShape(shapes.stream().map(Layer::batchless).toList());
        }
        if (losses != null) return;
        var c = model.compiled();
        int outputs = model.outputCount();
        if (c.losses().size() != 1 && c.losses().size() != outputs) {
            throw new IllegalArgumentException("compile: model '" + model.name() + "' has " + outputs + " outputs but "
                    + c.losses().size() + " losses were given (give one, or one per output)");
        }
        losses = new ArrayList<>();
        for (int i = 0; i < outputs; i++) losses.add(c.losses().size() == 1 ? c.losses().getFirst() : c.losses().get(i));
        Activations last = model.outputActivation();
        if (outputs == 1 && last != null && losses.getFirst() instanceof KerasLoss kl && kl.fused(last) != null) {
            losses.set(0, kl.fused(last));
            fused = true;
            fusedActivation = last;
        }
        if (y != null && fullTargets) {
            List<int[]> outShapes = model.outputShapes();
            for (int i = 0; i < outputs; i++) {
                if (losses.get(i) instanceof KerasLoss kl && outShapes != null) {
                    kl.check(outShapes.get(i), y.get(i), model.outputLayer(i).name());
                }
            }
        }
        metrics = new ArrayList<>();
        for (int i = 0; i < outputs; i++) {
            List<Metric> ms = new ArrayList<>();
            for (Object spec : c.metrics()) {
                if (spec instanceof String s) ms.add(renamed(Metrics.get(s), s));
                else if (outputs == 1) ms.add((Metric) spec);
                else throw new IllegalArgumentException("compile: model '" + model.name() + "' has " + outputs
                        + " outputs; give metrics by name so that each output gets its own");
            }
            metrics.add(ms);
        }
        lossTracker = MeanMetric.mean("loss");
        outputLossTrackers = new ArrayList<>();
        if (outputs > 1) for (int i = 0; i < outputs; i++) outputLossTrackers.add(MeanMetric.mean(outputName(i) + "_loss"));
    }

    private static Metric renamed(Metric m, String name) {
        return m.name().equals(name) ? m : new Metric() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void update(Tensor yTrue, Tensor yPred) {
                m.update(yTrue, yPred);
            }

            @Override
            public Tensor batchSums(Tensor yTrue, Tensor yPred) {
                return m.batchSums(yTrue, yPred);
            }

            @Override
            public void accumulate(double[] sums) {
                m.accumulate(sums);
            }

            @Override
            public double result() {
                return m.result();
            }

            @Override
            public void reset() {
                m.reset();
            }
        };
    }

    private String outputName(int i) {
        return model.outputLayer(i).name();
    }

    private void resetMetrics() {
        lossTracker.reset();
        for (MeanMetric t : outputLossTrackers) t.reset();
        for (List<Metric> ms : metrics) for (Metric m : ms) m.reset();
    }

    /** The running values, sorted by name as Keras's logs. */
    private Map<String, Double> results() {
        var out = new TreeMap<String, Double>();
        out.put("loss", lossTracker.result());
        for (MeanMetric t : outputLossTrackers) out.put(t.name(), t.result());
        for (int i = 0; i < metrics.size(); i++) {
            for (Metric m : metrics.get(i)) {
                out.put(metrics.size() > 1 ? outputName(i) + "_" + m.name() : m.name(), m.result());
            }
        }
        return new LinkedHashMap<>(out);
    }

    // ---------------------------------------------------------------- steps

    /**
     * The batch's inputs in the dtype of the model's weights (Keras casts inputs to the layers'
     * compute dtype): int32 pixels or float64 data feed a float32 model directly. They are moved to
     * the model's device ({@code model.to(device)}), as are the targets by {@link #onDevice}.
     */
    private List<Tensor> inputs(List<Tensor> xs) {
        if (inputDtype == null) {
            inputDtype = DType.FLOAT32;
            for (Tensor p : model.parameters()) {
                inputDtype = p.dtype();
                break;
            }
        }
        DType want = inputDtype;
        Device device = model.device();
        List<Tensor> out = new ArrayList<>(xs.size());
        for (Tensor t : xs) out.add(t.to(device, want));
        return out;
    }

    /** The batch with its inputs prepared by {@link #inputs} and its targets on the model's device. */
    private Batch onDevice(Batch b) {
        Device device = model.device();
        return new Batch(inputs(b.x()), b.y().stream().map(t -> t.to(device)).toList(), b.size());
    }

    /** The total loss of a batch (per output losses added to their trackers by the caller). */
    private Tensor loss(List<Tensor> outs, Batch b, Map<Integer, Double> classWeight, Tensor[] perOutput) {
        Tensor total = null;
        for (int i = 0; i < outs.size(); i++) {
            Loss l = losses.get(i);
            Tensor li;
            if (classWeight != null && i == 0) {
                if (!(l instanceof KerasLoss kl)) {
                    throw new IllegalArgumentException("fit: classWeight needs a Keras loss (KerasLoss), got " + l);
                }
                li = kl.perSample(outs.get(i), b.y().get(i)).mul(sampleWeights(b.y().get(i), classWeight)).mean();
            } else {
                li = l.apply(outs.get(i), b.y().get(i));
            }
            if (perOutput != null && outs.size() > 1) perOutput[i] = li;
            total = total == null ? li : total.add(li);
        }
        return total;
    }

    /** Keras's class weights as per-sample weights: labels, or the argmax of one-hot targets. */
    static Tensor sampleWeights(Tensor y, Map<Integer, Double> classWeight) {
        Tensor classes;
        if (!y.dtype().isFloatingPoint()) classes = y.reshape(-1).to(DType.INT64);
        else if (y.dim() >= 2 && y.size(-1) > 1) classes = y.argmax(-1).reshape(-1);
        else classes = y.reshape(-1).round().to(DType.INT64);
        int max = -1;
        for (int k : classWeight.keySet()) {
            if (k < 0) throw new IllegalArgumentException("fit: classWeight keys must be class indices >= 0, got " + k);
            max = Math.max(max, k);
        }
        if (classes.numel() > 0) max = Math.max(max, (int) classes.max().itemLong());
        float[] table = new float[max + 1];
        java.util.Arrays.fill(table, 1f);
        classWeight.forEach((k, v) -> table[k] = v.floatValue());
        return Tensor.of(table).to(classes.device()).indexSelect(0, classes.clampMin(0));
    }

    /**
     * A batch's numbers, read from the device in one transfer: the total loss, the per-output losses
     * and the sums of the metrics that provide {@link Metric#batchSums}. Metrics that do not are
     * updated (and read) on their own by {@link #commit}.
     */
    private final class BatchValues {
        private final List<Tensor> parts = new ArrayList<>();
        private final List<Metric> summed = new ArrayList<>();
        private final java.util.Set<Metric> isSummed = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        private final List<int[]> ranges = new ArrayList<>();
        private final List<Tensor> outs;
        private final Batch batch;
        private double[] values;

        BatchValues(Tensor total, Tensor[] perOutput, List<Tensor> outs, Batch b) {
            this.outs = outs;
            this.batch = b;
            add(total);
            if (outs.size() > 1) for (Tensor t : perOutput) add(t);
            try (var g = GradMode.noGrad()) {
                for (int i = 0; i < outs.size(); i++) {
                    if (metrics.get(i).isEmpty()) continue;
                    Tensor pred = prediction(i);
                    for (Metric m : metrics.get(i)) {
                        Tensor sums = m.batchSums(b.y().get(i), pred);
                        if (sums == null) continue;
                        int from = size();
                        add(sums);
                        summed.add(m);
                        isSummed.add(m);
                        ranges.add(new int[] {from, size()});
                    }
                }
            }
        }

        private int size() {
            int n = 0;
            for (Tensor t : parts) n += (int) t.numel();
            return n;
        }

        private void add(Tensor t) {
            parts.add(t.detach().to(DType.FLOAT64).reshape(-1));
        }

        private Tensor prediction(int i) {
            Tensor pred = outs.get(i).detach();
            return fused ? fusedActivation.apply(pred) : pred;
        }

        /** The total loss (reads everything: at once from a device, part by part on the CPU). */
        double loss() {
            if (values != null) return values[0];
            if (model.device().equals(Device.CPU)) {
                values = new double[size()];
                int at = 0;
                for (Tensor t : parts) {
                    double[] v = t.toDoubleArray();
                    System.arraycopy(v, 0, values, at, v.length);
                    at += v.length;
                }
            } else {
                values = (parts.size() == 1 ? parts.getFirst() : Tensor.cat(parts, 0)).toDoubleArray();
            }
            return values[0];
        }

        /** Adds the batch to the loss trackers and metrics. */
        void commit() {
            lossTracker.add(loss(), batch.size());
            for (int i = 0; i < outputLossTrackers.size(); i++) outputLossTrackers.get(i).add(values[1 + i], batch.size());
            for (int k = 0; k < summed.size(); k++) {
                int[] r = ranges.get(k);
                summed.get(k).accumulate(java.util.Arrays.copyOfRange(values, r[0], r[1]));
            }
            try (var g = GradMode.noGrad()) {
                for (int i = 0; i < outs.size(); i++) {
                    if (metrics.get(i).isEmpty()) continue;
                    Tensor pred = null;
                    for (Metric m : metrics.get(i)) {
                        if (isSummed.contains(m)) continue;
                        if (pred == null) pred = prediction(i);
                        m.update(batch.y().get(i), pred);
                    }
                }
            }
        }
    }

    /** Outcome of a training step: false when the loss was not finite and the step was skipped. */
    private boolean trainStep(Optimizer opt, Batch batch, Map<Integer, Double> classWeight, boolean tolerateNaN, int epoch, int step) {
        Batch b = onDevice(batch);
        opt.zeroGrad();
        List<Tensor> outs = model.callForLoss(b.x(), fused);
        Tensor[] perOutput = new Tensor[outs.size()];
        Tensor total = loss(outs, b, classWeight, perOutput);
        var batchValues = new BatchValues(total, perOutput, outs, b);
        double value = batchValues.loss();
        if (!Double.isFinite(value)) {
            opt.zeroGrad();
            if (!tolerateNaN) {
                throw new IllegalStateException("fit: the loss is " + PyFormat.repr(value) + " at epoch " + (epoch + 1)
                        + ", batch " + step + " (the step was not applied); check the data for NaN or infinite values, "
                        + "lower the learning rate, or add a TerminateOnNaN callback to stop quietly");
            }
            lossTracker.add(value, b.size());
            return false;
        }
        total.backward();
        model.applyLearningRateSchedule(opt);
        opt.step();
        model.countIteration();
        opt.zeroGrad();
        batchValues.commit();
        return true;
    }

    private void testStep(Batch batch) {
        try (var g = GradMode.noGrad()) {
            Batch b = onDevice(batch);
            List<Tensor> outs = model.callForLoss(b.x(), fused);
            Tensor[] perOutput = new Tensor[outs.size()];
            new BatchValues(loss(outs, b, null, perOutput), perOutput, outs, b).commit();
        }
    }

    // ---------------------------------------------------------------- fit

    History fit(Data data, FitOptions o) {
        Data train = data, val = null;
        if (o.validationSplit() > 0 && o.validationData() == null) {
            if (data.dataset != null) {
                throw new IllegalArgumentException("fit: validationSplit is not supported with a Dataset; pass validationData");
            }
            int n = data.size();
            int splitAt = (int) Math.floor(n * (1.0 - o.validationSplit()));
            if (splitAt == 0 || splitAt == n) {
                throw new IllegalArgumentException("fit: " + n + " samples are not enough to split with validationSplit="
                        + o.validationSplit() + " (the split would leave " + splitAt + " for training and " + (n - splitAt)
                        + " for validation)");
            }
            train = data.slice(0, splitAt);
            val = data.slice(splitAt, n);
        }
        if (o.validationData() != null) {
            var v = o.validationData();
            val = v.dataset() != null ? Data.of(v.dataset()) : Data.of("fit validationData", v.x(), v.y());
        }
        if (train.x != null) {
            prepare(train.x, train.y, true);
        } else {
            Batch first = train.first(o.batchSize());
            prepare(first.x(), first.y(), true);
        }
        if (o.classWeight() != null && model.outputCount() > 1) {
            throw new IllegalArgumentException("fit: classWeight is supported for models with one output; model '" + model.name()
                    + "' has " + model.outputCount());
        }
        if (val != null && val.x != null) checkValidation(val);
        Optimizer opt = model.ensureOptimizer();
        boolean tolerateNaN = o.callbacks().stream().anyMatch(cb -> cb instanceof TerminateOnNaN);

        var history = new History();
        List<Callback> callbacks = new ArrayList<>(o.callbacks());
        callbacks.add(history);
        if (o.verbose() > 0) callbacks.add(new ProgbarLogger(true));
        int steps = train.steps(o.batchSize());
        var params = new Callback.Params(o.epochs(), steps, o.verbose());
        for (Callback cb : callbacks) cb.attach(model, params);
        model.setHistory(history);
        model.setStopTraining(false);

        Map<String, Double> logs = new LinkedHashMap<>();
        for (Callback cb : callbacks) cb.onTrainBegin(logs);
        for (int epoch = o.initialEpoch(); epoch < o.epochs(); epoch++) {
            resetMetrics();
            model.train();
            for (Callback cb : callbacks) cb.onEpochBegin(epoch, new LinkedHashMap<>());
            try (Batches it = train.batches(o.batchSize(), o.shuffle())) {
                for (int step = 0; it.hasNext(); step++) {
                    for (Callback cb : callbacks) cb.onTrainBatchBegin(step, new LinkedHashMap<>());
                    if (train.dataset != null) {
                        Batch b = it.next();   // dataset elements stay outside the step scope (datasets may cache them)
                        try (var scope = MemoryScope.open()) {
                            trainStep(opt, b, o.classWeight(), tolerateNaN, epoch, step);
                        }
                    } else {
                        try (var scope = MemoryScope.open()) {
                            trainStep(opt, it.next(), o.classWeight(), tolerateNaN, epoch, step);
                        }
                    }
                    Map<String, Double> batchLogs = results();
                    for (Callback cb : callbacks) cb.onTrainBatchEnd(step, batchLogs);
                    if (model.isStopTraining()) break;
                }
            }
            logs = results();
            if (val != null) {
                for (var e : evaluateLoop(val, o.batchSize(), List.of()).entrySet()) logs.put("val_" + e.getKey(), e.getValue());
            }
            for (Callback cb : callbacks) cb.onEpochEnd(epoch, logs);
            if (model.isStopTraining()) break;
        }
        model.eval();
        for (Callback cb : callbacks) cb.onTrainEnd(logs);
        return history;
    }

    private void checkValidation(Data val) {
        List<int[]> outShapes = model.outputShapes();
        for (int i = 0; i < losses.size() && outShapes != null; i++) {
            if (losses.get(i) instanceof KerasLoss kl) kl.check(outShapes.get(i), val.y.get(i), model.outputLayer(i).name());
        }
    }

    // ---------------------------------------------------------------- evaluate and predict

    Map<String, Double> evaluate(Data data, int batchSize, int verbose) {
        if (batchSize <= 0) throw new IllegalArgumentException("evaluate: batchSize must be positive, got " + batchSize);
        if (data.x != null) {
            prepare(data.x, data.y, true);
        } else {
            Batch first = data.first(batchSize);
            prepare(first.x(), first.y(), false);
        }
        List<Callback> callbacks = new ArrayList<>();
        if (verbose > 0) callbacks.add(new ProgbarLogger(false));
        var params = new Callback.Params(1, data.steps(batchSize), verbose);
        for (Callback cb : callbacks) cb.attach(model, params);
        Map<String, Double> logs = evaluateLoop(data, batchSize, callbacks);
        // Keras orders evaluate's results as loss, then the metrics.
        var ordered = new LinkedHashMap<String, Double>();
        ordered.put("loss", logs.get("loss"));
        logs.forEach(ordered::putIfAbsent);
        return ordered;
    }

    private Map<String, Double> evaluateLoop(Data data, int batchSize, List<Callback> callbacks) {
        boolean wasTraining = model.isTraining();
        model.eval();
        try {
            resetMetrics();
            for (Callback cb : callbacks) cb.onTestBegin(new LinkedHashMap<>());
            try (Batches it = data.batches(batchSize, false)) {
                for (int step = 0; it.hasNext(); step++) {
                    for (Callback cb : callbacks) cb.onTestBatchBegin(step, new LinkedHashMap<>());
                    if (data.dataset != null) {
                        Batch b = it.next();
                        try (var scope = MemoryScope.open()) {
                            testStep(b);
                        }
                    } else {
                        try (var scope = MemoryScope.open()) {
                            testStep(it.next());
                        }
                    }
                    Map<String, Double> batchLogs = results();
                    for (Callback cb : callbacks) cb.onTestBatchEnd(step, batchLogs);
                }
            }
            Map<String, Double> logs = results();
            for (Callback cb : callbacks) cb.onTestEnd(logs);
            return logs;
        } finally {
            model.train(wasTraining);
        }
    }

    List<Tensor> predict(List<Tensor> x, int batchSize, int verbose) {
        if (batchSize <= 0) throw new IllegalArgumentException("predict: batchSize must be positive, got " + batchSize);
        Data data = Data.inputs("predict", x);
        if (x.size() != model.inputCount()) {
            throw new IllegalArgumentException("model '" + model.name() + "' has " + model.inputCount() + " inputs, got "
                    + x.size() + " x tensors");
        }
        List<int[]> shapes = x.stream().map(Tensor::shape).toList();
        model.checkInputs(shapes);
        try (var g = GradMode.noGrad()) {
            if (!model.isBuilt()) {
                if (shapes.size() == 1) model.ensureBuilt(shapes.getFirst());
                else model.ensureBuilt(shapes);
            } else if (shapes.size() == 1) {
                model.outputShapeFor(shapes.getFirst());
            }
        }
        List<Callback> callbacks = new ArrayList<>();
        if (verbose > 0) callbacks.add(new ProgbarLogger(false));
        var params = new Callback.Params(1, data.steps(batchSize), verbose);
        for (Callback cb : callbacks) cb.attach(model, params);
        boolean wasTraining = model.isTraining();
        model.eval();
        List<List<Tensor>> parts = new ArrayList<>();
        try (var g = GradMode.noGrad()) {
            for (Callback cb : callbacks) cb.onPredictBegin(new LinkedHashMap<>());
            try (Batches it = data.batches(batchSize, false)) {
                for (int step = 0; it.hasNext(); step++) {
                    for (Callback cb : callbacks) cb.onPredictBatchBegin(step, new LinkedHashMap<>());
                    try (var scope = MemoryScope.open()) {
                        List<Tensor> outs = model.callOutputs(inputs(it.next().x()));
                        for (Tensor t : outs) scope.keep(t);
                        parts.add(outs);
                    }
                    for (Callback cb : callbacks) cb.onPredictBatchEnd(step, new LinkedHashMap<>());
                }
            }
            for (Callback cb : callbacks) cb.onPredictEnd(new LinkedHashMap<>());
        } finally {
            model.train(wasTraining);
        }
        List<Tensor> result = new ArrayList<>();
        for (int i = 0; i < parts.getFirst().size(); i++) {
            final int k = i;
            List<Tensor> pieces = parts.stream().map(p -> p.get(k)).toList();
            Tensor all = pieces.size() == 1 ? pieces.getFirst() : Tensor.cat(pieces, 0);
            result.add(all.to(x.getFirst().device()));   // the outputs come back where x is
        }
        return result;
    }

    Map<String, Double> trainOnBatch(List<Tensor> x, List<Tensor> y) {
        Data data = Data.of("trainOnBatch", x, y);
        prepare(data.x, data.y, true);
        Optimizer opt = model.ensureOptimizer();
        resetMetrics();
        model.train();
        try (var scope = MemoryScope.open()) {
            trainStep(opt, new Batch(data.x, data.y, data.size()), null, false, 0, 0);
        }
        return results();
    }

    Map<String, Double> testOnBatch(List<Tensor> x, List<Tensor> y) {
        Data data = Data.of("testOnBatch", x, y);
        prepare(data.x, data.y, true);
        return evaluateLoop(data, data.size(), List.of());
    }
}
