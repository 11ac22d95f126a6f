package dev.kona.backend;

import dev.kona.DType;
import dev.kona.Device;
import dev.kona.Tensor;
import dev.kona.ops.Op;

/**
 * What a device provides: storage and one kernel per op of {@link Op}.
 *
 * <p>The front end (package {@code dev.kona.ops}) checks arguments, works out output shapes and
 * dtypes, and allocates outputs; a backend only fills them. Outputs are fresh contiguous tensors
 * unless the op's documentation says otherwise ({@link Op.Copy} writes into any layout).
 */
public interface Backend {
    Device device();

    /**
     * A buffer of {@code length} elements, zero-filled when {@code zeroed}; otherwise its contents
     * are unspecified (outputs that a kernel overwrites entirely need no zeroing).
     */
    Storage allocate(DType dtype, int length, boolean zeroed);

    /**
     * A buffer holding a copy of a host array: {@code float[]}, {@code double[]}, {@code int[]},
     * {@code long[]}, {@code byte[]} (bool: 0 or 1) or {@code short[]} (float16/bfloat16 bits).
     */
    Storage fromHost(DType dtype, Object hostArray);

    /**
     * Like {@link #fromHost}, for an array the caller just created and will not touch again: a
     * backend whose storage is host memory may keep it without copying.
     */
    default Storage adoptHost(DType dtype, Object hostArray) {
        return fromHost(dtype, hostArray);
    }

    /** Copies a contiguous region of a buffer to a new host array of the dtype's host type. */
    Object toHost(Storage storage, int offset, int length);

    /** Runs one op: reads {@code inputs}, writes {@code outputs}. May return before the device finishes. */
    void execute(Op op, Tensor[] outputs, Tensor[] inputs);

    /** Waits until all work queued on this device has finished (nothing to wait for on the CPU). */
    default void synchronize() {}

    /**
     * Promises that {@code matrix}, a 2-d tensor on this device, will be the right operand of
     * many products run by the calling thread, and will be neither written nor released (its
     * storage handed back for reuse) until the returned hold is closed. Meanwhile a backend may keep a prepared form of it: the CPU backend packs a float32
     * matrix into its GEMM panels once instead of at every product (a recurrent layer's W_hh, once
     * per sequence rather than once per step). Results are the same bit for bit either way. The
     * default prepares nothing.
     */
    default Hold holdRightOperand(Tensor matrix) {
        return Hold.NONE;
    }

    /** The end of a {@link #holdRightOperand} promise. */
    @FunctionalInterface
    interface Hold extends AutoCloseable {
        Hold NONE = () -> {};

        @Override
        void close();
    }
}
