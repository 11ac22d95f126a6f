package dev.kona.nn;

import dev.kona.Generator;
import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.ops.Elementwise;

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
        if (x.dim() > 2 && x.numel() > 0) {
            // One 2-D product over all rows: a batched product against the broadcast weight would
            // compute the weight's gradient once per batch entry and then sum them.
            int[] shape = x.shape();
            shape[shape.length - 1] = weight.size(0);
            return linear(x.reshape(-1, x.size(-1)), weight, bias).reshape(shape);
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
        // keep ~ Bernoulli(1 - p) from a counter-based draw where x lives: the same mask on every
        // device, and backward regenerates it from the seed.
        return Elementwise.dropout(x, p, g.nextSeed());
    }

    static void checkDropoutP(String who, double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException(who + ": p must be in [0, 1), got " + p);
        }
    }

    // ------------------------------------------------------------------ convolution and pooling

    /** {@code conv2d} with stride 1, no padding, dilation 1, one group. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias) {
        return ConvOps.conv2d(x, weight, bias, new int[] {1}, new int[] {0}, new int[] {1}, 1);
    }

    /** {@code conv2d} with the same stride and padding along both axes, dilation 1, one group. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding) {
        return ConvOps.conv2d(x, weight, bias, new int[] {stride}, new int[] {padding}, new int[] {1}, 1);
    }

    /**
     * 2-D convolution (cross-correlation, as PyTorch's): x {@code [N, C, H, W]} (or unbatched
     * {@code [C, H, W]}), weight {@code [outC, C/groups, kH, kW]}, bias {@code [outC]} or null;
     * returns {@code [N, outC, outH, outW]} with {@code outH = (H + 2*padding - dilation*(kH-1) - 1) / stride + 1}.
     * Stride, padding and dilation take 1 value (both axes) or 2 (height, width). Channels are split
     * into {@code groups} independent convolutions ({@code groups = C} with {@code outC = m*C} is depthwise).
     *
     * <pre>{@code
     * Tensor y = F.conv2d(x, w, b, new int[] {2}, new int[] {1}, new int[] {1}, 1);  // x [8, 3, 32, 32], w [16, 3, 3, 3] -> [8, 16, 16, 16]
     * }</pre>
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        return ConvOps.conv2d(x, weight, bias, stride, padding, dilation, groups);
    }

    /**
     * {@code conv2d} with padding {@code "valid"} (none) or {@code "same"}: the output has
     * {@code ceil(H / stride)} rows and columns, the padding split evenly with any odd one after
     * (PyTorch's rule for stride 1, extended to larger strides as TensorFlow does).
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, String padding, int[] dilation, int groups) {
        return ConvOps.conv2d(x, weight, bias, stride, padding, dilation, groups);
    }

    /** {@code conv1d} with stride 1, no padding, dilation 1, one group. */
    public static Tensor conv1d(Tensor x, Tensor weight, Tensor bias) {
        return ConvOps.conv1d(x, weight, bias, 1, new int[] {0}, 1, 1);
    }

    /**
     * 1-D convolution: x {@code [N, C, L]} (or {@code [C, L]}), weight {@code [outC, C/groups, k]},
     * bias {@code [outC]} or null; returns {@code [N, outC, outL]}.
     */
    public static Tensor conv1d(Tensor x, Tensor weight, Tensor bias, int stride, int padding, int dilation, int groups) {
        return ConvOps.conv1d(x, weight, bias, stride, new int[] {padding}, dilation, groups);
    }

    /** {@code conv1d} with padding {@code "valid"} or {@code "same"} (see {@link #conv2d(Tensor, Tensor, Tensor, int[], String, int[], int)}). */
    public static Tensor conv1d(Tensor x, Tensor weight, Tensor bias, int stride, String padding, int dilation, int groups) {
        return ConvOps.conv1d(x, weight, bias, stride, padding, dilation, groups);
    }

    /** {@code convTranspose2d} with stride 1, no padding, one group, dilation 1. */
    public static Tensor convTranspose2d(Tensor x, Tensor weight, Tensor bias) {
        return ConvOps.convTranspose2d(x, weight, bias, new int[] {1}, new int[] {0}, new int[] {0}, 1, new int[] {1});
    }

    /**
     * 2-D transposed convolution (the gradient of conv2d with respect to its input): x
     * {@code [N, inC, H, W]}, weight {@code [inC, outC/groups, kH, kW]}, bias {@code [outC]} or null;
     * returns {@code [N, outC, outH, outW]} with
     * {@code outH = (H-1)*stride - 2*padding + dilation*(kH-1) + outputPadding + 1}. Arguments in
     * PyTorch's order; each takes 1 or 2 values.
     *
     * <pre>{@code
     * F.convTranspose2d(x, w, null, new int[] {2}, new int[] {1}, new int[] {1}, 1, new int[] {1});  // [1, 8, 5, 5], w [8, 4, 3, 3] -> [1, 4, 10, 10]
     * }</pre>
     */
    public static Tensor convTranspose2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding,
                                         int[] outputPadding, int groups, int[] dilation) {
        return ConvOps.convTranspose2d(x, weight, bias, stride, padding, outputPadding, groups, dilation);
    }

    /** Max pooling with a square {@code kernel} and stride {@code kernel}: {@code [N, C, H, W] -> [N, C, H/k, W/k]}. */
    public static Tensor maxPool2d(Tensor x, int kernel) {
        return PoolOps.maxPool2d(x, new int[] {kernel}, null, new int[] {0}, new int[] {1}, false);
    }

    /**
     * 2-D max pooling over {@code [N, C, H, W]} (or {@code [C, H, W]}): the largest element of each
     * window, padding counting as -inf. {@code stride} null means the kernel size; padding at most
     * half the kernel; {@code ceilMode} keeps a last, partial window (one that starts inside the
     * image or its left padding). The gradient goes to the first maximum of each window.
     */
    public static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        return PoolOps.maxPool2d(x, kernel, stride, padding, dilation, ceilMode);
    }

    /** 1-D max pooling over {@code [N, C, L]} with stride {@code kernel}. */
    public static Tensor maxPool1d(Tensor x, int kernel) {
        return PoolOps.maxPool1d(x, kernel, kernel, 0, 1, false);
    }

    /** 1-D max pooling over {@code [N, C, L]} (or {@code [C, L]}); see {@link #maxPool2d(Tensor, int[], int[], int[], int[], boolean)}. */
    public static Tensor maxPool1d(Tensor x, int kernel, int stride, int padding, int dilation, boolean ceilMode) {
        return PoolOps.maxPool1d(x, kernel, stride, padding, dilation, ceilMode);
    }

    /** Average pooling with a square {@code kernel} and stride {@code kernel}. */
    public static Tensor avgPool2d(Tensor x, int kernel) {
        return PoolOps.avgPool2d(x, new int[] {kernel}, null, new int[] {0}, false, true);
    }

    /**
     * 2-D average pooling over {@code [N, C, H, W]} (or {@code [C, H, W]}). {@code stride} null
     * means the kernel size. With {@code countIncludePad} (PyTorch's default) padding counts in the
     * divisor; a ceil-mode window hanging past the padded image is divided by its clipped size.
     */
    public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, boolean ceilMode, boolean countIncludePad) {
        return PoolOps.avgPool2d(x, kernel, stride, padding, ceilMode, countIncludePad);
    }

    /** 1-D average pooling over {@code [N, C, L]} with stride {@code kernel}. */
    public static Tensor avgPool1d(Tensor x, int kernel) {
        return PoolOps.avgPool1d(x, kernel, kernel, 0, false, true);
    }

    /** 1-D average pooling over {@code [N, C, L]} (or {@code [C, L]}); see {@link #avgPool2d(Tensor, int[], int[], int[], boolean, boolean)}. */
    public static Tensor avgPool1d(Tensor x, int kernel, int stride, int padding, boolean ceilMode, boolean countIncludePad) {
        return PoolOps.avgPool1d(x, kernel, stride, padding, ceilMode, countIncludePad);
    }

    /** Adaptive average pooling to {@code outputSize x outputSize}. */
    public static Tensor adaptiveAvgPool2d(Tensor x, int outputSize) {
        return PoolOps.adaptiveAvgPool2d(x, new int[] {outputSize});
    }

    /**
     * Average pooling to a given output size, {@code [N, C, H, W] -> [N, C, oh, ow]}: cell {@code i}
     * averages rows {@code floor(i*H/oh)} to {@code ceil((i+1)*H/oh)} (as PyTorch), likewise columns.
     */
    public static Tensor adaptiveAvgPool2d(Tensor x, int[] outputSize) {
        return PoolOps.adaptiveAvgPool2d(x, outputSize);
    }

    /** The mean over the spatial dimensions: {@code [N, C, H, W] -> [N, C]}. */
    public static Tensor globalAvgPool2d(Tensor x) {
        return PoolOps.globalAvgPool2d(x);
    }

    /**
     * The sliding windows of {@code x [N, C, H, W]} as columns {@code [N, C*kH*kW, L]} (PyTorch's
     * unfold, arguments in its order): column {@code l} is window {@code l} (row-major over the
     * {@code outH x outW} positions), row {@code c*kH*kW + i*kW + j} its element {@code (i, j)} of channel c.
     */
    public static Tensor unfold(Tensor x, int[] kernel, int[] dilation, int[] padding, int[] stride) {
        return ConvOps.unfold(x, kernel, dilation, padding, stride);
    }

    /**
     * The adjoint of {@link #unfold}: columns {@code [N, C*kH*kW, L]} summed back into an image
     * {@code [N, C, outputSize[0], outputSize[1]]}, overlapping windows adding up (PyTorch's fold).
     */
    public static Tensor fold(Tensor cols, int[] outputSize, int[] kernel, int[] dilation, int[] padding, int[] stride) {
        return ConvOps.fold(cols, outputSize, kernel, dilation, padding, stride);
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
