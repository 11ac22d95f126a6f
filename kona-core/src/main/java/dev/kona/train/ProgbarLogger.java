package dev.kona.train;

import java.util.Map;

/** Prints Keras's {@code Epoch 1/5} headers and progress bars for fit, evaluate and predict. */
final class ProgbarLogger extends Callback {
    private final boolean inFit;
    private final boolean dynamic = Console.isTerminal();
    private Progbar bar;
    private int seen;

    /** @param inFit true during fit, where validation runs silently */
    ProgbarLogger(boolean inFit) {
        this.inFit = inFit;
    }

    private void reset() {
        seen = 0;
        bar = new Progbar(params().steps(), params().verbose(), dynamic);
    }

    @Override
    public void onEpochBegin(int epoch, Map<String, Double> logs) {
        reset();
        if (params().verbose() > 0 && params().epochs() > 1) Console.println("Epoch " + (epoch + 1) + "/" + params().epochs());
    }

    @Override
    public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
        update(batch, logs);
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        finish(logs);
    }

    @Override
    public void onTestBegin(Map<String, Double> logs) {
        if (!inFit) reset();
    }

    @Override
    public void onTestBatchEnd(int batch, Map<String, Double> logs) {
        if (!inFit) update(batch, logs);
    }

    @Override
    public void onTestEnd(Map<String, Double> logs) {
        if (!inFit) finish(logs);
    }

    @Override
    public void onPredictBegin(Map<String, Double> logs) {
        reset();
    }

    @Override
    public void onPredictBatchEnd(int batch, Map<String, Double> logs) {
        update(batch, Map.of());
    }

    @Override
    public void onPredictEnd(Map<String, Double> logs) {
        finish(Map.of());
    }

    private void update(int batch, Map<String, Double> logs) {
        seen = batch + 1;
        if (params().verbose() == 1) bar.update(seen, logs, false);
    }

    private void finish(Map<String, Double> logs) {
        int target = params().steps() > 0 ? params().steps() : seen;
        bar.setTarget(target);
        bar.update(target, logs, true);
    }
}
