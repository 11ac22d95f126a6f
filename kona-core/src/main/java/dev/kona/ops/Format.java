package dev.kona.ops;

import dev.kona.DType;
import dev.kona.Tensor;
import java.util.Locale;

/**
 * PyTorch's tensor printing: {@code tensor([[1.0000, 2.5000], [3.0000, 4.0000]])}, integer-valued
 * floats as {@code 1.}, scientific notation when magnitudes span more than 1000x, tensors over
 * 1000 elements summarised with {@code ...}, and the dtype named when it is not the default.
 */
public final class Format {
    private Format() {}

    private static final int THRESHOLD = 1000;
    private static final int EDGE = 3;
    private static final int LINE_WIDTH = 80;

    public static String format(Tensor t) {
        String prefix = "tensor(";
        StringBuilder sb = new StringBuilder(prefix);
        Tensor c = t.detach().to(dev.kona.Device.CPU);   // one copy from the device, then host reads
        boolean summarize = c.numel() > THRESHOLD;
        if (c.numel() == 0) {
            sb.append("[]");
        } else {
            var f = formatter(c, summarize);
            body(sb, c, f, summarize, prefix.length());
        }
        StringBuilder suffix = new StringBuilder();
        if (c.numel() == 0 && c.dim() != 1) {
            suffix.append(", size=").append(java.util.Arrays.toString(c.shape()).replace('[', '(').replace(']', ')'));
        }
        // An empty tensor has no elements to show that it is int64 or bool, so PyTorch names those too.
        boolean defaultDtype = t.dtype() == DType.FLOAT32
                || (c.numel() > 0 && (t.dtype() == DType.INT64 || t.dtype() == DType.BOOL));
        if (!defaultDtype) {
            suffix.append(", dtype=").append(t.dtype());
        }
        if (!t.device().equals(dev.kona.Device.CPU)) suffix.append(", device='").append(t.device()).append("'");
        return sb.append(suffix).append(')').toString();
    }

    /** Formats one value to a fixed-width string. */
    private interface ElementFormatter {
        String format(double v);
        int width();
    }

    private static ElementFormatter formatter(Tensor t, boolean summarize) {
        double[] values = summarize ? sampledValues(t) : t.toDoubleArray();
        DType dt = t.dtype();
        if (dt == DType.BOOL) return widthOver(values, values, v -> v != 0 ? "True" : "False");
        if (!dt.isFloatingPoint()) {
            long[] lv = summarize ? (long[]) sampledLongs(t) : t.toLongArray();
            int w = 1;
            for (long v : lv) w = Math.max(w, Long.toString(v).length());
            int width = w;
            return new ElementFormatter() {
                public String format(double v) { return pad(Long.toString((long) v), width); }
                public int width() { return width; }
            };
        }
        // As PyTorch: the mode and the width come from the non-zero finite values only.
        double[] finite = java.util.Arrays.stream(values).filter(v -> Double.isFinite(v) && v != 0).toArray();
        double maxAbs = 0, minAbs = Double.POSITIVE_INFINITY;
        boolean intMode = true;
        for (double v : finite) {
            double a = Math.abs(v);
            maxAbs = Math.max(maxAbs, a);
            minAbs = Math.min(minAbs, a);
            if (v != Math.rint(v)) intMode = false;
        }
        boolean sci = finite.length > 0 && (maxAbs / minAbs > 1000 || maxAbs > 1e8 || (!intMode && minAbs < 1e-4));
        boolean im = intMode, sc = sci;
        return widthOver(values, finite, v -> one(v, im, sc));
    }

    private static String one(double v, boolean intMode, boolean sci) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        if (sci) return String.format(Locale.ROOT, "%.4e", v);
        if (intMode) return String.format(Locale.ROOT, "%.0f.", v);
        return String.format(Locale.ROOT, "%.4f", v);
    }

    /** Pads every value to the widest of {@code widthFrom}'s formatted values. */
    private static ElementFormatter widthOver(double[] values, double[] widthFrom, java.util.function.DoubleFunction<String> fn) {
        int w = 1;
        for (double v : widthFrom) w = Math.max(w, fn.apply(v).length());
        int width = w;
        return new ElementFormatter() {
            public String format(double v) { return pad(fn.apply(v), width); }
            public int width() { return width; }
        };
    }

    private static String pad(String s, int w) {
        return s.length() >= w ? s : " ".repeat(w - s.length()) + s;
    }

    private static Object sampledLongs(Tensor t) {
        return sampled(t).toLongArray();
    }

    private static double[] sampledValues(Tensor t) {
        return sampled(t).toDoubleArray();
    }

    // The elements shown when summarising: the first and last EDGE along every dimension.
    private static Tensor sampled(Tensor t) {
        Tensor s = t;
        for (int d = 0; d < s.dim(); d++) {
            int n = s.size(d);
            if (n > 2 * EDGE) {
                s = Tensor.cat(java.util.List.of(s.narrow(d, 0, EDGE), s.narrow(d, n - EDGE, EDGE)), d);
            }
        }
        return s;
    }

    private static void body(StringBuilder sb, Tensor t, ElementFormatter f, boolean summarize, int indent) {
        if (t.dim() == 0) {
            sb.append(f.format(t.item()).strip());
            return;
        }
        int n = t.size(0);
        sb.append('[');
        if (t.dim() == 1) {
            double[] v = t.toDoubleArray();
            java.util.List<String> data = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (summarize && n > 2 * EDGE && i == EDGE) {
                    data.add(" ...");
                    i = n - EDGE;
                }
                data.add(f.format(v[i]));
            }
            int perLine = Math.max(1, (LINE_WIDTH - indent) / (f.width() + 2));
            for (int i = 0; i < data.size(); i += perLine) {
                if (i > 0) sb.append(",\n").append(" ".repeat(indent + 1));
                sb.append(String.join(", ", data.subList(i, Math.min(data.size(), i + perLine))));
            }
            sb.append(']');
            return;
        }
        String sep = "," + "\n".repeat(t.dim() - 1) + " ".repeat(indent + 1);
        for (int i = 0; i < n; i++) {
            if (summarize && n > 2 * EDGE && i == EDGE) {
                sb.append("...").append(sep);
                i = n - EDGE;
            }
            body(sb, t.select(0, i), f, summarize, indent + 1);
            if (i < n - 1) sb.append(sep);
        }
        sb.append(']');
    }
}
