package dev.kona.train;

import dev.kona.DType;
import dev.kona.Shape;
import dev.kona.Tensor;
import java.util.Locale;

/**
 * Keras's metrics by name and as factories. Each call returns a fresh metric (metrics hold state).
 *
 * <pre>{@code
 * model.compile("adam", "sparse_categorical_crossentropy", "accuracy");   // by name
 * model.compile(OptimizerSpec.adam(), KerasLoss.get("binary_crossentropy"),
 *         Metrics.binaryAccuracy(), new Precision(), new Recall(), new AUC());
 * }</pre>
 *
 * <p>{@code "accuracy"} (or {@code "acc"}) picks binary, sparse categorical or categorical accuracy
 * from the shapes of the first batch, as Keras: binary when the output has one value per sample,
 * sparse when the targets have one dimension less than the output (or a last dimension of 1),
 * categorical otherwise.
 */
public final class Metrics {
    private Metrics() {}

    /**
     * A metric by Keras name: {@code accuracy}/{@code acc}, {@code binary_accuracy},
     * {@code categorical_accuracy}, {@code sparse_categorical_accuracy},
     * {@code top_k_categorical_accuracy}, {@code sparse_top_k_categorical_accuracy}, {@code mae}/
     * {@code mean_absolute_error}, {@code mse}/{@code mean_squared_error}, {@code rmse}/
     * {@code root_mean_squared_error}, {@code precision}, {@code recall}, {@code auc}. The metric
     * is named as given ({@code "acc"} logs as {@code acc}).
     */
    public static Metric get(String name) {
        String n = name == null ? "" : name.toLowerCase(Locale.ROOT);
        return switch (n) {
            case "accuracy", "acc" -> new AutoAccuracy(name);
            case "binary_accuracy" -> binaryAccuracy();
            case "categorical_accuracy" -> categoricalAccuracy();
            case "sparse_categorical_accuracy" -> sparseCategoricalAccuracy();
            case "top_k_categorical_accuracy" -> topKCategoricalAccuracy(5);
            case "sparse_top_k_categorical_accuracy" -> sparseTopKCategoricalAccuracy(5);
            case "mae", "mean_absolute_error" -> new MeanMetric(name, Metrics::absoluteErrors);
            case "mse", "mean_squared_error" -> new MeanMetric(name, Metrics::squaredErrors);
            case "rmse", "root_mean_squared_error" -> new MeanMetric(name, Metrics::squaredErrors, Math::sqrt);
            case "precision" -> new Precision();
            case "recall" -> new Recall();
            case "auc" -> new AUC();
            default -> throw new IllegalArgumentException("unknown metric '" + name + "'; known metrics: accuracy (acc), "
                    + "binary_accuracy, categorical_accuracy, sparse_categorical_accuracy, top_k_categorical_accuracy, "
                    + "sparse_top_k_categorical_accuracy, mae, mse, rmse, precision, recall, auc");
        };
    }

    /** Fraction of predictions on the right side of 0.5: {@code (yPred > 0.5) == yTrue}. */
    public static Metric binaryAccuracy() {
        return binaryAccuracy(0.5);
    }

    public static Metric binaryAccuracy(double threshold) {
        return new MeanMetric("binary_accuracy", (t, p) -> {
            Tensor tt = like(p, t);
            return p.gt(threshold).to(DType.FLOAT32).eq(tt.to(DType.FLOAT32)).to(DType.FLOAT32);
        });
    }

    /** Fraction of samples whose largest output is at the one-hot target's class. */
    public static Metric categoricalAccuracy() {
        return new MeanMetric("categorical_accuracy", (t, p) -> p.argmax(-1).eq(t.argmax(-1)).to(DType.FLOAT32));
    }

    /** Fraction of samples whose largest output is at the integer label. */
    public static Metric sparseCategoricalAccuracy() {
        return new MeanMetric("sparse_categorical_accuracy", (t, p) -> p.argmax(-1).eq(labels(t, p)).to(DType.FLOAT32));
    }

    /** Fraction of samples whose one-hot target's class is among the {@code k} largest outputs. */
    public static Metric topKCategoricalAccuracy(int k) {
        return new MeanMetric("top_k_categorical_accuracy", (t, p) -> inTopK(p, t.argmax(-1), k));
    }

