package dev.kona.train;

import dev.kona.Tensor;

/**
 * Keras's {@code Recall}: true positives / actual positives, a prediction being positive above
 * {@code threshold} (0.5), every element counted; 0 while no target was positive.
 *
 * <pre>{@code
 * var r = new Recall();
 * r.update(Tensor.of(0f, 1f, 1f, 0f), Tensor.of(0.9f, 0.8f, 0.3f, 0.1f));
 * r.result();   // 0.5: one of the two positives was found
 * }</pre>
 */
public final class Recall implements Metric {
    private final double threshold;
    private double truePositives;
    private double falseNegatives;

    public Recall() {
        this(0.5);
    }

    public Recall(double threshold) {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("Recall: threshold must be in [0, 1], got " + threshold);
        }
        this.threshold = threshold;
    }

    @Override
    public String name() {
        return "recall";
    }

    @Override
    public void update(Tensor yTrue, Tensor yPred) {
        accumulate(batchSums(yTrue, yPred).toDoubleArray());
    }

    /** {@code [true positives, false negatives]} of the batch, on the predictions' device. */
    @Override
    public Tensor batchSums(Tensor yTrue, Tensor yPred) {
        return Confusion.counts(yTrue, yPred, threshold, false, true, "recall");
    }

    @Override
    public void accumulate(double[] sums) {
        truePositives += sums[0];
        falseNegatives += sums[1];
    }

    @Override
    public double result() {
        return Confusion.divideNoNan(truePositives, truePositives + falseNegatives);
    }

    @Override
    public void reset() {
        truePositives = 0;
        falseNegatives = 0;
    }
}
