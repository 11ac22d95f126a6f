package dev.kona.train;

import dev.kona.DType;
import dev.kona.Tensor;

/** Flattened binary labels and scores of a batch, as Keras's confusion-matrix metrics read them. */
final class Confusion {
    private Confusion() {}

    /** Scores, one per element, as float32 values. */
    static float[] scores(Tensor yTrue, Tensor yPred, String metric) {
        checkSizes(yTrue, yPred, metric);
        return yPred.reshape(-1).to(DType.FLOAT32).toFloatArray();
    }

    static void checkSizes(Tensor yTrue, Tensor yPred, String metric) {
        if (yTrue.numel() != yPred.numel()) {
            throw new IllegalArgumentException(metric + ": targets of shape " + dev.kona.Shape.format(yTrue.shape())
                    + " and predictions of shape " + dev.kona.Shape.format(yPred.shape()) + " differ in size");
        }
    }

    /**
     * On the predictions' device, as float64 {@code [count(predicted positive and target positive),
     * count(predicted == predictedValue and target == targetValue)]}: precision asks for the false
     * positives (true, false), recall for the false negatives (false, true). A prediction is
     * positive above {@code threshold} (compared in float32, as Keras); a target is positive when
     * it is not 0.
     */
    static Tensor counts(Tensor yTrue, Tensor yPred, double threshold, boolean predictedValue, boolean targetValue,
                         String metric) {
        checkSizes(yTrue, yPred, metric);
        Tensor predicted = yPred.reshape(-1).to(DType.FLOAT32).gt((float) threshold);
        Tensor positive = yTrue.reshape(-1).ne(0.0);
        Tensor tp = predicted.logicalAnd(positive).sum();
        Tensor other = (predictedValue ? predicted : predicted.logicalNot())
                .logicalAnd(targetValue ? positive : positive.logicalNot()).sum();
        return Tensor.stack(java.util.List.of(tp, other)).to(DType.FLOAT64);
    }

    /** Labels, one per element: true where the target is non-zero (Keras casts targets to bool). */
    static boolean[] labels(Tensor yTrue) {
        return yTrue.reshape(-1).ne(0.0).toBooleanArray();
    }

    static double divideNoNan(double a, double b) {
        return b == 0 ? 0 : a / b;
    }
}
