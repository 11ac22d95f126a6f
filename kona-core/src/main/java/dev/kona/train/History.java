package dev.kona.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code fit} returns: each metric's value at the end of every epoch, Keras's
 * {@code History}. Keys are the log names ({@code loss}, {@code accuracy}, {@code val_loss}...).
 *
 * <pre>{@code
 * History h = model.fit(x, y, FitOptions.epochs(5).validationSplit(0.1));
 * h.history().get("val_accuracy");     // [0.95, 0.96, 0.97, 0.97, 0.98]
 * h.epochs();                          // [0, 1, 2, 3, 4]
 * h.last("loss");                      // the final epoch's training loss
 * }</pre>
 */
public final class History extends Callback {
    private final LinkedHashMap<String, List<Double>> history = new LinkedHashMap<>();
    private final List<Integer> epochs = new ArrayList<>();

    History() {}

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        epochs.add(epoch);
        int seen = epochs.size() - 1;
        for (var e : logs.entrySet()) {
            var values = history.computeIfAbsent(e.getKey(), k -> new ArrayList<>(Collections.nCopies(seen, Double.NaN)));
            values.add(e.getValue());
        }
        for (var values : history.values()) {
            if (values.size() < epochs.size()) values.add(Double.NaN);
        }
    }

    /** Every metric's per-epoch values, read-only, in log order. */
    public Map<String, List<Double>> history() {
        var out = new LinkedHashMap<String, List<Double>>();
        history.forEach((k, v) -> out.put(k, Collections.unmodifiableList(v)));
        return Collections.unmodifiableMap(out);
    }

    /** The indices of the epochs run (from {@code initialEpoch}). */
    public List<Integer> epochs() {
        return Collections.unmodifiableList(epochs);
    }

    /** One metric's values; fails naming the known keys. */
    public List<Double> get(String key) {
        var v = history.get(key);
        if (v == null) throw new IllegalArgumentException("History: no metric '" + key + "' (has " + history.keySet() + ")");
        return Collections.unmodifiableList(v);
    }

    /** A metric's value at the last epoch run. */
    public double last(String key) {
        return get(key).getLast();
    }

    @Override
    public String toString() {
        return "History" + history;
    }
}
