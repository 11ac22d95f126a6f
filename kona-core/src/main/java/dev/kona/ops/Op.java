package dev.kona.ops;

import dev.kona.DType;
import java.util.Arrays;

/**
 * The op set: every primitive a backend implements, each a record carrying its attributes.
 *
 * <p>This is the one place ops are declared. A backend switches over this sealed interface with no
 * {@code default} branch, so adding an op fails to compile in every backend that has not handled
 * it. Composite ops (var, norm, logsumexp, gelu's uses, losses...) are written in terms of these
 * primitives in the front end and are not listed here.
 *
 * <p>Inputs and outputs of each op, in order, are documented on the record. Unless stated
 * otherwise outputs are fresh, contiguous and of the shape and dtype the front end computed.
 */
public sealed interface Op {

    /** Name used in error messages, e.g. {@code "exp"} or {@code "matmul"}. */
    String name();

    /** Elementwise functions of one tensor. */
    enum UnaryKind {
        NEG, ABS, EXP, LOG, LOG1P, EXPM1, SQRT, RSQRT, SQUARE, RECIPROCAL, SIN, COS, TANH, SIGMOID,
        RELU, GELU, GELU_TANH, SILU, SIGN, FLOOR, CEIL, ROUND, LOGICAL_NOT, ERF,
        /** {@code x > 0 ? x : p0 * x}. */
        LEAKY_RELU,
        /** {@code x > 0 ? x : p0 * (exp(x) - 1)}. */
        ELU,
        /** {@code log(1 + exp(p0 * x)) / p0}, linear above the threshold {@code p1}. */
        SOFTPLUS,
        /** {@code min(max(x, p0), p1)}; NaN bounds mean "no bound". */
        CLAMP,
        /** {@code x ^ p0}. */
        POW_SCALAR;

        private final String opName = computeOpName();

        /** Ops whose output is float even for integer input (int input is promoted first). */
        public boolean needsFloat() {
            return switch (this) {
                case NEG, ABS, SQUARE, SIGN, RELU, FLOOR, CEIL, ROUND, LOGICAL_NOT, CLAMP, LEAKY_RELU -> false;
                default -> true;
            };
        }

        public String opName() {
            return opName;
        }

        private String computeOpName() {
            return switch (name()) {
                case "GELU_TANH" -> "gelu";
                case "LOGICAL_NOT" -> "logicalNot";
                case "LEAKY_RELU" -> "leakyRelu";
                case "POW_SCALAR" -> "pow";
                default -> name().toLowerCase(java.util.Locale.ROOT);
            };
        }
    }

    /** Elementwise functions of two broadcast tensors. */
    enum BinaryKind {
        ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM, EQ, NE, LT, LE, GT, GE,
        LOGICAL_AND, LOGICAL_OR, LOGICAL_XOR;

        private final String opName = switch (name()) {
            case "LOGICAL_AND" -> "logicalAnd";
            case "LOGICAL_OR" -> "logicalOr";
            case "LOGICAL_XOR" -> "logicalXor";
            default -> name().toLowerCase(java.util.Locale.ROOT);
        };

        public boolean isComparison() {
            return switch (this) {
                case EQ, NE, LT, LE, GT, GE -> true;
                default -> false;
            };
        }

        public boolean isLogical() {
            return this == LOGICAL_AND || this == LOGICAL_OR || this == LOGICAL_XOR;
        }

        public String opName() {
            return opName;
        }
    }

    /** Reductions over a set of axes. */
    enum ReduceKind { SUM, PROD, MAX, MIN, ALL, ANY }

    /**
     * {@code out = f(x)}. In: x. Out: same shape; dtype as computed by the front end.
     * {@code p0}, {@code p1} are the parameters of the parameterised kinds, 0 otherwise.
     */
    record Unary(UnaryKind kind, double p0, double p1) implements Op {
        public static Unary of(UnaryKind kind) {
            return new Unary(kind, 0, 0);
        }

        @Override
        public String name() {
            return kind.opName();
        }
    }

    /** {@code out = a (op) b} with broadcasting. In: a, b (same dtype). Out: broadcast shape. */
    record Binary(BinaryKind kind) implements Op {
        @Override
        public String name() {
            return kind.opName();
        }
    }

    /** {@code out = cond ? a : b} with broadcasting. In: cond (bool), a, b (same dtype). */
    record Where() implements Op {
        @Override
        public String name() {
            return "where";
        }
    }

