package dev.kona.nn;

import dev.kona.Tensor;
import dev.kona.autograd.Autograd;

/**
 * One Transformer decoder block, as PyTorch's {@code nn.TransformerDecoderLayer}: self-attention
 * over the target, attention from the target to the encoder's output ({@code memory}), and a
 * feed-forward network, each with a residual connection and a LayerNorm, after it (post-norm, the
 * default) or before it ({@code normFirst}):
 *
 * <pre>
 * post-norm: x = norm1(x + sa(x));  x = norm2(x + mha(x, memory));  x = norm3(x + ff(x))
 * pre-norm:  x = x + sa(norm1(x));  x = x + mha(norm2(x), memory);  x = x + ff(norm3(x))
 * </pre>
 *
 * <pre>{@code
 * var layer = new TransformerDecoderLayer(256, 4);
 * Tensor y = layer.call(tgt, memory, null, null, null, null, true, false);   // causal self-attention
 * }</pre>
 *
 * <p>Shapes: target {@code [T, N, dModel]} and memory {@code [S, N, dModel]} ({@code [N, T, dModel]}
 * and {@code [N, S, dModel]} with {@code batchFirst}; or unbatched); output shaped like the target.
 * State-dict keys as PyTorch's: {@code self_attn.*}, {@code multihead_attn.*}, {@code linear1.*},
 * {@code linear2.*}, {@code norm1.*}, {@code norm2.*}, {@code norm3.*}. It has no single-input
 * forward: use {@link #call(Tensor, Tensor)}.
 */
public final class TransformerDecoderLayer extends Module {
    private final int dModel;
    private final int nhead;
    private final int dimFeedforward;
    private final double dropoutP;
    private final String activation;
    private final double layerNormEps;
    private final boolean batchFirst;
    private final boolean normFirst;
    private final boolean bias;

    private final MultiheadAttention selfAttn;
    private final MultiheadAttention multiheadAttn;
    private final Linear linear1;
    private final Dropout dropout;
    private final Linear linear2;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final LayerNorm norm3;
    private final Dropout dropout1;
    private final Dropout dropout2;
    private final Dropout dropout3;

    /** PyTorch's defaults: dimFeedforward 2048, dropout 0.1, relu, eps 1e-5, sequence first, post-norm, biases. */
    public TransformerDecoderLayer(int dModel, int nhead) {
        this(dModel, nhead, 2048, 0.1, "relu", 1e-5, false, false, true);
    }

    /** The arguments of {@link TransformerEncoderLayer#TransformerEncoderLayer(int, int, int, double, String, double, boolean, boolean, boolean)}. */
    public TransformerDecoderLayer(int dModel, int nhead, int dimFeedforward, double dropout, String activation,
                                   double layerNormEps, boolean batchFirst, boolean normFirst, boolean bias) {
        if (dimFeedforward <= 0) {
            throw new IllegalArgumentException("TransformerDecoderLayer: dimFeedforward must be positive, got " + dimFeedforward);
        }
        this.dModel = dModel;
        this.nhead = nhead;
        this.dimFeedforward = dimFeedforward;
        this.dropoutP = dropout;
        this.activation = TransformerEncoderLayer.checkActivation("TransformerDecoderLayer", activation);
        this.layerNormEps = layerNormEps;
        this.batchFirst = batchFirst;
        this.normFirst = normFirst;
        this.bias = bias;
        selfAttn = registerModule("self_attn", new MultiheadAttention(dModel, nhead, dropout, bias, null, null, batchFirst));
        multiheadAttn = registerModule("multihead_attn",
                new MultiheadAttention(dModel, nhead, dropout, bias, null, null, batchFirst));
        linear1 = registerModule("linear1", new Linear(dModel, dimFeedforward, bias));
        this.dropout = registerModule("dropout", new Dropout(dropout));
        linear2 = registerModule("linear2", new Linear(dimFeedforward, dModel, bias));
        norm1 = registerModule("norm1", new LayerNorm(new int[] {dModel}, layerNormEps, true, bias));
        norm2 = registerModule("norm2", new LayerNorm(new int[] {dModel}, layerNormEps, true, bias));
        norm3 = registerModule("norm3", new LayerNorm(new int[] {dModel}, layerNormEps, true, bias));
        dropout1 = registerModule("dropout1", new Dropout(dropout));
        dropout2 = registerModule("dropout2", new Dropout(dropout));
        dropout3 = registerModule("dropout3", new Dropout(dropout));
    }

