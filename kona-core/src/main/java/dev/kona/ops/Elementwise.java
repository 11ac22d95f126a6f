package dev.kona.ops;

import dev.kona.DType;
import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.ops.Op.BinaryKind;
import dev.kona.ops.Op.UnaryKind;

/**
 * Front end of the elementwise ops: dtype rules, broadcasting, and the float32 detour for the
 * 16-bit storage types. Kernels see operands of one compute dtype.
 */
public final class Elementwise {
    private Elementwise() {}

    public static Tensor cast(Tensor t, DType dtype) {
        if (t.dtype() == dtype) return t;
        return Dispatch.run(new Op.Copy(), t.shape(), dtype, t);
    }

    public static Tensor copy(Tensor t) {
        return Dispatch.run(new Op.Copy(), t.shape(), t.dtype(), t);
    }

    public static Tensor unary(UnaryKind k, Tensor x) {
        return unary(k, x, 0, 0);
    }

    public static Tensor unary(UnaryKind k, Tensor x, double p0, double p1) {
        DType dt = x.dtype();
        if (k == UnaryKind.LOGICAL_NOT) return Dispatch.run(Op.Unary.of(k), x.shape(), DType.BOOL, x);
        if (dt == DType.BOOL && (k == UnaryKind.NEG || k == UnaryKind.SIGN)) {
            throw new IllegalArgumentException(k.opName() + ": not supported for bool tensors; use logicalNot");
        }
        DType out = k.needsFloat() && !dt.isFloatingPoint() ? DType.DEFAULT_FLOAT : dt;
        DType compute = out.isHalf() ? DType.FLOAT32 : out;
        Tensor r = Dispatch.run(new Op.Unary(k, p0, p1), x.shape(), compute, cast(x, compute));
        return cast(r, out);
    }

    public static Tensor softplus(Tensor x, double beta, double threshold) {
        if (!(beta > 0)) throw new IllegalArgumentException("softplus: beta must be > 0, got " + beta);
        return unary(UnaryKind.SOFTPLUS, x, beta, threshold);
    }

    public static Tensor clamp(Tensor x, double min, double max) {
        if (!Double.isNaN(min) && !Double.isNaN(max) && min > max) {
            throw new IllegalArgumentException("clamp: min " + min + " is greater than max " + max);
        }
        if (x.dtype() == DType.BOOL) throw new IllegalArgumentException("clamp: not supported for bool tensors");
        return unary(UnaryKind.CLAMP, x, min, max);
    }

    /** {@code x ^ exponent} for a Java double: an integer tensor gives float32, as PyTorch. */
    public static Tensor powScalar(Tensor x, double exponent) {
        if (exponent == 2) return unary(UnaryKind.SQUARE, x.dtype().isFloatingPoint() ? x : cast(x, DType.DEFAULT_FLOAT));
        return unary(UnaryKind.POW_SCALAR, x, exponent, 0);
    }

    /** {@code x ^ exponent} for a Java integer: an integer tensor stays integer. */
    public static Tensor powScalar(Tensor x, long exponent) {
        if (x.dtype().isFloatingPoint()) return powScalar(x, (double) exponent);
        if (exponent < 0) {
            throw new IllegalArgumentException("pow: integers to negative integer powers are not allowed (exponent "
                    + exponent + "); use a floating-point tensor");
        }
        return binary(BinaryKind.POW, x, Tensor.wrap(exponent));
    }

    /**
     * Inverted dropout of a floating-point {@code x} with the counter-based mask of {@code seed}
     * ({@link Op.Dropout}): float32 and float64 directly, the 16-bit types through float32.
     */
    public static Tensor dropout(Tensor x, double p, long seed) {
        if (!x.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("dropout: expected a floating-point input, got " + x.dtype());
        }
        DType compute = x.dtype().isHalf() ? DType.FLOAT32 : x.dtype();
        return cast(dropout(new Op.Dropout(seed, p), cast(x, compute)), x.dtype());
    }

    /** The op on a float32 or float64 tensor; also its own gradient. */
    public static Tensor dropout(Op.Dropout op, Tensor x) {
        return Dispatch.run(op, x.shape(), x.dtype(), x.contiguous());
    }

    /** The dtype the kernel computes a binary op in, and the dtype of the result. */
    private record Types(DType compute, DType result) {}

