package dev.kona.bench;

import dev.kona.DType;
import dev.kona.Device;
import dev.kona.Kona;
import dev.kona.MemoryScope;
import dev.kona.Tensor;
import dev.kona.autograd.GradMode;
import dev.kona.data.TrainTest;
import dev.kona.nn.Conv2d;
import dev.kona.nn.CrossEntropyLoss;
import dev.kona.nn.Dropout;
import dev.kona.nn.Flatten;
import dev.kona.nn.Linear;
import dev.kona.nn.MaxPool2d;
import dev.kona.nn.Module;
import dev.kona.nn.ReLU;
import dev.kona.nn.Sequential;
import dev.kona.optim.Adam;
import java.util.SplittableRandom;

/**
 * The MLP workload of {@code ./kona bench gpu}: seed 002's network (784-128-10, ReLU, dropout
 * 0.2, Adam 1e-3, cross-entropy) trained PyTorch style on one device with the whole data set
 * already there. Each epoch shuffles with a permutation uploaded once, then gathers every batch on
 * the device ({@code indexSelect}), so no batch crosses the bus; tools/bench_gpu_peer.py does the
 * same with {@code torch.randperm} on the device.
 */
final class GpuMlpEpoch {
    private GpuMlpEpoch() {}

    /** Epoch times (the last is the steady one) and the test accuracy after the last epoch. */
    record Result(double[] epochMs, double accuracy) {
        double lastMs() {
            return epochMs[epochMs.length - 1];
        }
    }

    /** Training and test data on the device, as float32 [n, 784] in [0, 1] and int64 labels. */
    record Data(Tensor xTrain, Tensor yTrain, Tensor xTest, Tensor yTest) {
        static Data of(TrainTest mnist, int trainLimit, Device device) {
            Tensor x = mnist.train().x(), y = mnist.train().y();
            if (trainLimit > 0 && trainLimit < x.size(0)) {
                x = x.narrow(0, 0, trainLimit);
                y = y.narrow(0, 0, trainLimit);
            }
            return new Data(flat(x).to(device), y.contiguous().to(device), flat(mnist.test().x()).to(device),
                    mnist.test().y().to(device));
        }

        private static Tensor flat(Tensor images) {
            return images.to(DType.FLOAT32).div(255.0).reshape(images.size(0), 784);
        }
    }

    static Result run(Data data, int batch, int epochs, Device device) {
        return run(data, batch, epochs, device, false);
    }

    /**
     * {@code cnn}: issue 5's MNIST CNN instead of the MLP (Conv2d(1,32,3), ReLU, Conv2d(32,64,3),
     * ReLU, MaxPool 2, Dropout 0.25, Flatten, Linear(9216,128), ReLU, Dropout 0.5, Linear(128,10)),
     * fed [B, 1, 28, 28] views of the same rows.
     */
    static Result run(Data data, int batch, int epochs, Device device, boolean cnn) {
        Kona.manualSeed(0);
        Module model = cnn
                ? new Sequential(new Conv2d(1, 32, 3), new ReLU(), new Conv2d(32, 64, 3), new ReLU(), new MaxPool2d(2),
                        new Dropout(0.25), new Flatten(), new Linear(9216, 128), new ReLU(), new Dropout(0.5),
                        new Linear(128, 10))
                : new Sequential(new Linear(784, 128), new ReLU(), new Dropout(0.2), new Linear(128, 10));
        model.to(device);
        var lossFn = new CrossEntropyLoss();
        var optimizer = new Adam(model.parameters(), 1e-3);
        int n = data.xTrain().size(0);
        var random = new SplittableRandom(0);
        double[] epochMs = new double[epochs];
        for (int epoch = 0; epoch < epochs; epoch++) {
            Kona.synchronize(device);
            long t0 = System.nanoTime();
            model.train();
            try (var epochScope = MemoryScope.open()) {
                Tensor perm = Tensor.of(permutation(n, random)).to(device);
                for (int start = 0; start < n; start += batch) {
                    try (var step = MemoryScope.open()) {
                        Tensor idx = perm.narrow(0, start, Math.min(batch, n - start));
                        Tensor xb = data.xTrain().indexSelect(0, idx), yb = data.yTrain().indexSelect(0, idx);
                        if (cnn) xb = xb.reshape(-1, 1, 28, 28);
                        optimizer.zeroGrad();
                        Tensor loss = lossFn.apply(model.call(xb), yb);
                        loss.backward();
                        optimizer.step();
                    }
                }
                Kona.synchronize(device);
            }
            epochMs[epoch] = (System.nanoTime() - t0) / 1e6;
        }
        model.eval();
        double accuracy;
        // In chunks of 1,000: the CNN's im2col of all 10,000 test images at once would be 6.6 GB.
        long correct = 0;
        int nTest = data.xTest().size(0);
        try (var noGrad = GradMode.noGrad()) {
            for (int start = 0; start < nTest; start += 1000) {
                try (var scope = MemoryScope.open()) {
                    int len = Math.min(1000, nTest - start);
                    Tensor xt = data.xTest().narrow(0, start, len);
                    if (cnn) xt = xt.reshape(-1, 1, 28, 28);
                    Tensor predicted = model.call(xt).argmax(1);
                    correct += (long) predicted.eq(data.yTest().narrow(0, start, len)).to(DType.FLOAT32).sum().item();
                }
            }
        }
        accuracy = (double) correct / nTest;
        return new Result(epochMs, accuracy);
    }

    /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
    private static long[] permutation(int n, SplittableRandom random) {
        long[] p = new long[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
