package dev.kona.train;

import dev.kona.DType;
import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.nn.Embeddings;
import java.util.Map;

/**
 * Keras's {@code Embedding}: integer indices {@code [batch, ...]} in {@code [0, inputDim)} to rows
 * of a trainable table {@code embeddings [inputDim, outputDim]} ({@code uniform(-0.05, 0.05)} as
 * Keras), {@code [batch, ..., outputDim]}. Float inputs holding whole numbers (what a model's
 * {@code fit} feeds from a float array) are cast to int64 first. Computed by
 * {@link Embeddings#embedding}.
 *
 * <p>{@code maskZero}: as in Keras, index 0 is reserved for padding (the table keeps its
 * {@code inputDim} rows) and {@link #computeMask} gives {@code inputs != 0}. Kona's layers do not
 * propagate masks yet, so downstream layers (RNNs, attention) see the padded steps; pass the mask
 * yourself where it matters.
 *
 * <pre>{@code
 * var emb = new Embedding(1000, 64);
 * emb.call(Tensor.of(new int[][] {{4, 20, 7}})).shape();   // [1, 3, 64]; 64,000 parameters
 * }</pre>
 */
public final class Embedding extends Layer {
    private final int inputDim;
    private final int outputDim;
    private final boolean maskZero;

    public Embedding(int inputDim, int outputDim) {
        this(inputDim, outputDim, false);
    }

    public Embedding(int inputDim, int outputDim, boolean maskZero) {
        if (inputDim <= 0 || outputDim <= 0) {
            throw new IllegalArgumentException("Embedding: inputDim and outputDim must be positive, got " + inputDim + " and " + outputDim);
        }
        this.inputDim = inputDim;
        this.outputDim = outputDim;
        this.maskZero = maskZero;
    }

    /** The table {@code [inputDim, outputDim]}, or null before the layer is built. */
    public Tensor embeddings() {
        return isBuilt() ? param("embeddings") : null;
    }

    /** {@code inputs != 0} (bool, the input's shape) with {@code maskZero}, else null. */
    public Tensor computeMask(Tensor inputs) {
        return maskZero ? inputs.ne(0) : null;
    }

    @Override
    protected void build(int[] inputShape) {
        addWeight("embeddings", new int[] {inputDim, outputDim}, Initializers.RANDOM_UNIFORM);
    }

    @Override
    protected int[] computeOutputShape(int[] inputShape) {
        int[] out = java.util.Arrays.copyOf(inputShape, inputShape.length + 1);
        out[inputShape.length] = outputDim;
        return out;
    }

    @Override
    protected Tensor call(Tensor inputs, boolean training) {
        Tensor idx = inputs.dtype() == DType.INT64 || inputs.dtype() == DType.INT32 ? inputs : inputs.to(DType.INT64);
        if (idx.dim() < 1) throw new IllegalArgumentException(describe() + ": expected a batch of indices, got shape " + Shape.format(inputs.shape()));
        return Embeddings.embedding(idx, param("embeddings"));
    }

    @Override
    public Map<String, Object> getConfig() {
        var c = super.getConfig();
        c.put("input_dim", (long) inputDim);
        c.put("output_dim", (long) outputDim);
        c.put("embeddings_initializer", "random_uniform");
        c.put("mask_zero", maskZero);
        return c;
    }
}
