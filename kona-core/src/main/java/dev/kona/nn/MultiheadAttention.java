package dev.kona.nn;

import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.autograd.Autograd;
import dev.kona.ops.Dispatch;

/**
 * Multi-head attention, as PyTorch's {@code nn.MultiheadAttention}: the query, key and value are
 * projected, split into {@code numHeads} heads of {@code embedDim / numHeads}, attended with
 * scaled dot-product attention per head, merged and projected again.
 *
 * <pre>{@code
 * var mha = new MultiheadAttention(256, 4, 0.1, true, null, null, true);     // batchFirst
 * Tensor x = Tensor.randn(16, 128, 256);                                     // [N, L, E]
 * var r = mha.call(x, x, x);                  // r.output() [16, 128, 256], r.weights() [16, 128, 128]
 * Tensor y = mha.call(x, x, x, padding, false, null, true, true).output();   // causal, padded keys
 * }</pre>
 *
 * <p>Shapes: query {@code [L, N, E]}, key {@code [S, N, kdim]}, value {@code [S, N, vdim]}
 * ({@code [N, L, E]}... with {@code batchFirst}), or unbatched {@code [L, E]}, {@code [S, kdim]},
 * {@code [S, vdim]}; the output is shaped like the query. Masks, with PyTorch's conventions for
 * this module: {@code keyPaddingMask [N, S]} ({@code [S]} unbatched) and {@code attnMask [L, S]} or
 * {@code [N * numHeads, L, S]} ({@code [numHeads, L, S]} unbatched) are either bool, where <b>true
 * masks the position out</b>, or floating point, added to the scores. {@code isCausal} without an
 * {@code attnMask} masks key j for query i when {@code j > i} (PyTorch requires the mask and
 * takes the flag as a hint; given a mask, so does Kona). A query whose keys are all masked gets
 * zero weights and outputs the projection's bias, where PyTorch's {@code need_weights=True} path
 * gives NaN (see {@link Attention}).
 *
 * <p>State, with PyTorch's names so that a state dict maps one to one: {@code in_proj_weight}
 * {@code [3E, E]} (or {@code q_proj_weight [E, E]}, {@code k_proj_weight [E, kdim]},
 * {@code v_proj_weight [E, vdim]} when kdim or vdim differ from E), {@code in_proj_bias [3E]},
 * {@code out_proj.weight [E, E]}, {@code out_proj.bias [E]}. Initialised as PyTorch: Xavier-uniform
 * projections, zero biases, {@code out_proj.weight} as a {@link Linear}'s. The heads are batched
 * products over views of the projections (no copy until they are merged).
 * PyTorch's {@code add_bias_kv} and {@code add_zero_attn} are not supported.
 */
public final class MultiheadAttention extends Module {
    /** The attention output, shaped like the query, and the attention weights (null when not asked for). */
    public record Output(Tensor output, Tensor weights) {}

    private final int embedDim;
    private final int numHeads;
    private final int headDim;
    private final int kdim;
    private final int vdim;
    private final double dropout;
    private final boolean hasBias;
    private final boolean batchFirst;
    private final boolean packed;
    private final Linear outProj;

    /** No dropout, with biases, sequence-first ({@code [L, N, E]}) inputs. */
    public MultiheadAttention(int embedDim, int numHeads) {
        this(embedDim, numHeads, 0.0, true, null, null, false);
    }

    /**
     * @param dropout    probability of dropping an attention weight in training, in [0, 1)
     * @param bias       whether the projections have biases
     * @param kdim       the key's feature size, or null for {@code embedDim}
     * @param vdim       the value's feature size, or null for {@code embedDim}
     * @param batchFirst inputs are {@code [N, L, E]} rather than {@code [L, N, E]}
     */
    public MultiheadAttention(int embedDim, int numHeads, double dropout, boolean bias, Integer kdim, Integer vdim,
                              boolean batchFirst) {
        String who = "MultiheadAttention";
        if (embedDim <= 0 || numHeads <= 0) {
            throw new IllegalArgumentException(who + ": embedDim and numHeads must be positive, got embedDim=" + embedDim
                    + ", numHeads=" + numHeads);
        }
        if (embedDim % numHeads != 0) {
            throw new IllegalArgumentException(who + ": embedDim " + embedDim + " is not divisible by numHeads " + numHeads);
        }
        F.checkDropoutP(who, dropout);
        this.embedDim = embedDim;
        this.numHeads = numHeads;
        this.headDim = embedDim / numHeads;
        this.kdim = kdim == null ? embedDim : kdim;
        this.vdim = vdim == null ? embedDim : vdim;
        if (this.kdim <= 0 || this.vdim <= 0) {
            throw new IllegalArgumentException(who + ": kdim and vdim must be positive, got kdim=" + this.kdim + ", vdim="
                    + this.vdim);
        }
        this.dropout = dropout;
        this.hasBias = bias;
        this.batchFirst = batchFirst;
        this.packed = this.kdim == embedDim && this.vdim == embedDim;
        if (packed) {
            registerParameter("in_proj_weight", Tensor.empty(3 * embedDim, embedDim));
        } else {
            registerParameter("q_proj_weight", Tensor.empty(embedDim, embedDim));
            registerParameter("k_proj_weight", Tensor.empty(embedDim, this.kdim));
            registerParameter("v_proj_weight", Tensor.empty(embedDim, this.vdim));
        }
        if (bias) registerParameter("in_proj_bias", Tensor.zeros(3 * embedDim));
        outProj = registerModule("out_proj", new Linear(embedDim, embedDim, bias));
        resetParameters();
    }

