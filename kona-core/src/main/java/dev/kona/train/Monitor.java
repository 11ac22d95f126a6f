package dev.kona.train;

import java.util.Locale;
import java.util.Map;

/** The monitored quantity of EarlyStopping, ModelCheckpoint and ReduceLROnPlateau: its name and direction. */
record Monitor(String name, boolean maximize) {

    /**
     * {@code mode}: {@code "min"}, {@code "max"} or {@code "auto"}, which maximises accuracies, AUC,
     * precision and recall and minimises the rest (losses, errors), as Keras's metric directions.
     */
    static Monitor of(String who, String monitor, String mode) {
        if (monitor == null || monitor.isEmpty()) throw new IllegalArgumentException(who + ": monitor must be a metric name");
        return new Monitor(monitor, switch (mode == null ? "" : mode.toLowerCase(Locale.ROOT)) {
            case "min" -> false;
            case "max" -> true;
            case "auto" -> autoMaximize(monitor);
            default -> throw new IllegalArgumentException(who + ": mode must be \"auto\", \"min\" or \"max\", got \"" + mode + "\"");
        });
    }

    static boolean autoMaximize(String monitor) {
        String m = monitor.startsWith("val_") ? monitor.substring(4) : monitor;
        if (m.endsWith("loss") || m.contains("error")) return false;
        return m.contains("acc") || m.contains("auc") || m.contains("precision") || m.contains("recall");
    }

    /** The worst possible value, where tracking starts. */
    double worst() {
        return maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }

    /** True when {@code current} beats {@code reference} by more than {@code minDelta}. */
    boolean improves(double current, double reference, double minDelta) {
        double d = Math.abs(minDelta);
        return maximize ? current - d > reference : current + d < reference;
    }

    /** The value in the logs, or null with Keras's warning when missing. */
    Double read(String who, Map<String, Double> logs) {
        Double v = logs.get(name);
        if (v == null) {
            System.err.println(who + ": the monitored metric '" + name + "' is not available; available metrics are: "
                    + String.join(",", logs.keySet()));
        }
        return v;
    }
}
