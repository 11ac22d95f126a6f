package dev.kona.nn;

import dev.kona.DType;
import dev.kona.Device;
import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.autograd.GradMode;
import dev.kona.ops.Dispatch;

/**
 * Table look-ups and position codes, as PyTorch's {@code F.embedding} plus the sinusoidal table of
 * "Attention Is All You Need". Composites of {@code indexSelect}, {@code where} and elementwise
 * ops: every backend runs them and autograd differentiates them.
 *
 * <pre>{@code
 * Tensor ids = Tensor.of(new long[][] {{1, 2, 0}, {3, 0, 0}});          // [2, 3], 0 = padding
 * Tensor e = Embeddings.embedding(ids, table, 0, null, 2.0);             // [2, 3, dim]; row 0 gets no gradient
 * Tensor pe = Embeddings.sinusoidal(128, 512, DType.FLOAT32, Device.CPU); // [128, 512]
 * }</pre>
 */
public final class Embeddings {
    private Embeddings() {}

    /** {@link #embedding(Tensor, Tensor, Integer, Double, double)} with no padding index and no max norm. */
    public static Tensor embedding(Tensor input, Tensor weight) {
        return embedding(input, weight, null, null, 2.0);
    }

    /**
     * The rows of {@code weight} picked by the indices in {@code input}.
     *
     * <p>With a {@code paddingIdx}, positions holding it get that row's values but pass no gradient
     * to it (PyTorch's padding semantics: the row stays as it is during training). With a
     * {@code maxNorm}, the rows looked up whose {@code normType}-norm exceeds it are first rescaled
     * in place to norm {@code maxNorm} (outside autograd; {@code weight} is modified, as in PyTorch).
     *
     * @param input      indices, int32 or int64, any shape {@code [*]}, each in {@code [0, numEmbeddings)}
     * @param weight     the table {@code [numEmbeddings, embeddingDim]}
     * @param paddingIdx the padding index (negative counts from the end), or null
     * @param maxNorm    the largest norm of a looked-up row, or null for no limit
     * @param normType   the p of the norm for {@code maxNorm}
     * @return {@code [*, embeddingDim]}
     */
    public static Tensor embedding(Tensor input, Tensor weight, Integer paddingIdx, Double maxNorm, double normType) {
        String op = "embedding";
        if (weight.dim() != 2) {
            throw new IllegalArgumentException(op + ": expected a 2-D weight [numEmbeddings, embeddingDim], got shape "
                    + Shape.format(weight.shape()));
        }
        if (input.dtype() != DType.INT64 && input.dtype() != DType.INT32) {
            throw new IllegalArgumentException(op + ": expected int64 or int32 indices, got " + input.dtype());
        }
        Dispatch.deviceOf(op, input, weight);
        int num = weight.size(0), dim = weight.size(1);
        Integer pad = paddingIdx == null ? null : normalizePaddingIdx(op, paddingIdx, num);
        Tensor flat = input.reshape(-1);
        if (maxNorm != null) renorm(weight, flat, maxNorm, normType);
        Tensor rows;
        try {
            rows = weight.indexSelect(0, flat);
        } catch (IndexOutOfBoundsException e) {
            throw new IndexOutOfBoundsException(op + ": an index is out of range for " + num + " embeddings (" + e.getMessage()
                    + ")");
        }
        if (pad != null && rows.requiresGrad()) {
            // Same values, but the padding positions take theirs from a detached copy: no gradient reaches that row.
            Tensor isPad = flat.eq((long) pad).unsqueeze(1);
            rows = Tensor.where(isPad, rows.detach(), rows);
        }
        int[] shape = java.util.Arrays.copyOf(input.shape(), input.dim() + 1);
        shape[input.dim()] = dim;
        return rows.reshape(shape);
    }

    static int normalizePaddingIdx(String who, int paddingIdx, int numEmbeddings) {
        if (paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings) {
            throw new IllegalArgumentException(who + ": paddingIdx " + paddingIdx + " is out of range for " + numEmbeddings
                    + " embeddings (expected -" + numEmbeddings + " <= paddingIdx < " + numEmbeddings + ")");
        }
        return paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
    }

    /** PyTorch's {@code embedding_renorm_}: rows of {@code weight} at {@code index} with norm above maxNorm scaled down to it. */
    private static void renorm(Tensor weight, Tensor index, double maxNorm, double normType) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("embedding: maxNorm must be > 0, got " + maxNorm);
        if (index.numel() == 0) return;
        try (var g = GradMode.noGrad()) {
            Tensor rows = weight.indexSelect(0, index);
            Tensor norms = rows.norm(normType, new int[] {1}, true);
            Tensor scale = Tensor.where(norms.gt(maxNorm), norms.add(1e-7).reciprocal().mul(maxNorm), 1.0);
            Tensor idx = index.to(DType.INT64).unsqueeze(1).expand(rows.shape());
            weight.copyFrom(weight.scatter(0, idx, rows.mul(scale)));
        }
    }

    /**
     * The sinusoidal position table {@code [maxLen, dModel]}: {@code pe[pos, 2i] = sin(pos / 10000^(2i/dModel))},
     * {@code pe[pos, 2i+1] = cos(pos / 10000^(2i/dModel))}, computed in float64 and converted to {@code dtype}.
     */
    public static Tensor sinusoidal(int maxLen, int dModel, DType dtype, Device device) {
        if (maxLen < 0 || dModel <= 0) {
            throw new IllegalArgumentException("sinusoidal: expected maxLen >= 0 and dModel > 0, got maxLen=" + maxLen
                    + ", dModel=" + dModel);
        }
        double[] pe = new double[maxLen * dModel];
        for (int pos = 0; pos < maxLen; pos++) {
            for (int i = 0; i < dModel; i += 2) {
                double angle = pos * Math.exp(-Math.log(10000.0) * i / dModel);
                pe[pos * dModel + i] = Math.sin(angle);
                if (i + 1 < dModel) pe[pos * dModel + i + 1] = Math.cos(angle);
            }
        }
        return Tensor.of(pe, maxLen, dModel).to(device, dtype);
    }
}
