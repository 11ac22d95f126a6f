package dev.kona.optim;

import dev.kona.testing.GoldenFile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kona.DType;
import dev.kona.Tensor;
import dev.kona.nn.Losses;
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
 * The acceptance test against PyTorch: an 8-16-4 MLP built from raw tensors starts from the
 * weights PyTorch used, takes the same 20 steps with each optimizer (and option set, parameter
 * groups, gradient clipping, OneCycleLR), and every loss must match PyTorch's: within 1e-5
 * relative in float32, 1e-10 in float64. Frozen by {@code tools/golden_optim.py}.
 */
class OptimizerGoldenTest {

    static Stream<Arguments> cases() {
        List<Arguments> args = new ArrayList<>();
        for (var c : Golden.list("optimizers")) {
            for (String dt : List.of("float32", "float64")) args.add(Arguments.of(c.get("name"), dt, c));
        }
        return args.stream();
    }

    static Tensor forward(List<Tensor> p, Tensor x) {
        return x.matmul(p.get(0).t()).add(p.get(1)).relu().matmul(p.get(2).t()).add(p.get(3));
    }

    @SuppressWarnings("unchecked")
    static Optimizer build(Map<String, Object> c, List<Tensor> params) {
        var options = (Map<String, Object>) c.get("options");
        List<ParamGroup> groups = new ArrayList<>();
        if (c.get("groups") == null) {
            groups.add(new ParamGroup(params, options));
        } else {
            for (var g : (List<Map<String, Object>>) c.get("groups")) {
                List<Tensor> ps = new ArrayList<>();
                for (int i : GoldenFile.ints(g.get("params"))) ps.add(params.get(i));
                Map<String, Object> merged = new LinkedHashMap<>(options);
                if (g.get("options") != null) merged.putAll((Map<String, Object>) g.get("options"));
                groups.add(new ParamGroup(ps, merged));
            }
        }
        return switch ((String) c.get("optimizer")) {
            case "SGD" -> new SGD(groups, SGD.options());
            case "Adam" -> new Adam(groups);
            case "AdamW" -> new AdamW(groups);
            case "RMSprop" -> new RMSprop(groups, RMSprop.options());
            case "Adagrad" -> new Adagrad(groups, Adagrad.options());
            case "Adamax" -> new Adamax(groups, Adamax.options());
            case "NAdam" -> new NAdam(groups, NAdam.options());
            default -> throw new IllegalArgumentException("unknown optimizer " + c.get("optimizer"));
        };
    }

    @SuppressWarnings("unchecked")
    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("cases")
    void lossesMatchPyTorch(String name, String dtype, Map<String, Object> c) {
        DType dt = DType.of(dtype);
        double rtol = dt == DType.FLOAT32 ? 1e-5 : 1e-10;
        Tensor x = GoldenFile.tensor(Golden.root().get("x")).to(dt);
        Tensor y = GoldenFile.tensor(Golden.root().get("y"));
        List<Tensor> params = new ArrayList<>();
        for (Object t : (List<Object>) Golden.root().get("init")) params.add(GoldenFile.tensor(t).to(dt).copy().requiresGrad(true));
        Optimizer opt = build(c, params);
        var sched = (Map<String, Object>) c.get("scheduler");
        OneCycleLR oneCycle = sched == null ? null
                : new OneCycleLR(opt, Json.num(sched.get("maxLr")), (int) Json.num(sched.get("totalSteps")));
        var clip = (Map<String, Object>) c.get("clip");
        double[] expected = GoldenFile.doubles(((Map<String, Object>) c.get("losses")).get(dtype));
        double[] norms = GoldenFile.doubles(((Map<String, Object>) c.get("norms")).get(dtype));
        for (int step = 0; step < expected.length; step++) {
            opt.zeroGrad();
            Tensor loss = Losses.crossEntropy(forward(params, x), y);
            double v = loss.item();
            if (!(Math.abs(v - expected[step]) <= rtol * Math.abs(expected[step]))) {
                fail(name + " (" + dtype + "): loss after " + step + " steps is " + v + ", PyTorch's " + expected[step]
                        + " (relative error " + Math.abs(v - expected[step]) / Math.abs(expected[step]) + ")");
            }
            if (step == expected.length - 1) break;
            loss.backward();
            if (clip != null && clip.get("kind").equals("norm")) {
                double norm = ClipGrad.clipGradNorm(params, Json.num(clip.get("maxNorm")), Json.num(clip.get("normType")));
                assertEquals(norms[step], norm, rtol * norms[step], name + ": total norm at step " + step);
            } else if (clip != null) {
                ClipGrad.clipGradValue(params, Json.num(clip.get("clip")));
            }
            opt.step();
            if (oneCycle != null) oneCycle.step();
        }
    }
}
