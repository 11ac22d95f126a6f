package dev.kona;

import java.util.Arrays;

/** Helpers for shapes ({@code int[]} of dimension sizes) and the rules that relate them. */
public final class Shape {
    private Shape() {}

    /** The largest number of elements a materialized tensor may hold (Java arrays are int-indexed). */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    /** Number of elements of a shape (1 for a 0-d shape). */
    public static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    /** Like {@link #numel} but fails with a clear message when the count does not fit a Java array. */
    public static int checkedNumel(String op, int[] shape) {
        for (int d : shape) if (d == 0) return 0;
        long n = 1;
        for (int d : shape) {
            n *= d;
            if (n > MAX_ELEMENTS) {
                throw new IllegalArgumentException(op + ": shape " + format(shape) + " has "
                        + numelString(shape) + " elements; a CPU tensor holds at most " + MAX_ELEMENTS
                        + " (2^31 - 9) elements");
            }
        }
        return (int) n;
    }

    private static String numelString(int[] shape) {
        var n = java.math.BigInteger.ONE;
        for (int d : shape) n = n.multiply(java.math.BigInteger.valueOf(d));
        return n.toString();
    }

    /** Row-major (C order) strides of a shape. */
    public static int[] contiguousStrides(int[] shape) {
        int[] strides = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= Math.max(shape[i], 1);
        }
        return strides;
    }

    /** Formats as {@code [2, 3]}. */
    public static String format(int[] shape) {
        return Arrays.toString(shape);
    }

    /** Validates a shape given by a user: every size must be &gt;= 0. */
    public static int[] checkSizes(String op, int[] shape) {
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(op + ": negative dimension " + d + " in shape "
                        + format(shape));
            }
        }
        return shape.clone();
    }

    /**
     * Normalizes a possibly negative axis against a rank.
     *
     * @throws IndexOutOfBoundsException naming the op, the axis and the valid range
     */
    public static int axis(String op, int axis, int rank) {
        int r = Math.max(rank, 1);
        if (axis < -r || axis >= r) {
            throw new IndexOutOfBoundsException(op + ": dimension " + axis + " is out of range for a "
                    + rank + "-d tensor (expected a value in [" + (-r) + ", " + (r - 1) + "])");
        }
        return axis < 0 ? axis + r : axis;
    }

    /** Normalizes a set of axes; an empty array means all axes. Duplicates are an error. */
    public static int[] axes(String op, int[] axes, int rank) {
        if (axes == null || axes.length == 0) {
            int[] all = new int[rank];
            for (int i = 0; i < rank; i++) all[i] = i;
            return all;
        }
        boolean[] seen = new boolean[Math.max(rank, 1)];
        int[] out = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            int a = axis(op, axes[i], rank);
            if (seen[a]) {
                throw new IllegalArgumentException(op + ": dimension " + a + " appears more than once in "
                        + Arrays.toString(axes));
            }
            seen[a] = true;
            out[i] = a;
        }
        Arrays.sort(out);
        if (rank == 0) return new int[0];
        return out;
    }

    /**
     * The NumPy broadcast of two shapes.
     *
     * @throws IllegalArgumentException naming the op, both shapes and the mismatching dimension
     */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da == db || db == 1) {
                out[i] = da;
            } else if (da == 1) {
                out[i] = db;
            } else {
                throw new IllegalArgumentException(op + ": shapes " + format(a) + " and " + format(b)
                        + " cannot be broadcast together (dimension " + i + ": " + da + " vs " + db + ")");
            }
        }
        return out;
    }

    /** True when {@code from} broadcasts to exactly {@code to}. */
    public static boolean broadcastsTo(int[] from, int[] to) {
        if (from.length > to.length) return false;
        int off = to.length - from.length;
        for (int i = 0; i < from.length; i++) {
            if (from[i] != to[i + off] && from[i] != 1) return false;
        }
        return true;
    }
}
