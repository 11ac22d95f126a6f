package dev.kona.train;

import java.util.HashMap;
import java.util.Map;

/** Keras's automatic names: snake_case of the class name, then {@code _1}, {@code _2}... per session. */
final class Names {
    private Names() {}

    private static final Map<String, Integer> COUNTS = new HashMap<>();

    /** {@code base} the first time, then {@code base_1}, {@code base_2}... */
    static synchronized String unique(String base) {
        int n = COUNTS.merge(base, 1, Integer::sum);
        return n == 1 ? base : base + "_" + (n - 1);
    }

    static synchronized void clear() {
        COUNTS.clear();
    }

    /** Keras's {@code to_snake_case}: {@code InputLayer} to {@code input_layer}, {@code AUC} to {@code auc}. */
    static String snake(String className) {
        String s = className.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
        s = s.replaceAll("([a-z])([A-Z])", "$1_$2");   // as Keras: Conv2D -> conv2d
        return s.toLowerCase(java.util.Locale.ROOT);
    }

    /** A name in the counter map of one container: {@code base}, then {@code base_1}... */
    static String unique(String base, Map<String, Integer> counts) {
        int n = counts.merge(base, 1, Integer::sum);
        return n == 1 ? base : base + "_" + (n - 1);
    }
}