    /**
     * Copies (and converts) elements. In: src, already broadcast to the output's shape. Out: any
     * layout, possibly a non-contiguous view into another tensor, of any dtype.
     */
    record Copy() implements Op {
        @Override
        public String name() {
            return "copy";
        }
    }

    /** Sets every element of the output (any layout) to {@code value}. No inputs. */
    record Fill(double value) implements Op {
        @Override
        public String name() {
            return "fill";
        }
    }

    /**
     * Reduces over {@code axes} (sorted, distinct). In: x. Out: x's shape with the reduced axes
     * removed (or kept as 1 when {@code keepDim}). SUM/PROD of bool/int32 give int64; ALL/ANY give bool.
     */
    record Reduce(ReduceKind kind, int[] axes, boolean keepDim) implements Op {
        @Override
        public String name() {
            return kind.name().toLowerCase(java.util.Locale.ROOT);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Reduce r && r.kind == kind && r.keepDim == keepDim && Arrays.equals(r.axes, axes);
        }

        @Override
        public int hashCode() {
            return kind.hashCode() * 31 + Arrays.hashCode(axes) + (keepDim ? 1 : 0);
        }

        @Override
        public String toString() {
            return "Reduce[" + kind + ", axes=" + Arrays.toString(axes) + ", keepDim=" + keepDim + "]";
        }
    }

    /**
     * Max or min along one axis with the index of the first extreme (NaN counts as the extreme).
     * In: x. Out: values (x's dtype), indices (int64).
     */
    record ArgReduce(boolean max, int axis, boolean keepDim) implements Op {
        @Override
        public String name() {
            return max ? "max" : "min";
        }
    }

    /** Running sum ({@code product == false}) or product along an axis. In: x. Out: same shape. */
    record Cumulative(boolean product, int axis) implements Op {
        @Override
        public String name() {
            return product ? "cumprod" : "cumsum";
        }
    }

    /** Softmax or log-softmax along an axis, max-subtracted for stability. In: x (float). */
    record Softmax(int axis, boolean log) implements Op {
        @Override
        public String name() {
            return log ? "logSoftmax" : "softmax";
        }
    }

    /**
     * The gradient of {@link Softmax} from its output y, sums along the axis: {@code y * (g - sum(g * y))}
     * for softmax, {@code g - exp(y) * sum(g)} for log-softmax. In: g, y (contiguous, same shape,
     * one float dtype). Out: same shape. A primitive because the composite made four passes over
     * the attention weights; not differentiable: gradients of gradients use the composite formula.
     */
    record SoftmaxGrad(int axis, boolean log) implements Op {
        @Override
        public String name() {
            return log ? "logSoftmaxBackward" : "softmaxBackward";
        }
    }

    /**
     * Cross-entropy of rows of logits against class indices, fused: for each row i of x [N, C],
     * logp_i = logSoftmax(x_i) (as {@link Softmax} computes it) and loss_i = -logp_i[t_i], or 0
     * where t_i == ignoreIndex. In: x (contiguous, float32 or float64), t [N] int64 (contiguous,
     * each in [0, C) or ignoreIndex). Out: loss [N], logp [N, C]. A primitive because the
     * composite (log-softmax, masks, gather with its index check, sums) launched a dozen kernels
     * on a GPU for a batch's loss; differentiated by {@link CrossEntropyRowsGrad}, gradients of
     * gradients by the composite formula.
     */
    record CrossEntropyRows(long ignoreIndex) implements Op {
        @Override
        public String name() {
            return "crossEntropy";
        }
    }

    /**
     * The gradient of {@link CrossEntropyRows}' loss: dx_i = g_i (exp(logp_i) - onehot(t_i)), zero
     * rows where t_i == ignoreIndex. In: g [N], logp [N, C], t [N] int64 (contiguous; g and logp of
     * one float dtype). Out: dx [N, C]. Not differentiable.
     */
    record CrossEntropyRowsGrad(long ignoreIndex) implements Op {
        @Override
        public String name() {
            return "crossEntropyBackward";
        }
    }

    /**
     * Batched matrix product. In: a [..., m, k], b [..., k, n] whose batch dims are already broadcast
     * to the output's (size-1 batch dims may have stride 0); any strides, transposed operands included.
     * Out: [..., m, n]. Float dtypes only.
     */
    record MatMul() implements Op {
        @Override
        public String name() {
            return "matmul";
        }
    }

