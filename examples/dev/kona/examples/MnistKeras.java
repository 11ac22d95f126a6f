package dev.kona.examples;

import dev.kona.DType;
import dev.kona.Device;
import dev.kona.Kona;
import dev.kona.Tensor;
import dev.kona.data.Mnist;
import dev.kona.data.TrainTest;
import dev.kona.train.Dense;
import dev.kona.train.Dropout;
import dev.kona.train.FitOptions;
import dev.kona.train.Flatten;
import dev.kona.train.Input;
import dev.kona.train.Sequential;

/**
 * Seed 002's Keras program in Java: an MLP on MNIST, trained with {@code fit}.
 * Run: {@code ./kona example mnist [--device cuda]}. The last line is the test accuracy (about 0.977).
 * On another device the model's weights live there and {@code fit} moves each batch to it.
 *
 * <pre>{@code
 * (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
 * x_train, x_test = x_train / 255.0, x_test / 255.0
 * model = keras.Sequential([keras.Input((28, 28)), layers.Flatten(), layers.Dense(128, activation="relu"),
 *                           layers.Dropout(0.2), layers.Dense(10, activation="softmax")])
 * model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
 * model.fit(x_train, y_train, epochs=5, batch_size=32)
 * model.evaluate(x_test, y_test)
 * }</pre>
 */
public final class MnistKeras {
    private MnistKeras() {}

    public static void main(String[] args) {
        Device device = ExampleArgs.parse(args).device();   // Device.cpu(), or Device.cuda(0) with --device cuda
        Kona.manualSeed(42);
        TrainTest mnist = Mnist.load();
        Tensor xTrain = mnist.train().x().to(DType.FLOAT32).div(255);   // [60000, 28, 28] in [0, 1]
        Tensor yTrain = mnist.train().y();                              // [60000] int64 labels
        Tensor xTest = mnist.test().x().to(DType.FLOAT32).div(255);
        Tensor yTest = mnist.test().y();

        var model = new Sequential(
                new Input(28, 28),
                new Flatten(),
                new Dense(128, "relu"),
                new Dropout(0.2),
                new Dense(10, "softmax"));
        model.to(device);
        model.compile("adam", "sparse_categorical_crossentropy", "accuracy");
        model.summary();

        model.fit(xTrain, yTrain, FitOptions.epochs(5).batchSize(32));
        double accuracy = model.evaluate(xTest, yTest).get("accuracy");
        System.out.printf("test accuracy: %.4f%n", accuracy);
    }
}
