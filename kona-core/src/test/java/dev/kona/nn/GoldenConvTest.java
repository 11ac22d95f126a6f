package dev.kona.nn;

import static dev.kona.testing.GoldenFile.ints;
import static dev.kona.testing.GoldenFile.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * Convolution and pooling layers against PyTorch: {@code golden/conv.json}, frozen by
 * {@code tools/golden_conv.py} (stride 2, padding "same" with odd and even kernels, dilation,
 * groups, depthwise, transposed with output padding, 1-D, pools with ceil mode and both padding
 * rules, adaptive pooling, a small CNN). Each case rebuilds the layer from its description, loads
 * PyTorch's state dict and compares the output and the gradients of the input and parameters
 * within float32 tolerances ({@link GoldenNnTest#assertClose}: 1e-5 of the largest magnitude).
 */
class GoldenConvTest {

    static Stream<Arguments> cases() {
        return GoldenFile.cases("/golden/conv.json");
    }

    @SuppressWarnings("unchecked")
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPyTorch(String name, Map<String, Object> c) {
        Module m = build((Map<String, Object>) c.get("module"));
        Tensor x0 = tensor(c.get("input"));
        if (x0.dtype() == DType.FLOAT64) m.to(DType.FLOAT64);
        var state = new LinkedHashMap<String, Tensor>();
        ((Map<String, Object>) c.get("state")).forEach((k, v) -> state.put(k, tensor(v)));
        m.loadStateDict(state);

        Tensor x = x0.requiresGrad(true);
        Tensor y = m.call(x);
        GoldenNnTest.assertClose(y, tensor(c.get("output")), name + ": output");
        y.backward(tensor(c.get("gradOutput")));
        GoldenNnTest.assertClose(x.grad(), tensor(c.get("inputGrad")), name + ": input gradient");
        var expectedGrads = (Map<String, Object>) c.get("paramGrads");
        var params = m.namedParameters();
        assertEquals(expectedGrads.keySet(), params.keySet(), name + ": parameter names");
        for (var e : expectedGrads.entrySet()) {
            GoldenNnTest.assertClose(params.get(e.getKey()).grad(), tensor(e.getValue()), name + ": gradient of " + e.getKey());
        }
    }

    /** Rebuilds the layer that {@code describe} in the script wrote down. */
    @SuppressWarnings("unchecked")
    static Module build(Map<String, Object> d) {
        String type = (String) d.get("type");
        return switch (type) {
            case "Sequential" -> new Sequential(((List<Object>) d.get("layers")).stream()
                    .map(l -> build((Map<String, Object>) l)).toList());
            case "Conv2d" -> d.get("padding") instanceof String p
                    ? new Conv2d(i(d, "in"), i(d, "out"), a(d, "kernel"), a(d, "stride"), p, a(d, "dilation"), i(d, "groups"),
                            b(d, "bias"), null)
                    : new Conv2d(i(d, "in"), i(d, "out"), a(d, "kernel"), a(d, "stride"), a(d, "padding"), a(d, "dilation"),
                            i(d, "groups"), b(d, "bias"), null);
            case "Conv1d" -> d.get("padding") instanceof String p
                    ? new Conv1d(i(d, "in"), i(d, "out"), a(d, "kernel")[0], a(d, "stride")[0], p, a(d, "dilation")[0],
                            i(d, "groups"), b(d, "bias"), null)
                    : new Conv1d(i(d, "in"), i(d, "out"), a(d, "kernel")[0], a(d, "stride")[0], a(d, "padding")[0],
                            a(d, "dilation")[0], i(d, "groups"), b(d, "bias"), null);
            case "ConvTranspose2d" -> new ConvTranspose2d(i(d, "in"), i(d, "out"), a(d, "kernel"), a(d, "stride"), a(d, "padding"),
                    a(d, "outputPadding"), i(d, "groups"), b(d, "bias"), a(d, "dilation"), null);
            case "MaxPool2d" -> new MaxPool2d(a(d, "kernel"), a(d, "stride"), a(d, "padding"), a(d, "dilation"), b(d, "ceilMode"));
            case "MaxPool1d" -> new MaxPool1d(a(d, "kernel")[0], a(d, "stride")[0], a(d, "padding")[0], a(d, "dilation")[0],
                    b(d, "ceilMode"));
            case "AvgPool2d" -> new AvgPool2d(a(d, "kernel"), a(d, "stride"), a(d, "padding"), b(d, "ceilMode"),
                    b(d, "countIncludePad"));
            case "AvgPool1d" -> new AvgPool1d(a(d, "kernel")[0], a(d, "stride")[0], a(d, "padding")[0], b(d, "ceilMode"),
                    b(d, "countIncludePad"));
            case "AdaptiveAvgPool2d" -> new AdaptiveAvgPool2d(a(d, "outputSize"));
            default -> GoldenNnTest.build(d);
        };
    }

    private static int i(Map<String, Object> d, String key) {
        return (int) Json.num(d.get(key));
    }

    private static int[] a(Map<String, Object> d, String key) {
        return ints(d.get(key));
    }

    private static boolean b(Map<String, Object> d, String key) {
        return (Boolean) d.get(key);
    }
}
