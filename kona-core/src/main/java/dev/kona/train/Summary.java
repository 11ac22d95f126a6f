package dev.kona.train;

import dev.kona.Tensor;
import dev.kona.optim.Optimizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Keras 3's {@code model.summary()}, as its rich table prints to a log: the same columns, widths,
 * box-drawing characters, wrapping and totals.
 */
final class Summary {
    private Summary() {}

    /** Keras's width: 88 (108 for graphs), at most the terminal's columns minus 4 ({@code COLUMNS}, else 80). */
    static int defaultLineLength(Model model) {
        int columns = 80;
        String env = System.getenv("COLUMNS");
        if (env != null) {
            try {
                columns = Integer.parseInt(env.trim());
            } catch (NumberFormatException ignored) {
                // shutil.get_terminal_size ignores a malformed COLUMNS too
            }
        }
        return Math.min(sequentialLike(model) ? 88 : 108, columns - 4);
    }

    /** Keras prints a model as a plain stack unless it has several inputs, branches, merges or shared layers. */
    static boolean sequentialLike(Model model) {
        FunctionalGraph g = model.graph();
        if (g == null) return true;
        if (g.inputs.size() > 1 || g.outputs.size() > 1) return false;
        Set<Layer> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (LayerNode n : g.order) {
            if (n.inputs().size() > 1 || !seen.add(n.layer())) return false;
        }
        return true;
    }

    static String render(Model model, int lineLength) {
        boolean seq = sequentialLike(model);
        double[] positions = seq ? new double[] {0.45, 0.80, 1.0} : new double[] {0.3, 0.56, 0.74, 1.0};
        String[] header = seq ? new String[] {"Layer (type)", "Output Shape", "Param #"}
                : new String[] {"Layer (type)", "Output Shape", "Param #", "Connected to"};
        boolean[] right = seq ? new boolean[] {false, false, true} : new boolean[] {false, false, true, false};
        int[] widths = columnWidths(positions, lineLength);

        List<String[]> rows = new ArrayList<>();
        for (Layer layer : model.layers()) rows.add(fields(model, layer, seq));

        var sb = new StringBuilder();
        sb.append("Model: \"").append(model.name()).append("\"\n");
        sb.append(rule('┏', '━', '┳', '┓', widths));
        sb.append(row(header, widths, right, '┃'));
        sb.append(rule('┡', '━', '╇', '┩', widths));
        for (int i = 0; i < rows.size(); i++) {
            sb.append(row(rows.get(i), widths, right, '│'));
            if (i < rows.size() - 1) sb.append(rule('├', '─', '┼', '┤', widths));
        }
        sb.append(rule('└', '─', '┴', '┘', widths));

        long trainable = count(model.trainableWeights()), nonTrainable = count(model.nonTrainableWeights());
        long trainableBytes = bytes(model.trainableWeights()), nonTrainableBytes = bytes(model.nonTrainableWeights());
        long optimizerCount = 0, optimizerBytes = 0;
        Optimizer opt = model.optimizerIfMade();
        if (opt != null) {
            for (var g : opt.paramGroups()) {
                for (Tensor p : g.params()) {
                    for (Tensor b : opt.state(p).buffers().values()) {
                        optimizerCount += b.numel();
                        optimizerBytes += b.numel() * b.dtype().byteSize();
                    }
                }
            }
        }
        sb.append(" Total params: ").append(thousands(trainable + nonTrainable + optimizerCount)).append(" (")
                .append(readableSize(trainableBytes + nonTrainableBytes + optimizerBytes)).append(")\n");
        sb.append(" Trainable params: ").append(thousands(trainable)).append(" (").append(readableSize(trainableBytes)).append(")\n");
        sb.append(" Non-trainable params: ").append(thousands(nonTrainable)).append(" (").append(readableSize(nonTrainableBytes))
                .append(")\n");
        if (optimizerCount > 0) {
            sb.append(" Optimizer params: ").append(thousands(optimizerCount)).append(" (").append(readableSize(optimizerBytes))
                    .append(")\n");
        }
        return sb.toString();
    }

    private static String[] fields(Model model, Layer layer, boolean seq) {
        String name = layer.name() + " (" + layer.className() + ")";
        String shape;
        String params;
        if (!layer.isBuilt()) {
            shape = "?";
            params = "0 (unbuilt)";
        } else {
            shape = KerasTensor.format(layer.outputShape());
            params = thousands(layer.countParams());
        }
        if (seq) return new String[] {name, shape, params};
        return new String[] {name, shape, params, connections(model, layer)};
    }

