package dev.kona.nn;

import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.autograd.Autograd;

/**
 * The encoder-decoder Transformer of "Attention Is All You Need", as PyTorch's {@code nn.Transformer}:
 * a {@link TransformerEncoder} and a {@link TransformerDecoder}, each ending with a LayerNorm.
 * Every parameter of two or more dimensions is then drawn Xavier-uniform, as PyTorch does.
 *
 * <pre>{@code
 * var model = new Transformer(256, 4, 3, 3, 1024, 0.1, "relu", 1e-5, true, false, true);
 * Tensor tgtMask = Transformer.generateSquareSubsequentMask(20);
 * Tensor y = model.call(src, tgt, null, tgtMask, null, null, null, null, false, false, false);
 * }</pre>
 *
 * <p>Shapes: src {@code [S, N, dModel]}, tgt {@code [T, N, dModel]} (batch first with
 * {@code batchFirst}; or unbatched); output shaped like tgt. State-dict keys as PyTorch's:
 * {@code encoder.layers.0...}, {@code encoder.norm.*}, {@code decoder.layers.0...}, {@code decoder.norm.*}.
 */
public final class Transformer extends Module {
    private final int dModel;
    private final boolean batchFirst;
    private final TransformerEncoder encoder;
    private final TransformerDecoder decoder;

    /** PyTorch's defaults: dModel 512, 8 heads, 6 + 6 layers, feed-forward 2048, dropout 0.1, relu, sequence first, post-norm. */
    public Transformer() {
        this(512, 8, 6, 6, 2048, 0.1, "relu", 1e-5, false, false, true);
    }

    /** The layers' arguments (see {@link TransformerEncoderLayer}) and the depth of each stack. */
    public Transformer(int dModel, int nhead, int numEncoderLayers, int numDecoderLayers, int dimFeedforward, double dropout,
                       String activation, double layerNormEps, boolean batchFirst, boolean normFirst, boolean bias) {
        this.dModel = dModel;
        this.batchFirst = batchFirst;
        var encLayer = new TransformerEncoderLayer(dModel, nhead, dimFeedforward, dropout, activation, layerNormEps,
                batchFirst, normFirst, bias);
        encoder = registerModule("encoder", new TransformerEncoder(encLayer, numEncoderLayers,
                new LayerNorm(new int[] {dModel}, layerNormEps, true, bias)));
        var decLayer = new TransformerDecoderLayer(dModel, nhead, dimFeedforward, dropout, activation, layerNormEps,
                batchFirst, normFirst, bias);
        decoder = registerModule("decoder", new TransformerDecoder(decLayer, numDecoderLayers,
                new LayerNorm(new int[] {dModel}, layerNormEps, true, bias)));
        for (Tensor p : parameters()) if (p.dim() > 1) Init.xavierUniform(p);
    }

    public TransformerEncoder encoder() {
        return encoder;
    }

    public TransformerDecoder decoder() {
        return decoder;
    }

    /**
     * A float mask {@code [size, size]} for causal attention: 0 on and below the diagonal,
     * {@code -inf} above (PyTorch's {@code generate_square_subsequent_mask}).
     */
    public static Tensor generateSquareSubsequentMask(int size) {
        if (size < 0) throw new IllegalArgumentException("generateSquareSubsequentMask: size must be >= 0, got " + size);
        return Attention.causalBias(size, size, dev.kona.DType.FLOAT32, dev.kona.Device.CPU);
    }

    /** Always fails: a Transformer needs a source and a target, see {@link #call(Tensor, Tensor)}. */
    @Override
    public Tensor forward(Tensor input) {
        throw new UnsupportedOperationException("Transformer needs a source and a target: call(src, tgt)");
    }

    /** The model with no masks. */
    public Tensor call(Tensor src, Tensor tgt) {
        return call(src, tgt, null, null, null, null, null, null, false, false, false);
    }

    /**
     * PyTorch's {@code forward(src, tgt, src_mask, tgt_mask, memory_mask, src_key_padding_mask,
     * tgt_key_padding_mask, memory_key_padding_mask, src_is_causal, tgt_is_causal, memory_is_causal)};
     * masks follow {@link MultiheadAttention}'s conventions (bool true = not allowed, float added).
     */
    public Tensor call(Tensor src, Tensor tgt, Tensor srcMask, Tensor tgtMask, Tensor memoryMask, Tensor srcKeyPaddingMask,
                       Tensor tgtKeyPaddingMask, Tensor memoryKeyPaddingMask, boolean srcIsCausal, boolean tgtIsCausal,
                       boolean memoryIsCausal) {
        try (var scope = Autograd.modulePath(path())) {
            boolean batched = src.dim() == 3;
            int bd = batchFirst ? 0 : 1;
            if (src.dim() != tgt.dim() || (batched && src.size(bd) != tgt.size(bd))) {
                throw new IllegalArgumentException("Transformer: src and tgt must have the same rank and batch size, got "
                        + Shape.format(src.shape()) + " and " + Shape.format(tgt.shape())
                        + (batchFirst ? " (batchFirst)" : " (sequence first)"));
            }
            if (src.size(-1) != dModel || tgt.size(-1) != dModel) {
                throw new IllegalArgumentException("Transformer: the feature size of src and tgt must be dModel " + dModel
                        + ", got " + Shape.format(src.shape()) + " and " + Shape.format(tgt.shape()));
            }
            Tensor memory = encoder.call(src, srcMask, srcKeyPaddingMask, srcIsCausal);
            return decoder.call(tgt, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask, tgtIsCausal,
                    memoryIsCausal);
        }
    }
}
