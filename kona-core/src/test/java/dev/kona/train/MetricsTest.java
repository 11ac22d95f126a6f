package dev.kona.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.Generator;
import dev.kona.Tensor;
import org.junit.jupiter.api.Test;

class MetricsTest {

    private static final Tensor PROBS = Tensor.of(new float[][] {
        {0.1f, 0.7f, 0.2f},    // argmax 1
        {0.5f, 0.2f, 0.3f},    // argmax 0
        {0.2f, 0.3f, 0.5f},    // argmax 2
        {0.25f, 0.45f, 0.3f}});  // argmax 1
    private static final Tensor LABELS = Tensor.of(1L, 2L, 2L, 0L);

    @Test
    void accuracies() {
        var sparse = Metrics.sparseCategoricalAccuracy();
        sparse.update(LABELS, PROBS);
        assertEquals(0.5, sparse.result());   // rows 0 and 2

        var categorical = Metrics.categoricalAccuracy();
        categorical.update(LABELS.oneHot(3).to(dev.kona.DType.FLOAT32), PROBS);
        assertEquals(0.5, categorical.result());

        var top2 = Metrics.sparseTopKCategoricalAccuracy(2);
        top2.update(LABELS, PROBS);
        assertEquals(0.75, top2.result());   // row 3: label 0 is third

        var binary = Metrics.binaryAccuracy();
        binary.update(Tensor.of(new float[][] {{1}, {0}, {1}, {0}}), Tensor.of(new float[][] {{0.9f}, {0.2f}, {0.4f}, {0.6f}}));
        assertEquals(0.5, binary.result());
    }

    @Test
    void accuracyByNameChoosesItsKindFromTheShapes() {
        var sparse = Metrics.get("accuracy");
        sparse.update(LABELS, PROBS);
        assertEquals(0.5, sparse.result());
        var categorical = Metrics.get("accuracy");
        categorical.update(LABELS.oneHot(3).to(dev.kona.DType.FLOAT32), PROBS);
        assertEquals(0.5, categorical.result());
        var binary = Metrics.get("acc");
        binary.update(Tensor.of(1f, 0f), Tensor.of(new float[][] {{0.7f}, {0.7f}}));
        assertEquals(0.5, binary.result());
        assertEquals("acc", binary.name());
    }

    @Test
    void runningValuesWeighEverySample() {
        var acc = Metrics.sparseCategoricalAccuracy();
        acc.update(Tensor.of(1L), Tensor.of(new float[][] {{0, 1}}));                              // 1 of 1
        acc.update(Tensor.of(0L, 0L, 0L), Tensor.of(new float[][] {{0, 1}, {0, 1}, {1, 0}}));     // 1 of 3
        assertEquals(0.5, acc.result());
        acc.reset();
        assertEquals(0.0, acc.result());
    }

    @Test
    void regressionErrors() {
        Tensor t = Tensor.of(new float[][] {{1}, {2}, {3}, {4}});
        Tensor p = Tensor.of(new float[][] {{1.5f}, {2}, {2}, {6}});
        var mae = Metrics.get("mae");
        mae.update(t, p);
        assertEquals((0.5 + 0 + 1 + 2) / 4, mae.result(), 1e-7);
        var mse = Metrics.get("mse");
        mse.update(t.reshape(4), p);   // [N] targets for [N, 1] predictions, as Keras accepts
        assertEquals((0.25 + 0 + 1 + 4) / 4, mse.result(), 1e-7);
        var rmse = Metrics.rootMeanSquaredError();
        rmse.update(t, p);
        assertEquals(Math.sqrt(5.25 / 4), rmse.result(), 1e-7);
    }

    @Test
    void precisionAndRecall() {
        Tensor t = Tensor.of(1f, 1f, 1f, 0f, 0f, 0f, 1f);
        Tensor p = Tensor.of(0.9f, 0.6f, 0.4f, 0.7f, 0.1f, 0.5f, 0.51f);
        var precision = new Precision();
        precision.update(t, p);
        assertEquals(3.0 / 4, precision.result(), 1e-12);   // predicted positive (> 0.5): 0.9, 0.6, 0.7, 0.51
        var recall = new Recall();
        recall.update(t, p);
        assertEquals(3.0 / 4, recall.result(), 1e-12);      // positives: 0.9, 0.6, 0.4, 0.51
        var none = new Precision();
        none.update(Tensor.of(1f), Tensor.of(0.1f));
        assertEquals(0.0, none.result(), "no predicted positive gives 0, not NaN");
    }

    @Test
    void aucMatchesTheExactAreaAndKerasThresholdRule() {
        var g = new Generator(21);
        int n = 2000;
        float[] scores = new float[n];
        float[] labels = new float[n];
        for (int i = 0; i < n; i++) {
            labels[i] = g.nextDouble() < 0.4 ? 1 : 0;
            double z = g.nextGaussian() + (labels[i] == 1 ? 1.2 : 0);
            scores[i] = (float) (1 / (1 + Math.exp(-z)));
        }
        var auc = new AUC();
        // Two batches: the counts accumulate.
        auc.update(Tensor.of(labels).narrow(0, 0, 700), Tensor.of(scores).narrow(0, 0, 700));
        auc.update(Tensor.of(labels).narrow(0, 700, n - 700), Tensor.of(scores).narrow(0, 700, n - 700));

        // Reference 1: Keras's algorithm written out directly, threshold by threshold.
        float[] th = auc.thresholds();
        double[] tpr = new double[th.length], fpr = new double[th.length];
        for (int j = 0; j < th.length; j++) {
            double tp = 0, fp = 0, pos = 0, neg = 0;
            for (int i = 0; i < n; i++) {
                boolean predicted = scores[i] > th[j];
                if (labels[i] == 1) {
                    pos++;
                    if (predicted) tp++;
                } else {
                    neg++;
                    if (predicted) fp++;
                }
            }
            tpr[j] = tp / pos;
            fpr[j] = fp / neg;
        }
        double riemann = 0;
        for (int j = 0; j < th.length - 1; j++) riemann += (fpr[j] - fpr[j + 1]) * (tpr[j] + tpr[j + 1]) / 2;
        assertEquals(riemann, auc.result(), 1e-12);

        // Reference 2: the exact AUC, the probability that a positive outranks a negative.
        double wins = 0, pairs = 0;
        for (int i = 0; i < n; i++) {
            if (labels[i] != 1) continue;
            for (int k = 0; k < n; k++) {
                if (labels[k] != 0) continue;
                pairs++;
                wins += scores[i] > scores[k] ? 1 : scores[i] == scores[k] ? 0.5 : 0;
            }
        }
        assertEquals(wins / pairs, auc.result(), 2e-3, "200 thresholds approximate the exact area closely");
        assertTrue(auc.result() > 0.7);
    }

    @Test
    void aucOfASmallExample() {
        var auc = new AUC();
        auc.update(Tensor.of(0f, 0f, 1f, 1f), Tensor.of(0.1f, 0.4f, 0.35f, 0.8f));
        assertEquals(0.75, auc.result(), 1e-12);
    }

    @Test
    void unknownNamesListTheKnownOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Metrics.get("acuracy"));
        assertTrue(e.getMessage().startsWith("unknown metric 'acuracy'; known metrics: accuracy (acc), binary_accuracy"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KerasLoss.get("crossentropy"));
        assertTrue(e.getMessage().contains("known losses: sparse_categorical_crossentropy"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OptimizerSpec.get("adamax"));
        assertTrue(e.getMessage().contains("known optimizers: adam, sgd, rmsprop, adagrad, adamw"), e.getMessage());
    }
}
