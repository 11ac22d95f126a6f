package dev.kona.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kona.DType;
import dev.kona.Kona;
import dev.kona.Tensor;
import dev.kona.data.DatasetCache;
import dev.kona.data.Mnist;
import dev.kona.data.TrainTest;
import dev.kona.train.Callback;
import dev.kona.train.Dense;
import dev.kona.train.Dropout;
import dev.kona.train.FitOptions;
import dev.kona.train.Flatten;
import dev.kona.train.Input;
import dev.kona.train.Sequential;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./kona bench mnist}: trains seed 002 (the MNIST MLP, Keras-style fit) for 2 epochs in
 * Kona, in PyTorch CPU and in Keras on TensorFlow CPU, at batch 32 and 128, and reports seconds
 * per epoch (mean of the epochs, first included, for every framework) and test accuracy. Peers
 * run at 1 and 2 threads and keep their faster run. Also reports the time from JVM start to
 * the first training step.
 */
public final class MnistBench {
    private MnistBench() {}

    /** One framework's run at one batch size. */
    record Run(String framework, int batch, int threads, double secondsPerEpoch, double accuracy) {}

    private static double firstStepMs = Double.NaN;

    private static Run kona(TrainTest mnist, int batch, int epochs) {
        Kona.manualSeed(42);
        Tensor xTrain = mnist.train().x().to(DType.FLOAT32).div(255);
        var model = new Sequential(new Input(28, 28), new Flatten(), new Dense(128, "relu"), new Dropout(0.2),
                new Dense(10, "softmax"));
        model.compile("adam", "sparse_categorical_crossentropy", "accuracy");
        List<Double> seconds = new ArrayList<>();
        Callback timer = new Callback() {
            long start;

            @Override
            public void onEpochBegin(int epoch, Map<String, Double> logs) {
                start = System.nanoTime();
            }

            @Override
            public void onTrainBatchBegin(int b, Map<String, Double> logs) {
                if (Double.isNaN(firstStepMs)) {
                    firstStepMs = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
                }
            }

            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
                seconds.add((System.nanoTime() - start) / 1e9);
            }
        };
        model.fit(xTrain, mnist.train().y(), FitOptions.epochs(epochs).batchSize(batch).verbose(0).callbacks(timer));
        // The test images are scaled after training: nothing before the first step should be
        // work the first step does not need (issue 4 times JVM start to the first step).
        Tensor xTest = mnist.test().x().to(DType.FLOAT32).div(255);
        double acc = model.evaluate(xTest, mnist.test().y()).get("accuracy");
        return new Run("kona", batch, Kona.numThreads(), seconds.stream().mapToDouble(d -> d).average().orElse(0), acc);
    }

    private static Run peer(String framework, int batch, int epochs, int maxThreads) {
        Run best = null;
        for (int threads = 1; threads <= maxThreads; threads++) {
            var cmd = List.of("python3", Peers.script().resolveSibling("bench_mnist_peer.py").toString(), "--framework", framework,
                    "--threads", Integer.toString(threads), "--batch", Integer.toString(batch), "--epochs",
                    Integer.toString(epochs), "--data", DatasetCache.root().resolve("mnist").toString());
            var pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
            String t = Integer.toString(threads);
            pb.environment().put("OMP_NUM_THREADS", t);
            pb.environment().put("OPENBLAS_NUM_THREADS", t);
            pb.environment().put("TF_NUM_INTRAOP_THREADS", t);
            pb.environment().put("TF_NUM_INTEROP_THREADS", t);
            pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
            try {
                Process p = pb.start();
                try (var r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (!line.startsWith("{")) continue;
                        JsonNode n = new ObjectMapper().readTree(line);
                        if (n.has("error")) {
                            System.err.println("bench mnist: " + n.get("error").asText());
                            continue;
                        }
                        double sum = 0;
                        for (JsonNode s : n.get("epoch_seconds")) sum += s.asDouble();
                        Run run = new Run(framework, batch, threads, sum / n.get("epoch_seconds").size(),
                                n.get("accuracy").asDouble());
                        System.err.printf(Locale.ROOT, "%s batch %d threads %d: %.2f s/epoch, accuracy %.4f%n", framework,
                                batch, threads, run.secondsPerEpoch(), run.accuracy());
                        if (best == null || run.secondsPerEpoch() < best.secondsPerEpoch()) best = run;
                    }
                }
                p.waitFor();
            } catch (IOException e) {
                System.err.println("bench mnist: cannot run python3: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return best;
    }

    public static void run(int epochs) {
        TrainTest mnist = Mnist.load();
        int threads = Kona.numThreads();
        List<Run> kona = new ArrayList<>();
        for (int batch : new int[] {32, 128}) {
            Run r = kona(mnist, batch, epochs);
            System.err.printf(Locale.ROOT, "kona batch %d: %.2f s/epoch, accuracy %.4f%n", batch, r.secondsPerEpoch(), r.accuracy());
            kona.add(r);
        }
        var mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("bench", "mnist");
        root.put("threads", threads);
        root.put("epochs", epochs);
        root.put("jvm_start_to_first_step_ms", Math.round(firstStepMs));
        var results = root.putArray("results");
        System.out.printf(Locale.ROOT, "%-10s %6s %12s %9s  %-6s %5s %12s %9s %8s%n", "workload", "batch", "kona_s/epoch",
                "kona_acc", "peer", "p_thr", "peer_s/epoch", "peer_acc", "speedup");
        for (Run k : kona) {
            for (String framework : List.of("torch", "keras")) {
                Run p = peer(framework, k.batch(), epochs, threads);
                ObjectNode o = results.addObject();
                o.put("name", "mnist_mlp_b" + k.batch());
                o.put("kona_ms", Math.round(k.secondsPerEpoch() * 1e4) / 10.0);
                o.put("kona_accuracy", Math.round(k.accuracy() * 1e4) / 1e4);
                o.put("peer", framework);
                if (p == null) {
                    o.putNull("peer_ms");
                    o.putNull("speedup");
                    System.out.printf(Locale.ROOT, "%-10s %6d %12.2f %9.4f  %-6s %5s %12s %9s %8s%n", "mnist_mlp", k.batch(),
                            k.secondsPerEpoch(), k.accuracy(), framework, "-", "n/a", "n/a", "n/a");
                    continue;
                }
                double speedup = p.secondsPerEpoch() / k.secondsPerEpoch();
                o.put("peer_ms", Math.round(p.secondsPerEpoch() * 1e4) / 10.0);
                o.put("peer_threads", p.threads());
                o.put("peer_accuracy", Math.round(p.accuracy() * 1e4) / 1e4);
                o.put("speedup", Math.round(speedup * 1000) / 1000.0);
                System.out.printf(Locale.ROOT, "%-10s %6d %12.2f %9.4f  %-6s %5d %12.2f %9.4f %7.2fx%n", "mnist_mlp", k.batch(),
                        k.secondsPerEpoch(), k.accuracy(), framework, p.threads(), p.secondsPerEpoch(), p.accuracy(), speedup);
            }
        }
        System.out.printf(Locale.ROOT, "JVM start to first training step: %.0f ms%n", firstStepMs);
        System.out.println(root.toString());
    }
}
