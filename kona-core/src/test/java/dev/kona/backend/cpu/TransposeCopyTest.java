package dev.kona.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kona.Generator;
import dev.kona.Kona;
import dev.kona.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The blocked-transpose path of {@code ElementwiseCpu.copy}: float32 copies of permuted views whose
 * two inner dimensions swap strides (channels last to channels first and back, a transposed
 * matrix, a slice of one), with sizes that leave edge rows and columns, against the element the
 * view's own index arithmetic names; and copies into a strided destination ({@code cat}).
 */
class TransposeCopyTest {
    private static final Generator G = new Generator(5);

    /** The view's elements in row-major order of its shape, read through shape, strides and offset. */
    private static float[] expected(float[] storage, int[] shape, int[] strides, int offset) {
        int n = 1;
        for (int s : shape) n *= s;
        float[] out = new float[n];
        int[] idx = new int[shape.length];
        for (int k = 0; k < n; k++) {
            int pos = offset;
            for (int d = 0; d < shape.length; d++) pos += idx[d] * strides[d];
            out[k] = storage[pos];
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) break;
                idx[d] = 0;
            }
        }
        return out;
    }

    private static void check(Tensor base, int... perm) {
        float[] storage = base.contiguous().toFloatArray();
        Tensor view = base.permute(perm);
        int[] baseStrides = new int[base.dim()];
        for (int d = base.dim() - 1, s = 1; d >= 0; d--) {
            baseStrides[d] = s;
            s *= base.size(d);
        }
        int[] strides = new int[perm.length];
        for (int d = 0; d < perm.length; d++) strides[d] = baseStrides[perm[d]];
        assertArrayEquals(expected(storage, view.shape(), strides, 0), view.contiguous().toFloatArray(),
                java.util.Arrays.toString(base.shape()) + " permuted " + java.util.Arrays.toString(perm));
    }

    @Test
    void permutedViewsCopyAsTheirIndexesSay() {
        check(Tensor.randn(G, 3, 20, 33, 17), 0, 3, 1, 2);   // NHWC -> NCHW: 17 channels, 20*33 pixels
        check(Tensor.randn(G, 3, 20, 33, 17), 0, 2, 3, 1);   // NCHW -> NHWC
        check(Tensor.randn(G, 2, 26, 26, 32), 0, 3, 1, 2);   // mnist-cnn's second layer, whole blocks
        check(Tensor.randn(G, 48, 64), 1, 0);
        check(Tensor.randn(G, 17, 31), 1, 0);
        check(Tensor.randn(G, 5, 16, 16), 0, 2, 1);
        check(Tensor.randn(G, 4, 15, 40), 0, 2, 1);           // 15 rows: the element loop
    }

    @Test
    void slicesAndDestinationsWithStrides() {
        Tensor m = Tensor.randn(G, 40, 50);
        Tensor slice = m.narrow(0, 3, 30).narrow(1, 5, 40).t();   // [40, 30], offset, row stride 50
        float[] all = m.toFloatArray();
        assertArrayEquals(expected(all, new int[] {40, 30}, new int[] {1, 50}, 3 * 50 + 5), slice.contiguous().toFloatArray());
        // cat writes each part into a strided slice of its output
        Tensor a = Tensor.randn(G, 20, 36), b = Tensor.randn(G, 20, 36);
        Tensor c = Tensor.cat(java.util.List.of(a.t(), b.t()), 1);   // [36, 40]
        float[] fc = c.toFloatArray(), fa = a.toFloatArray(), fb = b.toFloatArray();
        for (int i = 0; i < 36; i++) {
            for (int j = 0; j < 20; j++) {
                assertEquals(fa[j * 36 + i], fc[i * 40 + j]);
                assertEquals(fb[j * 36 + i], fc[i * 40 + 20 + j]);
            }
        }
    }

    @Test
    void oneAndTwoThreadsGiveTheSameBits() {
        Tensor x = Tensor.randn(G, 8, 30, 30, 32).permute(0, 3, 1, 2);
        int before = Kona.numThreads();
        try {
            Kona.setNumThreads(1);
            float[] one = x.contiguous().toFloatArray();
            Kona.setNumThreads(2);
            assertArrayEquals(one, x.contiguous().toFloatArray());
        } finally {
            Kona.setNumThreads(before);
        }
    }
}
