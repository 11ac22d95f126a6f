package dev.kona.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.DType;
import dev.kona.Tensor;
import dev.kona.testing.TensorAssert;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The registries of {@link Module}: names, order, modes, conversion, state dicts, printing. */
class ModuleTest {

    /** A module with a parameter, a float buffer, an int buffer and a child, in that order. */
    private static final class Scaled extends Module {
        final Tensor scale = registerParameter("scale", Tensor.ones(3));
        final Tensor running = registerBuffer("running", Tensor.zeros(3));
        final Tensor steps = registerBuffer("steps", Tensor.of(0L));
        final Linear inner = registerModule("inner", new Linear(3, 3));

        @Override
        public Tensor forward(Tensor x) {
            return inner.call(x).mul(param("scale"));
        }
    }

    /** Exposes the protected registration methods to the tests. */
    private static final class Open extends Module {
        Tensor addParameter(String name, Tensor t) {
            return registerParameter(name, t);
        }

        Tensor addBuffer(String name, Tensor t) {
            return registerBuffer(name, t);
        }

        Module addModule(String name, Module m) {
            return registerModule(name, m);
        }

        @Override
        public Tensor forward(Tensor x) {
            return x;
        }
    }

    private static List<String> keys(Map<String, ?> m) {
        return new ArrayList<>(m.keySet());
    }

    @Test
    void namedParametersUseDottedKeysInRegistrationOrder() {
        var model = new Sequential(new Sequential(new Linear(4, 3), new ReLU()), new Scaled(), new Linear(3, 2, false));
        assertEquals(List.of("0.0.weight", "0.0.bias", "1.scale", "1.inner.weight", "1.inner.bias", "2.weight"),
                keys(model.namedParameters()));
        assertEquals(List.of("1.running", "1.steps"), keys(model.namedBuffers()));
        assertEquals(List.of("", "0", "0.0", "0.1", "1", "1.inner", "2"), keys(model.namedModules()));
        assertEquals(3, model.children().size());
        assertEquals(4 * 3 + 3 + 3 + 9 + 3 + 3 * 2, model.numParameters());
        assertEquals(List.of("0.0.weight", "0.0.bias", "1.scale", "1.running", "1.steps", "1.inner.weight",
                "1.inner.bias", "2.weight"), keys(model.stateDict()));
    }

    @Test
    void aSharedParameterIsListedOnceButSavedUnderEveryKey() {
        var a = new Linear(3, 3);
        var tied = new Sequential(a, new ReLU(), a);
        assertEquals(List.of("0.weight", "0.bias"), keys(tied.namedParameters()));
        assertEquals(12, tied.numParameters());
        assertEquals(List.of("0.weight", "0.bias"), keys(tied.stateDict()), "the same module object is visited once");

        var open = new Open();
        Tensor w = open.addParameter("w", Tensor.ones(2));
        var holder = new Open();
        holder.addParameter("w2", w);
        open.addModule("holder", holder);
        assertEquals(List.of("w"), keys(open.namedParameters()));
        assertEquals(List.of("w", "holder.w2"), keys(open.stateDict()));
    }

    @Test
    void registrationRejectsBadNamesAndValuesPrecisely() {
        var m = new Open();
        m.addParameter("w", Tensor.ones(2));
        m.addBuffer("b", Tensor.zeros(2));
        m.addModule("c", new ReLU());
        assertMessage("Open.registerParameter: 'w' is already registered as a parameter", () -> m.addParameter("w", Tensor.ones(1)));
        assertMessage("Open.registerBuffer: 'w' is already registered as a parameter", () -> m.addBuffer("w", Tensor.ones(1)));
        assertMessage("Open.registerParameter: 'b' is already registered as a buffer", () -> m.addParameter("b", Tensor.ones(1)));
        assertMessage("Open.registerModule: 'c' is already registered as a module", () -> m.addModule("c", new ReLU()));
        assertMessage("Open.registerParameter: parameter name must not be empty", () -> m.addParameter("", Tensor.ones(1)));
        assertMessage("Open.registerBuffer: buffer name must not be null", () -> m.addBuffer(null, Tensor.ones(1)));
        assertMessage("Open.registerModule: module name 'a.b' must not contain '.' (dots separate the levels of state-dict keys)",
                () -> m.addModule("a.b", new ReLU()));
        assertMessage("Open.registerParameter: the tensor for 'x' is null (a layer without that parameter registers none)",
                () -> m.addParameter("x", null));
        assertMessage("Open.registerModule: the module for 'x' is null", () -> m.addModule("x", null));
        assertMessage("Open.registerParameter: parameter 'i' must be a floating-point tensor, got int64; register it as a "
                + "buffer instead", () -> m.addParameter("i", Tensor.of(1L, 2L)));
        Tensor leaf = Tensor.ones(2).requiresGrad(true);
        assertMessage("Open.registerParameter: parameter 'y' is the result of '" + leaf.mul(2).gradFn().name()
                + "'; parameters must be leaves, pass x.detach()", () -> m.addParameter("y", leaf.mul(2)));
        assertMessage("Open.registerModule: registering 'self' would make a cycle (that module is this one or contains it)",
                () -> m.addModule("self", m));
        var parent = new Open();
        parent.addModule("child", m);
        assertMessage("Open.registerModule: registering 'up' would make a cycle (that module is this one or contains it)",
                () -> m.addModule("up", parent));
        Tensor p = new Open().addParameter("p", Tensor.zeros(2));
        assertTrue(p.requiresGrad(), "registerParameter marks the tensor requiresGrad(true)");
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
    }

