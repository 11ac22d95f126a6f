package dev.kona.train;

import static dev.kona.testing.GoldenFile.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kona.Tensor;
import dev.kona.autograd.GradMode;
import dev.kona.testing.GoldenFile;
import dev.kona.testing.Json;
import dev.kona.testing.OpInfo.Tol;
import dev.kona.testing.TensorAssert;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Keras-named layers against Keras 3 itself (TensorFlow backend): {@code
 * tools/golden_keras_layers.py} froze, per case, a Keras layer's arguments, explicitly set weights
 * (in {@code get_weights()} order, which is Kona's state-dict order), an input, Keras's output,
 * output shape and parameter counts (and, for BatchNormalization in training mode, the moving
 * statistics after the call); and, per model, {@code model.summary()}'s per-layer output shapes and
 * parameter counts. Each test rebuilds the same in Kona, loads the weights as they are (Keras's
 * layouts, no transposition) and compares.
 */
class KerasLayersGoldenTest {
    private static final Tol TOL = new Tol(1e-4, 1e-5);

    static Stream<Arguments> cases() {
        return GoldenFile.cases("/golden/keras_layers.json");
    }

    private static int[] ints(Map<String, Object> a, String k) {
        return GoldenFile.ints(a.get(k));
    }

    private static int integer(Map<String, Object> a, String k) {
        return (int) Json.num(a.get(k));
    }

    @SuppressWarnings("unchecked")
    static Layer create(String kind, Map<String, Object> a) {
        return switch (kind) {
            case "Conv2D" -> new Conv2D(integer(a, "filters"), ints(a, "kernel_size"), ints(a, "strides"), (String) a.get("padding"),
                    ints(a, "dilation_rate"), integer(a, "groups"), (String) a.get("activation"), (Boolean) a.get("use_bias"));
            case "Conv1D" -> new Conv1D(integer(a, "filters"), ints(a, "kernel_size")[0], ints(a, "strides")[0], (String) a.get("padding"),
                    ints(a, "dilation_rate")[0], integer(a, "groups"), (String) a.get("activation"), (Boolean) a.get("use_bias"));
            case "MaxPooling2D" -> new MaxPooling2D(ints(a, "pool_size"), ints(a, "strides"), (String) a.get("padding"));
            case "AveragePooling2D" -> new AveragePooling2D(ints(a, "pool_size"), ints(a, "strides"), (String) a.get("padding"));
            case "GlobalAveragePooling2D" -> new GlobalAveragePooling2D();
            case "BatchNormalization" -> new BatchNormalization();
            case "LayerNormalization" -> new LayerNormalization();
            case "Embedding" -> new Embedding(integer(a, "input_dim"), integer(a, "output_dim"));
            case "SimpleRNN" -> new SimpleRNN(integer(a, "units"), "tanh", (Boolean) a.get("return_sequences"), (Boolean) a.get("go_backwards"), true);
            case "LSTM" -> new LSTM(integer(a, "units"), (Boolean) a.get("return_sequences"), (Boolean) a.get("go_backwards"), true);
            case "GRU" -> new GRU(integer(a, "units"), (Boolean) a.get("return_sequences"), (Boolean) a.get("go_backwards"), true);
            case "MultiHeadAttention" -> new MultiHeadAttention(integer(a, "num_heads"), integer(a, "key_dim"), integer(a, "value_dim"), 0.0, true);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    @SuppressWarnings("unchecked")
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesKeras(String name, Map<String, Object> c) {
        String kind = (String) c.get("kind");
        Layer layer = create(kind, (Map<String, Object>) c.get("args"));
        List<Tensor> xs = ((List<Object>) c.get("inputs")).stream().map(GoldenFile::tensor).toList();
        boolean training = (Boolean) c.get("training");
        layer.train(training);
        try (var g = GradMode.noGrad()) {
            if (xs.size() == 1) layer.ensureBuilt(xs.get(0).shape());
            else layer.ensureBuilt(xs.stream().map(Tensor::shape).toList());
        }
        List<Tensor> weights = new ArrayList<>();
        for (Object w : (List<Object>) c.get("weights")) weights.add(tensor(w));
        layer.setWeights(weights);
        Tensor y = xs.size() == 1 ? layer.call(xs.get(0)) : layer.call(xs);
        TensorAssert.assertClose(y, GoldenFile.nd(c.get("output")), TOL, name + ": output");
        assertArrayEquals(ints(c, "output_shape"), layer.outputShape(), name + ": output shape");
        assertEquals(integer(c, "trainable_params"), layer.trainableWeights().stream().mapToLong(Tensor::numel).sum(), name + ": trainable");
        assertEquals(integer(c, "non_trainable_params"), layer.nonTrainableWeights().stream().mapToLong(Tensor::numel).sum(),
                name + ": non-trainable");
        if (c.containsKey("after")) {
            List<Tensor> now = layer.getWeights();
            List<Object> after = (List<Object>) c.get("after");
            for (int i = 0; i < after.size(); i++) {
                TensorAssert.assertClose(now.get(i), GoldenFile.nd(after.get(i)), TOL, name + ": weight " + i + " after the call");
            }
        }
    }

    /** Kona's version of each model whose summary the golden file holds. */
    static Model model(String name) {
        Layer.resetNames();
        return switch (name) {
            case "mnist_cnn" -> new Sequential(new Input(28, 28, 1), new Conv2D(32, 3, "relu"), new Conv2D(64, 3, "relu"),
                    new MaxPooling2D(2), new Dropout(0.25), new Flatten(), new Dense(128, "relu"), new Dropout(0.5),
                    new Dense(10, "softmax"));
            case "conv_bn_gap" -> new Sequential(new Input(32, 32, 3),
                    new Conv2D(16, new int[] {3}, new int[] {2}, "same", new int[] {1}, 1, "linear", false), new BatchNormalization(),
                    new Conv2D(32, new int[] {3}, new int[] {1}, "same", new int[] {1}, 2, "linear", true),
                    new AveragePooling2D(2, 2, "same"), new MaxPooling2D(3, 2, "same"), new GlobalAveragePooling2D(), new Dense(10));
            case "text_rnn" -> new Sequential(new Input(20), new Embedding(1000, 16),
                    new Conv1D(24, 5, 1, "same", 1, 1, "relu", true), new SimpleRNN(8, true), new GRU(12, true), new LSTM(10),
                    new LayerNormalization(), new Dense(1));
            case "mha" -> {
                KerasTensor q = Input.of(8, 16), v = Input.of(12, 24);
                yield new Model(List.of(q, v), List.of(new MultiHeadAttention(4, 8, 6, 0.0, true).apply(List.of(q, v))));
            }
            default -> throw new IllegalArgumentException(name);
        };
    }

    @SuppressWarnings("unchecked")
    @Test
    void summariesMatchKeras() {
        for (Object o : (List<Object>) GoldenFile.load("/golden/keras_layers.json").get("models")) {
            var m = (Map<String, Object>) o;
            String name = (String) m.get("name");
            Model model = model(name);
            var rows = (List<Object>) m.get("layers");
            List<Layer> layers = model.layers().stream().filter(l -> !(l instanceof Input)).toList();
            var expected = rows.stream().map(r -> (Map<String, Object>) r).filter(r -> !"InputLayer".equals(r.get("class"))).toList();
            assertEquals(expected.size(), layers.size(), name + ": layers");
            for (int i = 0; i < layers.size(); i++) {
                var r = expected.get(i);
                Layer l = layers.get(i);
                assertEquals(r.get("name"), l.name(), name + ": layer " + i + " name");
                assertEquals(r.get("class"), l.className(), name + ": layer " + i + " class");
                assertArrayEquals(GoldenFile.ints(r.get("output_shape")), l.outputShape(), name + ": " + l.name() + " output shape");
                assertEquals(integer(r, "params"), l.countParams(), name + ": " + l.name() + " params");
            }
            assertEquals(integer(m, "trainable"), model.trainableWeights().stream().mapToLong(Tensor::numel).sum(), name + ": trainable");
            assertEquals(integer(m, "non_trainable"), model.nonTrainableWeights().stream().mapToLong(Tensor::numel).sum(),
                    name + ": non-trainable");
        }
    }
}
