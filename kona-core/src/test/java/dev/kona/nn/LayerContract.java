package dev.kona.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.DType;
import dev.kona.Generator;
import dev.kona.Kona;
import dev.kona.Tensor;
import dev.kona.autograd.GradCheck;
import dev.kona.autograd.GradMode;
import dev.kona.testing.TensorAssert;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One call that checks a layer's whole contract (Keras's {@code run_layer_test} idea):
 * <ol>
 *   <li>the output shape for a given input shape;</li>
 *   <li>the parameter count (after the first call, so that lazy layers are built);</li>
 *   <li>a state-dict round trip: a fresh layer (other random weights) that loads the state dict
 *       computes bit for bit the same output, and the state dict holds detached copies;</li>
 *   <li>a training step, SGD written inline ({@code p = p - lr * grad} under noGrad), lowers
 *       {@code mean(y²)}; a layer without parameters must pass a gradient back to its input;</li>
 *   <li>gradients of the input and of every parameter checked against finite differences in
 *       float64 ({@link GradCheck}).</li>
 * </ol>
 * The loss-based steps run in evaluation mode, so that Dropout's masks do not make them random.
 */
final class LayerContract {
    private LayerContract() {}

    private static final double LR = 0.1;

    static void check(Supplier<? extends Module> factory, int[] inputShape, int[] outputShape, long numParameters) {
        Kona.manualSeed(20240601);
        Tensor x = Tensor.randn(new Generator(7), inputShape);
        Module m = factory.get();
        String who = m.toString();

        Tensor y = m.call(x);
        assertArrayEquals(outputShape, y.shape(), who + ": output shape");
        assertEquals(numParameters, m.numParameters(), who + ": parameter count");
        for (Tensor p : m.parameters()) {
            assertTrue(p.requiresGrad() && p.isLeaf() && p.dtype() == DType.FLOAT32, who + ": parameters are float32 leaves");
        }

        roundTrip(factory, m, x, who);
        trainingStep(m, x, who);
        gradCheck(m, inputShape, who);
    }

    private static void roundTrip(Supplier<? extends Module> factory, Module m, Tensor x, String who) {
        m.eval();
        var state = m.stateDict();
        var expectedKeys = new ArrayList<>(m.namedParameters().keySet());
        expectedKeys.addAll(m.namedBuffers().keySet());
        assertEquals(expectedKeys.stream().sorted().toList(), state.keySet().stream().sorted().toList(),
                who + ": the state dict holds every parameter and buffer");
        for (Tensor t : state.values()) assertFalse(t.requiresGrad(), who + ": state-dict tensors are detached");

        Module fresh = factory.get();
        fresh.call(x);   // builds lazy layers; harmless for the others
        fresh.eval();
        fresh.loadStateDict(state);
        Tensor expected = m.call(x);
        TensorAssert.assertBitEqual(expected, fresh.call(x), who + ": output after a state-dict round trip");

        // The state dict is a copy: changing it changes neither module.
        try (var g = GradMode.noGrad()) {
            for (Tensor t : state.values()) if (t.dtype().isFloatingPoint()) t.fill(42);
        }
        TensorAssert.assertBitEqual(expected, m.call(x), who + ": output after the saved copy was changed");
    }

    private static void trainingStep(Module m, Tensor x, String who) {
        m.eval();
        List<Tensor> params = m.parameters();
        if (params.isEmpty()) {
            Tensor xi = x.detach().copy().requiresGrad(true);
            m.call(xi).square().mean().backward();
            assertNotNull(xi.grad(), who + ": no gradient reached the input");
            assertArrayEquals(x.shape(), xi.grad().shape(), who + ": input gradient shape");
            return;
        }
        m.zeroGrad();
        Tensor loss0 = m.call(x).square().mean();
        loss0.backward();
        try (var g = GradMode.noGrad()) {
            for (Tensor p : params) {
                assertNotNull(p.grad(), who + ": a parameter got no gradient");
                assertArrayEquals(p.shape(), p.grad().shape(), who + ": gradient shape");
                p.subInPlace(p.grad().mul(LR));
            }
        }
        double before = loss0.item(), after;
        try (var g = GradMode.noGrad()) {
            after = m.call(x).square().mean().item();
        }
        assertTrue(after < before, who + ": one SGD step did not lower mean(y^2): " + before + " -> " + after);
        m.zeroGrad();
        for (Tensor p : params) assertEquals(null, p.grad(), who + ": zeroGrad clears the gradients");
    }

    private static void gradCheck(Module m, int[] inputShape, String who) {
        m.eval().to(DType.FLOAT64);
        var names = new ArrayList<>(m.namedParameters().keySet());
        List<Tensor> inputs = new ArrayList<>();
        inputs.add(Tensor.randn(new Generator(11), inputShape).to(DType.FLOAT64));
        inputs.addAll(m.parameters());
        Function<List<Tensor>, Tensor> f = in -> {
            var replaced = new LinkedHashMap<String, Tensor>();
            for (int i = 0; i < names.size(); i++) replaced.put(names.get(i), in.get(i + 1));
            return m.functionalCall(replaced, in.get(0));
        };
        try {
            GradCheck.check(f, inputs);
        } catch (AssertionError e) {
            throw new AssertionError(who + ": " + e.getMessage(), e);
        }
        // GradCheck passes trivially for an input the output ignores: make sure every one is used.
        List<Tensor> leaves = new ArrayList<>();
        for (Tensor t : inputs) leaves.add(t.detach().copy().requiresGrad(true));
        f.apply(leaves).square().sum().backward();
        for (int i = 0; i < leaves.size(); i++) {
            Tensor g = leaves.get(i).grad();
            String what = i == 0 ? "the input" : "parameter " + names.get(i - 1);
            assertTrue(g != null && g.abs().sum().item() > 0, who + ": the output does not depend on " + what);
        }
    }
}
