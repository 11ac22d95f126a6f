package dev.kona.train;

import dev.kona.DType;
import dev.kona.Tensor;

/** Flattened binary labels and scores of a batch, as Keras's confusion-matrix metrics read them. */
final class Confusion {
    private Confusion() {}

    /** Scores, one per element, as float32 values. */
    static float[] scores(Tensor yTrue, Tensor yPred, String metric) {
        if (yTrue.numel() != yPred.numel()) {
            throw new IllegalArgumentException(metric + ": targets of shape " + dev.kona.Shape.format(yTrue.shape())
                    + " and predictions of shape " + dev.kona.Shape.format(yPred.shape()) + " differ in size");
        }
        return yPred.reshape(-1).to(DType.FLOAT32).toFloatArray();
    }

    /** Labels, one per element: true where the target is non-zero (Keras casts targets to bool). */
    static boolean[] labels(Tensor yTrue) {
        return yTrue.reshape(-1).ne(0.0).toBooleanArray();
    }

    static double divideNoNan(double a, double b) {
        return b == 0 ? 0 : a / b;
    }
}
