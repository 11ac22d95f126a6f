package dev.kona.nn;

import dev.kona.Generator;
import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.autograd.GradMode;
import java.util.Locale;

/**
 * Weight initialisation, as PyTorch's {@code torch.nn.init}: each function overwrites a tensor in
 * place (outside autograd, so it works on parameters) and returns it. Random ones draw from the
 * {@link Generator} given, or from {@link Generator#global()} (seeded by {@code Kona.manualSeed}).
 * Values are drawn in float64 and rounded to the tensor's dtype.
 *
 * <pre>{@code
 * Tensor w = Tensor.empty(128, 784);
 * Init.kaimingUniform(w, 0, Init.Mode.FAN_IN, "relu");     // U(-b, b), b = sqrt(2) * sqrt(3 / 784)
 * Init.orthogonal(w, 1.0, new Generator(0));               // rows orthonormal
 * }</pre>
 *
 * <p>Fans follow PyTorch's {@code _calculate_fan_in_and_fan_out}: for a weight of shape
 * {@code [out, in, k1, k2...]}, fanIn = in·k1·k2… and fanOut = out·k1·k2….
 */
public final class Init {
    private Init() {}

    /** Which fan scales the variance in the Kaiming initialisers. */
    public enum Mode {
        /** Preserves the variance of activations in the forward pass. */
        FAN_IN,
        /** Preserves the variance of gradients in the backward pass. */
        FAN_OUT
    }

    /** The fans of a weight tensor. */
    public record Fans(int fanIn, int fanOut) {}

    private static final double LOG_SQRT_2PI = 0.91893853320467274178;

    // ---------------------------------------------------------------- gains and fans

    /**
     * The recommended gain for a nonlinearity, as PyTorch's {@code calculate_gain}: 1 for
     * {@code linear}, {@code identity}, {@code conv1d..3d} and {@code sigmoid}; 5/3 for {@code tanh};
     * √2 for {@code relu}; √(2 / (1 + slope²)) for {@code leaky_relu} (param = slope, NaN for the
     * default 0.01); 3/4 for {@code selu}.
     */
    public static double calculateGain(String nonlinearity, double param) {
        if (nonlinearity == null) throw new IllegalArgumentException("calculateGain: nonlinearity is null");
        return switch (nonlinearity) {
            case "linear", "identity", "conv1d", "conv2d", "conv3d", "sigmoid" -> 1.0;
            case "tanh" -> 5.0 / 3;
            case "relu" -> Math.sqrt(2.0);
            case "leaky_relu" -> {
                double slope = Double.isNaN(param) ? 0.01 : param;
                yield Math.sqrt(2.0 / (1 + slope * slope));
            }
            case "selu" -> 0.75;
            default -> throw new IllegalArgumentException("calculateGain: unsupported nonlinearity '" + nonlinearity
                    + "', expected one of linear, identity, conv1d, conv2d, conv3d, sigmoid, tanh, relu, leaky_relu, selu");
        };
    }

    /** {@link #calculateGain(String, double)} with the default parameter. */
    public static double calculateGain(String nonlinearity) {
        return calculateGain(nonlinearity, Double.NaN);
    }

    /** Fan-in and fan-out of a weight of at least 2 dimensions. */
    public static Fans fans(Tensor t) {
        return fans("fans", t);
    }

    private static Fans fans(String op, Tensor t) {
        if (t.dim() < 2) {
            throw new IllegalArgumentException("Init." + op + ": fan in and fan out can not be computed for a tensor with "
                    + "fewer than 2 dimensions, got shape " + Shape.format(t.shape()));
        }
        long receptive = 1;
        for (int d = 2; d < t.dim(); d++) receptive *= t.size(d);
        return new Fans((int) (t.size(1) * receptive), (int) (t.size(0) * receptive));
    }

    // ---------------------------------------------------------------- constants

    /** Fills {@code t} with {@code value}. */
    public static Tensor constant(Tensor t, double value) {
        try (var g = GradMode.noGrad()) {
            return t.fill(value);
        }
    }

    public static Tensor zeros(Tensor t) {
        return constant(t, 0);
    }

    public static Tensor ones(Tensor t) {
        return constant(t, 1);
    }

