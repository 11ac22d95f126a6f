package dev.kona.train;

import dev.kona.Tensor;
import java.util.Arrays;

/**
 * Keras's {@code AUC}: the area under the ROC curve, approximated as Keras does with
 * {@code numThresholds} (200) thresholds evenly spaced in [0, 1] (plus one just below 0 and one
 * just above 1) and the trapezoidal rule. Every element counts as one binary prediction.
 *
 * <pre>{@code
 * var auc = new AUC();
 * auc.update(Tensor.of(0f, 0f, 1f, 1f), Tensor.of(0.1f, 0.4f, 0.35f, 0.8f));
 * auc.result();   // 0.75
 * }</pre>
 *
 * <p>At threshold {@code t}, a prediction counts as positive when {@code score > t}; the true and
 * false positive rates at consecutive thresholds give trapezoids whose areas add up to the AUC.
 */
public final class AUC implements Metric {
    private final float[] thresholds;
    // At index k: how many positives (negatives) have exactly k thresholds below their score.
    private final long[] positivesAbove;
    private final long[] negativesAbove;

    public AUC() {
        this(200);
    }

    public AUC(int numThresholds) {
        if (numThresholds < 2) throw new IllegalArgumentException("AUC: numThresholds must be > 1, got " + numThresholds);
        thresholds = new float[numThresholds];
        thresholds[0] = (float) (0.0 - KerasLoss.EPSILON);
        for (int i = 1; i < numThresholds - 1; i++) thresholds[i] = (float) (i * 1.0 / (numThresholds - 1));
        thresholds[numThresholds - 1] = (float) (1.0 + KerasLoss.EPSILON);
        positivesAbove = new long[numThresholds + 1];
        negativesAbove = new long[numThresholds + 1];
    }

    /** The thresholds, ascending. */
    public float[] thresholds() {
        return thresholds.clone();
    }

    @Override
    public String name() {
        return "auc";
    }

    @Override
    public void update(Tensor yTrue, Tensor yPred) {
        float[] s = Confusion.scores(yTrue, yPred, "auc");
        boolean[] l = Confusion.labels(yTrue);
        for (int i = 0; i < s.length; i++) {
            int k = countBelow(s[i]);
            if (l[i]) positivesAbove[k]++;
            else negativesAbove[k]++;
        }
    }

    /** The number of thresholds strictly below {@code score}. */
    private int countBelow(float score) {
        if (Float.isNaN(score)) return 0;
        int lo = Arrays.binarySearch(thresholds, score);
        if (lo < 0) return -lo - 1;
        while (lo > 0 && thresholds[lo - 1] == score) lo--;
        return lo;
    }

    @Override
    public double result() {
        int n = thresholds.length;
        double[] tpr = new double[n], fpr = new double[n];
        long pos = Arrays.stream(positivesAbove).sum(), neg = Arrays.stream(negativesAbove).sum();
        // Positives above threshold j: those with more than j thresholds below their score.
        long tp = pos, fp = neg;
        for (int j = 0; j < n; j++) {
            tp -= positivesAbove[j];
            fp -= negativesAbove[j];
            tpr[j] = Confusion.divideNoNan(tp, pos);
            fpr[j] = Confusion.divideNoNan(fp, neg);
        }
        double area = 0;
        for (int j = 0; j < n - 1; j++) area += (fpr[j] - fpr[j + 1]) * (tpr[j] + tpr[j + 1]) / 2;
        return area;
    }

    @Override
    public void reset() {
        Arrays.fill(positivesAbove, 0);
        Arrays.fill(negativesAbove, 0);
    }
}
