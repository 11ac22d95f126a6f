package dev.kona.optim;

import dev.kona.testing.GoldenFile;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kona.Tensor;
import dev.kona.testing.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each scheduler's learning rates (and the momentum or beta1 OneCycleLR cycles) over 30 steps on
 * an optimizer with two parameter groups, against PyTorch's to 1e-12. Frozen by
 * {@code tools/golden_optim.py}.
 */
class SchedulerGoldenTest {

    static Stream<Arguments> cases() {
        return Golden.list("schedulers").stream().map(c -> Arguments.of(c.get("name"), c));
    }

    /** SGD (momentum 0.9) or Adam over two parameter groups with learning rates 0.1 and 0.02. */
    static Optimizer twoGroups(String kind) {
        var g0 = new ParamGroup(List.of(Tensor.zeros(2).requiresGrad(true))).set("lr", 0.1);
        var g1 = new ParamGroup(List.of(Tensor.zeros(3).requiresGrad(true))).set("lr", 0.02);
        return kind.equals("Adam") ? new Adam(List.of(g0, g1)) : new SGD(List.of(g0, g1), SGD.options().momentum(0.9));
    }

    private static IntToDoubleFunction lambda(String name) {
        return switch (name) {
            case "pow0.95" -> e -> Math.pow(0.95, e);
            case "pow0.9" -> e -> Math.pow(0.9, e);
            case "inverse" -> e -> 1.0 / (1.0 + 0.5 * e);
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static double num(Map<String, Object> a, String key, double orElse) {
        return a.containsKey(key) ? Json.num(a.get(key)) : orElse;
    }

    @SuppressWarnings("unchecked")
    static List<Object> build(String kind, Map<String, Object> a, Optimizer opt) {
        return switch (kind) {
            case "StepLR" -> List.of(a.containsKey("gamma")
                    ? new StepLR(opt, (int) num(a, "stepSize", 0), num(a, "gamma", 0))
                    : new StepLR(opt, (int) num(a, "stepSize", 0)));
            case "MultiStepLR" -> List.of(new MultiStepLR(opt, GoldenFile.ints(a.get("milestones")), num(a, "gamma", 0.1)));
            case "ExponentialLR" -> List.of(new ExponentialLR(opt, num(a, "gamma", 0)));
            case "CosineAnnealingLR" -> List.of(new CosineAnnealingLR(opt, (int) num(a, "tMax", 0), num(a, "etaMin", 0)));
            case "LinearLR" -> List.of(a.isEmpty() ? new LinearLR(opt)
                    : new LinearLR(opt, num(a, "startFactor", 0), num(a, "endFactor", 0), (int) num(a, "totalIters", 0)));
            case "LambdaLR" -> {
                List<IntToDoubleFunction> fs = new ArrayList<>();
                for (Object n : (List<Object>) a.get("lambdas")) fs.add(lambda((String) n));
                yield List.of(fs.size() == 1 ? new LambdaLR(opt, fs.get(0)) : new LambdaLR(opt, fs));
            }
            case "OneCycleLR" -> {
                var o = OneCycleLR.options()
                        .pctStart(num(a, "pctStart", 0.3))
                        .annealStrategy("linear".equals(a.get("anneal")) ? OneCycleLR.Anneal.LINEAR : OneCycleLR.Anneal.COS)
                        .divFactor(num(a, "divFactor", 25))
                        .finalDivFactor(num(a, "finalDivFactor", 1e4))
                        .threePhase(Boolean.TRUE.equals(a.get("threePhase")))
                        .cycleMomentum(!Boolean.FALSE.equals(a.get("cycleMomentum")))
                        .baseMomentum(num(a, "baseMomentum", 0.85))
                        .maxMomentum(num(a, "maxMomentum", 0.95));
                yield List.of(new OneCycleLR(opt, GoldenFile.doubles(a.get("maxLr")), (int) num(a, "totalSteps", 0), o));
            }
            case "ReduceLROnPlateau" -> {
                var o = ReduceLROnPlateau.options()
                        .mode("max".equals(a.get("mode")) ? ReduceLROnPlateau.Mode.MAX : ReduceLROnPlateau.Mode.MIN)
                        .factor(num(a, "factor", 0.1))
                        .patience((int) num(a, "patience", 10))
                        .threshold(num(a, "threshold", 1e-4))
                        .thresholdMode("abs".equals(a.get("thresholdMode"))
                                ? ReduceLROnPlateau.ThresholdMode.ABS : ReduceLROnPlateau.ThresholdMode.REL)
                        .cooldown((int) num(a, "cooldown", 0))
                        .eps(num(a, "eps", 1e-8));
                yield List.of(new ReduceLROnPlateau(opt, o, GoldenFile.doubles(a.get("minLr"))));
            }
            case "LinearLR+ExponentialLR" -> List.of(
                    new LinearLR(opt, num(a, "startFactor", 0), num(a, "endFactor", 0), (int) num(a, "totalIters", 0)),
                    new ExponentialLR(opt, num(a, "gamma", 0)));
            default -> throw new IllegalArgumentException("unknown scheduler " + kind);
        };
    }

    private static void compare(String name, String what, int step, double[] actual, double[] expected) {
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(actual[i] - expected[i]) <= 1e-12 * Math.abs(expected[i]) + 1e-18)) {
                fail(name + ": " + what + " of group " + i + " after " + step + " steps is " + actual[i] + ", PyTorch's "
                        + expected[i]);
            }
        }
    }

    @SuppressWarnings("unchecked")
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void learningRatesMatchPyTorch(String name, Map<String, Object> c) {
        Optimizer opt = twoGroups((String) c.get("optimizer"));
        List<Object> scheds = build((String) c.get("scheduler"), (Map<String, Object>) c.get("args"), opt);
        var lrs = (List<Object>) c.get("lrs");
        var momentum = (List<Object>) c.get("momentum");
        String key = "Adam".equals(c.get("optimizer")) ? "beta1" : "momentum";
        double[] metrics = c.containsKey("metrics") ? GoldenFile.doubles(c.get("metrics")) : null;
        for (int step = 0; step < lrs.size(); step++) {
            if (step > 0) {
                opt.step();
                for (Object s : scheds) {
                    if (s instanceof ReduceLROnPlateau r) r.step(metrics[step - 1]);
                    else ((LRScheduler) s).step();
                }
            }
            double[] actual = opt.paramGroups().stream().mapToDouble(ParamGroup::lr).toArray();
            compare(name, "lr", step, actual, GoldenFile.doubles(lrs.get(step)));
            Object last = scheds.get(scheds.size() - 1);
            double[] reported = last instanceof ReduceLROnPlateau r ? r.getLastLr() : ((LRScheduler) last).getLastLr();
            compare(name, "getLastLr", step, reported, GoldenFile.doubles(lrs.get(step)));
            if (momentum != null) {
                double[] m = opt.paramGroups().stream().mapToDouble(g -> g.getDouble(key)).toArray();
                compare(name, key, step, m, GoldenFile.doubles(momentum.get(step)));
            }
        }
    }
}
