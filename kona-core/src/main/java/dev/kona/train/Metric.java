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

    /**
     * For metrics made of sums (means, counts): this batch's sums as a 1-D tensor on the
     * predictions' device, computed without reading anything back. {@code fit} and {@code evaluate}
     * read the sums of every such metric together with the loss in one transfer per batch and
     * pass them to {@link #accumulate}; this matters on an accelerator, where each read waits for
     * the device. The default, null, makes them call {@link #update} instead.
     */
    default Tensor batchSums(Tensor yTrue, Tensor yPred) {
        return null;
    }

    /** Adds the sums the latest {@link #batchSums} returned, read back to the host. */
    default void accumulate(double[] sums) {
        throw new UnsupportedOperationException(name() + ": accumulate is only called with what batchSums returned");
    }

    /** The value over every batch since the last reset (0 before any). */
    double result();

    /** Forgets every batch seen. */
    void reset();
}
