package dev.kona.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON reader and writer, enough for model architectures and safetensors headers (kona-core
 * has no third-party dependency).
 *
 * <pre>{@code
 * Object v = Json.parse("{\"units\": 128, \"activation\": \"relu\", \"shape\": [null, 784]}");
 * Map<String, Object> m = Json.asObject(v, "config");   // {units=128, activation=relu, shape=[null, 784]}
 * String s = Json.write(m);                              // {"units":128,"activation":"relu","shape":[null,784]}
 * }</pre>
 *
 * <p>Values map to Java as: object to {@code LinkedHashMap<String, Object>} (key order kept), array
 * to {@code List<Object>}, string to {@code String}, integer to {@code Long}, other numbers to
 * {@code Double}, {@code true}/{@code false} to {@code Boolean}, {@code null} to {@code null}. The
 * writer also takes any {@link Number}, {@code int[]}, {@code long[]}, {@code double[]} and
 * {@link Enum}s (by name). Like Python's {@code json}, {@code NaN} and {@code Infinity} are written
 * and read as bare words. Syntax errors name the line and column.
 */
public final class Json {
    private Json() {}

    // ---------------------------------------------------------------- reading

    /** Parses one JSON value (surrounding whitespace allowed); fails with the line and column of the first error. */
    public static Object parse(String text) {
        var p = new Parser(text);
        p.skipWhitespace();
        Object v = p.value(0);
        p.skipWhitespace();
        if (p.pos < text.length()) throw p.error("unexpected text after the JSON value");
        return v;
    }

    /** {@code value} as a JSON object, or an error naming {@code what} and what it was instead. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> asObject(Object value, String what) {
        if (value instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw new IllegalArgumentException(what + ": expected a JSON object, got " + describe(value));
    }

    /** {@code value} as a JSON array, or an error naming {@code what}. */
    @SuppressWarnings("unchecked")
    public static List<Object> asArray(Object value, String what) {
        if (value instanceof List<?> l) return (List<Object>) l;
        throw new IllegalArgumentException(what + ": expected a JSON array, got " + describe(value));
    }

    /** A short description of a parsed value's type, for messages. */
    public static String describe(Object value) {
        return switch (value) {
            case null -> "null";
            case Map<?, ?> m -> "an object";
            case List<?> l -> "an array";
            case String s -> "the string \"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
            case Boolean b -> b.toString();
            case Number n -> "the number " + n;
            default -> value.getClass().getSimpleName();
        };
    }

    private static final int MAX_DEPTH = 512;

    private static final class Parser {
        final String s;
        int pos;

        Parser(String s) {
            this.s = s;
        }

        IllegalArgumentException error(String message) {
            int line = 1, col = 1;
            for (int i = 0; i < Math.min(pos, s.length()); i++) {
                if (s.charAt(i) == '\n') {
                    line++;
                    col = 1;
                } else {
                    col++;
                }
            }
            return new IllegalArgumentException("JSON: " + message + " at line " + line + ", column " + col
                    + " (offset " + pos + ")");
        }

