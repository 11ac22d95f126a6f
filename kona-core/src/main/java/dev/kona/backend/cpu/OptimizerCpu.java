package dev.kona.backend.cpu;

import dev.kona.DType;
import dev.kona.Tensor;
import dev.kona.ops.Op;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fused optimizer updates: one pass over a parameter, its gradient and its state, in place. The
 * same update written with tensor ops takes a dozen passes and as many temporary tensors; on the
 * MLP of the training benchmark the optimizer was half of the step before this kernel.
 * Operands are contiguous (the front end checks); float32 runs vectorized, float64 scalar.
 *
 * <p>float32 state that decays into the denormal range (below 1.18e-38) is flushed to zero, as
 * {@code torch.set_flush_denormal(True)} does: units that stop receiving gradient (dead ReLUs) let
 * Adam's moments decay by beta per step, and arithmetic on denormals is about 100x slower on x86
 * (measured: the MLP benchmark's Adam step went from 60 us to 240 us once a third of the first
 * moment was denormal). The flushed values are far below one ulp of any parameter they update.
 */
final class OptimizerCpu {
    private OptimizerCpu() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int GRAIN = 1 << 15;
    private static final float MIN_NORMAL = Float.MIN_NORMAL;

    private static float[] f(Tensor t) {
        return ((CpuStorage) t.storage()).f32();
    }

    private static double[] d(Tensor t) {
        return ((CpuStorage) t.storage()).f64();
    }

    static void adam(Op.AdamStep op, Tensor[] out, Tensor grad) {
        int n = (int) grad.numel();
        double bc1 = 1 - Math.pow(op.beta1(), op.step());
        double bc2Sqrt = Math.sqrt(1 - Math.pow(op.beta2(), op.step()));
        double stepSize = op.lr() / bc1;
        double decay = op.decoupled() ? 1 - op.lr() * op.weightDecay() : 1;
        double l2 = op.decoupled() ? 0 : op.weightDecay();
        double sign = op.maximize() ? -1 : 1;
        int po = out[0].layout().offset(), mo = out[1].layout().offset(), vo = out[2].layout().offset();
        int xo = op.amsgrad() ? out[3].layout().offset() : 0, go = grad.layout().offset();
        if (grad.dtype() == DType.FLOAT64) {
            double[] p = d(out[0]), m = d(out[1]), v = d(out[2]), g = d(grad), vmax = op.amsgrad() ? d(out[3]) : null;
            Parallel.forRange(n, GRAIN, (s, e) -> {
                for (int i = s; i < e; i++) {
                    double gi = sign * g[go + i] + l2 * p[po + i];
                    double pi = p[po + i] * decay;
                    double mi = m[mo + i] + (1 - op.beta1()) * (gi - m[mo + i]);
                    double vi = v[vo + i] * op.beta2() + (1 - op.beta2()) * gi * gi;
                    m[mo + i] = mi;
                    v[vo + i] = vi;
                    if (vmax != null) vi = vmax[xo + i] = Math.max(vmax[xo + i], vi);
                    p[po + i] = pi - stepSize * mi / (Math.sqrt(vi) / bc2Sqrt + op.eps());
                }
            });
            return;
        }
        float[] p = f(out[0]), m = f(out[1]), v = f(out[2]), g = f(grad), vmax = op.amsgrad() ? f(out[3]) : null;
        float b1 = (float) op.beta1(), b2 = (float) op.beta2(), eps = (float) op.eps();
        float fSign = (float) sign, fL2 = (float) l2, fDecay = (float) decay, fStep = (float) stepSize;
        // sqrt(v) / bc2Sqrt as sqrt(v) * (1 / bc2Sqrt): a 512-bit division costs as much as the rest
        // of the update, and this one differs from PyTorch's by at most an ulp of the denominator.
        float fInvBc2 = (float) (1 / bc2Sqrt);
        Parallel.forRange(n, GRAIN, (s, e) -> adamF32(p, po, m, mo, v, vo, vmax, xo, g, go, s, e,
                b1, b2, eps, fSign, fL2, fDecay, fStep, fInvBc2));
    }

