package dev.kona.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.DType;
import dev.kona.Kona;
import dev.kona.Tensor;
import dev.kona.autograd.GradMode;
import dev.kona.testing.TensorAssert;
import dev.kona.testing.TestDevice;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Contracts of the Keras-named conv, pooling, normalisation, embedding, recurrent and attention
 * layers ({@link KerasLayerContract}: shapes, parameter counts as Keras counts them, weights round
 * trip, a training step), their train/eval behaviour, saving whole models through {@code ModelIO},
 * and {@code model.to(device)} on the test device. Values against Keras are in
 * {@link KerasLayersGoldenTest}.
 */
class KerasConvRnnLayersTest {
    @TempDir
    Path dir;

    @Test
    void contracts() {
        KerasLayerContract.check(() -> new Conv2D(4, 3, "relu"), new int[] {2, 7, 6, 3}, new int[] {2, 5, 4, 4}, 3 * 3 * 3 * 4 + 4, dir);
        KerasLayerContract.check(() -> new Conv2D(6, 3, 2, "same", "linear"), new int[] {2, 7, 6, 10}, new int[] {2, 4, 3, 6},
                3 * 3 * 10 * 6 + 6, dir);
        KerasLayerContract.check(() -> new Conv2D(4, new int[] {3}, new int[] {1}, "same", new int[] {1}, 2, "linear", true),
                new int[] {2, 5, 5, 8}, new int[] {2, 5, 5, 4}, 3 * 3 * 4 * 4 + 4, dir);
        KerasLayerContract.check(() -> new Conv1D(5, 3, "tanh"), new int[] {2, 9, 4}, new int[] {2, 7, 5}, 3 * 4 * 5 + 5, dir);
        KerasLayerContract.check(() -> new MaxPooling2D(2), new int[] {2, 6, 5, 3}, new int[] {2, 3, 2, 3}, 0, dir);
        KerasLayerContract.check(() -> new AveragePooling2D(3, 2, "same"), new int[] {2, 6, 5, 3}, new int[] {2, 3, 3, 3}, 0, dir);
        KerasLayerContract.check(GlobalAveragePooling2D::new, new int[] {2, 4, 4, 3}, new int[] {2, 3}, 0, dir);
        KerasLayerContract.check(BatchNormalization::new, new int[] {4, 3, 3, 5}, new int[] {4, 3, 3, 5}, 20, dir);
        KerasLayerContract.check(LayerNormalization::new, new int[] {2, 3, 6}, new int[] {2, 3, 6}, 12, dir);
        KerasLayerContract.check(() -> new SimpleRNN(5, true), new int[] {2, 4, 3}, new int[] {2, 4, 5}, 3 * 5 + 25 + 5, dir);
        KerasLayerContract.check(() -> new LSTM(4), new int[] {2, 5, 3}, new int[] {2, 4}, 4 * (3 * 4 + 16 + 4), dir);
        KerasLayerContract.check(() -> new GRU(4, true, true, true), new int[] {2, 5, 3}, new int[] {2, 5, 4}, 3 * (3 * 4 + 16 + 8), dir);
        KerasLayerContract.check(() -> new MultiHeadAttention(2, 3), new int[] {2, 4, 6}, new int[] {2, 4, 6},
                3 * (6 * 6 + 6) + 6 * 6 + 6, dir);
        KerasLayerContract.checkMany(() -> new MultiHeadAttention(2, 3, 4, 0.0, true), List.of(new int[] {2, 4, 5}, new int[] {2, 6, 7}),
                new int[] {2, 4, 5}, 5 * 6 + 6 + 7 * 6 + 6 + 7 * 8 + 8 + 8 * 5 + 5, dir);
    }

    @Test
    void embeddingLooksUpRowsAndMasksZero() {
        var emb = new Embedding(10, 4, true);
        Tensor idx = Tensor.of(new long[][] {{0, 3, 9}, {1, 0, 2}});
        Tensor y = emb.call(idx);
        assertArrayEquals(new int[] {2, 3, 4}, y.shape());
        TensorAssert.assertBitEqual(emb.embeddings().select(0, 3), y.select(0, 0).select(0, 1), "row 3");
        assertArrayEquals(new boolean[] {false, true, true, true, false, true}, emb.computeMask(idx).reshape(-1).toBooleanArray());
        // float indices (what fit feeds) are cast
        TensorAssert.assertBitEqual(y, emb.call(idx.to(DType.FLOAT32)), "float indices");
        assertEquals(40, emb.countParams());
    }

