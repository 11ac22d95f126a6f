package dev.kona.train;

import dev.kona.DType;
import dev.kona.Tensor;
import java.util.function.BiFunction;
import java.util.function.DoubleUnaryOperator;

/**
 * The mean of per-sample values over every sample seen (Keras's {@code MeanMetricWrapper}): the
 * accuracies, MAE and MSE are this with a function of {@code (yTrue, yPred)}; the loss tracker adds
 * values directly with {@link #add}.
 *
 * <pre>{@code
 * var mae = new MeanMetric("mae", (t, p) -> p.sub(t).abs().mean(-1, false));
 * mae.update(Tensor.of(new float[][] {{1}, {2}}), Tensor.of(new float[][] {{1.5f}, {2}}));
 * mae.result();   // 0.25
 * }</pre>
 */
public final class MeanMetric implements Metric {
    private final String name;
    private final BiFunction<Tensor, Tensor, Tensor> values;
    private final DoubleUnaryOperator finish;
    private double sum;
    private double count;
    private long pendingCount;

    /** @param values per-sample values of a batch, from {@code (yTrue, yPred)}; every element counts once */
    public MeanMetric(String name, BiFunction<Tensor, Tensor, Tensor> values) {
        this(name, values, DoubleUnaryOperator.identity());
    }

    /** @param finish applied to the mean by {@link #result()} (e.g. a square root for RMSE) */
    public MeanMetric(String name, BiFunction<Tensor, Tensor, Tensor> values, DoubleUnaryOperator finish) {
        this.name = name;
        this.values = values;
        this.finish = finish;
    }

    /** A plain running mean fed with {@link #add}. */
    public static MeanMetric mean(String name) {
        return new MeanMetric(name, (t, p) -> {
            throw new UnsupportedOperationException("MeanMetric '" + name + "' is fed with add(value, weight)");
        });
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void update(Tensor yTrue, Tensor yPred) {
        accumulate(batchSums(yTrue, yPred).toDoubleArray());
    }

    /**
     * {@code [sum of the values]}, float64, on the predictions' device; the number of values (known
     * from the shape) is kept for the {@link #accumulate} that follows.
     */
    @Override
    public Tensor batchSums(Tensor yTrue, Tensor yPred) {
        Tensor v = values.apply(yTrue, yPred);
        pendingCount = v.numel();
        return v.sum().to(DType.FLOAT64).reshape(1);
    }

    @Override
    public void accumulate(double[] sums) {
        if (pendingCount == 0) return;
        sum += sums[0];
        count += pendingCount;
    }

    /** Adds {@code value} with weight {@code weight} (e.g. a batch's mean loss and its size). */
    public void add(double value, double weight) {
        sum += value * weight;
        count += weight;
    }

    @Override
    public double result() {
        return count == 0 ? 0 : finish.applyAsDouble(sum / count);
    }

    @Override
    public void reset() {
        sum = 0;
        count = 0;
    }

    @Override
    public String toString() {
        return name + "=" + result();
    }
}
