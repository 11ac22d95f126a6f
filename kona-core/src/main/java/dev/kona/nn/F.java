package dev.kona.nn;

import dev.kona.DType;
import dev.kona.Generator;
import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.ops.Creation;

/**
 * The functional API: the math of the layers as static functions, with no state (PyTorch's
 * {@code torch.nn.functional}). Every layer delegates here, so a model written with {@code F} and
 * one written with modules compute the same thing.
 *
 * <pre>{@code
 * Tensor h = F.relu(F.linear(x, w1, b1));          // x [32, 784], w1 [128, 784], b1 [128]
 * h = F.dropout(h, 0.5, true, null);               // training: zeroes about half, scales by 2
 * Tensor logp = F.logSoftmax(F.linear(h, w2, b2), -1);
 * }</pre>
 */
public final class F {
    private F() {}

    /**
     * {@code x · wᵀ + b}: x {@code [..., in]}, weight {@code [out, in]}, bias {@code [out]} or
     * null; returns {@code [..., out]}. The transposed weight is a view, never a copy.
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        if (weight.dim() != 2) {
            throw new IllegalArgumentException("linear: expected a 2-D weight [out_features, in_features], got shape "
                    + Shape.format(weight.shape()));
        }
        checkLinearInput("linear", x, weight.size(1));
        if (bias != null && (bias.dim() != 1 || bias.size(0) != weight.size(0))) {
            throw new IllegalArgumentException("linear: expected a bias of shape [" + weight.size(0) + "] for weight "
                    + Shape.format(weight.shape()) + ", got " + Shape.format(bias.shape()));
        }
        Tensor y = x.matmul(weight.t());
        return bias == null ? y : y.add(bias);
    }

    /** Fails with {@code who: expected input with last dimension N, got shape [...]} unless x fits. */
    static void checkLinearInput(String who, Tensor x, int inFeatures) {
        if (x.dim() == 0 || x.size(-1) != inFeatures) {
            throw new IllegalArgumentException(who + ": expected input with last dimension " + inFeatures + ", got shape "
                    + Shape.format(x.shape()));
        }
    }

    /** {@code max(x, 0)}. */
    public static Tensor relu(Tensor x) {
        return x.relu();
    }

    /** {@code x} where positive, {@code negativeSlope * x} elsewhere. */
    public static Tensor leakyRelu(Tensor x, double negativeSlope) {
        return x.leakyRelu(negativeSlope);
    }

    /** {@code x} where positive, {@code alpha * (exp(x) - 1)} elsewhere. */
    public static Tensor elu(Tensor x, double alpha) {
        return x.elu(alpha);
    }

    /**
     * Gaussian error linear unit: {@code x * Φ(x)} for {@code "none"}, or the tanh approximation
     * for {@code "tanh"}.
     */
    public static Tensor gelu(Tensor x, String approximate) {
        return switch (checkApproximate(approximate)) {
            case "tanh" -> x.geluTanh();
            default -> x.gelu();
        };
    }

    static String checkApproximate(String approximate) {
        if (!"none".equals(approximate) && !"tanh".equals(approximate)) {
            throw new IllegalArgumentException("gelu: approximate must be \"none\" or \"tanh\", got "
                    + (approximate == null ? "null" : "\"" + approximate + "\""));
        }
        return approximate;
    }

    /** {@code x * sigmoid(x)} (also called swish). */
    public static Tensor silu(Tensor x) {
        return x.silu();
    }

    public static Tensor sigmoid(Tensor x) {
        return x.sigmoid();
    }

    public static Tensor tanh(Tensor x) {
        return x.tanh();
    }

    /** {@code exp(x) / sum(exp(x))} along {@code dim}; the output sums to one along it. */
    public static Tensor softmax(Tensor x, int dim) {
        return x.softmax(dim);
    }

    /** {@code log(softmax(x, dim))}, computed stably. */
    public static Tensor logSoftmax(Tensor x, int dim) {
        return x.logSoftmax(dim);
    }

    /** {@code log(1 + exp(beta * x)) / beta}, and {@code x} where {@code beta * x > threshold}. */
    public static Tensor softplus(Tensor x, double beta, double threshold) {
        return x.softplus(beta, threshold);
    }