    @Test
    void batchNormalizationUsesBatchStatisticsOnlyWhileTraining() {
        Kona.manualSeed(3);
        var bn = new BatchNormalization();
        Tensor x = Tensor.randn(16, 4).mul(3).add(5);
        bn.train();
        Tensor y = bn.call(x);
        TensorAssert.assertBitEqual(y.mean(new int[] {0}, false).abs().lt(1e-5), Tensor.ones(new int[] {4}, DType.BOOL), "batch mean 0");
        // moving = 0.99 * moving + 0.01 * batch (biased variance), Keras's convention
        Tensor mean = x.mean(new int[] {0}, false), var = x.var(new int[] {0}, 0, false);
        assertTrue(bn.movingMean().sub(mean.mul(0.01)).abs().max().item() < 1e-5);
        assertTrue(bn.movingVariance().sub(var.mul(0.01).add(0.99)).abs().max().item() < 1e-4);
        bn.eval();
        Tensor moving = bn.movingMean().copy();
        Tensor z = bn.call(x);
        TensorAssert.assertBitEqual(moving, bn.movingMean(), "eval leaves the moving mean");
        Tensor expected = x.sub(bn.movingMean()).div(bn.movingVariance().add(1e-3).sqrt());
        assertTrue(z.sub(expected).abs().max().item() < 1e-4, "eval normalises with the moving statistics");
        // a frozen layer runs in inference mode even while training, as in Keras
        bn.train();
        bn.setTrainable(false);
        TensorAssert.assertBitEqual(z, bn.call(x), "frozen BatchNormalization");
        assertEquals(16, bn.nonTrainableWeights().stream().mapToLong(Tensor::numel).sum(), "frozen: all 16 non-trainable, as Keras");
    }

    @Test
    void dropoutDropsOnlyWhileTraining() {
        Kona.manualSeed(4);
        var d = new Dropout(0.5);
        Tensor x = Tensor.ones(1000);
        d.train();
        Tensor y = d.call(x);
        long zeros = y.eq(0.0).sum().itemLong();
        assertTrue(zeros > 400 && zeros < 600, "about half dropped: " + zeros);
        assertEquals(1000.0, y.sum().item(), 120.0);
        d.eval();
        TensorAssert.assertBitEqual(x, d.call(x), "eval passes through");
    }

    private static Sequential cnn() {
        return new Sequential(new Input(8, 8, 2), new Conv2D(4, 3, "relu"), new BatchNormalization(), new MaxPooling2D(2),
                new Conv2D(3, 3, 1, "same", "relu"), new GlobalAveragePooling2D(), new Dense(3, "softmax"));
    }

    private static Sequential rnn() {
        return new Sequential(new Input(6), new Embedding(12, 5), new Conv1D(4, 3, 1, "same", 1, 1, "relu", true),
                new GRU(6, true), new LSTM(5, true), new SimpleRNN(4), new LayerNormalization(), new Dense(2, "softmax"));
    }

    @Test
    void modelsSaveAndLoadWithTheirLayers() {
        Kona.manualSeed(5);
        for (boolean recurrent : new boolean[] {false, true}) {
            var model = recurrent ? rnn() : cnn();
            Tensor x = recurrent ? Tensor.randint(0, 12, 3, 6).to(DType.FLOAT32) : Tensor.randn(3, 8, 8, 2);
            model.compile("adam", "sparse_categorical_crossentropy", "accuracy");
            model.fit(x, Tensor.randint(0, 2, 3), FitOptions.epochs(2).batchSize(3).verbose(0));
            Path file = dir.resolve("m.kona");
            model.save(file);
            Model back = Model.load(file);
            Tensor expected = model.predict(x, 32, 0), got = back.predict(x, 32, 0);
            TensorAssert.assertBitEqual(expected, got, "loaded model");
        }
    }

    @Test
    void modelsTrainTheSameOnTheTestDevice() {
        for (boolean recurrent : new boolean[] {false, true}) {
            Tensor[] results = new Tensor[2];
            for (int k = 0; k < 2; k++) {
                Kona.manualSeed(6);
                Layer.resetNames();
                var model = recurrent ? rnn() : cnn();
                Tensor x = recurrent ? Tensor.randint(0, 12, 4, 6).to(DType.FLOAT32) : Tensor.randn(4, 8, 8, 2);
                Tensor y = Tensor.randint(0, 2, 4);
                if (k == 1) model.to(TestDevice.DEVICE);
                model.compile("adam", "sparse_categorical_crossentropy");
                model.fit(x, y, FitOptions.epochs(2).batchSize(2).verbose(0).shuffle(false));
                results[k] = model.predict(x, 32, 0).to(dev.kona.Device.cpu());
                if (k == 1) {
                    for (Tensor w : model.stateDict().values()) assertEquals(TestDevice.DEVICE, w.device());
                }
            }
            TensorAssert.assertBitEqual(results[0], results[1], (recurrent ? "rnn" : "cnn") + " on the test device");
        }
    }