        void skipWhitespace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
                pos++;
            }
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH + " levels");
            if (pos >= s.length()) throw error("unexpected end of input, expected a value");
            char c = s.charAt(pos);
            return switch (c) {
                case '{' -> object(depth);
                case '[' -> array(depth);
                case '"' -> string();
                case 't' -> word("true", Boolean.TRUE);
                case 'f' -> word("false", Boolean.FALSE);
                case 'n' -> word("null", null);
                case 'N' -> word("NaN", Double.NaN);
                case 'I' -> word("Infinity", Double.POSITIVE_INFINITY);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) yield number();
                    throw error("unexpected character '" + c + "', expected a value");
                }
            };
        }

        private Object word(String w, Object v) {
            if (!s.startsWith(w, pos)) throw error("invalid literal, expected '" + w + "'");
            pos += w.length();
            return v;
        }

        private Map<String, Object> object(int depth) {
            var out = new LinkedHashMap<String, Object>();
            pos++;
            skipWhitespace();
            if (pos < s.length() && s.charAt(pos) == '}') {
                pos++;
                return out;
            }
            while (true) {
                skipWhitespace();
                if (pos >= s.length() || s.charAt(pos) != '"') throw error("expected a string key");
                String key = string();
                skipWhitespace();
                expect(':');
                skipWhitespace();
                if (out.containsKey(key)) throw error("duplicate key \"" + key + "\"");
                out.put(key, value(depth + 1));
                skipWhitespace();
                if (pos >= s.length()) throw error("unexpected end of input, expected ',' or '}'");
                char c = s.charAt(pos++);
                if (c == '}') return out;
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or '}'");
                }
            }
        }

        private List<Object> array(int depth) {
            var out = new ArrayList<>();
            pos++;
            skipWhitespace();
            if (pos < s.length() && s.charAt(pos) == ']') {
                pos++;
                return out;
            }
            while (true) {
                skipWhitespace();
                out.add(value(depth + 1));
                skipWhitespace();
                if (pos >= s.length()) throw error("unexpected end of input, expected ',' or ']'");
                char c = s.charAt(pos++);
                if (c == ']') return out;
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or ']'");
                }
            }
        }

        private void expect(char c) {
            if (pos >= s.length() || s.charAt(pos) != c) throw error("expected '" + c + "'");
            pos++;
        }

        private String string() {
            pos++;
            var sb = new StringBuilder();
            while (true) {
                if (pos >= s.length()) throw error("unterminated string");
                char c = s.charAt(pos++);
                if (c == '"') return sb.toString();
                if (c < 0x20) {
                    pos--;
                    throw error("control character in a string");
                }
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                if (pos >= s.length()) throw error("unterminated escape");
                char e = s.charAt(pos++);
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        if (pos + 4 > s.length()) throw error("truncated \\u escape");
                        try {
                            sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("invalid \\u escape");
                        }
                        pos += 4;
                    }
                    default -> {
                        pos--;
                        throw error("invalid escape '\\" + e + "'");
                    }
                }
            }
        }

        private Object number() {
            int start = pos;
            if (s.charAt(pos) == '-') {
                pos++;
                if (s.startsWith("Infinity", pos)) {
                    pos += "Infinity".length();
                    return Double.NEGATIVE_INFINITY;
                }
            }
            boolean integral = true;
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c >= '0' && c <= '9') {
                    pos++;
                } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                    integral = false;
                    pos++;
                } else {
                    break;
                }
            }
            String t = s.substring(start, pos);
            try {
                if (integral) {
                    try {
                        return Long.parseLong(t);
                    } catch (NumberFormatException tooLarge) {
                        return Double.parseDouble(t);
                    }
                }
                return Double.parseDouble(t);
            } catch (NumberFormatException ex) {
                pos = start;
                throw error("invalid number '" + t + "'");
            }
        }
    }

    // ---------------------------------------------------------------- writing

    /** Compact JSON: no whitespace. */
    public static String write(Object value) {
        var sb = new StringBuilder();
        write(sb, value, -1, 0);
        return sb.toString();
    }

    /** Indented JSON (two spaces), for files people read. */
    public static String writePretty(Object value) {
        var sb = new StringBuilder();
        write(sb, value, 2, 0);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v, int indent, int level) {
        switch (v) {
            case null -> sb.append("null");
            case String str -> quote(sb, str);
            case Boolean b -> sb.append(b);
            case Double d -> number(sb, d);
            case Float f -> number(sb, f.doubleValue());
            case Number n -> sb.append(n.longValue());
            case Enum<?> e -> quote(sb, e.name());
            case int[] a -> {
                List<Object> l = new ArrayList<>();
                for (int x : a) l.add((long) x);
                write(sb, l, indent, level);
            }
            case long[] a -> {
                List<Object> l = new ArrayList<>();
                for (long x : a) l.add(x);
                write(sb, l, indent, level);
            }
            case double[] a -> {
                List<Object> l = new ArrayList<>();
                for (double x : a) l.add(x);
                write(sb, l, indent, level);
            }
            case Map<?, ?> m -> {
                if (m.isEmpty()) {
                    sb.append("{}");
                    return;
                }
                sb.append('{');
                boolean first = true;
                for (var e : m.entrySet()) {
                    if (!(e.getKey() instanceof String k)) {
                        throw new IllegalArgumentException("Json.write: object keys must be strings, got " + e.getKey());
                    }
                    if (!first) sb.append(',');
                    first = false;
                    newline(sb, indent, level + 1);
                    quote(sb, k);
                    sb.append(indent >= 0 ? ": " : ":");
                    write(sb, e.getValue(), indent, level + 1);
                }
                newline(sb, indent, level);
                sb.append('}');
            }
            case List<?> l -> {
                if (l.isEmpty()) {
                    sb.append("[]");
                    return;
                }
                // Short arrays of numbers (shapes) stay on one line even when indenting.
                boolean flat = indent < 0 || l.stream().allMatch(x -> x == null || x instanceof Number);
                sb.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) sb.append(flat && indent >= 0 ? ", " : ",");
                    if (!flat) newline(sb, indent, level + 1);
                    write(sb, l.get(i), indent, level + 1);
                }
                if (!flat) newline(sb, indent, level);
                sb.append(']');
            }
            default -> throw new IllegalArgumentException("Json.write: cannot write a " + v.getClass().getName());
        }
    }

    private static void newline(StringBuilder sb, int indent, int level) {
        if (indent < 0) return;
        sb.append('\n');
        sb.append(" ".repeat(indent * level));
    }

    private static void number(StringBuilder sb, double d) {
        if (Double.isNaN(d)) sb.append("NaN");
        else if (Double.isInfinite(d)) sb.append(d > 0 ? "Infinity" : "-Infinity");
        else sb.append(d);
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }
}
