package dev.kona.bench;

import dev.kona.Generator;
import dev.kona.Kona;
import dev.kona.MemoryScope;
import dev.kona.Tensor;
import dev.kona.nn.Conv2d;
import dev.kona.nn.CrossEntropyLoss;
import dev.kona.nn.Dropout;
import dev.kona.nn.Linear;
import dev.kona.nn.MaxPool2d;
import dev.kona.nn.Module;
import dev.kona.optim.Adam;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Where a training step of the MNIST CNN of {@code ./kona bench layers} spends its time in Kona:
 * each layer's forward alone and forward+backward (backward = the difference), at batch 128, and
 * the Adam step. Not registered as a benchmark (a study, like GemmStudy); tools/bench_layers_peer.py
 * {@code --profile} prints the same rows for PyTorch. Run:
 * <pre>
 * java --add-modules jdk.incubator.vector -cp 'kona-cli/target/kona-cli.jar:kona-cli/target/lib/*' dev.kona.bench.LayersProfile [budgetMs]
 * </pre>
 */
public final class LayersProfile {
    private LayersProfile() {}

    record Row(String name, double fwdMs, double fwdBwdMs) {}

    static Row time(String name, Tensor x, Supplier<Tensor> forward, double budgetMs) {
        double fwd = Timer.medianMs(() -> {
            try (var scope = MemoryScope.open()) {
                forward.get();
            }
        }, budgetMs);
        double both = Timer.medianMs(() -> {
            try (var scope = MemoryScope.open()) {
                Tensor y = forward.get();
                y.backward(Tensor.onesLike(y));
                if (x.requiresGrad()) x.setGrad(null);
            }
        }, budgetMs);
        return new Row(name, fwd, both);
    }

    public static void main(String[] args) {
        double budgetMs = args.length > 0 ? Double.parseDouble(args[0]) : 1500;
        Kona.manualSeed(0);
        var g = new Generator(7);
        int b = 128;
        var conv1 = new Conv2d(1, 32, 3);
        var conv2 = new Conv2d(32, 64, 3);
        var pool = new MaxPool2d(2);
        var drop1 = new Dropout(0.25);
        var fc1 = new Linear(9216, 128);
        var drop2 = new Dropout(0.5);
        var fc2 = new Linear(128, 10);
        Tensor x0 = Tensor.rand(g, b, 1, 28, 28);
        Tensor x1 = Tensor.randn(g, b, 32, 26, 26).requiresGrad(true);
        Tensor x2 = Tensor.randn(g, b, 64, 24, 24).requiresGrad(true);
        Tensor x3 = Tensor.randn(g, b, 64, 12, 12).requiresGrad(true);
        Tensor x4 = Tensor.randn(g, b, 9216).requiresGrad(true);
        Tensor x5 = Tensor.randn(g, b, 128).requiresGrad(true);
        Tensor logits = Tensor.randn(g, b, 10).requiresGrad(true);
        Tensor labels = Tensor.randint(g, 0, 10, b);
        var ce = new CrossEntropyLoss();
        Map<String, Row> rows = new LinkedHashMap<>();
        for (Row r : List.of(
                time("conv1 1->32 (x no grad)", x0, () -> conv1.call(x0), budgetMs),
                time("relu [128,32,26,26]", x1, x1::relu, budgetMs),
                time("conv2 32->64", x1, () -> conv2.call(x1), budgetMs),
                time("relu [128,64,24,24]", x2, x2::relu, budgetMs),
                time("maxpool2 [128,64,24,24]", x2, () -> pool.call(x2), budgetMs),
                time("dropout0.25 [128,64,12,12]", x3, () -> drop1.call(x3), budgetMs),
                time("flatten+fc1 9216->128", x3, () -> fc1.call(x3.flatten(1, -1)), budgetMs),
                time("relu+dropout0.5+fc2", x5, () -> fc2.call(drop2.call(x5.relu())), budgetMs),
                time("cross-entropy", logits, () -> ce.apply(logits, labels), budgetMs))) {
            rows.put(r.name(), r);
        }
        Module[] all = {conv1, conv2, fc1, fc2};
        var params = new java.util.ArrayList<Tensor>();
        for (Module m : all) params.addAll(m.parameters());
        for (Tensor p : params) p.setGrad(Tensor.randnLike(p));
        var adam = new Adam(params, 1e-3);
        double adamMs = Timer.medianMs(() -> {
            try (var scope = MemoryScope.open()) {
                adam.step();
            }
        }, budgetMs);
        // A whole training step on a fixed batch, and fetching one shuffled batch from a DataLoader over 60,000 images.
        var model = LayersBench.mnistCnn();
        var opt = new Adam(model.parameters(), 1e-3);
        Tensor xb = Tensor.rand(g, b, 1, 28, 28);
        double stepMs = Timer.medianMs(() -> {
            try (var scope = MemoryScope.open()) {
                opt.zeroGrad();
                ce.apply(model.call(xb), labels).backward();
                opt.step();
            }
        }, budgetMs);
        var loader = new dev.kona.data.DataLoader<>(dev.kona.data.Dataset.fromTensors(Tensor.rand(g, 60000, 1, 28, 28),
                Tensor.randint(g, 0, 10, 60000)), b, true);
        var it = new java.util.Iterator[] {loader.iterator()};
        double batchMs = Timer.medianMs(() -> {
            try (var scope = MemoryScope.open()) {
                if (!it[0].hasNext()) it[0] = loader.iterator();
                it[0].next();
            }
        }, budgetMs);
        System.out.printf(Locale.ROOT, "kona, %d threads, batch %d (ms, medians)%n", Kona.numThreads(), b);
        System.out.printf(Locale.ROOT, "%-28s %9s %9s %9s%n", "layer", "forward", "backward", "total");
        double sum = 0;
        for (Row r : rows.values()) {
            System.out.printf(Locale.ROOT, "%-28s %9.2f %9.2f %9.2f%n", r.name(), r.fwdMs(), r.fwdBwdMs() - r.fwdMs(), r.fwdBwdMs());
            sum += r.fwdBwdMs();
        }
        System.out.printf(Locale.ROOT, "%-28s %9s %9s %9.2f%n", "adam step (1.2M params)", "", "", adamMs);
        System.out.printf(Locale.ROOT, "%-28s %9s %9s %9.2f%n", "sum", "", "", sum + adamMs);
        System.out.printf(Locale.ROOT, "%-28s %9s %9s %9.2f%n", "whole step, fixed batch", "", "", stepMs);
        System.out.printf(Locale.ROOT, "%-28s %9s %9s %9.2f%n", "DataLoader: one batch", "", "", batchMs);
    }
}
