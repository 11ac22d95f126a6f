package dev.kona.backend;

import dev.kona.DType;
import java.lang.foreign.MemorySegment;

/**
 * The Java arrays that hold a dtype's elements on the host ({@link Backend#fromHost},
 * {@link Backend#toHost}, CPU storage): {@code float[]}, {@code double[]}, {@code int[]},
 * {@code long[]}, {@code byte[]} (bool: 0 or 1) and {@code short[]} (float16 and bfloat16 bits).
 */
public final class HostArrays {
    private HostArrays() {}

    /** The array type a dtype is stored in. */
    public static Class<?> type(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> float[].class;
            case FLOAT64 -> double[].class;
            case INT32 -> int[].class;
            case INT64 -> long[].class;
            case BOOL -> byte[].class;
            case FLOAT16, BFLOAT16 -> short[].class;
        };
    }

    /** A zero-filled array of {@code length} elements of the dtype's host type. */
    public static Object allocate(DType dtype, int length) {
        return switch (dtype) {
            case FLOAT32 -> new float[length];
            case FLOAT64 -> new double[length];
            case INT32 -> new int[length];
            case INT64 -> new long[length];
            case BOOL -> new byte[length];
            case FLOAT16, BFLOAT16 -> new short[length];
        };
    }

    /** A heap segment over a host array, for bulk copies to and from native memory. */
    public static MemorySegment segment(Object array) {
        return switch (array) {
            case float[] a -> MemorySegment.ofArray(a);
            case double[] a -> MemorySegment.ofArray(a);
            case int[] a -> MemorySegment.ofArray(a);
            case long[] a -> MemorySegment.ofArray(a);
            case byte[] a -> MemorySegment.ofArray(a);
            case short[] a -> MemorySegment.ofArray(a);
            default -> throw new IllegalArgumentException("HostArrays.segment: expected a float[], double[], int[], long[], "
                    + "byte[] or short[], got " + array.getClass().getSimpleName());
        };
    }

    /** The bfloat16 bits of a float: round to nearest even, NaN kept quiet. */
    public static short floatToBfloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x40);
        int rounded = bits + 0x7fff + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }

    public static float bfloat16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }
}
