package dev.kona.testing;

import dev.kona.DType;
import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.ToDoubleFunction;
import java.util.function.UnaryOperator;

/**
 * The building blocks of the float64 references: broadcasting, reductions and rows along an axis
 * written with explicit index arithmetic over {@code double[]}, PyTorch's type promotion, dtype
 * conversions, and an error function. Deliberately independent of Kona's implementation.
 */
public final class Ref {
    private Ref() {}

    // ------------------------------------------------------------------ dtypes

    private static int rank(DType d) {
        return switch (d) {
            case BOOL -> 0;
            case INT32 -> 1;
            case INT64 -> 2;
            case FLOAT16, BFLOAT16 -> 3;
            case FLOAT32 -> 4;
            case FLOAT64 -> 5;
        };
    }

    public static boolean isFloat(DType d) {
        return rank(d) >= 3;
    }

    /** {@code torch.promote_types}. */
    public static DType promote(DType a, DType b) {
        if (a == b) return a;
        if (a.isHalf() && b.isHalf()) return DType.FLOAT32;
        return rank(a) >= rank(b) ? a : b;
    }

    private static int category(DType d) {
        return d == DType.BOOL ? 0 : isFloat(d) ? 2 : 1;
    }

    private static DType combine(DType higher, DType lower) {
        if (higher == null) return lower;
        if (lower == null) return higher;
        if (isFloat(higher)) return higher;
        if (higher == DType.BOOL || isFloat(lower)) return promote(higher, lower);
        return higher;
    }

    /**
     * {@code torch.result_type} over operands: tensors with dimensions first, then 0-d tensors, then
     * wrapped Java numbers (a wrapped float counts as float32, a wrapped integer as int64); a lower
     * class only matters when its category is higher.
     */
    public static DType resultType(Nd... ops) {
        DType dim = null, zero = null, wrapped = null;
        for (Nd n : ops) {
            if (n.wrapped) {
                DType w = isFloat(n.dtype) ? DType.FLOAT32 : category(n.dtype) == 1 ? DType.INT64 : n.dtype;
                wrapped = wrapped == null ? w : promote(wrapped, w);
            } else if (n.rank() == 0) {
                zero = zero == null ? n.dtype : promote(zero, n.dtype);
            } else {
                dim = dim == null ? n.dtype : promote(dim, n.dtype);
            }
        }
        return combine(dim, combine(zero, wrapped));
    }

    /** Rounds a value as a conversion from {@code from} to {@code to} does in PyTorch. */
    public static double castValue(double v, DType from, DType to) {
        return switch (to) {
            case BOOL -> v != 0 || Double.isNaN(v) ? 1 : 0;
            case INT32 -> (int) (long) v;
            case INT64 -> (double) (long) v;
            case FLOAT32 -> (float) v;
            case FLOAT64 -> v;
            case FLOAT16 -> Float.float16ToFloat(Float.floatToFloat16((float) v));
            case BFLOAT16 -> bf16Round((float) v);
        };
    }

    private static final double MAX_BF16 = (2 - Math.scalb(1.0, -7)) * Math.scalb(1.0, 127);

    /** Nearest bfloat16 (8 significant bits), ties to even, computed with doubles rather than bits. */
    public static double bf16Round(float f) {
        if (Float.isNaN(f) || Float.isInfinite(f) || f == 0) return f;
        int e = Math.max(Math.getExponent(f), -126);
        double ulp = Math.scalb(1.0, e - 7);
        double r = Math.rint(f / ulp) * ulp;
        if (Math.abs(r) > MAX_BF16) return r > 0 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        return r;
    }

    // ------------------------------------------------------------------ shapes

    public static int[] broadcast(int[]... shapes) {
        int rank = 0;
        for (int[] s : shapes) rank = Math.max(rank, s.length);
        int[] out = new int[rank];
        Arrays.fill(out, 1);
        for (int[] s : shapes) {
            for (int i = 0; i < s.length; i++) {
                int o = rank - s.length + i;
                if (s[i] == out[o] || s[i] == 1) continue;
                if (out[o] != 1) throw new IllegalArgumentException("Ref.broadcast: " + Arrays.deepToString(shapes));
                out[o] = s[i];
            }
        }
        return out;
    }

    /** Row-major position in {@code in} of the element broadcast to output index {@code outIdx}. */
    public static int broadcastOffset(int[] outIdx, int[] in) {
        int off = 0;
        int lead = outIdx.length - in.length;
        for (int i = 0; i < in.length; i++) {
            int v = in[i] == 1 ? 0 : outIdx[lead + i];
            off = off * in[i] + v;
        }
        return off;
    }

    public static int axis(int a, int rank) {
        int r = Math.max(rank, 1);
        if (a < -r || a >= r) throw new IllegalArgumentException("Ref.axis " + a + " for rank " + rank);
        return a < 0 ? a + r : a;
    }

    // ------------------------------------------------------------------ elementwise

    public static Nd map(Nd a, DoubleUnaryOperator f, DType out) {
        double[] r = new double[a.numel()];
        for (int i = 0; i < r.length; i++) r[i] = f.applyAsDouble(a.data[i]);
        return new Nd(a.shape, r, out);
    }

