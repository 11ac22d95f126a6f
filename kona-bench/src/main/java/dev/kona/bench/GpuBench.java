package dev.kona.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kona.DType;
import dev.kona.Device;
import dev.kona.Generator;
import dev.kona.Kona;
import dev.kona.MemoryScope;
import dev.kona.Tensor;
import dev.kona.data.DatasetCache;
import dev.kona.data.Mnist;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./kona bench gpu}: Kona's device backend against PyTorch on the same GPU, side by side in
 * one run (PyTorch through tools/bench_gpu_peer.py, after Kona is done). Workloads: SGEMM
 * 4096/8192 in float32 and TF32, a 256M-float device copy (the bandwidth ceiling), add and exp over
 * 256M floats, softmax over the rows of an 8192x8192 matrix, and one training epoch of seed 002's
 * MLP at batch 32 and 1024 with the data on the device. {@code --quick} shrinks every size so the
 * whole run can be smoke-tested on the CPU ({@code --device cpu}).
 *
 * <p>Timing: each run of a workload ends with {@link Kona#synchronize}, so a sample is launch plus
 * execution; the median after a warm-up is reported, the same way on both sides. Every run sits in
 * a {@link MemoryScope}, and each group's inputs in an outer one, so device memory is released
 * deterministically (256M floats are 1 GiB).
 */
public final class GpuBench {
    private GpuBench() {}

    /** Sizes of one run: the full set for a GPU, or the small {@code --quick} set. */
    record Sizes(int[] gemm, String vector, int softmax, int trainLimit, int epochs) {
        static Sizes of(boolean quick) {
            return quick ? new Sizes(new int[] {256, 512}, "1M", 512, 4096, 2)
                    : new Sizes(new int[] {4096, 8192}, "256M", 8192, 0, 2);
        }
    }

    /** What a workload's rate is measured in: TFLOP/s for products, GB/s (read + write) for memory-bound ops. */
    enum Unit { TFLOPS, GBPS, NONE }

    /**
     * One workload's Kona result; {@code work} is flops or bytes per run, after {@code unit}; a
     * workload that threw has NaN times and the {@code error}, so one missing op costs one row.
     */
    record Result(String name, Unit unit, double work, double konaMs, double accuracy, double firstMs, String error) {
        static Result failed(String name, Unit unit, double work, RuntimeException e) {
            String error = e.getClass().getSimpleName() + ": " + e.getMessage();
            System.err.println("kona " + name + " failed: " + error);
            return new Result(name, unit, work, Double.NaN, Double.NaN, Double.NaN, error);
        }

        double rate(double ms) {
            return switch (unit) {
                case TFLOPS -> work / ms / 1e9;
                case GBPS -> work / ms / 1e6;
                case NONE -> Double.NaN;
            };
        }
    }

    /** The peer's answer for one workload. */
    record PeerResult(double ms, double accuracy, double firstMs) {}

    /**
     * Times every workload in Kona on {@code device}, then in the peer, and prints the table and
     * one closing JSON line {@code {"bench":"gpu","device":...,"results":[{"name","kona_ms","peer",
     * "peer_ms","speedup",...}]}}.
     *
     * @param quick    small sizes (a smoke test, fine on the CPU)
     * @param budgetMs time spent measuring each workload, after a warm-up of half that
     * @param filter   a regular expression over workload names, or null for all
     */
    public static void run(Device device, boolean quick, double budgetMs, String filter) {
        var sizes = Sizes.of(quick);
        System.err.println("bench gpu: device " + device + (quick ? " (quick sizes)" : "") + ", budget " + budgetMs + " ms");
        var results = new ArrayList<Result>();
        String precision = Kona.float32MatmulPrecision();
        try {
            warmUp(device, sizes);
            products(device, sizes, budgetMs, filter, results);
        } finally {
            Kona.setFloat32MatmulPrecision(precision);
        }
        memoryBound(device, sizes, budgetMs, filter, results);
        mlp(device, sizes, filter, results);

        List<String> names = results.stream().map(Result::name).toList();
        var peer = new LinkedHashMap<String, PeerResult>();
        String[] peerInfo = runPeer(device, sizes, budgetMs, names, peer);
        String peerLabel = peerInfo[1] != null ? peerInfo[1] : "torch-" + device.type();
        // The peer names the GPU; when it fell back to the CPU, its name is not the device's.
        String deviceName = peerInfo[0] != null && peerLabel.equals("torch-" + device.type()) ? peerInfo[0] : device.toString();
        print(deviceName, peerLabel, quick, results, peer);
    }

    private static boolean wanted(String name, String filter) {
        return filter == null || name.matches(filter);
    }

    /** Median ms of {@code body}, each run in its own scope and finished on the device. */
    /**
     * One second of large products before anything is timed, on both sides: the GPU's clocks ramp
     * up under load, and without this the first workload measured (Kona's SGEMM 4096) ran up to 10%
     * slower than the same cuBLAS call did for the peer, which runs after Kona.
     */
    private static void warmUp(Device device, Sizes sizes) {
        int n = sizes.gemm()[0];
        Tensor a = Tensor.randn(new int[] {n, n}, DType.FLOAT32, device);
        long end = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < end) {
            try (var s = MemoryScope.open()) {
                a.matmul(a);
                Kona.synchronize(device);
            }
        }
    }

    private static double time(Device device, Runnable body, double budgetMs) {
        return Timer.medianMs(() -> {
            try (var scope = MemoryScope.open()) {
                body.run();
                Kona.synchronize(device);
            }
        }, budgetMs);
    }

    private static Result timed(String name, Unit unit, double work, Device device, Runnable body, double budgetMs) {
        double ms;
        try {
            ms = time(device, body, budgetMs);
        } catch (RuntimeException e) {
            return Result.failed(name, unit, work, e);
        }
        var r = new Result(name, unit, work, ms, Double.NaN, Double.NaN, null);
        System.err.printf(Locale.ROOT, "kona %-20s %10.4f ms%s%n", name, ms,
                unit == Unit.NONE ? "" : String.format(Locale.ROOT, "  %8.2f %s", r.rate(ms), unit == Unit.TFLOPS ? "TFLOP/s" : "GB/s"));
        return r;
    }

    /** Records a failure for each of {@code names} that is wanted and has no result yet: a group's inputs could not be made. */
    private static void failRest(List<String> names, Unit unit, double work, String filter, List<Result> out, RuntimeException e) {
        for (String name : names) {
            if (wanted(name, filter) && out.stream().noneMatch(r -> r.name().equals(name))) out.add(Result.failed(name, unit, work, e));
        }
    }

    private static void products(Device device, Sizes sizes, double budgetMs, String filter, List<Result> out) {
        var g = new Generator(7);
        for (int n : sizes.gemm()) {
            String name = "sgemm_" + n;
            if (!wanted(name, filter) && !wanted(name + "_tf32", filter)) continue;
            try (var inputs = MemoryScope.open()) {
                Tensor a = Tensor.randn(g, n, n).to(device), b = Tensor.randn(g, n, n).to(device);
                double flops = 2.0 * n * n * n;
                if (wanted(name, filter)) {
                    Kona.setFloat32MatmulPrecision("highest");
                    out.add(timed(name, Unit.TFLOPS, flops, device, () -> a.matmul(b), budgetMs));
                }
                if (wanted(name + "_tf32", filter)) {
                    Kona.setFloat32MatmulPrecision("high");
                    out.add(timed(name + "_tf32", Unit.TFLOPS, flops, device, () -> a.matmul(b), budgetMs));
                }
                Kona.setFloat32MatmulPrecision("highest");
            } catch (RuntimeException e) {
                failRest(List.of(name, name + "_tf32"), Unit.TFLOPS, 2.0 * n * n * n, filter, out, e);
            }
        }
    }

    private static void memoryBound(Device device, Sizes sizes, double budgetMs, String filter, List<Result> out) {
        var g = new Generator(7);
        String v = sizes.vector();
        if (wanted("copy_" + v, filter) || wanted("add_" + v, filter) || wanted("exp_" + v, filter)) {
            long n = sizeOf(v);
            try (var inputs = MemoryScope.open()) {
                Tensor p = Tensor.randn(g, (int) n).to(device), q = Tensor.randn(g, (int) n).to(device);
                Tensor dst = Tensor.zeros((int) n).to(device);
                if (wanted("copy_" + v, filter)) out.add(timed("copy_" + v, Unit.GBPS, 8.0 * n, device, () -> dst.copyFrom(p), budgetMs));
                if (wanted("add_" + v, filter)) out.add(timed("add_" + v, Unit.GBPS, 12.0 * n, device, () -> p.add(q), budgetMs));
                if (wanted("exp_" + v, filter)) out.add(timed("exp_" + v, Unit.GBPS, 8.0 * n, device, p::exp, budgetMs));
            } catch (RuntimeException e) {
                failRest(List.of("copy_" + v, "add_" + v, "exp_" + v), Unit.GBPS, 8.0 * n, filter, out, e);
            }
        }
        int m = sizes.softmax();
        String name = "softmax_rows_" + m;
        if (wanted(name, filter)) {
            try (var inputs = MemoryScope.open()) {
                Tensor x = Tensor.randn(g, m, m).to(device);
                // the least traffic a softmax can make: read the matrix once, write it once
                out.add(timed(name, Unit.GBPS, 8.0 * m * m, device, () -> x.softmax(-1), budgetMs));
            } catch (RuntimeException e) {
                failRest(List.of(name), Unit.GBPS, 8.0 * m * m, filter, out, e);
            }
        }
    }

    private static void mlp(Device device, Sizes sizes, String filter, List<Result> out) {
        List<String> names = new ArrayList<>();
        for (String name : new String[] {"mlp_epoch_b32", "mlp_epoch_b1024", "cnn_epoch_b128"}) {
            if (wanted(name, filter)) names.add(name);
        }
        if (names.isEmpty()) return;
        try (var inputs = MemoryScope.open()) {
            var data = GpuMlpEpoch.Data.of(Mnist.load(), sizes.trainLimit(), device);
            for (String name : names) {
                try {
                    int b = Integer.parseInt(name.substring(name.lastIndexOf('b') + 1));
                    var r = GpuMlpEpoch.run(data, b, sizes.epochs(), device, name.startsWith("cnn"));
                    System.err.printf(Locale.ROOT, "kona %-20s %10.1f ms/epoch (first %.1f), accuracy %.4f%n", name,
                            r.lastMs(), r.epochMs()[0], r.accuracy());
                    out.add(new Result(name, Unit.NONE, 0, r.lastMs(), r.accuracy(), r.epochMs()[0], null));
                } catch (RuntimeException e) {
                    out.add(Result.failed(name, Unit.NONE, 0, e));
                }
            }
        } catch (RuntimeException e) {
            failRest(names, Unit.NONE, 0, filter, out, e);
        }
    }

    /** '256M' -> 256 * 2^20, '64K' -> 64 * 2^10, '512' -> 512; tools/bench_gpu_peer.py reads sizes the same way. */
    static long sizeOf(String label) {
        char last = label.charAt(label.length() - 1);
        long scale = switch (last) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            default -> 1;
        };
        return Long.parseLong(scale == 1 ? label : label.substring(0, label.length() - 1)) * scale;
    }

    /** Runs the peer on {@code names}, filling {@code out}; returns {device name, peer label}, either null when unknown. */
    private static String[] runPeer(Device device, Sizes sizes, double budgetMs, List<String> names, Map<String, PeerResult> out) {
        String[] info = new String[2];
        if (names.isEmpty()) return info;
        var script = Peers.script().resolveSibling("bench_gpu_peer.py");
        var cmd = new ArrayList<>(List.of("python3", script.toString(), "--device", device.toString(), "--names",
                String.join(",", names), "--budget-ms", Double.toString(budgetMs), "--threads", Integer.toString(Kona.numThreads()),
                "--data", DatasetCache.root().resolve("mnist").toString(), "--epochs", Integer.toString(sizes.epochs()),
                "--train-limit", Integer.toString(sizes.trainLimit())));
        var pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        int rc = Peers.jsonLines(pb, "python3 " + script, n -> {
            if (n.has("error") || n.has("warning")) {
                System.err.println("bench gpu: peer: " + (n.has("error") ? n.get("error") : n.get("warning")).asText());
            } else if (n.has("device_name")) {
                info[0] = n.get("device_name").asText();
                info[1] = n.get("peer").asText();
                System.err.println("bench gpu: peer " + info[1] + " (torch " + n.path("torch").asText() + ") on " + info[0]);
            } else if (n.has("name")) {
                var pr = new PeerResult(n.get("ms").asDouble(), n.path("accuracy").asDouble(Double.NaN),
                        n.path("first_epoch_ms").asDouble(Double.NaN));
                out.put(n.get("name").asText(), pr);
                System.err.printf(Locale.ROOT, "peer %-20s %10.4f ms%n", n.get("name").asText(), pr.ms());
            }
        });
        if (rc != 0 && rc != Peers.NOT_RUN) System.err.println("bench gpu: peer exited with " + rc);
        return info;
    }

    private static void print(String deviceName, String peerLabel, boolean quick, List<Result> results, Map<String, PeerResult> peer) {
        double konaCopy = Double.NaN, peerCopy = Double.NaN;
        for (Result r : results) {
            if (r.name().startsWith("copy_")) {
                konaCopy = r.rate(r.konaMs());
                PeerResult pr = peer.get(r.name());
                if (pr != null) peerCopy = r.rate(pr.ms());
            }
        }
        System.out.println("device: " + deviceName + "; peer: " + peerLabel + "; speedup = peer_ms / kona_ms");
        System.out.printf(Locale.ROOT, "%-20s %11s %11s   %11s %11s %8s  %s%n", "workload", "kona_ms", "kona_rate", "peer_ms",
                "peer_rate", "speedup", "notes");
        var mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("bench", "gpu");
        root.put("device", deviceName);
        if (quick) root.put("quick", true);
        var rows = root.putArray("results");
        for (Result r : results) {
            PeerResult pr = peer.get(r.name());
            double konaMs = r.konaMs(), peerMs = pr == null ? Double.NaN : pr.ms();
            ObjectNode o = rows.addObject();
            o.put("name", r.name());
            putOrNull(o, "kona_ms", round(konaMs, 4));
            o.put("peer", peerLabel);
            putOrNull(o, "peer_ms", round(peerMs, 4));
            putOrNull(o, "speedup", round(peerMs / konaMs, 3));
            if (r.error() != null) o.put("kona_error", r.error());
            String unit = switch (r.unit()) {
                case TFLOPS -> "tflops";
                case GBPS -> "gbps";
                case NONE -> null;
            };
            String notes = "";
            if (unit != null) {
                putOrNull(o, "kona_" + unit, round(r.rate(konaMs), 3));
                putOrNull(o, "peer_" + unit, round(r.rate(peerMs), 3));
            }
            if (r.unit() == Unit.GBPS && !r.name().startsWith("copy_")) {
                double konaPct = 100 * r.rate(konaMs) / konaCopy, peerPct = 100 * r.rate(peerMs) / peerCopy;
                putOrNull(o, "kona_pct_of_copy", round(konaPct, 1));
                putOrNull(o, "peer_pct_of_copy", round(peerPct, 1));
                notes = "of own copy GB/s: kona " + fmt("%.0f%%", konaPct) + ", peer " + fmt("%.0f%%", peerPct);
            }
            if (r.name().startsWith("mlp_epoch_") || r.name().startsWith("cnn_epoch_")) {
                double peerAcc = pr == null ? Double.NaN : pr.accuracy();
                putOrNull(o, "kona_s_per_epoch", round(konaMs / 1e3, 4));
                putOrNull(o, "kona_first_epoch_s", round(r.firstMs() / 1e3, 4));
                putOrNull(o, "kona_accuracy", round(r.accuracy(), 4));
                putOrNull(o, "peer_s_per_epoch", round(peerMs / 1e3, 4));
                putOrNull(o, "peer_first_epoch_s", round(pr == null ? Double.NaN : pr.firstMs() / 1e3, 4));
                putOrNull(o, "peer_accuracy", round(peerAcc, 4));
                notes = "s/epoch " + fmt("%.3f", konaMs / 1e3) + " vs " + fmt("%.3f", peerMs / 1e3) + "; accuracy "
                        + fmt("%.4f", r.accuracy()) + " vs " + fmt("%.4f", peerAcc);
            }
            String rateFmt = r.unit() == Unit.TFLOPS ? "%6.2f TF/s" : "%6.0f GB/s";
            System.out.printf(Locale.ROOT, "%-20s %11s %11s   %11s %11s %8s  %s%n", r.name(), fmt("%.4f", konaMs),
                    unit == null ? "-" : fmt(rateFmt, r.rate(konaMs)), fmt("%.4f", peerMs),
                    unit == null ? "-" : fmt(rateFmt, r.rate(peerMs)), fmt("%.2fx", peerMs / konaMs),
                    r.error() == null ? notes : "KONA FAILED: " + r.error());
        }
        System.out.println(root.toString());
    }

    /** {@code value} formatted, or "n/a" when it is missing (NaN) or infinite. */
    private static String fmt(String format, double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, format, value) : "n/a";
    }

    private static void putOrNull(ObjectNode o, String key, double value) {
        if (Double.isFinite(value)) o.put(key, value);
        else o.putNull(key);
    }

    /** {@code v} to {@code digits} decimals; NaN and infinities stay as they are (they become JSON null). */
    private static double round(double v, int digits) {
        double scale = Math.pow(10, digits);
        return Double.isFinite(v) ? Math.round(v * scale) / scale : v;
    }
}
