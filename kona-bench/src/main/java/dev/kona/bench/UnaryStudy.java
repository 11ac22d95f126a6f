package dev.kona.bench;

import dev.kona.Generator;
import dev.kona.MemoryScope;
import dev.kona.Tensor;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Guards the vector path of the float32 unary kernels against C2's inlining: it times each kind
 * on a {@code [32, 256]} slice of {@code [32, 1024]} after the kinds have run interleaved from a
 * cold JVM, as an LSTM step runs sigmoid and tanh back to back. Every kind should take about 5 us
 * (relu about 1); a kind several times slower has lost its vector code to the Vector API's boxed
 * fallback, as tanh did (45 us) when one dispatch method held every kind's loop (see
 * UnaryKernels#f32). Not registered as a benchmark (a study, like GemmStudy). Run:
 * <pre>
 * java --add-modules jdk.incubator.vector -cp 'kona-cli/target/kona-cli.jar:kona-cli/target/lib/*' dev.kona.bench.UnaryStudy [budgetMs [kinds]]
 * </pre>
 * with kinds the number of tanh, sigmoid, exp, gelu, relu to interleave (default 2).
 */
public final class UnaryStudy {
    private UnaryStudy() {}

    private record Kind(String name, UnaryOperator<Tensor> op) {}

    public static void main(String[] args) {
        double budgetMs = args.length > 0 ? Double.parseDouble(args[0]) : 600;
        // Rows of 256 out of 1024, as an LSTM's gate slices: many short segments per op.
        Tensor x = Tensor.randn(new Generator(7), 32, 1024).narrow(1, 256, 256);
        List<Kind> all = List.of(new Kind("tanh", Tensor::tanh), new Kind("sigmoid", Tensor::sigmoid),
                new Kind("exp", Tensor::exp), new Kind("gelu", Tensor::gelu), new Kind("relu", Tensor::relu));
        // Two kinds by default, an LSTM's: the case that broke (a JVM has one compile history per run).
        List<Kind> kinds = all.subList(0, args.length > 1 ? Integer.parseInt(args[1]) : 2);
        // From a cold JVM, as a training loop would: the kinds interleave before C2 compiles them.
        Timer.medianMs(() -> {
            try (var scope = MemoryScope.open()) {
                for (Kind k : kinds) k.op().apply(x);
            }
        }, 4 * budgetMs);
        double[] mixed = new double[kinds.size()];
        for (int i = 0; i < kinds.size(); i++) mixed[i] = micros(x, kinds.get(i), budgetMs);
        System.out.println("kind      mixed_us");
        for (int i = 0; i < kinds.size(); i++) {
            System.out.printf(Locale.ROOT, "%-9s %8.2f%n", kinds.get(i).name(), mixed[i]);
        }
    }

    private static double micros(Tensor x, Kind k, double budgetMs) {
        return 1000 * Timer.medianMs(() -> {
            try (var scope = MemoryScope.open()) {
                k.op().apply(x);
            }
        }, budgetMs);
    }
}
