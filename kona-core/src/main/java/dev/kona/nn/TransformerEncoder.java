package dev.kona.nn;

import dev.kona.Tensor;
import dev.kona.autograd.Autograd;

/**
 * A stack of {@code numLayers} encoder layers, then an optional LayerNorm, as PyTorch's
 * {@code nn.TransformerEncoder}. As in PyTorch the stack holds copies of the given layer (same
 * configuration and, at first, the same values); the layer given is not itself part of it.
 *
 * <pre>{@code
 * var encoder = new TransformerEncoder(new TransformerEncoderLayer(256, 4), 6, null);
 * Tensor y = encoder.call(src, null, paddingMask, false);     // [L, N, 256] -> [L, N, 256]
 * }</pre>
 *
 * <p>State-dict keys: {@code layers.0.self_attn.in_proj_weight}, ..., {@code norm.weight},
 * {@code norm.bias}, as PyTorch's.
 */
public final class TransformerEncoder extends Module {
    private final ModuleList layers;
    private final LayerNorm norm;

    /**
     * @param encoderLayer the layer to copy
     * @param numLayers    how many copies, at least 1
     * @param norm         a LayerNorm applied to the output, or null
     */
    public TransformerEncoder(TransformerEncoderLayer encoderLayer, int numLayers, LayerNorm norm) {
        if (numLayers <= 0) throw new IllegalArgumentException("TransformerEncoder: numLayers must be positive, got " + numLayers);
        layers = registerModule("layers", new ModuleList());
        for (int i = 0; i < numLayers; i++) layers.add(encoderLayer.copy());
        this.norm = norm == null ? null : registerModule("norm", norm);
    }

    /** The layers ({@code layers}). */
    public ModuleList layers() {
        return layers;
    }

    @Override
    public Tensor forward(Tensor src) {
        return encode(src, null, null, false);
    }

    /** PyTorch's {@code forward(src, mask, src_key_padding_mask, is_causal)}; see {@link TransformerEncoderLayer#call(Tensor, Tensor, Tensor, boolean)}. */
    public Tensor call(Tensor src, Tensor mask, Tensor srcKeyPaddingMask, boolean isCausal) {
        try (var scope = Autograd.modulePath(path())) {
            return encode(src, mask, srcKeyPaddingMask, isCausal);
        }
    }

    private Tensor encode(Tensor src, Tensor mask, Tensor keyPadding, boolean isCausal) {
        Tensor x = src;
        for (Module layer : layers) x = ((TransformerEncoderLayer) layer).call(x, mask, keyPadding, isCausal);
        return norm == null ? x : norm.call(x);
    }
}
