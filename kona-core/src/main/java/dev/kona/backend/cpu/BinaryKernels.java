package dev.kona.backend.cpu;

import dev.kona.ops.Op.BinaryKind;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Elementwise arithmetic of two float32 operands over one row segment: vector loops for the
 * contiguous (vector-vector) and broadcast-scalar (vector-scalar, scalar-vector) stride patterns,
 * a scalar loop otherwise. One small method per kind and pattern, as in {@link UnaryKernels}.
 * These kinds are exact in IEEE arithmetic, so scalar tails equal the vector lanes bit for bit.
 */
final class BinaryKernels {
    private BinaryKernels() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    static boolean vectorized(BinaryKind k) {
        return switch (k) {
            case ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM -> true;
            default -> false;
        };
    }

    /** o[oo + i] = a[ao + i*as] (op) b[bo + i*bs], output stride 1, for a vectorized kind. */
    static void f32(BinaryKind k, float[] a, int ao, int as, float[] b, int bo, int bs, float[] o, int oo, int n) {
        if (as == 1 && bs == 1) {
            switch (k) {
                case ADD -> addVV(a, ao, b, bo, o, oo, n);
                case SUB -> subVV(a, ao, b, bo, o, oo, n);
                case MUL -> mulVV(a, ao, b, bo, o, oo, n);
                case DIV -> divVV(a, ao, b, bo, o, oo, n);
                case MAXIMUM -> maxVV(a, ao, b, bo, o, oo, n);
                case MINIMUM -> minVV(a, ao, b, bo, o, oo, n);
                default -> throw new IllegalStateException("not vectorized: " + k);
            }
        } else if (as == 1 && bs == 0) {
            float s = b[bo];
            switch (k) {
                case ADD -> addVS(a, ao, s, o, oo, n);
                case SUB -> subVS(a, ao, s, o, oo, n);
                case MUL -> mulVS(a, ao, s, o, oo, n);
                case DIV -> divVS(a, ao, s, o, oo, n);
                case MAXIMUM -> maxVS(a, ao, s, o, oo, n);
                case MINIMUM -> minVS(a, ao, s, o, oo, n);
                default -> throw new IllegalStateException("not vectorized: " + k);
            }
        } else if (as == 0 && bs == 1) {
            float s = a[ao];
            switch (k) {
                case ADD -> addSV(s, b, bo, o, oo, n);
                case SUB -> subSV(s, b, bo, o, oo, n);
                case MUL -> mulSV(s, b, bo, o, oo, n);
                case DIV -> divSV(s, b, bo, o, oo, n);
                case MAXIMUM -> maxSV(s, b, bo, o, oo, n);
                case MINIMUM -> minSV(s, b, bo, o, oo, n);
                default -> throw new IllegalStateException("not vectorized: " + k);
            }
        } else {
            for (int i = 0; i < n; i++) o[oo + i] = scalar(k, a[ao + i * as], b[bo + i * bs]);
        }
    }

