package dev.kona.nn;

import dev.kona.DType;
import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.autograd.Autograd;
import dev.kona.autograd.GradMode;
import dev.kona.nn.Loss.Reduction;
import dev.kona.ops.Dispatch;
import dev.kona.ops.Op;
import dev.kona.ops.Reductions;
import java.util.Arrays;

/**
 * The loss functions, as PyTorch's {@code torch.nn.functional}: the math behind the loss classes,
 * written with Kona's differentiable ops (autograd differentiates every one of them).
 *
 * <pre>{@code
 * Tensor logits = x.matmul(w.t()).add(b);                          // [N, C]
 * Tensor loss = Losses.crossEntropy(logits, labels);               // labels [N] int64; 0-d
 * Tensor mse = Losses.mseLoss(prediction, target, Reduction.SUM);  // same shapes; 0-d
 * }</pre>
 *
 * <p>Shapes: element-wise losses need {@code input} and {@code target} of one shape. Classification
 * losses take {@code input [N, C]}, {@code [N, C, d1, ...]} or unbatched {@code [C]}, with class
 * indices {@code [N]}, {@code [N, d1, ...]} or {@code []}. Errors name the loss and the values
 * involved.
 */
public final class Losses {
    private Losses() {}

    /** PyTorch's default {@code ignore_index}: no class is ignored unless a target equals it. */
    public static final int DEFAULT_IGNORE_INDEX = -100;

    /** Guards the cosine similarity against zero vectors, as PyTorch's {@code EPSILON}. */
    private static final double COSINE_EPS = 1e-12;

    // ---------------------------------------------------------------- regression

    /** Mean squared error: {@code (input - target)^2}, averaged. */
    public static Tensor mseLoss(Tensor input, Tensor target) {
        return mseLoss(input, target, Reduction.MEAN);
    }

    public static Tensor mseLoss(Tensor input, Tensor target, Reduction reduction) {
        String name = "MSELoss";
        Tensor t = sameShapeTarget(name, input, target);
        return reduce(name, input.sub(t).square(), reduction);
    }

    /** Mean absolute error: {@code |input - target|}, averaged. */
    public static Tensor l1Loss(Tensor input, Tensor target) {
        return l1Loss(input, target, Reduction.MEAN);
    }

    public static Tensor l1Loss(Tensor input, Tensor target, Reduction reduction) {
        String name = "L1Loss";
        Tensor t = sameShapeTarget(name, input, target);
        return reduce(name, input.sub(t).abs(), reduction);
    }

    /**
     * {@code 0.5 d^2 / beta} where {@code |d| < beta}, else {@code |d| - 0.5 beta}, with
     * {@code d = input - target}; {@code beta = 0} is the L1 loss.
     */
    public static Tensor smoothL1Loss(Tensor input, Tensor target, double beta, Reduction reduction) {
        String name = "SmoothL1Loss";
        checkBeta(beta);
        Tensor t = sameShapeTarget(name, input, target);
        Tensor d = input.sub(t);
        Tensor ad = d.abs();
        // beta = 0 would divide by zero in the unused branch, and NaN gradients flow through where.
        Tensor loss = beta == 0 ? ad : Tensor.where(ad.lt(beta), d.square().mul(0.5).div(beta), ad.sub(0.5 * beta));
        return reduce(name, loss, reduction);
    }

    /** {@code 0.5 d^2} where {@code |d| < delta}, else {@code delta (|d| - 0.5 delta)}. */
    public static Tensor huberLoss(Tensor input, Tensor target, double delta, Reduction reduction) {
        String name = "HuberLoss";
        checkDelta(delta);
        Tensor t = sameShapeTarget(name, input, target);
        Tensor d = input.sub(t);
        Tensor ad = d.abs();
        Tensor loss = Tensor.where(ad.lt(delta), d.square().mul(0.5), ad.sub(0.5 * delta).mul(delta));
        return reduce(name, loss, reduction);
    }

    // ---------------------------------------------------------------- binary classification

    /** Binary cross-entropy of probabilities {@code input} in [0, 1] against targets in [0, 1]. */
    public static Tensor binaryCrossEntropy(Tensor input, Tensor target) {
        return binaryCrossEntropy(input, target, null, Reduction.MEAN);
    }

