package dev.kona.ops;

import dev.kona.DType;
import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.Tensor.ValuesIndices;
import dev.kona.autograd.Autograd;
import dev.kona.autograd.Derivatives;
import dev.kona.autograd.GradMode;
import dev.kona.ops.Op.ReduceKind;

/**
 * Reductions. Primitives: sum, prod, max, min, all, any (over axis sets), max/min with indices
 * (one axis), cumulative sum/product, softmax. Mean, var, std, norm and logsumexp are composites.
 */
public final class Reductions {
    private Reductions() {}

    static int[] reducedShape(int[] shape, int[] axes, boolean keepDim) {
        boolean[] r = new boolean[shape.length];
        for (int a : axes) r[a] = true;
        int n = 0;
        for (int i = 0; i < shape.length; i++) if (!r[i] || keepDim) n++;
        int[] out = new int[n];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (!r[i]) out[j++] = shape[i];
            else if (keepDim) out[j++] = 1;
        }
        return out;
    }

    private static Tensor reduce(ReduceKind k, Tensor x, int[] dims, boolean keepDim, DType out) {
        String name = k.name().toLowerCase(java.util.Locale.ROOT);
        int[] axes = Shape.axes(name, dims, x.dim());
        if (k == ReduceKind.MAX || k == ReduceKind.MIN) {
            for (int a : axes) {
                if (x.layout().shape()[a] == 0) {
                    throw new IllegalArgumentException((k == ReduceKind.MAX ? "amax" : "amin") + ": cannot reduce over dimension "
                            + a + " of size 0 (shape " + Shape.format(x.shape()) + "); the operation has no identity");
                }
            }
        }
        DType compute = x.dtype().isHalf() ? DType.FLOAT32 : x.dtype();
        DType kernelOut = out.isHalf() ? DType.FLOAT32 : out;
        int[] shape = reducedShape(x.layout().shape(), axes, keepDim);
        Tensor r = Dispatch.run(new Op.Reduce(k, axes, keepDim), shape, kernelOut, Elementwise.cast(x, compute));
        if (x.numel() == 0 && r.numel() > 0) {
            double identity = switch (k) {
                case PROD, ALL -> 1;
                default -> 0;
            };
            if (identity != 0) {
                try (var g = GradMode.noGrad()) {
                    Elementwise.fill(r, identity);
                }
            }
        }
        return Elementwise.cast(r, out);
    }

    private static DType sumType(DType d) {
        return d.isFloatingPoint() ? d : DType.INT64;
    }

    public static Tensor sum(Tensor x, int[] dims, boolean keepDim) {
        return reduce(ReduceKind.SUM, x, dims, keepDim, sumType(x.dtype()));
    }

    public static Tensor prod(Tensor x, int[] dims, boolean keepDim) {
        return reduce(ReduceKind.PROD, x, dims, keepDim, sumType(x.dtype()));
    }

    private static long count(Tensor x, int[] axes) {
        long n = 1;
        for (int a : axes) n *= x.layout().shape()[a];
        return n;
    }

    private static void requireFloat(String op, Tensor x) {
        if (!x.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": expected a floating-point tensor, got " + x.dtype()
                    + "; convert first with to(DType.FLOAT32)");
        }
    }

    public static Tensor mean(Tensor x, int[] dims, boolean keepDim) {
        requireFloat("mean", x);
        int[] axes = Shape.axes("mean", dims, x.dim());
        return sum(x, axes, keepDim).div((double) count(x, axes));
    }

    public static Tensor amax(Tensor x, int[] dims, boolean keepDim) {
        return reduce(ReduceKind.MAX, x, dims, keepDim, x.dtype());
    }

    public static Tensor amin(Tensor x, int[] dims, boolean keepDim) {
        return reduce(ReduceKind.MIN, x, dims, keepDim, x.dtype());
    }

    public static Tensor allAny(Tensor x, int[] dims, boolean keepDim, boolean all) {
        return reduce(all ? ReduceKind.ALL : ReduceKind.ANY, x, dims, keepDim, DType.BOOL);
    }

    public static ValuesIndices maxMin(Tensor x, int dim, boolean keepDim, boolean max) {
        String name = max ? "max" : "min";
        int axis = Shape.axis(name, dim, x.dim());
        int size = x.dim() == 0 ? 1 : x.layout().shape()[axis];
        if (size == 0) {
            throw new IllegalArgumentException(name + ": cannot reduce over dimension " + axis + " of size 0 (shape "
                    + Shape.format(x.shape()) + ")");
        }
        int[] shape = x.dim() == 0 ? new int[0] : reducedShape(x.layout().shape(), new int[] {axis}, keepDim);
        Tensor values = Dispatch.empty(x.device(), x.dtype(), shape);
        Tensor indices = Dispatch.empty(x.device(), DType.INT64, shape);
        if (values.numel() > 0) Dispatch.runInto(new Op.ArgReduce(max, axis, keepDim), new Tensor[] {values, indices}, x);
        Autograd.record(name, (g, in, out) -> new Tensor[] {Derivatives.takeAlongBackward(g, in[0], axis, indices, keepDim)},
                new Tensor[] {x}, values);
        return new ValuesIndices(values, indices);
    }

    /**
     * The smallest and largest element of a non-empty integer or bool tensor, for argument checks:
     * one read from the device (two cheap ones on the CPU).
     */
    public static long[] minMaxLong(Tensor x) {
        if (x.device() == dev.kona.Device.CPU) return new long[] {x.min().itemLong(), x.max().itemLong()};
        return Indexing.stack(java.util.List.of(x.min(), x.max()), 0).toLongArray();
    }

    /** Like {@link #minMaxLong} for floating-point values. */
    public static double[] minMax(Tensor x) {
        if (x.device() == dev.kona.Device.CPU) return new double[] {x.min().item(), x.max().item()};
        return Indexing.stack(java.util.List.of(x.min(), x.max()), 0).toDoubleArray();
    }

    public static Tensor argmax(Tensor x, Integer dim, boolean keepDim, boolean max) {
        if (dim == null) {
            String name = max ? "argmax" : "argmin";
            if (x.numel() == 0) throw new IllegalArgumentException(name + ": cannot take the " + name + " of an empty tensor");
            return maxMin(x.reshape(-1), 0, false, max).indices();
        }
        return maxMin(x, dim, keepDim, max).indices();
    }

    public static Tensor var(Tensor x, int[] dims, double correction, boolean keepDim) {
        requireFloat("var", x);
        int[] axes = Shape.axes("var", dims, x.dim());
        long n = count(x, axes);
        Tensor centered = x.sub(mean(x, axes, true));
        return sum(centered.square(), axes, keepDim).div(Math.max(0, n - correction));
    }

    public static Tensor norm(Tensor x, double p, int[] dims, boolean keepDim) {
        requireFloat("norm", x);
        int[] axes = Shape.axes("norm", dims, x.dim());
        if (p == 2) return root(sum(x.square(), axes, keepDim), 2);
        if (p == 1) return sum(x.abs(), axes, keepDim);
        if (p == Double.POSITIVE_INFINITY) return amax(x.abs(), axes, keepDim);
        if (p == Double.NEGATIVE_INFINITY) return amin(x.abs(), axes, keepDim);
        if (p == 0) return sum(x.ne(0.0).to(x.dtype()), axes, keepDim);
        if (Double.isNaN(p)) throw new IllegalArgumentException("norm: p must be a number, got NaN");
        return root(sum(x.abs().pow(p), axes, keepDim), p);
    }

    /**
     * {@code s^(1/p)}. For p > 0 the root's slope is infinite at 0, so the gradient of the norm of an
     * all-zero slice would be inf * 0 = NaN; when recording, it is the subgradient 0 there instead
     * (as PyTorch). The value is the same either way.
     */
    private static Tensor root(Tensor s, double p) {
        if (p < 0 || !Autograd.needsRecord(s)) return p == 2 ? s.sqrt() : s.pow(1.0 / p);
        Tensor zero = s.eq(0.0);
        Tensor safe = Tensor.where(zero, 1.0, s);
        return Tensor.where(zero, 0.0, p == 2 ? safe.sqrt() : safe.pow(1.0 / p));
    }

    public static Tensor logsumexp(Tensor x, int[] dims, boolean keepDim) {
        requireFloat("logsumexp", x);
        int[] axes = Shape.axes("logsumexp", dims, x.dim());
        if (x.numel() == 0) return sum(x, axes, keepDim).log();
        Tensor m = amax(x, axes, true);
        // An infinite max would turn x - m into NaN; shifting by 0 there gives the right +-inf.
        Tensor shift = Tensor.where(m.abs().eq(Double.POSITIVE_INFINITY), 0.0, m);
        Tensor r = sum(x.sub(shift).exp(), axes, true).log().add(shift);
        return keepDim ? r : squeezeAxes(r, axes);
    }

    static Tensor squeezeAxes(Tensor t, int[] axes) {
        return t.reshape(reducedShape(t.layout().shape(), axes, false));
    }

    public static Tensor cumulative(Tensor x, int dim, boolean product) {
        String name = product ? "cumprod" : "cumsum";
        int axis = Shape.axis(name, dim, x.dim());
        DType out = sumType(x.dtype());
        DType compute = out.isHalf() ? DType.FLOAT32 : out;
        Tensor r = Dispatch.run(new Op.Cumulative(product, axis), x.shape(), compute, Elementwise.cast(x, x.dtype().isHalf() ? DType.FLOAT32 : x.dtype()));
        return Elementwise.cast(r, out);
    }

    public static Tensor softmax(Tensor x, int dim, boolean log) {
        String name = log ? "logSoftmax" : "softmax";
        requireFloat(name, x);
        int axis = Shape.axis(name, dim, x.dim());
        DType compute = x.dtype().isHalf() ? DType.FLOAT32 : x.dtype();
        Tensor r = Dispatch.run(new Op.Softmax(axis, log), x.shape(), compute, Elementwise.cast(x, compute));
        return Elementwise.cast(r, x.dtype());
    }

    /** The gradient of softmax or log-softmax along {@code op.axis()} from its output y ({@link Op.SoftmaxGrad}). */
    public static Tensor softmaxGrad(Op.Softmax op, Tensor g, Tensor y) {
        return Dispatch.run(new Op.SoftmaxGrad(op.axis(), op.log()), y.shape(), y.dtype(), g.contiguous(), y.contiguous());
    }
}
