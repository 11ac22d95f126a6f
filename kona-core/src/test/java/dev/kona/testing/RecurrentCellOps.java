package dev.kona.testing;

import static dev.kona.testing.Make.s;

import dev.kona.DType;
import dev.kona.Generator;
import dev.kona.Tensor;
import dev.kona.ops.RecurrentOps;
import dev.kona.testing.OpInfo.Sample;
import java.util.ArrayList;
import java.util.List;

/**
 * The fused LSTM cell ({@link dev.kona.ops.Op.LstmCell}), both passes, against float64 loops. Not
 * differentiable by autograd (the recurrent scan differentiates through it by hand; RecurrentTest
 * checks the scan's gradients against finite differences and PyTorch).
 */
final class RecurrentCellOps {
    private RecurrentCellOps() {}

    /** Batch and hidden sizes: one unit, a vector's width crossed, several vectors and a tail. */
    private static final int[][] SIZES = {{1, 1}, {3, 5}, {2, 20}, {4, 37}};

    static List<OpInfo> all() {
        return List.of(forward(), backward());
    }

    private static Tensor fill(Generator g, DType dt, double lo, double hi, int... shape) {
        return Make.fill(g, dt, Make.uniform(lo, hi), shape);
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static OpInfo forward() {
        return OpInfo.builder("lstmCell")
                .exercises("LstmCell")
                .samples(g -> {
                    List<Sample> out = new ArrayList<>();
                    for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                        for (int[] bh : SIZES) {
                            out.add(s(dt + " B=" + bh[0] + " H=" + bh[1],
                                    List.of(fill(g, dt, -4, 4, bh[0], 4 * bh[1]), fill(g, dt, -2, 2, bh[0], bh[1]))));
                        }
                    }
                    return out;
                })
                .op((in, a) -> List.of(RecurrentOps.lstmCell(in.get(0), in.get(1))))
                .ref((in, a) -> {
                    Nd gates = in.get(0), c = in.get(1);
                    int rows = c.shape[0], hid = c.shape[1];
                    double[] act = new double[rows * 4 * hid], c2 = new double[rows * hid], tc = new double[rows * hid];
                    double[] h = new double[rows * hid];
                    for (int r = 0; r < rows; r++) {
                        for (int j = 0; j < 4 * hid; j++) {
                            double x = gates.data[r * 4 * hid + j];
                            act[r * 4 * hid + j] = j / hid == 2 ? Math.tanh(x) : sigmoid(x);
                        }
                        for (int j = 0; j < hid; j++) {
                            int k = r * 4 * hid, u = r * hid + j;
                            c2[u] = act[k + hid + j] * c.data[u] + act[k + j] * act[k + 2 * hid + j];
                            tc[u] = Math.tanh(c2[u]);
                            h[u] = act[k + 3 * hid + j] * tc[u];
                        }
                    }
                    return List.of(new Nd(c.shape, h, c.dtype), new Nd(c.shape, c2, c.dtype), new Nd(gates.shape, act, c.dtype),
                            new Nd(c.shape, tc, c.dtype));
                })
                .noGradient()
                .f32(1e-5, 1e-6)
                .error("c narrower than a gate", () -> RecurrentOps.lstmCell(Tensor.zeros(2, 8), Tensor.zeros(2, 3)),
                        "lstmCell", "[2, 8]", "[2, 3]")
                .error("mixed dtypes", () -> RecurrentOps.lstmCell(Tensor.zeros(2, 8),
                        Tensor.zeros(new int[] {2, 2}, DType.FLOAT64)), "lstmCell", "float32", "float64")
                .error("h of another shape", () -> RecurrentOps.lstmCell(Tensor.zeros(2, 8), Tensor.zeros(2, 2), Tensor.zeros(2, 3)),
                        "lstmCell", "h must be", "[2, 2]", "[2, 3]")
                .build();
    }

    private static OpInfo backward() {
        return OpInfo.builder("lstmCellBackward")
                .exercises("LstmCell")
                .samples(g -> {
                    List<Sample> out = new ArrayList<>();
                    for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                        for (int[] bh : SIZES) {
                            int b = bh[0], hid = bh[1];
                            out.add(s(dt + " B=" + b + " H=" + hid, List.of(fill(g, dt, 0.02, 0.98, b, 4 * hid),
                                    fill(g, dt, -0.95, 0.95, b, hid), fill(g, dt, -2, 2, b, hid), fill(g, dt, -1, 1, b, hid),
                                    fill(g, dt, -1, 1, b, hid))));
                        }
                    }
                    return out;
                })
                .op((in, a) -> List.of(RecurrentOps.lstmCellBackward(in.get(0), in.get(1), in.get(2), in.get(3), in.get(4))))
                .ref((in, a) -> {
                    Nd act = in.get(0), tc = in.get(1), c = in.get(2), dh = in.get(3), dc = in.get(4);
                    int rows = c.shape[0], hid = c.shape[1];
                    double[] dg = new double[rows * 4 * hid], dcPrev = new double[rows * hid];
                    for (int r = 0; r < rows; r++) {
                        for (int j = 0; j < hid; j++) {
                            int k = r * 4 * hid, u = r * hid + j;
                            double i = act.data[k + j], f = act.data[k + hid + j], gg = act.data[k + 2 * hid + j];
                            double o = act.data[k + 3 * hid + j], t = tc.data[u];
                            double dct = dc.data[u] + dh.data[u] * o * (1 - t * t);
                            dg[k + j] = dct * gg * i * (1 - i);
                            dg[k + hid + j] = dct * c.data[u] * f * (1 - f);
                            dg[k + 2 * hid + j] = dct * i * (1 - gg * gg);
                            dg[k + 3 * hid + j] = dh.data[u] * t * o * (1 - o);
                            dcPrev[u] = dct * f;
                        }
                    }
                    return List.of(new Nd(act.shape, dg, c.dtype), new Nd(c.shape, dcPrev, c.dtype));
                })
                .noGradient()
                .f32(1e-5, 1e-6)
                .error("dh of another batch", () -> RecurrentOps.lstmCellBackward(Tensor.zeros(2, 8), Tensor.zeros(2, 2),
                        Tensor.zeros(2, 2), Tensor.zeros(3, 2), Tensor.zeros(2, 2)), "lstmCellBackward", "[3, 2]")
                .error("dgates not contiguous", () -> RecurrentOps.lstmCellBackward(Tensor.zeros(2, 8), Tensor.zeros(2, 2),
                        Tensor.zeros(2, 2), Tensor.zeros(2, 2), Tensor.zeros(2, 2), Tensor.zeros(8, 2).t()), "lstmCellBackward",
                        "dgates must be", "non-contiguous")
                .build();
    }
}