    @Test
    void strictLoadReportsMissingUnexpectedAndMisShapedKeysTogether() {
        var model = new Sequential(new Linear(4, 3), new ReLU(), new Linear(3, 2));
        Tensor before = model.get(0).namedParameters().get("weight").copy();
        var state = model.stateDict();
        state.remove("0.bias");
        state.remove("2.bias");
        state.put("2.weight", Tensor.zeros(2, 5));
        state.put("1.weight", Tensor.zeros(1));
        state.put("0.weight", Tensor.ones(3, 4));
        var e = assertThrows(IllegalArgumentException.class, () -> model.loadStateDict(state));
        assertEquals("""
                Sequential.loadStateDict: the state dict does not match the module (nothing was loaded):
                  missing keys: [0.bias, 2.bias]
                  unexpected keys: [1.weight]
                  mis-shaped: 2.weight: expected [2, 3], got [2, 5]""", e.getMessage());
        TensorAssert.assertBitEqual(before, model.get(0).namedParameters().get("weight"), "a failed strict load loads nothing");

        var result = model.loadStateDict(state, false);
        assertEquals(List.of("0.bias", "2.bias"), result.missingKeys());
        assertEquals(List.of("1.weight"), result.unexpectedKeys());
        assertEquals(List.of("2.weight: expected [2, 3], got [2, 5]"), result.misShapedKeys());
        assertFalse(result.isClean());
        TensorAssert.assertBitEqual(Tensor.ones(3, 4), model.get(0).namedParameters().get("weight"),
                "a non-strict load loads the keys that match");
    }

    @Test
    void loadKeepsTheTensorsAndConvertsTheDtype() {
        var fc = new Linear(2, 2);
        Tensor w = fc.weight();
        var state = new LinkedHashMap<String, Tensor>();
        state.put("weight", Tensor.of(new double[][] {{1, 2}, {3, 4}}));
        state.put("bias", Tensor.of(0.5, 0.25));
        assertTrue(fc.loadStateDict(state, true).isClean());
        assertSame(w, fc.weight(), "loading copies into the existing parameter, which an optimizer may hold");
        assertEquals(DType.FLOAT32, w.dtype());
        assertArrayEquals(new float[] {1, 2, 3, 4}, w.toFloatArray());
        assertTrue(w.requiresGrad());
    }

    @Test
    void stateDictHoldsDetachedCopies() {
        var fc = new Linear(2, 2);
        var state = fc.stateDict();
        assertFalse(state.get("weight").requiresGrad());
        state.get("weight").fill(7);
        assertFalse(fc.weight().toFloatArray()[0] == 7f);
    }

    @Test
    void trainAndEvalPropagateToEveryDescendant() {
        var model = new Sequential(new Sequential(new Dropout(0.5), new Linear(2, 2)), new Dropout(0.1));
        for (Module m : model.namedModules().values()) assertTrue(m.isTraining());
        assertSame(model, model.eval());
        for (Module m : model.namedModules().values()) assertFalse(m.isTraining());
        model.train();
        for (Module m : model.namedModules().values()) assertTrue(m.isTraining());
        model.get(0).eval();
        assertTrue(model.isTraining());
        assertFalse(((Sequential) model.get(0)).get(0).isTraining());
    }

