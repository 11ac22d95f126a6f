package dev.kona.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kona.Tensor;
import dev.kona.testing.GoldenFile;
import dev.kona.testing.OpInfo.Tol;
import dev.kona.testing.TensorAssert;
import dev.kona.train.schedules.KerasSchedules;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code compile(optimizer by name)} and {@code trainOnBatch} against Keras 3 doing the same:
 * {@code tools/golden_keras_fit.py} froze a small convnet's initial weights, its data, the loss of
 * every step and the weights after the last, for each optimizer name. Kona starts from the same
 * weights, takes the same batches and must land on the same weights. One input channel is tiny, so
 * the weights reading it see gradients near 1e-7, where the placement of epsilon decides the step
 * (Keras adds it before Adam's bias correction; PyTorch's placement missed these weights by up to 4e-3).
 * Two cases add a learning rate schedule, read at the count of steps already applied, as Keras does.
 */
class KerasFitGoldenTest {
    private static final String FILE = "/golden/keras_fit.json";
    private static final Map<String, Object> GOLDEN = GoldenFile.load(FILE);

    static Stream<Arguments> cases() {
        return GoldenFile.cases(FILE);
    }

    @SuppressWarnings("unchecked")
    private static List<Tensor> tensors(Object list) {
        return ((List<Object>) list).stream().map(GoldenFile::tensor).toList();
    }

    @SuppressWarnings("unchecked")
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void trainsAsKerasDoes(String name, Map<String, Object> c) {
        var model = new Sequential(new Input(9, 9, 3), new Conv2D(8, 3, "relu"), new Conv2D(6, 3, "relu"), new MaxPooling2D(2),
                new Flatten(), new Dense(10, "relu"), new Dense(3, "softmax"));
        model.setWeights(tensors(GOLDEN.get("initial_weights")));
        OptimizerSpec optimizer = OptimizerSpec.get((String) c.get("optimizer"));
        if (c.get("schedule") instanceof Map<?, ?> schedule) {
            optimizer = optimizer.withSchedule(KerasSchedules.fromConfig((String) schedule.get("class"),
                    (Map<String, Object>) schedule.get("config")));
        }
        model.compile(optimizer, "sparse_categorical_crossentropy");
        Tensor x = GoldenFile.tensor(GOLDEN.get("x")), y = GoldenFile.tensor(GOLDEN.get("y"));
        int batch = (int) dev.kona.testing.Json.num(GOLDEN.get("batch"));
        double[] losses = GoldenFile.doubles(c.get("losses"));
        for (int s = 0; s < losses.length; s++) {
            int i = (s * batch) % x.size(0);
            double loss = model.trainOnBatch(x.narrow(0, i, batch), y.narrow(0, i, batch)).get("loss");
            assertEquals(losses[s], loss, 1e-5 * Math.max(1, Math.abs(losses[s])), name + ": loss of step " + s);
        }
        List<Object> after = (List<Object>) c.get("weights_after");
        List<Tensor> now = model.getWeights();
        for (int w = 0; w < after.size(); w++) {
            TensorAssert.assertClose(now.get(w), GoldenFile.nd(after.get(w)), new Tol(1e-4, 2e-6), name + ": weight " + w + " after training");
        }
    }
}
