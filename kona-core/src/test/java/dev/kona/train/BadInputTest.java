package dev.kona.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.Kona;
import dev.kona.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Each mistake fails before training starts, with a message naming the layer or argument and the values. */
class BadInputTest {

    @BeforeEach
    void fresh() {
        Layer.resetNames();
        Kona.manualSeed(1);
    }

    private static String message(Executable e) {
        return assertThrows(RuntimeException.class, e).getMessage();
    }

    private static Sequential classifier() {
        var model = new Sequential(new Input(4), new Dense(8, "relu"), new Dense(3, "softmax"));
        model.compile("adam", "sparse_categorical_crossentropy", "accuracy");
        return model;
    }

    @Test
    void xAndYOfDifferentLengths() {
        String m = message(() -> classifier().fit(Tensor.randn(10, 4), Tensor.randint(0, 3, 9), FitOptions.epochs(1).verbose(0)));
        assertEquals("fit: x has 10 samples but y has 9 (shapes [10, 4] and [9]); dimension 0 must match", m);
    }

    @Test
    void labelsOutsideTheClasses() {
        Tensor y = Tensor.of(0L, 1L, 2L, 1L, 7L, 0L);
        String m = message(() -> classifier().fit(Tensor.randn(6, 4), y, FitOptions.epochs(1).verbose(0)));
        assertEquals("labels must be in [0, 3) for the 3 outputs of layer 'dense_1', but y[4] = 7", m);
        m = message(() -> classifier().fit(Tensor.randn(2, 4), Tensor.of(-1L, 0L), FitOptions.epochs(1).verbose(0)));
        assertTrue(m.endsWith("but y[0] = -1"), m);
    }

    @Test
    void inputsThatDoNotFitTheFirstLayer() {
        var images = new Sequential(new Input(28, 28), new Flatten(), new Dense(10, "softmax"));
        images.compile("adam", "sparse_categorical_crossentropy");
        String m = message(() -> images.fit(Tensor.randn(5, 784), Tensor.randint(0, 10, 5), FitOptions.epochs(1).verbose(0)));
        assertEquals("Input 'input_layer' expects data of shape (None, 28, 28) (samples of [28, 28]), got [5, 784]", m);

        var lazy = new Sequential(new Dense(3), new Dense(1));
        lazy.compile("sgd", "mse");
        lazy.fit(Tensor.randn(4, 5), Tensor.randn(4, 1), FitOptions.epochs(1).verbose(0));
        m = message(() -> lazy.fit(Tensor.randn(4, 6), Tensor.randn(4, 1), FitOptions.epochs(1).verbose(0)));
        String first = lazy.layers().getFirst().name();
        assertEquals("Dense '" + first + "': expected input with last dimension 5 (the layer was built for (None, 5)), got shape "
                + "(None, 6)", m);
        m = message(() -> lazy.predict(Tensor.randn(2, 6)));
        assertTrue(m.startsWith("Dense '" + first + "': expected input with last dimension 5"), m);
    }

    @Test
    void aLossThatDoesNotFitTheOutput() {
        Tensor x = Tensor.randn(6, 4);
        String m = message(() -> classifier().fit(x, Tensor.randint(0, 3, 6).oneHot(3).to(dev.kona.DType.FLOAT32),
                FitOptions.epochs(1).verbose(0)));
        assertEquals("loss 'sparse_categorical_crossentropy' does not fit: the output of layer 'dense_1' is (None, 3) and y has "
                + "shape [6, 3] (float32); y must hold one integer class label per sample; for one-hot targets use "
                + "categorical_crossentropy", m);

        var regression = new Sequential(new Input(4), new Dense(1));
        regression.compile("sgd", "mse");
        m = message(() -> regression.fit(x, Tensor.randn(6, 2), FitOptions.epochs(1).verbose(0)));
        assertTrue(m.startsWith("loss 'mean_squared_error' does not fit: the output of layer 'dense_2' is (None, 1) and y has "
                + "shape [6, 2]"), m);

        var binary = new Sequential(new Input(4), new Dense(1, "sigmoid"));
        binary.compile("sgd", "sparse_categorical_crossentropy");
        m = message(() -> binary.fit(x, Tensor.randint(0, 2, 6), FitOptions.epochs(1).verbose(0)));
        assertTrue(m.contains("the output needs one value per class (at least 2); for two classes with one sigmoid output use "
                + "binary_crossentropy"), m);

        var categorical = classifier();
        categorical.compile("adam", "categorical_crossentropy");
        m = message(() -> categorical.fit(x, Tensor.randint(0, 3, 6), FitOptions.epochs(1).verbose(0)));
        assertTrue(m.endsWith("y must be one-hot, shaped as the output; for integer labels use sparse_categorical_crossentropy"), m);
    }

    @Test
    void aNaNLossNamesTheEpochAndBatch() {
        var model = new Sequential(new Input(2), new Dense(1));
        model.compile("sgd", "mse");
        Tensor x = Tensor.randn(40, 2);
        x.narrow(0, 25, 1).fill(Double.POSITIVE_INFINITY);
        String m = message(() -> model.fit(x, Tensor.randn(40, 1), FitOptions.epochs(2).batchSize(10).shuffle(false).verbose(0)));
        assertTrue(m.startsWith("fit: the loss is nan at epoch 1, batch 2 (the step was not applied)")
                || m.startsWith("fit: the loss is inf at epoch 1, batch 2 (the step was not applied)"), m);
        assertTrue(m.contains("add a TerminateOnNaN callback"), m);
        assertTrue(Double.isFinite(((Dense) model.layers().getFirst()).kernel().sum().item()));
    }

    @Test
    void wrongArguments() {
        var model = classifier();
        Tensor x = Tensor.randn(5, 4), y = Tensor.randint(0, 3, 5);
        assertEquals("fit: validationSplit must be in [0, 1), got 1.5", message(() -> FitOptions.epochs(1).validationSplit(1.5)));
        assertEquals("fit: batchSize must be positive, got 0", message(() -> FitOptions.epochs(1).batchSize(0)));
        assertEquals("fit: 3 samples are not enough to split with validationSplit=0.7 (the split would leave 0 for training and 3 "
                + "for validation)", message(() -> model.fit(x.narrow(0, 0, 3), y.narrow(0, 0, 3),
                FitOptions.epochs(1).validationSplit(0.7).verbose(0))));
        String m = message(() -> new Sequential(new Input(4), new Dense(2)).fit(x, y));
        assertTrue(m.contains("must be compiled before training or evaluating: call compile(...)"), m);
        m = message(() -> model.fit(java.util.List.of(x, x), java.util.List.of(y), FitOptions.epochs(1)));
        assertEquals("model '" + model.name() + "' has 1 inputs, got 2 x tensors", m);
        m = message(() -> new Dense(0));
        assertEquals("Dense: units must be positive, got 0", m);
        m = message(() -> new Dropout(1.0));
        assertEquals("Dropout: rate must be in [0, 1), got 1.0", m);
        m = message(() -> new Sequential(new Dense(2).named("same"), new Dense(3).named("same")));
        assertTrue(m.contains("already has a layer named 'same'"), m);
        m = message(() -> new Model(Input.of(3), new Dense(1).apply(Input.of(3))));
        assertTrue(m.startsWith("Model: graph disconnected: the outputs depend on <KerasTensor shape=(None, 3), from input_layer_"), m);
    }
}
