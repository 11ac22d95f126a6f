package dev.kona.nn;

import static dev.kona.testing.GoldenFile.ints;
import static dev.kona.testing.GoldenFile.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kona.DType;
import dev.kona.Tensor;
import dev.kona.testing.GoldenFile;
import dev.kona.testing.Json;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Normalisation, Embedding, attention and Transformer layers against PyTorch:
 * {@code golden/attn.json}, frozen by {@code tools/golden_attn.py} (the regeneration command is at
 * the top of the script). Each case rebuilds the layer, loads torch's state dict, runs the earlier
 * training steps if any (BatchNorm), then forward and backward, and compares the output, the
 * attention weights, the gradients of the inputs and parameters, and the state after the call
 * (running statistics) within float32 tolerances: 1e-5 of the largest magnitude for one layer of
 * arithmetic, 1e-4 for the attention and Transformer cases, whose values pass through several
 * products and softmax.
 */
class GoldenAttnTest {

    static Stream<Arguments> cases() {
        return GoldenFile.cases("/golden/attn.json");
    }

    @SuppressWarnings("unchecked")
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPyTorch(String name, Map<String, Object> c) {
        var desc = (Map<String, Object>) c.get("module");
        String type = (String) desc.get("type");
        double rtol = type.startsWith("Transformer") || type.equals("MultiheadAttention") || type.equals("sdpa") ? 1e-4 : 1e-5;
        Module m = type.equals("sdpa") ? null : build(desc);
        if (m != null) {
            m.train((Boolean) c.get("train"));
            var state = new LinkedHashMap<String, Tensor>();
            ((Map<String, Object>) c.get("state")).forEach((k, v) -> state.put(k, tensor(v)));
            m.loadStateDict(state);
        }
        for (Object step : (java.util.List<Object>) c.get("steps")) {
            m.call(tensor(((Map<String, Object>) step).get("x")));
        }
        var inputs = new LinkedHashMap<String, Tensor>();
        ((Map<String, Object>) c.get("inputs")).forEach((k, v) -> {
            Tensor t = tensor(v);
            inputs.put(k, t.dtype().isFloatingPoint() && !k.toLowerCase().contains("mask") ? t.requiresGrad(true) : t);
        });
        var args = (Map<String, Object>) c.get("args");

        Tensor[] out = run(type, m, inputs, args);
        assertClose(out[0], tensor(c.get("output")), rtol, name + ": output");
        if (c.containsKey("weights")) assertClose(out[1], tensor(c.get("weights")), rtol, name + ": attention weights");
        out[0].backward(tensor(c.get("gradOutput")));

        var inputGrads = (Map<String, Object>) c.get("inputGrads");
        for (var e : inputGrads.entrySet()) {
            if (e.getKey().toLowerCase().contains("mask")) continue;
            assertClose(inputs.get(e.getKey()).grad(), tensor(e.getValue()), rtol, name + ": gradient of input " + e.getKey());
        }
        if (m == null) return;
        var expectedGrads = (Map<String, Object>) c.get("paramGrads");
        var params = m.namedParameters();
        assertEquals(expectedGrads.keySet(), params.keySet(), name + ": parameter names");
        for (var e : expectedGrads.entrySet()) {
            assertClose(params.get(e.getKey()).grad(), tensor(e.getValue()), rtol, name + ": gradient of " + e.getKey());
        }
        if (c.containsKey("stateAfter")) {
            var after = m.stateDict();
            var expected = (Map<String, Object>) c.get("stateAfter");
            assertEquals(expected.keySet(), after.keySet(), name + ": state-dict keys");
            for (var e : expected.entrySet()) {
                assertClose(after.get(e.getKey()), tensor(e.getValue()), 1e-5, name + ": state " + e.getKey() + " after the call");
            }
        }
    }

    /** Runs the case's call: the output and, for attention, the weights. */
    private static Tensor[] run(String type, Module m, Map<String, Tensor> in, Map<String, Object> args) {
        return switch (type) {
            case "sdpa" -> {
                Object scale = args.get("scale");
                yield new Tensor[] {Attention.scaledDotProductAttention(in.get("q"), in.get("k"), in.get("v"), in.get("mask"),
                        0.0, (Boolean) args.get("isCausal"), scale == null ? null : Json.num(scale))};
            }
            case "MultiheadAttention" -> {
                Tensor q = in.get("query");
                Tensor k = in.getOrDefault("key", q);
                Tensor v = in.getOrDefault("value", k);
                boolean average = !Boolean.FALSE.equals(args.get("averageAttnWeights"));
                var r = ((MultiheadAttention) m).call(q, k, v, in.get("keyPaddingMask"), true, in.get("attnMask"), average, false);
                yield new Tensor[] {r.output(), r.weights()};
            }
            case "TransformerEncoderLayer" -> new Tensor[] {
                    ((TransformerEncoderLayer) m).call(in.get("src"), in.get("mask"), in.get("keyPaddingMask"), false)};
            case "TransformerEncoder" -> new Tensor[] {
                    ((TransformerEncoder) m).call(in.get("src"), in.get("mask"), in.get("keyPaddingMask"), false)};
            case "TransformerDecoderLayer" -> new Tensor[] {((TransformerDecoderLayer) m).call(in.get("tgt"), in.get("memory"),
                    in.get("tgtMask"), in.get("memoryMask"), in.get("tgtKeyPaddingMask"), in.get("memoryKeyPaddingMask"),
                    false, false)};
            default -> new Tensor[] {m.call(in.get("x"))};
        };
    }

