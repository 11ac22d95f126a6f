package dev.kona.backend.cpu;

import dev.kona.ops.Op.UnaryKind;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Elementwise functions of one float32 operand over contiguous runs, with the Vector API.
 *
 * <p>Transcendental functions come from {@link VMath}, built from exactly rounded operations, so a
 * result never depends on whether C2 compiled the loop. Kinds without such a function here (log,
 * sin, elu, softplus...) take the scalar path, whose {@code Math} functions are consistent.
 *
 * <p>Each kind has its own small loop method, reached through its own lambda ({@link #f32}): vectors
 * never cross a method boundary, and C2 compiles each loop on its own. (One method holding every loop
 * was measured 5x slower: C2 deoptimised it each time a new kind first ran, and once gave up on it.)
 * Every element of a run, the tail included (one masked vector), goes through the same vector code,
 * so results never depend on where a run was split between threads.
 */
final class UnaryKernels {
    private UnaryKernels() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** True when {@link #f32} has a vector path for this kind. */
    static boolean vectorized(UnaryKind k) {
        return switch (k) {
            case NEG, ABS, EXP, SQRT, RSQRT, SQUARE, RECIPROCAL, TANH, SIGMOID, SILU, RELU, LEAKY_RELU, GELU,
                 GELU_TANH, CLAMP, ERF -> true;
            default -> false;
        };
    }

    /**
     * The kernel for a vectorized kind over the row segments of a unary plan whose operand 0 is
     * the output {@code o} and operand 1 the input {@code a}, both with unit inner stride.
     *
     * <p>The kind is chosen here, once per op, and each case is its own lambda class, so that no
     * compiled method ever holds the loops of two kinds. When one dispatch method held them, C2
     * inlined every hot kind into it (tanh and sigmoid in an LSTM), ran out of its node budget
     * (NodeCountInliningCutoff) half way, and left {@link VMath#exp} as a real call taking and
     * returning boxed vectors: tanh on [32, 256] took 45 us instead of 5. The segment call sites
     * in {@link Strided} and {@link Parallel} see every elementwise kernel, so C2 does not inline
     * through them, and each kind's lambda is compiled on its own.
     */
    static Strided.Segment f32(UnaryKind k, float p0, float p1, float[] a, float[] o) {
        return switch (k) {
            case NEG -> (offs, n) -> neg(a, offs[1], o, offs[0], n);
            case ABS -> (offs, n) -> abs(a, offs[1], o, offs[0], n);
            case EXP -> (offs, n) -> exp(a, offs[1], o, offs[0], n);
            case SQRT -> (offs, n) -> sqrt(a, offs[1], o, offs[0], n);
            case RSQRT -> (offs, n) -> rsqrt(a, offs[1], o, offs[0], n);
            case SQUARE -> (offs, n) -> square(a, offs[1], o, offs[0], n);
            case RECIPROCAL -> (offs, n) -> reciprocal(a, offs[1], o, offs[0], n);
            case TANH -> (offs, n) -> tanh(a, offs[1], o, offs[0], n);
            case SIGMOID -> (offs, n) -> sigmoid(a, offs[1], o, offs[0], n);
            case SILU -> (offs, n) -> silu(a, offs[1], o, offs[0], n);
            case RELU -> (offs, n) -> relu(a, offs[1], o, offs[0], n);
            case LEAKY_RELU -> (offs, n) -> leakyRelu(a, offs[1], o, offs[0], n, p0, p1);
            case GELU -> (offs, n) -> gelu(a, offs[1], o, offs[0], n);
            case GELU_TANH -> (offs, n) -> geluTanh(a, offs[1], o, offs[0], n);
            case CLAMP -> (offs, n) -> clamp(a, offs[1], o, offs[0], n, p0, p1);
            case ERF -> (offs, n) -> erf(a, offs[1], o, offs[0], n);
            default -> throw new IllegalArgumentException("UnaryKernels: no vector kernel for " + k);
        };
    }

    private static void neg(float[] a, int ao, float[] o, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            var x = FloatVector.fromArray(S, a, ao + i);
            (x.neg()).intoArray(o, oo + i);
        }
        if (i < n) {
            var m = S.indexInRange(i, n);
            var x = FloatVector.fromArray(S, a, ao + i, m);
            (x.neg()).intoArray(o, oo + i, m);
        }
    }
    private static void abs(float[] a, int ao, float[] o, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            var x = FloatVector.fromArray(S, a, ao + i);
            (x.abs()).intoArray(o, oo + i);
        }
        if (i < n) {
            var m = S.indexInRange(i, n);
            var x = FloatVector.fromArray(S, a, ao + i, m);
            (x.abs()).intoArray(o, oo + i, m);
        }
    }
    private static void exp(float[] a, int ao, float[] o, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            var x = FloatVector.fromArray(S, a, ao + i);
            (VMath.exp(x)).intoArray(o, oo + i);
        }
        if (i < n) {
            var m = S.indexInRange(i, n);
            var x = FloatVector.fromArray(S, a, ao + i, m);
            (VMath.exp(x)).intoArray(o, oo + i, m);
        }
    }
    private static void sqrt(float[] a, int ao, float[] o, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            var x = FloatVector.fromArray(S, a, ao + i);
            (x.sqrt()).intoArray(o, oo + i);
        }
        if (i < n) {
            var m = S.indexInRange(i, n);
            var x = FloatVector.fromArray(S, a, ao + i, m);
            (x.sqrt()).intoArray(o, oo + i, m);
        }
    }
    private static void rsqrt(float[] a, int ao, float[] o, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            var x = FloatVector.fromArray(S, a, ao + i);
            (one().div(x.sqrt())).intoArray(o, oo + i);
        }
        if (i < n) {
            var m = S.indexInRange(i, n);
            var x = FloatVector.fromArray(S, a, ao + i, m);
            (one().div(x.sqrt())).intoArray(o, oo + i, m);
        }
    }
    private static void square(float[] a, int ao, float[] o, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            var x = FloatVector.fromArray(S, a, ao + i);
            (x.mul(x)).intoArray(o, oo + i);
        }
        if (i < n) {
            var m = S.indexInRange(i, n);
            var x = FloatVector.fromArray(S, a, ao + i, m);
            (x.mul(x)).intoArray(o, oo + i, m);
        }
    }
    private static void reciprocal(float[] a, int ao, float[] o, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            var x = FloatVector.fromArray(S, a, ao + i);
            (one().div(x)).intoArray(o, oo + i);
        }
        if (i < n) {
            var m = S.indexInRange(i, n);
            var x = FloatVector.fromArray(S, a, ao + i, m);
            (one().div(x)).intoArray(o, oo + i, m);
        }
    }
    private static void tanh(float[] a, int ao, float[] o, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            var x = FloatVector.fromArray(S, a, ao + i);
            (VMath.tanh(x)).intoArray(o, oo + i);
        }
        if (i < n) {
            var m = S.indexInRange(i, n);
            var x = FloatVector.fromArray(S, a, ao + i, m);
            (VMath.tanh(x)).intoArray(o, oo + i, m);
        }
    }
    private static void sigmoid(float[] a, int ao, float[] o, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            var x = FloatVector.fromArray(S, a, ao + i);
            (VMath.sigmoid(x)).intoArray(o, oo + i);
        }
        if (i < n) {
            var m = S.indexInRange(i, n);
            var x = FloatVector.fromArray(S, a, ao + i, m);
            (VMath.sigmoid(x)).intoArray(o, oo + i, m);
        }
    }
    private static void silu(float[] a, int ao, float[] o, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            var x = FloatVector.fromArray(S, a, ao + i);
            (x.mul(VMath.sigmoid(x))).intoArray(o, oo + i);
        }
        if (i < n) {
            var m = S.indexInRange(i, n);
            var x = FloatVector.fromArray(S, a, ao + i, m);
            (x.mul(VMath.sigmoid(x))).intoArray(o, oo + i, m);
        }
    }
    private static void relu(float[] a, int ao, float[] o, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            var x = FloatVector.fromArray(S, a, ao + i);
            (x.blend(0f, x.compare(VectorOperators.LE, 0f))).intoArray(o, oo + i);
        }
        if (i < n) {
            var m = S.indexInRange(i, n);
            var x = FloatVector.fromArray(S, a, ao + i, m);
            (x.blend(0f, x.compare(VectorOperators.LE, 0f))).intoArray(o, oo + i, m);
        }
    }
    private static void leakyRelu(float[] a, int ao, float[] o, int oo, int n, float p0, float p1) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            var x = FloatVector.fromArray(S, a, ao + i);
            (x.blend(x.mul(p0), x.compare(VectorOperators.LE, 0f))).intoArray(o, oo + i);
        }
        if (i < n) {
            var m = S.indexInRange(i, n);
            var x = FloatVector.fromArray(S, a, ao + i, m);
            (x.blend(x.mul(p0), x.compare(VectorOperators.LE, 0f))).intoArray(o, oo + i, m);
        }
    }
    private static void gelu(float[] a, int ao, float[] o, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            var x = FloatVector.fromArray(S, a, ao + i);
            (geluV(x)).intoArray(o, oo + i);
        }
        if (i < n) {
            var m = S.indexInRange(i, n);
            var x = FloatVector.fromArray(S, a, ao + i, m);
            (geluV(x)).intoArray(o, oo + i, m);
        }
    }
    private static void geluTanh(float[] a, int ao, float[] o, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            var x = FloatVector.fromArray(S, a, ao + i);
            (geluTanhV(x)).intoArray(o, oo + i);
        }
        if (i < n) {
            var m = S.indexInRange(i, n);
            var x = FloatVector.fromArray(S, a, ao + i, m);
            (geluTanhV(x)).intoArray(o, oo + i, m);
        }
    }
    private static void clamp(float[] a, int ao, float[] o, int oo, int n, float p0, float p1) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            var x = FloatVector.fromArray(S, a, ao + i);
            (clampV(x, p0, p1)).intoArray(o, oo + i);
        }
        if (i < n) {
            var m = S.indexInRange(i, n);
            var x = FloatVector.fromArray(S, a, ao + i, m);
            (clampV(x, p0, p1)).intoArray(o, oo + i, m);
        }
    }

    private static void erf(float[] a, int ao, float[] o, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            var x = FloatVector.fromArray(S, a, ao + i);
            VMath.erf(x).intoArray(o, oo + i);
        }
        if (i < n) {
            var m = S.indexInRange(i, n);
            var x = FloatVector.fromArray(S, a, ao + i, m);
            VMath.erf(x).intoArray(o, oo + i, m);
        }
    }

    private static FloatVector one() {
        return FloatVector.broadcast(S, 1f);
    }



    private static FloatVector clampV(FloatVector x, float lo, float hi) {
        var r = x;
        if (!Float.isNaN(lo)) r = r.blend(lo, r.compare(VectorOperators.LT, lo));
        if (!Float.isNaN(hi)) r = r.blend(hi, r.compare(VectorOperators.GT, hi));
        return r;
    }

    private static FloatVector geluTanhV(FloatVector x) {
        var inner = x.mul(x).mul(x).mul(0.044715f).add(x).mul((float) ScalarMath.SQRT_2_OVER_PI);
        return x.mul(0.5f).mul(VMath.tanh(inner).add(1f));
    }


    /** x/2 (1 + erf(x/sqrt 2)). */
    private static FloatVector geluV(FloatVector x) {
        return x.mul(0.5f).mul(VMath.erf(x.mul((float) ScalarMath.SQRT_HALF)).add(1f));
    }
}
