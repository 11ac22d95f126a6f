package dev.kona.optim;

import dev.kona.testing.GoldenFile;
import java.util.List;
import java.util.Map;

/** Reads {@code golden/optim.json}, written by {@code tools/golden_optim.py}. */
final class Golden {
    private Golden() {}

    private static Map<String, Object> root;

    static synchronized Map<String, Object> root() {
        if (root == null) root = GoldenFile.load("/golden/optim.json");
        return root;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(String key) {
        return (List<Map<String, Object>>) root().get(key);
    }
}