    @Test
    void toConvertsParametersAndFloatBuffersKeepingRequiresGrad() {
        var m = new Scaled();
        m.inner.bias().requiresGrad(false);
        m.call(Tensor.ones(2, 3)).sum().backward();
        assertSame(m, m.to(DType.FLOAT64));
        for (Tensor p : m.parameters()) assertEquals(DType.FLOAT64, p.dtype());
        assertTrue(m.param("scale").requiresGrad());
        assertFalse(m.inner.bias().requiresGrad(), "a frozen parameter stays frozen");
        assertEquals(DType.FLOAT64, m.param("scale").grad().dtype(), "the gradient is converted too");
        assertEquals(DType.FLOAT64, m.buffer("running").dtype());
        assertEquals(DType.INT64, m.buffer("steps").dtype(), "integer buffers keep their dtype");
        Tensor y = m.call(Tensor.ones(new int[] {2, 3}, DType.FLOAT64));
        assertEquals(DType.FLOAT64, y.dtype());
        assertTrue(y.requiresGrad());
        var bad = assertThrows(IllegalArgumentException.class, () -> m.to(DType.INT32));
        assertEquals("Scaled.to: expected a floating-point dtype, got int32", bad.getMessage());
    }

    @Test
    void toStringPrintsATreeAsPyTorch() {
        var mlp = new Sequential(new Linear(784, 128), new ReLU());
        assertEquals("""
                Sequential(
                  (0): Linear(in_features=784, out_features=128, bias=true)
                  (1): ReLU()
                )""", mlp.toString());
        var nested = new Sequential(new Flatten(), new Sequential(new Linear(4, 2), new Tanh()), new Dropout(0.1));
        assertEquals("""
                Sequential(
                  (0): Flatten(start_dim=1, end_dim=-1)
                  (1): Sequential(
                    (0): Linear(in_features=4, out_features=2, bias=true)
                    (1): Tanh()
                  )
                  (2): Dropout(p=0.1)
                )""", nested.toString());
    }

    @Test
    void zeroGradClearsEveryGradient() {
        var model = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 1));
        model.call(Tensor.randn(5, 3)).sum().backward();
        for (Tensor p : model.parameters()) assertNotNull(p.grad());
        model.zeroGrad();
        for (Tensor p : model.parameters()) assertNull(p.grad());
    }

    @Test
    void applyVisitsChildrenBeforeParents() {
        var model = new Sequential(new Sequential(new ReLU()), new Tanh());
        var seen = new ArrayList<String>();
        assertSame(model, model.apply(m -> seen.add(m.toString().lines().findFirst().orElseThrow())));
        assertEquals(List.of("ReLU()", "Sequential(", "Tanh()", "Sequential("), seen);
    }

    @Test
    void functionalCallSwapsParametersForOneCall() {
        var fc = new Linear(2, 1, false);
        Tensor original = fc.weight();
        Tensor w2 = Tensor.of(new float[][] {{2, 3}}).requiresGrad(true);
        Tensor y = fc.functionalCall(Map.of("weight", w2), Tensor.of(new float[][] {{1, 1}}));
        assertArrayEquals(new float[] {5}, y.toFloatArray());
        y.sum().backward();
        assertArrayEquals(new float[] {1, 1}, w2.grad().toFloatArray());
        assertNull(original.grad(), "the original parameter took no part");
        assertSame(original, fc.weight(), "the original is back after the call");
        var e = assertThrows(IllegalArgumentException.class, () -> fc.functionalCall(Map.of("bias", w2), Tensor.ones(2)));
        assertEquals("Linear.functionalCall: no parameter 'bias' (has [weight])", e.getMessage());
        var shape = assertThrows(IllegalArgumentException.class,
                () -> fc.functionalCall(Map.of("weight", Tensor.ones(2)), Tensor.ones(2)));
        assertEquals("Linear.functionalCall: parameter 'weight' has shape [1, 2], got [2]", shape.getMessage());
    }

    @Test
    void pathsFollowRegistration() {
        var inner = new Linear(2, 2);
        var model = new Sequential(new Sequential(inner));
        assertEquals("Sequential", model.path());
        assertEquals("0", model.get(0).path());
        assertEquals("0.0", inner.path());
    }
}
