package dev.kona.bench;

import dev.kona.DType;
import dev.kona.Device;
import dev.kona.Kona;
import dev.kona.MemoryScope;
import dev.kona.Tensor;
import dev.kona.data.Mnist;
import dev.kona.nn.CrossEntropyLoss;
import dev.kona.nn.Dropout;
import dev.kona.nn.Identity;
import dev.kona.nn.Linear;
import dev.kona.nn.Module;
import dev.kona.nn.ReLU;
import dev.kona.nn.Sequential;
import dev.kona.optim.Adam;
import java.util.Locale;

/**
 * {@code ./kona bench gpu-steps}: where a training step's time goes on a device. The seed-002 MLP
 * (with and without its dropout) runs PyTorch-style at batch 32 and 1024 with a synchronize after
 * each phase (batch gather, forward, loss, backward, optimizer step), and softmax is timed over
 * rows of three lengths. Kona alone: the side-by-side figures are {@code bench gpu}'s; this one
 * says which phase to work on (it found the host-drawn dropout mask, 1.7 ms of a 2.7 ms step).
 */
public final class GpuSteps {
    private GpuSteps() {}

    public static void run(Device d) {
        System.out.println("bench gpu-steps: device " + d);
        for (int len : new int[] {8192, 1000, 10}) {
            int rows = (64 << 20) / len;
            Tensor x = Tensor.randn(new int[] {rows, len}, DType.FLOAT32, d);
            double best = Double.MAX_VALUE;
            for (int rep = 0; rep < 30; rep++) {
                try (var s = MemoryScope.open()) {
                    Kona.synchronize(d);
                    long t0 = System.nanoTime();
                    x.softmax(1);
                    Kona.synchronize(d);
                    best = Math.min(best, (System.nanoTime() - t0) / 1e3);
                }
            }
            System.out.printf(Locale.ROOT, "softmax %8d x %5d: %9.1f us (best of 30)%n", rows, len, best);
        }
        var data = GpuMlpEpoch.Data.of(Mnist.load(), 0, d);
        System.out.println("per-step microseconds (mean over a second pass through 40,000 images):");
        System.out.printf(Locale.ROOT, "%-24s %8s %8s %8s %8s %8s%n", "", "batch", "forward", "loss", "backward", "step");
        for (int batch : new int[] {32, 1024}) {
            for (boolean dropout : new boolean[] {true, false}) {
                double[] us = phases(data, batch, dropout, d);
                System.out.printf(Locale.ROOT, "%-24s %8.1f %8.1f %8.1f %8.1f %8.1f%n",
                        "b" + batch + (dropout ? " with dropout" : " without dropout"), us[0], us[1], us[2], us[3], us[4]);
            }
        }
    }

    /** Mean microseconds per phase over the second pass (the first warms up). */
    private static double[] phases(GpuMlpEpoch.Data data, int batch, boolean dropout, Device d) {
        Kona.manualSeed(0);
        Module model = new Sequential(new Linear(784, 128), new ReLU(), dropout ? new Dropout(0.2) : new Identity(),
                new Linear(128, 10));
        model.to(d);
        var lossFn = new CrossEntropyLoss();
        var opt = new Adam(model.parameters(), 1e-3);
        long[] ns = new long[5];
        int steps = 0;
        for (int pass = 0; pass < 2; pass++) {
            java.util.Arrays.fill(ns, 0);
            steps = 0;
            for (int start = 0; start + batch <= 40_000; start += batch, steps++) {
                try (var s = MemoryScope.open()) {
                    long t0 = System.nanoTime();
                    Tensor idx = Tensor.arange(start, start + batch, 1, d);
                    Tensor xb = data.xTrain().indexSelect(0, idx), yb = data.yTrain().indexSelect(0, idx);
                    Kona.synchronize(d);
                    long t1 = System.nanoTime();
                    opt.zeroGrad();
                    Tensor out = model.call(xb);
                    Kona.synchronize(d);
                    long t2 = System.nanoTime();
                    Tensor loss = lossFn.apply(out, yb);
                    Kona.synchronize(d);
                    long t3 = System.nanoTime();
                    loss.backward();
                    Kona.synchronize(d);
                    long t4 = System.nanoTime();
                    opt.step();
                    Kona.synchronize(d);
                    long t5 = System.nanoTime();
                    ns[0] += t1 - t0;
                    ns[1] += t2 - t1;
                    ns[2] += t3 - t2;
                    ns[3] += t4 - t3;
                    ns[4] += t5 - t4;
                }
            }
        }
        double[] us = new double[5];
        for (int i = 0; i < 5; i++) us[i] = ns[i] / 1e3 / steps;
        return us;
    }
}