    public static Nd zip(Nd a, Nd b, DoubleBinaryOperator f, DType out) {
        int[] shape = broadcast(a.shape, b.shape);
        int n = (int) Nd.numel(shape);
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            int[] idx = Nd.unravel(i, shape);
            r[i] = f.applyAsDouble(a.data[broadcastOffset(idx, a.shape)], b.data[broadcastOffset(idx, b.shape)]);
        }
        return new Nd(shape, r, out);
    }

    public interface Ternary {
        double apply(double a, double b, double c);
    }

    public static Nd zip3(Nd a, Nd b, Nd c, Ternary f, DType out) {
        int[] shape = broadcast(a.shape, b.shape, c.shape);
        int n = (int) Nd.numel(shape);
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            int[] idx = Nd.unravel(i, shape);
            r[i] = f.apply(a.data[broadcastOffset(idx, a.shape)], b.data[broadcastOffset(idx, b.shape)],
                    c.data[broadcastOffset(idx, c.shape)]);
        }
        return new Nd(shape, r, out);
    }

    // ------------------------------------------------------------------ reductions

    /** Normalized, sorted, distinct axes; empty means all. */
    public static int[] axes(int[] dims, int rank) {
        if (dims.length == 0) {
            int[] all = new int[rank];
            for (int i = 0; i < rank; i++) all[i] = i;
            return all;
        }
        if (rank == 0) return new int[0];
        return Arrays.stream(dims).map(d -> axis(d, rank)).distinct().sorted().toArray();
    }

    /**
     * Applies {@code f} to each group of elements that the reduction over {@code dims} combines
     * (elements in row-major order) and writes one value per group.
     */
    public static Nd reduce(Nd x, int[] dims, boolean keepDim, ToDoubleFunction<double[]> f, DType out) {
        int rank = x.rank();
        int[] ax = axes(dims, rank);
        boolean[] red = new boolean[rank];
        for (int a : ax) red[a] = true;
        int[] keptShape = new int[rank], redShape = new int[ax.length];
        int nk = 0;
        for (int d = 0; d < rank; d++) if (!red[d]) keptShape[nk++] = x.shape[d];
        keptShape = Arrays.copyOf(keptShape, nk);
        for (int i = 0; i < ax.length; i++) redShape[i] = x.shape[ax[i]];
        int groups = (int) Nd.numel(keptShape), len = (int) Nd.numel(redShape);
        double[] r = new double[groups];
        int[] full = new int[rank];
        double[] buf = new double[len];
        for (int g = 0; g < groups; g++) {
            int[] k = Nd.unravel(g, keptShape);
            for (int j = 0; j < len; j++) {
                int[] q = Nd.unravel(j, redShape);
                for (int d = 0, ki = 0, ri = 0; d < rank; d++) full[d] = red[d] ? q[ri++] : k[ki++];
                buf[j] = x.data[rank == 0 ? 0 : x.offset(full)];
            }
            r[g] = f.applyAsDouble(buf.clone());
        }
        int[] shape;
        if (keepDim) {
            shape = x.shape.clone();
            for (int a : ax) shape[a] = 1;
        } else {
            shape = keptShape;
        }
        return new Nd(shape, r, out);
    }

    /**
     * Applies {@code f} to every 1-D row along {@code axis}; rows may change length (the axis gets
     * the new length). A 0-d input is one row of length 1 and stays 0-d when the length stays 1.
     */
    public static Nd along(Nd x, int axis, UnaryOperator<double[]> f, DType out) {
        if (x.rank() == 0) {
            double[] r = f.apply(new double[] {x.data[0]});
            return r.length == 1 ? new Nd(new int[0], r, out) : new Nd(new int[] {r.length}, r, out);
        }
        int a = axis(axis, x.rank());
        int len = x.shape[a];
        int outer = 1, inner = 1;
        for (int d = 0; d < a; d++) outer *= x.shape[d];
        for (int d = a + 1; d < x.rank(); d++) inner *= x.shape[d];
        double[] result = null;
        int newLen = -1;
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double[] row = new double[len];
                for (int j = 0; j < len; j++) row[j] = x.data[(o * len + j) * inner + i];
                double[] r = f.apply(row);
                if (result == null) {
                    newLen = r.length;
                    result = new double[outer * newLen * inner];
                }
                for (int j = 0; j < newLen; j++) result[(o * newLen + j) * inner + i] = r[j];
            }
        }
        if (result == null) {
            newLen = f.apply(new double[len]).length;
            result = new double[0];
        }
        int[] shape = x.shape.clone();
        shape[a] = newLen;
        return new Nd(shape, result, out);
    }

    // ------------------------------------------------------------------ functions

    private static final double[] GL_X, GL_W;

    static {
        // 20-point Gauss-Legendre nodes and weights on [-1, 1], by Newton's method on P_20.
        int n = 20;
        GL_X = new double[n];
        GL_W = new double[n];
        for (int i = 0; i < n; i++) {
            double x = Math.cos(Math.PI * (i + 0.75) / (n + 0.5));
            double dp = 0;
            for (int it = 0; it < 100; it++) {
                double p0 = 1, p1 = x;
                for (int k = 2; k <= n; k++) {
                    double p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
                    p0 = p1;
                    p1 = p2;
                }
                dp = n * (x * p1 - p0) / (x * x - 1);
                double dx = p1 / dp;
                x -= dx;
                if (Math.abs(dx) < 1e-16) break;
            }
            GL_X[i] = x;
            GL_W[i] = 2 / ((1 - x * x) * dp * dp);
        }
    }

    /** erf by Gauss-Legendre quadrature of 2/sqrt(pi) exp(-t^2) over [0, x] in pieces of width 1/4. */
    public static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double ax = Math.abs(x);
        if (ax > 7) return Math.signum(x);
        int pieces = Math.max(1, (int) Math.ceil(ax * 4));
        double h = ax / pieces, sum = 0;
        for (int p = 0; p < pieces; p++) {
            double mid = (p + 0.5) * h;
            double s = 0;
            for (int i = 0; i < GL_X.length; i++) {
                double t = mid + GL_X[i] * h / 2;
                s += GL_W[i] * Math.exp(-t * t);
            }
            sum += s * h / 2;
        }
        double r = 2 / Math.sqrt(Math.PI) * sum;
        return x < 0 ? -r : r;
    }

    public static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}
