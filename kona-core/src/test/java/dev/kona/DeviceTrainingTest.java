package dev.kona;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.data.Dataset;
import dev.kona.nn.CrossEntropyLoss;
import dev.kona.nn.Module;
import dev.kona.optim.Adam;
import dev.kona.optim.Optimizer;
import dev.kona.optim.SGD;
import dev.kona.testing.TensorAssert;
import dev.kona.testing.TestDevice;
import dev.kona.testing.TrainingRuns;
import dev.kona.train.Dense;
import dev.kona.train.FitOptions;
import dev.kona.train.History;
import dev.kona.train.Input;
import dev.kona.train.Layer;
import dev.kona.train.Model;
import dev.kona.train.Sequential;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Training on the in-process test device gives the CPU's numbers bit for bit (its kernels are the
 * CPU's), which proves that nothing in the loops, losses, optimizers, layers or metrics quietly
 * computes on the CPU or falls over on a non-CPU storage; and the device counters show that a
 * step crosses to the host only where it must.
 */
class DeviceTrainingTest {
    private static final Device DEV = TestDevice.DEVICE;

    private static Tensor features() {
        return TrainingRuns.features();
    }

    private static Tensor labels() {
        return TrainingRuns.labels();
    }

    private static Module mlp() {
        return TrainingRuns.mlp();
    }

    private static void assertSameTraining(Function<List<Tensor>, Optimizer> optimizer) {
        TrainingRuns.Result cpu = TrainingRuns.torchLoop(Device.CPU, optimizer), dev = TrainingRuns.torchLoop(DEV, optimizer);
        assertEquals(cpu.losses(), dev.losses(), "losses on " + DEV + " vs the CPU");
        for (int i = 0; i < cpu.parameters().size(); i++) {
            TensorAssert.assertBitEqual(cpu.parameters().get(i), dev.parameters().get(i), "parameter " + i);
        }
        assertTrue(cpu.losses().getLast() < cpu.losses().getFirst(), "the loss goes down: " + cpu.losses());
    }

    @Test
    void adamOnTheDeviceMatchesTheCpuBitForBit() {
        assertSameTraining(p -> new Adam(p, 1e-2));
    }

    @Test
    void sgdWithMomentumOnTheDeviceMatchesTheCpuBitForBit() {
        assertSameTraining(p -> new SGD(p, SGD.options().lr(0.05).momentum(0.9)));
    }

    @Test
    void unfusedOptimizerPathsRunOnTheDevice() {
        // Nesterov SGD with weight decay, and AdamW with amsgrad, through their fused and tensor-op paths.
        assertSameTraining(p -> new SGD(p, SGD.options().lr(0.05).momentum(0.9).nesterov(true).weightDecay(1e-3)));
        assertSameTraining(p -> new dev.kona.optim.AdamW(p, dev.kona.optim.AdamW.options().lr(1e-2).amsgrad(true)));
        assertSameTraining(p -> new dev.kona.optim.RMSprop(p, dev.kona.optim.RMSprop.options().lr(1e-2).momentum(0.5)));
        assertSameTraining(p -> new dev.kona.optim.Adagrad(p, dev.kona.optim.Adagrad.options().lr(0.1).initialAccumulatorValue(0.1)));
        assertSameTraining(p -> new dev.kona.optim.Adamax(p, 1e-2));
        assertSameTraining(p -> new dev.kona.optim.NAdam(p, 1e-2));
    }

    @Test
    void aTrainingStepCrossesToTheHostOnlyForTheBatchAndTheLoss() {
        Module model = mlp().to(DEV);
        var opt = new Adam(model.parameters(), 1e-2);
        var lossFn = new CrossEntropyLoss();
        Tensor x = features().narrow(0, 0, 16).contiguous(), y = labels().narrow(0, 0, 16).contiguous();
        TestDevice.Counts step = null;
        for (int i = 0; i < 3; i++) {
            var before = TestDevice.counts();
            try (var scope = MemoryScope.open()) {
                opt.zeroGrad();
                Tensor loss = lossFn.apply(model.call(x.to(DEV)), y.to(DEV));
                loss.backward();
                opt.step();
                loss.item();
            }
            step = TestDevice.counts().minus(before);
        }
        // After the first step (which also copies the constants 1, 0.5... once): x and y up; the
        // loss, and cross-entropy's check of the targets' range, down.
        assertEquals(2, step.fromHost(), "copies to the device in a step: " + step);
        assertEquals(2, step.toHost(), "copies to the host in a step: " + step);
        assertTrue(step.ops() > 10, "the step ran on the device: " + step);
    }

