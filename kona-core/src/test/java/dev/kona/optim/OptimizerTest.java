package dev.kona.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.DType;
import dev.kona.Generator;
import dev.kona.MemoryScope;
import dev.kona.Tensor;
import dev.kona.nn.Losses;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Parameter groups, validation, state, state dicts and the step contract of the optimizers. */
class OptimizerTest {
    private static final Tensor X = Tensor.randn(new Generator(3), 6, 5);
    private static final Tensor Y = Tensor.of(new long[] {0, 1, 2, 1, 0, 2});

    /** A 5-4-3 MLP's parameters from a fixed seed. */
    private static List<Tensor> mlp() {
        var g = new Generator(11);
        return List.of(Tensor.randn(g, 4, 5).mul(0.5).requiresGrad(true), Tensor.randn(g, 4).mul(0.1).requiresGrad(true),
                Tensor.randn(g, 3, 4).mul(0.5).requiresGrad(true), Tensor.randn(g, 3).mul(0.1).requiresGrad(true));
    }

    private static List<Tensor> copies(List<Tensor> params) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor p : params) out.add(p.detach().copy().requiresGrad(true));
        return out;
    }

    private static Tensor loss(List<Tensor> p) {
        Tensor logits = X.matmul(p.get(0).t()).add(p.get(1)).relu().matmul(p.get(2).t()).add(p.get(3));
        return Losses.crossEntropy(logits, Y);
    }

    private static void train(Optimizer opt, List<Tensor> params, int steps) {
        for (int i = 0; i < steps; i++) {
            opt.zeroGrad();
            loss(params).backward();
            opt.step();
        }
    }

    private static void assertSameValues(List<Tensor> a, List<Tensor> b) {
        for (int i = 0; i < a.size(); i++) assertArrayEquals(a.get(i).toFloatArray(), b.get(i).toFloatArray(), "parameter " + i);
    }

    private static void assertMessage(String expected, Executable e) {
        var ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(expected), "message was: " + ex.getMessage());
    }

    /** Every optimizer with non-default options that exercise all of its state. */
    private static final List<Function<List<Tensor>, Optimizer>> ALL = List.of(
            p -> new SGD(p, SGD.options().lr(0.1).momentum(0.9).nesterov(true).weightDecay(1e-3)),
            p -> new Adam(p, Adam.options().lr(1e-2).amsgrad(true).weightDecay(1e-3)),
            p -> new AdamW(p, AdamW.options().lr(1e-2).amsgrad(true)),
            p -> new RMSprop(p, RMSprop.options().lr(1e-2).momentum(0.5).centered(true)),
            p -> new Adagrad(p, Adagrad.options().lr(0.1).initialAccumulatorValue(0.1).lrDecay(0.01)),
            p -> new Adamax(p, Adamax.options().lr(1e-2)),
            p -> new NAdam(p, NAdam.options().lr(1e-2).weightDecay(1e-2).decoupledWeightDecay(true)));

    @Test
    void everyOptimizerLowersTheLoss() {
        for (var make : ALL) {
            List<Tensor> params = mlp();
            Optimizer opt = make.apply(params);
            double before = loss(params).item();
            train(opt, params, 15);
            assertTrue(loss(params).item() < before, opt.name() + " did not lower the loss");
        }
    }

    // ---------------------------------------------------------------- validation

    @Test
    void everyHyperParameterIsValidatedWithItsValue() {
        List<Tensor> p = mlp();
        assertMessage("Adam: invalid beta1 1.5, expected 0 <= beta1 < 1", () -> new Adam(p, Adam.options().beta1(1.5)));
        assertMessage("Adam: invalid beta2 1.0, expected 0 <= beta2 < 1", () -> new Adam(p, Adam.options().beta2(1)));
        assertMessage("Adam: invalid lr -1.0, expected lr >= 0", () -> new Adam(p, -1));
        assertMessage("Adam: invalid eps -1.0E-8, expected eps >= 0", () -> new Adam(p, Adam.options().eps(-1e-8)));
        assertMessage("AdamW: invalid weightDecay -0.1, expected weightDecay >= 0", () -> new AdamW(p, AdamW.options().weightDecay(-0.1)));
        assertMessage("SGD: invalid momentum -0.5, expected momentum >= 0", () -> new SGD(p, SGD.options().momentum(-0.5)));
        assertMessage("SGD: invalid lr NaN, expected lr >= 0", () -> new SGD(p, Double.NaN));
        assertMessage("SGD: Nesterov momentum requires a momentum > 0 and zero dampening, got momentum 0.0 and dampening 0.0",
                () -> new SGD(p, SGD.options().nesterov(true)));
        assertMessage("SGD: Nesterov momentum requires a momentum > 0 and zero dampening, got momentum 0.9 and dampening 0.1",
                () -> new SGD(p, SGD.options().nesterov(true).momentum(0.9).dampening(0.1)));
        assertMessage("RMSprop: invalid alpha -0.5, expected alpha >= 0", () -> new RMSprop(p, RMSprop.options().alpha(-0.5)));
        assertMessage("RMSprop: invalid momentum -1.0, expected momentum >= 0", () -> new RMSprop(p, RMSprop.options().momentum(-1)));
        assertMessage("Adagrad: invalid lrDecay -1.0, expected lrDecay >= 0", () -> new Adagrad(p, Adagrad.options().lrDecay(-1)));
        assertMessage("Adagrad: invalid initialAccumulatorValue -0.1, expected initialAccumulatorValue >= 0",
                () -> new Adagrad(p, Adagrad.options().initialAccumulatorValue(-0.1)));
        assertMessage("Adamax: invalid beta1 -0.1, expected 0 <= beta1 < 1", () -> new Adamax(p, Adamax.options().beta1(-0.1)));
        assertMessage("NAdam: invalid momentumDecay -0.004, expected momentumDecay >= 0",
                () -> new NAdam(p, NAdam.options().momentumDecay(-4e-3)));
    }

    @Test
    void parameterGroupsAreCheckedAndNamedInMessages() {
        List<Tensor> p = mlp();
        var first = new ParamGroup(p.subList(0, 2));
        assertMessage("SGD: invalid lr -1.0, expected lr >= 0 (param group 1)",
                () -> new SGD(List.of(first, new ParamGroup(p.subList(2, 4)).set("lr", -1)), SGD.options()));
        assertMessage("Adam: unknown hyper-parameter 'betas' (param group 1); expected one of lr, beta1, beta2, eps, weightDecay, amsgrad, maximize, epsHat",
                () -> new Adam(List.of(new ParamGroup(p.subList(0, 2)), new ParamGroup(p.subList(2, 4)).set("betas", 0.9))));
        assertMessage("Adam: hyper-parameter 'amsgrad' must be a boolean, got 1.0",
                () -> new Adam(List.of(new ParamGroup(p, Map.of("amsgrad", 1)))));
        assertMessage("Adam: got an empty parameter list", () -> new Adam(List.<Tensor>of(), 1e-3));
        assertMessage("appears in more than one parameter group",
                () -> new Adam(List.of(new ParamGroup(p.subList(0, 2)), new ParamGroup(p.subList(1, 3)))));
        assertMessage("appears twice in the group", () -> new Adam(List.of(p.get(0), p.get(0)), 1e-3));
        assertMessage("Adam: can't optimize a non-leaf tensor (the result of 'mul')", () -> new Adam(List.of(p.get(0).mul(2.0)), 1e-3));
        assertMessage("Adam: can only optimize floating-point tensors, got int64", () -> new Adam(List.of(Tensor.arange(3)), 1e-3));
        assertMessage("ParamGroup: hyper-parameter 'lr' is a number, got true", () -> new ParamGroup(p).set("lr", 0.1).set("lr", true));
    }

    @Test
    void groupsTakeTheDefaultsTheyDoNotSet() {
        List<Tensor> p = mlp();
        var backbone = new ParamGroup(p.subList(0, 2)).set("lr", 1e-4);
        var head = new ParamGroup(p.subList(2, 4));
        var opt = new Adam(List.of(backbone, head), Adam.options().lr(1e-2).betas(0.8, 0.95));
        assertSame(backbone, opt.paramGroups().get(0));
        assertEquals(1e-4, backbone.lr());
        assertEquals(1e-2, head.lr());
        assertEquals(0.8, backbone.getDouble("beta1"));
        assertEquals(0.95, head.getDouble("beta2"));
        assertEquals(false, head.getBoolean("amsgrad"));
        assertEquals(List.of("lr", "beta1", "beta2", "eps", "weightDecay", "amsgrad", "maximize", "epsHat"), List.copyOf(opt.defaults().keySet()));
        assertEquals(1e-2, new AdamW(p).defaults().get("weightDecay"));
        assertEquals(1e-3, new SGD(p, SGD.options()).defaults().get("lr"));
        assertEquals(2e-3, new NAdam(p).defaults().get("lr"));
    }

    @Test
    void addParamGroupAddsLaterLayers() {
        List<Tensor> p = mlp();
        var opt = new SGD(p.subList(0, 2), 0.1);
        opt.addParamGroup(new ParamGroup(p.subList(2, 4)).set("lr", 0.5));
        assertEquals(2, opt.paramGroups().size());
        assertEquals(0.0, opt.paramGroups().get(1).getDouble("momentum"));
        assertMessage("appears in more than one parameter group (param group 2)", () -> opt.addParamGroup(new ParamGroup(p.subList(0, 1))));
    }

    // ---------------------------------------------------------------- the step

    @Test
    void zeroGradDropsOrZeroesGradients() {
        List<Tensor> p = mlp();
        var opt = new SGD(p, 0.1);
        loss(p).backward();
        opt.zeroGrad(false);
        assertEquals(0.0, p.get(0).grad().abs().sum().item());
        opt.zeroGrad();
        for (Tensor t : p) assertNull(t.grad());
    }

    @Test
    void parametersWithoutGradientsAreLeftAlone() {
        List<Tensor> p = mlp();
        var frozen = p.get(0).detach().copy();
        var opt = new Adam(p, 0.1);
        loss(p).backward();
        p.get(0).setGrad(null);
        opt.step();
        assertArrayEquals(frozen.toFloatArray(), p.get(0).toFloatArray());
        assertTrue(opt.state(p.get(0)).isEmpty());
        assertEquals(1, opt.state(p.get(1)).step());
        assertNotNull(opt.state(p.get(1)).buffer("expAvg"));
        assertNotNull(opt.state(p.get(1)).buffer("expAvgSq"));
        assertNull(opt.state(p.get(1)).buffer("maxExpAvgSq"));
    }

    @Test
    void stepWithAClosureReturnsItsLoss() {
        List<Tensor> p = mlp();
        var opt = new SGD(p, 0.5);
        Tensor first = opt.step(() -> {
            opt.zeroGrad();
            Tensor l = loss(p);
            l.backward();
            return l;
        });
        assertTrue(loss(p).item() < first.item());
    }

    @Test
    void stateSurvivesTheTrainingLoopsMemoryScope() {
        // Optimizer state is created inside the first step, typically inside a per-step scope.
        for (var make : ALL) {
            List<Tensor> a = mlp(), b = mlp();
            Optimizer scoped = make.apply(a), plain = make.apply(b);
            for (int i = 0; i < 4; i++) {
                try (var scope = MemoryScope.open()) {
                    scoped.zeroGrad();
                    loss(a).backward();
                    scoped.step();
                }
            }
            train(plain, b, 4);
            assertSameValues(b, a);
            scoped.stateDict();
        }
    }

    @Test
    void nonContiguousAndHalfPrecisionParametersAreUpdated() {
        Tensor base = Tensor.randn(new Generator(5), 3, 4);
        Tensor transposed = base.detach().copy().t().detach().requiresGrad(true);   // a strided leaf
        Tensor contiguous = base.t().contiguous().requiresGrad(true);
        assertTrue(!transposed.isContiguous());
        var o1 = new Adam(List.of(transposed), 0.1);
        var o2 = new Adam(List.of(contiguous), 0.1);
        for (int i = 0; i < 3; i++) {
            for (var pair : List.of(List.of(transposed, o1), List.of(contiguous, o2))) {
                Tensor t = (Tensor) pair.get(0);
                ((Optimizer) pair.get(1)).zeroGrad();
                t.square().mul(Tensor.arange(0.0, 12.0, 1.0).reshape(4, 3)).sum().backward();
                ((Optimizer) pair.get(1)).step();
            }
        }
        // The contiguous parameter takes the fused kernel, the strided one the tensor-op path: the
        // same algorithm, rounded differently in float32 (both are checked against PyTorch goldens).
        assertArrayEquals(contiguous.toFloatArray(), transposed.contiguous().toFloatArray(), 1e-5f);

        Tensor half = Tensor.of(1f, -2f, 3f).to(DType.BFLOAT16).requiresGrad(true);
        var sgd = new SGD(List.of(half), SGD.options().lr(0.25).momentum(0.5));
        for (int i = 0; i < 2; i++) {
            sgd.zeroGrad();
            half.square().sum().backward();
            sgd.step();
        }
        // Gradient 2p. Step 1: b = 2p0, p = p0 / 2. Step 2: b = 0.5 * 2p0 + p0 = 2p0, p = p0 / 2 - 0.25 * 2p0 = 0.
        assertArrayEquals(new float[] {0f, -0f, 0f}, half.toFloatArray(), 1e-6f);
        assertEquals(DType.BFLOAT16, sgd.state(half).buffer("momentumBuffer").dtype());
    }

    @Test
    void adagradCreatesItsAccumulatorsUpFront() {
        List<Tensor> p = mlp();
        var opt = new Adagrad(p, Adagrad.options().initialAccumulatorValue(0.25));
        Tensor sum = opt.state(p.get(2)).buffer("sum");
        assertArrayEquals(new int[] {3, 4}, sum.shape());
        assertEquals(0.25 * 12, sum.sum().item(), 1e-6);
        assertEquals(4, opt.stateDict().state().size());
    }

    // ---------------------------------------------------------------- state dicts

    @Test
    void aLoadedStateDictResumesTrainingExactly() {
        for (var make : ALL) {
            List<Tensor> a = mlp();
            Optimizer original = make.apply(a);
            train(original, a, 5);
            original.paramGroups().get(0).setLr(original.paramGroups().get(0).lr() / 2);
            OptimizerState saved = original.stateDict();

            List<Tensor> b = copies(a);
            Optimizer resumed = make.apply(b);
            resumed.loadStateDict(saved);
            assertEquals(original.paramGroups().get(0).options(), resumed.paramGroups().get(0).options(), original.name());
            train(original, a, 5);
            train(resumed, b, 5);
            assertSameValues(a, b);
        }
    }

    @Test
    void stateDictsAreSnapshots() {
        List<Tensor> p = mlp();
        var opt = new Adam(p, 1e-2);
        train(opt, p, 2);
        OptimizerState saved = opt.stateDict();
        float[] before = saved.state().get(0).buffers().get("expAvg").toFloatArray();
        train(opt, p, 2);
        assertArrayEquals(before, saved.state().get(0).buffers().get("expAvg").toFloatArray());
        assertEquals(2, saved.state().get(0).step());
        assertEquals(List.of(0, 1, 2, 3), saved.paramGroups().get(0).params());
        assertTrue(Double.isNaN(saved.paramGroups().get(0).initialLr()), "no scheduler, no initial lr");
    }

    @Test
    void loadingValidatesSizesBeforeChangingAnything() {
        List<Tensor> p = mlp();
        var opt = new Adam(p, 1e-2);
        train(opt, p, 1);
        OptimizerState saved = opt.stateDict();

        var twoGroups = new Adam(List.of(new ParamGroup(copies(p).subList(0, 2)), new ParamGroup(copies(p).subList(2, 4))));
        assertMessage("Adam: the loaded state has 1 parameter groups, this optimizer has 2", () -> twoGroups.loadStateDict(saved));
        var fewer = new Adam(copies(p).subList(0, 3), 1e-2);
        assertMessage("Adam: parameter group 0 of the loaded state has 4 parameters, this optimizer's has 3", () -> fewer.loadStateDict(saved));

        List<Tensor> reshaped = copies(p);
        reshaped.set(1, Tensor.zeros(5).requiresGrad(true));
        var wrongShape = new Adam(reshaped, 1e-3);
        assertMessage("Adam: buffer 'expAvg' of parameter 1 has shape [4], the parameter has shape [5]", () -> wrongShape.loadStateDict(saved));
        assertEquals(1e-3, wrongShape.paramGroups().get(0).lr(), "nothing changes when loading fails");
        assertTrue(wrongShape.state(reshaped.get(0)).isEmpty());

        var sgd = new SGD(copies(p), 0.1);
        assertMessage("SGD: unknown hyper-parameter 'beta1' (param group 0)", () -> sgd.loadStateDict(saved));
    }
}
