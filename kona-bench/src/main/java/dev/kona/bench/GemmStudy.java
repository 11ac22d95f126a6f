package dev.kona.bench;

import dev.kona.backend.cpu.Parallel;
import dev.kona.backend.cpu.Sgemm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Times {@link Sgemm#sgemm} on square sizes and on the MLP shapes (forward, and the two backward
 * products with a transposed operand) at 1 and 2 threads, and prints GFLOP/s.
 *
 * <p>Usage: {@code GemmStudy [threads...]} (default {@code 1 2}). Each entry is the median and
 * the best of 9 timed batches of about 0.1 s, after a one-second warm-up; the best is the number
 * to trust on a machine that other work shares.
 */
public final class GemmStudy {
    private GemmStudy() {}

    /** One product: C (m x n) = op(A) (m x k) * op(B) (k x n). */
    private record Shape(String name, int m, int k, int n, boolean transA, boolean transB) {}

    /**
     * Runs the study.
     *
     * @param args thread counts to measure, default 1 and 2
     */
    public static void main(String[] args) {
        int[] threads = args.length == 0 ? new int[] {1, 2}
                : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        List<Shape> shapes = new ArrayList<>();
        for (int s : new int[] {128, 256, 512, 1024, 2048}) shapes.add(new Shape(s + "^3", s, s, s, false, false));
        shapes.add(new Shape("fwd  X.W    32x784x128", 32, 784, 128, false, false));
        shapes.add(new Shape("dW   X^T.dY 784x32x128", 784, 32, 128, true, false));
        shapes.add(new Shape("dX   dY.W^T 32x128x784", 32, 128, 784, false, true));
        shapes.add(new Shape("fwd  H.W2   32x128x10", 32, 128, 10, false, false));
        shapes.add(new Shape("dW2  H^T.dY 128x32x10", 128, 32, 10, true, false));
        shapes.add(new Shape("dH   dY.W^T 32x10x128", 32, 10, 128, false, true));

        System.out.printf("%-24s", "shape (m x k x n)");
        for (int t : threads) System.out.printf(" %18s", t + " thread" + (t == 1 ? "" : "s"));
        System.out.println("   (GFLOP/s, median / best)");
        double[][][] results = new double[shapes.size()][threads.length][];
        for (int ti = 0; ti < threads.length; ti++) {
            Parallel.setThreads(threads[ti]);
            for (int si = 0; si < shapes.size(); si++) results[si][ti] = measure(shapes.get(si));
        }
        for (int si = 0; si < shapes.size(); si++) {
            System.out.printf("%-24s", shapes.get(si).name());
            for (int ti = 0; ti < threads.length; ti++) {
                System.out.printf(" %10.1f / %5.1f", results[si][ti][0], results[si][ti][1]);
            }
            System.out.println();
        }
    }

    /** Returns {median, best} GFLOP/s. */
    private static double[] measure(Shape s) {
        SplittableRandom rnd = new SplittableRandom(42);
        float[] a = random(rnd, s.m * s.k), b = random(rnd, s.k * s.n), c = new float[s.m * s.n];
        // A^T: A stored k x m row-major, so A[i, p] = a[p*m + i]; B^T: B stored n x k.
        int aRs = s.transA ? 1 : s.k, aCs = s.transA ? s.m : 1;
        int bRs = s.transB ? 1 : s.n, bCs = s.transB ? s.k : 1;
        double flops = 2.0 * s.m * s.n * s.k;
        Runnable call = () -> Sgemm.sgemm(s.m, s.n, s.k, a, 0, aRs, aCs, b, 0, bRs, bCs, c, 0, s.n, false);
        int reps = (int) Math.max(1, 2e10 / flops);
        long warmEnd = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < warmEnd) call.run();
        double[] rates = new double[9];
        for (int r = 0; r < rates.length; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) call.run();
            rates[r] = flops * reps / (System.nanoTime() - t0);
        }
        Arrays.sort(rates);
        return new double[] {rates[rates.length / 2], rates[rates.length - 1]};
    }

    private static float[] random(SplittableRandom rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }
}
