package dev.kona.nn;

import dev.kona.DType;
import dev.kona.Device;
import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.autograd.Autograd;

/**
 * One Transformer encoder block, as PyTorch's {@code nn.TransformerEncoderLayer}: self-attention
 * and a feed-forward network ({@code linear2(dropout(activation(linear1(x))))}), each with a
 * residual connection and a LayerNorm, after it (post-norm, the default) or before it
 * ({@code normFirst}, pre-norm):
 *
 * <pre>
 * post-norm: x = norm1(x + dropout1(selfAttn(x)));        x = norm2(x + dropout2(ff(x)))
 * pre-norm:  x = x + dropout1(selfAttn(norm1(x)));        x = x + dropout2(ff(norm2(x)))
 * </pre>
 *
 * <pre>{@code
 * var layer = new TransformerEncoderLayer(256, 4, 1024, 0.1, "gelu", 1e-5, true, true, true);
 * Tensor y = layer.call(Tensor.randn(16, 128, 256));                 // [N, L, E] -> [N, L, E]
 * Tensor z = layer.call(x, null, paddingMask, true);                 // causal, padded keys
 * }</pre>
 *
 * <p>Input {@code [L, N, dModel]}, or {@code [N, L, dModel]} with {@code batchFirst}, or
 * unbatched {@code [L, dModel]}; output the same shape. State-dict keys as PyTorch's:
 * {@code self_attn.in_proj_weight}, {@code self_attn.in_proj_bias}, {@code self_attn.out_proj.*},
 * {@code linear1.*}, {@code linear2.*}, {@code norm1.*}, {@code norm2.*}.
 */
public final class TransformerEncoderLayer extends Module {
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
    private final Linear linear1;
    private final Dropout dropout;
    private final Linear linear2;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final Dropout dropout1;
    private final Dropout dropout2;

    /** PyTorch's defaults: dimFeedforward 2048, dropout 0.1, relu, eps 1e-5, sequence first, post-norm, biases. */
    public TransformerEncoderLayer(int dModel, int nhead) {
        this(dModel, nhead, 2048, 0.1, "relu", 1e-5, false, false, true);
    }

    /**
     * @param dimFeedforward the hidden size of the feed-forward network
     * @param dropout        dropout probability (attention weights, feed-forward, residual branches)
     * @param activation     {@code "relu"} or {@code "gelu"}
     * @param layerNormEps   the LayerNorms' eps
     * @param batchFirst     inputs are {@code [N, L, E]} rather than {@code [L, N, E]}
     * @param normFirst      pre-norm (LayerNorm before each block) rather than post-norm
     * @param bias           whether the linear layers and LayerNorms have biases
     */
    public TransformerEncoderLayer(int dModel, int nhead, int dimFeedforward, double dropout, String activation,
                                   double layerNormEps, boolean batchFirst, boolean normFirst, boolean bias) {
        if (dimFeedforward <= 0) {
            throw new IllegalArgumentException("TransformerEncoderLayer: dimFeedforward must be positive, got " + dimFeedforward);
        }
        this.dModel = dModel;
        this.nhead = nhead;
        this.dimFeedforward = dimFeedforward;
        this.dropoutP = dropout;
        this.activation = checkActivation("TransformerEncoderLayer", activation);
        this.layerNormEps = layerNormEps;
        this.batchFirst = batchFirst;
        this.normFirst = normFirst;
        this.bias = bias;
        selfAttn = registerModule("self_attn", new MultiheadAttention(dModel, nhead, dropout, bias, null, null, batchFirst));
        linear1 = registerModule("linear1", new Linear(dModel, dimFeedforward, bias));
        this.dropout = registerModule("dropout", new Dropout(dropout));
        linear2 = registerModule("linear2", new Linear(dimFeedforward, dModel, bias));
        norm1 = registerModule("norm1", new LayerNorm(new int[] {dModel}, layerNormEps, true, bias));
        norm2 = registerModule("norm2", new LayerNorm(new int[] {dModel}, layerNormEps, true, bias));
        dropout1 = registerModule("dropout1", new Dropout(dropout));
        dropout2 = registerModule("dropout2", new Dropout(dropout));
    }

