package dev.kona.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector math built only from exactly rounded IEEE operations (add, mul, fma, div, compares, bit
 * operations), so that a value is the same bit for bit whether C2 has compiled the kernel or the
 * Vector API's Java fallback runs it. The library functions behind {@code VectorOperators.EXP},
 * {@code TANH}... and the lane order of {@code reduceLanes(ADD)} differ between the two, which made
 * results depend on how warm the JVM was.
 *
 * <p>exp follows Cephes' expf (range reduction by ln 2 in two parts, a degree-6 polynomial, one
 * 2^n scaling): within 2 ulp of the correctly rounded value for results from about 2^-125.5 up;
 * smaller results are flushed to zero.
 */
final class VMath {
    private VMath() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /**
     * 1.5 * 2^23 + 126: adding x / ln 2 rounds it to an integer n (ties to even) and leaves n + 126,
     * the biased exponent of 2^(n-1), in the low bits, so 2^(n-1) is those bits shifted into place.
     * The polynomial computes 2 e^r (its coefficients doubled, which is exact), so the product is
     * e^x; with 2^(n-1) rather than 2^n, n = 128 still has a finite scale and results up to the
     * largest float come out right.
     */
    private static final float EXP_MAGIC = 12583038f;
    /** Above this n is 129 at most: a scale of infinity, or a product that overflows to it. */
    private static final float EXP_MAX = 89f;
    /** At or below this n is -126: the shifted exponent is 0 and the result +0. */
    private static final float EXP_MIN = -87.3f;

    /**
     * e^x for every lane, within 2 ulp for results from about 2^-125.5 to the largest float.
     * Smaller results (x &lt; -86.98) are flushed to zero and larger ones are infinite, both by
     * the choice of clamping bounds: no compares or blends, no float-to-int conversion.
     */
    static FloatVector exp(FloatVector x) {
        var xc = x.lanewise(VectorOperators.MAX, EXP_MIN).lanewise(VectorOperators.MIN, EXP_MAX);
        var biased = xc.fma(LOG2E, EXP_MAGIC);
        var n = biased.sub(EXP_MAGIC);
        var r = n.fma(FloatVector.broadcast(S, -LN2_HI), xc);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        var p = r.fma(2 * 1.9875691500e-4f, 2 * 1.3981999507e-3f);
        p = mad(p, r, 2 * 8.3334519073e-3f);
        p = mad(p, r, 2 * 4.1665795894e-2f);
        p = mad(p, r, 2 * 1.6666665459e-1f);
        p = mad(p, r, 2 * 5.0000001201e-1f);
        p = mad(p, r, 2f);
        var e = mad(p, r, 2f);
        var scale = biased.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return e.mul(scale);
    }

    /** tanh: Cephes' odd polynomial below 0.625, 1 - 2 / (e^{2|x|} + 1) above. */
    static FloatVector tanh(FloatVector x) {
        var ax = x.abs();
        var z = x.mul(x);
        var p = z.fma(-5.70498872745e-3f, 2.06390887954e-2f);
        p = mad(p, z, -5.37397155531e-2f);
        p = mad(p, z, 1.33314422036e-1f);
        p = mad(p, z, -3.33332819422e-1f);
        var small = p.mul(z).fma(x, x);
        var e = exp(ax.add(ax));
        var large = FloatVector.broadcast(S, 1f).sub(FloatVector.broadcast(S, 2f).div(e.add(1f)));
        large = large.blend(large.neg(), x.compare(VectorOperators.LT, 0f));
        return large.blend(small, ax.compare(VectorOperators.LT, 0.625f));
    }

    /** 1 / (1 + e^-x), written so that the exponential never overflows. */
    static FloatVector sigmoid(FloatVector x) {
        var e = exp(x.abs().neg());                              // in (0, 1]
        var r = FloatVector.broadcast(S, 1f).div(e.add(1f));     // sigmoid(|x|)
        return r.blend(e.mul(r), x.compare(VectorOperators.LT, 0f));
    }

    /** erf by Abramowitz-Stegun 7.1.26 (|error| &lt; 1.5e-7). */
    static FloatVector erf(FloatVector z) {
        var az = z.abs();
        var t = FloatVector.broadcast(S, 1f).div(az.fma(0.3275911f, 1f));
        var poly = t.fma(1.061405429f, -1.453152027f);
        poly = mad(poly, t, 1.421413741f);
        poly = mad(poly, t, -0.284496736f);
        poly = mad(poly, t, 0.254829592f).mul(t);
        var erfAbs = FloatVector.broadcast(S, 1f).sub(poly.mul(exp(az.mul(az).neg())));
        return erfAbs.blend(erfAbs.neg(), z.compare(VectorOperators.LT, 0f));
    }

    /** a * b + c, rounded once. */
    private static FloatVector mad(FloatVector a, FloatVector b, float c) {
        return a.fma(b, FloatVector.broadcast(S, c));
    }

    /** The sum of the lanes, added in lane order. */
    static float sumLanes(FloatVector v) {
        float s = 0f;
        for (int i = 0; i < S.length(); i++) s += v.lane(i);
        return s;
    }
}