    /** Rebuilds the layer that {@code describe} in the script wrote down. */
    @SuppressWarnings("unchecked")
    static Module build(Map<String, Object> d) {
        String type = (String) d.get("type");
        return switch (type) {
            case "BatchNorm1d" -> new BatchNorm1d(i(d, "numFeatures"), num(d, "eps"), nullableNum(d, "momentum"),
                    (Boolean) d.get("affine"), (Boolean) d.get("trackRunningStats"));
            case "BatchNorm2d" -> new BatchNorm2d(i(d, "numFeatures"), num(d, "eps"), nullableNum(d, "momentum"),
                    (Boolean) d.get("affine"), (Boolean) d.get("trackRunningStats"));
            case "LayerNorm" -> new LayerNorm(ints(d.get("normalizedShape")), num(d, "eps"), (Boolean) d.get("elementwiseAffine"),
                    (Boolean) d.get("bias"));
            case "GroupNorm" -> new GroupNorm(i(d, "numGroups"), i(d, "numChannels"), num(d, "eps"), (Boolean) d.get("affine"));
            case "Embedding" -> new Embedding(i(d, "num"), i(d, "dim"),
                    d.get("paddingIdx") == null ? null : i(d, "paddingIdx"), null, 2.0, null);
            case "MultiheadAttention" -> new MultiheadAttention(i(d, "embedDim"), i(d, "numHeads"), num(d, "dropout"),
                    (Boolean) d.get("bias"), i(d, "kdim"), i(d, "vdim"), (Boolean) d.get("batchFirst"));
            case "TransformerEncoderLayer" -> new TransformerEncoderLayer(i(d, "dModel"), i(d, "nhead"), i(d, "dimFeedforward"),
                    num(d, "dropout"), (String) d.get("activation"), num(d, "eps"), (Boolean) d.get("batchFirst"),
                    (Boolean) d.get("normFirst"), true);
            case "TransformerDecoderLayer" -> new TransformerDecoderLayer(i(d, "dModel"), i(d, "nhead"), i(d, "dimFeedforward"),
                    num(d, "dropout"), (String) d.get("activation"), num(d, "eps"), (Boolean) d.get("batchFirst"),
                    (Boolean) d.get("normFirst"), true);
            case "TransformerEncoder" -> {
                var layer = (TransformerEncoderLayer) build((Map<String, Object>) d.get("layer"));
                yield new TransformerEncoder(layer, i(d, "numLayers"),
                        (Boolean) d.get("norm") ? new LayerNorm(layer.dModel()) : null);
            }
            default -> throw new IllegalArgumentException("golden_attn: unknown layer type " + type);
        };
    }

    private static int i(Map<String, Object> d, String key) {
        return (int) Json.num(d.get(key));
    }

    private static double num(Map<String, Object> d, String key) {
        return Json.num(d.get(key));
    }

    private static Double nullableNum(Map<String, Object> d, String key) {
        return d.get(key) == null ? null : Json.num(d.get(key));
    }

    static void assertClose(Tensor actual, Tensor expected, double rtol, String context) {
        assertNotNull(actual, context + ": missing (null)");
        assertEquals(expected.dtype(), actual.dtype(), context + ": dtype");
        if (!Arrays.equals(expected.shape(), actual.shape())) {
            fail(context + ": shape " + Arrays.toString(actual.shape()) + ", PyTorch gives " + Arrays.toString(expected.shape()));
        }
        if (expected.dtype() == DType.INT64) {
            assertEquals(Arrays.toString(expected.toLongArray()), Arrays.toString(actual.toLongArray()), context);
            return;
        }
        double[] a = actual.toDoubleArray(), e = expected.toDoubleArray();
        double scale = 0;
        for (double v : e) scale = Math.max(scale, Math.abs(v));
        for (int k = 0; k < e.length; k++) {
            double err = Math.abs(a[k] - e[k]);
            if (!(err <= rtol * scale + 1e-12)) {
                fail(context + ": element " + k + " is " + a[k] + ", PyTorch gives " + e[k] + " (error " + err
                        + ", tolerance " + rtol + " relative to the largest magnitude, " + scale + ")");
            }
        }
    }
}
