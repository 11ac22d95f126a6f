package dev.kona.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.Kona;
import dev.kona.Tensor;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SummaryAndProgressTest {

    @BeforeEach
    void freshNames() {
        Layer.resetNames();
        Kona.manualSeed(3);
    }

    /** Keras 3.15's output for seed 002's model (KERAS_BACKEND=torch, printed to a log, 80 columns). */
    static final String KERAS_MNIST_SUMMARY = """
            Model: "sequential"
            ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
            ┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
            ┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
            │ flatten (Flatten)               │ (None, 784)            │             0 │
            ├─────────────────────────────────┼────────────────────────┼───────────────┤
            │ dense (Dense)                   │ (None, 128)            │       100,480 │
            ├─────────────────────────────────┼────────────────────────┼───────────────┤
            │ dropout (Dropout)               │ (None, 128)            │             0 │
            ├─────────────────────────────────┼────────────────────────┼───────────────┤
            │ dense_1 (Dense)                 │ (None, 10)             │         1,290 │
            └─────────────────────────────────┴────────────────────────┴───────────────┘
             Total params: 101,770 (397.54 KB)
             Trainable params: 101,770 (397.54 KB)
             Non-trainable params: 0 (0.00 B)
            """;

    /** Keras 3.15's output for a two-input functional model (same setting). */
    static final String KERAS_FUNCTIONAL_SUMMARY = """
            Model: "functional_1"
            ┏━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┓
            ┃ Layer (type)        ┃ Output Shape      ┃    Param # ┃ Connected to      ┃
            ┡━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━┩
            │ a (InputLayer)      │ (None, 4)         │          0 │ -                 │
            ├─────────────────────┼───────────────────┼────────────┼───────────────────┤
            │ dense_2 (Dense)     │ (None, 8)         │         40 │ a[0][0]           │
            ├─────────────────────┼───────────────────┼────────────┼───────────────────┤
            │ b (InputLayer)      │ (None, 3)         │          0 │ -                 │
            ├─────────────────────┼───────────────────┼────────────┼───────────────────┤
            │ concatenate         │ (None, 11)        │          0 │ dense_2[0][0],    │
            │ (Concatenate)       │                   │            │ b[0][0]           │
            ├─────────────────────┼───────────────────┼────────────┼───────────────────┤
            │ dense_3 (Dense)     │ (None, 1)         │         12 │ concatenate[0][0] │
            └─────────────────────┴───────────────────┴────────────┴───────────────────┘
             Total params: 52 (208.00 B)
             Trainable params: 52 (208.00 B)
             Non-trainable params: 0 (0.00 B)
            """;

    @Test
    void mnistSummaryIsKeras3sText() {
        var model = new Sequential(new Input(28, 28), new Flatten(), new Dense(128, "relu"), new Dropout(0.2),
                new Dense(10, "softmax"));
        model.compile("adam", "sparse_categorical_crossentropy", "accuracy");
        assertEquals(KERAS_MNIST_SUMMARY, model.summaryText(76));
        String out = CallbacksTest.captureOut(model::summary);
        assertTrue(out.startsWith("Model: \"sequential\"\n┏"), out);
    }

    @Test
    void functionalSummaryHasKeras3sConnectedToColumn() {
        KerasTensor a = new Input(4).named("a").output();
        KerasTensor b = new Input(3).named("b").output();
        KerasTensor c = new Concatenate().apply(List.of(new Dense(8).named("dense_2").apply(a), b));
        var model = new Model(List.of(a, b), List.of(new Dense(1).named("dense_3").apply(c)));
        model.named("functional_1");
        assertEquals(KERAS_FUNCTIONAL_SUMMARY, model.summaryText(76));
    }

    @Test
    void columnWidthsFollowRichsRules() {
        assertEquals(List.of(33, 24, 15), toList(Summary.columnWidths(new double[] {0.45, 0.80, 1.0}, 76)));
        assertEquals(List.of(38, 29, 17), toList(Summary.columnWidths(new double[] {0.45, 0.80, 1.0}, 88)));
        assertEquals(List.of(21, 19, 12, 19), toList(Summary.columnWidths(new double[] {0.3, 0.56, 0.74, 1.0}, 76)));
    }

    private static List<Integer> toList(int[] a) {
        return java.util.Arrays.stream(a).boxed().toList();
    }

    @Test
    void unbuiltModelsAndOptimizerState() {
        var lazy = new Sequential(new Dense(3));
        assertTrue(lazy.summaryText(76).contains("│ dense (Dense)                   │ ?                      │   0 (unbuilt) │"),
                lazy.summaryText(76));
        var model = new Sequential(new Input(2), new Dense(1));
        model.compile("adam", "mse");
        model.fit(Tensor.ones(4, 2), Tensor.ones(4, 1), FitOptions.epochs(1).verbose(0));
        String s = model.summaryText(76);
        assertTrue(s.contains(" Optimizer params: 6 (24.00 B)\n"), "Adam's two moments of 3 weights: " + s);
        assertTrue(s.contains(" Total params: 9 (36.00 B)\n"), s);
    }

    // ---------------------------------------------------------------- progress output

    private static final String BAR = "━".repeat(20);

    @Test
    void aLogGetsOneLinePerEpoch() {
        var model = new Sequential(new Input(2), new Dense(3, "softmax"));
        model.compile("adam", "sparse_categorical_crossentropy", "accuracy");
        Tensor[] d = ModelsTest.blobs(100, 1);
        String out = CallbacksTest.captureOut(() -> model.fit(d[0], d[1], FitOptions.epochs(3).batchSize(10).validationSplit(0.2)));
        String[] lines = out.split("\n", -1);
        assertEquals(7, lines.length, out);   // 3 x (header, progress line), then the empty string after the last newline
        assertEquals("", lines[6]);
        for (int e = 0; e < 3; e++) {
            assertEquals("Epoch " + (e + 1) + "/3", lines[2 * e]);
            assertTrue(lines[2 * e + 1].matches("8/8 " + BAR + " \\d+s \\d+(s|ms|us)/step - accuracy: \\d\\.\\d{4} - loss: \\d\\.\\d{4}"
                    + " - val_accuracy: \\d\\.\\d{4} - val_loss: \\d\\.\\d{4}"), lines[2 * e + 1]);
        }
        assertTrue(!out.contains("\r") && !out.contains("\u001b"), "no carriage returns or colours in a log");

        String eval = CallbacksTest.captureOut(() -> model.evaluate(d[0], d[1]));
        assertTrue(eval.matches("4/4 " + BAR + " \\d+s \\d+(s|ms|us)/step - accuracy: \\d\\.\\d{4} - loss: \\d\\.\\d{4}\n"), eval);
        String predict = CallbacksTest.captureOut(() -> model.predict(d[0]));
        assertTrue(predict.matches("4/4 " + BAR + " \\d+s \\d+(s|ms|us)/step\n"), predict);
    }

    @Test
    void verboseTwoAndZero() {
        var model = new Sequential(new Input(2), new Dense(1));
        model.compile("sgd", "mse");
        Tensor x = Tensor.randn(40, 2), y = Tensor.randn(40, 1);
        String two = CallbacksTest.captureOut(() -> model.fit(x, y, FitOptions.epochs(2).batchSize(16).verbose(2)));
        assertTrue(two.matches("Epoch 1/2\n3/3 - \\d+s - \\d+(s|ms|us)/step - loss: \\d\\.\\d{4}\nEpoch 2/2\n3/3 - \\d+s - "
                + "\\d+(s|ms|us)/step - loss: \\d\\.\\d{4}\n"), two);
        String one = CallbacksTest.captureOut(() -> model.fit(x, y, FitOptions.epochs(1).batchSize(16)));
        assertTrue(one.matches("3/3 " + BAR + " \\d+s \\d+(s|ms|us)/step - loss: \\d\\.\\d{4}\n"), "no header for one epoch: " + one);
        assertEquals("", CallbacksTest.captureOut(() -> model.fit(x, y, FitOptions.epochs(2).verbose(0))));
    }

    @Test
    void aTerminalGetsALiveBarWithAnEta() {
        String out = CallbacksTest.captureOut(() -> {
            var bar = new Progbar(1875, 1, true);
            var logs = new java.util.LinkedHashMap<String, Double>();
            logs.put("accuracy", 0.9123);
            logs.put("loss", 0.30124);
            bar.update(1, logs, false);
            bar.update(1875, logs, true);
        });
        String plain = out.replaceAll("\u001b\\[[0-9;]*m", "");
        assertTrue(plain.matches("\r   1/1875 ━" + "━".repeat(19) + " \\d+s \\d+(s|ms|us)/step - accuracy: 0\\.9123 - loss: 0\\.3012"
                + "\r1875/1875 " + BAR + " \\d+s \\d+(s|ms|us)/step - accuracy: 0\\.9123 - loss: 0\\.3012 *\n"), plain);
        assertTrue(out.contains("\u001b[32m"), "the done part is green, as Keras's");
    }

    @Test
    void numberFormatsFollowKeras() {
        assertEquals(" 3s/step", Progbar.formatTime(3.2));
        assertEquals(" 12ms/step", Progbar.formatTime(0.0121));
        assertEquals(" 250us/step", Progbar.formatTime(0.00025));
        assertEquals("0.0001", PyFormat.repr(1e-4));
        assertEquals("1e-05", PyFormat.repr(1e-5));
        assertEquals("2.0", PyFormat.repr(2));
        assertEquals("1.5e+16", PyFormat.repr(1.5e16));
        assertEquals("nan", PyFormat.repr(Double.NaN));
        assertEquals("ckpt-03-0.12.kona", PyFormat.format("ckpt-{epoch:02d}-{val_loss:.2f}.kona",
                java.util.Map.of("epoch", 3L, "val_loss", 0.1234)));
    }
}
