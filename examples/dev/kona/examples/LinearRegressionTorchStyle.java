package dev.kona.examples;

import dev.kona.Device;
import dev.kona.Kona;
import dev.kona.Tensor;
import dev.kona.autograd.GradMode;
import dev.kona.nn.Linear;
import dev.kona.nn.MSELoss;
import dev.kona.optim.SGD;

/**
 * Seed 003's PyTorch program in Java: fit y = 2x with one linear unit, your own training loop.
 * Run: {@code ./kona example linreg-torch [--device cuda]}. The last line is the prediction for 4.0 (about 8).
 *
 * <pre>{@code
 * model = nn.Linear(1, 1); criterion = nn.MSELoss(); optimizer = optim.SGD(model.parameters(), lr=0.01)
 * for epoch in range(500):
 *     optimizer.zero_grad(); loss = criterion(model(x), y); loss.backward(); optimizer.step()
 * }</pre>
 */
public final class LinearRegressionTorchStyle {
    private LinearRegressionTorchStyle() {}

    public static void main(String[] args) {
        Device device = ExampleArgs.parse(args).device();   // Device.cpu(), or Device.cuda(0) with --device cuda
        Kona.manualSeed(0);
        Tensor x = Tensor.of(new float[][] {{1}, {2}, {3}}).to(device);
        Tensor y = Tensor.of(new float[][] {{2}, {4}, {6}}).to(device);

        var model = new Linear(1, 1).to(device);
        var criterion = new MSELoss();
        var optimizer = new SGD(model.parameters(), 0.01);

        for (int epoch = 0; epoch < 500; epoch++) {
            optimizer.zeroGrad();
            Tensor loss = criterion.apply(model.call(x), y);
            loss.backward();
            optimizer.step();
            if ((epoch + 1) % 100 == 0) System.out.printf("epoch %d, loss %.6f%n", epoch + 1, loss.item());
        }

        try (var noGrad = GradMode.noGrad()) {
            double prediction = model.call(Tensor.of(new float[][] {{4}}).to(device)).item();
            System.out.printf("prediction: %.4f%n", prediction);
        }
    }
}
