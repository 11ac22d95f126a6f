package dev.kona.train;

import java.util.Map;

/**
 * Hooks into {@code fit}, {@code evaluate} and {@code predict}, as Keras's callbacks: override the
 * methods you need. {@code logs} holds the current metric values by name ({@code loss},
 * {@code accuracy}, {@code val_loss}...); callbacks may add entries (ReduceLROnPlateau adds
 * {@code learning_rate}). A callback stops training with {@code model().setStopTraining(true)}.
 *
 * <pre>{@code
 * model.fit(x, y, FitOptions.epochs(10).callbacks(new Callback() {
 *     @Override
 *     public void onEpochEnd(int epoch, Map<String, Double> logs) {
 *         if (logs.get("accuracy") > 0.99) model().setStopTraining(true);
 *     }
 * }));
 * }</pre>
 *
 * <p>Epochs and batches are counted from 0, as in Keras. During {@code fit}, the callbacks run in
 * the order given, then History, then the progress bar.
 */
public abstract class Callback {
    private Model model;
    private Params params = new Params(0, -1, 0);

    /** What the callback is running in: the epoch count, steps per epoch (-1 when unknown) and verbosity. */
    public record Params(int epochs, int steps, int verbose) {}

    protected Callback() {}

    /** The model being trained or evaluated. */
    protected final Model model() {
        if (model == null) throw new IllegalStateException(getClass().getSimpleName() + ": not attached to a model yet");
        return model;
    }

    protected final Params params() {
        return params;
    }

    final void attach(Model model, Params params) {
        this.model = model;
        this.params = params;
    }

    public void onTrainBegin(Map<String, Double> logs) {}

    public void onTrainEnd(Map<String, Double> logs) {}

    public void onEpochBegin(int epoch, Map<String, Double> logs) {}

    /** {@code logs}: the epoch's metrics, then {@code val_} ones when validating. */
    public void onEpochEnd(int epoch, Map<String, Double> logs) {}

    public void onTrainBatchBegin(int batch, Map<String, Double> logs) {}

    /** {@code logs}: the running values of the epoch so far. */
    public void onTrainBatchEnd(int batch, Map<String, Double> logs) {}

    public void onTestBegin(Map<String, Double> logs) {}

    public void onTestEnd(Map<String, Double> logs) {}

    public void onTestBatchBegin(int batch, Map<String, Double> logs) {}

    public void onTestBatchEnd(int batch, Map<String, Double> logs) {}

    public void onPredictBegin(Map<String, Double> logs) {}

    public void onPredictEnd(Map<String, Double> logs) {}

    public void onPredictBatchBegin(int batch, Map<String, Double> logs) {}

    public void onPredictBatchEnd(int batch, Map<String, Double> logs) {}
}
