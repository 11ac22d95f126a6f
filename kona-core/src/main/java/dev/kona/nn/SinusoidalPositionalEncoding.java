package dev.kona.nn;

import dev.kona.Shape;
import dev.kona.Tensor;

/**
 * Adds the fixed sinusoidal position codes of "Attention Is All You Need" to a sequence of
 * embeddings, then applies dropout (the {@code PositionalEncoding} of PyTorch's Transformer
 * tutorial): {@code x + pe[:L]} with {@code pe[pos, 2i] = sin(pos / 10000^(2i/dModel))} and
 * {@code pe[pos, 2i+1] = cos(pos / 10000^(2i/dModel))} (see {@link Embeddings#sinusoidal}).
 *
 * <pre>{@code
 * var pos = new SinusoidalPositionalEncoding(256, 5000, 0.1, true);
 * Tensor h = pos.call(embedding.call(ids).mul(Math.sqrt(256)));   // [N, L, 256]
 * }</pre>
 *
 * <p>Input {@code [L, N, dModel]}, {@code [N, L, dModel]} with {@code batchFirst}, or {@code [L, dModel]};
 * output the same shape. It has no parameters and nothing in its state dict: the table is
 * computed once per dtype and device and kept.
 */
public final class SinusoidalPositionalEncoding extends Module {
    private final int dModel;
    private final int maxLen;
    private final boolean batchFirst;
    private final Dropout dropout;
    private Tensor table;   // [maxLen, dModel], in the dtype and on the device last used

    /** maxLen 5000, dropout 0.1, sequence first. */
    public SinusoidalPositionalEncoding(int dModel) {
        this(dModel, 5000, 0.1, false);
    }

    public SinusoidalPositionalEncoding(int dModel, int maxLen, double dropout, boolean batchFirst) {
        if (dModel <= 0 || maxLen <= 0) {
            throw new IllegalArgumentException("SinusoidalPositionalEncoding: expected positive sizes, got dModel=" + dModel
                    + ", maxLen=" + maxLen);
        }
        this.dModel = dModel;
        this.maxLen = maxLen;
        this.batchFirst = batchFirst;
        this.dropout = registerModule("dropout", new Dropout(dropout));
    }

    /** The codes of the first {@code length} positions, {@code [length, dModel]}, in the dtype and on the device of {@code like}. */
    public Tensor encoding(int length, Tensor like) {
        if (length > maxLen) {
            throw new IllegalArgumentException("SinusoidalPositionalEncoding: sequence length " + length + " exceeds maxLen "
                    + maxLen);
        }
        Tensor t = table;
        if (t == null || t.dtype() != like.dtype() || !t.device().equals(like.device())) {
            t = Embeddings.sinusoidal(maxLen, dModel, like.dtype(), like.device());
            table = dev.kona.MemoryScope.persist(t);
        }
        return t.narrow(0, 0, length);
    }

    @Override
    public Tensor forward(Tensor input) {
        if ((input.dim() != 2 && input.dim() != 3) || input.size(-1) != dModel || !input.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("SinusoidalPositionalEncoding(" + dModel + "): expected a floating-point input [L, N, "
                    + dModel + "], [N, L, " + dModel + "] (batchFirst) or [L, " + dModel + "], got " + input.dtype() + " "
                    + Shape.format(input.shape()));
        }
        boolean seqFirst3 = input.dim() == 3 && !batchFirst;
        int length = input.dim() == 2 || seqFirst3 ? input.size(0) : input.size(1);
        Tensor pe = encoding(length, input);
        return dropout.call(input.add(seqFirst3 ? pe.unsqueeze(1) : pe));
    }

    @Override
    protected String extraRepr() {
        return "d_model=" + dModel + ", max_len=" + maxLen + ", batch_first=" + batchFirst;
    }
}
