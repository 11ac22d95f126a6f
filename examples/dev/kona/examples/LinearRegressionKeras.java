package dev.kona.examples;

import dev.kona.Device;
import dev.kona.Kona;
import dev.kona.Tensor;
import dev.kona.train.Dense;
import dev.kona.train.FitOptions;
import dev.kona.train.Input;
import dev.kona.train.Sequential;

/**
 * Seed 003's Keras program in Java: fit y = 2x with one unit, {@code compile} and {@code fit}.
 * Run: {@code ./kona example linreg [--device cuda]}. The last line is the prediction for 4.0 (about 8).
 *
 * <pre>{@code
 * model = keras.Sequential([keras.Input(shape=(1,)), layers.Dense(1)])
 * model.compile(optimizer="sgd", loss="mse")
 * model.fit(x, y, epochs=500, verbose=0)
 * print(model.predict(np.array([[4.0]])))
 * }</pre>
 */
public final class LinearRegressionKeras {
    private LinearRegressionKeras() {}

    public static void main(String[] args) {
        Device device = ExampleArgs.parse(args).device();   // Device.cpu(), or Device.cuda(0) with --device cuda
        Kona.manualSeed(0);
        Tensor x = Tensor.of(new float[][] {{1}, {2}, {3}});
        Tensor y = Tensor.of(new float[][] {{2}, {4}, {6}});

        var model = new Sequential(new Input(1), new Dense(1));
        model.to(device);
        model.compile("sgd", "mse");
        var history = model.fit(x, y, FitOptions.epochs(500).verbose(0));
        System.out.printf("final loss: %.6f%n", history.last("loss"));

        double prediction = model.predict(Tensor.of(new float[][] {{4}}), 32, 0).item();
        System.out.printf("prediction: %.4f%n", prediction);
    }
}
