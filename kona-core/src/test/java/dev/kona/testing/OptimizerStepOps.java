package dev.kona.testing;

import static dev.kona.testing.Make.s;

import dev.kona.DType;
import dev.kona.Generator;
import dev.kona.Tensor;
import dev.kona.ops.Op;
import dev.kona.ops.OptimizerOps;
import java.util.ArrayList;
import dev.kona.testing.OpInfo.Sample;
import java.util.List;

/**
 * The fused optimizer updates ({@link Op.AdamStep}, {@link Op.SgdStep}). Each entry updates copies
 * of (param, state) and returns them concatenated; the reference is PyTorch's single-tensor
 * algorithm written over plain float64 arrays.
 */
final class OptimizerStepOps {
    private OptimizerStepOps() {}

    private static final double LR = 0.05, B1 = 0.9, B2 = 0.99, EPS = 1e-8, WD = 0.1, MOM = 0.9, DAMP = 0.1;
    private static final long STEP = 3;

    private static Tensor fill(Generator g, DType dt, double lo, double hi, int n) {
        return Tensor.rand(g, n).mul(hi - lo).add(lo).to(dt);
    }

    /** (param, grad, expAvg, expAvgSq, maxExpAvgSq) with plausible state after a few steps. */
    private static List<Tensor> adamInputs(Generator g, DType dt, int n) {
        return List.of(fill(g, dt, -1, 1, n), fill(g, dt, -1, 1, n), fill(g, dt, -0.1, 0.1, n), fill(g, dt, 0, 0.01, n),
                fill(g, dt, 0.005, 0.02, n));
    }

    static List<OpInfo> all() {
        List<OpInfo> ops = new ArrayList<>();
        ops.add(OpInfo.builder("adamStep")
                .exercises("AdamStep")
                .samples(g -> {
                    List<Sample> out = new ArrayList<>();
                    for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                        for (int n : new int[] {1, 17, 100, 1000}) {
                            for (int variant = 0; variant < 4; variant++) {
                                out.add(s(dt + " n=" + n + " variant=" + variant, adamInputs(g, dt, n), variant));
                            }
                        }
                    }
                    return out;
                })
                .op1((in, a) -> {
                    int variant = a.i(0);
                    boolean decoupled = (variant & 1) != 0, amsgrad = (variant & 2) != 0;
                    // Parameters are leaves and their state lives outside any graph, as in an optimizer.
                    Tensor p = in.get(0).detach().copy(), m = in.get(2).detach().copy(), v = in.get(3).detach().copy();
                    Tensor vmax = in.get(4).detach().copy();
                    OptimizerOps.adamStep(new Op.AdamStep(LR, B1, B2, EPS, WD, decoupled, amsgrad, false, STEP), p, in.get(1).detach(),
                            m, v, amsgrad ? vmax : null);
                    return Tensor.cat(List.of(p, m, v, vmax), 0);
                })
                .ref1((in, a) -> {
                    int variant = a.i(0);
                    boolean decoupled = (variant & 1) != 0, amsgrad = (variant & 2) != 0;
                    int n = in.get(0).numel();
                    double[] p = in.get(0).data.clone(), g = in.get(1).data, m = in.get(2).data.clone();
                    double[] v = in.get(3).data.clone(), vmax = in.get(4).data.clone();
                    double bc1 = 1 - Math.pow(B1, STEP), bc2 = Math.sqrt(1 - Math.pow(B2, STEP));
                    for (int i = 0; i < n; i++) {
                        double gi = g[i];
                        if (decoupled) p[i] *= 1 - LR * WD;
                        else gi += WD * p[i];
                        m[i] = m[i] + (1 - B1) * (gi - m[i]);
                        v[i] = v[i] * B2 + (1 - B2) * gi * gi;
                        double vi = v[i];
                        if (amsgrad) vi = vmax[i] = Math.max(vmax[i], v[i]);
                        p[i] -= LR / bc1 * m[i] / (Math.sqrt(vi) / bc2 + EPS);
                    }
                    return concat(in.get(0).dtype, p, m, v, vmax);
                })
                .sameLayoutOnly()
                .noGradient()
                .f32(1e-5, 1e-6)
                .error("state shape differs", () -> {
                    OptimizerOps.adamStep(new Op.AdamStep(LR, B1, B2, EPS, 0, false, false, false, 1), Tensor.zeros(3),
                            Tensor.zeros(3), Tensor.zeros(4), Tensor.zeros(3), null);
                    return null;
                }, "adam", "[4]", "[3]")
                .error("non-contiguous parameter", () -> {
                    Tensor p = Tensor.zeros(3, 2).t();
                    OptimizerOps.adamStep(new Op.AdamStep(LR, B1, B2, EPS, 0, false, false, false, 1), p, Tensor.zeros(2, 3),
                            Tensor.zeros(2, 3), Tensor.zeros(2, 3), null);
                    return null;
                }, "adam", "contiguous")
                .build());
        ops.add(OpInfo.builder("sgdStep")
                .exercises("SgdStep")
                .samples(g -> {
                    List<Sample> out = new ArrayList<>();
                    for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                        for (int n : new int[] {1, 33, 1000}) {
                            for (int variant = 0; variant < 4; variant++) {
                                out.add(s(dt + " n=" + n + " variant=" + variant, List.of(fill(g, dt, -1, 1, n),
                                        fill(g, dt, -1, 1, n), fill(g, dt, -0.5, 0.5, n)), variant));
                            }
                        }
                    }
                    return out;
                })
                .op1((in, a) -> {
                    int variant = a.i(0);
                    boolean nesterov = (variant & 1) != 0, first = (variant & 2) != 0;
                    Tensor p = in.get(0).detach().copy(), buf = in.get(2).detach().copy();
                    OptimizerOps.sgdStep(new Op.SgdStep(LR, MOM, nesterov ? 0 : DAMP, WD, nesterov, false, first), p,
                            in.get(1).detach(), buf);
                    return Tensor.cat(List.of(p, buf), 0);
                })
                .ref1((in, a) -> {
                    int variant = a.i(0);
                    boolean nesterov = (variant & 1) != 0, first = (variant & 2) != 0;
                    double damp = nesterov ? 0 : DAMP;
                    int n = in.get(0).numel();
                    double[] p = in.get(0).data.clone(), g = in.get(1).data, buf = in.get(2).data.clone();
                    for (int i = 0; i < n; i++) {
                        double gi = g[i] + WD * p[i];
                        buf[i] = first ? gi : buf[i] * MOM + (1 - damp) * gi;
                        gi = nesterov ? gi + MOM * buf[i] : buf[i];
                        p[i] -= LR * gi;
                    }
                    return concat(in.get(0).dtype, p, buf);
                })
                .sameLayoutOnly()
                .noGradient()
                .f32(1e-5, 1e-6)
                .error("momentum without a buffer", () -> {
                    OptimizerOps.sgdStep(new Op.SgdStep(LR, MOM, 0, 0, false, false, true), Tensor.zeros(3), Tensor.zeros(3), null);
                    return null;
                }, "sgd", "momentum")
                .build());
        return ops;
    }

    private static Nd concat(DType dt, double[]... parts) {
        int n = 0;
        for (double[] p : parts) n += p.length;
        double[] all = new double[n];
        int at = 0;
        for (double[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return new Nd(new int[] {n}, all, dt);
    }
}
