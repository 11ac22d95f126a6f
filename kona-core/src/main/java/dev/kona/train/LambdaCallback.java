package dev.kona.train;

import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A callback made of lambdas, Keras's {@code LambdaCallback}: set the hooks you need.
 *
 * <pre>{@code
 * var log = new LambdaCallback()
 *         .onEpochEnd((epoch, logs) -> System.out.println("epoch " + epoch + ": " + logs.get("loss")))
 *         .onTrainEnd(logs -> System.out.println("done"));
 * model.fit(x, y, FitOptions.epochs(3).callbacks(log));
 * }</pre>
 */
public final class LambdaCallback extends Callback {
    private BiConsumer<Integer, Map<String, Double>> epochBegin = (e, l) -> {};
    private BiConsumer<Integer, Map<String, Double>> epochEnd = (e, l) -> {};
    private BiConsumer<Integer, Map<String, Double>> batchBegin = (b, l) -> {};
    private BiConsumer<Integer, Map<String, Double>> batchEnd = (b, l) -> {};
    private Consumer<Map<String, Double>> trainBegin = l -> {};
    private Consumer<Map<String, Double>> trainEnd = l -> {};

    public LambdaCallback() {}

    public LambdaCallback onEpochBegin(BiConsumer<Integer, Map<String, Double>> fn) {
        epochBegin = fn;
        return this;
    }

    public LambdaCallback onEpochEnd(BiConsumer<Integer, Map<String, Double>> fn) {
        epochEnd = fn;
        return this;
    }

    /** Runs before each training batch. */
    public LambdaCallback onBatchBegin(BiConsumer<Integer, Map<String, Double>> fn) {
        batchBegin = fn;
        return this;
    }

    /** Runs after each training batch. */
    public LambdaCallback onBatchEnd(BiConsumer<Integer, Map<String, Double>> fn) {
        batchEnd = fn;
        return this;
    }

    public LambdaCallback onTrainBegin(Consumer<Map<String, Double>> fn) {
        trainBegin = fn;
        return this;
    }

    public LambdaCallback onTrainEnd(Consumer<Map<String, Double>> fn) {
        trainEnd = fn;
        return this;
    }

    @Override
    public void onEpochBegin(int epoch, Map<String, Double> logs) {
        epochBegin.accept(epoch, logs);
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        epochEnd.accept(epoch, logs);
    }

    @Override
    public void onTrainBatchBegin(int batch, Map<String, Double> logs) {
        batchBegin.accept(batch, logs);
    }

    @Override
    public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
        batchEnd.accept(batch, logs);
    }

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        trainBegin.accept(logs);
    }

    @Override
    public void onTrainEnd(Map<String, Double> logs) {
        trainEnd.accept(logs);
    }
}