    /** {@code out[i][j][k] = x[i][index[i][j][k]][k]} for axis 1, and so on. In: x, index (int64). */
    record Gather(int axis) implements Op {
        @Override
        public String name() {
            return "gather";
        }
    }

    /**
     * {@code out = copy of x; out[i][index[i][j]] = src[i][j]} (or {@code +=} when {@code add}) for
     * axis 1, and so on. In: x, index (int64), src. Out: x's shape.
     */
    record Scatter(int axis, boolean add) implements Op {
        @Override
        public String name() {
            return add ? "scatterAdd" : "scatter";
        }
    }

    /** Picks slices along an axis. In: x, index (1-d int64). Out: x's shape with that axis = index length. */
    record IndexSelect(int axis) implements Op {
        @Override
        public String name() {
            return "indexSelect";
        }
    }

    /**
     * The multi-indices of non-zero elements in row-major order. In: x. Out: int64
     * [count, rank], where the front end obtained count beforehand with {@link CountNonZero}.
     */
    record NonZero() implements Op {
        @Override
        public String name() {
            return "nonzero";
        }
    }

    /** Number of non-zero elements. In: x. Out: 0-d int64. */
    record CountNonZero() implements Op {
        @Override
        public String name() {
            return "countNonzero";
        }
    }

    /** Sorts along an axis, stably. In: x. Out: values, indices (int64). NaN sorts as largest. */
    record Sort(int axis, boolean descending) implements Op {
        @Override
        public String name() {
            return "sort";
        }
    }

    /** The k largest (or smallest) along an axis. In: x. Out: values, indices (int64). */
    record TopK(int k, int axis, boolean largest, boolean sorted) implements Op {
        @Override
        public String name() {
            return "topk";
        }
    }

    /**
     * One Adam/AdamW update of a parameter, in place (PyTorch's single-tensor algorithm). Outputs,
     * all updated in place: param, expAvg, expAvgSq, and maxExpAvgSq when {@code amsgrad}. In: grad.
     * {@code decoupled} is AdamW's weight decay; {@code step} is the 1-based step count.
     */
    record AdamStep(double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled,
                    boolean amsgrad, boolean maximize, long step) implements Op {
        @Override
        public String name() {
            return decoupled ? "adamw" : "adam";
        }
    }

    /**
     * One SGD update with optional momentum, in place. Outputs: param, and the momentum buffer when
     * {@code momentum != 0} (on the first step the buffer is set to the gradient). In: grad.
     */
    record SgdStep(double lr, double momentum, double dampening, double weightDecay, boolean nesterov,
                   boolean maximize, boolean firstStep) implements Op {
        @Override
        public String name() {
            return "sgd";
        }
    }

    /**
     * Fills the output (fresh, contiguous, float32 or float64) with uniform values in [0, 1) of a
     * counter-based generator: element {@code i} (row-major) is the SplitMix64 hash of
     * {@code seed + (i + 1) * 0x9E3779B97F4A7C15}, its top 24 (float32) or 53 (float64) bits
     * scaled by 2^-24 or 2^-53. Every backend and thread count gives the same bits, and a device
     * draws without a host round trip. No inputs.
     */
    record RandomUniform(long seed) implements Op {
        @Override
        public String name() {
            return "rand";
        }
    }

    /**
     * Inverted dropout with the mask of {@link RandomUniform}: {@code out[i] = x[i] * (u[i] >= p ? 1 / (1 - p) : 0)},
     * where {@code u[i]} is element {@code i} (row-major) of {@code RandomUniform(seed)} in x's dtype
     * and the comparison and scale are in x's dtype too; NaN stays NaN where dropped, as in PyTorch.
     * In: x (contiguous, float32 or float64). Out: same shape and dtype. Linear in x, so its gradient
     * is the same op on the output's gradient and backward needs no stored mask. A primitive because
     * the composite (draw, compare, cast, scale, multiply) made five tensors per element.
     */
    record Dropout(long seed, double p) implements Op {
        @Override
        public String name() {
            return "dropout";
        }

        /**
         * Element {@code i} is kept when the top 24 (float32) or 53 (float64) bits of its hash reach
         * this, which is {@code u >= p} compared in the dtype without forming u.
         */
        public long threshold(DType dtype) {
            return dtype == DType.FLOAT64 ? (long) Math.ceil(p * 0x1p53) : (long) Math.ceil((double) (float) p * 0x1p24);
        }

