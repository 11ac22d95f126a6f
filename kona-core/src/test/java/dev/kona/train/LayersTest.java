package dev.kona.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.Kona;
import dev.kona.Tensor;
import dev.kona.nn.Linear;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayersTest {

    @TempDir
    Path dir;

    @BeforeEach
    void freshNames() {
        Layer.resetNames();
    }

    @Test
    void dense() {
        KerasLayerContract.check(() -> new Dense(5, "tanh"), new int[] {4, 3}, new int[] {4, 5}, 3 * 5 + 5, dir);
        KerasLayerContract.check(() -> new Dense(2, "linear", false), new int[] {2, 6, 3}, new int[] {2, 6, 2}, 6, dir);
    }

    @Test
    void denseIsInitialisedAsKeras() {
        Kona.manualSeed(0);
        var d = new Dense(128, "relu");
        d.ensureBuilt(-1, 784);
        assertArrayEquals(new int[] {784, 128}, d.kernel().shape(), "kernel is [inputs, units]");
        double limit = Math.sqrt(6.0 / (784 + 128));
        double max = d.kernel().abs().max().item();
        assertTrue(max <= limit && max > 0.95 * limit, "glorot_uniform bound " + limit + ", max |w| " + max);
        assertEquals(0, d.bias().abs().max().item(), "zero bias");
    }

    @Test
    void flattenDropoutActivationReshape() {
        KerasLayerContract.check(Flatten::new, new int[] {3, 2, 4}, new int[] {3, 8}, 0, dir);
        KerasLayerContract.check(() -> new Dropout(0.5), new int[] {4, 6}, new int[] {4, 6}, 0, dir);
        KerasLayerContract.check(() -> new Activation("softmax"), new int[] {2, 5}, new int[] {2, 5}, 0, dir);
        KerasLayerContract.check(() -> new Reshape(2, -1), new int[] {3, 8}, new int[] {3, 2, 4}, 0, dir);
    }

    @Test
    void mergeLayers() {
        KerasLayerContract.checkMany(Concatenate::new, List.of(new int[] {2, 3}, new int[] {2, 4}), new int[] {2, 7}, 0, dir);
        KerasLayerContract.checkMany(Add::new, List.of(new int[] {2, 3}, new int[] {2, 3}), new int[] {2, 3}, 0, dir);
    }

    @Test
    void anyNnModuleCanBeWrapped() {
        KerasLayerContract.check(() -> new ModuleWrapper(new Linear(3, 2)), new int[] {5, 3}, new int[] {5, 2}, 8, dir);
    }

    @Test
    void dropoutDropsOnlyWhileTraining() {
        Kona.manualSeed(1);
        var drop = new Dropout(0.5);
        Tensor x = Tensor.ones(1000);
        Tensor trained = drop.call(x.reshape(10, 100));
        double zeros = trained.eq(0.0).sum().item();
        assertTrue(zeros > 400 && zeros < 600, "about half dropped: " + zeros);
        assertEquals(2.0, trained.max().item(), "kept values are scaled by 1 / (1 - rate)");
        drop.eval();
        assertEquals(1000.0, drop.call(x.reshape(10, 100)).sum().item());
    }

    @Test
    void activationsByNameAndUnknownNames() {
        Tensor x = Tensor.of(-1f, 0f, 2f);
        assertArrayEquals(new float[] {0, 0, 2}, Activations.get("relu").apply(x).toFloatArray());
        assertArrayEquals(new float[] {-0.2f, 0, 2}, Activations.get("leaky_relu").apply(x).toFloatArray(), 1e-6f);
        assertArrayEquals(x.silu().toFloatArray(), Activations.get("swish").apply(x).toFloatArray());
        assertEquals(Activations.LINEAR, Activations.get(null));
        float selu = Activations.get("selu").apply(Tensor.of(-1f)).toFloatArray()[0];
        assertEquals(1.0507009873554805 * 1.6732632423543772 * (Math.exp(-1) - 1), selu, 1e-6);
        var e = assertThrows(IllegalArgumentException.class, () -> new Dense(3, "rellu"));
        assertTrue(e.getMessage().contains("unknown activation 'rellu'; known activations: linear, relu, sigmoid, softmax"),
                e.getMessage());
    }

    @Test
    void namesFollowKerasNumbering() {
        assertEquals("dense", new Dense(1).name());
        assertEquals("dense_1", new Dense(1).name());
        assertEquals("input_layer", new Input(3).name());
        assertEquals("module_wrapper", new ModuleWrapper(new Linear(1, 1)).name());
        assertEquals("out", new Dense(2).named("out").name());
        var built = new Dense(2);
        built.ensureBuilt(-1, 4);
        assertThrows(IllegalStateException.class, () -> built.named("late"));
    }

    @Test
    void frozenLayersAreNotTrainable() {
        var d = new Dense(3);
        d.setTrainable(false);
        d.ensureBuilt(-1, 2);
        assertTrue(d.trainableWeights().isEmpty());
        assertEquals(2, d.nonTrainableWeights().size());
        assertEquals(9, d.countParams());
    }
}
