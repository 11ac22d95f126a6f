package dev.kona.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.DType;
import dev.kona.Generator;
import dev.kona.Kona;
import dev.kona.Tensor;
import dev.kona.testing.TensorAssert;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * MultiheadAttention, the Transformer layers, stacks and model: the layer contract (with the
 * second inputs and masks bound as parameters, so that the finite-difference check covers the
 * gradients of the memory and key inputs too), PyTorch's state-dict keys, masks, fully masked
 * rows, train/eval, the test device, and error messages. Values against PyTorch are in
 * {@link GoldenAttnTest}.
 */
class AttentionLayersTest {

    private static int[] s(int... shape) {
        return shape;
    }

    /**
     * A module whose forward calls {@code inner} with extra tensors registered as parameters
     * ({@code extra0}, {@code extra1}...), so that {@link LayerContract} and functionalCall treat
     * them as inputs to differentiate.
     */
    static final class Bound extends Module {
        interface Call {
            Tensor apply(Module inner, Tensor x, List<Tensor> extra);
        }

        private final Module inner;
        private final int count;
        private final Call call;

        Bound(Module inner, Call call, int[]... extraShapes) {
            this.inner = registerModule("inner", inner);
            this.call = call;
            this.count = extraShapes.length;
            var g = new Generator(17);
            for (int i = 0; i < extraShapes.length; i++) registerParameter("extra" + i, Tensor.randn(g, extraShapes[i]));
        }

        @Override
        public Tensor forward(Tensor input) {
            var extra = new java.util.ArrayList<Tensor>();
            for (int i = 0; i < count; i++) extra.add(param("extra" + i));
            return call.apply(inner, input, extra);
        }
    }

    private static final Tensor PADDING = Tensor.of(new boolean[][] {{false, false, false, true}, {false, true, true, true}});

    private static Arguments layer(String name, Supplier<? extends Module> factory, int[] in, int[] out, long params) {
        return Arguments.of(name, factory, in, out, params);
    }