        /** The factor of the kept elements, {@code 1 / (1 - p)}, to be rounded to float32 for a float32 x. */
        public double scale() {
            return 1.0 / (1.0 - p);
        }
    }

    /**
     * Layer normalisation of the rows of {@code x [rows, n]}: {@code y = (x - mean) * rstd * w + b}
     * with the row's mean and {@code rstd = 1 / sqrt(biased variance + eps)}. In: x, w {@code [n]},
     * b {@code [n]} (all contiguous, one float dtype). Out: y {@code [rows, n]}, mean and rstd
     * {@code [rows]}. A primitive because the composite made seven passes over x forward and about
     * fifteen backward; see {@link LayerNormGrad}.
     */
    record LayerNorm(double eps) implements Op {
        @Override
        public String name() {
            return "layerNorm";
        }
    }

    /**
     * The gradient of {@link LayerNorm}, with {@code xhat = (x - mean) * rstd} and {@code gw = g * w}:
     * {@code dx = rstd * (gw - mean_row(gw) - xhat * mean_row(gw * xhat))}, {@code dw} and {@code db}
     * the column sums of {@code g * xhat} and {@code g}, summed in row order whatever the thread count.
     * In: g {@code [rows, n]}, x, w, mean, rstd (contiguous, as LayerNorm's). Out: dx {@code [rows, n]},
     * dw and db {@code [n]}. Not differentiable: gradients of gradients use the composite formula.
     */
    record LayerNormGrad() implements Op {
        @Override
        public String name() {
            return "layerNormBackward";
        }
    }

    /**
     * The sliding-window geometry of {@link Im2Col} and {@link Col2Im} over {@code [N, C, H, W]}:
     * kernel {@code kh x kw}, strides, padding before the first row/column ({@code ph}, {@code pw}),
     * dilations, and the number of window positions {@code oh x ow}. Window {@code (i, j)} reads
     * rows {@code i*sh - ph + a*dh} and columns {@code j*sw - pw + b*dw}; positions outside the
     * input are padding. Giving {@code oh, ow} explicitly covers asymmetric padding ("same" with an
     * even kernel) and pooling's ceil mode: padding after the last row is whatever they imply.
     */
    record Window(int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int oh, int ow) {
        /** Window positions along an axis of {@code size}: PyTorch's {@code (size + 2p - d(k-1) - 1) / s + 1}. */
        public static int outputSize(int size, int k, int s, int p, int d, boolean ceil) {
            long span = (long) size + 2L * p - (long) d * (k - 1) - 1;
            if (span < 0) return 0;
            long out = (ceil ? Math.ceilDiv(span, s) : span / s) + 1;
            // ceil mode: the last window must start inside the input or the left padding
            if (ceil && (out - 1) * s >= (long) size + p) out--;
            return (int) out;
        }

        /** {@code kh * kw}. */
        public int area() {
            return kh * kw;
        }

        /** {@code oh * ow}: the number of window positions, L. */
        public int positions() {
            return oh * ow;
        }
    }

    /**
     * PyTorch's unfold: the sliding windows of an image as columns. In: x {@code [N, C, H, W]}
     * (any strides). Out: {@code [N, C*kh*kw, oh*ow]}, where row {@code c*kh*kw + a*kw + b} holds
     * element {@code (a, b)} of channel {@code c}'s window at each position; positions outside the
     * input read {@code padValue} (0 for convolutions, -inf for max pooling).
     */
    record Im2Col(Window window, double padValue) implements Op {
        @Override
        public String name() {
            return "im2col";
        }
    }

    /**
     * PyTorch's fold, the adjoint of {@link Im2Col}: each column entry is added into the image
     * element its window reads, overlapping windows summing. In: cols {@code [N, C*kh*kw, oh*ow]}
     * (any strides). Out: {@code [N, C, height, width]}.
     */
    record Col2Im(Window window, int height, int width) implements Op {
        @Override
        public String name() {
            return "col2im";
        }
    }

    /**
     * Max pooling over the windows of {@code x [N, C, H, W]}: the largest element of each window
     * (positions outside the image are skipped, as -inf padding would be) and the index of its first
     * occurrence in window order, as a flat position {@code row*W + column} in the image plane
     * (PyTorch's {@code return_indices}); NaN counts as the largest. Out: values
     * {@code [N, C, oh, ow]} (x's dtype), indices {@code [N, C, oh, ow]} (int64). A primitive because
     * im2col and max-with-indices over the window axis ran at half PyTorch's speed.
     */
    record MaxPool(Window window) implements Op {
        @Override
        public String name() {
            return "maxPool2d";
        }
    }