    /** A new layer with this one's configuration, dtype, device, mode and values (PyTorch's deepcopy). */
    TransformerEncoderLayer copy() {
        var c = new TransformerEncoderLayer(dModel, nhead, dimFeedforward, dropoutP, activation, layerNormEps, batchFirst,
                normFirst, bias);
        return cloneState(this, c);
    }

    /** Gives {@code copy} the dtype, device, training mode and state of {@code from}. */
    static <M extends Module> M cloneState(Module from, M copy) {
        DType dtype = from.parameters().get(0).dtype();
        if (dtype != DType.FLOAT32) copy.to(dtype);
        if (!from.device().equals(Device.CPU)) copy.to(from.device());
        copy.loadStateDict(from.stateDict());
        copy.train(from.isTraining());
        return copy;
    }

    static String checkActivation(String who, String activation) {
        if (!"relu".equals(activation) && !"gelu".equals(activation)) {
            throw new IllegalArgumentException(who + ": activation must be \"relu\" or \"gelu\", got "
                    + (activation == null ? "null" : "\"" + activation + "\""));
        }
        return activation;
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

    /** The self-attention block ({@code self_attn}). */
    public MultiheadAttention selfAttn() {
        return selfAttn;
    }

    @Override
    public Tensor forward(Tensor src) {
        return encode(src, null, null, false);
    }

    /**
     * The layer with masks, PyTorch's {@code forward(src, src_mask, src_key_padding_mask, is_causal)}.
     *
     * @param srcMask           null, or {@code [L, L]} / {@code [N * nhead, L, L]}: bool (true = not allowed) or float (added)
     * @param srcKeyPaddingMask null, or {@code [N, L]}: bool (true = padding) or float (added)
     * @param isCausal          mask later positions when {@code srcMask} is null
     */
    public Tensor call(Tensor src, Tensor srcMask, Tensor srcKeyPaddingMask, boolean isCausal) {
        try (var scope = Autograd.modulePath(path())) {
            return encode(src, srcMask, srcKeyPaddingMask, isCausal);
        }
    }

    private Tensor encode(Tensor src, Tensor mask, Tensor keyPadding, boolean isCausal) {
        checkInput("TransformerEncoderLayer", "src", src, dModel);
        Tensor x = src;
        if (normFirst) {
            x = x.add(selfAttention(norm1.call(x), mask, keyPadding, isCausal));
            x = x.add(feedForward(norm2.call(x)));
        } else {
            x = norm1.call(x.add(selfAttention(x, mask, keyPadding, isCausal)));
            x = norm2.call(x.add(feedForward(x)));
        }
        return x;
    }

    private Tensor selfAttention(Tensor x, Tensor mask, Tensor keyPadding, boolean isCausal) {
        return dropout1.call(selfAttn.call(x, x, x, keyPadding, false, mask, true, isCausal).output());
    }

    private Tensor feedForward(Tensor x) {
        Tensor h = activate(activation, linear1.call(x));
        return dropout2.call(linear2.call(dropout.call(h)));
    }

    static Tensor activate(String activation, Tensor h) {
        return "gelu".equals(activation) ? h.gelu() : h.relu();
    }

    static void checkInput(String who, String what, Tensor x, int dModel) {
        if ((x.dim() != 2 && x.dim() != 3) || x.size(-1) != dModel) {
            throw new IllegalArgumentException(who + ": expected " + what + " of shape [L, N, " + dModel + "], [N, L, "
                    + dModel + "] (batchFirst) or [L, " + dModel + "], got " + Shape.format(x.shape()));
        }
    }

    @Override
    protected String extraRepr() {
        return "d_model=" + dModel + ", nhead=" + nhead + ", dim_feedforward=" + dimFeedforward + ", dropout=" + dropoutP
                + ", activation=" + activation + ", batch_first=" + batchFirst + ", norm_first=" + normFirst;
    }
}
