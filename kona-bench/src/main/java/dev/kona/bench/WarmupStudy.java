package dev.kona.bench;

import dev.kona.Kona;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * How a fresh JVM warms up on the seed-002 MLP's training step (the step of {@code bench train}):
 * the mean step time over each window of steps, and the JIT's compile time in that window (summed
 * over the compiler threads, from the JVM's CompilationMXBean). On 2 cores it shows the steps
 * settling only after ~8,000 of them, while C2 keeps a core busy (docs/ARCHITECTURE.md, "Why a
 * fresh JVM's first epochs are slow"). Not registered as a benchmark (a study, like GemmStudy):
 * it must start in a JVM of its own. Run:
 * <pre>
 * java --add-modules jdk.incubator.vector -cp 'kona-cli/target/kona-cli.jar:kona-cli/target/lib/*' dev.kona.bench.WarmupStudy [batch [steps [window]]]
 * </pre>
 * (defaults 32, 20000, 1000).
 */
public final class WarmupStudy {
    private WarmupStudy() {}

    public static void main(String[] args) {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int window = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
        if (batch < 1 || steps < 1 || window < 1) {
            throw new IllegalArgumentException("WarmupStudy: batch, steps and window must be positive, got " + batch + ", "
                    + steps + ", " + window);
        }
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        Runnable trainStep = TrainBench.mlpStep(batch);
        System.out.printf(Locale.ROOT, "batch %d, %d threads; per window of %d steps: mean step, JIT compile time%n",
                batch, Kona.numThreads(), window);
        long windowStart = System.nanoTime(), compileStart = jit.getTotalCompilationTime();
        for (int step = 1; step <= steps; step++) {
            trainStep.run();
            if (step % window == 0 || step == steps) {
                long now = System.nanoTime(), compile = jit.getTotalCompilationTime();
                int n = step % window == 0 ? window : step % window;
                System.out.printf(Locale.ROOT, "steps %6d-%-6d %8.1f us/step  JIT %5d ms in %5d ms%n", step - n + 1, step,
                        (now - windowStart) / 1e3 / n, compile - compileStart, (now - windowStart) / 1_000_000);
                windowStart = now;
                compileStart = compile;
            }
        }
    }
}