    // ---------------------------------------------------------------- plain distributions

    /** Fills {@code t} with values drawn from U(a, b). */
    public static Tensor uniform(Tensor t, double a, double b, Generator g) {
        if (!(a <= b)) throw new IllegalArgumentException("Init.uniform: expected a <= b, got a=" + a + ", b=" + b);
        double[] v = new double[checkedNumel("uniform", t)];
        gen(g).fillUniform(v);
        for (int i = 0; i < v.length; i++) v[i] = a + (b - a) * v[i];
        return write(t, v);
    }

    public static Tensor uniform(Tensor t, double a, double b) {
        return uniform(t, a, b, null);
    }

    /** Fills {@code t} with values drawn from N(mean, std²). */
    public static Tensor normal(Tensor t, double mean, double std, Generator g) {
        if (!(std >= 0)) throw new IllegalArgumentException("Init.normal: expected std >= 0, got " + std);
        double[] v = new double[checkedNumel("normal", t)];
        gen(g).fillNormal(v);
        for (int i = 0; i < v.length; i++) v[i] = mean + std * v[i];
        return write(t, v);
    }

    public static Tensor normal(Tensor t, double mean, double std) {
        return normal(t, mean, std, null);
    }

    /**
     * Fills {@code t} with values drawn from N(mean, std²) restricted to [a, b] (a and b are values,
     * not numbers of std). Exact for any interval: rejection sampling when the interval holds a
     * good share of the mass, the inverse CDF otherwise.
     */
    public static Tensor truncNormal(Tensor t, double mean, double std, double a, double b, Generator g) {
        if (!(std > 0)) throw new IllegalArgumentException("Init.truncNormal: expected std > 0, got " + std);
        if (!(a < b)) throw new IllegalArgumentException("Init.truncNormal: expected a < b, got a=" + a + ", b=" + b);
        double alpha = (a - mean) / std, beta = (b - mean) / std;
        // Work in the lower tail, where small probabilities keep their precision.
        boolean mirror = alpha > 0;
        if (mirror) {
            double tmp = alpha;
            alpha = -beta;
            beta = -tmp;
        }
        double cdfA = cdf(alpha), cdfB = cdf(beta);
        boolean reject = cdfB - cdfA >= 0.25;
        Generator rng = gen(g);
        double[] v = new double[checkedNumel("truncNormal", t)];
        for (int i = 0; i < v.length; i++) {
            double z;
            if (reject) {
                do z = rng.nextGaussian(); while (z < alpha || z > beta);
            } else {
                z = quantile(cdfA + rng.nextDouble() * (cdfB - cdfA), alpha, beta);
            }
            v[i] = Math.min(b, Math.max(a, mean + std * (mirror ? -z : z)));
        }
        return write(t, v);
    }

    public static Tensor truncNormal(Tensor t, double mean, double std, double a, double b) {
        return truncNormal(t, mean, std, a, b, null);
    }

    // ---------------------------------------------------------------- scaled for the fans

    /** Glorot: U(-c, c) with c = gain·√(6 / (fanIn + fanOut)). */
    public static Tensor xavierUniform(Tensor t, double gain, Generator g) {
        Fans f = fans("xavierUniform", t);
        double bound = gain * Math.sqrt(6.0 / (f.fanIn() + f.fanOut()));
        return uniform(t, -bound, bound, g);
    }

    public static Tensor xavierUniform(Tensor t, double gain) {
        return xavierUniform(t, gain, null);
    }

    public static Tensor xavierUniform(Tensor t) {
        return xavierUniform(t, 1.0, null);
    }

    /** Glorot: N(0, σ²) with σ = gain·√(2 / (fanIn + fanOut)). */
    public static Tensor xavierNormal(Tensor t, double gain, Generator g) {
        Fans f = fans("xavierNormal", t);
        return normal(t, 0, gain * Math.sqrt(2.0 / (f.fanIn() + f.fanOut())), g);
    }

    public static Tensor xavierNormal(Tensor t, double gain) {
        return xavierNormal(t, gain, null);
    }

    public static Tensor xavierNormal(Tensor t) {
        return xavierNormal(t, 1.0, null);
    }