    /**
     * {@code -weight * (t log(x) + (1 - t) log(1 - x))}, each log clamped to {@code >= -100} as in
     * PyTorch so that a probability of exactly 0 or 1 gives a finite loss. {@code weight} (nullable)
     * broadcasts to the input's shape.
     */
    public static Tensor binaryCrossEntropy(Tensor input, Tensor target, Tensor weight, Reduction reduction) {
        String name = "BCELoss";
        Tensor t = sameShapeTarget(name, input, target);
        Dispatch.deviceOf(name, input, weight);
        if (input.numel() > 0) {
            double[] range = Reductions.minMax(input.detach());
            double min = range[0], max = range[1];
            if (!(min >= 0) || !(max <= 1)) {
                throw new IllegalArgumentException(name + ": input values must be probabilities in [0, 1], found "
                        + (!(min >= 0) ? min : max) + "; for logits use BCEWithLogitsLoss");
            }
        }
        Tensor logX = input.log().clampMin(-100);
        Tensor log1mX = input.neg().log1p().clampMin(-100);
        Tensor loss = t.sub(1.0).mul(log1mX).sub(t.mul(logX));
        if (weight != null) loss = loss.mul(broadcastWeight(name, "weight", weight, input));
        return reduce(name, loss, reduction);
    }

