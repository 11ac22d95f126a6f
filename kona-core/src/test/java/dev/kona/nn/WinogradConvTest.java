package dev.kona.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.DType;
import dev.kona.Generator;
import dev.kona.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Winograd path of conv2d (3x3, stride 1, enough channels) against the im2col composition
 * written out here (unfold, matmul, reshape) run in float64 on the same values: forward and the
 * gradients of input, weight and bias, on shapes the op database keeps small for its finite
 * differences. float32 images of 8 and more take F(4x4, 3x3), which rounds about ten times as
 * much as F(2x2, 3x3); each gets its own bound, so either path drifting shows.
 */
class WinogradConvTest {
    /** Largest error against the largest magnitude, per path (measured: about 5e-7 and 5e-6 on these shapes). */
    private static final double F2_RTOL = 2e-6, F4_RTOL = 2e-5;

    /** The bound of a float32 convolution of x [N, C, h, w] with this padding: F(4x4)'s where conv2d takes it. */
    private static double f32Rtol(Tensor x, int pad) {
        int h = x.size(2), w = x.size(3);
        return Math.min(Math.min(h, w), Math.min(h, w) + 2 * pad - 2) >= 8 ? F4_RTOL : F2_RTOL;
    }

    /** {@link #assertClose} against the float64 leaves' gradients and output (the reference). */
    private static void assertMatches(Tensor ye, List<Tensor> e, Tensor ya, List<Tensor> a, double rtol, String suffix) {
        assertClose(ye, ya.to(DType.FLOAT64), rtol, "output" + suffix);
        String[] names = {"input", "weight", "bias"};
        for (int i = 0; i < a.size(); i++) {
            assertClose(e.get(i).grad(), a.get(i).grad().to(DType.FLOAT64), rtol, names[i] + " gradient" + suffix);
        }
    }

    /** conv2d through unfold and matmul: the im2col path, whatever conv2d itself chooses. */
    private static Tensor im2colConv(Tensor x, Tensor w, Tensor b, int pad) {
        int n = x.size(0), k = w.size(0), oh = x.size(2) + 2 * pad - 2, ow = x.size(3) + 2 * pad - 2;
        Tensor cols = F.unfold(x, new int[] {3}, new int[] {1}, new int[] {pad}, new int[] {1});
        return w.reshape(k, -1).matmul(cols).reshape(n, k, oh, ow).add(b.reshape(k, 1, 1));
    }

    private static void assertClose(Tensor expected, Tensor actual, double rtol, String what) {
        double scale = expected.abs().max().item();
        double err = expected.sub(actual).abs().max().item();
        assertTrue(err <= rtol * scale, what + ": max error " + err + " against max magnitude " + scale);
    }

    @ParameterizedTest(name = "[{0}, {1}, {2}x{3}] -> {4}, padding {5}, {6}")
    @CsvSource({
            "2, 16, 8, 8, 16, 1, float32",
            "3, 16, 7, 9, 24, 1, float32",
            "1, 32, 5, 6, 16, 0, float32",
            "2, 16, 4, 3, 16, 2, float32",
            "1, 16, 1, 1, 16, 1, float32",
            "2, 16, 6, 5, 16, 1, float64",
            // rows of more than one vector of tiles; blocks that split an image; the direct input gradient (padding 3)
            "3, 64, 34, 35, 16, 1, float32",
            "2, 16, 9, 8, 16, 3, float32",
            // F(4x4, 3x3): partial tiles at the right and bottom edges, padding 0 and 2
            "2, 32, 13, 11, 24, 0, float32",
            "1, 16, 8, 30, 16, 2, float32"})
    void matchesIm2col(int n, int c, int h, int w, int k, int pad, String dtype) {
        var g = new Generator(n * 1000L + c + h + w + k + pad);
        DType dt = DType.of(dtype);
        Tensor x0 = Tensor.randn(g, n, c, h, w).to(dt), w0 = Tensor.randn(g, k, c, 3, 3).mul(0.2).to(dt);
        Tensor b0 = Tensor.randn(g, k).to(dt);
        assertTrue(ConvOps.winograd(new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, 1, c, k), "the Winograd path is taken");
        double rtol = dt == DType.FLOAT64 ? 1e-12 : f32Rtol(x0, pad);

        List<Tensor> a = leaves(x0, w0, b0), e = leaves64(x0, w0, b0);
        Tensor ya = F.conv2d(a.get(0), a.get(1), a.get(2), new int[] {1}, new int[] {pad}, new int[] {1}, 1);
        Tensor ye = im2colConv(e.get(0), e.get(1), e.get(2), pad);
        Tensor gy = Tensor.randn(g, ye.shape()).to(dt);
        ya.backward(gy);
        ye.backward(gy.to(DType.FLOAT64));
        assertMatches(ye, e, ya, a, rtol, "");
    }

    /** y.sum()'s gradient is a broadcast scalar (stride 0 everywhere), which the transforms read as such. */
    @Test
    void broadcastOutputGradient() {
        var g = new Generator(9);
        Tensor x0 = Tensor.randn(g, 2, 16, 9, 20), w0 = Tensor.randn(g, 16, 16, 3, 3).mul(0.2), b0 = Tensor.randn(g, 16);
        List<Tensor> a = leaves(x0, w0, b0), e = leaves64(x0, w0, b0);
        Tensor ya = F.conv2d(a.get(0), a.get(1), a.get(2), new int[] {1}, new int[] {1}, new int[] {1}, 1);
        Tensor ye = im2colConv(e.get(0), e.get(1), e.get(2), 1);
        ya.sum().backward();
        ye.sum().backward();
        assertMatches(ye, e, ya, a, f32Rtol(x0, 1), "");
    }

    /**
     * The transform buffers are reused from call to call on each thread. A convolution of an input
     * full of NaN leaves NaN in them (larger geometry first, so every later buffer lies inside it);
     * the smaller, clean convolutions after it must not read any of it, in any pass.
     */
    @Test
    void reusedBuffersNeverLeakIntoALaterCall() {
        var g = new Generator(21);
        Tensor poisoned = Tensor.full(new int[] {4, 64, 30, 30}, Float.NaN).requiresGrad(true);
        Tensor pw = Tensor.randn(g, 64, 64, 3, 3).requiresGrad(true);
        F.conv2d(poisoned, pw, null, new int[] {1}, new int[] {1}, new int[] {1}, 1).sum().backward();
        for (int pad = 0; pad <= 2; pad++) {
            Tensor x0 = Tensor.randn(g, 3, 32, 7 + pad, 11), w0 = Tensor.randn(g, 16, 32, 3, 3).mul(0.2), b0 = Tensor.randn(g, 16);
            List<Tensor> a = leaves(x0, w0, b0), e = leaves64(x0, w0, b0);
            Tensor ya = F.conv2d(a.get(0), a.get(1), a.get(2), new int[] {1}, new int[] {pad}, new int[] {1}, 1);
            Tensor ye = im2colConv(e.get(0), e.get(1), e.get(2), pad);
            Tensor gy = Tensor.randn(g, ye.shape());
            ya.backward(gy);
            ye.backward(gy.to(DType.FLOAT64));
            assertMatches(ye, e, ya, a, f32Rtol(x0, pad), ", padding " + pad);
        }
    }

    private static List<Tensor> leaves64(Tensor... ts) {
        return java.util.Arrays.stream(ts).map(t -> t.detach().to(DType.FLOAT64).requiresGrad(true)).toList();
    }

    private static List<Tensor> leaves(Tensor... ts) {
        return java.util.Arrays.stream(ts).map(t -> t.detach().copy().requiresGrad(true)).toList();
    }
}
