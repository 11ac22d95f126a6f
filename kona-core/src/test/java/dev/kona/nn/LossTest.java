package dev.kona.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.DType;
import dev.kona.Generator;
import dev.kona.Tensor;
import dev.kona.autograd.GradCheck;
import dev.kona.nn.Loss.Reduction;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Gradients by finite differences, stability with extreme logits, and error messages of the losses. */
class LossTest {
    private final Generator g = new Generator(42);

    private Tensor randn(int... shape) {
        return Tensor.randn(g, shape).to(DType.FLOAT64);
    }

    private Tensor rand(int... shape) {
        return Tensor.rand(g, shape).to(DType.FLOAT64);
    }

    private static void check(Function<List<Tensor>, Tensor> f, Tensor... inputs) {
        GradCheck.check(f, List.of(inputs));
    }

    // ---------------------------------------------------------------- gradients (float64)

    /**
     * The fused float32 cross-entropy (rows of logits, class indices) against the same inputs in
     * float64: loss and input gradient, rows longer and shorter than a vector with tails, ignored
     * targets, every reduction (the op database checks the float64 kernel by finite differences).
     */
    @Test
    void fusedFloat32CrossEntropyMatchesFloat64() {
        for (int[] nc : new int[][] {{37, 23}, {5, 64}, {9, 3}}) {
            int n = nc[0], c = nc[1];
            Tensor x32 = Tensor.randn(g, n, c).mul(3);
            long[] t = new long[n];
            for (int i = 0; i < n; i++) t[i] = i % 4 == 1 ? -100 : (i * 7L) % c;
            Tensor target = Tensor.of(t);
            for (Reduction r : List.of(Reduction.MEAN, Reduction.SUM, Reduction.NONE)) {
                Tensor a = x32.detach().requiresGrad(true), b = x32.to(DType.FLOAT64).detach().requiresGrad(true);
                Tensor la = Losses.crossEntropy(a, target, null, -100, 0, r), lb = Losses.crossEntropy(b, target, null, -100, 0, r);
                assertClose(lb, la.to(DType.FLOAT64), 2e-6, "loss " + r + " [" + n + ", " + c + "]");
                Tensor seed = Tensor.randn(g, lb.shape()).to(DType.FLOAT64);
                la.backward(seed.to(DType.FLOAT32));
                lb.backward(seed);
                assertClose(b.grad(), a.grad().to(DType.FLOAT64), 2e-6, "gradient " + r + " [" + n + ", " + c + "]");
            }
        }
    }

    private static void assertClose(Tensor expected, Tensor actual, double rtol, String what) {
        double scale = Math.max(1e-30, expected.abs().max().item());
        double err = expected.sub(actual).abs().max().item();
        assertTrue(err <= rtol * scale, what + ": max error " + err + " against max magnitude " + scale);
    }

    @Test
    void regressionLossesHaveCorrectGradients() {
        Tensor x = randn(3, 4), y = randn(3, 4);
        for (Reduction r : List.of(Reduction.MEAN, Reduction.SUM, Reduction.NONE)) {
            check(in -> Losses.mseLoss(in.get(0), in.get(1), r), x, y);
            check(in -> Losses.l1Loss(in.get(0), in.get(1), r), x, y);
            check(in -> Losses.smoothL1Loss(in.get(0), in.get(1), 0.7, r), x, y);
            check(in -> Losses.huberLoss(in.get(0), in.get(1), 0.7, r), x, y);
        }
    }

    @Test
    void binaryLossesHaveCorrectGradients() {
        Tensor p = randn(3, 4).sigmoid(), t = rand(3, 4), w = rand(4).add(0.5), pw = rand(4).add(0.5);
        check(in -> Losses.binaryCrossEntropy(in.get(0), in.get(1), in.get(2), Reduction.MEAN), p, t, w);
        Tensor z = randn(3, 4).mul(3.0);
        check(in -> Losses.binaryCrossEntropyWithLogits(in.get(0), in.get(1), in.get(2), in.get(3), Reduction.SUM), z, t, w, pw);
        check(in -> Losses.binaryCrossEntropyWithLogits(in.get(0), in.get(1), null, null, Reduction.NONE), z, t);
    }

