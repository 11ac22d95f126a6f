package dev.kona.cli;

import dev.kona.Kona;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code kona} command. */
@Command(name = "kona", mixinStandardHelpOptions = true, version = "Kona " + Kona.VERSION,
        description = "Kona: deep learning for the JVM in pure Java.",
        subcommands = {Main.Example.class, Main.Bench.class, Main.Info.class})
public final class Main implements Runnable {

    /** Runnable examples, by name. */
    static final Map<String, Consumer<String[]>> EXAMPLES = new TreeMap<>(Map.of(
            "tensors", dev.kona.examples.TensorTour::main,
            "linreg-torch", dev.kona.examples.LinearRegressionTorchStyle::main,
            "mnist-torch", dev.kona.examples.MnistTorchStyle::main,
            "mnist", dev.kona.examples.MnistKeras::main,
            "linreg", dev.kona.examples.LinearRegressionKeras::main,
            "lstm", dev.kona.examples.LstmParity::main,
            "mnist-cnn", dev.kona.examples.MnistCnn::main,
            "char-lm", dev.kona.examples.CharLm::main));

    /** Benchmarks, by name. */
    static final Map<String, String> BENCHES = new TreeMap<>(Map.of(
            "ops", "SGEMM, MLP products, elementwise and row reductions vs NumPy/OpenBLAS and PyTorch CPU",
            "storage", "Vector API kernels over heap arrays vs MemorySegments (the storage choice)",
            "layers", "conv2d, LSTM, Transformer encoder layer (forward+backward) and an MNIST CNN epoch vs PyTorch CPU",
            "train", "seed-002 MLP training step (batch 32, 128) and a 1,000-op autograd chain vs PyTorch CPU",
            "mnist", "seed 002 trained for 2 epochs (batch 32, 128) in Kona, PyTorch CPU and Keras/TensorFlow CPU",
            "gpu", "SGEMM (fp32, TF32), copy/add/exp bandwidth, softmax, MLP epochs on a device vs PyTorch on the same GPU",
            "gpu-steps", "where a training step's time goes on a device (per phase, with and without dropout); softmax by row length"));

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int rc = new CommandLine(new Main()).execute(args);
        System.exit(rc);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "example", description = "Runs an example program (see `kona example --list`).")
    static final class Example implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", description = "Example name.")
        String name;

        @Option(names = "--list", description = "Lists the examples.")
        boolean list;

        @Parameters(index = "1..*", arity = "0..*", description = "Arguments passed to the example.")
        String[] rest = new String[0];

        @Option(names = "--device", description = "Where the example trains: cpu, cuda, cuda:1... (default: ${DEFAULT-VALUE}).")
        String device = "cpu";

        @Override
        public Integer call() {
            if (list || name == null) {
                System.out.println("examples: " + String.join(", ", EXAMPLES.keySet()));
                return list ? 0 : 2;
            }
            var ex = EXAMPLES.get(name);
            if (ex == null) {
                System.err.println("kona example: unknown example '" + name + "'; available: "
                        + String.join(", ", EXAMPLES.keySet()));
                return 2;
            }
            dev.kona.Device.of(device);   // a malformed spec fails here, before the example loads its data
            String[] args = new String[rest.length + 2];
            args[0] = "--device";
            args[1] = device;
            System.arraycopy(rest, 0, args, 2, rest.length);
            ex.accept(args);
            return 0;
        }
    }

    @Command(name = "bench", description = "Runs a benchmark side by side with the peers (see `kona bench --list`).")
    static final class Bench implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", description = "Benchmark name.")
        String name;

        @Option(names = "--list", description = "Lists the benchmarks.")
        boolean list;

        @Option(names = "--budget-ms", description = "Time spent measuring each workload (default: ${DEFAULT-VALUE}).")
        double budgetMs = 400;

        @Option(names = "--filter", description = "Only workloads whose name matches this regular expression.")
        String filter;

        @Option(names = "--threads", description = "Kona's CPU threads (default: all cores).")
        Integer threads;

        @Option(names = "--device", description = "Device of `bench gpu`, e.g. cuda, cuda:1, cpu (default: ${DEFAULT-VALUE}).")
        String device = "cuda";

        @Option(names = "--quick", description = "`bench gpu` with small sizes: a smoke test that also runs on the CPU; `bench layers` trains the MNIST CNN on 6,400 images.")
        boolean quick;

        @Override
        public Integer call() {
            if (list || name == null) {
                BENCHES.forEach((k, v) -> System.out.println(k + "\t" + v));
                return list ? 0 : 2;
            }
            if (threads != null) Kona.setNumThreads(threads);
            switch (name) {
                case "ops" -> dev.kona.bench.OpsBench.run(budgetMs, filter);
                case "storage" -> dev.kona.bench.StorageStudy.main(new String[0]);
                case "train" -> dev.kona.bench.TrainBench.run(budgetMs);
                case "layers" -> dev.kona.bench.LayersBench.run(budgetMs, filter, quick);
                case "mnist" -> dev.kona.bench.MnistBench.run(2);
                case "gpu" -> dev.kona.bench.GpuBench.run(dev.kona.Device.of(device), quick, budgetMs, filter);
                case "gpu-steps" -> dev.kona.bench.GpuSteps.run(dev.kona.Device.of(device));
                default -> {
                    System.err.println("kona bench: unknown benchmark '" + name + "'; available: "
                            + String.join(", ", BENCHES.keySet()));
                    return 2;
                }
            }
            return 0;
        }
    }

    @Command(name = "info", description = "Prints the runtime Kona sees: JDK, threads, vector width.")
    static final class Info implements Runnable {
        @Override
        public void run() {
            System.out.println("Kona " + Kona.VERSION);
            System.out.println("java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")");
            System.out.println("cpu threads " + Kona.numThreads());
            System.out.println("vector species " + jdk.incubator.vector.FloatVector.SPECIES_PREFERRED);
        }
    }
}
