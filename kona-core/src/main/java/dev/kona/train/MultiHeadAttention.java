package dev.kona.train;

import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.nn.Attention;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code MultiHeadAttention}: query, key and value are projected to {@code numHeads} heads
 * ({@code keyDim} wide for query and key, {@code valueDim} for value), attended with
 * {@code softmax(q kᵀ / sqrt(keyDim)) v} (dropout on the attention weights while training), and
 * projected back to the query's feature size. Call it as Keras's {@code mha(query, value, key)}:
 * {@code call(List.of(query, value))} or {@code call(List.of(query, value, key))} (key defaults to
 * value), or {@code call(x)} for self-attention. Query {@code [batch, Tq, dq]}, value and key
 * {@code [batch, Tv, dv]}, {@code [batch, Tv, dk]}; output {@code [batch, Tq, dq]}.
 *
 * <p>Weights in Keras's layout (its EinsumDense sub-layers), created at the first call:
 * {@code query/kernel [dq, heads, keyDim]}, {@code query/bias [heads, keyDim]}, likewise {@code key}
 * and {@code value}, {@code attention_output/kernel [heads, valueDim, dq]} and its bias {@code [dq]}
 * (state-dict keys {@code query_kernel}, {@code query_bias}...). The attention itself is
 * {@link Attention#scaledDotProductAttention}.
 *
 * <pre>{@code
 * var mha = new MultiHeadAttention(2, 16);
 * Tensor y = mha.call(List.of(Tensor.randn(4, 8, 32), Tensor.randn(4, 10, 32)));   // [4, 8, 32]; 4,256 parameters
 * }</pre>
 */
public final class MultiHeadAttention extends Layer {
    private final int numHeads;
    private final int keyDim;
    private final int valueDim;
    private final double dropout;
    private final boolean useBias;
    private int queryDim = -1;

    public MultiHeadAttention(int numHeads, int keyDim) {
        this(numHeads, keyDim, -1, 0.0, true);
    }

    /** @param valueDim the value heads' width, or -1 for {@code keyDim} (Keras's None) */
    public MultiHeadAttention(int numHeads, int keyDim, int valueDim, double dropout, boolean useBias) {
        if (numHeads <= 0 || keyDim <= 0) {
            throw new IllegalArgumentException("MultiHeadAttention: numHeads and keyDim must be positive, got " + numHeads + " and " + keyDim);
        }
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("MultiHeadAttention: dropout must be in [0, 1), got " + dropout);
        this.numHeads = numHeads;
        this.keyDim = keyDim;
        this.valueDim = valueDim < 0 ? keyDim : valueDim;
        this.dropout = dropout;
        this.useBias = useBias;
    }

    private void buildFor(int[] q, int[] v, int[] k) {
        if (queryDim >= 0) return;
        for (int[] s : List.of(q, v, k)) {
            if (s.length != 3 || s[2] < 0) {
                throw new IllegalArgumentException(describe() + ": expected query, value and key of shape (None, T, features), got "
                        + KerasTensor.format(s));
            }
        }
        queryDim = q[2];
        addWeight("query_kernel", new int[] {q[2], numHeads, keyDim}, Initializers.GLOROT_UNIFORM);
        if (useBias) addWeight("query_bias", new int[] {numHeads, keyDim}, Initializers.ZEROS);
        addWeight("key_kernel", new int[] {k[2], numHeads, keyDim}, Initializers.GLOROT_UNIFORM);
        if (useBias) addWeight("key_bias", new int[] {numHeads, keyDim}, Initializers.ZEROS);
        addWeight("value_kernel", new int[] {v[2], numHeads, valueDim}, Initializers.GLOROT_UNIFORM);
        if (useBias) addWeight("value_bias", new int[] {numHeads, valueDim}, Initializers.ZEROS);
        addWeight("attention_output_kernel", new int[] {numHeads, valueDim, q[2]}, Initializers.GLOROT_UNIFORM);
        if (useBias) addWeight("attention_output_bias", new int[] {q[2]}, Initializers.ZEROS);
    }

    @Override
    protected void build(int[] inputShape) {
        buildFor(inputShape, inputShape, inputShape);
    }

    @Override
    protected int[] computeOutputShape(int[] inputShape) {
        return computeOutputShape(List.of(inputShape));
    }

    @Override
    protected int[] computeOutputShape(List<int[]> shapes) {
        if (shapes.isEmpty() || shapes.size() > 3) {
            throw new IllegalArgumentException(describe() + " takes query, value and optionally key, got " + shapes.size() + " inputs");
        }
        int[] q = shapes.get(0), v = shapes.size() > 1 ? shapes.get(1) : q, k = shapes.size() > 2 ? shapes.get(2) : v;
        buildFor(q, v, k);   // Layer builds several-input layers through here
        if (q.length != 3 || q[2] != queryDim) {
            throw new IllegalArgumentException(describe() + ": expected a query (None, T, " + queryDim + "), got " + KerasTensor.format(q));
        }
        return q.clone();
    }

    @Override
    protected Tensor call(Tensor inputs, boolean training) {
        return attend(inputs, inputs, inputs, training);
    }

    @Override
    public Tensor call(List<Tensor> inputs) {
        if (inputs.isEmpty() || inputs.size() > 3) {
            throw new IllegalArgumentException(describe() + " takes query, value and optionally key, got " + inputs.size() + " inputs");
        }
        Tensor q = inputs.get(0), v = inputs.size() > 1 ? inputs.get(1) : q, k = inputs.size() > 2 ? inputs.get(2) : v;
        if (!isBuilt()) ensureBuilt(List.of(q.shape(), v.shape(), k.shape()));
        return traced(() -> attend(q, v, k, isTraining()));
    }

    /** x [B, T, d] · kernel [d, heads, width] (+ bias) -> [B, heads, T, width]. */
    private Tensor project(Tensor x, String name, int width) {
        Tensor kernel = param(name + "_kernel");
        Tensor y = x.matmul(kernel.reshape(kernel.size(0), numHeads * width));
        if (useBias) y = y.add(param(name + "_bias").reshape(numHeads * width));
        return y.view(x.size(0), x.size(1), numHeads, width).permute(0, 2, 1, 3);
    }

    private Tensor attend(Tensor query, Tensor value, Tensor key, boolean training) {
        for (Tensor t : List.of(query, value, key)) {
            if (t.dim() != 3) throw new IllegalArgumentException(describe() + ": expected [batch, T, features] inputs, got shape " + Shape.format(t.shape()));
        }
        Tensor q = project(query, "query", keyDim), k = project(key, "key", keyDim), v = project(value, "value", valueDim);
        Tensor o = Attention.scaledDotProductAttention(q, k, v, null, training ? dropout : 0.0, false, 1.0 / Math.sqrt(keyDim));
        int b = query.size(0), t = query.size(1);
        Tensor y = o.permute(0, 2, 1, 3).reshape(b, t, numHeads * valueDim).matmul(param("attention_output_kernel").reshape(numHeads * valueDim, queryDim));
        return useBias ? y.add(param("attention_output_bias")) : y;
    }

    @Override
    public Map<String, Object> getConfig() {
        var c = super.getConfig();
        c.put("num_heads", (long) numHeads);
        c.put("key_dim", (long) keyDim);
        c.put("value_dim", (long) valueDim);
        c.put("dropout", dropout);
        c.put("use_bias", useBias);
        return c;
    }
}