    @Test
    void crossEntropyHasCorrectGradients() {
        Tensor logits = randn(5, 4), w = rand(4).add(0.5);
        Tensor labels = Tensor.of(new long[] {0, 3, 1, 1, 2});
        Tensor withIgnored = Tensor.of(new long[] {0, -100, 1, 3, 2});
        check(in -> Losses.crossEntropy(in.get(0), in.get(1)), logits, labels);
        check(in -> Losses.crossEntropy(in.get(0), in.get(1), in.get(2), -100, 0.2, Reduction.MEAN), logits, withIgnored, w);
        check(in -> Losses.crossEntropy(in.get(0), in.get(1), null, 1, 0.1, Reduction.NONE), logits, labels);
        check(in -> Losses.crossEntropy(in.get(0), in.get(1), in.get(2), -100, 0.1, Reduction.MEAN),
                logits, randn(5, 4).softmax(1), w);
        check(in -> Losses.crossEntropy(in.get(0), in.get(1)), randn(2, 4, 3), Tensor.of(new long[][] {{0, 3, 1}, {2, 2, 0}}));
        check(in -> Losses.nllLoss(in.get(0), in.get(1), in.get(2), 3, Reduction.MEAN), logits.logSoftmax(1), labels, w);
    }

    @Test
    void distributionAndPairLossesHaveCorrectGradients() {
        Tensor q = randn(3, 4).logSoftmax(1), p = randn(3, 4).softmax(1);
        check(in -> Losses.klDiv(in.get(0), in.get(1), Reduction.BATCHMEAN, false), q, p);
        check(in -> Losses.klDiv(in.get(0), in.get(1), Reduction.MEAN, true), q, p.log());
        Tensor a = randn(4, 3), b = randn(4, 3), y = Tensor.of(1.0, -1.0, -1.0, 1.0);
        check(in -> Losses.cosineEmbeddingLoss(in.get(0), in.get(1), y, -0.3, Reduction.MEAN), a, b);
        Tensor s1 = randn(5), s2 = randn(5), r = Tensor.of(1.0, -1.0, 1.0, -1.0, 1.0);
        check(in -> Losses.marginRankingLoss(in.get(0), in.get(1), r, 0.2, Reduction.SUM), s1, s2);
    }

    // ---------------------------------------------------------------- stability

    private static void assertFinite(Tensor t, String what) {
        for (double v : t.toDoubleArray()) assertTrue(Double.isFinite(v), what + " has a non-finite value: " + t);
    }

    @Test
    void crossEntropyIsStableForLogitsOfAThousand() {
        for (DType dt : List.of(DType.FLOAT32, DType.FLOAT64)) {
            Tensor logits = Tensor.of(new double[][] {{1000, -1000, 0}, {-1000, 1000, 999}, {1e3, 1e3, -1e3}}).to(dt).requiresGrad(true);
            Tensor loss = new CrossEntropyLoss().withLabelSmoothing(0.1).apply(logits, Tensor.of(new long[] {1, 2, 0}));
            assertFinite(loss, "loss");
            loss.backward();
            assertFinite(logits.grad(), "gradient");
            // Row 0 picks -1000 against a max of 1000: the loss is 2000 there, exactly representable.
            Tensor plain = Losses.crossEntropy(logits.detach(), Tensor.of(new long[] {1, 1, 1}), null, -100, 0, Reduction.NONE);
            assertEquals(2000, plain.toDoubleArray()[0], 1e-9);
        }
    }

    @Test
    void bceWithLogitsIsStableForLogitsOfAThousand() {
        Tensor z = Tensor.of(1000f, -1000f, 1000f, -1000f).requiresGrad(true);
        Tensor t = Tensor.of(0f, 1f, 1f, 0f);
        Tensor loss = new BCEWithLogitsLoss(Tensor.of(2f)).apply(z, t);
        assertFinite(loss, "loss");
        assertEquals((1000 + 2 * 1000) / 4.0, loss.item(), 1e-3);
        loss.backward();
        assertFinite(z.grad(), "gradient");
        assertEquals(0.25, z.grad().toDoubleArray()[0], 1e-6);   // d/dz of z/4 with sigmoid(z) = 1
    }

    @Test
    void bceClampsTheLogAtMinusOneHundred() {
        Tensor loss = Losses.binaryCrossEntropy(Tensor.of(0.0, 1.0), Tensor.of(1.0, 0.0), null, Reduction.NONE);
        assertEquals(List.of(100.0, 100.0), List.of(loss.toDoubleArray()[0], loss.toDoubleArray()[1]));
    }

    @Test
    void int32TargetsWorkLikeInt64() {
        Tensor logits = randn(4, 3);
        Tensor a = Losses.crossEntropy(logits, Tensor.of(0, 2, 1, 2));
        Tensor b = Losses.crossEntropy(logits, Tensor.of(new long[] {0, 2, 1, 2}));
        assertEquals(b.item(), a.item(), 0);
    }

    @Test
    void allIgnoredTargetsGiveNaNAsPyTorch() {
        Tensor loss = Losses.crossEntropy(randn(2, 3), Tensor.of(new long[] {-100, -100}));
        assertTrue(Double.isNaN(loss.item()));
    }

    // ---------------------------------------------------------------- errors

