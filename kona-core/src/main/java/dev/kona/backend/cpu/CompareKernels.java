package dev.kona.backend.cpu;

import dev.kona.ops.Op.BinaryKind;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Comparisons of two float32 operands into a bool (byte) result over one row segment. Contiguous
 * operands (vector-vector, vector-scalar, scalar-vector) take a vector loop: a lane-wise compare
 * gives a mask, whose bits become 0/1 bytes eight at a time through a 256-entry table (measured on
 * 4M elements: 0.85 ms against 1.9 ms for a scalar loop and ~6 ms for the generic path, which
 * converted every element to double through a dtype switch). Other strides take a scalar loop.
 * One small method per kind, so that each vector compare has a constant operator (the Vector API
 * is only intrinsified then). IEEE semantics: every comparison with NaN is false except
 * {@code NE}, in the lanes and in the scalar tails alike.
 */
final class CompareKernels {
    private CompareKernels() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Eight mask bits to eight bytes of 0 or 1 (little-endian: bit i is byte i). */
    private static final long[] BYTES = new long[256];

    static {
        for (int b = 0; b < 256; b++) {
            long v = 0;
            for (int i = 0; i < 8; i++) if ((b >> i & 1) != 0) v |= 1L << (8 * i);
            BYTES[b] = v;
        }
    }

    /** o[oo + i*os] = a[ao + i*as] (k) b[bo + i*bs] ? 1 : 0 for a comparison kind. */
    static void f32(BinaryKind k, float[] a, int ao, int as, float[] b, int bo, int bs, byte[] o, int oo, int os, int n) {
        if (n <= 0) return;
        if (os == 1 && as == 1 && bs == 0) {
            vs(k, a, ao, b[bo], o, oo, n);
        } else if (os == 1 && as == 0 && bs == 1) {
            vs(flip(k), b, bo, a[ao], o, oo, n);
        } else if (os == 1 && as == 1 && bs == 1) {
            vv(k, a, ao, b, bo, o, oo, n);
        } else {
            strided(k, a, ao, as, b, bo, bs, o, oo, os, n);
        }
    }

    /** s (k) x is x (flip(k)) s. */
    private static BinaryKind flip(BinaryKind k) {
        return switch (k) {
            case LT -> BinaryKind.GT;
            case LE -> BinaryKind.GE;
            case GT -> BinaryKind.LT;
            case GE -> BinaryKind.LE;
            default -> k;
        };
    }

    /** Writes the L bits of a lane mask as L bytes of 0 or 1. */
    private static void store(long bits, byte[] o, int at) {
        for (int j = 0; j < L; j += 8) LONGS.set(o, at + j, BYTES[(int) (bits >>> j) & 0xFF]);
    }

    private static void vs(BinaryKind k, float[] a, int ao, float s, byte[] o, int oo, int n) {
        switch (k) {
            case EQ -> vsEq(a, ao, s, o, oo, n);
            case NE -> vsNe(a, ao, s, o, oo, n);
            case LT -> vsLt(a, ao, s, o, oo, n);
            case LE -> vsLe(a, ao, s, o, oo, n);
            case GT -> vsGt(a, ao, s, o, oo, n);
            case GE -> vsGe(a, ao, s, o, oo, n);
            default -> throw new IllegalStateException("CompareKernels: " + k + " is not a comparison");
        }
    }

    private static void vv(BinaryKind k, float[] a, int ao, float[] b, int bo, byte[] o, int oo, int n) {
        switch (k) {
            case EQ -> vvEq(a, ao, b, bo, o, oo, n);
            case NE -> vvNe(a, ao, b, bo, o, oo, n);
            case LT -> vvLt(a, ao, b, bo, o, oo, n);
            case LE -> vvLe(a, ao, b, bo, o, oo, n);
            case GT -> vvGt(a, ao, b, bo, o, oo, n);
            case GE -> vvGe(a, ao, b, bo, o, oo, n);
            default -> throw new IllegalStateException("CompareKernels: " + k + " is not a comparison");
        }
    }

