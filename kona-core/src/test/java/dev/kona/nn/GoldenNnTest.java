package dev.kona.nn;

import static dev.kona.testing.GoldenFile.ints;
import static dev.kona.testing.GoldenFile.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kona.DType;
import dev.kona.Tensor;
import dev.kona.testing.GoldenFile;
import dev.kona.testing.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Layers against PyTorch: {@code golden/nn.json}, frozen by {@code tools/golden_nn.py} (the
 * regeneration command is at the top of the script), holds for each case the layer's description,
 * its state dict, an input and an output gradient, and torch's output and gradients. Each case
 * rebuilds the layer, loads the state dict and compares forward and backward within 1e-5 relative
 * (to the largest magnitude of the compared tensor, so that values near zero are judged fairly).
 */
class GoldenNnTest {
    private static final double RTOL = 1e-5;

    static Stream<Arguments> cases() {
        return GoldenFile.cases("/golden/nn.json");
    }

    @SuppressWarnings("unchecked")
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPyTorch(String name, Map<String, Object> c) {
        Module m = build((Map<String, Object>) c.get("module"));
        m.train((Boolean) c.get("train"));
        Tensor x0 = tensor(c.get("input"));
        if (x0.dtype() == DType.FLOAT64) m.to(DType.FLOAT64);

        var state = new LinkedHashMap<String, Tensor>();
        ((Map<String, Object>) c.get("state")).forEach((k, v) -> state.put(k, tensor(v)));
        m.loadStateDict(state);

        Tensor x = x0.requiresGrad(true);
        Tensor y = m.call(x);
        assertClose(y, tensor(c.get("output")), name + ": output");
        y.backward(tensor(c.get("gradOutput")));
        assertClose(x.grad(), tensor(c.get("inputGrad")), name + ": input gradient");

        var expectedGrads = (Map<String, Object>) c.get("paramGrads");
        var params = m.namedParameters();
        assertEquals(expectedGrads.keySet(), params.keySet(), name + ": parameter names");
        for (var e : expectedGrads.entrySet()) {
            assertClose(params.get(e.getKey()).grad(), tensor(e.getValue()), name + ": gradient of " + e.getKey());
        }
    }

    /** Rebuilds the layer that {@code describe} in the script wrote down. */
    @SuppressWarnings("unchecked")
    static Module build(Map<String, Object> d) {
        String type = (String) d.get("type");
        return switch (type) {
            case "Sequential" -> new Sequential(((List<Object>) d.get("layers")).stream()
                    .map(l -> build((Map<String, Object>) l)).toList());
            case "Linear" -> new Linear(i(d, "in"), i(d, "out"), (Boolean) d.get("bias"));
            case "ReLU" -> new ReLU();
            case "LeakyReLU" -> new LeakyReLU(Json.num(d.get("negativeSlope")));
            case "ELU" -> new ELU(Json.num(d.get("alpha")));
            case "GELU" -> new GELU((String) d.get("approximate"));
            case "SiLU" -> new SiLU();
            case "Sigmoid" -> new Sigmoid();
            case "Tanh" -> new Tanh();
            case "Softplus" -> new Softplus(Json.num(d.get("beta")), Json.num(d.get("threshold")));
            case "Softmax" -> new Softmax(i(d, "dim"));
            case "LogSoftmax" -> new LogSoftmax(i(d, "dim"));
            case "Dropout" -> new Dropout(Json.num(d.get("p")));
            case "Identity" -> new Identity();
            case "Flatten" -> new Flatten(i(d, "startDim"), i(d, "endDim"));
            case "Unflatten" -> new Unflatten(i(d, "dim"), ints(d.get("sizes")));
            default -> throw new IllegalArgumentException("golden_nn: unknown layer type " + type);
        };
    }

    private static int i(Map<String, Object> d, String key) {
        return (int) Json.num(d.get(key));
    }

    static void assertClose(Tensor actual, Tensor expected, String context) {
        assertNotNull(actual, context + ": missing (null)");
        assertEquals(expected.dtype(), actual.dtype(), context + ": dtype");
        assertArrayEquals(expected.shape(), actual.shape(), context + ": shape");
        double[] a = actual.toDoubleArray(), e = expected.toDoubleArray();
        double scale = 0;
        for (double v : e) scale = Math.max(scale, Math.abs(v));
        for (int k = 0; k < e.length; k++) {
            double err = Math.abs(a[k] - e[k]);
            if (!(err <= RTOL * scale + 1e-12)) {
                fail(context + ": element " + k + " is " + a[k] + ", PyTorch gives " + e[k] + " (error " + err
                        + ", tolerance " + RTOL + " relative to the largest magnitude, " + scale + ")");
            }
        }
    }
}