    private static void assertMessage(String expected, Executable e) {
        var ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(expected), "message was: " + ex.getMessage());
    }

    @Test
    void errorsNameTheLossAndTheValues() {
        Tensor logits = randn(3, 10);
        assertMessage("CrossEntropyLoss: target 10 is out of range for 10 classes",
                () -> new CrossEntropyLoss().apply(logits, Tensor.of(new long[] {1, 10, 2})));
        assertMessage("CrossEntropyLoss: target -1 is out of range for 10 classes",
                () -> new CrossEntropyLoss().apply(logits, Tensor.of(new long[] {1, -1, 2})));
        assertMessage("CrossEntropyLoss: expected target shape [3] for input of shape [3, 10], got [3, 1]",
                () -> new CrossEntropyLoss().apply(logits, Tensor.of(new long[][] {{1}, {2}, {3}})));
        assertMessage("CrossEntropyLoss: target must hold class indices as int64 or int32 (or class probabilities as floating point), got bool",
                () -> new CrossEntropyLoss().apply(logits, Tensor.of(true, false, true)));
        assertMessage("CrossEntropyLoss: class-probability targets must have the input's shape [3, 10], got [3]",
                () -> new CrossEntropyLoss().apply(logits, Tensor.of(1.0, 2.0, 3.0)));
        assertMessage("CrossEntropyLoss: weight must be a 1-D tensor of 10 elements (one per class), got shape [3]",
                () -> new CrossEntropyLoss().withWeight(Tensor.of(1.0, 2.0, 3.0)).apply(logits, Tensor.of(new long[] {1, 2, 3})));
        assertMessage("CrossEntropyLoss: labelSmoothing must be in [0, 1], got 1.5", () -> new CrossEntropyLoss().withLabelSmoothing(1.5));
        assertMessage("CrossEntropyLoss: input must be a floating-point tensor, got int64",
                () -> Losses.crossEntropy(Tensor.of(new long[][] {{1, 2}}), Tensor.of(new long[] {0})));
        assertMessage("NLLLoss: target 4 is out of range for 3 classes",
                () -> new NLLLoss().apply(randn(2, 3), Tensor.of(new long[] {4, 0})));
        assertMessage("MSELoss: target shape [3, 2] does not match input shape [3, 4]",
                () -> new MSELoss().apply(randn(3, 4), randn(3, 2)));
        assertMessage("L1Loss: target must be a floating-point tensor, got int64",
                () -> new L1Loss().apply(randn(2), Tensor.of(new long[] {1, 2})));
        assertMessage("MSELoss: reduction 'batchmean' is only supported by KLDivLoss", () -> new MSELoss(Reduction.BATCHMEAN));
        assertMessage("Reduction: unknown reduction 'average'", () -> Reduction.of("average"));
        assertMessage("SmoothL1Loss: beta must be finite and >= 0, got -1.0", () -> new SmoothL1Loss(-1));
        assertMessage("HuberLoss: delta must be finite and > 0, got 0.0", () -> new HuberLoss(0));
        assertMessage("BCELoss: input values must be probabilities in [0, 1], found 1.5",
                () -> new BCELoss().apply(Tensor.of(0.5, 1.5), Tensor.of(1.0, 0.0)));
        assertMessage("BCEWithLogitsLoss: posWeight of shape [3] does not broadcast to the input's shape [2, 4]",
                () -> new BCEWithLogitsLoss(Tensor.of(1.0, 2.0, 3.0)).apply(randn(2, 4), rand(2, 4)));
        assertMessage("CosineEmbeddingLoss: target shape [3] does not match the expected [4]",
                () -> new CosineEmbeddingLoss().apply(randn(4, 2), randn(4, 2), Tensor.of(1.0, 1.0, -1.0)));
        assertMessage("MarginRankingLoss: input1 [3], input2 [3] and target [2] must have one shape",
                () -> new MarginRankingLoss().apply(randn(3), randn(3), Tensor.of(1.0, -1.0)));
    }

    @Test
    void reductionParsesPyTorchNames() {
        assertEquals(Reduction.BATCHMEAN, Reduction.of("batchmean"));
        assertEquals(Reduction.NONE, Reduction.of("none"));
        assertEquals("sum", Reduction.SUM.toString());
    }

    @Test
    void klDivBatchmeanIsTheSumOverTheBatchSize() {
        Tensor q = randn(4, 3).logSoftmax(1), p = randn(4, 3).softmax(1);
        double sum = Losses.klDiv(q, p, Reduction.SUM, false).item();
        assertEquals(sum / 4, new KLDivLoss(Reduction.BATCHMEAN, false).apply(q, p).item(), 1e-12);
        assertEquals(sum / 12, new KLDivLoss().apply(q, p).item(), 1e-12);
    }
}
