package dev.kona.nn;

import dev.kona.DType;
import dev.kona.Device;
import dev.kona.Generator;
import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.ops.Dispatch;

/**
 * Scaled dot-product attention, as PyTorch's {@code F.scaled_dot_product_attention}, and the
 * pieces {@link MultiheadAttention} is built from. Composites of matmul, softmax, where and
 * elementwise ops: every backend runs them and autograd differentiates them.
 *
 * <pre>{@code
 * Tensor q = Tensor.randn(16, 4, 128, 64), k = Tensor.randn(16, 4, 128, 64), v = Tensor.randn(16, 4, 128, 64);
 * Tensor o = Attention.scaledDotProductAttention(q, k, v);                          // [16, 4, 128, 64]
 * Tensor c = Attention.scaledDotProductAttention(q, k, v, null, 0.0, true, null);   // causal
 * }</pre>
 *
 * <p><b>Fully masked rows.</b> A query whose keys are all masked has no distribution to attend
 * with: softmax over a row of {@code -inf} is 0/0. As PyTorch's {@code scaled_dot_product_attention}
 * does (its "safe softmax", PyTorch 2.5 and later), such a row gets all-zero attention weights, so
 * its output is zero (and its gradients are zero, never NaN). PyTorch's
 * {@code nn.MultiheadAttention} with {@code need_weights=True} returns NaN for those rows instead;
 * Kona's {@link MultiheadAttention} uses the zero rule everywhere (it equals PyTorch's
 * {@code need_weights=False} result: the output projection's bias).
 */
public final class Attention {
    private Attention() {}

    /** Attention without mask, dropout or causal masking, scaled by {@code 1 / sqrt(E)}. */
    public static Tensor scaledDotProductAttention(Tensor query, Tensor key, Tensor value) {
        return scaledDotProductAttention(query, key, value, null, 0.0, false, null, null);
    }

    /** {@link #scaledDotProductAttention(Tensor, Tensor, Tensor, Tensor, double, boolean, Double, Generator)} drawing dropout from the global generator. */
    public static Tensor scaledDotProductAttention(Tensor query, Tensor key, Tensor value, Tensor attnMask, double dropoutP,
                                                   boolean isCausal, Double scale) {
        return scaledDotProductAttention(query, key, value, attnMask, dropoutP, isCausal, scale, null);
    }

    /**
     * {@code softmax(q kᵀ * scale + mask) v}, with dropout on the attention weights.
     *
     * @param query    {@code [..., L, E]}
     * @param key      {@code [..., S, E]}
     * @param value    {@code [..., S, Ev]}; the batch dimensions {@code ...} of the three broadcast
     * @param attnMask null, or broadcastable to {@code [..., L, S]}: bool, where <b>true means the
     *                 position takes part</b> (PyTorch's convention for this function), or floating
     *                 point, added to the scores ({@code -inf} excludes a position)
     * @param dropoutP probability of zeroing an attention weight, in [0, 1); as in PyTorch the
     *                 function applies it whenever it is positive (pass 0 in evaluation)
     * @param isCausal mask position j for query i when {@code j > i} (top-left aligned, as PyTorch);
     *                 not allowed together with {@code attnMask}
     * @param scale    the factor of the scores, or null for {@code 1 / sqrt(E)}
     * @param generator the source of the dropout masks (null: the global generator)
     * @return {@code [..., L, Ev]}; rows whose keys are all masked are zeros (see the class comment)
     */
    public static Tensor scaledDotProductAttention(Tensor query, Tensor key, Tensor value, Tensor attnMask, double dropoutP,
                                                   boolean isCausal, Double scale, Generator generator) {
        String op = "scaledDotProductAttention";
        checkQkv(op, query, key, value);
        F.checkDropoutP(op, dropoutP);
        if (isCausal && attnMask != null) {
            throw new IllegalArgumentException(op + ": pass either attnMask or isCausal=true, not both");
        }
        int l = query.size(-2), s = key.size(-2);
        Tensor bias = null;
        boolean guard = false;
        if (attnMask != null) {
            Dispatch.deviceOf(op, query, attnMask);
            checkBroadcast(op, "attnMask", attnMask, l, s);
            bias = additive(attnMask, true, query.dtype());
            guard = true;
        } else if (isCausal) {
            bias = causalBias(l, s, query.dtype(), query.device());
        }
        double sc = scale != null ? scale : 1.0 / Math.sqrt(query.size(-1));
        return attend(query, key, value, bias, guard, sc, dropoutP, generator, false).output();
    }

    /** The output {@code [..., L, Ev]} and the attention weights {@code [..., L, S]} (null when not kept). */
    record Weighted(Tensor output, Tensor weights) {}

