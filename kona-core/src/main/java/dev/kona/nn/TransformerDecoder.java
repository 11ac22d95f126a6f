package dev.kona.nn;

import dev.kona.Tensor;
import dev.kona.autograd.Autograd;

/**
 * A stack of {@code numLayers} decoder layers, then an optional LayerNorm, as PyTorch's
 * {@code nn.TransformerDecoder}; the stack holds copies of the given layer, as in PyTorch.
 *
 * <pre>{@code
 * var decoder = new TransformerDecoder(new TransformerDecoderLayer(256, 4), 6, new LayerNorm(256));
 * Tensor y = decoder.call(tgt, memory, null, null, null, null, true, false);   // causal
 * }</pre>
 *
 * <p>State-dict keys: {@code layers.0.self_attn.in_proj_weight}, ..., {@code norm.weight}.
 */
public final class TransformerDecoder extends Module {
    private final ModuleList layers;
    private final LayerNorm norm;

    /**
     * @param decoderLayer the layer to copy
     * @param numLayers    how many copies, at least 1
     * @param norm         a LayerNorm applied to the output, or null
     */
    public TransformerDecoder(TransformerDecoderLayer decoderLayer, int numLayers, LayerNorm norm) {
        if (numLayers <= 0) throw new IllegalArgumentException("TransformerDecoder: numLayers must be positive, got " + numLayers);
        layers = registerModule("layers", new ModuleList());
        for (int i = 0; i < numLayers; i++) layers.add(decoderLayer.copy());
        this.norm = norm == null ? null : registerModule("norm", norm);
    }

    /** The layers ({@code layers}). */
    public ModuleList layers() {
        return layers;
    }

    /** Always fails: a decoder needs the target and the memory, see {@link #call(Tensor, Tensor)}. */
    @Override
    public Tensor forward(Tensor input) {
        throw new UnsupportedOperationException("TransformerDecoder needs a target and a memory: call(tgt, memory)");
    }

    /** The stack with no masks. */
    public Tensor call(Tensor tgt, Tensor memory) {
        return call(tgt, memory, null, null, null, null, false, false);
    }

    /** PyTorch's {@code forward(tgt, memory, tgt_mask, memory_mask, tgt_key_padding_mask, memory_key_padding_mask, tgt_is_causal, memory_is_causal)}. */
    public Tensor call(Tensor tgt, Tensor memory, Tensor tgtMask, Tensor memoryMask, Tensor tgtKeyPaddingMask,
                       Tensor memoryKeyPaddingMask, boolean tgtIsCausal, boolean memoryIsCausal) {
        try (var scope = Autograd.modulePath(path())) {
            Tensor x = tgt;
            for (Module layer : layers) {
                x = ((TransformerDecoderLayer) layer).call(x, memory, tgtMask, memoryMask, tgtKeyPaddingMask,
                        memoryKeyPaddingMask, tgtIsCausal, memoryIsCausal);
            }
            return norm == null ? x : norm.call(x);
        }
    }
}
