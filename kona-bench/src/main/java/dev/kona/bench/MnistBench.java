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
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./kona bench mnist}: trains seed 002 (the MNIST MLP, Keras-style fit) for 2 epochs in
 * Kona, in PyTorch CPU and in Keras on TensorFlow CPU, at batch 32 and 128, and reports seconds
 * per epoch (mean of the epochs, first included, for every framework) and test accuracy. Peers
 * run at 1 and 2 threads and keep their faster run. Also reports the time from JVM start to
 * the first training step, and each run's last epoch on its own: the first carries each
 * framework's warm-up, for Kona C2 compiling for about a core's worth of the whole first epoch
 * (docs/ARCHITECTURE.md, "Why a fresh JVM's first epochs are slow"), and the last shows the
 * speed the training goes on at.
 *
 * <p>Every run, Kona's included, is a fresh process: Kona trains each batch size in a new JVM
 * (this class's {@link #main}) with the flags and class path of the running one. Run in this
 * JVM, the batch 128 run would find the kernels compiled by the batch 32 one, a warm-up the
 * peers' processes do not get.
 */
public final class MnistBench {
    private MnistBench() {}

    /** One framework's run at one batch size. */
    record Run(String framework, int batch, int threads, double secondsPerEpoch, List<Double> epochSeconds,
               double accuracy, double firstStepMs) {
        double lastEpochSeconds() {
            return epochSeconds.isEmpty() ? Double.NaN : epochSeconds.getLast();
        }
    }

    /**
     * The Kona side of one run, in its own JVM: args are batch, epochs and threads; prints one
     * JSON line shaped like the peers' ({@code epoch_seconds}, {@code accuracy}) plus
     * {@code first_step_ms}, the time from JVM start to the first training step.
     */
    public static void main(String[] args) {
        int batch = Integer.parseInt(args[0]), epochs = Integer.parseInt(args[1]);
        Kona.setNumThreads(Integer.parseInt(args[2]));
        TrainTest mnist = Mnist.load();
        Kona.manualSeed(42);
        Tensor xTrain = mnist.train().x().to(DType.FLOAT32).div(255);
        var model = new Sequential(new Input(28, 28), new Flatten(), new Dense(128, "relu"), new Dropout(0.2),
                new Dense(10, "softmax"));
        model.compile("adam", "sparse_categorical_crossentropy", "accuracy");
        List<Double> seconds = new ArrayList<>();
        double[] firstStepMs = {Double.NaN};
        Callback timer = new Callback() {
            long start;

            @Override
            public void onEpochBegin(int epoch, Map<String, Double> logs) {
                start = System.nanoTime();
            }

            @Override
            public void onTrainBatchBegin(int b, Map<String, Double> logs) {
                if (Double.isNaN(firstStepMs[0])) {
                    firstStepMs[0] = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
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
        double acc = model.evaluate(xTest, mnist.test().y(), 32, 0).get("accuracy");
        ObjectNode out = new ObjectMapper().createObjectNode();
        var list = out.putArray("epoch_seconds");
        seconds.forEach(list::add);
        out.put("accuracy", acc);
        out.put("first_step_ms", Math.round(firstStepMs[0]));
        System.out.println(out);
    }

    private static Run kona(int batch, int epochs, int threads) {
        var cmd = new ArrayList<String>();
        cmd.add(ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), MnistBench.class.getName(),
                Integer.toString(batch), Integer.toString(epochs), Integer.toString(threads)));
        Run run = readRun("kona", batch, threads, new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT));
        if (run == null) throw new IllegalStateException("bench mnist: the Kona run at batch " + batch + " printed no result");
        return run;
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
            Run run = readRun(framework, batch, threads, pb);
            if (run != null && (best == null || run.secondsPerEpoch() < best.secondsPerEpoch())) best = run;
        }
        return best;
    }

    /** Starts one run's process and reads its JSON result line; null when it printed none. */
    private static Run readRun(String framework, int batch, int threads, ProcessBuilder pb) {
        Run[] run = {null};
        Peers.jsonLines(pb, pb.command().getFirst(), n -> {
            if (n.has("error")) {
                System.err.println("bench mnist: " + n.get("error").asText());
                return;
            }
            List<Double> epochs = new ArrayList<>();
            for (JsonNode e : n.get("epoch_seconds")) epochs.add(e.asDouble());
            Run r = new Run(framework, batch, threads, epochs.stream().mapToDouble(d -> d).average().orElse(0),
                    epochs, n.get("accuracy").asDouble(),
                    n.has("first_step_ms") ? n.get("first_step_ms").asDouble() : Double.NaN);
            System.err.printf(Locale.ROOT, "%s batch %d threads %d: %.2f s/epoch (epochs %s), accuracy %.4f%n",
                    framework, batch, threads, r.secondsPerEpoch(), epochSeconds(r.epochSeconds()), r.accuracy());
            run[0] = r;
        });
        return run[0];
    }

    private static String epochSeconds(List<Double> epochs) {
        var sb = new StringBuilder();
        for (double e : epochs) sb.append(sb.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%.2f", e));
        return sb.toString();
    }

    public static void run(int epochs) {
        Mnist.load(); // fetched and checked once here, so that no child run does it
        int threads = Kona.numThreads();
        List<Run> kona = new ArrayList<>();
        for (int batch : new int[] {32, 128}) kona.add(kona(batch, epochs, threads));
        double firstStepMs = kona.getFirst().firstStepMs();
        var mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("bench", "mnist");
        root.put("threads", threads);
        root.put("epochs", epochs);
        root.put("jvm_start_to_first_step_ms", Math.round(firstStepMs));
        var results = root.putArray("results");
        System.out.printf(Locale.ROOT, "%-10s %6s %12s %9s  %-6s %5s %12s %9s %8s  %9s %9s %8s%n", "workload", "batch",
                "kona_s/epoch", "kona_acc", "peer", "p_thr", "peer_s/epoch", "peer_acc", "speedup", "kona_last", "peer_last",
                "last");
        for (Run k : kona) {
            for (String framework : List.of("torch", "keras")) {
                Run p = peer(framework, k.batch(), epochs, threads);
                ObjectNode o = results.addObject();
                o.put("name", "mnist_mlp_b" + k.batch());
                o.put("kona_ms", Math.round(k.secondsPerEpoch() * 1e4) / 10.0);
                o.put("kona_accuracy", Math.round(k.accuracy() * 1e4) / 1e4);
                o.put("peer", framework);
                o.put("kona_last_epoch_ms", Math.round(k.lastEpochSeconds() * 1e4) / 10.0);
                if (p == null) {
                    o.putNull("peer_ms");
                    o.putNull("speedup");
                    System.out.printf(Locale.ROOT, "%-10s %6d %12.2f %9.4f  %-6s %5s %12s %9s %8s  %9.2f %9s %8s%n", "mnist_mlp",
                            k.batch(), k.secondsPerEpoch(), k.accuracy(), framework, "-", "n/a", "n/a", "n/a",
                            k.lastEpochSeconds(), "n/a", "n/a");
                    continue;
                }
                double speedup = p.secondsPerEpoch() / k.secondsPerEpoch();
                double lastSpeedup = p.lastEpochSeconds() / k.lastEpochSeconds();
                o.put("peer_ms", Math.round(p.secondsPerEpoch() * 1e4) / 10.0);
                o.put("peer_threads", p.threads());
                o.put("peer_accuracy", Math.round(p.accuracy() * 1e4) / 1e4);
                o.put("speedup", Math.round(speedup * 1000) / 1000.0);
                o.put("peer_last_epoch_ms", Math.round(p.lastEpochSeconds() * 1e4) / 10.0);
                o.put("last_epoch_speedup", Math.round(lastSpeedup * 1000) / 1000.0);
                System.out.printf(Locale.ROOT, "%-10s %6d %12.2f %9.4f  %-6s %5d %12.2f %9.4f %7.2fx  %9.2f %9.2f %7.2fx%n",
                        "mnist_mlp", k.batch(), k.secondsPerEpoch(), k.accuracy(), framework, p.threads(), p.secondsPerEpoch(),
                        p.accuracy(), speedup, k.lastEpochSeconds(), p.lastEpochSeconds(), lastSpeedup);
            }
        }
        System.out.printf(Locale.ROOT, "JVM start to first training step: %.0f ms%n", firstStepMs);
        System.out.println(root.toString());
    }
}
