package dev.kona.train.schedules;

import dev.kona.testing.GoldenFile;
import dev.kona.testing.Json;
import java.util.Map;

/** Builds Kona's schedule from a Keras class name and {@code get_config()} (as the golden files store them). */
public final class KerasSchedules {
    private KerasSchedules() {}

    public static LearningRateSchedule fromConfig(String className, Map<String, Object> c) {
        return switch (className) {
            case "ExponentialDecay" -> new ExponentialDecay(num(c, "initial_learning_rate"), steps(c, "decay_steps"),
                    num(c, "decay_rate"), (Boolean) c.get("staircase"));
            case "InverseTimeDecay" -> new InverseTimeDecay(num(c, "initial_learning_rate"), steps(c, "decay_steps"),
                    num(c, "decay_rate"), (Boolean) c.get("staircase"));
            case "PolynomialDecay" -> new PolynomialDecay(num(c, "initial_learning_rate"), steps(c, "decay_steps"),
                    num(c, "end_learning_rate"), num(c, "power"), (Boolean) c.get("cycle"));
            case "PiecewiseConstantDecay" -> {
                double[] b = GoldenFile.doubles(c.get("boundaries"));
                long[] boundaries = new long[b.length];
                for (int i = 0; i < b.length; i++) boundaries[i] = (long) b[i];
                yield new PiecewiseConstantDecay(boundaries, GoldenFile.doubles(c.get("values")));
            }
            case "CosineDecay" -> c.get("warmup_target") == null
                    ? new CosineDecay(num(c, "initial_learning_rate"), steps(c, "decay_steps"), num(c, "alpha"))
                    : new CosineDecay(num(c, "initial_learning_rate"), steps(c, "decay_steps"), num(c, "alpha"),
                            num(c, "warmup_target"), steps(c, "warmup_steps"));
            case "CosineDecayRestarts" -> new CosineDecayRestarts(num(c, "initial_learning_rate"), steps(c, "first_decay_steps"),
                    num(c, "t_mul"), num(c, "m_mul"), num(c, "alpha"));
            default -> throw new IllegalArgumentException("no Kona schedule for Keras's " + className);
        };
    }

    private static double num(Map<String, Object> c, String key) {
        return Json.num(c.get(key));
    }

    private static long steps(Map<String, Object> c, String key) {
        return (long) Json.num(c.get(key));
    }
}
