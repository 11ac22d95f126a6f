package dev.kona.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/** Prints a benchmark's table and its closing JSON line. speedup = peer_ms / kona_ms. */
public final class Report {
    /** One row: a workload against one peer. */
    public record Row(String name, double konaMs, double flops, String peer, double peerMs, int peerThreads,
                      Map<String, Double> extra) {
        /** A row with no extra fields. */
        public Row(String name, double konaMs, double flops, String peer, double peerMs, int peerThreads) {
            this(name, konaMs, flops, peer, peerMs, peerThreads, Map.of());
        }

        public double speedup() {
            return peerMs / konaMs;
        }
    }

    private final String bench;
    private final int threads;
    private final List<Row> rows = new ArrayList<>();

    public Report(String bench, int threads) {
        this.bench = bench;
        this.threads = threads;
    }

    public void add(Row row) {
        rows.add(row);
    }

    public void print() {
        int w = Math.max(22, rows.stream().mapToInt(r -> r.name().length()).max().orElse(0));
        System.out.printf(Locale.ROOT, "%-" + w + "s %10s %9s  %-9s %10s %5s %8s%n", "workload", "kona_ms", "GFLOP/s", "peer",
                "peer_ms", "p_thr", "speedup");
        for (Row r : rows) {
            String gf = r.flops() > 0 ? String.format(Locale.ROOT, "%9.1f", r.flops() / r.konaMs() / 1e6) : "        -";
            String peerMs = Double.isNaN(r.peerMs()) ? "n/a" : String.format(Locale.ROOT, "%10.4f", r.peerMs());
            String sp = Double.isNaN(r.peerMs()) ? "n/a" : String.format(Locale.ROOT, "%7.2fx", r.speedup());
            System.out.printf(Locale.ROOT, "%-" + w + "s %10.4f %s  %-9s %10s %5d %8s%n", r.name(), r.konaMs(), gf, r.peer(), peerMs,
                    r.peerThreads(), sp);
        }
        var mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("bench", bench);
        root.put("threads", threads);
        ArrayNode results = root.putArray("results");
        for (Row r : rows) {
            ObjectNode o = results.addObject();
            o.put("name", r.name());
            o.put("kona_ms", round(r.konaMs()));
            o.put("peer", r.peer());
            if (Double.isNaN(r.peerMs())) {
                o.putNull("peer_ms");
                o.putNull("speedup");
            } else {
                o.put("peer_ms", round(r.peerMs()));
                o.put("peer_threads", r.peerThreads());
                o.put("speedup", Math.round(r.speedup() * 1000) / 1000.0);
            }
            r.extra().forEach((k, v) -> {
                if (Double.isNaN(v)) o.putNull(k);
                else o.put(k, Math.round(v * 1e4) / 1e4);
            });
        }
        System.out.println(root.toString());
    }

    private static double round(double ms) {
        return Math.round(ms * 1e4) / 1e4;
    }
}
