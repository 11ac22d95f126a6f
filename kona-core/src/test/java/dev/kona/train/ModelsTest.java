package dev.kona.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.DType;
import dev.kona.Generator;
import dev.kona.Kona;
import dev.kona.Tensor;
import dev.kona.autograd.GradMode;
import dev.kona.nn.CrossEntropyLoss;
import dev.kona.nn.Module;
import dev.kona.optim.SGD;
import dev.kona.testing.TensorAssert;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ModelsTest {

    @BeforeEach
    void freshNames() {
        Layer.resetNames();
        Kona.manualSeed(7);
    }

    /** Three well separated Gaussian blobs in 2-D: x [n, 2] float32, y [n] int64 labels 0..2. */
    static Tensor[] blobs(int n, long seed) {
        var g = new Generator(seed);
        float[][] centers = {{-3, 0}, {3, 0}, {0, 3}};
        float[] x = new float[n * 2];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            y[i] = c;
            x[2 * i] = centers[c][0] + (float) g.nextGaussian() * 0.3f;
            x[2 * i + 1] = centers[c][1] + (float) g.nextGaussian() * 0.3f;
        }
        return new Tensor[] {Tensor.of(x, n, 2), Tensor.of(y)};
    }

    private static Sequential classifier() {
        return new Sequential(new Input(2), new Dense(16, "relu"), new Dense(3, "softmax"));
    }

    @Test
    void sequentialFromAListOrLayerByLayer() {
        var a = classifier();
        var b = new Sequential().add(new Input(2)).add(new Dense(16, "relu")).add(new Dense(3, "softmax"));
        assertEquals(List.of("dense", "dense_1"), a.layers().stream().map(Layer::name).toList());
        assertEquals(List.of("dense_2", "dense_3"), b.layers().stream().map(Layer::name).toList());
        // State-dict keys follow the structure, not the session's numbering, so weights move between the two.
        assertEquals(List.of("dense.kernel", "dense.bias", "dense_1.kernel", "dense_1.bias"), List.copyOf(a.stateDict().keySet()));
        assertEquals(a.stateDict().keySet(), b.stateDict().keySet());
        b.loadStateDict(a.stateDict());
        Tensor x = blobs(9, 1)[0];
        TensorAssert.assertBitEqual(a.eval().call(x), b.eval().call(x), "same weights, same outputs");
        assertEquals(2 * 16 + 16 + 16 * 3 + 3, a.countParams());
        assertArrayEquals(new int[] {-1, 3}, a.outputShape());
        assertTrue(a instanceof Module);
    }

    @Test
    void sequentialWithoutInputIsBuiltByItsFirstData() {
        var model = new Sequential(new Dense(4, "relu"), new Dense(1));
        assertTrue(!model.isBuilt());
        model.compile("sgd", "mse");
        Tensor x = Tensor.randn(8, 5);
        model.fit(x, Tensor.zeros(8, 1), FitOptions.epochs(1).verbose(0));
        assertArrayEquals(new int[] {-1, 5}, model.inputShape());
        assertEquals(5 * 4 + 4 + 4 + 1, model.countParams());
    }

    @Test
    void fitReachesNearZeroLossOnSeparableData() {
        Tensor[] d = blobs(300, 2);
        var model = classifier();
        model.compile(OptimizerSpec.adam(0.01), KerasLoss.get("sparse_categorical_crossentropy"), Metrics.get("accuracy"));
        History h = model.fit(d[0], d[1], FitOptions.epochs(30).batchSize(32).verbose(0));
        assertTrue(h.last("loss") < 0.01, "loss " + h.last("loss"));
        assertEquals(1.0, h.last("accuracy"));
        Map<String, Double> eval = model.evaluate(d[0], d[1], 64, 0);
        assertEquals(List.of("loss", "accuracy"), List.copyOf(eval.keySet()));
        assertEquals(1.0, eval.get("accuracy"));
    }

    @Test
    void regressionWithSgdAndMse() {
        Tensor x = Tensor.rand(new Generator(3), 64, 1);
        Tensor y = x.mul(2.0).add(1.0);
        var model = new Sequential(new Input(1), new Dense(1));
        model.compile(OptimizerSpec.sgd(0.2), KerasLoss.get("mse"), Metrics.get("mae"));
        model.fit(x, y, FitOptions.epochs(150).batchSize(16).verbose(0));
        Tensor w = ((Dense) model.layers().getFirst()).kernel();
        assertEquals(2.0, w.item(), 0.05);
        assertTrue(model.evaluate(x, y, 64, 0).get("mae") < 0.03);
    }

    @Test
    void compileByObjects() {
        Tensor[] d = blobs(90, 4);
        // An nn loss on logits, an optimizer recipe as a lambda, metric objects.
        var logits = new Sequential(new Input(2), new Dense(8, "relu"), new Dense(3));
        logits.compile(params -> new SGD(params, SGD.options().lr(0.1).momentum(0.9)), new CrossEntropyLoss(),
                Metrics.sparseCategoricalAccuracy(), Metrics.sparseTopKCategoricalAccuracy(2));
        History h = logits.fit(d[0], d[1], FitOptions.epochs(10).verbose(0));
        assertEquals(List.of("loss", "sparse_categorical_accuracy", "sparse_top_k_categorical_accuracy"), List.copyOf(h.history().keySet()));
        assertTrue(h.last("sparse_categorical_accuracy") > 0.95);

        // An optimizer made by hand over a built model.
        var model = classifier();
        var sgd = new SGD(model.trainableWeights(), 0.05);
        model.compile(sgd, new KerasLoss.SparseCategoricalCrossentropy(false), Metrics.get("acc"));
        double before = model.evaluate(d[0], d[1], 32, 0).get("loss");
        model.fit(d[0], d[1], FitOptions.epochs(5).verbose(0));
        assertTrue(model.evaluate(d[0], d[1], 32, 0).get("loss") < before);
        assertEquals(sgd, model.optimizer());
    }

    @Test
    void kerasDefaultsOfTheOptimizersByName() {
        var model = classifier();
        for (var e : Map.of("adam", 1e-3, "sgd", 1e-2, "rmsprop", 1e-3, "adagrad", 1e-3, "adamw", 1e-3).entrySet()) {
            model.compile(e.getKey(), "mse");
            assertEquals(e.getValue(), model.learningRate(), e.getKey());
        }
        model.compile("adam", "mse");
        assertEquals(1e-7, model.optimizer().paramGroups().getFirst().getDouble("eps"), "Keras's epsilon");
        model.compile("rmsprop", "mse");
        assertEquals(0.9, model.optimizer().paramGroups().getFirst().getDouble("alpha"), "Keras's rho");
    }

    @Test
    void softmaxWithCrossEntropyIsComputedFromLogits() {
        var model = new Sequential(new Input(2), new Dense(3, "softmax"));
        Dense out = (Dense) model.layers().getFirst();
        try (var g = GradMode.noGrad()) {
            out.kernel().copyFrom(Tensor.of(new float[][] {{1000, 0, -1000}, {0, 0, 0}}));
        }
        model.compile("sgd", "sparse_categorical_crossentropy", "accuracy");
        Tensor x = Tensor.of(new float[][] {{1, 0}});
        // log(softmax) would give -inf (or, clipped, 16.1); from the logits the loss is exactly 2000.
        assertEquals(2000.0, model.testOnBatch(x, Tensor.of(2L)).get("loss"), 1e-3);
        assertEquals(0.0, model.testOnBatch(x, Tensor.of(0L)).get("loss"), 1e-6);
        Map<String, Double> step = model.trainOnBatch(x, Tensor.of(2L));
        assertTrue(Double.isFinite(step.get("loss")));
        assertTrue(Double.isFinite(out.kernel().sum().item()), "gradients stay finite");
        // The prediction itself is still the softmax.
        assertEquals(1.0, model.predict(x, 1, 0).sum().item(), 1e-6);
    }

    @Test
    void validationSplitTakesTheLastFractionBeforeShuffling() {
        var seen = new ArrayList<Float>();
        var recorder = new Module() {
            @Override
            public Tensor forward(Tensor input) {
                if (isTraining()) for (float v : input.reshape(-1).toFloatArray()) seen.add(v);
                return input;
            }
        };
        Tensor x = Tensor.arange(0, 10, 1).to(DType.FLOAT32).reshape(10, 1);
        Tensor y = x.mul(3.0);
        var model = new Sequential(new Input(1), new ModuleWrapper(recorder), new Dense(1));
        model.compile("sgd", "mse");
        History h = model.fit(x, y, FitOptions.epochs(2).batchSize(3).validationSplit(0.2).verbose(0));
        assertEquals(16, seen.size(), "8 training samples per epoch");
        assertTrue(seen.stream().allMatch(v -> v < 8), "samples 8 and 9 are held out: " + seen);
        assertTrue(!seen.subList(0, 8).equals(List.of(0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f)) || !seen.subList(8, 16).equals(seen.subList(0, 8)),
                "the training part is shuffled");
        double valLoss = model.evaluate(x.narrow(0, 8, 2), y.narrow(0, 8, 2), 32, 0).get("loss");
        assertEquals(valLoss, h.last("val_loss"), 1e-6);
        assertEquals(List.of("loss", "val_loss"), List.copyOf(h.history().keySet()));
    }

    @Test
    void historyHoldsEveryEpochsMetrics() {
        Tensor[] d = blobs(60, 5);
        var model = classifier();
        model.compile("adam", "sparse_categorical_crossentropy", "accuracy");
        History h = model.fit(d[0], d[1], FitOptions.epochs(3).validationData(d[0], d[1]).verbose(0));
        assertEquals(List.of("accuracy", "loss", "val_accuracy", "val_loss"), List.copyOf(h.history().keySet()));
        for (List<Double> v : h.history().values()) assertEquals(3, v.size());
        assertEquals(List.of(0, 1, 2), h.epochs());
        assertEquals(h, model.history());
        History resumed = model.fit(d[0], d[1], FitOptions.epochs(5).initialEpoch(3).verbose(0));
        assertEquals(List.of(3, 4), resumed.epochs());
    }

    @Test
    void seededRunsAreReproducible() {
        Tensor[] d = blobs(60, 6);
        List<Tensor> weights = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            Layer.resetNames();
            Kona.manualSeed(123);
            var model = new Sequential(new Input(2), new Dense(8, "relu"), new Dropout(0.3), new Dense(3, "softmax"));
            model.compile("adam", "sparse_categorical_crossentropy");
            model.fit(d[0], d[1], FitOptions.epochs(2).batchSize(8).verbose(0));
            weights.add(((Dense) model.layers().get(2)).kernel().copy());
        }
        TensorAssert.assertBitEqual(weights.get(0), weights.get(1), "same seed, same training");
    }

    @Test
    void fitAndEvaluateOnADatasetOfBatches() {
        Tensor[] d = blobs(120, 12);
        var train = dev.kona.data.Dataset.fromTensors(d[0], d[1]).shuffle(120, 1).batch(16);
        var val = dev.kona.data.Dataset.fromTensors(d[0], d[1]).batch(50);
        var model = classifier();
        model.compile(OptimizerSpec.adam(0.02), KerasLoss.get("sparse_categorical_crossentropy"), Metrics.get("accuracy"));
        History h = model.fit(train, FitOptions.epochs(15).validationData(val).verbose(0));
        assertEquals(List.of("accuracy", "loss", "val_accuracy", "val_loss"), List.copyOf(h.history().keySet()));
        assertTrue(h.last("val_accuracy") > 0.95, "val_accuracy " + h.last("val_accuracy"));
        assertEquals(h.last("val_loss"), model.evaluate(val, 0).get("loss"), 1e-6);
        String out = CallbacksTest.captureOut(() -> model.fit(train, FitOptions.epochs(1)));
        assertTrue(out.startsWith("8/8 "), "the dataset's cardinality gives the step count: " + out);
    }

    @Test
    void classWeightsScaleEachSamplesLoss() {
        var model = new Sequential(new Input(2), new Dense(3, "softmax"));
        model.compile(OptimizerSpec.sgd(0.0), KerasLoss.get("sparse_categorical_crossentropy"));
        Tensor[] d = blobs(6, 8);
        Tensor perSample = new KerasLoss.SparseCategoricalCrossentropy(false).perSample(model.predict(d[0], 32, 0), d[1]);
        float[] l = perSample.toFloatArray();
        long[] y = d[1].toLongArray();
        double expected = 0;
        for (int i = 0; i < l.length; i++) expected += l[i] * (y[i] == 0 ? 2.0 : y[i] == 1 ? 0.5 : 1.0);
        expected /= l.length;
        History h = model.fit(d[0], d[1], FitOptions.epochs(1).batchSize(6).shuffle(false).classWeight(Map.of(0, 2.0, 1, 0.5)).verbose(0));
        assertEquals(expected, h.last("loss"), 1e-5);
    }

    @Test
    void predictRunsInBatchesInInferenceMode() {
        var model = new Sequential(new Input(4), new Dense(6, "relu"), new Dropout(0.5), new Dense(2));
        Tensor x = Tensor.randn(23, 4);
        Tensor all = model.predict(x, 7, 0);
        assertArrayEquals(new int[] {23, 2}, all.shape());
        model.eval();
        Tensor direct;
        try (var g = GradMode.noGrad()) {
            direct = model.call(x);
        }
        assertArrayEquals(direct.toFloatArray(), all.toFloatArray(), 1e-6f, "batched predict");
        assertTrue(!all.requiresGrad());
    }

    @Test
    void functionalModelWithTwoInputsAndTwoOutputs() {
        KerasTensor a = Input.of(3), b = Input.of(2);
        KerasTensor h = new Dense(8, "relu").apply(new Concatenate().apply(List.of(a, b)));
        KerasTensor sum = new Dense(1).named("sum").apply(h);
        KerasTensor cls = new Dense(2, "softmax").named("sign").apply(h);
        var model = new Model(List.of(a, b), List.of(sum, cls));
        assertEquals(2, model.inputCount());
        assertEquals(List.of("input_layer", "input_layer_1", "concatenate", "dense", "sum", "sign"),
                model.layers().stream().map(Layer::name).toList());

        var g = new Generator(9);
        Tensor xa = Tensor.randn(g, 128, 3), xb = Tensor.randn(g, 128, 2);
        Tensor total = xa.sum(1, true).add(xb.sum(1, true));
        Tensor positive = total.gt(0.0).reshape(-1).to(DType.INT64);
        model.compile(OptimizerSpec.adam(0.02), List.of(KerasLoss.get("mse"), KerasLoss.get("sparse_categorical_crossentropy")),
                List.of("accuracy"));
        History hist = model.fit(List.of(xa, xb), List.of(total, positive), FitOptions.epochs(40).verbose(0));
        assertEquals(List.of("loss", "sign_accuracy", "sign_loss", "sum_accuracy", "sum_loss"), List.copyOf(hist.history().keySet()));
        assertTrue(hist.last("sum_loss") < 0.05, "sum_loss " + hist.last("sum_loss"));
        assertTrue(hist.last("sign_accuracy") > 0.9, "sign_accuracy " + hist.last("sign_accuracy"));
        List<Tensor> out = model.predict(List.of(xa, xb), 50, 0);
        assertArrayEquals(new int[] {128, 1}, out.get(0).shape());
        assertArrayEquals(new int[] {128, 2}, out.get(1).shape());
    }

    @Test
    void functionalModelsNestAndShareLayers() {
        KerasTensor in = Input.of(4);
        var shared = new Dense(4, "tanh");
        KerasTensor twice = shared.apply(shared.apply(in));
        var inner = new Model(in, twice);
        KerasTensor outer = Input.of(4);
        var model = new Model(outer, new Dense(1).apply(inner.apply(outer)));
        assertEquals(4 * 4 + 4 + 4 + 1, model.countParams(), "the shared layer's weights count once");
        model.compile("adam", "mse");
        Tensor x = Tensor.randn(16, 4);
        model.fit(x, x.sum(1, true), FitOptions.epochs(2).verbose(0));
        assertArrayEquals(new int[] {16, 1}, model.predict(x, 32, 0).shape());
    }

    /** A subclassed model: its own call over layers it tracks. */
    static final class Residual extends Model {
        private final Dense hidden = track(new Dense(8, "relu"));
        private final Dense back = track(new Dense(2));
        private final Dense head = track(new Dense(1));

        @Override
        protected Tensor call(Tensor inputs, boolean training) {
            return head.call(inputs.add(back.call(hidden.call(inputs))));
        }
    }

    @Test
    void subclassedModel() {
        var model = new Residual();
        assertEquals("residual", model.name());
        model.compile(OptimizerSpec.adam(0.02), KerasLoss.get("mse"));
        Tensor x = Tensor.randn(new Generator(2), 64, 2);
        Tensor y = x.narrow(1, 0, 1).mul(x.narrow(1, 1, 1));
        double first = model.fit(x, y, FitOptions.epochs(1).verbose(0)).last("loss");
        double last = model.fit(x, y, FitOptions.epochs(80).verbose(0)).last("loss");
        assertTrue(last < first / 2, first + " -> " + last);
        assertEquals(List.of("dense", "dense_1", "dense_2"), model.layers().stream().map(Layer::name).toList());
        assertEquals(List.of("dense.kernel", "dense.bias", "dense_1.kernel", "dense_1.bias", "dense_2.kernel", "dense_2.bias"),
                List.copyOf(model.stateDict().keySet()));
        assertNotNull(model.summaryText());
    }
}