    /** Fraction of samples whose integer label is among the {@code k} largest outputs. */
    public static Metric sparseTopKCategoricalAccuracy(int k) {
        return new MeanMetric("sparse_top_k_categorical_accuracy", (t, p) -> inTopK(p, labels(t, p), k));
    }

    public static Metric meanAbsoluteError() {
        return new MeanMetric("mean_absolute_error", Metrics::absoluteErrors);
    }

    public static Metric meanSquaredError() {
        return new MeanMetric("mean_squared_error", Metrics::squaredErrors);
    }

    public static Metric rootMeanSquaredError() {
        return new MeanMetric("root_mean_squared_error", Metrics::squaredErrors, Math::sqrt);
    }

    // ---------------------------------------------------------------- helpers

    private static Tensor absoluteErrors(Tensor t, Tensor p) {
        return p.sub(like(p, t).to(p.dtype())).abs();
    }

    private static Tensor squaredErrors(Tensor t, Tensor p) {
        return p.sub(like(p, t).to(p.dtype())).square();
    }

    private static Tensor inTopK(Tensor p, Tensor label, int k) {
        if (k <= 0) throw new IllegalArgumentException("top-k accuracy: k must be positive, got " + k);
        int kk = Math.min(k, p.size(-1));
        Tensor top = p.topk(kk, -1, true, false).indices();
        return top.eq(label.unsqueeze(-1)).any(-1, false).to(DType.FLOAT32);
    }

    /** Integer labels {@code [batch]} from targets {@code [batch]} or {@code [batch, 1]}. */
    static Tensor labels(Tensor t, Tensor p) {
        Tensor l = t.dim() == p.dim() && t.size(-1) == 1 ? t.squeeze(-1) : t;
        if (l.dim() != p.dim() - 1) {
            throw new IllegalArgumentException("sparse accuracy: expected integer labels of shape " + Shape.format(batchOf(p))
                    + " for predictions of shape " + Shape.format(p.shape()) + ", got " + Shape.format(t.shape()));
        }
        return l.to(DType.INT64);
    }

    private static int[] batchOf(Tensor p) {
        int[] s = p.shape();
        return java.util.Arrays.copyOf(s, s.length - 1);
    }

    /** The targets in the prediction's shape when they hold the same values ([N] vs [N, 1]). */
    static Tensor like(Tensor p, Tensor t) {
        if (java.util.Arrays.equals(p.shape(), t.shape())) return t;
        if (p.numel() == t.numel()) return t.reshape(p.shape());
        throw new IllegalArgumentException("metric: targets of shape " + Shape.format(t.shape())
                + " do not match predictions of shape " + Shape.format(p.shape()));
    }

    /** {@code accuracy}: the kind is chosen from the shapes of the first batch, as Keras's compile does. */
    private static final class AutoAccuracy implements Metric {
        private final String name;
        private Metric delegate;

        AutoAccuracy(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        private Metric delegate(Tensor yTrue, Tensor yPred) {
            if (delegate == null) {
                int tRank = yTrue.dim(), pRank = yPred.dim();
                int tLast = tRank == 0 ? 1 : yTrue.size(-1), pLast = pRank == 0 ? 1 : yPred.size(-1);
                boolean binary = pLast == 1;
                boolean sparse = tRank < pRank || (tLast == 1 && pLast > 1);
                delegate = binary ? binaryAccuracy() : sparse ? sparseCategoricalAccuracy() : categoricalAccuracy();
            }
            return delegate;
        }

        @Override
        public void update(Tensor yTrue, Tensor yPred) {
            delegate(yTrue, yPred).update(yTrue, yPred);
        }

        @Override
        public Tensor batchSums(Tensor yTrue, Tensor yPred) {
            return delegate(yTrue, yPred).batchSums(yTrue, yPred);
        }

        @Override
        public void accumulate(double[] sums) {
            delegate.accumulate(sums);
        }

        @Override
        public double result() {
            return delegate == null ? 0 : delegate.result();
        }

        @Override
        public void reset() {
            if (delegate != null) delegate.reset();
        }
    }
}