    /** Merges dimensions {@code startDim..endDim} into one (a view when possible). */
    public static Tensor flatten(Tensor x, int startDim, int endDim) {
        return x.flatten(startDim, endDim);
    }

    /**
     * Inverted dropout: in training, zeroes each element with probability {@code p} and scales the
     * others by {@code 1 / (1 - p)}, so that the expected value is unchanged; otherwise returns
     * {@code x}. The mask comes from {@code generator}, or from {@link Generator#global()} when it
     * is null.
     *
     * @param p the probability of zeroing an element, in [0, 1)
     */
    public static Tensor dropout(Tensor x, double p, boolean training, Generator generator) {
        checkDropoutP("dropout", p);
        if (!training || p == 0) return x;
        if (!x.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("dropout: expected a floating-point input, got " + x.dtype());
        }
        Generator g = generator != null ? generator : Generator.global();
        // keep ~ Bernoulli(1 - p), drawn where x lives (a counter-based draw: the same mask on
        // every device); the scaled mask does not require grad, so backward is mask * scale.
        DType drawn = x.dtype() == DType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32;
        Tensor keep = Creation.uniformCounterBased(g.nextSeed(), x.shape(), drawn, x.device()).ge(p);
        Tensor scale = keep.to(x.dtype()).mul(1.0 / (1.0 - p));
        return x.mul(scale);
    }

    static void checkDropoutP(String who, double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException(who + ": p must be in [0, 1), got " + p);
        }
    }

    // ---------------------------------------------------------------- normalisation, embedding, attention
    // The math lives in Normalization, Embeddings and Attention; these delegate to it.

    /**
     * Layer normalisation over the trailing {@code normalizedShape} of {@code x}; weight and bias
     * (nullable) have that shape. See {@link Normalization#layerNorm}.
     */
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        return Normalization.layerNorm(x, normalizedShape, weight, bias, eps);
    }

    /**
     * Batch normalisation of {@code x [N, C, *]}: batch statistics in training (updating the running
     * ones in place when given), running statistics otherwise. See {@link Normalization#batchNorm}.
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, double momentum, double eps) {
        return Normalization.batchNorm(x, runningMean, runningVar, weight, bias, training, momentum, eps);
    }

    /** Group normalisation of {@code x [N, C, *]} in {@code numGroups} groups. See {@link Normalization#groupNorm}. */
    public static Tensor groupNorm(Tensor x, int numGroups, Tensor weight, Tensor bias, double eps) {
        return Normalization.groupNorm(x, numGroups, weight, bias, eps);
    }

    /** The rows of {@code weight [num, dim]} at the indices {@code input [*]}: {@code [*, dim]}. See {@link Embeddings#embedding}. */
    public static Tensor embedding(Tensor input, Tensor weight) {
        return Embeddings.embedding(input, weight);
    }

    /** Embedding look-up with a padding index (no gradient to its row) and a max norm, both nullable. */
    public static Tensor embedding(Tensor input, Tensor weight, Integer paddingIdx, Double maxNorm, double normType) {
        return Embeddings.embedding(input, weight, paddingIdx, maxNorm, normType);
    }

    /** {@code softmax(q kᵀ / sqrt(E)) v}. See {@link Attention#scaledDotProductAttention(Tensor, Tensor, Tensor)}. */
    public static Tensor scaledDotProductAttention(Tensor query, Tensor key, Tensor value) {
        return Attention.scaledDotProductAttention(query, key, value);
    }

    /**
     * Scaled dot-product attention as PyTorch's: a bool {@code attnMask} marks with true the
     * positions that take part, a float one is added; {@code scale} null means {@code 1 / sqrt(E)}.
     * See {@link Attention#scaledDotProductAttention(Tensor, Tensor, Tensor, Tensor, double, boolean, Double)}.
     */
    public static Tensor scaledDotProductAttention(Tensor query, Tensor key, Tensor value, Tensor attnMask, double dropoutP,
                                                   boolean isCausal, Double scale) {
        return Attention.scaledDotProductAttention(query, key, value, attnMask, dropoutP, isCausal, scale);
    }
}