    /** {@code dense_2[0][0], b[0][0]}: the layers (and their call indices) feeding this layer in the model. */
    private static String connections(Model model, Layer layer) {
        List<String> parts = new ArrayList<>();
        for (LayerNode node : model.graph().order) {
            if (node.layer() != layer) continue;
            for (KerasTensor in : node.inputs()) parts.add(in.layer().name() + "[" + in.node.index() + "][0]");
        }
        return parts.isEmpty() ? "-" : String.join(", ", parts);
    }

    /** Rich's widths: each column's share of the line plus its padding, reduced evenly to fit between the borders. */
    static int[] columnWidths(double[] positions, int lineLength) {
        int n = positions.length;
        int[] w = new int[n];
        int current = 0;
        for (int i = 0; i < n; i++) {
            int width = (int) (positions[i] * lineLength) - current;
            if (width < 4) throw new IllegalArgumentException("summary: a line length of " + lineLength + " is too narrow");
            w[i] = width + 2;
            current += width;
        }
        int max = lineLength - (n + 1);
        int total = 0;
        for (int x : w) total += x;
        if (total > max) {
            // rich's ratio_reduce with equal ratios; Python's round() rounds halves to even.
            int remaining = total - max, ratioLeft = n;
            for (int i = 0; i < n; i++) {
                int d = (int) Math.min(w[i], Math.rint((double) remaining / ratioLeft));
                w[i] -= d;
                remaining -= d;
                ratioLeft--;
            }
        }
        return w;
    }

    private static String rule(char left, char fill, char mid, char rightEnd, int[] widths) {
        var sb = new StringBuilder().append(left);
        for (int i = 0; i < widths.length; i++) {
            sb.append(String.valueOf(fill).repeat(widths[i]));
            sb.append(i < widths.length - 1 ? mid : rightEnd);
        }
        return sb.append('\n').toString();
    }

    /** One table row; cells wrap at spaces (long words are cut) to their column's width less padding. */
    private static String row(String[] cells, int[] widths, boolean[] right, char bar) {
        List<List<String>> wrapped = new ArrayList<>();
        int height = 1;
        for (int i = 0; i < cells.length; i++) {
            List<String> lines = wrap(cells[i], widths[i] - 2);
            wrapped.add(lines);
            height = Math.max(height, lines.size());
        }
        var sb = new StringBuilder();
        for (int line = 0; line < height; line++) {
            sb.append(bar);
            for (int i = 0; i < cells.length; i++) {
                int w = widths[i] - 2;
                String text = line < wrapped.get(i).size() ? wrapped.get(i).get(line) : "";
                String pad = " ".repeat(Math.max(0, w - text.length()));
                sb.append(' ').append(right[i] ? pad + text : text + pad).append(' ').append(bar);
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        var current = new StringBuilder();
        for (String word : text.split(" ")) {
            while (word.length() > width) {
                if (!current.isEmpty()) {
                    lines.add(current.toString());
                    current.setLength(0);
                }
                lines.add(word.substring(0, width));
                word = word.substring(width);
            }
            if (current.isEmpty()) {
                current.append(word);
            } else if (current.length() + 1 + word.length() <= width) {
                current.append(' ').append(word);
            } else {
                lines.add(current.toString());
                current.setLength(0);
                current.append(word);
            }
        }
        if (!current.isEmpty() || lines.isEmpty()) lines.add(current.toString());
        return lines;
    }

    private static long count(List<Tensor> ts) {
        long n = 0;
        for (Tensor t : ts) n += t.numel();
        return n;
    }

    private static long bytes(List<Tensor> ts) {
        long n = 0;
        for (Tensor t : ts) n += t.numel() * t.dtype().byteSize();
        return n;
    }

    static String thousands(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** Keras's {@code readable_memory_size}: {@code 397.54 KB}. */
    static String readableSize(double bytes) {
        String[] units = {"B", "KB", "MB", "GB", "TB", "PB"};
        for (String unit : units) {
            if (bytes / 1024 < 1) return String.format(Locale.ROOT, "%.2f %s", bytes, unit);
            bytes /= 1024;
        }
        return String.format(Locale.ROOT, "%.2f %s", bytes, units[units.length - 1]);
    }
}
