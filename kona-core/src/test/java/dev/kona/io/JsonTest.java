package dev.kona.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void parsesEveryKindOfValueKeepingKeyOrder() {
        Object v = Json.parse(" {\"b\": [1, -2.5e3, true, false, null], \"a\": \"x\\n\\u00e9\\\"\", \"c\": {}} ");
        Map<String, Object> m = Json.asObject(v, "test");
        assertEquals(List.of("b", "a", "c"), new ArrayList<>(m.keySet()));
        assertEquals(Arrays.asList(1L, -2500.0, true, false, null), m.get("b"));
        assertEquals("x\né\"", m.get("a"));
        assertEquals(Map.of(), m.get("c"));
    }

    @Test
    void writesCompactAndPrettyFormsThatParseBack() {
        var m = new LinkedHashMap<String, Object>();
        m.put("units", 128L);
        m.put("rate", 0.2);
        m.put("shape", new int[] {-1, 784});
        m.put("name", "dense \"1\"");
        m.put("nested", List.of(Map.of("k", true)));
        assertEquals("{\"units\":128,\"rate\":0.2,\"shape\":[-1,784],\"name\":\"dense \\\"1\\\"\",\"nested\":[{\"k\":true}]}",
                Json.write(m));
        String pretty = Json.writePretty(m);
        assertTrue(pretty.contains("\n  \"shape\": [-1, 784],\n"), pretty);
        assertEquals(Json.parse(Json.write(m)), Json.parse(pretty));
    }

    @Test
    void nanAndInfinityRoundTripAsPythonWritesThem() {
        assertEquals("[NaN,Infinity,-Infinity]", Json.write(List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)));
        List<Object> back = Json.asArray(Json.parse("[NaN, Infinity, -Infinity]"), "test");
        assertTrue(((Double) back.get(0)).isNaN());
        assertEquals(Double.NEGATIVE_INFINITY, back.get(2));
    }

    @Test
    void errorsNameTheLineAndColumn() {
        var e = assertThrows(IllegalArgumentException.class, () -> Json.parse("{\n  \"a\": 1,\n  \"b\" 2\n}"));
        assertEquals("JSON: expected ':' at line 3, column 7 (offset 18)", e.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Json.parse("[1, 2")).getMessage()
                .contains("unexpected end of input"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":1,\"a\":2}")).getMessage()
                .contains("duplicate key \"a\""));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Json.parse("[1] x")).getMessage()
                .contains("unexpected text after the JSON value"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Json.asObject(List.of(), "config")).getMessage()
                .contains("config: expected a JSON object, got an array"));
    }
}