    /**
     * He: U(-c, c) with c = gain·√(3 / fan), gain = {@link #calculateGain}(nonlinearity, a).
     *
     * @param a           the negative slope of a following leaky_relu (used by that nonlinearity only)
     * @param mode        which fan to use
     * @param nonlinearity "relu", "leaky_relu", "linear", "tanh", "sigmoid"...
     */
    public static Tensor kaimingUniform(Tensor t, double a, Mode mode, String nonlinearity, Generator g) {
        double bound = Math.sqrt(3.0) * kaimingStd("kaimingUniform", t, a, mode, nonlinearity);
        return uniform(t, -bound, bound, g);
    }

    public static Tensor kaimingUniform(Tensor t, double a, Mode mode, String nonlinearity) {
        return kaimingUniform(t, a, mode, nonlinearity, null);
    }

    /** PyTorch's defaults: a = 0, fan-in, leaky_relu (hence gain √2). */
    public static Tensor kaimingUniform(Tensor t) {
        return kaimingUniform(t, 0, Mode.FAN_IN, "leaky_relu", null);
    }

    /** He: N(0, σ²) with σ = gain / √fan. */
    public static Tensor kaimingNormal(Tensor t, double a, Mode mode, String nonlinearity, Generator g) {
        return normal(t, 0, kaimingStd("kaimingNormal", t, a, mode, nonlinearity), g);
    }

    public static Tensor kaimingNormal(Tensor t, double a, Mode mode, String nonlinearity) {
        return kaimingNormal(t, a, mode, nonlinearity, null);
    }

    public static Tensor kaimingNormal(Tensor t) {
        return kaimingNormal(t, 0, Mode.FAN_IN, "leaky_relu", null);
    }

    private static double kaimingStd(String op, Tensor t, double a, Mode mode, String nonlinearity) {
        Fans f = fans(op, t);
        int fan = mode == Mode.FAN_IN ? f.fanIn() : f.fanOut();
        if (fan == 0) {
            throw new IllegalArgumentException("Init." + op + ": the " + mode.name().toLowerCase(Locale.ROOT)
                    + " of a tensor of shape " + Shape.format(t.shape()) + " is 0");
        }
        return calculateGain(nonlinearity, a) / Math.sqrt(fan);
    }