    private static void strided(BinaryKind k, float[] a, int ao, int as, float[] b, int bo, int bs, byte[] o, int oo, int os,
                                int n) {
        switch (k) {
            case EQ -> stEq(a, ao, as, b, bo, bs, o, oo, os, n);
            case NE -> stNe(a, ao, as, b, bo, bs, o, oo, os, n);
            case LT -> stLt(a, ao, as, b, bo, bs, o, oo, os, n);
            case LE -> stLe(a, ao, as, b, bo, bs, o, oo, os, n);
            case GT -> stGt(a, ao, as, b, bo, bs, o, oo, os, n);
            case GE -> stGe(a, ao, as, b, bo, bs, o, oo, os, n);
            default -> throw new IllegalStateException("CompareKernels: " + k + " is not a comparison");
        }
    }

    private static void vsEq(float[] a, int ao, float s, byte[] o, int oo, int n) {
        int bound = S.loopBound(n), i = 0;
        for (; i < bound; i += L) store(FloatVector.fromArray(S, a, ao + i).compare(VectorOperators.EQ, s).toLong(), o, oo + i);
        for (; i < n; i++) o[oo + i] = (byte) (a[ao + i] == s ? 1 : 0);
    }

    private static void vvEq(float[] a, int ao, float[] b, int bo, byte[] o, int oo, int n) {
        int bound = S.loopBound(n), i = 0;
        for (; i < bound; i += L) {
            store(FloatVector.fromArray(S, a, ao + i).compare(VectorOperators.EQ, FloatVector.fromArray(S, b, bo + i)).toLong(),
                    o, oo + i);
        }
        for (; i < n; i++) o[oo + i] = (byte) (a[ao + i] == b[bo + i] ? 1 : 0);
    }

    private static void stEq(float[] a, int ao, int as, float[] b, int bo, int bs, byte[] o, int oo, int os, int n) {
        for (int i = 0; i < n; i++) o[oo + i * os] = (byte) (a[ao + i * as] == b[bo + i * bs] ? 1 : 0);
    }

    private static void vsNe(float[] a, int ao, float s, byte[] o, int oo, int n) {
        int bound = S.loopBound(n), i = 0;
        for (; i < bound; i += L) store(FloatVector.fromArray(S, a, ao + i).compare(VectorOperators.NE, s).toLong(), o, oo + i);
        for (; i < n; i++) o[oo + i] = (byte) (a[ao + i] != s ? 1 : 0);
    }

    private static void vvNe(float[] a, int ao, float[] b, int bo, byte[] o, int oo, int n) {
        int bound = S.loopBound(n), i = 0;
        for (; i < bound; i += L) {
            store(FloatVector.fromArray(S, a, ao + i).compare(VectorOperators.NE, FloatVector.fromArray(S, b, bo + i)).toLong(),
                    o, oo + i);
        }
        for (; i < n; i++) o[oo + i] = (byte) (a[ao + i] != b[bo + i] ? 1 : 0);
    }

    private static void stNe(float[] a, int ao, int as, float[] b, int bo, int bs, byte[] o, int oo, int os, int n) {
        for (int i = 0; i < n; i++) o[oo + i * os] = (byte) (a[ao + i * as] != b[bo + i * bs] ? 1 : 0);
    }

    private static void vsLt(float[] a, int ao, float s, byte[] o, int oo, int n) {
        int bound = S.loopBound(n), i = 0;
        for (; i < bound; i += L) store(FloatVector.fromArray(S, a, ao + i).compare(VectorOperators.LT, s).toLong(), o, oo + i);
        for (; i < n; i++) o[oo + i] = (byte) (a[ao + i] < s ? 1 : 0);
    }

    private static void vvLt(float[] a, int ao, float[] b, int bo, byte[] o, int oo, int n) {
        int bound = S.loopBound(n), i = 0;
        for (; i < bound; i += L) {
            store(FloatVector.fromArray(S, a, ao + i).compare(VectorOperators.LT, FloatVector.fromArray(S, b, bo + i)).toLong(),
                    o, oo + i);
        }
        for (; i < n; i++) o[oo + i] = (byte) (a[ao + i] < b[bo + i] ? 1 : 0);
    }

