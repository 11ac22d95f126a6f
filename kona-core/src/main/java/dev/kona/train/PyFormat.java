package dev.kona.train;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Python's number formatting where Keras's output shows it: {@code repr(float)} and {@code str.format} fields. */
final class PyFormat {
    private PyFormat() {}

    /** Python's {@code repr(float)}: the shortest round-tripping digits, {@code 0.0001}, {@code 1e-05}, {@code 2.0}. */
    static String repr(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == 0) return (1 / d < 0) ? "-0.0" : "0.0";
        String sign = d < 0 ? "-" : "";
        BigDecimal bd = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = bd.unscaledValue().toString();
        int exp = digits.length() - 1 - bd.scale();
        if (exp < -4 || exp >= 16) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + String.format(Locale.ROOT, "%02d", Math.abs(exp));
        }
        String plain = bd.toPlainString();
        return sign + (plain.contains(".") ? plain : plain + ".0");
    }

    private static final Pattern FIELD = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?}");
    private static final Pattern SPEC = Pattern.compile("(0)?(\\d+)?(?:\\.(\\d+))?([dfeEgGs%])?");

    /**
     * Python's {@code template.format(**values)} for named fields with simple specs:
     * {@code {epoch:02d}}, {@code {val_loss:.4f}}, {@code {loss:.2e}}, {@code {name}}. Unknown names fail.
     */
    static String format(String template, Map<String, ?> values) {
        Matcher m = FIELD.matcher(template);
        var sb = new StringBuilder();
        while (m.find()) {
            String key = m.group(1);
            if (!values.containsKey(key)) {
                throw new IllegalArgumentException("'" + template + "': no value for {" + key + "} (available: "
                        + String.join(", ", values.keySet()) + ")");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(field(values.get(key), m.group(2), template)));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String field(Object v, String spec, String template) {
        if (spec == null || spec.isEmpty()) {
            return v instanceof Double d ? repr(d) : String.valueOf(v);
        }
        Matcher s = SPEC.matcher(spec);
        if (!s.matches()) throw new IllegalArgumentException("'" + template + "': unsupported format spec '" + spec + "'");
        String zero = s.group(1) == null ? "" : "0";
        String width = s.group(2) == null ? "" : s.group(2);
        String precision = s.group(3) == null ? "" : "." + s.group(3);
        String type = s.group(4) == null ? (v instanceof Double ? "g" : "s") : s.group(4);
        Object value = v;
        switch (type) {
            case "d" -> value = ((Number) v).longValue();
            case "f", "e", "E", "g", "G" -> value = ((Number) v).doubleValue();
            case "%" -> {
                value = ((Number) v).doubleValue() * 100;
                return String.format(Locale.ROOT, "%" + zero + width + (precision.isEmpty() ? ".6" : precision) + "f", value) + "%";
            }
            default -> {
                return String.format(Locale.ROOT, "%" + width + "s", v);
            }
        }
        String javaSpec = "%" + zero + width + (type.equals("d") ? "" : precision.isEmpty() && !type.equals("g") ? ".6" : precision) + type;
        return String.format(Locale.ROOT, javaSpec, value);
    }
}