    private static float scalar(BinaryKind k, float x, float y) {
        return switch (k) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            case MAXIMUM -> Math.max(x, y);
            case MINIMUM -> Math.min(x, y);
            default -> (float) ScalarMath.binary(k, x, y);
        };
    }

    private static void addVV(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            var x = FloatVector.fromArray(S, a, ao + i);
            var y = FloatVector.fromArray(S, b, bo + i);
            x.add(y).intoArray(o, oo + i);
        }
        for (; i < n; i++) {
            float x = a[ao + i], y = b[bo + i];
            o[oo + i] = x + y;
        }
    }

    private static void addVS(float[] a, int ao, float s, float[] o, int oo, int n) {
        int i = 0;
        var y = FloatVector.broadcast(S, s);
        for (int bound = S.loopBound(n); i < bound; i += L) {
            var x = FloatVector.fromArray(S, a, ao + i);
            x.add(y).intoArray(o, oo + i);
        }
        for (; i < n; i++) {
            float x = a[ao + i], y1 = s;
            o[oo + i] = x + y1;
        }
    }

    private static void addSV(float s, float[] b, int bo, float[] o, int oo, int n) {
        int i = 0;
        var x = FloatVector.broadcast(S, s);
        for (int bound = S.loopBound(n); i < bound; i += L) {
            var y = FloatVector.fromArray(S, b, bo + i);
            x.add(y).intoArray(o, oo + i);
        }
        for (; i < n; i++) {
            float x1 = s, y = b[bo + i];
            o[oo + i] = x1 + y;
        }
    }

    private static void subVV(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            var x = FloatVector.fromArray(S, a, ao + i);
            var y = FloatVector.fromArray(S, b, bo + i);
            x.sub(y).intoArray(o, oo + i);
        }
        for (; i < n; i++) {
            float x = a[ao + i], y = b[bo + i];
            o[oo + i] = x - y;
        }
    }

    private static void subVS(float[] a, int ao, float s, float[] o, int oo, int n) {
        int i = 0;
        var y = FloatVector.broadcast(S, s);
        for (int bound = S.loopBound(n); i < bound; i += L) {
            var x = FloatVector.fromArray(S, a, ao + i);
            x.sub(y).intoArray(o, oo + i);
        }
        for (; i < n; i++) {
            float x = a[ao + i], y1 = s;
            o[oo + i] = x - y1;
        }
    }

    private static void subSV(float s, float[] b, int bo, float[] o, int oo, int n) {
        int i = 0;
        var x = FloatVector.broadcast(S, s);
        for (int bound = S.loopBound(n); i < bound; i += L) {
            var y = FloatVector.fromArray(S, b, bo + i);
            x.sub(y).intoArray(o, oo + i);
        }
        for (; i < n; i++) {
            float x1 = s, y = b[bo + i];
            o[oo + i] = x1 - y;
        }
    }

    private static void mulVV(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            var x = FloatVector.fromArray(S, a, ao + i);
            var y = FloatVector.fromArray(S, b, bo + i);
            x.mul(y).intoArray(o, oo + i);
        }
        for (; i < n; i++) {
            float x = a[ao + i], y = b[bo + i];
            o[oo + i] = x * y;
        }
    }

    private static void mulVS(float[] a, int ao, float s, float[] o, int oo, int n) {
        int i = 0;
        var y = FloatVector.broadcast(S, s);
        for (int bound = S.loopBound(n); i < bound; i += L) {
            var x = FloatVector.fromArray(S, a, ao + i);
            x.mul(y).intoArray(o, oo + i);
        }
        for (; i < n; i++) {
            float x = a[ao + i], y1 = s;
            o[oo + i] = x * y1;
        }
    }

    private static void mulSV(float s, float[] b, int bo, float[] o, int oo, int n) {
        int i = 0;
        var x = FloatVector.broadcast(S, s);
        for (int bound = S.loopBound(n); i < bound; i += L) {
            var y = FloatVector.fromArray(S, b, bo + i);
            x.mul(y).intoArray(o, oo + i);
        }
        for (; i < n; i++) {
            float x1 = s, y = b[bo + i];
            o[oo + i] = x1 * y;
        }
    }

    private static void divVV(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            var x = FloatVector.fromArray(S, a, ao + i);
            var y = FloatVector.fromArray(S, b, bo + i);
            x.div(y).intoArray(o, oo + i);
        }
        for (; i < n; i++) {
            float x = a[ao + i], y = b[bo + i];
            o[oo + i] = x / y;
        }
    }

    private static void divVS(float[] a, int ao, float s, float[] o, int oo, int n) {
        int i = 0;
        var y = FloatVector.broadcast(S, s);
        for (int bound = S.loopBound(n); i < bound; i += L) {
            var x = FloatVector.fromArray(S, a, ao + i);
            x.div(y).intoArray(o, oo + i);
        }
        for (; i < n; i++) {
            float x = a[ao + i], y1 = s;
            o[oo + i] = x / y1;
        }
    }

    private static void divSV(float s, float[] b, int bo, float[] o, int oo, int n) {
        int i = 0;
        var x = FloatVector.broadcast(S, s);
        for (int bound = S.loopBound(n); i < bound; i += L) {
            var y = FloatVector.fromArray(S, b, bo + i);
            x.div(y).intoArray(o, oo + i);
        }
        for (; i < n; i++) {
            float x1 = s, y = b[bo + i];
            o[oo + i] = x1 / y;
        }
    }

    private static void maxVV(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            var x = FloatVector.fromArray(S, a, ao + i);
            var y = FloatVector.fromArray(S, b, bo + i);
            x.lanewise(VectorOperators.MAX, y).intoArray(o, oo + i);
        }
        for (; i < n; i++) {
            float x = a[ao + i], y = b[bo + i];
            o[oo + i] = Math.max(x, y);
        }
    }

    private static void maxVS(float[] a, int ao, float s, float[] o, int oo, int n) {
        int i = 0;
        var y = FloatVector.broadcast(S, s);
        for (int bound = S.loopBound(n); i < bound; i += L) {
            var x = FloatVector.fromArray(S, a, ao + i);
            x.lanewise(VectorOperators.MAX, y).intoArray(o, oo + i);
        }
        for (; i < n; i++) {
            float x = a[ao + i], y1 = s;
            o[oo + i] = Math.max(x, y1);
        }
    }

    private static void maxSV(float s, float[] b, int bo, float[] o, int oo, int n) {
        int i = 0;
        var x = FloatVector.broadcast(S, s);
        for (int bound = S.loopBound(n); i < bound; i += L) {
            var y = FloatVector.fromArray(S, b, bo + i);
            x.lanewise(VectorOperators.MAX, y).intoArray(o, oo + i);
        }
        for (; i < n; i++) {
            float x1 = s, y = b[bo + i];
            o[oo + i] = Math.max(x1, y);
        }
    }

    private static void minVV(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            var x = FloatVector.fromArray(S, a, ao + i);
            var y = FloatVector.fromArray(S, b, bo + i);
            x.lanewise(VectorOperators.MIN, y).intoArray(o, oo + i);
        }
        for (; i < n; i++) {
            float x = a[ao + i], y = b[bo + i];
            o[oo + i] = Math.min(x, y);
        }
    }

    private static void minVS(float[] a, int ao, float s, float[] o, int oo, int n) {
        int i = 0;
        var y = FloatVector.broadcast(S, s);
        for (int bound = S.loopBound(n); i < bound; i += L) {
            var x = FloatVector.fromArray(S, a, ao + i);
            x.lanewise(VectorOperators.MIN, y).intoArray(o, oo + i);
        }
        for (; i < n; i++) {
            float x = a[ao + i], y1 = s;
            o[oo + i] = Math.min(x, y1);
        }
    }

    private static void minSV(float s, float[] b, int bo, float[] o, int oo, int n) {
        int i = 0;
        var x = FloatVector.broadcast(S, s);
        for (int bound = S.loopBound(n); i < bound; i += L) {
            var y = FloatVector.fromArray(S, b, bo + i);
            x.lanewise(VectorOperators.MIN, y).intoArray(o, oo + i);
        }
        for (; i < n; i++) {
            float x1 = s, y = b[bo + i];
            o[oo + i] = Math.min(x1, y);
        }
    }
}
