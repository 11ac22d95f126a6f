package dev.kona.nn;

import static dev.kona.testing.GoldenFile.nd;
import static dev.kona.testing.GoldenFile.tensor;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.kona.DType;
import dev.kona.Tensor;
import dev.kona.nn.Loss.Reduction;
import dev.kona.testing.GoldenFile;
import dev.kona.testing.Json;
import dev.kona.testing.Make;
import dev.kona.testing.Nd;
import dev.kona.testing.OpInfo.Tol;
import dev.kona.testing.TensorAssert;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every loss and option combination against PyTorch: the loss and the gradient of
 * {@code sum(v * loss)} for each differentiable input, frozen in {@code golden/losses.json} by
 * {@code tools/golden_losses.py}. No Python at test time.
 */
class LossGoldenTest {
    private static final Tol F64 = new Tol(1e-10, 1e-12);
    private static final Tol F32 = new Tol(2e-5, 1e-5);

    static Stream<Arguments> cases() {
        return GoldenFile.cases("/golden/losses.json");
    }

    private static Tensor tensor(Nd n) {
        return Make.of(n.dtype, n.shape, n.data);
    }

    static Tensor compute(String loss, Map<String, Object> args, Map<String, Tensor> t) {
        Reduction r = Reduction.of((String) args.getOrDefault("reduction", "mean"));
        Tensor input = t.get("input"), target = t.get("target"), weight = t.get("weight");
        double margin = args.containsKey("margin") ? Json.num(args.get("margin")) : 0;
        int ignoreIndex = args.containsKey("ignoreIndex") ? (int) Json.num(args.get("ignoreIndex")) : Losses.DEFAULT_IGNORE_INDEX;
        return switch (loss) {
            case "mse" -> new MSELoss(r).apply(input, target);
            case "l1" -> new L1Loss(r).apply(input, target);
            case "smoothL1" -> new SmoothL1Loss(Json.num(args.get("beta")), r).apply(input, target);
            case "huber" -> new HuberLoss(Json.num(args.get("delta")), r).apply(input, target);
            case "bce" -> new BCELoss(weight, r).apply(input, target);
            case "bceWithLogits" -> new BCEWithLogitsLoss(weight, t.get("posWeight"), r).apply(input, target);
            case "crossEntropy" -> new CrossEntropyLoss().withWeight(weight).withIgnoreIndex(ignoreIndex)
                    .withLabelSmoothing(args.containsKey("labelSmoothing") ? Json.num(args.get("labelSmoothing")) : 0)
                    .withReduction(r).apply(input, target);
            case "nll" -> new NLLLoss(weight, ignoreIndex, r).apply(input, target);
            case "klDiv" -> new KLDivLoss(r, Boolean.TRUE.equals(args.get("logTarget"))).apply(input, target);
            case "cosineEmbedding" -> new CosineEmbeddingLoss(margin, r).apply(input, t.get("input2"), target);
            case "marginRanking" -> new MarginRankingLoss(margin, r).apply(input, t.get("input2"), target);
            default -> throw new IllegalArgumentException("unknown loss " + loss);
        };
    }

    @SuppressWarnings("unchecked")
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPyTorch(String name, Map<String, Object> c) {
        var grads = (Map<String, Object>) c.get("grads");
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (var e : ((Map<String, Object>) c.get("tensors")).entrySet()) {
            Tensor t = tensor(nd(e.getValue()));
            if (grads != null && grads.containsKey(e.getKey())) t.requiresGrad(true);
            tensors.put(e.getKey(), t);
        }
        Tensor out = compute((String) c.get("loss"), (Map<String, Object>) c.get("args"), tensors);
        Nd expected = nd(c.get("output"));
        Tol tol = expected.dtype == DType.FLOAT64 ? F64 : F32;
        TensorAssert.assertClose(out, expected, tol, name + ": loss");
        if (grads == null) return;
        out.mul(tensor(nd(c.get("v")))).sum().backward();
        for (var e : grads.entrySet()) {
            Tensor g = tensors.get(e.getKey()).grad();
            assertNotNull(g, name + ": no gradient reached " + e.getKey());
            TensorAssert.assertClose(g, nd(e.getValue()), tol, name + ": gradient of " + e.getKey());
        }
    }
}
