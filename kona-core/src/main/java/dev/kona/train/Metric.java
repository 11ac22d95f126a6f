package dev.kona.train;

import dev.kona.Tensor;

/**
 * A quantity accumulated over batches, as Keras's stateful metrics: {@link #update} with each batch,
 * {@link #result} for the value over everything seen since {@link #reset}. {@code fit} resets its
 * metrics at each epoch, so the values it prints during an epoch are running values, as Keras's.
 *
 * <pre>{@code
 * final class MaxError implements Metric {           // a user metric
 *     private double max;
 *     public String name() { return "max_error"; }
 *     public void update(Tensor yTrue, Tensor yPred) {
 *         max = Math.max(max, yPred.sub(yTrue.reshape(yPred.shape())).abs().max().item());
 *     }
 *     public double result() { return max; }
 *     public void reset() { max = 0; }
 * }
 * model.compile(OptimizerSpec.adam(), KerasLoss.get("mse"), new MaxError(), Metrics.get("mae"));
 * }</pre>
 *
 * <p>{@code update} receives the targets and the model's output (probabilities even when the loss
 * was fused with the last activation), outside autograd.
 */
public interface Metric {
    /** The name shown in logs and History, e.g. {@code accuracy}. */
    String name();

    /** Accumulates one batch: targets {@code yTrue}, predictions {@code yPred} (batch first). */
    void update(Tensor yTrue, Tensor yPred);

    /** The value over every batch since the last reset (0 before any). */
    double result();

    /** Forgets every batch seen. */
    void reset();
}
