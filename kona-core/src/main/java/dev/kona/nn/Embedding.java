package dev.kona.nn;

import dev.kona.Generator;
import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.autograd.GradMode;

/**
 * A look-up table of {@code numEmbeddings} vectors of size {@code embeddingDim}, as PyTorch's
 * {@code nn.Embedding}: input indices {@code [*]} (int32 or int64), output {@code [*, embeddingDim]};
 * parameter {@code weight [numEmbeddings, embeddingDim]}, drawn from N(0, 1).
 *
 * <pre>{@code
 * var emb = new Embedding(10_000, 256, 0, null, 2.0, null);   // index 0 is padding
 * Tensor x = emb.call(Tensor.of(new long[][] {{5, 9, 0}}));   // [1, 3, 256]; x[0, 2] is zeros
 * }</pre>
 *
 * <p>A {@code paddingIdx} row starts at zero and receives no gradient, so it stays as it is while
 * training. A {@code maxNorm} rescales, at each call, the looked-up rows whose norm exceeds it (in
 * place, as PyTorch does). See {@link Embeddings#embedding}.
 */
public final class Embedding extends Module {
    private final int numEmbeddings;
    private final int embeddingDim;
    private final Integer paddingIdx;
    private final Double maxNorm;
    private final double normType;

    public Embedding(int numEmbeddings, int embeddingDim) {
        this(numEmbeddings, embeddingDim, null, null, 2.0, null);
    }

    /**
     * @param paddingIdx the padding index (negative counts from the end), or null
     * @param maxNorm    the largest norm of a looked-up row, or null
     * @param normType   the p of that norm (2 by default)
     * @param generator  the source of the initial values (null: the global generator)
     */
    public Embedding(int numEmbeddings, int embeddingDim, Integer paddingIdx, Double maxNorm, double normType,
                     Generator generator) {
        this(numEmbeddings, embeddingDim, paddingIdx, maxNorm, normType, null, generator);
    }

    private Embedding(int numEmbeddings, int embeddingDim, Integer paddingIdx, Double maxNorm, double normType,
                      Tensor weight, Generator generator) {
        if (numEmbeddings <= 0 || embeddingDim <= 0) {
            throw new IllegalArgumentException("Embedding: expected positive sizes, got numEmbeddings=" + numEmbeddings
                    + ", embeddingDim=" + embeddingDim);
        }
        if (maxNorm != null && !(maxNorm > 0)) {
            throw new IllegalArgumentException("Embedding: maxNorm must be > 0, got " + maxNorm);
        }
        this.numEmbeddings = numEmbeddings;
        this.embeddingDim = embeddingDim;
        this.paddingIdx = paddingIdx == null ? null : Embeddings.normalizePaddingIdx("Embedding", paddingIdx, numEmbeddings);
        this.maxNorm = maxNorm;
        this.normType = normType;
        if (weight != null) {
            registerParameter("weight", weight);
        } else {
            registerParameter("weight", Tensor.empty(numEmbeddings, embeddingDim));
            resetParameters(generator);
        }
    }

    /**
     * A layer holding {@code embeddings [numEmbeddings, embeddingDim]} (copied), frozen
     * ({@code requiresGrad(false)}) when {@code freeze}, as PyTorch's {@code Embedding.from_pretrained}.
     * The padding row keeps its given values.
     */
    public static Embedding fromPretrained(Tensor embeddings, boolean freeze, Integer paddingIdx) {
        if (embeddings.dim() != 2) {
            throw new IllegalArgumentException("Embedding.fromPretrained: expected a 2-D tensor [numEmbeddings, embeddingDim], got shape "
                    + Shape.format(embeddings.shape()));
        }
        var e = new Embedding(embeddings.size(0), embeddings.size(1), paddingIdx, null, 2.0, embeddings.detach().copy(), null);
        if (freeze) e.weight().requiresGrad(false);
        return e;
    }

    /** Re-draws the weight from N(0, 1) and zeroes the padding row. */
    public void resetParameters(Generator generator) {
        Init.normal(weight(), 0, 1, generator);
        if (paddingIdx != null) {
            try (var g = GradMode.noGrad()) {
                weight().select(0, paddingIdx).fill(0);
            }
        }
    }

    public int numEmbeddings() {
        return numEmbeddings;
    }

    public int embeddingDim() {
        return embeddingDim;
    }

    /** The padding index (in {@code [0, numEmbeddings)}), or null. */
    public Integer paddingIdx() {
        return paddingIdx;
    }

    /** The table, {@code [numEmbeddings, embeddingDim]}. */
    public Tensor weight() {
        return param("weight");
    }

    @Override
    public Tensor forward(Tensor input) {
        return Embeddings.embedding(input, weight(), paddingIdx, maxNorm, normType);
    }

    @Override
    protected String extraRepr() {
        return numEmbeddings + ", " + embeddingDim + (paddingIdx != null ? ", padding_idx=" + paddingIdx : "")
                + (maxNorm != null ? ", max_norm=" + maxNorm : "");
    }
}
