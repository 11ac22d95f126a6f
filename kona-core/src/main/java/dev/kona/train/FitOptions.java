package dev.kona.train;

import dev.kona.Tensor;
import dev.kona.data.Dataset;
import dev.kona.data.Example;
import java.util.List;
import java.util.Map;

/**
 * The arguments of {@code fit} beyond the data, with Keras's defaults: 1 epoch, batches of 32,
 * verbose 1, shuffled every epoch, no validation, no callbacks. Start from {@link #epochs(int)} (or
 * {@link #defaults()}) and change what you need; each call returns a new value.
 *
 * <pre>{@code
 * model.fit(x, y, FitOptions.epochs(5).batchSize(64).validationSplit(0.1)
 *         .callbacks(new EarlyStopping().patience(2)));
 * }</pre>
 *
 * @param epochs          the index of the last epoch to run (from {@code initialEpoch})
 * @param batchSize       samples per gradient step (ignored for datasets, which are batched already)
 * @param verbose         0 silent, 1 progress bar, 2 one line per epoch
 * @param callbacks       run in order, before History and the progress bar
 * @param validationSplit the fraction of the data, taken from its end before shuffling, held out
 *                        for validation (Keras's rule), or 0
 * @param validationData  data to validate on at the end of each epoch, or null
 * @param shuffle         whether to reshuffle the training data each epoch (from the global
 *                        generator: {@code Kona.manualSeed} makes it reproducible); a dataset
 *                        keeps its own order ({@code Dataset.shuffle})
 * @param classWeight     weights of the classes in the loss (class index to weight; others 1), or null
 * @param initialEpoch    the epoch to start at (to resume a run)
 */
public record FitOptions(int epochs, int batchSize, int verbose, List<Callback> callbacks, double validationSplit,
                         ValidationData validationData, boolean shuffle, Map<Integer, Double> classWeight, int initialEpoch) {

    /** Validation data: tensors (one per model input and output) or a batched dataset. */
    public record ValidationData(List<Tensor> x, List<Tensor> y, Dataset<Example> dataset) {}

    public FitOptions {
        if (epochs < 0) throw new IllegalArgumentException("fit: epochs must be >= 0, got " + epochs);
        if (batchSize <= 0) throw new IllegalArgumentException("fit: batchSize must be positive, got " + batchSize);
        if (verbose < 0 || verbose > 2) throw new IllegalArgumentException("fit: verbose must be 0, 1 or 2, got " + verbose);
        if (!(validationSplit >= 0 && validationSplit < 1)) {
            throw new IllegalArgumentException("fit: validationSplit must be in [0, 1), got " + validationSplit);
        }
        if (initialEpoch < 0) throw new IllegalArgumentException("fit: initialEpoch must be >= 0, got " + initialEpoch);
        callbacks = List.copyOf(callbacks);
        classWeight = classWeight == null ? null : Map.copyOf(classWeight);
    }

    /** Keras's defaults: one epoch. */
    public static FitOptions defaults() {
        return new FitOptions(1, 32, 1, List.of(), 0, null, true, null, 0);
    }

    /** Keras's defaults with {@code epochs} epochs. */
    public static FitOptions epochs(int epochs) {
        return defaults().withEpochs(epochs);
    }

    public FitOptions withEpochs(int epochs) {
        return new FitOptions(epochs, batchSize, verbose, callbacks, validationSplit, validationData, shuffle, classWeight, initialEpoch);
    }

    public FitOptions batchSize(int batchSize) {
        return new FitOptions(epochs, batchSize, verbose, callbacks, validationSplit, validationData, shuffle, classWeight, initialEpoch);
    }

    public FitOptions verbose(int verbose) {
        return new FitOptions(epochs, batchSize, verbose, callbacks, validationSplit, validationData, shuffle, classWeight, initialEpoch);
    }

    public FitOptions callbacks(Callback... callbacks) {
        return new FitOptions(epochs, batchSize, verbose, List.of(callbacks), validationSplit, validationData, shuffle, classWeight,
                initialEpoch);
    }

    public FitOptions validationSplit(double fraction) {
        return new FitOptions(epochs, batchSize, verbose, callbacks, fraction, validationData, shuffle, classWeight, initialEpoch);
    }

    public FitOptions validationData(Tensor x, Tensor y) {
        return validationData(List.of(x), List.of(y));
    }

    /** Validation tensors for a model with several inputs or outputs. */
    public FitOptions validationData(List<Tensor> x, List<Tensor> y) {
        return new FitOptions(epochs, batchSize, verbose, callbacks, validationSplit,
                new ValidationData(List.copyOf(x), List.copyOf(y), null), shuffle, classWeight, initialEpoch);
    }

    /** A batched validation dataset. */
    public FitOptions validationData(Dataset<Example> data) {
        return new FitOptions(epochs, batchSize, verbose, callbacks, validationSplit, new ValidationData(null, null, data), shuffle,
                classWeight, initialEpoch);
    }

    public FitOptions shuffle(boolean shuffle) {
        return new FitOptions(epochs, batchSize, verbose, callbacks, validationSplit, validationData, shuffle, classWeight, initialEpoch);
    }

    public FitOptions classWeight(Map<Integer, Double> classWeight) {
        return new FitOptions(epochs, batchSize, verbose, callbacks, validationSplit, validationData, shuffle, classWeight, initialEpoch);
    }

    public FitOptions initialEpoch(int initialEpoch) {
        return new FitOptions(epochs, batchSize, verbose, callbacks, validationSplit, validationData, shuffle, classWeight, initialEpoch);
    }
}