    /** Binary cross-entropy of logits, stable for any logit. */
    public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target) {
        return binaryCrossEntropyWithLogits(input, target, null, null, Reduction.MEAN);
    }

    /**
     * {@code (1 - t) x - w_p log(sigmoid(x))} with {@code w_p = 1 + (posWeight - 1) t}, times
     * {@code weight}: PyTorch's form, with {@code log(sigmoid(x)) = -softplus(-x)} so that logits
     * like ±1000 give finite losses and gradients. {@code weight} and {@code posWeight} (nullable)
     * broadcast to the input's shape; {@code posWeight} is typically one value per class (last dim).
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor weight, Tensor posWeight,
                                                      Reduction reduction) {
        String name = "BCEWithLogitsLoss";
        Tensor t = sameShapeTarget(name, input, target);
        Dispatch.deviceOf(name, input, weight, posWeight);
        Tensor logSigmoid = input.neg().softplus().neg();
        if (posWeight != null) {
            Tensor pw = broadcastWeight(name, "posWeight", posWeight, input);
            logSigmoid = logSigmoid.mul(pw.sub(1.0).mul(t).add(1.0));
        }
        Tensor loss = t.rsub(1.0).mul(input).sub(logSigmoid);
        if (weight != null) loss = loss.mul(broadcastWeight(name, "weight", weight, input));
        return reduce(name, loss, reduction);
    }

    // ---------------------------------------------------------------- multi-class classification

    /** Cross-entropy of logits against class indices (or class probabilities), averaged. */
    public static Tensor crossEntropy(Tensor input, Tensor target) {
        return crossEntropy(input, target, null, DEFAULT_IGNORE_INDEX, 0, Reduction.MEAN);
    }

    /**
     * Cross-entropy of unnormalised logits, through a stable {@code logSoftmax} and {@code gather}.
     *
     * <p>With class indices (int64 or int32, shaped like the input without its class dimension):
     * targets equal to {@code ignoreIndex} contribute nothing; {@code weight} (nullable, one value
     * per class) scales each sample's loss and, for {@link Reduction#MEAN}, the result is divided by
     * the sum of the weights of the counted targets (PyTorch's weighted mean). With class
     * probabilities (floating point, the input's shape), the mean divides by the number of samples.
     * {@code labelSmoothing} in [0, 1] mixes the target with the uniform distribution.
     */
    public static Tensor crossEntropy(Tensor input, Tensor target, Tensor weight, int ignoreIndex, double labelSmoothing,
                                      Reduction reduction) {
        String name = "CrossEntropyLoss";
        requireFloat(name, "input", input);
        checkReduction(name, reduction);
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException(name + ": labelSmoothing must be in [0, 1], got " + labelSmoothing);
        }
        if (input.dim() == 0) {
            throw new IllegalArgumentException(name + ": input must have a class dimension ([C], [N, C] or [N, C, d1, ...]), got a 0-d tensor");
        }
        Dispatch.deviceOf(name, input, target, weight);
        int classDim = input.dim() == 1 ? 0 : 1;
        int classes = input.size(classDim);
        Tensor w = classWeight(name, weight, input, classes);
        if (target.dtype().isFloatingPoint()) {
            return crossEntropyProbabilities(name, input.logSoftmax(classDim), target, w, ignoreIndex, labelSmoothing, reduction,
                    classDim);
        }
        checkClassTarget(name, input, target, classDim, ignoreIndex);
        if (input.dim() == 2 && w == null && labelSmoothing == 0
                && (input.dtype() == DType.FLOAT32 || input.dtype() == DType.FLOAT64)) {
            return fusedRows(input, target, ignoreIndex, reduction);
        }
        Tensor logp = input.logSoftmax(classDim);
        Tensor nll = nll(logp, target, w, ignoreIndex, reduction, classDim);
        if (labelSmoothing == 0) return nll;
        Tensor ignored = target.eq((long) ignoreIndex);
        Tensor perClass = w == null ? logp : logp.mul(classView(w, logp.dim(), classDim));
        Tensor smooth = Tensor.where(ignored, 0.0, perClass.sum(classDim, false).neg());
        Tensor smoothReduced = switch (reduction) {
            case NONE -> smooth;
            case SUM -> smooth.sum();
            default -> smooth.sum().div(countedWeight(target, w, ignored, logp.dtype()));
        };
        return nll.mul(1 - labelSmoothing).add(smoothReduced.mul(labelSmoothing / classes));
    }

    /**
     * Cross-entropy of logits [N, C] against class indices without weights or smoothing, the
     * common case, as one primitive ({@link Op.CrossEntropyRows}) and one for its gradient: the
     * same values as log-softmax then the masked pick, in two kernels instead of about a dozen.
     */
    private static Tensor fusedRows(Tensor input, Tensor target, int ignoreIndex, Reduction reduction) {
        Tensor x = input.contiguous(), t = target.to(DType.INT64).contiguous();
        int n = x.size(0), c = x.size(1);
        Tensor loss = Dispatch.uninitialized(x.device(), x.dtype(), new int[] {n});
        Tensor logp = Dispatch.uninitialized(x.device(), x.dtype(), new int[] {n, c});
        Dispatch.runInto(new Op.CrossEntropyRows(ignoreIndex), new Tensor[] {loss, logp}, x, t);
        Autograd.record("crossEntropy", (g, in, out) -> new Tensor[] {fusedRowsBackward(g, in[0], logp, t, ignoreIndex)},
                new Tensor[] {x}, loss);
        return switch (reduction) {
            case NONE -> loss;
            case SUM -> loss.sum();
            default -> loss.sum().div(countedWeight(t, null, t.eq((long) ignoreIndex), x.dtype()));
        };
    }

    /**
     * The gradient of {@link #fusedRows}' per-row losses: one fused pass, or, when the backward pass
     * is itself recorded (gradients of gradients), the same formula in differentiable ops.
     */
    private static Tensor fusedRowsBackward(Tensor g, Tensor x, Tensor logp, Tensor t, int ignoreIndex) {
        if (GradMode.isEnabled()) {
            Tensor onehot = t.unsqueeze(1).eq(Tensor.arange(0, x.size(1), 1, x.device())).to(x.dtype());
            Tensor dx = x.logSoftmax(1).exp().sub(onehot).mul(g.unsqueeze(1));
            return Tensor.where(t.eq((long) ignoreIndex).unsqueeze(1), 0.0, dx);
        }
        Tensor dx = Dispatch.uninitialized(x.device(), x.dtype(), x.shape());
        Dispatch.runInto(new Op.CrossEntropyRowsGrad(ignoreIndex), new Tensor[] {dx}, g.contiguous(), logp, t);
        return dx;
    }

    private static Tensor crossEntropyProbabilities(String name, Tensor logp, Tensor target, Tensor w, int ignoreIndex,
                                                    double labelSmoothing, Reduction reduction, int classDim) {
        if (!Arrays.equals(target.shape(), logp.shape())) {
            throw new IllegalArgumentException(name + ": class-probability targets must have the input's shape "
                    + Shape.format(logp.shape()) + ", got " + Shape.format(target.shape())
                    + " (class indices must be int64 or int32)");
        }
        if (ignoreIndex >= 0) {
            throw new IllegalArgumentException(name + ": ignoreIndex (" + ignoreIndex
                    + ") is not supported with class-probability targets");
        }
        int classes = logp.size(classDim);
        Tensor t = target.to(logp.dtype());
        if (labelSmoothing > 0) t = t.mul(1 - labelSmoothing).add(labelSmoothing / classes);
        Tensor prod = logp.mul(t);
        if (w != null) prod = prod.mul(classView(w, logp.dim(), classDim));
        return switch (reduction) {
            case NONE -> prod.sum(classDim, false).neg();
            case SUM -> prod.sum().neg();
            default -> prod.sum().neg().div((double) (logp.numel() / Math.max(1, classes)));
        };
    }

    /** Negative log-likelihood of log-probabilities {@code input} at class indices {@code target}. */
    public static Tensor nllLoss(Tensor input, Tensor target) {
        return nllLoss(input, target, null, DEFAULT_IGNORE_INDEX, Reduction.MEAN);
    }

    /** {@code -weight[t] * input[t]} per sample, with the weighted mean, ignoreIndex and shapes of {@link #crossEntropy}. */
    public static Tensor nllLoss(Tensor input, Tensor target, Tensor weight, int ignoreIndex, Reduction reduction) {
        String name = "NLLLoss";
        requireFloat(name, "input", input);
        checkReduction(name, reduction);
        if (input.dim() == 0) {
            throw new IllegalArgumentException(name + ": input must have a class dimension ([C], [N, C] or [N, C, d1, ...]), got a 0-d tensor");
        }
        Dispatch.deviceOf(name, input, target, weight);
        int classDim = input.dim() == 1 ? 0 : 1;
        Tensor w = classWeight(name, weight, input, input.size(classDim));
        checkClassTarget(name, input, target, classDim, ignoreIndex);
        return nll(input, target, w, ignoreIndex, reduction, classDim);
    }

    private static Tensor nll(Tensor logp, Tensor target, Tensor w, int ignoreIndex, Reduction reduction, int classDim) {
        Tensor index = target.to(DType.INT64);
        Tensor ignored = index.eq((long) ignoreIndex);
        // Ignored targets may lie outside [0, C) (the default is -100): gather at class 0 instead and mask.
        Tensor safe = index.maskedFill(ignored, 0);
        Tensor picked = logp.gather(classDim, safe.unsqueeze(classDim)).squeeze(classDim);
        Tensor perSample = picked.neg();
        if (w != null) perSample = perSample.mul(w.indexSelect(0, safe.reshape(-1)).reshape(safe.shape()));
        Tensor loss = Tensor.where(ignored, 0.0, perSample);
        return switch (reduction) {
            case NONE -> loss;
            case SUM -> loss.sum();
            default -> loss.sum().div(countedWeight(index, w, ignored, logp.dtype()));
        };
    }

    /** The divisor of a weighted mean: the sum of the weights of the targets that are not ignored. */
    private static Tensor countedWeight(Tensor index, Tensor w, Tensor ignored, DType dtype) {
        if (w == null) return ignored.logicalNot().sum().to(dtype);
        Tensor safe = index.to(DType.INT64).maskedFill(ignored, 0);
        Tensor picked = w.indexSelect(0, safe.reshape(-1)).reshape(safe.shape());
        return Tensor.where(ignored, 0.0, picked).sum();
    }

    // ---------------------------------------------------------------- distributions and embeddings

    /**
     * Kullback-Leibler divergence {@code t (log t - input)} of log-probabilities {@code input} from
     * {@code target} (probabilities, or log-probabilities when {@code logTarget}); terms with
     * {@code t = 0} count 0. {@link Reduction#BATCHMEAN} divides the sum by the batch size, which
     * gives the mathematical KL divergence per sample; {@link Reduction#MEAN} averages over elements.
     */
    public static Tensor klDiv(Tensor input, Tensor target, Reduction reduction, boolean logTarget) {
        String name = "KLDivLoss";
        if (reduction == null) throw new IllegalArgumentException(name + ": reduction must not be null");
        Tensor t = sameShapeTarget(name, input, target);
        Tensor loss;
        if (logTarget) {
            loss = t.exp().mul(t.sub(input));
        } else {
            // xlogy(t, t): 0 where t == 0; a negative t still gives NaN, as in PyTorch.
            Tensor tLogT = t.mul(Tensor.where(t.eq(0.0), 1.0, t).log());
            loss = tLogT.sub(t.mul(input));
        }
        if (reduction == Reduction.BATCHMEAN) {
            return input.dim() == 0 ? loss.sum() : loss.sum().div((double) input.size(0));
        }
        return reduce(name, loss, reduction);
    }

    /**
     * {@code 1 - cos(x1, x2)} where {@code y = 1} and {@code max(0, cos(x1, x2) - margin)} where
     * {@code y = -1}; rows of {@code x1, x2 [N, D]} (or vectors {@code [D]}) with {@code y [N]} (or {@code []}).
     */
    public static Tensor cosineEmbeddingLoss(Tensor x1, Tensor x2, Tensor y, double margin, Reduction reduction) {
        String name = "CosineEmbeddingLoss";
        requireFloat(name, "input1", x1);
        requireFloat(name, "input2", x2);
        checkReduction(name, reduction);
        checkMargin(name, margin);
        if (!Arrays.equals(x1.shape(), x2.shape())) {
            throw new IllegalArgumentException(name + ": input1 shape " + Shape.format(x1.shape())
                    + " does not match input2 shape " + Shape.format(x2.shape()));
        }
        if (x1.dim() != 1 && x1.dim() != 2) {
            throw new IllegalArgumentException(name + ": inputs must be [N, D] or [D], got " + Shape.format(x1.shape()));
        }
        int[] expected = x1.dim() == 2 ? new int[] {x1.size(0)} : new int[0];
        if (!Arrays.equals(y.shape(), expected)) {
            throw new IllegalArgumentException(name + ": target shape " + Shape.format(y.shape()) + " does not match the "
                    + "expected " + Shape.format(expected) + " for inputs of shape " + Shape.format(x1.shape()));
        }
        requireNotBool(name, y);
        Dispatch.deviceOf(name, x1, x2, y);
        int dim = x1.dim() - 1;
        Tensor prod = x1.mul(x2).sum(dim, false);
        Tensor mag1 = x1.mul(x1).sum(dim, false).add(COSINE_EPS);
        Tensor mag2 = x2.mul(x2).sum(dim, false).add(COSINE_EPS);
        Tensor cos = prod.div(mag1.mul(mag2).sqrt());
        Tensor pos = Tensor.where(y.eq(1.0), cos.rsub(1.0), 0.0);
        Tensor neg = Tensor.where(y.eq(-1.0), cos.sub(margin).clampMin(0), 0.0);
        return reduce(name, pos.add(neg), reduction);
    }

    /** {@code max(0, -y (x1 - x2) + margin)}: {@code y = 1} means x1 should rank higher. All three of one shape. */
    public static Tensor marginRankingLoss(Tensor x1, Tensor x2, Tensor y, double margin, Reduction reduction) {
        String name = "MarginRankingLoss";
        requireFloat(name, "input1", x1);
        requireFloat(name, "input2", x2);
        checkReduction(name, reduction);
        checkMargin(name, margin);
        if (!Arrays.equals(x1.shape(), x2.shape()) || !Arrays.equals(x1.shape(), y.shape())) {
            throw new IllegalArgumentException(name + ": input1 " + Shape.format(x1.shape()) + ", input2 "
                    + Shape.format(x2.shape()) + " and target " + Shape.format(y.shape()) + " must have one shape");
        }
        requireNotBool(name, y);
        Dispatch.deviceOf(name, x1, x2, y);
        Tensor t = y.to(x1.dtype());
        return reduce(name, t.neg().mul(x1.sub(x2)).add(margin).clampMin(0), reduction);
    }

    // ---------------------------------------------------------------- checks and helpers

    /** Fails unless {@code reduction} is one of NONE, MEAN, SUM (BATCHMEAN is KLDivLoss's own). */
    static void checkReduction(String name, Reduction reduction) {
        if (reduction == null) throw new IllegalArgumentException(name + ": reduction must not be null");
        if (reduction == Reduction.BATCHMEAN) {
            throw new IllegalArgumentException(name + ": reduction 'batchmean' is only supported by KLDivLoss; "
                    + "use none, mean or sum");
        }
    }

    static void checkBeta(double beta) {
        if (!(beta >= 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("SmoothL1Loss: beta must be finite and >= 0, got " + beta);
        }
    }

    static void checkDelta(double delta) {
        if (!(delta > 0) || Double.isInfinite(delta)) {
            throw new IllegalArgumentException("HuberLoss: delta must be finite and > 0, got " + delta);
        }
    }

    static void checkMargin(String name, double margin) {
        if (!Double.isFinite(margin)) throw new IllegalArgumentException(name + ": margin must be finite, got " + margin);
    }

    private static Tensor reduce(String name, Tensor loss, Reduction reduction) {
        checkReduction(name, reduction);
        return switch (reduction) {
            case NONE -> loss;
            case SUM -> loss.sum();
            case MEAN -> loss.mean();
            case BATCHMEAN -> throw new AssertionError();
        };
    }

    private static void requireFloat(String name, String what, Tensor t) {
        if (!t.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(name + ": " + what + " must be a floating-point tensor, got " + t.dtype());
        }
    }

    private static void requireNotBool(String name, Tensor y) {
        if (y.dtype() == DType.BOOL) {
            throw new IllegalArgumentException(name + ": target must hold 1 or -1 as numbers, got a bool tensor");
        }
    }

    /** The target of an element-wise loss: the input's shape, converted to the input's dtype. */
    private static Tensor sameShapeTarget(String name, Tensor input, Tensor target) {
        requireFloat(name, "input", input);
        if (!Arrays.equals(input.shape(), target.shape())) {
            throw new IllegalArgumentException(name + ": target shape " + Shape.format(target.shape())
                    + " does not match input shape " + Shape.format(input.shape()));
        }
        if (!target.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(name + ": target must be a floating-point tensor, got " + target.dtype());
        }
        Dispatch.deviceOf(name, input, target);
        return target.to(input.dtype());
    }

    private static Tensor broadcastWeight(String name, String what, Tensor w, Tensor input) {
        requireFloat(name, what, w);
        if (!Shape.broadcastsTo(w.shape(), input.shape())) {
            throw new IllegalArgumentException(name + ": " + what + " of shape " + Shape.format(w.shape())
                    + " does not broadcast to the input's shape " + Shape.format(input.shape()));
        }
        return w.to(input.dtype());
    }

    private static Tensor classWeight(String name, Tensor weight, Tensor input, int classes) {
        if (weight == null) return null;
        requireFloat(name, "weight", weight);
        if (weight.dim() != 1 || weight.size(0) != classes) {
            throw new IllegalArgumentException(name + ": weight must be a 1-D tensor of " + classes
                    + " elements (one per class), got shape " + Shape.format(weight.shape()));
        }
        return weight.to(input.dtype());
    }

    /** The class weights shaped to broadcast along the class dimension of a rank-{@code rank} tensor. */
    private static Tensor classView(Tensor w, int rank, int classDim) {
        int[] shape = new int[rank];
        Arrays.fill(shape, 1);
        shape[classDim] = w.size(0);
        return w.reshape(shape);
    }

    private static void checkClassTarget(String name, Tensor input, Tensor target, int classDim, int ignoreIndex) {
        if (target.dtype() != DType.INT64 && target.dtype() != DType.INT32) {
            throw new IllegalArgumentException(name + ": target must hold class indices as int64 or int32"
                    + (name.equals("NLLLoss") ? "" : " (or class probabilities as floating point)") + ", got " + target.dtype());
        }
        int[] in = input.shape();
        int[] expected = new int[in.length - 1];
        for (int i = 0, j = 0; i < in.length; i++) if (i != classDim) expected[j++] = in[i];
        if (!Arrays.equals(target.shape(), expected)) {
            throw new IllegalArgumentException(name + ": expected target shape " + Shape.format(expected)
                    + " for input of shape " + Shape.format(in) + ", got " + Shape.format(target.shape()));
        }
        int classes = in[classDim];
        if (target.numel() == 0) return;
        // Two reductions and one small read rather than a host copy: segmentation targets can be large.
        Tensor counted = target.maskedFill(target.eq((long) ignoreIndex), 0);
        long[] range = Reductions.minMaxLong(counted);
        long min = range[0], max = range[1];
        if (min < 0 || max >= classes) {
            throw new IllegalArgumentException(name + ": target " + (min < 0 ? min : max) + " is out of range for "
                    + classes + " classes");
        }
    }
}