    private static void adamF32(float[] p, int po, float[] m, int mo, float[] v, int vo, float[] vmax, int xo,
                                float[] g, int go, int s, int e, float b1, float b2, float eps, float sign,
                                float l2, float decay, float stepSize, float invBc2Sqrt) {
        int i = s;
        float c1 = 1 - b1, c2 = 1 - b2;
        for (int bound = s + S.loopBound(e - s); i < bound; i += L) {
            var pv = FloatVector.fromArray(S, p, po + i);
            var gv = FloatVector.fromArray(S, g, go + i).mul(sign).add(pv.mul(l2));
            var mv = FloatVector.fromArray(S, m, mo + i);
            mv = gv.sub(mv).fma(FloatVector.broadcast(S, c1), mv);
            mv = mv.blend(0f, mv.abs().compare(VectorOperators.LT, MIN_NORMAL));
            var vv = FloatVector.fromArray(S, v, vo + i).mul(b2).add(gv.mul(gv).mul(c2));
            vv = vv.blend(0f, vv.compare(VectorOperators.LT, MIN_NORMAL));
            mv.intoArray(m, mo + i);
            vv.intoArray(v, vo + i);
            if (vmax != null) {
                vv = vv.lanewise(VectorOperators.MAX, FloatVector.fromArray(S, vmax, xo + i));
                vv.intoArray(vmax, xo + i);
            }
            var denom = vv.sqrt().fma(invBc2Sqrt, eps);
            pv.mul(decay).sub(mv.mul(stepSize).div(denom)).intoArray(p, po + i);
        }
        for (; i < e; i++) {
            float gi = sign * g[go + i] + l2 * p[po + i];
            float mi = Math.fma(gi - m[mo + i], c1, m[mo + i]);
            if (Math.abs(mi) < MIN_NORMAL) mi = 0f;
            float vi = v[vo + i] * b2 + gi * gi * c2;
            if (vi < MIN_NORMAL) vi = 0f;
            m[mo + i] = mi;
            v[vo + i] = vi;
            if (vmax != null) vi = vmax[xo + i] = Math.max(vmax[xo + i], vi);
            p[po + i] = p[po + i] * decay - mi * stepSize / Math.fma((float) Math.sqrt(vi), invBc2Sqrt, eps);
        }
    }

    static void sgd(Op.SgdStep op, Tensor[] out, Tensor grad) {
        int n = (int) grad.numel();
        boolean momentum = op.momentum() != 0;
        double sign = op.maximize() ? -1 : 1;
        int po = out[0].layout().offset(), bo = momentum ? out[1].layout().offset() : 0, go = grad.layout().offset();
        if (grad.dtype() == DType.FLOAT64) {
            double[] p = d(out[0]), g = d(grad), buf = momentum ? d(out[1]) : null;
            Parallel.forRange(n, GRAIN, (s, e) -> {
                for (int i = s; i < e; i++) {
                    double gi = sign * g[go + i] + op.weightDecay() * p[po + i];
                    if (buf != null) {
                        double b = op.firstStep() ? gi : buf[bo + i] * op.momentum() + (1 - op.dampening()) * gi;
                        buf[bo + i] = b;
                        gi = op.nesterov() ? gi + op.momentum() * b : b;
                    }
                    p[po + i] -= op.lr() * gi;
                }
            });
            return;
        }
        float[] p = f(out[0]), g = f(grad), buf = momentum ? f(out[1]) : null;
        float lr = (float) op.lr(), mom = (float) op.momentum(), damp = 1 - (float) op.dampening();
        float wd = (float) op.weightDecay(), fs = (float) sign;
        boolean first = op.firstStep(), nesterov = op.nesterov();
        Parallel.forRange(n, GRAIN, (s, e) -> {
            for (int i = s; i < e; i++) {
                float gi = fs * g[go + i] + wd * p[po + i];
                if (buf != null) {
                    float b = first ? gi : buf[bo + i] * mom + damp * gi;
                    if (Math.abs(b) < MIN_NORMAL) b = 0f;
                    buf[bo + i] = b;
                    gi = nesterov ? gi + mom * b : b;
                }
                p[po + i] -= lr * gi;
            }
        });
    }
}
