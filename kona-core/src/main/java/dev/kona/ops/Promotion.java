package dev.kona.ops;

import dev.kona.DType;
import dev.kona.Tensor;

/**
 * PyTorch's result-type rule for several operands. Operands fall in three priority classes:
 * tensors with dimensions, 0-d tensors, and wrapped Java numbers. A lower class only raises the
 * result when it is of a higher category (bool &lt; integer &lt; floating), and a wrapped floating
 * number counts as the default float type: {@code int32 tensor + 2} stays int32,
 * {@code float16 tensor + 2.5} stays float16, {@code int64 tensor * 0.5} becomes float32.
 */
public final class Promotion {
    private Promotion() {}

    public static DType resultType(Tensor... operands) {
        DType dim = null, zero = null, wrapped = null;
        for (Tensor t : operands) {
            DType d = t.dtype();
            if (t.isWrappedNumber()) {
                DType w = d.isFloatingPoint() ? DType.DEFAULT_FLOAT : d.isInteger() ? DType.INT64 : d;
                wrapped = wrapped == null ? w : DType.promote(wrapped, w);
            } else if (t.dim() == 0) {
                zero = zero == null ? d : DType.promote(zero, d);
            } else {
                dim = dim == null ? d : DType.promote(dim, d);
            }
        }
        return combine(dim, combine(zero, wrapped));
    }

    private static DType combine(DType higher, DType lower) {
        if (higher == null) return lower;
        if (lower == null) return higher;
        if (higher.isFloatingPoint()) return higher;
        if (higher == DType.BOOL || lower.isFloatingPoint()) return DType.promote(higher, lower);
        return higher;
    }
}
