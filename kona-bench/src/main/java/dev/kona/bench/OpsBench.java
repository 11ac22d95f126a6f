package dev.kona.bench;

import dev.kona.Generator;
import dev.kona.Kona;
import dev.kona.MemoryScope;
import dev.kona.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./kona bench ops}: SGEMM, the MLP's products (forward and the transposed backward ones),
 * elementwise ops and row reductions, in Kona and in the peers, side by side in one run.
 */
public final class OpsBench {
    private OpsBench() {}

    public static List<Workload> workloads() {
        var g = new Generator(7);
        List<Workload> w = new ArrayList<>();
        for (int n : new int[] {128, 256, 512, 1024, 2048}) {
            Tensor a = Tensor.randn(g, n, n), b = Tensor.randn(g, n, n);
            w.add(new Workload("sgemm_" + n, List.of("openblas", "torch"), 2.0 * n * n * n, () -> a.matmul(b)));
        }
        Tensor x = Tensor.randn(g, 32, 784), w1 = Tensor.randn(g, 784, 128);
        Tensor h = Tensor.randn(g, 32, 128), w2 = Tensor.randn(g, 128, 10);
        Tensor dy1 = Tensor.randn(g, 32, 128), dy2 = Tensor.randn(g, 32, 10);
        List<String> torch = List.of("torch");
        w.add(new Workload("mlp_fc1_fwd", torch, 2.0 * 32 * 784 * 128, () -> x.matmul(w1)));
        w.add(new Workload("mlp_fc2_fwd", torch, 2.0 * 32 * 128 * 10, () -> h.matmul(w2)));
        w.add(new Workload("mlp_fc1_dW_xT_dy", torch, 2.0 * 784 * 32 * 128, () -> x.t().matmul(dy1)));
        w.add(new Workload("mlp_fc1_dX_dy_wT", torch, 2.0 * 32 * 128 * 784, () -> dy1.matmul(w1.t())));
        w.add(new Workload("mlp_fc2_dW_hT_dy", torch, 2.0 * 128 * 32 * 10, () -> h.t().matmul(dy2)));
        w.add(new Workload("mlp_fc2_dX_dy_wT", torch, 2.0 * 32 * 10 * 128, () -> dy2.matmul(w2.t())));
        for (int n : new int[] {1 << 20, 1 << 24}) {
            String s = n == 1 << 20 ? "1M" : "16M";
            Tensor p = Tensor.randn(g, n), q = Tensor.randn(g, n);
            w.add(new Workload("add_" + s, torch, 0, () -> p.add(q)));
            w.add(new Workload("mul_" + s, torch, 0, () -> p.mul(q)));
            w.add(new Workload("exp_" + s, torch, 0, p::exp));
            w.add(new Workload("relu_" + s, torch, 0, p::relu));
        }
        Tensor m = Tensor.randn(g, 4096, 4096);
        w.add(new Workload("sum_rows_4096", torch, 0, () -> m.sum(1)));
        w.add(new Workload("softmax_rows_4096", torch, 0, () -> m.softmax(1)));
        return w;
    }

    public static void run(double budgetMs, String filter) {
        int threads = Kona.numThreads();
        List<Workload> all = workloads();
        if (filter != null) all.removeIf(wl -> !wl.name().matches(filter));
        Map<String, Double> konaMs = new LinkedHashMap<>();
        for (Workload wl : all) {
            // Each iteration runs in a MemoryScope, as Kona's training loops do: outputs are
            // released at once and their buffers reused, like PyTorch's caching of freed blocks.
            Runnable scoped = () -> {
                try (var scope = MemoryScope.open()) {
                    wl.body().run();
                }
            };
            double ms = Timer.medianMs(scoped, budgetMs);
            konaMs.put(wl.name(), ms);
            System.err.printf(java.util.Locale.ROOT, "kona %-22s %10.4f ms%n", wl.name(), ms);
        }
        Map<String, Map<String, Peers.PeerTime>> peerTimes = new LinkedHashMap<>();
        for (String peer : List.of("openblas", "torch")) {
            List<String> names = all.stream().filter(wl -> wl.peers().contains(peer)).map(Workload::name).toList();
            if (!names.isEmpty()) peerTimes.put(peer, Peers.run(peer, names, threads, budgetMs));
        }
        var report = new Report("ops", threads);
        for (Workload wl : all) {
            for (String peer : wl.peers()) {
                Peers.PeerTime pt = peerTimes.getOrDefault(peer, Map.of()).get(wl.name());
                report.add(new Report.Row(wl.name(), konaMs.get(wl.name()), wl.flops(), peer,
                        pt == null ? Double.NaN : pt.ms(), pt == null ? 0 : pt.threads()));
            }
        }
        report.print();
    }
}
