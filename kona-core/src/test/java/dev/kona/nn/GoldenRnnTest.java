package dev.kona.nn;

import static dev.kona.testing.GoldenFile.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kona.DType;
import dev.kona.Tensor;
import dev.kona.testing.GoldenFile;
import dev.kona.testing.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Recurrent layers and cells against PyTorch: {@code golden/rnn.json}, frozen by
 * {@code tools/golden_rnn.py} (the regeneration command is at the top of the script). Each case
 * rebuilds the layer with the case's options, loads torch's state dict (so the parameter names
 * must match one to one), runs the input from the given initial states, backpropagates the given
 * gradients of the output and of the final states, and compares outputs, final states and the
 * gradients of the input, the initial states and every parameter. Tolerance: 2e-5 (float32) or
 * 1e-10 (float64) relative to the largest magnitude of the compared tensor.
 */
class GoldenRnnTest {

    static Stream<Arguments> cases() {
        return GoldenFile.cases("/golden/rnn.json");
    }

    @SuppressWarnings("unchecked")
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPyTorch(String name, Map<String, Object> c) {
        var d = (Map<String, Object>) c.get("module");
        String type = (String) d.get("type");
        Module m = build(d);
        Tensor x = tensor(c.get("input"));
        if (x.dtype() == DType.FLOAT64) m.to(DType.FLOAT64);
        var state = new LinkedHashMap<String, Tensor>();
        ((Map<String, Object>) c.get("state")).forEach((k, v) -> state.put(k, tensor(v)));
        m.loadStateDict(state);
        x.requiresGrad(true);
        Tensor h0 = c.containsKey("h0") ? tensor(c.get("h0")).requiresGrad(true) : null;
        Tensor c0 = c.containsKey("c0") ? tensor(c.get("c0")).requiresGrad(true) : null;

        Tensor loss;
        if (type.endsWith("Cell")) {
            // The cell runs over the steps of x [T, B, in] from (h0, c0); the loss weighs every step's states.
            List<Tensor> hs = new ArrayList<>(), cs = new ArrayList<>();
            Tensor h = h0, cc = c0;
            for (int t = 0; t < x.size(0); t++) {
                Tensor xt = x.select(0, t);
                switch (m) {
                    case LSTMCell cell -> {
                        LSTMState s = cell.call(xt, h, cc);
                        h = s.h();
                        cc = s.c();
                        cs.add(cc);
                    }
                    case GRUCell cell -> h = cell.call(xt, h);
                    case RNNCell cell -> h = cell.call(xt, h);
                    default -> throw new IllegalStateException(type);
                }
                hs.add(h);
            }
            Tensor hAll = Tensor.stack(hs, 0);
            assertClose(hAll, tensor(c.get("h")), name + ": h at every step");
            loss = hAll.mul(tensor(c.get("gradH"))).sum();
            if (!cs.isEmpty()) {
                Tensor cAll = Tensor.stack(cs, 0);
                assertClose(cAll, tensor(c.get("c")), name + ": c at every step");
                loss = loss.add(cAll.mul(tensor(c.get("gradC"))).sum());
            }
        } else {
            Tensor out, hN, cN = null;
            if (m instanceof LSTM lstm) {
                LSTMOutput r = lstm.call(x, h0, c0);
                out = r.output();
                hN = r.hN();
                cN = r.cN();
            } else {
                RNNOutput r = m instanceof GRU gru ? gru.call(x, h0) : ((RNN) m).call(x, h0);
                out = r.output();
                hN = r.hN();
            }
            assertClose(out, tensor(c.get("output")), name + ": output");
            assertClose(hN, tensor(c.get("hN")), name + ": h_n");
            loss = out.mul(tensor(c.get("gradOutput"))).sum().add(hN.mul(tensor(c.get("gradHN"))).sum());
            if (cN != null) {
                assertClose(cN, tensor(c.get("cN")), name + ": c_n");
                loss = loss.add(cN.mul(tensor(c.get("gradCN"))).sum());
            }
        }
        loss.backward();
        assertClose(x.grad(), tensor(c.get("inputGrad")), name + ": input gradient");
        if (h0 != null) assertClose(h0.grad(), tensor(c.get("h0Grad")), name + ": h0 gradient");
        if (c0 != null) assertClose(c0.grad(), tensor(c.get("c0Grad")), name + ": c0 gradient");
        var expected = (Map<String, Object>) c.get("paramGrads");
        var params = m.namedParameters();
        assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(params.keySet()), name + ": parameter names and order");
        for (var e : expected.entrySet()) {
            assertClose(params.get(e.getKey()).grad(), tensor(e.getValue()), name + ": gradient of " + e.getKey());
        }
    }

    static Module build(Map<String, Object> d) {
        String type = (String) d.get("type");
        int in = i(d, "inputSize"), hid = i(d, "hiddenSize");
        boolean bias = (Boolean) d.get("bias");
        String nonlinearity = (String) d.get("nonlinearity");
        if (type.endsWith("Cell")) {
            return switch (type) {
                case "RNNCell" -> new RNNCell(in, hid, bias, nonlinearity, null);
                case "LSTMCell" -> new LSTMCell(in, hid, bias, null);
                case "GRUCell" -> new GRUCell(in, hid, bias, null);
                default -> throw new IllegalArgumentException("golden_rnn: unknown cell " + type);
            };
        }
        var o = RNNOptions.defaults().numLayers(i(d, "numLayers")).bias(bias)
                .batchFirst((Boolean) d.get("batchFirst")).bidirectional((Boolean) d.get("bidirectional"));
        return switch (type) {
            case "RNN" -> new RNN(in, hid, nonlinearity, o);
            case "LSTM" -> new LSTM(in, hid, o);
            case "GRU" -> new GRU(in, hid, o);
            default -> throw new IllegalArgumentException("golden_rnn: unknown layer " + type);
        };
    }

    private static int i(Map<String, Object> d, String key) {
        return (int) Json.num(d.get(key));
    }

    static void assertClose(Tensor actual, Tensor expected, String context) {
        assertNotNull(actual, context + ": missing (null)");
        assertEquals(expected.dtype(), actual.dtype(), context + ": dtype");
        assertArrayEquals(expected.shape(), actual.shape(), context + ": shape");
        double rtol = expected.dtype() == DType.FLOAT64 ? 1e-10 : 2e-5;
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
