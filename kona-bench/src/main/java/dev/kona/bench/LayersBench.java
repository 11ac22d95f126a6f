package dev.kona.bench;

import dev.kona.DType;
import dev.kona.Generator;
import dev.kona.Kona;
import dev.kona.MemoryScope;
import dev.kona.Tensor;
import dev.kona.autograd.GradMode;
import dev.kona.data.DataLoader;
import dev.kona.data.Dataset;
import dev.kona.data.DatasetCache;
import dev.kona.data.Example;
import dev.kona.data.Mnist;
import dev.kona.data.TrainTest;
import dev.kona.nn.Conv2d;
import dev.kona.nn.CrossEntropyLoss;
import dev.kona.nn.Dropout;
import dev.kona.nn.Flatten;
import dev.kona.nn.LSTM;
import dev.kona.nn.Linear;
import dev.kona.nn.MaxPool2d;
import dev.kona.nn.Module;
import dev.kona.nn.RNNOptions;
import dev.kona.nn.ReLU;
import dev.kona.nn.Sequential;
import dev.kona.nn.TransformerEncoderLayer;
import dev.kona.optim.Adam;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./kona bench layers}: issue 5's layer workloads in Kona and in PyTorch CPU, side by side
 * in one run (the peer is tools/bench_layers_peer.py, run at 1 and 2 threads, faster kept; keep
 * the two in step):
 * <ul>
 *   <li>{@code conv2d_3x3_64_32x32_b32}: Conv2d(64, 64, 3, padding 1) on [32, 64, 32, 32], forward
 *       and backward (input, weight and bias gradients);</li>
 *   <li>{@code lstm_h256_t100_b32}: LSTM(256, 256), one layer, on [100, 32, 256] (sequence first),
 *       forward and backward (input and weight gradients);</li>
 *   <li>{@code transformer_enc_d256_h4_l128_b16}: TransformerEncoderLayer(d_model 256, 4 heads,
 *       feed-forward 1024, dropout 0.1 in training mode, relu, post-norm, batchFirst) on
 *       [16, 128, 256], forward and backward;</li>
 *   <li>{@code mnist_cnn_epoch_b128}: one training epoch of issue 5's MNIST CNN (Adam 1e-3, batch
 *       128, shuffled), PyTorch style; the time is ms per epoch, and the row carries the test
 *       accuracy. With {@code --quick} both sides train on the first 6,400 images only and the
 *       time is extrapolated to 60,000 (the accuracy is then that of the short run).</li>
 * </ul>
 * The forward+backward workloads back-propagate {@code y.sum()} and drop the gradients after each
 * run; every run sits in a MemoryScope, as Kona's training loops do. Same shapes and
 * hyper-parameters on both sides, not the same initial weights.
 */
public final class LayersBench {
    private LayersBench() {}

    /** C2 needs seconds on two cores to compile a training step; both sides get at least this budget. */
    static final double MIN_BUDGET_MS = 3000;
    static final int QUICK_IMAGES = 6400;
    static final String MNIST = "mnist_cnn_epoch_b128";

    /** The forward+backward workloads, by name. */
    static Map<String, Runnable> layerWorkloads() {
        Kona.manualSeed(0);
        var g = new Generator(7);
        Map<String, Runnable> w = new LinkedHashMap<>();
        var conv = new Conv2d(64, 64, 3, 1, 1);
        Tensor cx = Tensor.randn(g, 32, 64, 32, 32).requiresGrad(true);
        w.put("conv2d_3x3_64_32x32_b32", fwdBwd(conv, cx, () -> conv.call(cx)));
        var lstm = new LSTM(256, 256);
        Tensor lx = Tensor.randn(g, 100, 32, 256).requiresGrad(true);
        w.put("lstm_h256_t100_b32", fwdBwd(lstm, lx, () -> lstm.call(lx, null, null).output()));
        var enc = new TransformerEncoderLayer(256, 4, 1024, 0.1, "relu", 1e-5, true, false, true);
        enc.train();
        Tensor tx = Tensor.randn(g, 16, 128, 256).requiresGrad(true);
        w.put("transformer_enc_d256_h4_l128_b16", fwdBwd(enc, tx, () -> enc.call(tx)));
        return w;
    }

    private static Runnable fwdBwd(Module m, Tensor x, java.util.function.Supplier<Tensor> forward) {
        return () -> {
            try (var scope = MemoryScope.open()) {
                forward.get().sum().backward();
                x.setGrad(null);
                for (Tensor p : m.parameters()) p.setGrad(null);
            }
        };
    }

    /** Issue 5's MNIST CNN: 28x28 -> 26 -> 24 -> pool 12 -> 9216 -> 128 -> 10. */
    static Module mnistCnn() {
        return new Sequential(new Conv2d(1, 32, 3), new ReLU(), new Conv2d(32, 64, 3), new ReLU(), new MaxPool2d(2),
                new Dropout(0.25), new Flatten(), new Linear(9216, 128), new ReLU(), new Dropout(0.5), new Linear(128, 10));
    }

    /** Result of a timed training run: ms per (possibly extrapolated) 60,000-image epoch, test accuracy. */
    record EpochResult(double msPerEpoch, double accuracy, int images) {}

