package dev.kona.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.Kona;
import dev.kona.Tensor;
import dev.kona.testing.TensorAssert;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CallbacksTest {

    @TempDir
    Path dir;

    private Tensor x;
    private Tensor y;

    @BeforeEach
    void data() {
        Layer.resetNames();
        Kona.manualSeed(5);
        x = Tensor.randn(32, 3);
        y = x.sum(1, true);
    }

    private static Sequential model() {
        var m = new Sequential(new Input(3), new Dense(1));
        m.compile("sgd", "mse");
        return m;
    }

    /** Puts a scripted value under {@code key} in each epoch's logs, so that monitors see a known sequence. */
    private static Callback scripted(String key, double... values) {
        return new LambdaCallback().onEpochEnd((epoch, logs) -> logs.put(key, values[epoch]));
    }

    static String captureOut(Runnable r) {
        PrintStream old = System.out;
        var buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void earlyStoppingStopsAfterPatienceAndRestoresTheBestWeights() {
        var model = model();
        List<Tensor> atEpoch = new ArrayList<>();
        var snapshot = new LambdaCallback().onEpochEnd((e, logs) -> atEpoch.add(((Dense) model.layers().getFirst()).kernel().copy()));
        var stop = new EarlyStopping().monitor("score").patience(2).restoreBestWeights(true).verbose(1);
        String out = captureOut(() -> {
            History h = model.fit(x, y, FitOptions.epochs(10).verbose(0)
                    .callbacks(scripted("score", 3, 1, 2, 2.5, 4, 0, 0, 0, 0, 0), snapshot, stop));
            assertEquals(List.of(0, 1, 2, 3), h.epochs(), "stops at epoch 3: two epochs without beating epoch 1");
        });
        assertEquals(3, stop.stoppedEpoch());
        assertEquals(1, stop.bestEpoch());
        assertEquals("Epoch 4: early stopping\nRestoring model weights from the end of the best epoch: 2.\n", out);
        TensorAssert.assertBitEqual(atEpoch.get(1), ((Dense) model.layers().getFirst()).kernel(), "weights of epoch 1");
    }

    @Test
    void earlyStoppingHonoursMinDeltaAndMaxMode() {
        var model = model();
        var stop = new EarlyStopping().monitor("val_accuracy").minDelta(0.05).patience(1);
        History h = model.fit(x, y, FitOptions.epochs(10).verbose(0)
                .callbacks(scripted("val_accuracy", 0.5, 0.6, 0.62, 0.9, 0.95, 0.96, 0.97, 0.98, 0.99, 1), stop));
        // 0.62 beats the best (0.6) by less than minDelta: with patience 1, training stops there.
        assertEquals(List.of(0, 1, 2), h.epochs());
    }

    @Test
    void modelCheckpointWithSaveBestOnlyWritesOnlyImprovements() throws IOException {
        var model = model();
        String pattern = dir.resolve("ckpt-{epoch:02d}-{score:.1f}.kona").toString();
        var ckpt = new ModelCheckpoint(pattern).monitor("score").mode("min").saveBestOnly(true).verbose(1);
        List<Tensor> atEpoch = new ArrayList<>();
        var snapshot = new LambdaCallback().onEpochEnd((e, logs) -> atEpoch.add(((Dense) model.layers().getFirst()).kernel().copy()));
        String out = captureOut(() -> model.fit(x, y, FitOptions.epochs(4).verbose(0)
                .callbacks(scripted("score", 3, 1, 2, 0.5), snapshot, ckpt)));
        try (var files = Files.list(dir)) {
            assertEquals(List.of("ckpt-01-3.0.kona", "ckpt-02-1.0.kona", "ckpt-04-0.5.kona"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertTrue(out.contains("Epoch 1: score improved from None to 3.00000, saving model to " + dir.resolve("ckpt-01-3.0.kona")), out);
        assertTrue(out.contains("Epoch 3: score did not improve from 1.00000"), out);
        Model restored = Model.load(dir.resolve("ckpt-02-1.0.kona"));
        TensorAssert.assertBitEqual(atEpoch.get(1), ((Dense) restored.layers().getFirst()).kernel(), "the checkpoint of epoch 2");
        assertEquals(0.5, ckpt.best());
    }

    @Test
    void modelCheckpointEveryEpochAndWeightsOnly() throws IOException {
        var model = model();
        var ckpt = new ModelCheckpoint(dir.resolve("w{epoch}.safetensors").toString()).saveWeightsOnly(true);
        model.fit(x, y, FitOptions.epochs(2).verbose(0).callbacks(ckpt));
        assertTrue(Files.exists(dir.resolve("w1.safetensors")) && Files.exists(dir.resolve("w2.safetensors")));
        var fresh = model();
        fresh.loadWeights(dir.resolve("w2.safetensors"));
        TensorAssert.assertBitEqual(model.predict(x, 32, 0), fresh.predict(x, 32, 0), "weights of the last epoch");
    }

    @Test
    void reduceLrOnPlateauLowersTheOptimizersRate() {
        var model = model();
        var reduce = new ReduceLROnPlateau().monitor("score").factor(0.5).patience(1).verbose(1);
        String out = captureOut(() -> {
            History h = model.fit(x, y, FitOptions.epochs(5).verbose(0).callbacks(scripted("score", 1, 1, 0.5, 0.5, 0.5), reduce));
            assertEquals(List.of(0.01, 0.01, 0.005, 0.005, 0.0025), h.get("learning_rate"));
        });
        assertEquals(0.00125, model.learningRate(), 1e-12);
        assertEquals(0.00125, model.optimizer().paramGroups().getFirst().lr(), 1e-12);
        assertTrue(out.contains("Epoch 2: ReduceLROnPlateau reducing learning rate to 0.005."), out);
    }

    @Test
    void csvLoggerWritesKerasRows() throws IOException {
        var model = model();
        Path csv = dir.resolve("log.csv");
        History h = model.fit(x, y, FitOptions.epochs(3).verbose(0).callbacks(new CSVLogger(csv)));
        List<String> lines = Files.readAllLines(csv);
        assertEquals(4, lines.size());
        assertEquals("epoch,loss,val_loss", lines.getFirst());
        for (int e = 0; e < 3; e++) {
            String[] cells = lines.get(e + 1).split(",");
            assertEquals(String.valueOf(e), cells[0]);
            assertEquals(h.get("loss").get(e), Double.parseDouble(cells[1]));
            assertEquals("NA", cells[2]);
        }
        assertTrue(Files.readString(csv).contains("\r\n"), "Python's csv module ends rows with CRLF");
        model.fit(x, y, FitOptions.epochs(1).verbose(0).callbacks(new CSVLogger(csv, ",", true)));
        assertEquals(5, Files.readAllLines(csv).size(), "appending adds rows without a second header");
    }

    @Test
    void learningRateSchedulerSetsTheRateEachEpoch() {
        var model = model();
        History h = model.fit(x, y, FitOptions.epochs(3).verbose(0)
                .callbacks(new LearningRateScheduler((epoch, lr) -> 0.1 / (epoch + 1))));
        assertEquals(List.of(0.1, 0.05, 0.1 / 3), h.get("learning_rate"));
    }

    @Test
    void terminateOnNaNStopsAtTheBatch() {
        var model = model();
        Tensor bad = x.copy();
        bad.narrow(0, 20, 1).fill(Double.NaN);
        var nan = new TerminateOnNaN();
        String out = captureOut(() -> {
            History h = model.fit(bad, y, FitOptions.epochs(3).batchSize(8).shuffle(false).verbose(0).callbacks(nan));
            assertEquals(List.of(0), h.epochs());
            assertTrue(Double.isNaN(h.last("loss")));
        });
        assertEquals("Batch 2: Invalid loss, terminating training\n", out);
        assertTrue(nan.terminated());
        assertTrue(Double.isFinite(((Dense) model.layers().getFirst()).kernel().sum().item()), "the NaN step was not applied");
    }

    @Test
    void lambdaCallbackAndStoppingFromACallback() {
        var model = model();
        int[] counts = new int[4];
        var cb = new LambdaCallback()
                .onTrainBegin(logs -> counts[0]++)
                .onEpochBegin((e, logs) -> counts[1]++)
                .onBatchEnd((b, logs) -> {
                    counts[2]++;
                    assertTrue(logs.containsKey("loss"));
                })
                .onEpochEnd((e, logs) -> {
                    if (e == 1) model.setStopTraining(true);
                })
                .onTrainEnd(logs -> counts[3]++);
        History h = model.fit(x, y, FitOptions.epochs(10).batchSize(16).verbose(0).callbacks(cb));
        assertEquals(List.of(0, 1), h.epochs());
        assertArrayEquals(new int[] {1, 2, 4, 1}, counts);
    }

    @Test
    void callbacksSeeTheModelAndParams() {
        var model = model();
        var seen = new ArrayList<Callback.Params>();
        Supplier<Callback> probe = () -> new Callback() {
            @Override
            public void onTrainBegin(Map<String, Double> logs) {
                seen.add(params());
                assertEquals(model, model());
            }
        };
        model.fit(x, y, FitOptions.epochs(2).batchSize(10).verbose(0).callbacks(probe.get()));
        assertEquals(List.of(new Callback.Params(2, 4, 0)), seen);
        assertFalse(model.isStopTraining());
    }
}