    private static void stLt(float[] a, int ao, int as, float[] b, int bo, int bs, byte[] o, int oo, int os, int n) {
        for (int i = 0; i < n; i++) o[oo + i * os] = (byte) (a[ao + i * as] < b[bo + i * bs] ? 1 : 0);
    }

    private static void vsLe(float[] a, int ao, float s, byte[] o, int oo, int n) {
        int bound = S.loopBound(n), i = 0;
        for (; i < bound; i += L) store(FloatVector.fromArray(S, a, ao + i).compare(VectorOperators.LE, s).toLong(), o, oo + i);
        for (; i < n; i++) o[oo + i] = (byte) (a[ao + i] <= s ? 1 : 0);
    }

    private static void vvLe(float[] a, int ao, float[] b, int bo, byte[] o, int oo, int n) {
        int bound = S.loopBound(n), i = 0;
        for (; i < bound; i += L) {
            store(FloatVector.fromArray(S, a, ao + i).compare(VectorOperators.LE, FloatVector.fromArray(S, b, bo + i)).toLong(),
                    o, oo + i);
        }
        for (; i < n; i++) o[oo + i] = (byte) (a[ao + i] <= b[bo + i] ? 1 : 0);
    }

    private static void stLe(float[] a, int ao, int as, float[] b, int bo, int bs, byte[] o, int oo, int os, int n) {
        for (int i = 0; i < n; i++) o[oo + i * os] = (byte) (a[ao + i * as] <= b[bo + i * bs] ? 1 : 0);
    }

    private static void vsGt(float[] a, int ao, float s, byte[] o, int oo, int n) {
        int bound = S.loopBound(n), i = 0;
        for (; i < bound; i += L) store(FloatVector.fromArray(S, a, ao + i).compare(VectorOperators.GT, s).toLong(), o, oo + i);
        for (; i < n; i++) o[oo + i] = (byte) (a[ao + i] > s ? 1 : 0);
    }

    private static void vvGt(float[] a, int ao, float[] b, int bo, byte[] o, int oo, int n) {
        int bound = S.loopBound(n), i = 0;
        for (; i < bound; i += L) {
            store(FloatVector.fromArray(S, a, ao + i).compare(VectorOperators.GT, FloatVector.fromArray(S, b, bo + i)).toLong(),
                    o, oo + i);
        }
        for (; i < n; i++) o[oo + i] = (byte) (a[ao + i] > b[bo + i] ? 1 : 0);
    }

    private static void stGt(float[] a, int ao, int as, float[] b, int bo, int bs, byte[] o, int oo, int os, int n) {
        for (int i = 0; i < n; i++) o[oo + i * os] = (byte) (a[ao + i * as] > b[bo + i * bs] ? 1 : 0);
    }

    private static void vsGe(float[] a, int ao, float s, byte[] o, int oo, int n) {
        int bound = S.loopBound(n), i = 0;
        for (; i < bound; i += L) store(FloatVector.fromArray(S, a, ao + i).compare(VectorOperators.GE, s).toLong(), o, oo + i);
        for (; i < n; i++) o[oo + i] = (byte) (a[ao + i] >= s ? 1 : 0);
    }

    private static void vvGe(float[] a, int ao, float[] b, int bo, byte[] o, int oo, int n) {
        int bound = S.loopBound(n), i = 0;
        for (; i < bound; i += L) {
            store(FloatVector.fromArray(S, a, ao + i).compare(VectorOperators.GE, FloatVector.fromArray(S, b, bo + i)).toLong(),
                    o, oo + i);
        }
        for (; i < n; i++) o[oo + i] = (byte) (a[ao + i] >= b[bo + i] ? 1 : 0);
    }

    private static void stGe(float[] a, int ao, int as, float[] b, int bo, int bs, byte[] o, int oo, int os, int n) {
        for (int i = 0; i < n; i++) o[oo + i * os] = (byte) (a[ao + i * as] >= b[bo + i * bs] ? 1 : 0);
    }
}
