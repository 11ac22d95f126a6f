package dev.kona.cuda;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A kernel of a {@link CudaModule}, launched on its context's stream.
 *
 * <p>Arguments, in the kernel's parameter order: {@code Long} (device pointers, int64),
 * {@code Integer} (int32), {@code Float}, {@code Double}, {@code Short}, {@code Byte},
 * {@code Boolean} (as a 32-bit 0 or 1), and {@code MemorySegment} for a struct passed by value:
 * its bytes are the argument, laid out by the caller as the kernel's C struct (e.g. a shape and
 * strides array). Example: {@code fn.launch(blocks, 1, 1, 256, 0, out.pointer(), in.pointer(), n)}.
 *
 * <p>Launching allocates nothing: the values and the {@code void**} array live in a per-thread
 * native buffer. Pointers obtained from a storage must stay valid until the launch is queued:
 * keep the storage reachable until then.
 */
public final class CudaFunction {
    private static final ThreadLocal<ArgBuffer> BUFFERS = ThreadLocal.withInitial(ArgBuffer::new);

    private final CudaContext context;
    private final String name;
    private final long handle;

    CudaFunction(CudaContext context, String name, long handle) {
        this.context = context;
        this.name = name;
        this.handle = handle;
    }

    public String name() {
        return name;
    }

    /** The {@code CUfunction}. */
    public long handle() {
        return handle;
    }

    /** Launches a grid of {@code gridX * gridY * gridZ} blocks of {@code blockX} threads. */
    public void launch(int gridX, int gridY, int gridZ, int blockX, int sharedBytes, Object... args) {
        launchBlock(gridX, gridY, gridZ, blockX, 1, 1, sharedBytes, args);
    }

    /** Launches with a 3-D block of {@code blockX * blockY * blockZ} threads. */
    public void launchBlock(int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ, int sharedBytes,
                            Object... args) {
        context.makeCurrent();
        MemorySegment params = BUFFERS.get().pack(name, args);
        int status = Driver.cuLaunchKernel(handle, gridX, gridY, gridZ, blockX, blockY, blockZ, sharedBytes,
                context.stream(), params, MemorySegment.NULL);
        if (status != Driver.CUDA_SUCCESS) {
            throw Driver.error(status, "cuLaunchKernel(" + name + ", grid (" + gridX + ", " + gridY + ", " + gridZ
                    + "), block (" + blockX + ", " + blockY + ", " + blockZ + "), " + sharedBytes + " bytes shared, "
                    + args.length + " arguments on " + context + ")");
        }
    }

    /** The most threads per block this kernel can be launched with (depends on its register use). */
    public int maxThreadsPerBlock() {
        context.makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            Driver.check(Driver.cuFuncGetAttribute(out, Driver.CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK, handle),
                    "cuFuncGetAttribute(" + name + ", MAX_THREADS_PER_BLOCK)");
            return out.get(JAVA_INT, 0);
        }
    }

    /** Allows launches with up to {@code bytes} of dynamic shared memory (needed above 48 KiB). */
    public void setMaxDynamicSharedMemory(int bytes) {
        context.makeCurrent();
        Driver.check(Driver.cuFuncSetAttribute(handle, Driver.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, bytes),
                "cuFuncSetAttribute(" + name + ", MAX_DYNAMIC_SHARED_SIZE_BYTES, " + bytes + ")");
    }

    @Override
    public String toString() {
        return "CudaFunction[" + name + " on " + context + "]";
    }

    /**
     * The native buffer one thread packs kernel arguments into: the values, each at an aligned
     * offset, and the {@code void*} array pointing at them, as {@code cuLaunchKernel} takes them.
     */
    static final class ArgBuffer {
        private MemorySegment values;
        private MemorySegment pointers;
        private long[] offsets;

        ArgBuffer() {
            this(512, 32);
        }

        ArgBuffer(long valueBytes, int maxArgs) {
            values = Arena.ofAuto().allocate(valueBytes, 16);
            pointers = Arena.ofAuto().allocate(8L * maxArgs, 8);
            offsets = new long[maxArgs];
        }

        /** Packs {@code args} and returns the {@code void**} array (valid until the next pack on this buffer). */
        MemorySegment pack(String kernel, Object[] args) {
            int n = args.length;
            if (n > offsets.length) {
                int capacity = Math.max(n, 2 * offsets.length);
                offsets = Arrays.copyOf(offsets, capacity);
                pointers = Arena.ofAuto().allocate(8L * capacity, 8);
            }
            long offset = 0;
            for (int i = 0; i < n; i++) {
                Object arg = args[i];
                if (arg instanceof Long v) {
                    offset = align(offset, 8);
                    ensure(offset + 8);
                    values.set(JAVA_LONG, offset, v);
                    offsets[i] = offset;
                    offset += 8;
                } else if (arg instanceof Integer v) {
                    offset = align(offset, 4);
                    ensure(offset + 4);
                    values.set(JAVA_INT, offset, v);
                    offsets[i] = offset;
                    offset += 4;
                } else if (arg instanceof Float v) {
                    offset = align(offset, 4);
                    ensure(offset + 4);
                    values.set(JAVA_FLOAT, offset, v);
                    offsets[i] = offset;
                    offset += 4;
                } else if (arg instanceof Double v) {
                    offset = align(offset, 8);
                    ensure(offset + 8);
                    values.set(JAVA_DOUBLE, offset, v);
                    offsets[i] = offset;
                    offset += 8;
                } else if (arg instanceof Boolean v) {
                    offset = align(offset, 4);
                    ensure(offset + 4);
                    values.set(JAVA_INT, offset, v ? 1 : 0);
                    offsets[i] = offset;
                    offset += 4;
                } else if (arg instanceof MemorySegment v) {
                    offset = align(offset, 16);
                    ensure(offset + v.byteSize());
                    MemorySegment.copy(v, 0, values, offset, v.byteSize());
                    offsets[i] = offset;
                    offset += v.byteSize();
                } else if (arg instanceof Short v) {
                    offset = align(offset, 2);
                    ensure(offset + 2);
                    values.set(JAVA_SHORT, offset, v);
                    offsets[i] = offset;
                    offset += 2;
                } else if (arg instanceof Byte v) {
                    ensure(offset + 1);
                    values.set(JAVA_BYTE, offset, v);
                    offsets[i] = offset;
                    offset += 1;
                } else {
                    throw new IllegalArgumentException("CudaFunction.launch(" + kernel + "): argument " + i + " is "
                            + (arg == null ? "null" : "a " + arg.getClass().getName())
                            + ", expected Long, Integer, Float, Double, Boolean, Short, Byte or MemorySegment");
                }
            }
            long base = values.address();
            for (int i = 0; i < n; i++) pointers.setAtIndex(JAVA_LONG, i, base + offsets[i]);
            return pointers;
        }

        private static long align(long offset, long alignment) {
            return (offset + alignment - 1) & -alignment;
        }

        /** Grows the value area, keeping what was packed so far (pointers are written after all values). */
        private void ensure(long bytes) {
            if (bytes <= values.byteSize()) return;
            MemorySegment bigger = Arena.ofAuto().allocate(Math.max(bytes, 2 * values.byteSize()), 16);
            MemorySegment.copy(values, 0, bigger, 0, values.byteSize());
            values = bigger;
        }
    }
}
