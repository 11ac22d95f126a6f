package dev.kona.train;

import java.util.Locale;
import java.util.Map;

/**
 * Keras 3's progress bar: {@code 1875/1875 ━━━━━━━━━━━━━━━━━━━━ 3s 1ms/step - accuracy: 0.9123 - loss: 0.3012}.
 *
 * <p>On a terminal (verbose 1) the line is redrawn in place at most every 50 ms, with an ETA while
 * running and Keras's colours. Elsewhere (a file, a CI log) nothing is printed until the end, then
 * the final line once, without escape codes: a log gets one line per epoch. Verbose 2 prints only
 * {@code 1875/1875 - 3s - 1ms/step - ...} at the end.
 */
final class Progbar {
    private static final int WIDTH = 20;
    private static final double INTERVAL_S = 0.05;

    private int target;
    private final int verbose;
    private final boolean dynamic;
    private final double start = now();
    private double lastUpdate;
    private double timeAfterFirstStep = -1;
    private int prevWidth;

    /** @param target the number of steps, or -1 when unknown */
    Progbar(int target, int verbose, boolean dynamic) {
        this.target = target;
        this.verbose = verbose;
        this.dynamic = dynamic;
    }

    private static double now() {
        return System.nanoTime() / 1e9;
    }

    /** Sets the number of steps once known (a dataset of unknown length, after its first pass). */
    void setTarget(int target) {
        this.target = target;
    }

    /** Shows step {@code current} (from 1) with {@code values}; {@code finalize} ends the line. */
    void update(int current, Map<String, Double> values, boolean finalize) {
        double now = now();
        double perStep = estimateStepDuration(current, now);
        if (verbose == 1) {
            if (!finalize && (!dynamic || now - lastUpdate < INTERVAL_S)) return;
            String line = line(current, values, finalize, now, perStep);
            if (dynamic) {
                int visible = visibleLength(line);
                String pad = prevWidth > visible ? " ".repeat(prevWidth - visible) : "";
                System.out.print("\r" + line + pad + (finalize ? "\n" : ""));
                System.out.flush();
                Console.setLineOpen(!finalize);
                prevWidth = visible;
            } else {
                Console.closeLine();
                System.out.println(line);
            }
        } else if (verbose == 2 && finalize) {
            int t = target > 0 ? target : current;
            var sb = new StringBuilder(count(current, t)).append(" - ").append(fmt("%.0f", now - start)).append("s -")
                    .append(formatTime(perStep));
            for (var e : values.entrySet()) {
                double v = e.getValue();
                sb.append(" - ").append(e.getKey()).append(": ").append(v > 1e-3 ? fmt("%.4f", v) : fmt("%.4e", v));
            }
            Console.closeLine();
            System.out.println(sb);
        }
        lastUpdate = now;
    }

    private String line(int current, Map<String, Double> values, boolean finalize, double now, double perStep) {
        var sb = new StringBuilder();
        if (target > 0) {
            int done = (int) (WIDTH * ((double) current / target));
            sb.append(bold(count(current, target))).append(' ');
            if (done > 0) sb.append(color("32", "━".repeat(done)));
            sb.append(color("37", "━".repeat(WIDTH - done)));
        } else {
            sb.append(String.format(Locale.ROOT, "%7d/Unknown", current));
        }
        if (target > 0 && !finalize) {
            double eta = perStep * (target - current);
            String etaText;
            if (eta > 3600) etaText = String.format(Locale.ROOT, "%d:%02d:%02d", (long) (eta / 3600), (long) (eta % 3600 / 60), (long) (eta % 60));
            else if (eta > 60) etaText = String.format(Locale.ROOT, "%d:%02d", (long) (eta / 60), (long) (eta % 60));
            else etaText = (long) eta + "s";
            sb.append(' ').append(bold(etaText));
        } else {
            sb.append(' ').append(bold(fmt("%.0f", now - start) + "s"));
        }
        sb.append(formatTime(perStep));
        for (var e : values.entrySet()) {
            double v = e.getValue();
            sb.append(" - ").append(e.getKey()).append(": ").append(Math.abs(v) > 1e-3 ? fmt("%.4f", v) : fmt("%.4e", v));
        }
        return sb.toString();
    }

    private static String count(int current, int target) {
        int digits = (int) Math.log10(target) + 1;
        return String.format(Locale.ROOT, "%" + digits + "d/%d", current, target);
    }

    private String bold(String s) {
        return dynamic ? "\u001b[1m" + s + "\u001b[0m" : s;
    }

    private String color(String code, String s) {
        return dynamic ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
    }

    private static int visibleLength(String s) {
        return s.replaceAll("\u001b\\[[0-9;]*m", "").length();
    }

    /** Python's formatting of a float: nan and inf as Python writes them. */
    static String fmt(String spec, double v) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        return String.format(Locale.ROOT, spec, v);
    }

    /** {@code " 3s/step"}, {@code " 12ms/step"} or {@code " 250us/step"}. */
    static String formatTime(double perStep) {
        if (perStep >= 1 || perStep == 0) return " " + fmt("%.0f", perStep) + "s/step";
        if (perStep >= 1e-3) return " " + fmt("%.0f", perStep * 1000) + "ms/step";
        return " " + fmt("%.0f", perStep * 1e6) + "us/step";
    }

    /** The time per step, leaving out the first step (compilation, warm-up) once there are others. */
    private double estimateStepDuration(int current, double now) {
        if (current == 0) return 0;
        double perStep = timeAfterFirstStep >= 0 && current > 1
                ? (now - timeAfterFirstStep) / (current - 1)
                : (now - start) / current;
        if (current == 1) timeAfterFirstStep = now;
        return perStep;
    }
}
