package dev.kona.backend.cpu;

import dev.kona.DType;
import dev.kona.Device;
import dev.kona.backend.Storage;

/**
 * A CPU buffer: a Java heap array of the dtype's host type — {@code float[]}, {@code double[]},
 * {@code int[]}, {@code long[]}, {@code byte[]} for bool, {@code short[]} for float16/bfloat16 bits.
 * Heap arrays were measured as fast as MemorySegments for these kernels (docs/ARCHITECTURE.md) and
 * are freed by the garbage collector like any Java object.
 */
public final class CpuStorage implements Storage {
    private final DType dtype;
    private Object array;
    private final int length;

    CpuStorage(DType dtype, Object array) {
        this.dtype = dtype;
        this.array = array;
        this.length = java.lang.reflect.Array.getLength(array);
    }

    static Object newArray(DType dtype, int length) {
        return switch (dtype) {
            case FLOAT32 -> new float[length];
            case FLOAT64 -> new double[length];
            case INT32 -> new int[length];
            case INT64 -> new long[length];
            case BOOL -> new byte[length];
            case FLOAT16, BFLOAT16 -> new short[length];
        };
    }

    /** The host array type a dtype is stored in, for messages. */
    static Class<?> hostType(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> float[].class;
            case FLOAT64 -> double[].class;
            case INT32 -> int[].class;
            case INT64 -> long[].class;
            case BOOL -> byte[].class;
            case FLOAT16, BFLOAT16 -> short[].class;
        };
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public int length() {
        return length;
    }

    /** The backing array; its type follows the dtype (see the class comment). */
    public Object array() {
        Object a = array;
        if (a == null) {
            throw new IllegalStateException("tensor storage (" + dtype + ", " + length + " elements) was released when "
                    + "its MemoryScope closed; keep tensors that outlive a scope with scope.keep(t)");
        }
        return a;
    }

    @Override
    public void release() {
        Object a = array;
        if (a == null) return;
        array = null;
        BufferPool.give(a);
    }

    @Override
    public boolean isReleased() {
        return array == null;
    }

    public float[] f32() {
        return (float[]) array();
    }

    public double[] f64() {
        return (double[]) array();
    }

    public int[] i32() {
        return (int[]) array();
    }

    public long[] i64() {
        return (long[]) array();
    }

    public byte[] bool() {
        return (byte[]) array();
    }

    public short[] half() {
        return (short[]) array();
    }
}
