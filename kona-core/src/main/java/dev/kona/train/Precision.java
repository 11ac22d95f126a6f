package dev.kona.train;

import dev.kona.Tensor;

/**
 * Keras's {@code Precision}: true positives / predicted positives, a prediction being positive
 * above {@code threshold} (0.5), every element counted (one-hot or multi-label outputs included);
 * 0 while nothing was predicted positive.
 *
 * <pre>{@code
 * var p = new Precision();
 * p.update(Tensor.of(0f, 1f, 1f, 0f), Tensor.of(0.9f, 0.8f, 0.3f, 0.1f));
 * p.result();   // 0.5: one of the two predicted positives is right
 * }</pre>
 */
public final class Precision implements Metric {
    private final double threshold;
    private double truePositives;
    private double falsePositives;

    public Precision() {
        this(0.5);
    }

    public Precision(double threshold) {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("Precision: threshold must be in [0, 1], got " + threshold);
        }
        this.threshold = threshold;
    }

    @Override
    public String name() {
        return "precision";
    }

    @Override
    public void update(Tensor yTrue, Tensor yPred) {
        accumulate(batchSums(yTrue, yPred).toDoubleArray());
    }

    /** {@code [true positives, false positives]} of the batch, on the predictions' device. */
    @Override
    public Tensor batchSums(Tensor yTrue, Tensor yPred) {
        return Confusion.counts(yTrue, yPred, threshold, true, false, "precision");
    }

    @Override
    public void accumulate(double[] sums) {
        truePositives += sums[0];
        falsePositives += sums[1];
    }

    @Override
    public double result() {
        return Confusion.divideNoNan(truePositives, truePositives + falsePositives);
    }

    @Override
    public void reset() {
        truePositives = 0;
        falsePositives = 0;
    }
}