    /** PyTorch's {@code _reset_parameters}: Xavier-uniform input projections, zero biases. */
    public void resetParameters() {
        if (packed) {
            Init.xavierUniform(param("in_proj_weight"));
        } else {
            Init.xavierUniform(param("q_proj_weight"));
            Init.xavierUniform(param("k_proj_weight"));
            Init.xavierUniform(param("v_proj_weight"));
        }
        if (hasBias) {
            Init.zeros(param("in_proj_bias"));
            Init.zeros(outProj.bias());
        }
    }

    public int embedDim() {
        return embedDim;
    }

    public int numHeads() {
        return numHeads;
    }

    public int headDim() {
        return headDim;
    }

    public boolean batchFirst() {
        return batchFirst;
    }

    /** The output projection ({@code out_proj}). */
    public Linear outProj() {
        return outProj;
    }

    /** Self-attention of {@code input} with no mask; returns the output only. */
    @Override
    public Tensor forward(Tensor input) {
        return attention(input, input, input, null, false, null, true, false).output();
    }

    /** Attention with no mask; returns the output and the weights averaged over the heads. */
    public Output call(Tensor query, Tensor key, Tensor value) {
        return call(query, key, value, null, true, null, true, false);
    }

    /**
     * Attention, with PyTorch's arguments in PyTorch's order.
     *
     * @param keyPaddingMask     null, or {@code [N, S]} ({@code [S]} unbatched): bool (true = ignore this key) or float (added)
     * @param needWeights        whether to return the attention weights
     * @param attnMask           null, or {@code [L, S]} / {@code [N * numHeads, L, S]}: bool (true = not allowed) or float (added)
     * @param averageAttnWeights average the returned weights over the heads ({@code [N, L, S]}), else
     *                           {@code [N, numHeads, L, S]}
     * @param isCausal           mask later keys ({@code j > i}) when {@code attnMask} is null
     */
    public Output call(Tensor query, Tensor key, Tensor value, Tensor keyPaddingMask, boolean needWeights, Tensor attnMask,
                       boolean averageAttnWeights, boolean isCausal) {
        try (var scope = Autograd.modulePath(path())) {
            return attention(query, key, value, keyPaddingMask, needWeights, attnMask, averageAttnWeights, isCausal);
        }
    }