    /**
     * The core: {@code softmax(q·scale kᵀ + bias) v}. {@code bias} is additive (null for none) and
     * broadcasts to the scores; with {@code guard}, rows of the bias that are all {@code -inf} give
     * zero weights (no NaN forward or backward). Dropout applies when {@code dropoutP > 0}.
     */
    static Weighted attend(Tensor q, Tensor k, Tensor v, Tensor bias, boolean guard, double scale, double dropoutP,
                           Generator generator, boolean keepWeights) {
        Tensor scores = q.mul(scale).matmul(k.transpose(-2, -1));
        Tensor fullyMasked = null;
        if (bias != null) {
            if (guard) {
                fullyMasked = bias.eq(Double.NEGATIVE_INFINITY).all(-1, true);
                // A finite row where all are masked: the softmax stays finite, its result is replaced by 0 below.
                bias = Tensor.where(fullyMasked, 0.0, bias);
            }
            scores = scores.add(bias);
        }
        Tensor p = scores.softmax(-1);
        if (fullyMasked != null) p = Tensor.where(fullyMasked, 0.0, p);
        if (dropoutP > 0) p = F.dropout(p, dropoutP, true, generator);
        return new Weighted(p.matmul(v), keepWeights ? p : null);
    }

    /**
     * A mask as an additive bias in {@code dtype}: a floating-point mask as it is, a bool one as
     * 0 / -inf, where {@code trueKeeps} says whether true marks a position that takes part (the
     * functional convention) or one that is masked out (nn.MultiheadAttention's).
     */
    static Tensor additive(Tensor mask, boolean trueKeeps, DType dtype) {
        if (mask.dtype() == DType.BOOL) {
            Tensor zero = Tensor.zeros(new int[0], dtype, mask.device());
            Tensor ninf = Tensor.full(new int[0], Double.NEGATIVE_INFINITY, dtype, mask.device());
            return trueKeeps ? Tensor.where(mask, zero, ninf) : Tensor.where(mask, ninf, zero);
        }
        if (!mask.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("attention: a mask must be bool or floating point, got " + mask.dtype());
        }
        return mask.dtype() == dtype ? mask : mask.to(dtype);
    }

    /** {@code [L, S]}: 0 where key j may be seen by query i ({@code j <= i}), -inf elsewhere. */
    static Tensor causalBias(int l, int s, DType dtype, Device device) {
        Tensor rows = Tensor.arange(l, device).unsqueeze(1);
        Tensor cols = Tensor.arange(s, device).unsqueeze(0);
        return Tensor.where(cols.gt(rows), Tensor.full(new int[0], Double.NEGATIVE_INFINITY, dtype, device),
                Tensor.zeros(new int[0], dtype, device));
    }

    private static void checkQkv(String op, Tensor q, Tensor k, Tensor v) {
        if (q.dim() < 2 || k.dim() < 2 || v.dim() < 2) {
            throw new IllegalArgumentException(op + ": query, key and value need at least 2 dimensions [..., L, E], got "
                    + Shape.format(q.shape()) + ", " + Shape.format(k.shape()) + " and " + Shape.format(v.shape()));
        }
        if (!q.dtype().isFloatingPoint() || q.dtype() != k.dtype() || q.dtype() != v.dtype()) {
            throw new IllegalArgumentException(op + ": expected query, key and value of one floating-point dtype, got "
                    + q.dtype() + ", " + k.dtype() + " and " + v.dtype());
        }
        Dispatch.deviceOf(op, q, k, v);
        if (q.size(-1) != k.size(-1)) {
            throw new IllegalArgumentException(op + ": query " + Shape.format(q.shape()) + " and key " + Shape.format(k.shape())
                    + " must have the same last dimension (" + q.size(-1) + " != " + k.size(-1) + ")");
        }
        if (k.size(-2) != v.size(-2)) {
            throw new IllegalArgumentException(op + ": key " + Shape.format(k.shape()) + " and value " + Shape.format(v.shape())
                    + " must have the same sequence length (" + k.size(-2) + " != " + v.size(-2) + ")");
        }
    }

    private static void checkBroadcast(String op, String what, Tensor mask, int l, int s) {
        int r = mask.dim();
        boolean ok = r >= 1 && (mask.size(-1) == s || mask.size(-1) == 1) && (r < 2 || mask.size(-2) == l || mask.size(-2) == 1);
        if (!ok) {
            throw new IllegalArgumentException(op + ": " + what + " of shape " + Shape.format(mask.shape())
                    + " does not broadcast to the scores [..., " + l + ", " + s + "]");
        }
    }
}
