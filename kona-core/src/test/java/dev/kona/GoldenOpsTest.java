package dev.kona;

import static dev.kona.testing.GoldenFile.ints;
import static dev.kona.testing.GoldenFile.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kona.testing.GoldenFile;
import dev.kona.testing.Json;
import dev.kona.testing.Nd;
import dev.kona.testing.OpInfo.Tol;
import dev.kona.testing.TensorAssert;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kona against values PyTorch computed, frozen in {@code golden/ops.json} by
 * {@code tools/golden_ops.py} (see the command at the top of the script). No Python at test time.
 */
class GoldenOpsTest {

    static Stream<Arguments> cases() {
        return GoldenFile.cases("/golden/ops.json");
    }

    @SuppressWarnings("unchecked")
    private static List<Tensor> run(String op, Map<String, Object> args, List<Tensor> in) {
        Tensor x = in.get(0);
        java.util.function.ToIntFunction<String> i = k -> (int) (double) (Double) args.get(k);
        java.util.function.ToDoubleFunction<String> d = k -> Json.num(args.get(k));
        java.util.function.Predicate<String> b = k -> (Boolean) args.get(k);
        return switch (op) {
            case "gelu" -> List.of(x.gelu());
            case "geluTanh" -> List.of(x.geluTanh());
            case "silu" -> List.of(x.silu());
            case "sigmoid" -> List.of(x.sigmoid());
            case "tanh" -> List.of(x.tanh());
            case "softmax" -> List.of(x.softmax(i.applyAsInt("dim")));
            case "logSoftmax" -> List.of(x.logSoftmax(i.applyAsInt("dim")));
            case "logsumexp" -> List.of(x.logsumexp(i.applyAsInt("dim")));
            case "softplus" -> List.of(x.softplus(d.applyAsDouble("beta"), d.applyAsDouble("threshold")));
            case "elu" -> List.of(x.elu(d.applyAsDouble("alpha")));
            case "var" -> List.of(x.var(ints(args.get("dims")), d.applyAsDouble("correction"), b.test("keepDim")));
            case "std" -> List.of(x.std(ints(args.get("dims")), d.applyAsDouble("correction"), b.test("keepDim")));
            case "norm" -> List.of(x.norm(d.applyAsDouble("p"), ints(args.get("dims")), b.test("keepDim")));
            case "matmul" -> List.of(x.matmul(in.get(1)));
            case "cumsum" -> List.of(x.cumsum(i.applyAsInt("dim")));
            case "cumprod" -> List.of(x.cumprod(i.applyAsInt("dim")));
            case "sort" -> {
                var r = x.sort(i.applyAsInt("dim"), b.test("descending"));
                yield List.of(r.values(), r.indices());
            }
            case "topk" -> {
                var r = x.topk(i.applyAsInt("k"), i.applyAsInt("dim"), b.test("largest"), true);
                yield List.of(r.values(), r.indices());
            }
            default -> throw new IllegalArgumentException("golden: unknown op " + op);
        };
    }

    @SuppressWarnings("unchecked")
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPyTorch(String name, Map<String, Object> c) {
        List<Tensor> inputs = ((List<Object>) c.get("inputs")).stream().map(GoldenFile::tensor).toList();
        List<Nd> expected = ((List<Object>) c.get("outputs")).stream().map(GoldenFile::nd).toList();
        List<Tensor> out = run((String) c.get("op"), (Map<String, Object>) c.get("args"), inputs);
        assertEquals(expected.size(), out.size());
        for (int k = 0; k < out.size(); k++) {
            Nd e = expected.get(k);
            Tol tol = e.dtype == DType.FLOAT64 ? new Tol(1e-12, 1e-12) : new Tol(1e-5, 1e-6);
            TensorAssert.assertClose(out.get(k), e, tol, name + " output " + k);
        }
    }
}