    private Output attention(Tensor query, Tensor key, Tensor value, Tensor keyPaddingMask, boolean needWeights,
                             Tensor attnMask, boolean averageAttnWeights, boolean isCausal) {
        String who = "MultiheadAttention";
        int rank = query.dim();
        if ((rank != 2 && rank != 3) || key.dim() != rank || value.dim() != rank) {
            throw new IllegalArgumentException(who + ": expected query, key and value all 3-D (batched) or all 2-D (unbatched), got "
                    + Shape.format(query.shape()) + ", " + Shape.format(key.shape()) + " and " + Shape.format(value.shape()));
        }
        Dispatch.deviceOf(who, query, key, value, keyPaddingMask, attnMask, outProj.weight());
        boolean batched = rank == 3;
        int bd = batchFirst ? 0 : 1, sd = 1 - bd;
        Tensor q3 = batched ? query : query.unsqueeze(bd);
        Tensor k3 = key == query ? q3 : batched ? key : key.unsqueeze(bd);
        Tensor v3 = value == key ? k3 : batched ? value : value.unsqueeze(bd);
        int n = q3.size(bd), l = q3.size(sd), s = k3.size(sd);
        String layout = batchFirst ? "[N, L, E]" : "[L, N, E]";
        if (q3.size(2) != embedDim || k3.size(2) != kdim || v3.size(2) != vdim) {
            throw new IllegalArgumentException(who + ": expected query, key and value with feature sizes " + embedDim + ", "
                    + kdim + " and " + vdim + " (" + layout + "), got " + Shape.format(query.shape()) + ", "
                    + Shape.format(key.shape()) + " and " + Shape.format(value.shape()));
        }
        if (k3.size(bd) != n || v3.size(bd) != n || v3.size(sd) != s) {
            throw new IllegalArgumentException(who + ": query, key and value must share the batch size and key and value the "
                    + "sequence length (" + layout + "), got " + Shape.format(query.shape()) + ", " + Shape.format(key.shape())
                    + " and " + Shape.format(value.shape()));
        }

        // Projections to [N, H, L or S, headDim] views. Three products against row blocks of the
        // packed weight rather than one against all of it: the same time forward (measured), and
        // backward each block's gradient is a product of its own, where splitting one product's
        // output would give each of q, k and v a zero-filled gradient of the whole [*, 3E] to sum.
        Tensor b = hasBias ? param("in_proj_bias") : null;
        int e = embedDim;
        Tensor wq = packed ? param("in_proj_weight").narrow(0, 0, e) : param("q_proj_weight");
        Tensor wk = packed ? param("in_proj_weight").narrow(0, e, e) : param("k_proj_weight");
        Tensor wv = packed ? param("in_proj_weight").narrow(0, 2 * e, e) : param("v_proj_weight");
        // The softmax scale 1/sqrt(headDim) is folded into q's weight and bias (E x E values rather
        // than a pass over every query).
        double scale = 1.0 / Math.sqrt(headDim);
        Tensor q = project(q3, wq.mul(scale), b == null ? null : b.narrow(0, 0, e).mul(scale));
        Tensor k = project(k3, wk, b == null ? null : b.narrow(0, e, e));
        Tensor v = project(v3, wv, b == null ? null : b.narrow(0, 2 * e, e));

        // Masks as one additive bias broadcasting to the scores [N, H, L, S].
        Tensor bias = null;
        boolean guard = false;
        if (keyPaddingMask != null) {
            int[] expected = batched ? new int[] {n, s} : new int[] {s};
            if (!java.util.Arrays.equals(keyPaddingMask.shape(), expected)) {
                throw new IllegalArgumentException(who + ": expected keyPaddingMask of shape " + Shape.format(expected)
                        + ", got " + Shape.format(keyPaddingMask.shape()));
            }
            bias = Attention.additive(keyPaddingMask, false, q.dtype()).reshape(n, 1, 1, s);
            guard = true;
        }
        if (attnMask != null) {
            int heads = batched ? n * numHeads : numHeads;
            boolean twoD = java.util.Arrays.equals(attnMask.shape(), new int[] {l, s});
            if (!twoD && !java.util.Arrays.equals(attnMask.shape(), new int[] {heads, l, s})) {
                throw new IllegalArgumentException(who + ": expected attnMask of shape " + Shape.format(new int[] {l, s})
                        + " or " + Shape.format(new int[] {heads, l, s}) + ", got " + Shape.format(attnMask.shape()));
            }
            Tensor a = Attention.additive(attnMask, false, q.dtype());
            if (!twoD) a = a.reshape(n, numHeads, l, s);
            bias = bias == null ? a : bias.add(a);
            guard = true;
        } else if (isCausal) {
            Tensor c = Attention.causalBias(l, s, q.dtype(), q.device());
            bias = bias == null ? c : bias.add(c);
        }

        double p = isTraining() ? dropout : 0.0;
        var r = Attention.attend(q, k, v, bias, guard, 1.0, p, null, needWeights);

        // Merge the heads back into the input's layout and project: [N, H, L, Dh] -> [A, B, E].
        Tensor merged = (batchFirst ? r.output().permute(0, 2, 1, 3) : r.output().permute(2, 0, 1, 3)).reshape(-1, e);
        Tensor out = outProj.call(merged).reshape(q3.size(0), q3.size(1), e);
        Tensor weights = null;
        if (needWeights) {
            weights = averageAttnWeights ? r.weights().mean(1, false) : r.weights();
            if (!batched) weights = weights.squeeze(0);
        }
        return new Output(batched ? out : out.squeeze(bd), weights);
    }

    /** {@code x [A, B, in] · wᵀ + b} as one 2-D product, viewed as {@code [N, H, seq, headDim]}. */
    private Tensor project(Tensor x, Tensor w, Tensor b) {
        Tensor y = F.linear(x.reshape(-1, x.size(2)), w, b).view(x.size(0), x.size(1), numHeads, headDim);
        return batchFirst ? y.permute(0, 2, 1, 3) : y.permute(1, 2, 0, 3);
    }

    @Override
    protected String extraRepr() {
        return "embed_dim=" + embedDim + ", num_heads=" + numHeads + ", dropout=" + dropout + ", bias=" + hasBias
                + (packed ? "" : ", kdim=" + kdim + ", vdim=" + vdim) + ", batch_first=" + batchFirst;
    }
}
