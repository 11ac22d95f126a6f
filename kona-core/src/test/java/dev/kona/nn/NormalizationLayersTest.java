package dev.kona.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.DType;
import dev.kona.Generator;
import dev.kona.Tensor;
import dev.kona.autograd.GradCheck;
import dev.kona.testing.TensorAssert;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * LayerNorm, BatchNorm1d/2d, GroupNorm, Embedding and the positional embeddings: the layer
 * contract, their state-dict keys (PyTorch's), running statistics, the padding row, the test
 * device, and error messages. Values against PyTorch are in {@link GoldenAttnTest}.
 */
class NormalizationLayersTest {

    private static Arguments layer(String name, Supplier<? extends Module> factory, int[] in, int[] out, long params) {
        return Arguments.of(name, factory, in, out, params);
    }

    private static int[] s(int... shape) {
        return shape;
    }

    static Stream<Arguments> layers() {
        return Stream.of(
                layer("LayerNorm", () -> new LayerNorm(6), s(3, 4, 6), s(3, 4, 6), 12),
                layer("LayerNorm over two dims", () -> new LayerNorm(new int[] {2, 3}, 1e-5, true, true), s(4, 2, 3), s(4, 2, 3), 12),
                layer("LayerNorm without bias", () -> new LayerNorm(new int[] {5}, 1e-5, true, false), s(3, 5), s(3, 5), 5),
                layer("LayerNorm without affine", () -> new LayerNorm(new int[] {5}, 1e-5, false, true), s(3, 5), s(3, 5), 0),
                layer("BatchNorm1d [N, C]", () -> new BatchNorm1d(4), s(6, 4), s(6, 4), 8),
                layer("BatchNorm1d [N, C, L]", () -> new BatchNorm1d(3), s(2, 3, 5), s(2, 3, 5), 6),
                layer("BatchNorm1d without running stats", () -> new BatchNorm1d(3, 1e-5, 0.1, true, false), s(5, 3), s(5, 3), 6),
                layer("BatchNorm2d", () -> new BatchNorm2d(3), s(2, 3, 3, 2), s(2, 3, 3, 2), 6),
                layer("GroupNorm", () -> new GroupNorm(2, 4), s(2, 4, 3), s(2, 4, 3), 8),
                layer("GroupNorm 4-D", () -> new GroupNorm(3, 6), s(2, 6, 2, 2), s(2, 6, 2, 2), 12),
                layer("SinusoidalPositionalEncoding", () -> new SinusoidalPositionalEncoding(6, 10, 0.1, true), s(2, 4, 6), s(2, 4, 6),
                        0),
                layer("LearnedPositionalEmbedding", () -> new LearnedPositionalEmbedding(10, 6, false, null), s(4, 2, 6), s(4, 2, 6), 60));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void layerContract(String name, Supplier<? extends Module> factory, int[] in, int[] out, long params) {
        LayerContract.check(factory, in, out, params);
    }

    // ---------------------------------------------------------------- BatchNorm

    @Test
    void batchNormStateDictHasPyTorchsKeys() {
        assertEquals(List.of("weight", "bias", "running_mean", "running_var", "num_batches_tracked"),
                List.copyOf(new BatchNorm2d(3).stateDict().keySet()));
        assertEquals(List.of("weight", "bias"), List.copyOf(new BatchNorm1d(3, 1e-5, 0.1, true, false).stateDict().keySet()));
        assertEquals(List.of("running_mean", "running_var", "num_batches_tracked"),
                List.copyOf(new BatchNorm1d(3, 1e-5, 0.1, false, true).stateDict().keySet()));
        assertEquals(DType.INT64, new BatchNorm1d(2).numBatchesTracked().dtype());
    }

    @Test
    void runningStatisticsFollowPyTorchsUpdate() {
        var bn = new BatchNorm1d(2, 1e-5, 0.25, true, true);
        Tensor x = Tensor.of(new float[][] {{1, 10}, {3, 20}, {8, 60}});
        bn.call(x);
        // mean [4, 30]; unbiased variance [13, 700]
        assertArrayEquals(new float[] {0.75f * 0 + 0.25f * 4, 0.25f * 30}, bn.runningMean().toFloatArray(), 1e-5f);
        assertArrayEquals(new float[] {0.75f + 0.25f * 13, 0.75f + 0.25f * 700}, bn.runningVar().toFloatArray(), 1e-3f);
        assertEquals(1, bn.numBatchesTracked().itemLong());
        bn.eval();
        Tensor before = bn.runningMean().copy();
        Tensor y = bn.call(x);
        TensorAssert.assertBitEqual(before, bn.runningMean(), "evaluation leaves the running mean alone");
        assertEquals(1, bn.numBatchesTracked().itemLong(), "evaluation does not count batches");
        // Evaluation normalises with the running statistics.
        float[] rm = bn.runningMean().toFloatArray(), rv = bn.runningVar().toFloatArray();
        assertEquals((1 - rm[0]) / Math.sqrt(rv[0] + 1e-5), y.toFloatArray()[0], 1e-5);
    }

    @Test
    void nullMomentumIsACumulativeAverage() {
        var bn = new BatchNorm1d(1, 1e-5, null, false, true);
        float[] means = {2, -4, 11};
        for (float m : means) bn.call(Tensor.of(new float[][] {{m - 1}, {m + 1}}));
        assertEquals((2 - 4 + 11) / 3f, bn.runningMean().item(), 1e-5);
        assertEquals(3, bn.numBatchesTracked().itemLong());
        bn.resetRunningStats();
        assertEquals(0, bn.numBatchesTracked().itemLong());
        assertEquals(1f, bn.runningVar().toFloatArray()[0]);
    }

    @Test
    void batchNormErrorsNameTheLayerAndShape() {
        var e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(3).call(Tensor.zeros(2, 3, 4)));
        assertTrue(e.getMessage().contains("BatchNorm2d(3): expected a 4-D input with 3 channels") && e.getMessage().contains("[2, 3, 4]"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm1d(4).call(Tensor.zeros(1, 4)));
        assertTrue(e.getMessage().contains("more than 1 value per channel"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm1d(4, 1e-5, 1.5, true, true));
        assertTrue(e.getMessage().contains("momentum must be in [0, 1]"), e.getMessage());
    }

    // ---------------------------------------------------------------- LayerNorm and GroupNorm

    @Test
    void layerNormUsesTheBiasedVariance() {
        Tensor y = new LayerNorm(new int[] {4}, 1e-12, false, false).call(Tensor.of(1f, 2f, 3f, 4f));
        // mean 2.5, biased variance 1.25
        assertArrayEquals(new float[] {(float) (-1.5 / Math.sqrt(1.25)), (float) (-0.5 / Math.sqrt(1.25)),
                (float) (0.5 / Math.sqrt(1.25)), (float) (1.5 / Math.sqrt(1.25))}, y.toFloatArray(), 1e-6f);
    }

    @Test
    void normalizationErrors() {
        var e = assertThrows(IllegalArgumentException.class, () -> new LayerNorm(8).call(Tensor.zeros(2, 6)));
        assertTrue(e.getMessage().contains("LayerNorm((8)") && e.getMessage().contains("trailing shape [8]")
                && e.getMessage().contains("[2, 6]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new GroupNorm(4, 10));
        assertEquals("GroupNorm: numChannels 10 is not divisible by numGroups 4", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new GroupNorm(2, 4).call(Tensor.zeros(2, 6, 3)));
        assertTrue(e.getMessage().contains("expected input [N, 4, *]") && e.getMessage().contains("[2, 6, 3]"), e.getMessage());
    }

    // ---------------------------------------------------------------- Embedding

    @Test
    void embeddingLooksUpRowsAndKeepsThePaddingRowOutOfTraining() {
        var emb = new Embedding(5, 3, 0, null, 2.0, new Generator(1));
        assertArrayEquals(new float[3], emb.weight().select(0, 0).toFloatArray(), "the padding row starts at zero");
        Tensor ids = Tensor.of(new long[][] {{1, 0, 4}, {4, 4, 0}});
        Tensor y = emb.call(ids);
        assertArrayEquals(new int[] {2, 3, 3}, y.shape());
        TensorAssert.assertBitEqual(emb.weight().select(0, 4), y.select(0, 1).select(0, 0), "row 4");
        y.square().sum().backward();
        Tensor g = emb.weight().grad();
        assertArrayEquals(new float[3], g.select(0, 0).toFloatArray(), "no gradient reaches the padding row");
        assertArrayEquals(new float[3], g.select(0, 2).toFloatArray(), "unused rows get zero");
        // Row 4 appears three times: its gradient is 3 * 2 * row.
        float[] row4 = emb.weight().select(0, 4).toFloatArray(), g4 = g.select(0, 4).toFloatArray();
        for (int j = 0; j < 3; j++) assertEquals(6 * row4[j], g4[j], 1e-5);
    }

    @Test
    void aNonZeroPaddingRowIsReadButNotTrained() {
        Tensor table = Tensor.of(new float[][] {{1, 2}, {3, 4}, {5, 6}});
        var emb = Embedding.fromPretrained(table, false, 2);
        assertTrue(emb.weight().requiresGrad());
        Tensor y = emb.call(Tensor.of(2L, 1L));
        assertArrayEquals(new float[] {5, 6, 3, 4}, y.toFloatArray());
        y.sum().backward();
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0}, emb.weight().grad().toFloatArray());
        assertFalse(Embedding.fromPretrained(table, true, null).weight().requiresGrad(), "frozen");
    }

    @Test
    void maxNormRescalesTheRowsLookedUp() {
        var emb = Embedding.fromPretrained(Tensor.of(new float[][] {{3, 4}, {0.3f, 0.4f}, {6, 8}}), false, null);
        var limited = new Embedding(3, 2, null, 1.0, 2.0, null);
        limited.loadStateDict(emb.stateDict());
        Tensor y = limited.call(Tensor.of(0L, 1L));
        assertArrayEquals(new float[] {0.6f, 0.8f, 0.3f, 0.4f}, y.toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {0.6f, 0.8f}, limited.weight().select(0, 0).toFloatArray(), 1e-6f, "rescaled in place");
        assertArrayEquals(new float[] {6, 8}, limited.weight().select(0, 2).toFloatArray(), "rows not looked up are left alone");
    }

    @Test
    void embeddingGradCheckAndErrors() {
        Tensor ids = Tensor.of(new long[][] {{2, 0}, {2, 3}});
        GradCheck.check(in -> Embeddings.embedding(ids, in.get(0)).tanh(), List.of(Tensor.randn(new Generator(3), 4, 3)));
        assertEquals(List.of("weight"), List.copyOf(new Embedding(4, 2).stateDict().keySet()));
        var e = assertThrows(IllegalArgumentException.class, () -> new Embedding(4, 2, 4, null, 2.0, null));
        assertTrue(e.getMessage().contains("Embedding: paddingIdx 4 is out of range for 4 embeddings"), e.getMessage());
        var oob = assertThrows(IndexOutOfBoundsException.class, () -> new Embedding(4, 2).call(Tensor.of(5L)));
        assertTrue(oob.getMessage().contains("embedding: an index is out of range for 4 embeddings"), oob.getMessage());
        assertEquals(new Embedding(4, 2, -1, null, 2.0, null).paddingIdx(), 3);
    }

    // ---------------------------------------------------------------- positional embeddings

    @Test
    void sinusoidalTableFollowsTheFormula() {
        Tensor pe = Embeddings.sinusoidal(5, 6, DType.FLOAT64, dev.kona.Device.CPU);
        assertArrayEquals(new double[] {0, 1, 0, 1, 0, 1}, pe.select(0, 0).toDoubleArray(), 0);
        double[] row3 = pe.select(0, 3).toDoubleArray();
        for (int i = 0; i < 6; i += 2) {
            double angle = 3 / Math.pow(10000, (double) i / 6);
            assertEquals(Math.sin(angle), row3[i], 1e-12);
            assertEquals(Math.cos(angle), row3[i + 1], 1e-12);
        }
        var enc = new SinusoidalPositionalEncoding(6, 5, 0.0, false);
        Tensor x = Tensor.zeros(4, 2, 6);   // [L, N, E]
        Tensor y = enc.call(x);
        TensorAssert.assertBitEqual(pe.narrow(0, 0, 4).to(DType.FLOAT32), y.select(1, 1), "sequence-first: added per position");
        assertTrue(enc.stateDict().isEmpty(), "the table is not state");
        var e = assertThrows(IllegalArgumentException.class, () -> enc.call(Tensor.zeros(6, 1, 6)));
        assertTrue(e.getMessage().contains("sequence length 6 exceeds maxLen 5"), e.getMessage());
        Tensor odd = Embeddings.sinusoidal(3, 5, DType.FLOAT32, dev.kona.Device.CPU);
        assertArrayEquals(new int[] {3, 5}, odd.shape(), "an odd dModel ends with a sine column");
    }

    // ---------------------------------------------------------------- the test device

    static Stream<Arguments> deviceLayers() {
        return Stream.of(
                Arguments.of("LayerNorm", (Supplier<Module>) () -> new LayerNorm(6), s(3, 4, 6)),
                Arguments.of("BatchNorm1d", (Supplier<Module>) () -> new BatchNorm1d(4), s(5, 4)),
                Arguments.of("BatchNorm2d cumulative", (Supplier<Module>) () -> new BatchNorm2d(3, 1e-5, null, true, true), s(2, 3, 2, 2)),
                Arguments.of("GroupNorm", (Supplier<Module>) () -> new GroupNorm(2, 4), s(2, 4, 3)),
                Arguments.of("SinusoidalPositionalEncoding", (Supplier<Module>) () -> new SinusoidalPositionalEncoding(6, 8, 0.2, true),
                        s(2, 3, 6)),
                Arguments.of("LearnedPositionalEmbedding", (Supplier<Module>) () -> new LearnedPositionalEmbedding(8, 6), s(3, 2, 6)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deviceLayers")
    void sameResultsOnTheTestDevice(String name, Supplier<Module> factory, int[] in) {
        DeviceCheck.sameOnDevice(factory, m -> m.call(Tensor.randn(new Generator(5), in).to(m.device())), 2);
    }

    @Test
    void embeddingOnTheTestDevice() {
        Supplier<Module> factory = () -> new Embedding(6, 3, 1, null, 2.0, new Generator(2));
        Tensor ids = Tensor.of(new long[][] {{1, 5, 2}, {0, 1, 5}});
        DeviceCheck.sameOnDevice(factory, m -> m.call(ids.to(m.device())), 1);
    }
}