    static EpochResult mnistEpoch(TrainTest mnist, boolean quick) {
        Tensor xTrain = mnist.train().x().reshape(-1, 1, 28, 28).to(DType.FLOAT32).div(255.0);
        Tensor yTrain = mnist.train().y();
        int full = xTrain.size(0);
        int images = quick ? QUICK_IMAGES : full;
        if (quick) {
            xTrain = xTrain.narrow(0, 0, images).contiguous();
            yTrain = yTrain.narrow(0, 0, images).contiguous();
        }
        Tensor xTest = mnist.test().x().reshape(-1, 1, 28, 28).to(DType.FLOAT32).div(255.0);
        Tensor yTest = mnist.test().y();
        var lossFn = new CrossEntropyLoss();
        // Warm-up on a throwaway model (both sides do 3 steps), so the epoch times training, not class loading.
        Kona.manualSeed(1);
        var warmModel = mnistCnn();
        var warmOpt = new Adam(warmModel.parameters(), 1e-3);
        for (int i = 0; i < 3; i++) {
            try (var scope = MemoryScope.open()) {
                Tensor xb = xTrain.narrow(0, i * 128, 128), yb = yTrain.narrow(0, i * 128, 128);
                warmOpt.zeroGrad();
                lossFn.apply(warmModel.call(xb), yb).backward();
                warmOpt.step();
            }
        }
        Kona.manualSeed(0);
        var model = mnistCnn();
        var optimizer = new Adam(model.parameters(), 1e-3);
        var loader = new DataLoader<>(Dataset.fromTensors(xTrain, yTrain), 128, true);
        model.train();
        long t0 = System.nanoTime();
        double lossSum = 0;
        int batches = 0;
        for (Example batch : loader) {
            try (var scope = MemoryScope.open()) {
                optimizer.zeroGrad();
                Tensor loss = lossFn.apply(model.call(batch.x()), batch.y());
                loss.backward();
                optimizer.step();
                lossSum += loss.item();
                batches++;
            }
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        System.err.printf(Locale.ROOT, "kona %s: %d images in %.2f s, mean loss %.4f%n", MNIST, images, ms / 1e3,
                lossSum / batches);
        model.eval();
        long correct = 0;
        try (var noGrad = GradMode.noGrad()) {
            for (int i = 0; i < xTest.size(0); i += 1000) {
                try (var scope = MemoryScope.open()) {
                    int n = Math.min(1000, xTest.size(0) - i);
                    Tensor pred = model.call(xTest.narrow(0, i, n)).argmax(1);
                    correct += (long) pred.eq(yTest.narrow(0, i, n)).to(DType.FLOAT32).sum().item();
                }
            }
        }
        return new EpochResult(ms * full / images, (double) correct / xTest.size(0), images);
    }

    public static void run(double requestedBudgetMs, String filter, boolean quick) {
        double budgetMs = Math.max(requestedBudgetMs, MIN_BUDGET_MS);
        int threads = Kona.numThreads();
        Map<String, Double> konaMs = new LinkedHashMap<>();
        for (var e : layerWorkloads().entrySet()) {
            if (filter != null && !e.getKey().matches(filter)) continue;
            double ms = Timer.medianMs(e.getValue(), budgetMs);
            konaMs.put(e.getKey(), ms);
            System.err.printf(Locale.ROOT, "kona %-34s %10.3f ms%n", e.getKey(), ms);
        }
        EpochResult cnn = null;
        if (filter == null || MNIST.matches(filter)) {
            cnn = mnistEpoch(Mnist.load(), quick);
            konaMs.put(MNIST, cnn.msPerEpoch());
        }
        List<String> names = new ArrayList<>(konaMs.keySet());
        Path script = Peers.script().resolveSibling("bench_layers_peer.py");
        List<String> extra = new ArrayList<>(List.of("--data", DatasetCache.root().resolve("mnist").toString()));
        if (quick) extra.addAll(List.of("--train-limit", Integer.toString(QUICK_IMAGES)));
        Map<String, Peers.PeerTime> torch = Peers.run(script, "torch", names, threads, budgetMs, extra);
        var report = new Report("layers", threads);
        for (String name : names) {
            Peers.PeerTime pt = torch.get(name);
            Map<String, Double> rowExtra = new LinkedHashMap<>();
            if (name.equals(MNIST) && cnn != null) {
                rowExtra.put("kona_accuracy", cnn.accuracy());
                rowExtra.put("peer_accuracy", pt == null ? Double.NaN : pt.extra().getOrDefault("accuracy", Double.NaN));
                rowExtra.put("train_images", (double) cnn.images());
            }
            report.add(new Report.Row(name, konaMs.get(name), 0, "torch", pt == null ? Double.NaN : pt.ms(),
                    pt == null ? 0 : pt.threads(), rowExtra));
        }
        if (cnn != null) {
            Peers.PeerTime pt = torch.get(MNIST);
            System.out.printf(Locale.ROOT, "%s: %s; test accuracy kona %.4f, torch %s%n", MNIST,
                    quick ? "ms per epoch extrapolated from " + QUICK_IMAGES + " images (--quick)" : "one full epoch of 60,000 images",
                    cnn.accuracy(), pt == null ? "n/a" : String.format(Locale.ROOT, "%.4f", pt.extra().getOrDefault("accuracy", Double.NaN)));
        }
        report.print();
    }
}
