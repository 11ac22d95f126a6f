package dev.kona.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Saves the model (or its weights) after epochs, Keras's {@code ModelCheckpoint}. The file path may
 * hold Python-style fields filled from the epoch (counted from 1) and the logs:
 * {@code "ckpt-{epoch:02d}-{val_loss:.2f}.kona"}. Each save is atomic.
 *
 * <pre>{@code
 * var best = new ModelCheckpoint("best.kona").monitor("val_accuracy").saveBestOnly(true).verbose(1);
 * model.fit(x, y, FitOptions.epochs(20).validationSplit(0.1).callbacks(best));
 * Model restored = Model.load(Path.of("best.kona"));
 * }</pre>
 *
 * <p>With {@code saveBestOnly}, a file is written only when the monitored metric improves on the
 * best seen so far (by more than nothing); with {@code saveWeightsOnly}, only the weights are
 * written, as a safetensors file ({@link Model#saveWeights}).
 */
public final class ModelCheckpoint extends Callback {
    private final String filepath;
    private String monitorName = "val_loss";
    private String mode = "auto";
    private int verbose;
    private boolean saveBestOnly;
    private boolean saveWeightsOnly;
    private Double initialValueThreshold;

    private Monitor monitor;
    private Double best;

    public ModelCheckpoint(String filepath) {
        if (filepath == null || filepath.isEmpty()) throw new IllegalArgumentException("ModelCheckpoint: filepath is empty");
        this.filepath = filepath;
    }

    public ModelCheckpoint monitor(String name) {
        this.monitorName = name;
        return this;
    }

    public ModelCheckpoint mode(String mode) {
        Monitor.of("ModelCheckpoint", monitorName, mode);
        this.mode = mode;
        return this;
    }

    public ModelCheckpoint verbose(int verbose) {
        this.verbose = verbose;
        return this;
    }

    public ModelCheckpoint saveBestOnly(boolean saveBestOnly) {
        this.saveBestOnly = saveBestOnly;
        return this;
    }

    public ModelCheckpoint saveWeightsOnly(boolean saveWeightsOnly) {
        this.saveWeightsOnly = saveWeightsOnly;
        return this;
    }

    /** With saveBestOnly: a value the metric must beat before the first save. */
    public ModelCheckpoint initialValueThreshold(double value) {
        this.initialValueThreshold = value;
        return this;
    }

    /** The best value of the monitored metric so far (null before any). */
    public Double best() {
        return best;
    }

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        monitor = Monitor.of("ModelCheckpoint", monitorName, mode);
        if (best == null) best = initialValueThreshold;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        var fields = new LinkedHashMap<String, Object>(logs);
        fields.put("epoch", (long) (epoch + 1));
        String path = PyFormat.format(filepath, fields);
        if (!saveBestOnly) {
            if (verbose > 0) Console.println("Epoch " + (epoch + 1) + ": saving model to " + path);
            save(path);
            return;
        }
        Double current = logs.get(monitorName);
        if (current == null) {
            System.err.println("ModelCheckpoint: can save best model only with " + monitorName + " available; saving anyway");
            save(path);
            return;
        }
        String bestStr = best == null ? "None" : String.format(Locale.ROOT, "%.5f", best);
        if (best == null || monitor.improves(current, best, 0)) {
            if (verbose > 0) {
                Console.println(String.format(Locale.ROOT, "Epoch %d: %s improved from %s to %.5f, saving model to %s",
                        epoch + 1, monitorName, bestStr, current, path));
            }
            best = current;
            save(path);
        } else if (verbose > 0) {
            Console.println("Epoch " + (epoch + 1) + ": " + monitorName + " did not improve from " + bestStr);
        }
    }

    private void save(String path) {
        if (saveWeightsOnly) model().saveWeights(Path.of(path));
        else model().save(Path.of(path));
    }
}
