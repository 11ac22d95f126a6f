package dev.kona.ops;

import dev.kona.DType;
import dev.kona.Shape;
import dev.kona.Tensor;

/**
 * Matrix products. Every product reaches the one {@link Op.MatMul} primitive with its operands'
 * strides intact, so a transposed operand ({@code x.t()}) is never copied.
 */
public final class LinAlg {
    private LinAlg() {}

    private static DType checkTypes(String op, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": expected both operands to have the same dtype, got "
                    + a.dtype() + " and " + b.dtype());
        }
        if (!a.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": expected floating-point tensors, got " + a.dtype()
                    + "; convert with to(DType.FLOAT32)");
        }
        return a.dtype();
    }

    private static IllegalArgumentException mismatch(String op, Tensor a, Tensor b, int ka, int kb) {
        return new IllegalArgumentException(op + ": shapes " + Shape.format(a.shape()) + " and " + Shape.format(b.shape())
                + " cannot be multiplied (" + ka + " != " + kb + ")");
    }

    public static Tensor matmul(Tensor a, Tensor b) {
        int ra = a.dim(), rb = b.dim();
        if (ra == 0 || rb == 0) {
            throw new IllegalArgumentException("matmul: both operands need at least 1 dimension, got shapes "
                    + Shape.format(a.shape()) + " and " + Shape.format(b.shape()));
        }
        if (ra == 1 && rb == 1) return dot(a, b);
        Tensor a2 = ra == 1 ? a.unsqueeze(0) : a;
        Tensor b2 = rb == 1 ? b.unsqueeze(1) : b;
        int ka = a2.size(-1), kb = b2.size(-2);
        if (ka != kb) throw mismatch("matmul", a, b, ka, kb);
        Tensor r = batched("matmul", a2, b2);
        if (ra == 1) r = r.squeeze(-2);
        if (rb == 1) r = r.squeeze(-1);
        return r;
    }

    private static Tensor batched(String op, Tensor a, Tensor b) {
        DType dt = checkTypes(op, a, b);
        int[] as = a.layout().shape(), bs = b.layout().shape();
        int[] batchA = java.util.Arrays.copyOf(as, as.length - 2), batchB = java.util.Arrays.copyOf(bs, bs.length - 2);
        int[] batch = Shape.broadcast(op, batchA, batchB);
        int m = as[as.length - 2], k = as[as.length - 1], n = bs[bs.length - 1];
        int[] ea = concat(batch, m, k), eb = concat(batch, k, n), out = concat(batch, m, n);
        DType compute = dt.isHalf() ? DType.FLOAT32 : dt;
        Tensor ax = Elementwise.cast(a, compute).expand(ea), bx = Elementwise.cast(b, compute).expand(eb);
        Tensor r = Dispatch.run(new Op.MatMul(), out, compute, ax, bx);
        return Elementwise.cast(r, dt);
    }

    private static int[] concat(int[] batch, int r, int c) {
        int[] s = java.util.Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = r;
        s[batch.length + 1] = c;
        return s;
    }

    public static Tensor mm(Tensor a, Tensor b) {
        if (a.dim() != 2 || b.dim() != 2) {
            throw new IllegalArgumentException("mm: expected 2-D tensors, got shapes " + Shape.format(a.shape())
                    + " and " + Shape.format(b.shape()));
        }
        if (a.size(1) != b.size(0)) throw mismatch("mm", a, b, a.size(1), b.size(0));
        return batched("mm", a, b);
    }

    public static Tensor bmm(Tensor a, Tensor b) {
        if (a.dim() != 3 || b.dim() != 3) {
            throw new IllegalArgumentException("bmm: expected 3-D tensors, got shapes " + Shape.format(a.shape())
                    + " and " + Shape.format(b.shape()));
        }
        if (a.size(0) != b.size(0)) {
            throw new IllegalArgumentException("bmm: batch sizes differ: shapes " + Shape.format(a.shape()) + " and "
                    + Shape.format(b.shape()) + " (" + a.size(0) + " != " + b.size(0) + ")");
        }
        if (a.size(2) != b.size(1)) throw mismatch("bmm", a, b, a.size(2), b.size(1));
        return batched("bmm", a, b);
    }

    public static Tensor dot(Tensor a, Tensor b) {
        if (a.dim() != 1 || b.dim() != 1) {
            throw new IllegalArgumentException("dot: expected 1-D tensors, got shapes " + Shape.format(a.shape())
                    + " and " + Shape.format(b.shape()));
        }
        if (a.size(0) != b.size(0)) {
            throw new IllegalArgumentException("dot: 1-D tensors of different lengths (" + a.size(0) + " != " + b.size(0) + ")");
        }
        checkTypes("dot", a, b);
        return batched("dot", a.unsqueeze(0), b.unsqueeze(1)).reshape();
    }

    public static Tensor outer(Tensor a, Tensor b) {
        if (a.dim() != 1 || b.dim() != 1) {
            throw new IllegalArgumentException("outer: expected 1-D tensors, got shapes " + Shape.format(a.shape())
                    + " and " + Shape.format(b.shape()));
        }
        return a.unsqueeze(1).mul(b.unsqueeze(0));
    }
}
