package dev.kona.backend.cpu;

import dev.kona.DType;
import dev.kona.backend.HostArrays;

/**
 * Reads and writes single elements of any dtype's host array as double or long: the generic,
 * non-hot paths (integer and bool arithmetic, conversions, indexing). Hot float32 paths use typed
 * arrays directly.
 */
final class Elements {
    private Elements() {}

    static double getD(Object arr, DType dt, int i) {
        return switch (dt) {
            case FLOAT32 -> ((float[]) arr)[i];
            case FLOAT64 -> ((double[]) arr)[i];
            case INT32 -> ((int[]) arr)[i];
            case INT64 -> ((long[]) arr)[i];
            case BOOL -> ((byte[]) arr)[i];
            case FLOAT16 -> Float.float16ToFloat(((short[]) arr)[i]);
            case BFLOAT16 -> HostArrays.bfloat16ToFloat(((short[]) arr)[i]);
        };
    }

    static long getL(Object arr, DType dt, int i) {
        return switch (dt) {
            case INT32 -> ((int[]) arr)[i];
            case INT64 -> ((long[]) arr)[i];
            case BOOL -> ((byte[]) arr)[i];
            default -> (long) getD(arr, dt, i);
        };
    }

    static void setD(Object arr, DType dt, int i, double v) {
        switch (dt) {
            case FLOAT32 -> ((float[]) arr)[i] = (float) v;
            case FLOAT64 -> ((double[]) arr)[i] = v;
            case INT32 -> ((int[]) arr)[i] = (int) (long) v;
            case INT64 -> ((long[]) arr)[i] = (long) v;
            case BOOL -> ((byte[]) arr)[i] = (byte) (v != 0 ? 1 : 0);
            case FLOAT16 -> ((short[]) arr)[i] = Float.floatToFloat16((float) v);
            case BFLOAT16 -> ((short[]) arr)[i] = HostArrays.floatToBfloat16((float) v);
        }
    }

    static void setL(Object arr, DType dt, int i, long v) {
        switch (dt) {
            case INT32 -> ((int[]) arr)[i] = (int) v;
            case INT64 -> ((long[]) arr)[i] = v;
            case BOOL -> ((byte[]) arr)[i] = (byte) (v != 0 ? 1 : 0);
            default -> setD(arr, dt, i, v);
        }
    }

    /** Copies element {@code si} of {@code src} to {@code di} of {@code dst}, converting the dtype. */
    static void convert(Object src, DType sd, int si, Object dst, DType dd, int di) {
        if (dd.isFloatingPoint() || sd.isFloatingPoint()) {
            setD(dst, dd, di, getD(src, sd, si));
        } else {
            setL(dst, dd, di, getL(src, sd, si));
        }
    }

    /** True when the element is non-zero (NaN counts as non-zero). */
    static boolean nonZero(Object arr, DType dt, int i) {
        return switch (dt) {
            case FLOAT32 -> ((float[]) arr)[i] != 0f;
            case FLOAT64 -> ((double[]) arr)[i] != 0.0;
            case INT32 -> ((int[]) arr)[i] != 0;
            case INT64 -> ((long[]) arr)[i] != 0;
            case BOOL -> ((byte[]) arr)[i] != 0;
            case FLOAT16, BFLOAT16 -> getD(arr, dt, i) != 0;
        };
    }
}
