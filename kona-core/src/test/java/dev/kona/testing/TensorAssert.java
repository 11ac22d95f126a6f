package dev.kona.testing;

import static org.junit.jupiter.api.Assertions.fail;

import dev.kona.DType;
import dev.kona.Kona;
import dev.kona.Tensor;
import dev.kona.testing.OpInfo.Tol;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/** Compares Kona tensors with reference arrays: dtype, shape, then values within a tolerance. */
public final class TensorAssert {
    private TensorAssert() {}

    /**
     * Asserts that {@code actual} has the expected dtype and shape, and values that match the
     * expected ones (rounded to the expected dtype first) within {@code tol}; NaN matches NaN and
     * infinities must match exactly. Integer and bool results must match exactly.
     */
    public static void assertClose(Tensor actual, Nd expected, Tol tol, String context) {
        if (actual.dtype() != expected.dtype) {
            fail(context + ": dtype " + actual.dtype() + ", expected " + expected.dtype);
        }
        if (!Arrays.equals(actual.shape(), expected.shape)) {
            fail(context + ": shape " + Arrays.toString(actual.shape()) + ", expected " + Arrays.toString(expected.shape));
        }
        double[] a = Nd.of(actual).data;
        double[] e = expected.data;
        boolean fp = expected.dtype.isFloatingPoint();
        int bad = 0, first = -1;
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            double ev = Ref.castValue(e[i], DType.FLOAT64, expected.dtype);
            double av = a[i];
            boolean ok;
            if (!fp) {
                ok = av == ev;
            } else if (Double.isNaN(ev) || Double.isNaN(av)) {
                ok = Double.isNaN(ev) && Double.isNaN(av);
            } else if (Double.isInfinite(ev) || Double.isInfinite(av)) {
                ok = av == ev;
            } else {
                double err = Math.abs(av - ev);
                ok = err <= tol.atol() + tol.rtol() * Math.abs(ev);
                if (!ok) worst = Math.max(worst, err);
            }
            if (!ok) {
                if (first < 0) first = i;
                bad++;
            }
        }
        if (bad > 0) {
            int[] idx = expected.shape.length == 0 ? new int[0] : Nd.unravel(first, expected.shape);
            fail(context + ": " + bad + " of " + e.length + " values differ (rtol " + tol.rtol() + ", atol " + tol.atol()
                    + "); first at " + Arrays.toString(idx) + ": got " + a[first] + ", expected "
                    + Ref.castValue(e[first], DType.FLOAT64, expected.dtype) + (worst > 0 ? "; largest error " + worst : ""));
        }
    }

    /**
     * Runs {@code f} on 1, 2 and 4 threads and asserts every result bit-equal to the 1-thread one.
     * Leaves the thread count at 4: callers restore it.
     */
    public static void assertSameForAnyThreadCount(String what, Supplier<List<Tensor>> f) {
        Kona.setNumThreads(1);
        List<Tensor> one = f.get();
        for (int threads : new int[] {2, 4}) {
            Kona.setNumThreads(threads);
            List<Tensor> other = f.get();
            for (int i = 0; i < one.size(); i++) {
                assertBitEqual(one.get(i), other.get(i), what + " result " + i + ", " + threads + " threads");
            }
        }
    }

    /** Bit-for-bit equality of two tensors of the same dtype and shape. */
    public static void assertBitEqual(Tensor expected, Tensor actual, String context) {
        if (expected.dtype() != actual.dtype() || !Arrays.equals(expected.shape(), actual.shape())) {
            fail(context + ": " + expected.dtype() + Arrays.toString(expected.shape()) + " vs " + actual.dtype()
                    + Arrays.toString(actual.shape()));
        }
        if (expected.dtype() == DType.FLOAT32) {
            float[] x = expected.toFloatArray(), y = actual.toFloatArray();
            for (int i = 0; i < x.length; i++) {
                if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(y[i])) {
                    fail(context + ": element " + i + " differs: " + x[i] + " vs " + y[i]);
                }
            }
        } else {
            double[] x = expected.toDoubleArray(), y = actual.toDoubleArray();
            for (int i = 0; i < x.length; i++) {
                if (Double.doubleToRawLongBits(x[i]) != Double.doubleToRawLongBits(y[i])) {
                    fail(context + ": element " + i + " differs: " + x[i] + " vs " + y[i]);
                }
            }
        }
    }
}
