package dev.kona.data;

import java.util.Objects;

/**
 * A dataset's training and test splits, as Keras's {@code (x_train, y_train), (x_test, y_test)}.
 *
 * <pre>{@code
 * TrainTest mnist = Mnist.load();
 * Tensor xTrain = mnist.train().x();   // [60000, 28, 28]
 * Tensor yTest = mnist.test().y();     // [10000] int64
 * }</pre>
 */
public record TrainTest(Example train, Example test) {
    public TrainTest {
        Objects.requireNonNull(train, "TrainTest: train is null");
        Objects.requireNonNull(test, "TrainTest: test is null");
    }
}
