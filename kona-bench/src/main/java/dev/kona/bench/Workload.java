package dev.kona.bench;

/**
 * One benchmark row: a name the peer script also knows, the peers it is compared with, and the
 * Kona code to time.
 *
 * @param name  the workload's name, shared with tools/bench_peer.py
 * @param peers peer names: "openblas" (NumPy) and/or "torch"
 * @param flops floating-point operations per run (0 when not meaningful), for GFLOP/s
 * @param body  the Kona code
 */
public record Workload(String name, java.util.List<String> peers, double flops, Runnable body) {}