    /**
     * The gradient of {@link MaxPool}: each output gradient added at its window's maximum. In:
     * g {@code [N, C, oh, ow]}, indices {@code [N, C, oh, ow]} (int64, flat positions in the plane, as
     * MaxPool gives them). Out: {@code [N, C, height, width]}, zeros where no window's maximum lies.
     */
    record MaxPoolGrad(Window window, int height, int width) implements Op {
        @Override
        public String name() {
            return "maxPool2dBackward";
        }
    }

    /** The three passes of {@link Conv3x3}. */
    enum ConvPass { FORWARD, INPUT_GRAD, WEIGHT_GRAD }

    /**
     * A 3x3, stride-1, single-group convolution (cross-correlation, as PyTorch's conv2d) of an
     * {@code h x w} image with padding {@code ph, pw} before the first row and column and an
     * {@code oh x ow} output: {@code y[n, k, i, j] = sum over c, a, b of x[n, c, i - ph + a, j - pw + b]
     * * w[k, c, a, b]}, zeros outside the image. A primitive because the fast algorithm is not a
     * composition: the CPU computes it by Winograd F(2x2, 3x3), 2.25 times fewer multiplications
     * than the direct product, with the transforms fused around small products on blocks of tiles
     * that stay in cache.
     *
     * <p>The passes are bilinear and each other's adjoints, so each differentiates into the others.
     * {@code FORWARD}: in x {@code [N, C, h, w]}, w {@code [K, C, 3, 3]}; out {@code [N, K, oh, ow]}.
     * {@code INPUT_GRAD}: in dy {@code [N, K, oh, ow]}, w; out {@code [N, C, h, w]}.
     * {@code WEIGHT_GRAD}: in dy, x; out {@code [K, C, 3, 3]}.
     */
    record Conv3x3(int h, int w, int ph, int pw, int oh, int ow, ConvPass pass) implements Op {
        @Override
        public String name() {
            return switch (pass) {
                case FORWARD -> "conv3x3";
                case INPUT_GRAD -> "conv3x3InputGrad";
                case WEIGHT_GRAD -> "conv3x3WeightGrad";
            };
        }

        /** The same geometry, another pass. */
        public Conv3x3 as(ConvPass p) {
            return new Conv3x3(h, w, ph, pw, oh, ow, p);
        }

        /** Winograd tiles (2x2 outputs each) down and across the output. */
        public int tilesH() {
            return (oh + 1) / 2;
        }

        public int tilesW() {
            return (ow + 1) / 2;
        }
    }

    /**
     * The pointwise part of one LSTM step, fused, for {@code dev.kona.nn}'s scan: one pass over
     * the gates instead of ten small ops with their temporaries. H is the hidden size; gate blocks
     * are PyTorch's i, f, g, o. Inputs are contiguous, float32 or float64; outputs fresh.
     *
     * <p>Forward: in gates {@code [B, 4H]} (pre-activations), c {@code [B, H]} (the cell state
     * before the step); out act {@code [B, 4H]} = (sigmoid i, sigmoid f, tanh g, sigmoid o),
     * c' = f*c + i*g, tanh(c'), h' = o*tanh(c') (each {@code [B, H]}).
     *
     * <p>Backward ({@code backward}): in act, tanh(c'), c (as the forward saw and made them), dh
     * and dc {@code [B, H]} (the gradients reaching h' and c'); out dgates {@code [B, 4H]} (of the
     * pre-activations) and dc {@code [B, H]} (of c). With dc' = dc + dh*o*(1 - tanh(c')^2):
     * di = dc'*g*i(1-i), df = dc'*c*f(1-f), dg = dc'*i*(1-g^2), do = dh*tanh(c')*o(1-o), and
     * dc = dc'*f.
     */
    record LstmCell(boolean backward) implements Op {
        @Override
        public String name() {
            return backward ? "lstmCellBackward" : "lstmCell";
        }
    }

    /** Conversion target helper shared by the front end: the dtype an op computes in. */
    static DType computeType(DType d) {
        return d.isHalf() ? DType.FLOAT32 : d;
    }
}
