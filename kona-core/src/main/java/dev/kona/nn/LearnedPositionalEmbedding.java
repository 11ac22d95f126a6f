package dev.kona.nn;

import dev.kona.Generator;
import dev.kona.Shape;
import dev.kona.Tensor;

/**
 * Adds a learned vector per position to a sequence of embeddings (BERT's and GPT's position
 * embeddings): {@code x + weight[:L]}, with {@code weight [maxLen, dModel]} drawn from N(0, 1) as an
 * {@link Embedding}'s.
 *
 * <pre>{@code
 * var pos = new LearnedPositionalEmbedding(512, 256, true, null);
 * Tensor h = pos.call(tokens.call(ids));     // [N, L, 256], L <= 512
 * }</pre>
 *
 * <p>Input {@code [L, N, dModel]}, {@code [N, L, dModel]} with {@code batchFirst}, or {@code [L, dModel]};
 * output the same shape. State: {@code weight}.
 */
public final class LearnedPositionalEmbedding extends Module {
    private final int maxLen;
    private final int dModel;
    private final boolean batchFirst;

    public LearnedPositionalEmbedding(int maxLen, int dModel) {
        this(maxLen, dModel, false, null);
    }

    /** @param generator the source of the initial values (null: the global generator) */
    public LearnedPositionalEmbedding(int maxLen, int dModel, boolean batchFirst, Generator generator) {
        if (maxLen <= 0 || dModel <= 0) {
            throw new IllegalArgumentException("LearnedPositionalEmbedding: expected positive sizes, got maxLen=" + maxLen
                    + ", dModel=" + dModel);
        }
        this.maxLen = maxLen;
        this.dModel = dModel;
        this.batchFirst = batchFirst;
        registerParameter("weight", Tensor.empty(maxLen, dModel));
        Init.normal(weight(), 0, 1, generator);
    }

    /** The table, {@code [maxLen, dModel]}. */
    public Tensor weight() {
        return param("weight");
    }

    @Override
    public Tensor forward(Tensor input) {
        if ((input.dim() != 2 && input.dim() != 3) || input.size(-1) != dModel) {
            throw new IllegalArgumentException("LearnedPositionalEmbedding(" + maxLen + ", " + dModel + "): expected input [L, N, "
                    + dModel + "], [N, L, " + dModel + "] (batchFirst) or [L, " + dModel + "], got " + Shape.format(input.shape()));
        }
        boolean seqFirst3 = input.dim() == 3 && !batchFirst;
        int length = input.dim() == 2 || seqFirst3 ? input.size(0) : input.size(1);
        if (length > maxLen) {
            throw new IllegalArgumentException("LearnedPositionalEmbedding: sequence length " + length + " exceeds maxLen " + maxLen);
        }
        Tensor pe = weight().narrow(0, 0, length);
        return input.add(seqFirst3 ? pe.unsqueeze(1) : pe);
    }

    @Override
    protected String extraRepr() {
        return "max_len=" + maxLen + ", d_model=" + dModel + ", batch_first=" + batchFirst;
    }
}
