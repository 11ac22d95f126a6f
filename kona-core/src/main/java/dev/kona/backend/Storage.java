package dev.kona.backend;

import dev.kona.DType;
import dev.kona.Device;

/** A flat buffer of elements of one dtype on one device. Tensors view it through a {@link Layout}. */
public interface Storage {
    Device device();

    DType dtype();

    /** Number of elements the buffer holds. */
    int length();

    /**
     * Frees the buffer now (the backend may reuse it). Any later use of a tensor over this storage
     * fails with an {@link IllegalStateException}. Called by {@link dev.kona.MemoryScope}.
     */
    void release();

    /** True once {@link #release} has run. */
    boolean isReleased();
}