    static Stream<Arguments> layers() {
        long mha8 = 3 * 8 * 8 + 3 * 8 + 8 * 8 + 8;
        long enc8 = mha8 + (8 * 12 + 12) + (12 * 8 + 8) + 2 * 16;
        long dec8 = 2 * mha8 + (8 * 12 + 12) + (12 * 8 + 8) + 3 * 16;
        return Stream.of(
                layer("MHA self-attention, sequence first", () -> new MultiheadAttention(8, 2), s(5, 2, 8), s(5, 2, 8), mha8),
                layer("MHA self-attention, batch first, no bias",
                        () -> new MultiheadAttention(8, 4, 0.2, false, null, null, true), s(2, 5, 8), s(2, 5, 8), 4 * 64),
                layer("MHA cross-attention with key padding and causal masks", () -> new Bound(
                        new MultiheadAttention(8, 2, 0.0, true, 3, 5, true),
                        (m, x, e) -> ((MultiheadAttention) m).call(x, e.get(0), e.get(1), PADDING, true, null, true, true).output(),
                        s(2, 4, 3), s(2, 4, 5)), s(2, 4, 8), s(2, 4, 8), 8 * 8 + 8 * 3 + 8 * 5 + 24 + 72 + 24 + 40),
                layer("MHA unbatched with a float mask", () -> new Bound(new MultiheadAttention(6, 3),
                        (m, x, e) -> ((MultiheadAttention) m).call(x, x, x, null, false, e.get(0), true, false).output(),
                        s(3, 3)), s(3, 6), s(3, 6), 3 * 36 + 18 + 36 + 6 + 9),
                layer("TransformerEncoderLayer post-norm", () -> new TransformerEncoderLayer(8, 2, 12, 0.1, "relu", 1e-5, true,
                        false, true), s(2, 4, 8), s(2, 4, 8), enc8),
                layer("TransformerEncoderLayer pre-norm, gelu, sequence first", () -> new TransformerEncoderLayer(8, 2, 12, 0.1,
                        "gelu", 1e-5, false, true, true), s(4, 2, 8), s(4, 2, 8), enc8),
                layer("TransformerEncoderLayer with key padding", () -> new Bound(new TransformerEncoderLayer(8, 2, 12, 0.0, "relu",
                        1e-5, true, false, true), (m, x, e) -> ((TransformerEncoderLayer) m).call(x, null, PADDING, true)),
                        s(2, 4, 8), s(2, 4, 8), enc8),
                layer("TransformerEncoder 2 layers + norm", () -> new TransformerEncoder(new TransformerEncoderLayer(8, 2, 12, 0.1,
                        "relu", 1e-5, true, false, true), 2, new LayerNorm(8)), s(2, 3, 8), s(2, 3, 8), 2 * enc8 + 16),
                layer("TransformerDecoderLayer post-norm, causal", () -> new Bound(new TransformerDecoderLayer(8, 2, 12, 0.1, "relu",
                        1e-5, true, false, true), (m, x, e) -> ((TransformerDecoderLayer) m).call(x, e.get(0), null, null, null,
                        PADDING, true, false), s(2, 4, 8)), s(2, 3, 8), s(2, 3, 8), dec8 + 64),
                layer("TransformerDecoderLayer pre-norm, gelu", () -> new Bound(new TransformerDecoderLayer(8, 2, 12, 0.1, "gelu",
                        1e-5, false, true, true), (m, x, e) -> ((TransformerDecoderLayer) m).call(x, e.get(0)), s(5, 2, 8)),
                        s(3, 2, 8), s(3, 2, 8), dec8 + 80),
                layer("Transformer 1 + 1 layers", () -> new Bound(new Transformer(8, 2, 1, 1, 12, 0.1, "relu", 1e-5, true, false,
                        true), (m, x, e) -> ((Transformer) m).call(e.get(0), x, null, Transformer.generateSquareSubsequentMask(3), null,
                        null, null, null, false, false, false), s(2, 4, 8)), s(2, 3, 8), s(2, 3, 8), enc8 + 16 + dec8 + 16 + 64));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void layerContract(String name, Supplier<? extends Module> factory, int[] in, int[] out, long params) {
        LayerContract.check(factory, in, out, params);
    }

    // ---------------------------------------------------------------- state dicts

    @Test
    void stateDictKeysArePyTorchs() {
        assertEquals(List.of("in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"),
                List.copyOf(new MultiheadAttention(8, 2).stateDict().keySet()));
        assertEquals(List.of("q_proj_weight", "k_proj_weight", "v_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"),
                List.copyOf(new MultiheadAttention(8, 2, 0.0, true, 3, 5, false).stateDict().keySet()));
        // Printed by torch 2.13 for nn.TransformerEncoderLayer(8, 2, 12) and nn.Transformer(8, 2, 1, 1, 12).
        assertEquals(List.of("self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight",
                "self_attn.out_proj.bias", "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias", "norm1.weight",
                "norm1.bias", "norm2.weight", "norm2.bias"), List.copyOf(new TransformerEncoderLayer(8, 2, 12, 0.1, "relu", 1e-5,
                false, false, true).stateDict().keySet()));
        assertEquals(List.of("encoder.layers.0.self_attn.in_proj_weight", "encoder.layers.0.self_attn.in_proj_bias",
                "encoder.layers.0.self_attn.out_proj.weight", "encoder.layers.0.self_attn.out_proj.bias",
                "encoder.layers.0.linear1.weight", "encoder.layers.0.linear1.bias", "encoder.layers.0.linear2.weight",
                "encoder.layers.0.linear2.bias", "encoder.layers.0.norm1.weight", "encoder.layers.0.norm1.bias",
                "encoder.layers.0.norm2.weight", "encoder.layers.0.norm2.bias", "encoder.norm.weight", "encoder.norm.bias",
                "decoder.layers.0.self_attn.in_proj_weight", "decoder.layers.0.self_attn.in_proj_bias",
                "decoder.layers.0.self_attn.out_proj.weight", "decoder.layers.0.self_attn.out_proj.bias",
                "decoder.layers.0.multihead_attn.in_proj_weight", "decoder.layers.0.multihead_attn.in_proj_bias",
                "decoder.layers.0.multihead_attn.out_proj.weight", "decoder.layers.0.multihead_attn.out_proj.bias",
                "decoder.layers.0.linear1.weight", "decoder.layers.0.linear1.bias", "decoder.layers.0.linear2.weight",
                "decoder.layers.0.linear2.bias", "decoder.layers.0.norm1.weight", "decoder.layers.0.norm1.bias",
                "decoder.layers.0.norm2.weight", "decoder.layers.0.norm2.bias", "decoder.layers.0.norm3.weight",
                "decoder.layers.0.norm3.bias", "decoder.norm.weight", "decoder.norm.bias"),
                List.copyOf(new Transformer(8, 2, 1, 1, 12, 0.1, "relu", 1e-5, false, false, true).stateDict().keySet()));
    }

    @Test
    void encoderStackHoldsCopiesOfTheLayer() {
        var layer = new TransformerEncoderLayer(8, 2, 12, 0.1, "relu", 1e-5, true, false, true);
        var enc = new TransformerEncoder(layer, 3, null);
        assertEquals(3, enc.layers().size());
        var first = enc.layers().get(0).stateDict();
        for (int i = 0; i < 3; i++) {
            var li = enc.layers().get(i);
            assertNotSame(layer, li);
            for (var e : li.stateDict().entrySet()) TensorAssert.assertBitEqual(first.get(e.getKey()), e.getValue(), "layer " + i);
        }
        assertNotSame(enc.layers().get(0).parameters().get(0), enc.layers().get(1).parameters().get(0), "independent tensors");
    }

    // ---------------------------------------------------------------- masks and weights

    @Test
    void weightsAreAveragedOrPerHeadAndSumToOne() {
        Kona.manualSeed(3);
        var mha = new MultiheadAttention(8, 2, 0.0, true, null, null, true);
        Tensor x = Tensor.randn(2, 5, 8);
        var avg = mha.call(x, x, x);
        assertArrayEquals(new int[] {2, 5, 5}, avg.weights().shape());
        var heads = mha.call(x, x, x, null, true, null, false, false);
        assertArrayEquals(new int[] {2, 2, 5, 5}, heads.weights().shape());
        TensorAssert.assertBitEqual(avg.output(), heads.output(), "the output does not depend on how weights are returned");
        for (double v : avg.weights().sum(new int[] {-1}, false).toDoubleArray()) assertEquals(1.0, v, 1e-6);
        assertNull(mha.call(x, x, x, null, false, null, true, false).weights(), "needWeights=false returns no weights");
        var unbatched = mha.call(x.select(0, 1), x.select(0, 1), x.select(0, 1));
        TensorAssert.assertClose(unbatched.output(), dev.kona.testing.Nd.of(avg.output().select(0, 1)),
                new dev.kona.testing.OpInfo.Tol(1e-6, 1e-6), "unbatched");
        assertArrayEquals(new int[] {5, 5}, unbatched.weights().shape());
    }

    @Test
    void causalFlagEqualsTheExplicitMask() {
        Kona.manualSeed(4);
        var mha = new MultiheadAttention(8, 2);
        Tensor x = Tensor.randn(5, 3, 8);
        var flagged = mha.call(x, x, x, null, true, null, true, true);
        var bool = mha.call(x, x, x, null, true, Transformer.generateSquareSubsequentMask(5).eq(Double.NEGATIVE_INFINITY), true,
                false);
        var additive = mha.call(x, x, x, null, true, Transformer.generateSquareSubsequentMask(5), true, false);
        TensorAssert.assertBitEqual(flagged.output(), bool.output(), "isCausal vs bool mask");
        TensorAssert.assertBitEqual(flagged.output(), additive.output(), "isCausal vs float mask");
        float[] w = flagged.weights().select(0, 1).toFloatArray();
        for (int i = 0; i < 5; i++) for (int j = i + 1; j < 5; j++) assertEquals(0f, w[i * 5 + j], "future key " + j + " of query " + i);
        assertArrayEquals(new float[] {0, Float.NEGATIVE_INFINITY, 0, 0},
                Transformer.generateSquareSubsequentMask(2).toFloatArray());
    }

    @Test
    void aFullyMaskedQueryGetsZeroWeightsTheBiasAndNoNaN() {
        Kona.manualSeed(5);
        var mha = new MultiheadAttention(4, 2, 0.0, true, null, null, true);
        Init.normal(mha.outProj().bias(), 0, 1);
        Tensor x = Tensor.randn(2, 3, 4).requiresGrad(true);
        Tensor padding = Tensor.of(new boolean[][] {{false, true, false}, {true, true, true}});
        var r = mha.call(x, x, x, padding, true, null, true, false);
        assertArrayEquals(new float[9], r.weights().select(0, 1).toFloatArray(), "all keys of sample 1 are padding");
        for (int i = 0; i < 3; i++) {
            TensorAssert.assertBitEqual(mha.outProj().bias(), r.output().select(0, 1).select(0, i), "output = out_proj bias");
        }
        r.output().square().sum().backward();
        for (Tensor t : List.of(x.grad(), mha.namedParameters().get("in_proj_weight").grad())) {
            for (double v : t.toDoubleArray()) assertTrue(Double.isFinite(v), "gradients stay finite");
        }
        // The functional form: a fully masked row is zeros.
        Tensor q = Tensor.randn(1, 2, 3);
        Tensor o = Attention.scaledDotProductAttention(q, q, q, Tensor.of(new boolean[][] {{true, true}, {false, false}}), 0.0, false,
                null);
        assertArrayEquals(new float[3], o.select(0, 0).select(0, 1).toFloatArray());
    }

    @Test
    void dropoutOnlyInTraining() {
        Kona.manualSeed(6);
        var layer = new TransformerEncoderLayer(8, 2, 16, 0.5, "relu", 1e-5, true, false, true);
        Tensor x = Tensor.randn(2, 4, 8);
        Tensor a = layer.call(x), b = layer.call(x);
        assertFalse(java.util.Arrays.equals(a.toFloatArray(), b.toFloatArray()), "training: dropout draws new masks");
        layer.eval();
        TensorAssert.assertBitEqual(layer.call(x), layer.call(x), "evaluation is deterministic");
        assertFalse(layer.selfAttn().isTraining(), "eval reaches the children");
    }

    @Test
    void transformerInitialisesXavierUniform() {
        var model = new Transformer(8, 2, 1, 1, 12, 0.1, "relu", 1e-5, true, false, true);
        for (var e : model.namedParameters().entrySet()) {
            Tensor p = e.getValue();
            if (p.dim() < 2) continue;
            double bound = Math.sqrt(6.0 / (p.size(0) + p.size(1)));
            for (double v : p.toDoubleArray()) assertTrue(Math.abs(v) <= bound, e.getKey() + " within the Xavier bound");
        }
    }

    // ---------------------------------------------------------------- errors

    @Test
    void errorsNameTheLayerShapesAndExpectation() {
        var e = assertThrows(IllegalArgumentException.class, () -> new MultiheadAttention(100, 3));
        assertEquals("MultiheadAttention: embedDim 100 is not divisible by numHeads 3", e.getMessage());
        var mha = new MultiheadAttention(8, 2, 0.0, true, null, null, true);
        e = assertThrows(IllegalArgumentException.class, () -> mha.call(Tensor.zeros(2, 3, 6)));
        assertTrue(e.getMessage().contains("feature sizes 8, 8 and 8 ([N, L, E])") && e.getMessage().contains("[2, 3, 6]"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> mha.call(Tensor.zeros(2, 3, 8), Tensor.zeros(3, 4, 8),
                Tensor.zeros(3, 4, 8)));
        assertTrue(e.getMessage().contains("share the batch size"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> mha.call(Tensor.zeros(2, 3, 8), Tensor.zeros(2, 3, 8),
                Tensor.zeros(2, 3, 8), Tensor.zeros(new int[] {2, 4}, DType.BOOL), true, null, true, false));
        assertTrue(e.getMessage().contains("keyPaddingMask of shape [2, 3], got [2, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> mha.call(Tensor.zeros(2, 3, 8), Tensor.zeros(2, 3, 8),
                Tensor.zeros(2, 3, 8), null, true, Tensor.zeros(3, 4), true, false));
        assertTrue(e.getMessage().contains("attnMask of shape [3, 3] or [4, 3, 3], got [3, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TransformerEncoderLayer(8, 2, 12, 0.1, "tanh", 1e-5, true,
                false, true));
        assertTrue(e.getMessage().contains("activation must be \"relu\" or \"gelu\", got \"tanh\""), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TransformerEncoderLayer(8, 2).call(Tensor.zeros(3, 2, 6)));
        assertTrue(e.getMessage().contains("TransformerEncoderLayer: expected src of shape [L, N, 8]"), e.getMessage());
        var model = new Transformer(8, 2, 1, 1, 12, 0.1, "relu", 1e-5, true, false, true);
        e = assertThrows(IllegalArgumentException.class, () -> model.call(Tensor.zeros(2, 3, 8), Tensor.zeros(3, 3, 8)));
        assertTrue(e.getMessage().contains("same rank and batch size"), e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> model.call(Tensor.zeros(2, 3, 8)));
    }

    // ---------------------------------------------------------------- the test device

    @Test
    void sameResultsOnTheTestDevice() {
        Tensor x = Tensor.randn(new Generator(8), 2, 4, 8), mem = Tensor.randn(new Generator(9), 2, 5, 8);
        Tensor padding = Tensor.of(new boolean[][] {{false, false, true, true}, {false, false, false, false}});
        DeviceCheck.sameOnDevice(() -> new MultiheadAttention(8, 2, 0.2, true, null, null, true),
                m -> ((MultiheadAttention) m).call(x.to(m.device()), x.to(m.device()), x.to(m.device()), padding.to(m.device()),
                        true, null, true, true).output(), 2);
        DeviceCheck.sameOnDevice(() -> new TransformerEncoderLayer(8, 2, 12, 0.2, "gelu", 1e-5, true, true, true),
                m -> ((TransformerEncoderLayer) m).call(x.to(m.device()), null, padding.to(m.device()), false), 2);
        DeviceCheck.sameOnDevice(() -> new TransformerDecoderLayer(8, 2, 12, 0.2, "relu", 1e-5, true, false, true),
                m -> ((TransformerDecoderLayer) m).call(x.to(m.device()), mem.to(m.device()), null, null, null, null, true, false), 2);
        DeviceCheck.sameOnDevice(() -> new Transformer(8, 2, 1, 1, 12, 0.2, "relu", 1e-5, true, false, true),
                m -> ((Transformer) m).call(mem.to(m.device()), x.to(m.device()), null, null, null, null, null, null, false, true,
                        false), 1);
    }
}
