package dev.kona.backend.cpu;

import dev.kona.ops.Op.BinaryKind;
import dev.kona.ops.Op.UnaryKind;

/** Elementwise functions on one double or long: the scalar paths of the CPU kernels. */
final class ScalarMath {
    private ScalarMath() {}

    static final double SQRT_HALF = 0.7071067811865476;
    static final double SQRT_2_OVER_PI = 0.7978845608028654;

    static double unary(UnaryKind k, double x, double p0, double p1) {
        return switch (k) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case LOG1P -> Math.log1p(x);
            case EXPM1 -> Math.expm1(x);
            case SQRT -> Math.sqrt(x);
            case RSQRT -> 1.0 / Math.sqrt(x);
            case SQUARE -> x * x;
            case RECIPROCAL -> 1.0 / x;
            case SIN -> Math.sin(x);
            case COS -> Math.cos(x);
            case TANH -> Math.tanh(x);
            case SIGMOID -> sigmoid(x);
            case RELU -> x > 0 ? x : (Double.isNaN(x) ? x : 0.0);
            case GELU -> 0.5 * x * (1.0 + erf(x * SQRT_HALF));
            case GELU_TANH -> 0.5 * x * (1.0 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
            case SILU -> x * sigmoid(x);
            case SIGN -> x > 0 ? 1.0 : x < 0 ? -1.0 : x; // keeps 0.0, -0.0 and NaN
            case FLOOR -> Math.floor(x);
            case CEIL -> Math.ceil(x);
            case ROUND -> Math.rint(x);
            case LOGICAL_NOT -> x == 0 ? 1.0 : 0.0;
            case ERF -> erf(x);
            case LEAKY_RELU -> x > 0 ? x : p0 * x;
            case ELU -> x > 0 ? x : p0 * Math.expm1(x);
            case SOFTPLUS -> p0 * x > p1 ? x : Math.log1p(Math.exp(p0 * x)) / p0;
            case CLAMP -> clamp(x, p0, p1);
            case POW_SCALAR -> pow(x, p0);
        };
    }

    /** C's pow: 1 for a base of 1 or a base of -1 to an infinite power, even with NaN (Java's Math.pow gives NaN). */
    static double pow(double a, double b) {
        if (a == 1.0 || b == 0.0) return 1.0;
        if (a == -1.0 && Double.isInfinite(b)) return 1.0;
        return Math.pow(a, b);
    }

    static double clamp(double x, double lo, double hi) {
        if (Double.isNaN(x)) return x;
        if (!Double.isNaN(lo) && x < lo) x = lo;
        if (!Double.isNaN(hi) && x > hi) x = hi;
        return x;
    }

    static double sigmoid(double x) {
        if (x >= 0) return 1.0 / (1.0 + Math.exp(-x));
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    /** Integer versions of the unary kinds that keep an integer dtype. */
    static long unary(UnaryKind k, long x, double p0, double p1) {
        return switch (k) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case SQUARE -> x * x;
            case SIGN -> Long.signum(x);
            case RELU -> Math.max(x, 0);
            case FLOOR, CEIL, ROUND -> x;
            case LOGICAL_NOT -> x == 0 ? 1 : 0;
            case CLAMP -> {
                long v = x;
                if (!Double.isNaN(p0) && v < p0) v = (long) Math.ceil(p0);
                if (!Double.isNaN(p1) && v > p1) v = (long) Math.floor(p1);
                yield v;
            }
            case LEAKY_RELU -> x > 0 ? x : (long) (p0 * x);
            default -> throw new IllegalStateException("unary " + k + " has no integer form");
        };
    }

    static double binary(BinaryKind k, double a, double b) {
        return switch (k) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case POW -> pow(a, b);
            case MAXIMUM -> Math.max(a, b);
            case MINIMUM -> Math.min(a, b);
            case EQ -> a == b ? 1 : 0;
            case NE -> a != b ? 1 : 0;
            case LT -> a < b ? 1 : 0;
            case LE -> a <= b ? 1 : 0;
            case GT -> a > b ? 1 : 0;
            case GE -> a >= b ? 1 : 0;
            case LOGICAL_AND -> (a != 0 && b != 0) ? 1 : 0;
            case LOGICAL_OR -> (a != 0 || b != 0) ? 1 : 0;
            case LOGICAL_XOR -> ((a != 0) != (b != 0)) ? 1 : 0;
        };
    }

    static long binary(BinaryKind k, long a, long b) {
        return switch (k) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> {
                if (b == 0) throw new ArithmeticException("div: integer division by zero");
                yield Math.floorDiv(a, b);
            }
            case POW -> ipow(a, b);
            case MAXIMUM -> Math.max(a, b);
            case MINIMUM -> Math.min(a, b);
            case EQ -> a == b ? 1 : 0;
            case NE -> a != b ? 1 : 0;
            case LT -> a < b ? 1 : 0;
            case LE -> a <= b ? 1 : 0;
            case GT -> a > b ? 1 : 0;
            case GE -> a >= b ? 1 : 0;
            case LOGICAL_AND -> (a != 0 && b != 0) ? 1 : 0;
            case LOGICAL_OR -> (a != 0 || b != 0) ? 1 : 0;
            case LOGICAL_XOR -> ((a != 0) != (b != 0)) ? 1 : 0;
        };
    }

    private static long ipow(long base, long exp) {
        if (exp < 0) {
            if (base == 1) return 1;
            if (base == -1) return (exp & 1) == 0 ? 1 : -1;
            throw new ArithmeticException("pow: integers to negative integer powers are not allowed (base "
                    + base + ", exponent " + exp + ")");
        }
        long r = 1;
        while (exp > 0) {
            if ((exp & 1) == 1) r *= base;
            base *= base;
            exp >>= 1;
        }
        return r;
    }

    /**
     * The error function to double precision: a positive-term series for |x| &lt; 3 and a continued
     * fraction for erfc beyond.
     */
    static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double ax = Math.abs(x);
        double r;
        if (ax < 3.0) {
            // erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_n 2^n x^(2n+1) / (1*3*...*(2n+1))
            double x2 = ax * ax;
            double term = ax;
            double sum = ax;
            for (int n = 1; n < 200; n++) {
                term *= 2.0 * x2 / (2 * n + 1);
                sum += term;
                if (term < sum * 1e-17) break;
            }
            r = 2.0 / Math.sqrt(Math.PI) * Math.exp(-x2) * sum;
        } else if (ax < 27) {
            // erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
            double f = ax;
            for (int n = 60; n >= 1; n--) f = ax + (n / 2.0) / f;
            r = 1.0 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
        } else {
            r = 1.0;
        }
        return x < 0 ? -r : r;
    }
}
