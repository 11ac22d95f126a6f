package dev.kona.train;

import java.util.Map;

/**
 * Stops training as soon as the loss is NaN or infinite, Keras's {@code TerminateOnNaN}: prints
 * {@code Batch 17: Invalid loss, terminating training}. Without it, {@code fit} fails on such a loss
 * with an error naming the epoch and batch. Either way, the step that produced the invalid loss is
 * not applied, so the weights stay finite.
 *
 * <pre>{@code
 * model.fit(x, y, FitOptions.epochs(10).callbacks(new TerminateOnNaN()));
 * }</pre>
 */
public final class TerminateOnNaN extends Callback {
    private boolean terminated;

    public TerminateOnNaN() {}

    /** True once it stopped a training run. */
    public boolean terminated() {
        return terminated;
    }

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        terminated = false;
    }

    @Override
    public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
        Double loss = logs.get("loss");
        if (loss != null && !Double.isFinite(loss)) {
            Console.println("Batch " + batch + ": Invalid loss, terminating training");
            terminated = true;
            model().setStopTraining(true);
        }
    }
}
