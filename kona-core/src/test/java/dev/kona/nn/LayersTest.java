package dev.kona.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.DType;
import dev.kona.Generator;
import dev.kona.Kona;
import dev.kona.Tensor;
import dev.kona.autograd.Autograd;
import dev.kona.testing.TensorAssert;
import java.util.LinkedHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every layer through {@link LayerContract}, then each layer's own behaviour and error messages. */
class LayersTest {

    private static Arguments layer(String name, Supplier<? extends Module> factory, int[] in, int[] out, long params) {
        return Arguments.of(name, factory, in, out, params);
    }

    private static int[] s(int... shape) {
        return shape;
    }

    static Stream<Arguments> layers() {
        return Stream.of(
                layer("Linear", () -> new Linear(4, 3), s(5, 4), s(5, 3), 15),
                layer("Linear without bias", () -> new Linear(4, 3, false), s(5, 4), s(5, 3), 12),
                layer("Linear on 3-D input", () -> new Linear(4, 2), s(2, 3, 4), s(2, 3, 2), 10),
                layer("Linear on 1-D input", () -> new Linear(4, 2), s(4), s(2), 10),
                layer("LazyLinear", () -> new LazyLinear(3), s(5, 4), s(5, 3), 15),
                layer("Identity", Identity::new, s(2, 3), s(2, 3), 0),
                layer("Flatten", Flatten::new, s(2, 3, 4), s(2, 12), 0),
                layer("Flatten 0..1", () -> new Flatten(0, 1), s(2, 3, 4), s(6, 4), 0),
                layer("Unflatten", () -> new Unflatten(1, 3, 4), s(2, 12), s(2, 3, 4), 0),
                layer("Unflatten with -1", () -> new Unflatten(-1, -1, 2), s(2, 6), s(2, 3, 2), 0),
                layer("Dropout", () -> new Dropout(0.3), s(4, 5), s(4, 5), 0),
                layer("ReLU", ReLU::new, s(3, 4), s(3, 4), 0),
                layer("LeakyReLU", () -> new LeakyReLU(0.1), s(3, 4), s(3, 4), 0),
                layer("ELU", () -> new ELU(0.5), s(3, 4), s(3, 4), 0),
                layer("GELU", GELU::new, s(3, 4), s(3, 4), 0),
                layer("GELU tanh", () -> new GELU("tanh"), s(3, 4), s(3, 4), 0),
                layer("SiLU", SiLU::new, s(3, 4), s(3, 4), 0),
                layer("Sigmoid", Sigmoid::new, s(3, 4), s(3, 4), 0),
                layer("Tanh", Tanh::new, s(3, 4), s(3, 4), 0),
                layer("Softmax", () -> new Softmax(1), s(3, 4), s(3, 4), 0),
                layer("LogSoftmax", () -> new LogSoftmax(-1), s(2, 3, 4), s(2, 3, 4), 0),
                layer("Softplus", () -> new Softplus(2, 10), s(3, 4), s(3, 4), 0),
                layer("Sequential MLP", () -> new Sequential(new Flatten(), new Linear(12, 8), new ReLU(), new Dropout(0.2),
                        new Linear(8, 4), new LogSoftmax(1)), s(3, 3, 4), s(3, 4), 12 * 8 + 8 + 8 * 4 + 4),
                layer("nested Sequential", () -> new Sequential(new Sequential(new Linear(5, 6), new Tanh()),
                        new LazyLinear(2, false)), s(4, 5), s(4, 2), 5 * 6 + 6 + 6 * 2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void layerContract(String name, Supplier<? extends Module> factory, int[] in, int[] out, long params) {
        LayerContract.check(factory, in, out, params);
    }

    // ---------------------------------------------------------------- Linear

    @Test
    void linearNamesItselfAndTheShapesOnABadInput() {
        var fc = new Linear(784, 128);
        var e = assertThrows(IllegalArgumentException.class, () -> fc.call(Tensor.zeros(32, 100)));
        assertEquals("Linear(in_features=784, out_features=128): expected input with last dimension 784, got shape [32, 100]",
                e.getMessage());
        var scalar = assertThrows(IllegalArgumentException.class, () -> fc.call(Tensor.scalar(1)));
        assertEquals("Linear(in_features=784, out_features=128): expected input with last dimension 784, got shape []",
                scalar.getMessage());
        var neg = assertThrows(IllegalArgumentException.class, () -> new Linear(-1, 3));
        assertEquals("Linear: expected non-negative sizes, got in_features=-1, out_features=3", neg.getMessage());
    }

    @Test
    void linearComputesXTimesWTransposedPlusB() {
        var fc = new Linear(2, 2);
        var state = new LinkedHashMap<String, Tensor>();
        state.put("weight", Tensor.of(new float[][] {{1, 2}, {3, 4}}));
        state.put("bias", Tensor.of(10f, 20f));
        fc.loadStateDict(state);
        Tensor y = fc.call(Tensor.of(new float[][] {{1, 1}, {0, 1}}));
        assertArrayEquals(new float[] {13, 27, 12, 24}, y.toFloatArray());
        TensorAssert.assertBitEqual(y, F.linear(Tensor.of(new float[][] {{1, 1}, {0, 1}}), fc.weight(), fc.bias()), "F.linear");
        var e = assertThrows(IllegalArgumentException.class, () -> F.linear(Tensor.zeros(2, 2), fc.weight(), Tensor.zeros(3)));
        assertEquals("linear: expected a bias of shape [2] for weight [2, 2], got [3]", e.getMessage());
    }

    /** PyTorch's default: kaiming_uniform_(a=√5) is U(-1/√in, 1/√in); the bias uses the same bound. */
    @Test
    void linearDefaultInitIsPyTorchsUniformOneOverSqrtIn() {
        Kona.manualSeed(1);
        var fc = new Linear(784, 128);
        double bound = 1 / Math.sqrt(784);
        float[] w = fc.weight().toFloatArray();
        int[] bins = new int[10];
        double sum = 0, sq = 0, max = 0;
        for (float v : w) {
            max = Math.max(max, Math.abs(v));
            sum += v;
            sq += (double) v * v;
            bins[Math.min(9, (int) ((v + bound) / (2 * bound) * 10))]++;
        }
        assertTrue(max <= (float) bound, "max |w| = " + max + " exceeds 1/sqrt(784) = " + bound);
        assertTrue(max > 0.99 * bound, "the weights should reach close to the bound, max |w| = " + max);
        double mean = sum / w.length, std = Math.sqrt(sq / w.length - mean * mean);
        assertEquals(0, mean, 0.01 * bound);
        assertEquals(bound / Math.sqrt(3), std, 0.01 * bound);
        for (int b : bins) assertEquals(w.length / 10.0, b, w.length * 0.005, "roughly uniform: 10 equal bins");
        for (float v : fc.bias().toFloatArray()) assertTrue(Math.abs(v) <= (float) bound);
    }

    @Test
    void linearInitIsReproducibleFromTheGlobalSeedOrAGenerator() {
        Kona.manualSeed(5);
        Tensor a = new Linear(6, 3).weight();
        Kona.manualSeed(5);
        TensorAssert.assertBitEqual(a, new Linear(6, 3).weight(), "same global seed");
        TensorAssert.assertBitEqual(new Linear(6, 3, true, new Generator(9)).weight(),
                new Linear(6, 3, true, new Generator(9)).weight(), "same generator seed");
    }

    @Test
    void lazyLinearBuildsAtTheFirstCall() {
        var fc = new LazyLinear(3);
        assertFalse(fc.isBuilt());
        assertEquals(0, fc.numParameters());
        assertEquals("LazyLinear(in_features=?, out_features=3, bias=true)", fc.toString());
        fc.call(Tensor.zeros(new int[] {2, 7}, DType.FLOAT64));
        assertEquals(7, fc.inFeatures());
        assertEquals(DType.FLOAT64, fc.parameters().get(0).dtype(), "built in the input's dtype");
        assertEquals(24, fc.numParameters());
        var e = assertThrows(IllegalArgumentException.class, () -> fc.call(Tensor.zeros(2, 5)));
        assertEquals("LazyLinear(in_features=7, out_features=3): expected input with last dimension 7, got shape [2, 5]",
                e.getMessage());
        var rebuild = assertThrows(IllegalStateException.class, () -> fc.build(5));
        assertEquals("LazyLinear(in_features=7, out_features=3): already built for in_features=7, cannot rebuild for 5",
                rebuild.getMessage());
    }

    // ---------------------------------------------------------------- Dropout

    @Test
    void dropoutZeroesAboutPAndScalesTheRest() {
        var drop = new Dropout(0.25, new Generator(3));
        Tensor x = Tensor.ones(200, 100);
        float[] y = drop.call(x).toFloatArray();
        int zeros = 0;
        for (float v : y) {
            if (v == 0) zeros++;
            else assertEquals(1 / 0.75f, v, 1e-6f);
        }
        assertEquals(0.25, zeros / (double) y.length, 0.01);
        assertSame(x, drop.eval().call(x), "identity in evaluation mode");
    }

    @Test
    void dropoutGradientIsTheScaledMask() {
        Tensor x = Tensor.ones(50).requiresGrad(true);
        Tensor y = F.dropout(x, 0.5, true, new Generator(4));
        y.sum().backward();
        TensorAssert.assertBitEqual(y.detach(), x.grad(), "d(sum y)/dx = mask / (1 - p)");
    }

    @Test
    void dropoutMasksFollowTheSeed() {
        Tensor x = Tensor.ones(64);
        Kona.manualSeed(77);
        Tensor a = new Dropout(0.5).call(x);
        Kona.manualSeed(77);
        TensorAssert.assertBitEqual(a, new Dropout(0.5).call(x), "global seed");
        TensorAssert.assertBitEqual(F.dropout(x, 0.5, true, new Generator(1)), F.dropout(x, 0.5, true, new Generator(1)),
                "generator seed");
    }

    @Test
    void dropoutValidatesP() {
        for (double p : new double[] {1.0, -0.1, Double.NaN}) {
            var e = assertThrows(IllegalArgumentException.class, () -> new Dropout(p));
            assertEquals("Dropout: p must be in [0, 1), got " + p, e.getMessage());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> F.dropout(Tensor.ones(2), 1.5, false, null));
        assertEquals("dropout: p must be in [0, 1), got 1.5", e.getMessage());
    }

    // ---------------------------------------------------------------- activations and shapes

    @Test
    void activationsMatchTheirTensorOps() {
        Tensor x = Tensor.randn(new Generator(2), 4, 5);
        TensorAssert.assertBitEqual(x.relu(), new ReLU().call(x), "ReLU");
        TensorAssert.assertBitEqual(x.leakyRelu(0.01), new LeakyReLU().call(x), "LeakyReLU default slope");
        TensorAssert.assertBitEqual(x.elu(1.0), new ELU().call(x), "ELU default alpha");
        TensorAssert.assertBitEqual(x.gelu(), new GELU().call(x), "GELU");
        TensorAssert.assertBitEqual(x.geluTanh(), new GELU("tanh").call(x), "GELU tanh");
        TensorAssert.assertBitEqual(x.softplus(1, 20), new Softplus().call(x), "Softplus defaults");
        TensorAssert.assertBitEqual(x.softmax(0), new Softmax(0).call(x), "Softmax");
        TensorAssert.assertBitEqual(x.logSoftmax(1), new LogSoftmax(1).call(x), "LogSoftmax");
        assertSame(x, new Identity().call(x));
    }

    @Test
    void activationErrorsNameTheLayer() {
        var gelu = assertThrows(IllegalArgumentException.class, () -> new GELU("fast"));
        assertEquals("GELU: approximate must be \"none\" or \"tanh\", got \"fast\"", gelu.getMessage());
        var softplus = assertThrows(IllegalArgumentException.class, () -> new Softplus(0, 20));
        assertEquals("Softplus: beta must be > 0, got 0.0", softplus.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LeakyReLU(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new Unflatten(1));
    }

    @Test
    void layersPrintTheirConfigurationAsPyTorchDoes() {
        assertEquals("LeakyReLU(negative_slope=0.2)", new LeakyReLU(0.2).toString());
        assertEquals("ELU(alpha=1.0)", new ELU().toString());
        assertEquals("GELU(approximate='tanh')", new GELU("tanh").toString());
        assertEquals("Softmax(dim=-1)", new Softmax(-1).toString());
        assertEquals("Softplus(beta=1.0, threshold=20.0)", new Softplus().toString());
        assertEquals("Dropout(p=0.5)", new Dropout().toString());
        assertEquals("Flatten(start_dim=1, end_dim=-1)", new Flatten().toString());
        assertEquals("Unflatten(dim=1, unflattened_size=(1, 28, 28))", new Unflatten(1, 1, 28, 28).toString());
        assertEquals("Linear(in_features=3, out_features=1, bias=false)", new Linear(3, 1, false).toString());
    }

    // ---------------------------------------------------------------- containers

    @Test
    void sequentialIndexesAddsAndIterates() {
        var seq = new Sequential(new Linear(3, 4), new ReLU());
        seq.add(new Linear(4, 2));
        assertEquals(3, seq.size());
        assertTrue(seq.get(-1) instanceof Linear);
        assertTrue(seq.get(1) instanceof ReLU);
        var e = assertThrows(IndexOutOfBoundsException.class, () -> seq.get(3));
        assertEquals("Sequential.get: index 3 is out of range for 3 modules", e.getMessage());
        int n = 0;
        for (Module m : seq) n++;
        assertEquals(3, n);
        assertEquals(java.util.List.of("0.weight", "0.bias", "2.weight", "2.bias"),
                java.util.List.copyOf(seq.namedParameters().keySet()));

        var named = new LinkedHashMap<String, Module>();
        named.put("hidden", new Linear(3, 4));
        named.put("act", new ReLU());
        assertEquals(java.util.List.of("hidden.weight", "hidden.bias"),
                java.util.List.copyOf(new Sequential(named).namedParameters().keySet()));
    }

    @Test
    void moduleListAndDictHoldModulesButDoNotRun() {
        var list = new ModuleList(new Linear(2, 2), new Linear(2, 2));
        list.add(new ReLU());
        assertEquals(3, list.size());
        assertEquals(12, list.numParameters());
        var e = assertThrows(UnsupportedOperationException.class, () -> list.call(Tensor.zeros(2)));
        assertEquals("ModuleList has no forward; iterate over its modules and call them", e.getMessage());

        var dict = new ModuleDict().put("a", new Linear(2, 1)).put("b", new Tanh());
        assertEquals(java.util.List.of("a", "b"), java.util.List.copyOf(dict.keySet()));
        assertTrue(dict.get("b") instanceof Tanh);
        var missing = assertThrows(IllegalArgumentException.class, () -> dict.get("c"));
        assertEquals("ModuleDict.get: no module 'c' (has [a, b])", missing.getMessage());
        var dup = assertThrows(IllegalArgumentException.class, () -> dict.put("a", new ReLU()));
        assertEquals("ModuleDict.registerModule: 'a' is already registered as a module", dup.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> dict.call(Tensor.zeros(2)));
    }

    // ---------------------------------------------------------------- module path in anomaly mode

    private static final class Block extends Module {
        final Linear linear1 = registerModule("linear1", new Linear(3, 3));

        @Override
        public Tensor forward(Tensor x) {
            return linear1.call(x).relu();
        }
    }

    private static final class Encoder extends Module {
        final ModuleList layers = registerModule("layers", new ModuleList(new Block(), new Block(), new Block()));

        @Override
        public Tensor forward(Tensor x) {
            for (Module b : layers) x = b.call(x);
            return x;
        }
    }

    private static final class Model extends Module {
        final Encoder encoder = registerModule("encoder", new Encoder());

        @Override
        public Tensor forward(Tensor x) {
            return encoder.call(x);
        }
    }

    @Test
    void anomalyModeNamesTheModulePath() throws Exception {
        var model = new Model();
        assertEquals("Model", model.path());
        assertEquals("encoder.layers.2.linear1", ((Block) model.encoder.layers.get(2)).linear1.path());
        Init.constant(((Block) model.encoder.layers.get(2)).linear1.weight(), Double.NaN);
        try (var a = Autograd.detectAnomaly()) {
            var e = assertThrows(ArithmeticException.class, () -> model.call(Tensor.ones(2, 3)));
            assertTrue(e.getMessage().contains("in module 'encoder.layers.2.linear1'"), e.getMessage());
        }
    }
}