    /**
     * A (semi-)orthogonal matrix scaled by {@code gain}, as PyTorch's {@code orthogonal_}: the
     * tensor viewed as {@code [rows, numel / rows]} gets orthonormal rows (if rows ≤ columns) or
     * columns. Computed by a Householder QR of a Gaussian matrix in float64, with the signs fixed so
     * that R has a positive diagonal (which makes Q uniformly distributed).
     */
    public static Tensor orthogonal(Tensor t, double gain, Generator g) {
        if (t.dim() < 2) {
            throw new IllegalArgumentException("Init.orthogonal: only tensors with 2 or more dimensions are supported, "
                    + "got shape " + Shape.format(t.shape()));
        }
        int n = checkedNumel("orthogonal", t);
        if (n == 0) return t;
        int rows = t.size(0), cols = n / rows;
        // QR wants a tall matrix: work on the transpose when the matrix is wide.
        boolean wide = rows < cols;
        int m = wide ? cols : rows, k = wide ? rows : cols;
        double[] a = new double[m * k];
        gen(g).fillNormal(a);
        double[] q = householderQ(a, m, k);
        double[] v = new double[n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < k; j++) {
                double x = gain * q[i * k + j];
                if (wide) v[j * cols + i] = x;
                else v[i * cols + j] = x;
            }
        }
        return write(t, v);
    }

    public static Tensor orthogonal(Tensor t, double gain) {
        return orthogonal(t, gain, null);
    }

    public static Tensor orthogonal(Tensor t) {
        return orthogonal(t, 1.0, null);
    }

    /**
     * The m×k factor Q (row-major) of the QR decomposition of the m×k matrix {@code a} (m ≥ k),
     * with columns signed so that diag(R) ≥ 0. {@code a} is overwritten.
     */
    static double[] householderQ(double[] a, int m, int k) {
        double[][] vs = new double[k][];
        double[] rDiag = new double[k];
        for (int c = 0; c < k; c++) {
            double norm = 0;
            for (int i = c; i < m; i++) norm += a[i * k + c] * a[i * k + c];
            norm = Math.sqrt(norm);
            double x0 = a[c * k + c];
            double alpha = x0 > 0 ? -norm : norm;   // the sign that avoids cancellation
            rDiag[c] = alpha;
            double[] v = new double[m - c];
            for (int i = c; i < m; i++) v[i - c] = a[i * k + c];
            v[0] -= alpha;
            double vv = 0;
            for (double x : v) vv += x * x;
            if (vv == 0) continue;   // the column is already zero below the diagonal
            for (int i = 0; i < v.length; i++) v[i] /= Math.sqrt(vv);
            vs[c] = v;
            // A <- (I - 2 v vᵀ) A on the remaining columns.
            for (int j = c; j < k; j++) {
                double dot = 0;
                for (int i = c; i < m; i++) dot += v[i - c] * a[i * k + j];
                for (int i = c; i < m; i++) a[i * k + j] -= 2 * dot * v[i - c];
            }
        }
        // Q = H_0 H_1 ... H_{k-1} applied to the first k columns of the identity, last reflector first.
        double[] q = new double[m * k];
        for (int j = 0; j < k; j++) q[j * k + j] = 1;
        for (int c = k - 1; c >= 0; c--) {
            double[] v = vs[c];
            if (v == null) continue;
            for (int j = 0; j < k; j++) {
                double dot = 0;
                for (int i = c; i < m; i++) dot += v[i - c] * q[i * k + j];
                for (int i = c; i < m; i++) q[i * k + j] -= 2 * dot * v[i - c];
            }
        }
        for (int j = 0; j < k; j++) {
            if (rDiag[j] < 0) for (int i = 0; i < m; i++) q[i * k + j] = -q[i * k + j];
        }
        return q;
    }

    // ---------------------------------------------------------------- helpers

    private static Generator gen(Generator g) {
        return g != null ? g : Generator.global();
    }

    private static int checkedNumel(String op, Tensor t) {
        if (!t.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("Init." + op + ": expected a floating-point tensor, got " + t.dtype());
        }
        return (int) t.numel();
    }

    private static Tensor write(Tensor t, double[] values) {
        if (values.length == 0) return t;
        try (var g = GradMode.noGrad()) {
            // Drawn on the host (the same values on every device), converted there, copied once.
            return t.copyFrom(Tensor.of(values, t.shape()).to(t.dtype()));
        }
    }

    /** The standard normal CDF Φ(x), with relative precision ~1e-13 in both tails. */
    static double cdf(double x) {
        if (x < -38) return 0;
        if (x > 38) return 1;
        if (Math.abs(x) < 3) {
            // Marsaglia's series: Φ(x) = 1/2 + φ(x) (x + x³/3 + x⁵/(3·5) + ...), all terms of one sign.
            double s = x, prev = 0, term = x, q = x * x;
            for (int i = 1; s != prev; ) {
                prev = s;
                i += 2;
                term *= q / i;
                s = prev + term;
            }
            return 0.5 + s * Math.exp(-0.5 * q - LOG_SQRT_2PI);
        }
        // Tail: Mills' ratio by its continued fraction, evaluated backwards.
        double ax = Math.abs(x), cf = ax;
        for (int k = 100; k >= 1; k--) cf = ax + k / cf;
        double tail = Math.exp(-0.5 * ax * ax - LOG_SQRT_2PI) / cf;
        return x < 0 ? tail : 1 - tail;
    }

    /** The z in [lo, hi] with Φ(z) = u: Newton steps, falling back to bisection when one leaves the bracket. */
    private static double quantile(double u, double lo, double hi) {
        lo = Math.max(lo, -38);
        hi = Math.min(hi, 38);
        double z = 0.5 * (lo + hi);
        for (int it = 0; it < 200; it++) {
            double f = cdf(z) - u;
            if (f == 0) return z;
            if (f > 0) hi = z;
            else lo = z;
            double pdf = Math.exp(-0.5 * z * z - LOG_SQRT_2PI);
            double next = pdf > 0 ? z - f / pdf : Double.NaN;
            if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
            if (Math.abs(next - z) <= 1e-14 * Math.max(1, Math.abs(z))) return next;
            z = next;
        }
        return z;
    }
}