    private static Types types(BinaryKind k, Tensor a, Tensor b) {
        DType common = Promotion.resultType(a, b);
        if (k.isLogical()) return new Types(common.isHalf() ? DType.FLOAT32 : common, DType.BOOL);
        if (k == BinaryKind.SUB && common == DType.BOOL) {
            throw new IllegalArgumentException("sub: subtraction of two bool tensors is not supported; use logicalXor");
        }
        if (k == BinaryKind.DIV && !common.isFloatingPoint()) common = DType.DEFAULT_FLOAT;
        DType compute = common.isHalf() ? DType.FLOAT32 : common;
        if (k.isComparison()) return new Types(compute, DType.BOOL);
        return new Types(compute, common);
    }

    public static Tensor binary(BinaryKind k, Tensor a, Tensor b) {
        int[] shape = Shape.broadcast(k.opName(), a.layout().shape(), b.layout().shape());
        Types t = types(k, a, b);
        DType kernelOut = t.result() == DType.BOOL ? DType.BOOL : t.compute();
        Tensor r = Dispatch.run(new Op.Binary(k), shape, kernelOut, cast(a, t.compute()), cast(b, t.compute()));
        return cast(r, t.result());
    }

    public static Tensor where(Tensor cond, Tensor x, Tensor y) {
        if (cond.dtype() != DType.BOOL) {
            throw new IllegalArgumentException("where: condition must be a bool tensor, got " + cond.dtype());
        }
        int[] shape = Shape.broadcast("where", Shape.broadcast("where", cond.layout().shape(), x.layout().shape()),
                y.layout().shape());
        DType dt = Promotion.resultType(x, y);
        return Dispatch.run(new Op.Where(), shape, dt, cond, cast(x, dt), cast(y, dt));
    }

    /**
     * In-place writes are not recorded by autograd, so they are refused on tensors that take part
     * in a graph while recording is on (as optimizers do, run them inside {@code GradMode.noGrad()}).
     */
    static void checkInPlace(String name, Tensor target, Tensor source) {
        if (!dev.kona.autograd.GradMode.isEnabled()) return;
        if (target.requiresGrad() || (source != null && source.requiresGrad())) {
            throw new IllegalStateException(name + ": in-place operation on a tensor that requires grad (or with a source "
                    + "that does) is not recorded by autograd; use the out-of-place op, or run it inside GradMode.noGrad()");
        }
    }

    /** {@code target (op)= other}, with other broadcast to target's shape. */
    public static Tensor inPlace(Tensor target, BinaryKind k, Tensor other) {
        String name = k.opName() + "InPlace";
        checkInPlace(name, target, other);
        Dispatch.deviceOf(name, target, other);
        if (!Shape.broadcastsTo(other.layout().shape(), target.layout().shape())) {
            throw new IllegalArgumentException(name + ": shape " + Shape.format(other.shape())
                    + " does not broadcast to the target's shape " + Shape.format(target.shape()));
        }
        DType result = types(k, target, other).result();
        if (result.category().compareTo(target.dtype().category()) > 0) {
            throw new IllegalArgumentException(name + ": result type " + result + " can't be cast to the target's dtype "
                    + target.dtype());
        }
        DType dt = target.dtype();
        if (!dt.isHalf() && target.isContiguous() && !overlaps(target, other)) {
            Dispatch.runInto(new Op.Binary(k), new Tensor[] {target}, target, cast(other, dt));
            return target;
        }
        return copyInto(target, binary(k, target, other));
    }

    private static boolean overlaps(Tensor a, Tensor b) {
        if (a.storage() != b.storage()) return false;
        return !a.layout().equals(b.layout());
    }

    public static Tensor copyInto(Tensor target, Tensor src) {
        checkInPlace("copyFrom", target, src);
        if (!Shape.broadcastsTo(src.layout().shape(), target.layout().shape())) {
            throw new IllegalArgumentException("copyFrom: source shape " + Shape.format(src.shape())
                    + " does not broadcast to the target's shape " + Shape.format(target.shape()));
        }
        // As PyTorch's copy_: the source may live on another device.
        if (src.device() != target.device() && !src.device().equals(target.device())) {
            try (var g = dev.kona.autograd.GradMode.noGrad()) {
                src = src.to(target.device());
            }
        } else if (src.storage() == target.storage()) {
            src = copy(src);
        }
        Tensor s = src.expand(target.layout().shape());
        Dispatch.runInto(new Op.Copy(), new Tensor[] {target}, s);
        return target;
    }

    public static Tensor fill(Tensor target, double value) {
        checkInPlace("fill", target, null);
        if (target.numel() > 0) Dispatch.runInto(new Op.Fill(value), new Tensor[] {target});
        return target;
    }
}
