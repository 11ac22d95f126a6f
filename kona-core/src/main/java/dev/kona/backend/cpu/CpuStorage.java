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