    /** A new layer with this one's configuration, dtype, device, mode and values (PyTorch's deepcopy). */
    TransformerDecoderLayer copy() {
        var c = new TransformerDecoderLayer(dModel, nhead, dimFeedforward, dropoutP, activation, layerNormEps, batchFirst,
                normFirst, bias);
        return TransformerEncoderLayer.cloneState(this, c);
    }

    public int dModel() {
        return dModel;
    }

    public boolean batchFirst() {
        return batchFirst;
    }

    public boolean normFirst() {
        return normFirst;
    }

    /** Always fails: a decoder layer needs the target and the memory, see {@link #call(Tensor, Tensor)}. */
    @Override
    public Tensor forward(Tensor input) {
        throw new UnsupportedOperationException("TransformerDecoderLayer needs a target and a memory: call(tgt, memory)");
    }

    /** The layer with no masks. */
    public Tensor call(Tensor tgt, Tensor memory) {
        return call(tgt, memory, null, null, null, null, false, false);
    }

    /**
     * The layer with masks, PyTorch's {@code forward(tgt, memory, tgt_mask, memory_mask,
     * tgt_key_padding_mask, memory_key_padding_mask, tgt_is_causal, memory_is_causal)}; the masks
     * follow {@link MultiheadAttention}'s conventions (bool true = not allowed, float added).
     *
     * @param tgtMask              null, or {@code [T, T]} / {@code [N * nhead, T, T]}
     * @param memoryMask           null, or {@code [T, S]} / {@code [N * nhead, T, S]}
     * @param tgtKeyPaddingMask    null, or {@code [N, T]}
     * @param memoryKeyPaddingMask null, or {@code [N, S]}
     * @param tgtIsCausal          causal self-attention when {@code tgtMask} is null
     * @param memoryIsCausal       causal cross-attention when {@code memoryMask} is null
     */
    public Tensor call(Tensor tgt, Tensor memory, Tensor tgtMask, Tensor memoryMask, Tensor tgtKeyPaddingMask,
                       Tensor memoryKeyPaddingMask, boolean tgtIsCausal, boolean memoryIsCausal) {
        try (var scope = Autograd.modulePath(path())) {
            String who = "TransformerDecoderLayer";
            TransformerEncoderLayer.checkInput(who, "tgt", tgt, dModel);
            TransformerEncoderLayer.checkInput(who, "memory", memory, dModel);
            Tensor x = tgt;
            if (normFirst) {
                x = x.add(selfAttention(norm1.call(x), tgtMask, tgtKeyPaddingMask, tgtIsCausal));
                x = x.add(crossAttention(norm2.call(x), memory, memoryMask, memoryKeyPaddingMask, memoryIsCausal));
                x = x.add(feedForward(norm3.call(x)));
            } else {
                x = norm1.call(x.add(selfAttention(x, tgtMask, tgtKeyPaddingMask, tgtIsCausal)));
                x = norm2.call(x.add(crossAttention(x, memory, memoryMask, memoryKeyPaddingMask, memoryIsCausal)));
                x = norm3.call(x.add(feedForward(x)));
            }
            return x;
        }
    }

    private Tensor selfAttention(Tensor x, Tensor mask, Tensor keyPadding, boolean isCausal) {
        return dropout1.call(selfAttn.call(x, x, x, keyPadding, false, mask, true, isCausal).output());
    }

    private Tensor crossAttention(Tensor x, Tensor memory, Tensor mask, Tensor keyPadding, boolean isCausal) {
        return dropout2.call(multiheadAttn.call(x, memory, memory, keyPadding, false, mask, true, isCausal).output());
    }

    private Tensor feedForward(Tensor x) {
        Tensor h = TransformerEncoderLayer.activate(activation, linear1.call(x));
        return dropout3.call(linear2.call(dropout.call(h)));
    }

    @Override
    protected String extraRepr() {
        return "d_model=" + dModel + ", nhead=" + nhead + ", dim_feedforward=" + dimFeedforward + ", dropout=" + dropoutP
                + ", activation=" + activation + ", batch_first=" + batchFirst + ", norm_first=" + normFirst;
    }
}
