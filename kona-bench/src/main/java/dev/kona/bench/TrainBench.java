package dev.kona.bench;

import dev.kona.Kona;
import dev.kona.MemoryScope;
import dev.kona.Tensor;
import dev.kona.nn.CrossEntropyLoss;
import dev.kona.nn.Dropout;
import dev.kona.nn.Flatten;
import dev.kona.nn.Linear;
import dev.kona.nn.ReLU;
import dev.kona.nn.Sequential;
import dev.kona.optim.Adam;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./kona bench train}: a training step of the seed-002 MLP (784-128-10, ReLU, dropout 0.2,
 * Adam, cross-entropy) at batch 32 and 128, and a chain of 1,000 ops on 8-element tensors with
 * autograd (per-op overhead), in Kona and in PyTorch CPU, side by side in one run. The peer's
 * workloads are in tools/bench_peer.py (peer "torch-train"); keep the two in step.
 */
public final class TrainBench {
    private TrainBench() {}

    /**
     * One training step, written as a user writes it (each step in a MemoryScope, as fit does).
     * WarmupStudy times the same step from a cold JVM.
     */
    static Runnable mlpStep(int batch) {
        Kona.manualSeed(0);
        var model = new Sequential(new Flatten(), new Linear(784, 128), new ReLU(), new Dropout(0.2), new Linear(128, 10));
        var optimizer = new Adam(model.parameters(), 1e-3);
        var lossFn = new CrossEntropyLoss();
        Tensor x = Tensor.rand(batch, 28, 28);
        Tensor y = Tensor.randint(0, 10, batch);
        return () -> {
            try (var scope = MemoryScope.open()) {
                optimizer.zeroGrad();
                Tensor loss = lossFn.apply(model.call(x), y);
                loss.backward();
                optimizer.step();
            }
        };
    }

    private static Runnable opChain() {
        Tensor x0 = Tensor.randn(8).requiresGrad(true);
        Tensor w = Tensor.randn(8);
        return () -> {
            try (var scope = MemoryScope.open()) {
                Tensor y = x0;
                for (int i = 0; i < 1000; i++) y = i % 2 == 0 ? y.mul(w) : y.add(w).tanh();
                y.sum().backward();
                x0.setGrad(null);
            }
        };
    }

    /**
     * A training step calls a hundred methods that C2 compiles over the first seconds on two
     * cores; timing before that measured the compiler, not the step (0.43-0.71 ms instead of the
     * steady 0.3 ms). Training runs for thousands of steps, so both sides get this budget at least.
     */
    static final double MIN_BUDGET_MS = 4000;

    public static void run(double requestedBudgetMs) {
        double budgetMs = Math.max(requestedBudgetMs, MIN_BUDGET_MS);
        int threads = Kona.numThreads();
        Map<String, Runnable> work = new LinkedHashMap<>();
        work.put("mlp_train_step_b32", mlpStep(32));
        work.put("mlp_train_step_b128", mlpStep(128));
        work.put("op_chain_1000", opChain());
        Map<String, Double> konaMs = new LinkedHashMap<>();
        for (var e : work.entrySet()) {
            double ms = Timer.medianMs(e.getValue(), budgetMs);
            konaMs.put(e.getKey(), ms);
            System.err.printf(java.util.Locale.ROOT, "kona %-22s %10.4f ms%n", e.getKey(), ms);
        }
        List<String> names = new ArrayList<>(work.keySet());
        Map<String, Peers.PeerTime> torch = Peers.run("torch-train", names, threads, budgetMs);
        var report = new Report("train", threads);
        for (String name : names) {
            Peers.PeerTime pt = torch.get(name);
            report.add(new Report.Row(name, konaMs.get(name), 0, "torch", pt == null ? Double.NaN : pt.ms(),
                    pt == null ? 0 : pt.threads()));
        }
        report.print();
    }
}