    // ---------------------------------------------------------------- Keras style

    private static void assertSameKeras(boolean withInput) {
        TrainingRuns.KerasResult cpu = TrainingRuns.keras(Device.CPU, withInput), dev = TrainingRuns.keras(DEV, withInput);
        assertEquals(cpu.history(), dev.history(), "fit history");
        assertEquals(cpu.scores(), dev.scores(), "evaluate");
        assertEquals(Device.CPU, dev.predictions().device(), "predict returns its outputs where x is");
        TensorAssert.assertBitEqual(cpu.predictions(), dev.predictions(), "predict");
        for (int i = 0; i < cpu.weights().size(); i++) TensorAssert.assertBitEqual(cpu.weights().get(i), dev.weights().get(i), "weight " + i);
    }

    @Test
    void kerasFitEvaluatePredictOnTheDeviceMatchTheCpu() {
        assertSameKeras(true);
    }

    @Test
    void kerasLayersBuiltAtTheFirstBatchAreCreatedOnTheModelsDevice() {
        assertSameKeras(false);
    }

    private static History binaryKeras(Device device, java.nio.file.Path saveTo) {
        Layer.resetNames();
        Kona.manualSeed(13);
        Tensor x = features(), y = labels().lt(2L).to(DType.FLOAT32).reshape(-1, 1);
        Model model = new Sequential(new Dense(8, "tanh"), new Dense(1, "sigmoid")).to(device);
        model.compile(dev.kona.train.OptimizerSpec.get("rmsprop"), java.util.List.of(dev.kona.train.KerasLoss.get("binary_crossentropy")),
                List.of("accuracy", "precision", "recall", "auc", "mse"));
        var data = Dataset.fromTensors(x, y).batch(16, false);
        History h = model.fit(data, FitOptions.epochs(2).verbose(0).classWeight(Map.of(0, 1.0, 1, 3.0))
                .validationData(x.narrow(0, 0, 32), y.narrow(0, 0, 32)));
        if (saveTo != null) {
            model.save(saveTo);
            Model loaded = Model.load(saveTo);
            TensorAssert.assertBitEqual(model.predict(x, 32, 0), loaded.predict(x, 32, 0), "saved and loaded");
        }
        return h;
    }

    @Test
    void kerasBinaryMetricsClassWeightsAndDatasetsOnTheDevice(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        History cpu = binaryKeras(Device.CPU, null), dev = binaryKeras(DEV, dir.resolve("m.kona"));
        assertEquals(cpu.history(), dev.history());
        assertTrue(cpu.history().containsKey("val_auc"), cpu.history().keySet().toString());
    }

    @Test
    void kerasFitReadsTheLossAndMetricsOncePerBatch() {
        Layer.resetNames();
        Model model = new Sequential(new Input(20), new Dense(16, "relu"), new Dense(5, "softmax")).to(DEV);
        model.compile("adam", "sparse_categorical_crossentropy", "accuracy", "top_k_categorical_accuracy");
        model.fit(features(), labels(), FitOptions.epochs(1).batchSize(16).verbose(0));   // warm: constants cached
        var before = TestDevice.counts();
        model.fit(features(), labels(), FitOptions.epochs(1).batchSize(16).verbose(0).shuffle(false));
        var used = TestDevice.counts().minus(before);
        int batches = 96 / 16;
        // Per batch: x and y up; loss and metrics down in one read, and cross-entropy's target check.
        assertEquals(2L * batches, used.fromHost(), "copies to the device: " + used);
        assertEquals(2L * batches, used.toHost(), "copies to the host: " + used);
    }
}
