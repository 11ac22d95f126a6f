package dev.kona.optim;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.kona.DType;
import dev.kona.Tensor;
import dev.kona.testing.Json;
import dev.kona.testing.Make;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Reads {@code golden/optim.json}, written by {@code tools/golden_optim.py}. */
final class Golden {
    private Golden() {}

    private static Map<String, Object> root;

    @SuppressWarnings("unchecked")
    static synchronized Map<String, Object> root() {
        if (root == null) {
            try (InputStream in = Golden.class.getResourceAsStream("/golden/optim.json")) {
                assertNotNull(in, "golden/optim.json is missing from the test resources");
                root = (Map<String, Object>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(String key) {
        return (List<Map<String, Object>>) root().get(key);
    }

    @SuppressWarnings("unchecked")
    static Tensor tensor(Object o) {
        var m = (Map<String, Object>) o;
        int[] shape = ((List<Object>) m.get("shape")).stream().mapToInt(v -> (int) (double) (Double) v).toArray();
        double[] data = ((List<Object>) m.get("data")).stream().mapToDouble(Json::num).toArray();
        return Make.of(DType.of((String) m.get("dtype")), shape, data);
    }

    @SuppressWarnings("unchecked")
    static double[] doubles(Object o) {
        return ((List<Object>) o).stream().mapToDouble(Json::num).toArray();
    }

    @SuppressWarnings("unchecked")
    static int[] ints(Object o) {
        return ((List<Object>) o).stream().mapToInt(v -> (int) Json.num(v)).toArray();
    }
}
