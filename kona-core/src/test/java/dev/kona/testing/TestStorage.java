package dev.kona.testing;

import dev.kona.DType;
import dev.kona.Device;
import dev.kona.backend.Storage;

/** {@link TestDevice}'s storage: a CPU storage in disguise, so that casts to CPU storage fail. */
final class TestStorage implements Storage {
    private final Device device;
    private final Storage inner;

    TestStorage(Device device, Storage inner) {
        this.device = device;
        this.inner = inner;
    }

    Storage inner() {
        if (inner.isReleased()) {
            throw new IllegalStateException(device + ": tensor storage (" + inner.dtype() + ", " + inner.length()
                    + " elements) was released when its MemoryScope closed");
        }
        return inner;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public DType dtype() {
        return inner.dtype();
    }

    @Override
    public int length() {
        return inner.length();
    }

    @Override
    public void release() {
        inner.release();
    }

    @Override
    public boolean isReleased() {
        return inner.isReleased();
    }

    @Override
    public String toString() {
        return "TestStorage[" + device + ", " + inner.dtype() + ", " + inner.length() + "]";
    }
}
