package dev.kona.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs the peer frameworks (NumPy/OpenBLAS, PyTorch CPU) on the same workloads through
 * tools/bench_peer.py, at 1 and at 2 threads, and keeps each workload's faster time: the peer is
 * compared at its best setting.
 */
public final class Peers {
    private Peers() {}

    /**
     * A peer's best time for one workload and the thread count that gave it; {@code extra} holds
     * the other numbers of the peer's JSON line for that run (e.g. "accuracy"), or is empty.
     */
    public record PeerTime(double ms, int threads, Map<String, Double> extra) {
        public PeerTime(double ms, int threads) {
            this(ms, threads, Map.of());
        }
    }

    public static Path script() {
        String home = System.getProperty("kona.home", ".");
        return Path.of(home, "tools", "bench_peer.py");
    }

    /** Best time per workload name for one peer, or an empty map with a message when the peer is unavailable. */
    public static Map<String, PeerTime> run(String peer, List<String> names, int maxThreads, double budgetMs) {
        return run(script(), peer, names, maxThreads, budgetMs, List.of());
    }

    /**
     * As {@link #run(String, List, int, double)}, with another peer script (under tools/, same
     * arguments and JSON lines) and extra arguments appended to its command line.
     */
    public static Map<String, PeerTime> run(Path script, String peer, List<String> names, int maxThreads, double budgetMs,
                                            List<String> extraArgs) {
        Map<String, PeerTime> best = new HashMap<>();
        if (!Files.exists(script)) {
            System.err.println("bench: " + script + " not found; set -Dkona.home to the Kona checkout");
            return best;
        }
        for (int threads = 1; threads <= maxThreads; threads++) {
            List<String> cmd = new ArrayList<>(List.of("python3", script.toString(), "--peer", peer,
                    "--threads", Integer.toString(threads), "--budget-ms", Double.toString(budgetMs),
                    "--names", String.join(",", names)));
            cmd.addAll(extraArgs);
            var pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
            String t = Integer.toString(threads);
            // OpenBLAS and OpenMP read these when the library loads, so they are set before python starts.
            pb.environment().put("OPENBLAS_NUM_THREADS", t);
            pb.environment().put("OMP_NUM_THREADS", t);
            pb.environment().put("MKL_NUM_THREADS", t);
            int threadsUsed = threads;
            int rc = jsonLines(pb, "python3 for peer " + peer, n -> {
                if (n.has("error")) {
                    System.err.println("bench: peer " + peer + ": " + n.get("error").asText());
                    return;
                }
                String name = n.get("name").asText();
                double ms = n.get("ms").asDouble();
                PeerTime prev = best.get(name);
                Map<String, Double> extra = new java.util.LinkedHashMap<>();
                n.fields().forEachRemaining(f -> {
                    if (!f.getKey().equals("name") && !f.getKey().equals("ms") && f.getValue().isNumber()) {
                        extra.put(f.getKey(), f.getValue().asDouble());
                    }
                });
                if (prev == null || ms < prev.ms()) best.put(name, new PeerTime(ms, threadsUsed, extra));
            });
            if (rc == NOT_RUN) return best;
            if (rc != 0) System.err.println("bench: peer " + peer + " at " + threads + " threads exited with " + rc);
        }
        return best;
    }

    /** What {@link #jsonLines} returns when the process could not be run to its end. */
    static final int NOT_RUN = Integer.MIN_VALUE;

    /**
     * Starts {@code pb} and hands every line of its standard output that is a JSON object to
     * {@code line}; other lines (a peer's own logging) are skipped. Returns the exit code, or
     * {@link #NOT_RUN} (after saying so, naming {@code what}) when it could not be started or read,
     * or the wait was interrupted.
     */
    static int jsonLines(ProcessBuilder pb, String what, Consumer<JsonNode> line) {
        try {
            Process p = pb.start();
            var mapper = new ObjectMapper();
            try (var r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String text;
                while ((text = r.readLine()) != null) {
                    if (text.startsWith("{")) line.accept(mapper.readTree(text));
                }
            }
            return p.waitFor();
        } catch (IOException e) {
            System.err.println("bench: cannot run " + what + ": " + e.getMessage());
            return NOT_RUN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return NOT_RUN;
        }
    }
}
