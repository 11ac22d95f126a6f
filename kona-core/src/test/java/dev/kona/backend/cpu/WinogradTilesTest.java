package dev.kona.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.DType;
import dev.kona.Generator;
import dev.kona.Tensor;
import dev.kona.ops.Op;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Both tile sizes of {@link WinogradCpu}, each pass called directly: float32 F(2x2, 3x3) and
 * F(4x4, 3x3) against float64 F(2x2, 3x3) on the same values, on sizes that leave partial tiles,
 * split images across blocks and pad by 0 to 2 (conv2d picks the tile size by image size, so
 * small images would never reach F(4x4) through it).
 */
class WinogradTilesTest {

    @ParameterizedTest(name = "[{0}, {1}, {2}x{3}] -> {4}, padding {5}")
    @CsvSource({
            "2, 16, 8, 8, 16, 1",
            "1, 16, 5, 7, 16, 0",
            "2, 24, 13, 6, 16, 2",
            "3, 64, 30, 33, 32, 1",
            "1, 16, 3, 3, 16, 1"})
    void bothTileSizesMatchFloat64(int n, int c, int h, int w, int k, int pad) {
        var g = new Generator(31L * n + c + h + w + k + pad);
        int oh = h + 2 * pad - 2, ow = w + 2 * pad - 2;
        Tensor x = Tensor.randn(g, n, c, h, w), wt = Tensor.randn(g, k, c, 3, 3).mul(0.2), dy = Tensor.randn(g, n, k, oh, ow);
        var fwd = new Op.Conv3x3(h, w, pad, pad, oh, ow, Op.ConvPass.FORWARD);
        Tensor[] ref = passes(fwd, x.to(DType.FLOAT64), wt.to(DType.FLOAT64), dy.to(DType.FLOAT64), 2);
        String[] names = {"output", "input gradient", "weight gradient"};
        for (int m : new int[] {2, 4}) {
            Tensor[] got = passes(fwd, x, wt, dy, m);
            for (int i = 0; i < 3; i++) {
                double scale = ref[i].abs().max().item(), err = ref[i].sub(got[i].to(DType.FLOAT64)).abs().max().item();
                // measured: up to ~6e-7 for F(2x2) and ~6e-6 for F(4x4) of the largest magnitude
                double rtol = m == 2 ? 2e-6 : 2e-5;
                assertTrue(err <= rtol * scale, "F(" + m + "x" + m + ") " + names[i] + ": max error " + err + " against " + scale);
            }
        }
    }

    /**
     * Inputs in other layouts reach the transforms as strides: channels-last views (the Keras
     * layers' layout, column stride C), every other column of a wider image, and a broadcast
     * output gradient (stride 0, as for {@code y.sum()}).
     */
    @org.junit.jupiter.api.Test
    void stridedAndBroadcastInputs() {
        var g = new Generator(77);
        int n = 2, c = 16, h = 12, w = 10, k = 16, pad = 1, oh = h, ow = w;
        Tensor xLast = Tensor.randn(g, n, h, w, c).permute(0, 3, 1, 2);
        Tensor xStepped = Tensor.randn(g, n, c, h, 2 * w).slice(3, 0, 2 * w, 2);
        Tensor wt = Tensor.randn(g, k, c, 3, 3).mul(0.2);
        Tensor dyLast = Tensor.randn(g, n, oh, ow, k).permute(0, 3, 1, 2);
        Tensor dyBroadcast = Tensor.ones(1, 1, 1, 1).expand(n, k, oh, ow);
        var fwd = new Op.Conv3x3(h, w, pad, pad, oh, ow, Op.ConvPass.FORWARD);
        String[] names = {"output", "input gradient", "weight gradient"};
        for (Tensor x : new Tensor[] {xLast, xStepped}) {
            for (Tensor dy : new Tensor[] {dyLast, dyBroadcast}) {
                Tensor[] ref = passes(fwd, x.to(DType.FLOAT64), wt.to(DType.FLOAT64), dy.to(DType.FLOAT64), 2);
                Tensor[] got = passes(fwd, x, wt, dy, 4);
                for (int i = 0; i < 3; i++) {
                    double scale = ref[i].abs().max().item(), err = ref[i].sub(got[i].to(DType.FLOAT64)).abs().max().item();
                    assertTrue(err <= 2e-5 * scale, names[i] + " with x strides " + java.util.Arrays.toString(x.stride())
                            + ", dy strides " + java.util.Arrays.toString(dy.stride()) + ": max error " + err + " against " + scale);
                }
            }
        }
    }

    /** The forward output, input gradient and weight gradient of one geometry with m x m output tiles. */
    private static Tensor[] passes(Op.Conv3x3 fwd, Tensor x, Tensor w, Tensor dy, int m) {
        DType dt = x.dtype();
        Tensor y = Tensor.zeros(dy.shape()).to(dt), dx = Tensor.zeros(x.shape()).to(dt), dw = Tensor.zeros(w.shape()).to(dt);
        WinogradCpu.run(fwd, y, x, w, m);
        WinogradCpu.run(fwd.as(Op.ConvPass.INPUT_GRAD), dx, dy, w, m);
        WinogradCpu.run(fwd.as(Op.ConvPass.WEIGHT_GRAD), dw, dy, x, m);
        return new Tensor[] {y, dx, dw};
    }

    @org.junit.jupiter.api.Test
    void float64HasNoFourByFourTiles() {
        var op = new Op.Conv3x3(8, 8, 1, 1, 8, 8, Op.ConvPass.FORWARD);
        Tensor x = Tensor.zeros(1, 16, 8, 8).to(DType.FLOAT64), w = Tensor.zeros(16, 16, 3, 3).to(DType.FLOAT64);
        var e = assertThrows(IllegalArgumentException.class,
                () -> WinogradCpu.run(op, Tensor.zeros(1, 16, 8, 8).to(DType.FLOAT64), x, w, 4));
        assertEquals("conv3x3: Winograd tiles of 4x4 are not available for float64 (F(2x2, 3x3) for float32 and float64, "
                + "F(4x4, 3x3) for float32)", e.getMessage());
    }
}
