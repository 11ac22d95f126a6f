package dev.kona.cuda;

import dev.kona.DType;
import dev.kona.Device;
import dev.kona.backend.Storage;
import java.lang.ref.Cleaner;

/**
 * A buffer of device memory from the context's caching allocator. {@link #release} gives the block
 * back at once; a storage that becomes unreachable without release gives it back through a
 * {@link Cleaner}. Contents are unspecified until written.
 */
public final class CudaStorage implements Storage {
    private final CudaContext context;
    private final Device device;
    private final DType dtype;
    private final int length;
    private final long byteSize;
    private final long pointer;
    private final Cleaner.Cleanable cleanable;
    private volatile boolean released;

    /** Allocates {@code length} elements of {@code dtype} (one element's worth when {@code length} is 0). */
    public CudaStorage(CudaContext context, Device device, DType dtype, int length) {
        if (length < 0) {
            throw new IllegalArgumentException("CudaStorage: length must be >= 0, got " + length);
        }
        if (!device.type().equals("cuda") || device.index() != context.ordinal()) {
            throw new IllegalArgumentException("CudaStorage: device " + device + " does not match context " + context);
        }
        this.context = context;
        this.device = device;
        this.dtype = dtype;
        this.length = length;
        this.byteSize = (long) Math.max(1, length) * dtype.byteSize();
        CudaAllocator allocator = context.allocator();
        this.pointer = allocator.allocate(byteSize);
        this.cleanable = CudaContext.CLEANER.register(this, new Free(allocator, pointer));
    }

    /** Captures the allocator and the address, never the storage, so the storage can become unreachable. */
    private record Free(CudaAllocator allocator, long pointer) implements Runnable {
        @Override
        public void run() {
            allocator.free(pointer);
        }
    }

    /**
     * The device address of element 0. The caller keeps this storage reachable until the work
     * using the address is queued (otherwise a Cleaner may recycle the block first).
     *
     * @throws IllegalStateException after {@link #release}
     */
    public long pointer() {
        if (released) {
            throw new IllegalStateException("CudaStorage.pointer: " + dtype + "[" + length + "] storage on " + device
                    + " was released");
        }
        return pointer;
    }

    /** Bytes of the buffer: {@code max(1, length) * dtype.byteSize()}. */
    public long byteSize() {
        return byteSize;
    }

    public CudaContext context() {
        return context;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public int length() {
        return length;
    }

    /** Gives the block back to the allocator; later calls do nothing. */
    @Override
    public void release() {
        released = true;
        cleanable.clean();
    }

    @Override
    public boolean isReleased() {
        return released;
    }

    @Override
    public String toString() {
        return "CudaStorage[" + dtype + "[" + length + "] on " + device + (released ? ", released]" : "]");
    }
}
