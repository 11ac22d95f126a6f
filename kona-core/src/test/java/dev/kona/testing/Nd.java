package dev.kona.testing;

import dev.kona.DType;
import dev.kona.Tensor;
import java.util.Arrays;

/**
 * A plain row-major float64 n-d array for the test references: shape, values, and the dtype the
 * result should have. Nothing here calls a Kona op except {@link #of(Tensor)}, which reads a
 * tensor's values once.
 */
public final class Nd {
    public final int[] shape;
    public final double[] data;
    public final DType dtype;
    /** True when this stands for a Java number ({@link Tensor#wrap}) in a promotion. */
    public final boolean wrapped;

    public Nd(int[] shape, double[] data, DType dtype, boolean wrapped) {
        if (numel(shape) != data.length) {
            throw new IllegalArgumentException("Nd: " + data.length + " values for shape " + Arrays.toString(shape));
        }
        this.shape = shape.clone();
        this.data = data;
        this.dtype = dtype;
        this.wrapped = wrapped;
    }

    public Nd(int[] shape, double[] data, DType dtype) {
        this(shape, data, dtype, false);
    }

    public static Nd of(Tensor t) {
        double[] v;
        if (t.dtype() == DType.INT64) {
            long[] l = t.toLongArray();
            v = new double[l.length];
            for (int i = 0; i < l.length; i++) v[i] = l[i];
        } else {
            v = t.toDoubleArray();
        }
        return new Nd(t.shape(), v, t.dtype(), t.isWrappedNumber());
    }

    public static Nd zeros(DType dtype, int... shape) {
        return new Nd(shape, new double[(int) numel(shape)], dtype);
    }

    public static Nd scalar(double v, DType dtype) {
        return new Nd(new int[0], new double[] {v}, dtype);
    }

    public static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    public int numel() {
        return data.length;
    }

    public int rank() {
        return shape.length;
    }

    public int size(int d) {
        return shape[d < 0 ? d + shape.length : d];
    }

    public static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= Math.max(1, shape[i]);
        }
        return s;
    }

    /** Row-major position of a multi-index. */
    public int offset(int[] idx) {
        int o = 0;
        for (int i = 0; i < shape.length; i++) {
            if (idx[i] < 0 || idx[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("Nd: index " + Arrays.toString(idx) + " outside " + Arrays.toString(shape));
            }
            o = o * shape[i] + idx[i];
        }
        return o;
    }

    public double get(int... idx) {
        return data[offset(idx)];
    }

    /** The multi-index of a row-major position. */
    public static int[] unravel(int linear, int[] shape) {
        int[] idx = new int[shape.length];
        for (int i = shape.length - 1; i >= 0; i--) {
            idx[i] = linear % shape[i];
            linear /= shape[i];
        }
        return idx;
    }

    /** The same values with another dtype, rounded as a conversion to that dtype rounds. */
    public Nd cast(DType to) {
        double[] out = new double[data.length];
        for (int i = 0; i < out.length; i++) out[i] = Ref.castValue(data[i], dtype, to);
        return new Nd(shape, out, to, wrapped);
    }

    /** Same values, dtype relabelled (no rounding). */
    public Nd as(DType to) {
        return new Nd(shape, data, to, wrapped);
    }

    public Nd reshape(int... newShape) {
        return new Nd(newShape, data, dtype, false);
    }

    @Override
    public String toString() {
        String v = data.length <= 20 ? Arrays.toString(data) : Arrays.toString(Arrays.copyOf(data, 20)) + "...";
        return "Nd" + Arrays.toString(shape) + " " + dtype + " " + v;
    }
}
