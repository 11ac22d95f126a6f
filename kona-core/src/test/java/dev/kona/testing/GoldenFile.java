package dev.kona.testing;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.kona.DType;
import dev.kona.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Reads the frozen golden files under {@code src/test/resources/golden/} (written by the scripts
 * under {@code tools/}): JSON whose arrays are {@code {"shape": [...], "data": [...], "dtype": ...}}.
 */
public final class GoldenFile {
    private GoldenFile() {}

    /** The parsed JSON object of a test resource such as {@code "/golden/ops.json"}. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> load(String resource) {
        try (InputStream in = GoldenFile.class.getResourceAsStream(resource)) {
            assertNotNull(in, resource + " is missing from the test resources");
            return (Map<String, Object>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The entries of the file's {@code "cases"} list as (name, case) arguments for a parameterized test. */
    @SuppressWarnings("unchecked")
    public static Stream<Arguments> cases(String resource) {
        return ((List<Object>) load(resource).get("cases")).stream()
                .map(c -> (Map<String, Object>) c)
                .map(c -> Arguments.of(c.get("name"), c));
    }

    @SuppressWarnings("unchecked")
    public static double[] doubles(Object list) {
        return ((List<Object>) list).stream().mapToDouble(Json::num).toArray();
    }

    @SuppressWarnings("unchecked")
    public static int[] ints(Object list) {
        return ((List<Object>) list).stream().mapToInt(v -> (int) Json.num(v)).toArray();
    }

    /** A stored array as a float64 reference. */
    @SuppressWarnings("unchecked")
    public static Nd nd(Object array) {
        var m = (Map<String, Object>) array;
        return new Nd(ints(m.get("shape")), doubles(m.get("data")), DType.of((String) m.get("dtype")));
    }

    /** A stored array as a Kona tensor of its dtype. */
    @SuppressWarnings("unchecked")
    public static Tensor tensor(Object array) {
        var m = (Map<String, Object>) array;
        return Make.of(DType.of((String) m.get("dtype")), ints(m.get("shape")), doubles(m.get("data")));
    }
}
