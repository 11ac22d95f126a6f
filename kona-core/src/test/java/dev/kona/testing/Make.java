package dev.kona.testing;

import dev.kona.DType;
import dev.kona.Generator;
import dev.kona.Tensor;
import dev.kona.testing.OpInfo.Args;
import dev.kona.testing.OpInfo.Sample;
import java.util.List;

/** Builds sample inputs from a seeded generator: random values, special values and odd layouts. */
public final class Make {
    private Make() {}

    public static final double NAN = Double.NaN, INF = Double.POSITIVE_INFINITY;

    public static Sample s(String description, List<Tensor> inputs, Object... args) {
        return new Sample(description, inputs, new Args(args));
    }

    public static Sample s(String description, Tensor input, Object... args) {
        return new Sample(description, List.of(input), new Args(args));
    }

    public static int[] sh(int... shape) {
        return shape;
    }

    /** A tensor of the given dtype holding exactly these values (after conversion to the dtype). */
    public static Tensor of(DType dt, int[] shape, double... values) {
        if (dt == DType.BOOL) {
            boolean[] b = new boolean[values.length];
            for (int i = 0; i < b.length; i++) b[i] = values[i] != 0;
            return Tensor.of(b, shape);
        }
        if (dt.isInteger()) {
            long[] l = new long[values.length];
            for (int i = 0; i < l.length; i++) l[i] = (long) values[i];
            return Tensor.of(l, shape).to(dt);
        }
        return Tensor.of(values, shape).to(dt);
    }

    public static Tensor vec(DType dt, double... values) {
        return of(dt, new int[] {values.length}, values);
    }

    public static Tensor scalar(DType dt, double value) {
        return of(dt, new int[0], value);
    }

    private static int numel(int[] shape) {
        return (int) Nd.numel(shape);
    }