    /**
     * The channels-last path (fewer than 8 input channels) against {@code F.conv2d}/{@code F.conv1d}
     * on permuted tensors with the kernel transposed to PyTorch's layout: outputs and the gradients
     * of the input, the kernel and the bias.
     */
    @Test
    void channelsLastConvolutionMatchesTheFunctional() {
        Kona.manualSeed(8);
        for (String padding : List.of("valid", "same")) {
            for (int stride : new int[] {1, 2}) {
                var conv = new Conv2D(5, new int[] {3, 2}, new int[] {stride}, padding, new int[] {1}, 1, "linear", true);
                Tensor x = Tensor.randn(2, 7, 6, 3).requiresGrad(true);
                Tensor y = conv.call(x);
                Tensor g = Tensor.randn(y.shape());
                y.mul(g).sum().backward();
                Tensor x2 = x.detach().copy().requiresGrad(true);
                Tensor k2 = conv.kernel().detach().copy().requiresGrad(true), b2 = conv.bias().detach().copy().requiresGrad(true);
                Tensor y2 = dev.kona.nn.F.conv2d(x2.permute(0, 3, 1, 2), k2.permute(3, 2, 0, 1), b2, new int[] {stride}, padding,
                        new int[] {1}, 1).permute(0, 2, 3, 1);
                y2.mul(g).sum().backward();
                String w = padding + " stride " + stride;
                assertTrue(y.sub(y2).abs().max().item() < 1e-5, w + ": output");
                assertTrue(x.grad().sub(x2.grad()).abs().max().item() < 1e-4, w + ": input gradient");
                assertTrue(conv.kernel().grad().sub(k2.grad()).abs().max().item() < 1e-4, w + ": kernel gradient");
                assertTrue(conv.bias().grad().sub(b2.grad()).abs().max().item() < 1e-4, w + ": bias gradient");
            }
        }
        var c1 = new Conv1D(4, 3, 2, "same", 1, 1, "linear", false);
        Tensor x = Tensor.randn(2, 9, 3);
        Tensor got = c1.call(x);
        Tensor expected = dev.kona.nn.F.conv1d(x.permute(0, 2, 1), c1.kernel().permute(2, 1, 0), null, 2, "same", 1, 1).permute(0, 2, 1);
        assertTrue(got.sub(expected).abs().max().item() < 1e-5, "conv1d");
    }

    /**
     * With 8 or more input channels a conv layer runs channels first and applies an elementwise
     * activation before permuting back; the softmaxes, which act along the channels-last axis,
     * after. Either way the layer equals its linear output with the activation applied.
     */
    @Test
    void activationsOfChannelsFirstConvolutionsActOnTheChannelsLastResult() {
        for (String activation : List.of("relu", "tanh", "softmax", "log_softmax")) {
            for (int rank : new int[] {1, 2}) {
                Kona.manualSeed(21);
                ConvLayer conv = rank == 2 ? new Conv2D(6, 3, activation) : new Conv1D(6, 3, activation);
                Tensor x = (rank == 2 ? Tensor.randn(2, 6, 5, 9) : Tensor.randn(2, 7, 9)).requiresGrad(true);
                Tensor y = conv.call(x);
                Tensor g = Tensor.randn(y.shape());
                y.mul(g).sum().backward();
                Tensor x2 = x.detach().copy().requiresGrad(true);
                Tensor k2 = conv.kernel().detach().copy().requiresGrad(true), b2 = conv.bias().detach().copy().requiresGrad(true);
                Tensor linear = rank == 2
                        ? dev.kona.nn.F.conv2d(x2.permute(0, 3, 1, 2), k2.permute(3, 2, 0, 1), b2, new int[] {1}, "valid",
                                new int[] {1}, 1).permute(0, 2, 3, 1)
                        : dev.kona.nn.F.conv1d(x2.permute(0, 2, 1), k2.permute(2, 1, 0), b2, 1, "valid", 1, 1).permute(0, 2, 1);
                Tensor y2 = Activations.get(activation).apply(linear);
                y2.mul(g).sum().backward();
                String w = activation + " conv" + rank + "d";
                assertTrue(y.sub(y2).abs().max().item() < 1e-5, w + ": output");
                assertTrue(x.grad().sub(x2.grad()).abs().max().item() < 1e-4, w + ": input gradient");
                assertTrue(conv.kernel().grad().sub(k2.grad()).abs().max().item() < 1e-4, w + ": kernel gradient");
                assertTrue(conv.bias().grad().sub(b2.grad()).abs().max().item() < 1e-4, w + ": bias gradient");
            }
        }
    }

    @Test
    void badArgumentsAreNamed() {
        assertThrows(IllegalArgumentException.class, () -> new Conv2D(4, 3, 1, "full", "relu"));
        var e = assertThrows(IllegalArgumentException.class, () -> new Conv2D(4, 3).call(Tensor.zeros(2, 5, 5)));
        assertTrue(e.getMessage().contains("conv2d"), e.getMessage());
        assertFalse(new MaxPooling2D(2).getConfig().isEmpty());
    }
}
