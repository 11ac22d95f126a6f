package dev.kona.testing;

import dev.kona.Device;
import dev.kona.Generator;
import dev.kona.Kona;
import dev.kona.MemoryScope;
import dev.kona.Tensor;
import dev.kona.data.DataLoader;
import dev.kona.data.Dataset;
import dev.kona.data.Example;
import dev.kona.nn.CrossEntropyLoss;
import dev.kona.nn.Linear;
import dev.kona.nn.Module;
import dev.kona.nn.ReLU;
import dev.kona.optim.Optimizer;
import dev.kona.train.Dense;
import dev.kona.train.Dropout;
import dev.kona.train.FitOptions;
import dev.kona.train.History;
import dev.kona.train.Input;
import dev.kona.train.Layer;
import dev.kona.train.Model;
import dev.kona.train.Sequential;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Small seeded training runs that a device must reproduce: the same program on the CPU and on
 * {@code device}, changed only by the device. On the test device the results are bit-identical;
 * a real accelerator compares them within a tolerance (kona-cuda's tests call these too).
 */
public final class TrainingRuns {
    private TrainingRuns() {}

    /** 96 samples of 20 features. */
    public static Tensor features() {
        return Tensor.randn(new Generator(1), 96, 20);
    }

    /** 96 labels in [0, 5). */
    public static Tensor labels() {
        return Tensor.randint(new Generator(2), 0, 5, 96);
    }

    /** A seeded MLP 20 -> 32 -> 5 (nn.Sequential of Linear, ReLU, Linear). */
    public static Module mlp() {
        Kona.manualSeed(7);
        return new dev.kona.nn.Sequential(new Linear(20, 32), new ReLU(), new Linear(32, 5));
    }

    /** What a run produced: the loss of every step and the final parameters, copied to the CPU. */
    public record Result(List<Double> losses, List<Tensor> parameters) {}

    /**
     * Three epochs of the PyTorch-style loop (DataLoader with shuffling, cross-entropy, the given
     * optimizer made after {@code model.to(device)}), each batch moved with {@code batch.to(device)}.
     */
    public static Result torchLoop(Device device, Function<List<Tensor>, Optimizer> optimizer) {
        Module model = mlp().to(device);
        Optimizer opt = optimizer.apply(model.parameters());
        var lossFn = new CrossEntropyLoss();
        var loader = new DataLoader<>(Dataset.fromTensors(features(), labels()), 16, true, false, new Generator(3));
        List<Double> losses = new ArrayList<>();
        for (int epoch = 0; epoch < 3; epoch++) {
            for (Example batch : loader) {
                try (var step = MemoryScope.open()) {
                    Example b = batch.to(model.device());
                    opt.zeroGrad();
                    Tensor loss = lossFn.apply(model.call(b.x()), b.y());
                    loss.backward();
                    opt.step();
                    losses.add(loss.item());
                }
            }
        }
        List<Tensor> params = new ArrayList<>();
        for (Tensor p : model.parameters()) {
            if (!p.device().equals(device)) throw new AssertionError("a parameter is on " + p.device() + ", expected " + device);
            params.add(p.to(Device.CPU));
        }
        return new Result(losses, params);
    }

    /** What a Keras run produced: fit's history, evaluate's scores, predict's outputs (on the CPU) and the weights. */
    public record KerasResult(Map<String, List<Double>> history, Map<String, Double> scores, Tensor predictions,
                              List<Tensor> weights) {}

    /**
     * Keras style: a Sequential (with an Input, or built at the first batch) with dropout, moved with
     * {@code model.to(device)}, compiled with adam and sparse cross-entropy, fit for 3 epochs with a
     * validation split, evaluated and asked to predict, the data staying on the CPU.
     */
    public static KerasResult keras(Device device, boolean withInput) {
        Layer.resetNames();
        Kona.manualSeed(11);
        List<Layer> layers = new ArrayList<>();
        if (withInput) layers.add(new Input(20));
        layers.add(new Dense(32, "relu"));
        layers.add(new Dropout(0.2));
        layers.add(new Dense(5, "softmax"));
        Model model = new Sequential(layers).to(device);
        model.compile("adam", "sparse_categorical_crossentropy", "accuracy");
        History h = model.fit(features(), labels(), FitOptions.epochs(3).batchSize(16).verbose(0).validationSplit(0.25));
        Map<String, Double> scores = model.evaluate(features(), labels(), 32, 0);
        Tensor predictions = model.predict(features(), 32, 0);
        List<Tensor> weights = new ArrayList<>();
        for (Tensor w : model.parameters()) {
            if (!w.device().equals(device)) throw new AssertionError("a weight is on " + w.device() + ", expected " + device);
            weights.add(w.to(Device.CPU));
        }
        return new KerasResult(h.history(), scores, predictions, weights);
    }
}