    /** Normal values times {@code scale} for float dtypes; integers in [-5, 5] or booleans otherwise. */
    public static Tensor rand(Generator g, DType dt, double scale, int... shape) {
        int n = numel(shape);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            if (dt == DType.BOOL) v[i] = g.nextDouble() < 0.5 ? 1 : 0;
            else if (dt.isInteger()) v[i] = g.nextLong(-5, 6);
            else v[i] = g.nextGaussian() * scale;
        }
        return of(dt, shape, v);
    }

    public static Tensor rand(Generator g, DType dt, int... shape) {
        return rand(g, dt, 1.0, shape);
    }

    /** Uniform in [lo, hi) for floats; integers in [lo, hi) for integer dtypes. */
    public static Tensor uniform(Generator g, DType dt, double lo, double hi, int... shape) {
        int n = numel(shape);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = dt.isFloatingPoint() ? lo + (hi - lo) * g.nextDouble() : g.nextLong((long) lo, (long) hi);
        }
        return of(dt, shape, v);
    }

    /** Integer class indices in [0, high) as int64. */
    public static Tensor index(Generator g, int high, int... shape) {
        return uniform(g, DType.INT64, 0, high, shape);
    }

    /** A distribution of sample values. */
    @FunctionalInterface
    public interface Dist {
        double next(Generator g);
    }

    public static final Dist NORMAL = Generator::nextGaussian;

    public static Dist normal(double scale) {
        return g -> g.nextGaussian() * scale;
    }

    public static Dist uniform(double lo, double hi) {
        return g -> lo + (hi - lo) * g.nextDouble();
    }

    /** Values from {@code d} (integers in [-5, 5] and random booleans for those dtypes). */
    public static Tensor fill(Generator g, DType dt, Dist d, int... shape) {
        if (!dt.isFloatingPoint()) return rand(g, dt, shape);
        int n = numel(shape);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = d.next(g);
        return of(dt, shape, v);
    }

    /** Values from {@code d} in a transposed layout (storage in reversed dimension order). */
    public static Tensor transposed(Generator g, DType dt, Dist d, int... shape) {
        return reversedLayout(fill(g, dt, d, reverse(shape)));
    }

    /** Values from {@code d} viewed with a step of 2 along the last dimension. */
    public static Tensor stepped(Generator g, DType dt, Dist d, int... shape) {
        int[] big = shape.clone();
        big[big.length - 1] = 2 * shape[shape.length - 1] + 1;
        return fill(g, dt, d, big).slice(-1, 1, big[big.length - 1], 2);
    }

    /** Values from {@code d} broadcast along dimension 0. */
    public static Tensor expanded(Generator g, DType dt, Dist d, int... shape) {
        int[] one = shape.clone();
        one[0] = 1;
        return fill(g, dt, d, one).expand(shape);
    }

    // ------------------------------------------------------------------ gradient-check domains

    /** {@code v} moved to at least {@code margin} from {@code point}, keeping its side (gradient checks avoid kinks). */
    public static double away(double v, double point, double margin) {
        double d = v - point;
        if (Math.abs(d) >= margin) return v;
        return v + (d >= 0 ? margin : -margin);
    }

    /** {@code v} moved to at least {@code margin} from every integer. */
    public static double awayFromIntegers(double v, double margin) {
        return away(v, Math.rint(v), margin);
    }

    /** {@code v} moved to at least {@code margin} from every half-integer (where rounding jumps). */
    public static double awayFromHalves(double v, double margin) {
        return away(v, Math.floor(v) + 0.5, margin);
    }

    /** {@code |v|} moved to at least {@code min}: for ops defined or smooth on positive values only. */
    public static double positive(double v, double min) {
        return Math.max(Math.abs(v), min);
    }

    // ------------------------------------------------------------------ layouts

    /** Random values in a transposed layout: the storage is laid out in the reversed dimension order. */
    public static Tensor transposed(Generator g, DType dt, double scale, int... shape) {
        return reversedLayout(rand(g, dt, scale, reverse(shape)));
    }

    /** Random values viewed with a step of 2 along the last dimension (and an offset of 1). */
    public static Tensor stepped(Generator g, DType dt, double scale, int... shape) {
        int[] big = shape.clone();
        big[big.length - 1] = 2 * shape[shape.length - 1] + 1;
        return rand(g, dt, scale, big).slice(-1, 1, big[big.length - 1], 2);
    }

    /** Random values broadcast along dimension 0 (stride 0). */
    public static Tensor expanded(Generator g, DType dt, double scale, int... shape) {
        int[] one = shape.clone();
        one[0] = 1;
        return rand(g, dt, scale, one).expand(shape);
    }

    private static int[] reverse(int[] shape) {
        int[] r = new int[shape.length];
        for (int i = 0; i < shape.length; i++) r[i] = shape[shape.length - 1 - i];
        return r;
    }

    private static int[] reversedDims(int rank) {
        int[] p = new int[rank];
        for (int i = 0; i < rank; i++) p[i] = rank - 1 - i;
        return p;
    }

    /** A tensor viewed with its dimensions reversed (its transpose for 2-D). */
    public static Tensor reversedLayout(Tensor t) {
        return t.permute(reversedDims(t.dim()));
    }

    /**
     * The same values in a layout that is not row-major: the storage holds the tensor's transpose.
     * 0-d, empty and wrapped tensors come back unchanged.
     */
    public static Tensor transposedCopy(Tensor t) {
        if (t.dim() == 0 || t.numel() == 0 || t.isWrappedNumber()) return t;
        Tensor base = Tensor.zeros(reverse(t.shape()), t.dtype());
        return reversedLayout(base).copyFrom(t);
    }

    /** The same values in a layout with a step of 2 and an offset along the last dimension. */
    public static Tensor steppedCopy(Tensor t) {
        if (t.dim() == 0 || t.numel() == 0 || t.isWrappedNumber()) return t;
        int[] big = t.shape();
        int n = big[big.length - 1];
        big[big.length - 1] = 2 * n + 1;
        Tensor base = Tensor.full(big, 7, t.dtype());
        return base.slice(-1, 1, 2 * n + 1, 2).copyFrom(t);
    }

    /** A contiguous copy (wrapped numbers stay as they are). */
    public static Tensor contiguousCopy(Tensor t) {
        return t.isWrappedNumber() ? t : t.copy();
    }
}
