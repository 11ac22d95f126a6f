package dev.kona.examples;

import dev.kona.DType;
import dev.kona.Device;
import dev.kona.Kona;
import dev.kona.MemoryScope;
import dev.kona.Tensor;
import dev.kona.autograd.GradMode;
import dev.kona.data.DataLoader;
import dev.kona.data.Dataset;
import dev.kona.data.Example;
import dev.kona.data.Mnist;
import dev.kona.nn.CrossEntropyLoss;
import dev.kona.nn.Dropout;
import dev.kona.nn.Flatten;
import dev.kona.nn.Linear;
import dev.kona.nn.ReLU;
import dev.kona.nn.Sequential;
import dev.kona.optim.Adam;

/**
 * The seed-002 MLP on MNIST, PyTorch style: a DataLoader, a Sequential, Adam, and your own loop.
 * Run: {@code ./kona example mnist-torch [epochs] [--device cuda]}. The last line is the test accuracy.
 */
public final class MnistTorchStyle {
    private MnistTorchStyle() {}

    public static void main(String[] args) {
        var cli = ExampleArgs.parse(args);
        int epochs = cli.intArg(0, 5);
        Device device = cli.device();   // Device.cpu(), or Device.cuda(0) with --device cuda
        Kona.manualSeed(0);
        var mnist = Mnist.load();
        Tensor xTrain = mnist.train().x().to(DType.FLOAT32).div(255.0);
        Tensor xTest = mnist.test().x().to(DType.FLOAT32).div(255.0);
        var loader = new DataLoader<>(Dataset.fromTensors(xTrain, mnist.train().y()), 32, true);

        var model = new Sequential(new Flatten(), new Linear(784, 128), new ReLU(), new Dropout(0.2), new Linear(128, 10))
                .to(device);
        var lossFn = new CrossEntropyLoss();
        var optimizer = new Adam(model.parameters(), 1e-3);

        for (int epoch = 1; epoch <= epochs; epoch++) {
            long start = System.nanoTime();
            model.train();
            double lossSum = 0;
            int batches = 0;
            for (Example batch : loader) {
                try (var step = MemoryScope.open()) {
                    Example b = batch.to(device);
                    optimizer.zeroGrad();
                    Tensor loss = lossFn.apply(model.call(b.x()), b.y());
                    loss.backward();
                    optimizer.step();
                    lossSum += loss.item();
                    batches++;
                }
            }
            System.out.printf("epoch %d/%d - loss: %.4f - %.1fs%n", epoch, epochs, lossSum / batches,
                    (System.nanoTime() - start) / 1e9);
        }

        model.eval();
        try (var noGrad = GradMode.noGrad()) {
            Tensor predicted = model.call(xTest.to(device)).argmax(1);
            double accuracy = predicted.eq(mnist.test().y().to(device)).to(DType.FLOAT32).mean().item();
            System.out.printf("test accuracy: %.4f%n", accuracy);
        }
    }
}
