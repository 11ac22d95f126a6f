package dev.kona.cuda;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.kona.Device;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One CUDA device: its primary context, the one stream all of Kona's work on it goes to, its
 * caching allocator, cuBLAS handle and module loading. Created lazily, one per device ordinal,
 * and usable from any thread: each call makes the context current on the calling thread first.
 *
 * <p>Everything queued here runs in stream order, so a buffer freed after a kernel was queued may
 * be handed to the next allocation at once. Host copies wait for the stream to finish.
 */
public final class CudaContext {
    /** Frees device memory and events of objects that became unreachable without being released. */
    static final Cleaner CLEANER = Cleaner.create();

    /** The context this thread made current through Kona, so {@link #makeCurrent} costs one lookup. */
    private static final ThreadLocal<CudaContext> CURRENT = new ThreadLocal<>();

    /** Loads the driver and counts devices on first use; never throws. */
    private static final class Probe {
        static final int COUNT;
        static final String REASON;
        static final AtomicReferenceArray<CudaContext> CONTEXTS;

        static {
            int count = 0;
            String reason = null;
            try {
                Driver.requireLoaded();
                Driver.check(Driver.cuInit(0), "cuInit(0)");
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment out = arena.allocate(JAVA_INT);
                    Driver.check(Driver.cuDeviceGetCount(out), "cuDeviceGetCount");
                    count = out.get(JAVA_INT, 0);
                }
                if (count <= 0) reason = "cuDeviceGetCount found no CUDA device";
            } catch (Throwable t) {
                count = 0;
                Throwable cause = t instanceof ExceptionInInitializerError && t.getCause() != null ? t.getCause() : t;
                reason = cause.getMessage() != null ? cause.getMessage() : cause.toString();
            }
            COUNT = Math.max(count, 0);
            REASON = reason;
            CONTEXTS = new AtomicReferenceArray<>(COUNT);
        }
    }

    private final int ordinal;
    private final int device;
    private final String name;
    private final int ccMajor;
    private final int ccMinor;
    private final int multiprocessors;
    private final long totalMemory;
    private final long handle;
    private final long stream;
    private final String label;
    private final CudaAllocator allocator;
    private volatile Cublas cublas;

    private CudaContext(int ordinal) {
        this.ordinal = ordinal;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG);
            Driver.check(Driver.cuDeviceGet(out, ordinal), "cuDeviceGet(" + ordinal + ")");
            device = out.get(JAVA_INT, 0);
            MemorySegment nameBuffer = arena.allocate(256);
            Driver.check(Driver.cuDeviceGetName(nameBuffer, 256, device), "cuDeviceGetName(cuda:" + ordinal + ")");
            name = nameBuffer.getString(0);
            ccMajor = attribute(device, Driver.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
            ccMinor = attribute(device, Driver.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
            multiprocessors = attribute(device, Driver.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
            Driver.check(Driver.cuDeviceTotalMem(out, device), "cuDeviceTotalMem_v2(cuda:" + ordinal + ")");
            totalMemory = out.get(JAVA_LONG, 0);
            label = "cuda:" + ordinal + " (" + name + ")";
            Driver.check(Driver.cuDevicePrimaryCtxRetain(out, device), "cuDevicePrimaryCtxRetain(" + label + ")");
            handle = out.get(JAVA_LONG, 0);
            Driver.check(Driver.cuCtxSetCurrent(handle), "cuCtxSetCurrent(" + label + ")");
            CURRENT.set(this);
            Driver.check(Driver.cuStreamCreate(out, 0), "cuStreamCreate(" + label + ", flags 0)");
            stream = out.get(JAVA_LONG, 0);
        }
        allocator = new CudaAllocator(this);
    }

    /** True when libcuda loads, {@code cuInit} succeeds and there is at least one device. Never throws. */
    public static boolean available() {
        return Probe.COUNT > 0;
    }

    /** Why CUDA is not available (the loader's or driver's message), or null when it is. */
    public static String unavailableReason() {
        return Probe.REASON;
    }

    /** Number of CUDA devices; 0 when CUDA is not available. */
    public static int deviceCount() {
        return Probe.COUNT;
    }

    /**
     * The context of device {@code ordinal}, created on first use.
     *
     * @throws CudaException            when CUDA is not available (the message says why)
     * @throws IllegalArgumentException when {@code ordinal} is not a device number
     */
    public static CudaContext of(int ordinal) {
        int count = Probe.COUNT;
        if (count == 0) {
            throw new CudaException("CudaContext.of(" + ordinal + "): CUDA is not available: " + Probe.REASON);
        }
        if (ordinal < 0 || ordinal >= count) {
            throw new IllegalArgumentException("CudaContext.of: no CUDA device " + ordinal + ", found " + count
                    + " device(s), expected an ordinal in 0.." + (count - 1));
        }
        CudaContext context = Probe.CONTEXTS.get(ordinal);
        if (context != null) return context;
        synchronized (Probe.CONTEXTS) {
            context = Probe.CONTEXTS.get(ordinal);
            if (context == null) {
                context = new CudaContext(ordinal);
                Probe.CONTEXTS.set(ordinal, context);
            }
            return context;
        }
    }

    /** The context of a {@code cuda} device. */
    public static CudaContext of(Device device) {
        if (!device.type().equals("cuda")) {
            throw new IllegalArgumentException("CudaContext.of: expected a cuda device, got " + device);
        }
        return of(device.index());
    }

    public int ordinal() {
        return ordinal;
    }

    public Device device() {
        return Device.cuda(ordinal);
    }

    /** The device's name, e.g. {@code NVIDIA H100 80GB HBM3}. */
    public String name() {
        return name;
    }

    public int computeCapabilityMajor() {
        return ccMajor;
    }

    public int computeCapabilityMinor() {
        return ccMinor;
    }

    public int multiprocessors() {
        return multiprocessors;
    }

    /** Device memory in bytes. */
    public long totalMemory() {
        return totalMemory;
    }

    /** A {@code CUdevice_attribute} value of this device (see cuda.h), e.g. 97 for opt-in shared memory per block. */
    public int attribute(int cuDeviceAttribute) {
        return attribute(device, cuDeviceAttribute);
    }

    private static int attribute(int device, int attribute) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            Driver.check(Driver.cuDeviceGetAttribute(out, attribute, device),
                    "cuDeviceGetAttribute(attribute " + attribute + ", device " + device + ")");
            return out.get(JAVA_INT, 0);
        }
    }

    /** Makes this context current on the calling thread, once per thread (then one thread-local read). */
    public void makeCurrent() {
        if (CURRENT.get() != this) bind();
    }

    private void bind() {
        int status = Driver.cuCtxSetCurrent(handle);
        if (status != Driver.CUDA_SUCCESS) throw Driver.error(status, "cuCtxSetCurrent(" + label + ")");
        CURRENT.set(this);
    }

    /** The {@code CUstream} all of Kona's work on this device goes to. */
    public long stream() {
        return stream;
    }

    /** The primary {@code CUcontext}. */
    public long handle() {
        return handle;
    }

    /** Loads a module from a CUBIN image or PTX text (a missing NUL terminator is added to PTX). */
    public CudaModule loadModule(byte[] image) {
        boolean elf = image.length >= 4 && image[0] == 0x7f && image[1] == 'E' && image[2] == 'L' && image[3] == 'F';
        boolean terminate = !elf && (image.length == 0 || image[image.length - 1] != 0);
        makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(image.length + (terminate ? 1 : 0), 16);
            MemorySegment.copy(image, 0, data, JAVA_BYTE, 0, image.length);
            MemorySegment out = arena.allocate(JAVA_LONG);
            int status = Driver.cuModuleLoadData(out, data);
            if (status != Driver.CUDA_SUCCESS) {
                throw Driver.error(status, "cuModuleLoadData(" + (elf ? "CUBIN" : "PTX") + " of " + image.length
                        + " bytes on " + label + ")");
            }
            return new CudaModule(this, out.get(JAVA_LONG, 0));
        }
    }

    /**
     * Copies {@code bytes} from host memory to device address {@code dst} and waits for the copy.
     * {@code src} must be a native segment (from an {@link Arena}); heap segments cannot be passed
     * to the driver.
     */
    public void copyHostToDevice(long dst, MemorySegment src, long bytes) {
        checkHost("copyHostToDevice", src, bytes);
        if (bytes == 0) return;
        makeCurrent();
        int status = Driver.cuMemcpyHtoDAsync(dst, src, bytes, stream);
        if (status != Driver.CUDA_SUCCESS) {
            throw Driver.error(status, "cuMemcpyHtoDAsync_v2(" + bytes + " bytes to 0x" + Long.toHexString(dst)
                    + " on " + label + ")");
        }
        synchronize();
    }

    /** Copies {@code bytes} from device address {@code src} into native segment {@code dst}, after all queued work. */
    public void copyDeviceToHost(MemorySegment dst, long src, long bytes) {
        checkHost("copyDeviceToHost", dst, bytes);
        if (bytes == 0) return;
        makeCurrent();
        int status = Driver.cuMemcpyDtoHAsync(dst, src, bytes, stream);
        if (status != Driver.CUDA_SUCCESS) {
            throw Driver.error(status, "cuMemcpyDtoHAsync_v2(" + bytes + " bytes from 0x" + Long.toHexString(src)
                    + " on " + label + ")");
        }
        synchronize();
    }

    private static void checkHost(String call, MemorySegment host, long bytes) {
        if (!host.isNative()) {
            throw new IllegalArgumentException("CudaContext." + call
                    + ": the host segment must be native (allocated from an Arena), got a heap segment");
        }
        if (bytes < 0 || bytes > host.byteSize()) {
            throw new IllegalArgumentException("CudaContext." + call + ": " + bytes
                    + " bytes requested, expected 0.." + host.byteSize() + " (the host segment's size)");
        }
    }

    /** Queues a device-to-device copy of {@code bytes}. */
    public void copyDeviceToDevice(long dst, long src, long bytes) {
        if (bytes == 0) return;
        makeCurrent();
        int status = Driver.cuMemcpyDtoDAsync(dst, src, bytes, stream);
        if (status != Driver.CUDA_SUCCESS) {
            throw Driver.error(status, "cuMemcpyDtoDAsync_v2(" + bytes + " bytes, 0x" + Long.toHexString(src)
                    + " to 0x" + Long.toHexString(dst) + " on " + label + ")");
        }
    }

    /** Queues setting {@code bytes} bytes at {@code ptr} to zero. */
    public void memsetZero(long ptr, long bytes) {
        if (bytes == 0) return;
        makeCurrent();
        int status = Driver.cuMemsetD8Async(ptr, (byte) 0, bytes, stream);
        if (status != Driver.CUDA_SUCCESS) {
            throw Driver.error(status, "cuMemsetD8Async(0x" + Long.toHexString(ptr) + ", 0, " + bytes + " bytes on "
                    + label + ")");
        }
    }

    /**
     * Queues filling {@code count} 32-bit words at {@code ptr} (4-byte aligned) with {@code bits},
     * e.g. {@code Float.floatToRawIntBits(1f)} for ones.
     */
    public void fill32(long ptr, int bits, long count) {
        if (count == 0) return;
        makeCurrent();
        int status = Driver.cuMemsetD32Async(ptr, bits, count, stream);
        if (status != Driver.CUDA_SUCCESS) {
            throw Driver.error(status, "cuMemsetD32Async(0x" + Long.toHexString(ptr) + ", 0x" + Integer.toHexString(bits)
                    + ", " + count + " words on " + label + ")");
        }
    }

    /**
     * Waits until all work queued on this context's stream has finished. A failure here usually
     * belongs to an earlier asynchronous kernel or copy.
     */
    public void synchronize() {
        makeCurrent();
        int status = Driver.cuStreamSynchronize(stream);
        if (status != Driver.CUDA_SUCCESS) {
            throw Driver.error(status, "cuStreamSynchronize(" + label
                    + ") (the error may come from any kernel or copy queued since the last synchronization)");
        }
    }

    /** {@code {free, total}} device memory in bytes, as the driver sees it (all processes). */
    public long[] memoryInfo() {
        makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment free = arena.allocate(JAVA_LONG);
            MemorySegment total = arena.allocate(JAVA_LONG);
            Driver.check(Driver.cuMemGetInfo(free, total), "cuMemGetInfo_v2(" + label + ")");
            return new long[] {free.get(JAVA_LONG, 0), total.get(JAVA_LONG, 0)};
        }
    }

    public CudaAllocator allocator() {
        return allocator;
    }

    /** This device's cuBLAS handle, bound to {@link #stream()}; created on first use. */
    public Cublas cublas() {
        Cublas handle = cublas;
        if (handle != null) return handle;
        synchronized (this) {
            if (cublas == null) cublas = new Cublas(this);
            return cublas;
        }
    }

    /** The NVRTC compiler (one per process), loaded on first use. */
    public Nvrtc nvrtc() {
        return Nvrtc.shared();
    }

    /** A new timing event on this context's stream. */
    public Event newEvent() {
        return new Event(this);
    }

    /** Milliseconds between two recorded events; waits for {@code end}. */
    public static float elapsedMillis(Event start, Event end) {
        return Event.elapsedMillis(start, end);
    }

    /** {@code cuda:0 (NAME)}, as used in messages. */
    @Override
    public String toString() {
        return label;
    }

    /** A {@code CUevent} for timing work on a context's stream. */
    public static final class Event {
        private final CudaContext context;
        private final long handle;

        private Event(CudaContext context) {
            this.context = context;
            context.makeCurrent();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = arena.allocate(JAVA_LONG);
                Driver.check(Driver.cuEventCreate(out, 0), "cuEventCreate(" + context + ", flags 0)");
                handle = out.get(JAVA_LONG, 0);
            }
            CLEANER.register(this, new Destroy(context, handle));
        }

        private record Destroy(CudaContext context, long handle) implements Runnable {
            @Override
            public void run() {
                context.makeCurrent();
                Driver.cuEventDestroy(handle);
            }
        }

        /** Queues this event on the context's stream: it completes when the work queued before it has. */
        public void record() {
            try {
                context.makeCurrent();
                Driver.check(Driver.cuEventRecord(handle, context.stream), "cuEventRecord(" + context + ")");
            } finally {
                Reference.reachabilityFence(this);
            }
        }

        /** Waits until the event has completed. */
        public void synchronize() {
            try {
                context.makeCurrent();
                Driver.check(Driver.cuEventSynchronize(handle), "cuEventSynchronize(" + context + ")");
            } finally {
                Reference.reachabilityFence(this);
            }
        }

        /** Milliseconds between two recorded events of one context; waits for {@code end}. */
        public static float elapsedMillis(Event start, Event end) {
            if (start.context != end.context) {
                throw new IllegalArgumentException("Event.elapsedMillis: events of different devices, "
                        + start.context + " and " + end.context);
            }
            end.synchronize();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = arena.allocate(JAVA_FLOAT);
                Driver.check(Driver.cuEventElapsedTime(out, start.handle, end.handle),
                        "cuEventElapsedTime(" + start.context + ")");
                return out.get(JAVA_FLOAT, 0);
            } finally {
                Reference.reachabilityFence(start);
                Reference.reachabilityFence(end);
            }
        }
    }
}
