package dev.kona.cuda;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A caching device allocator in the manner of PyTorch's: {@code cuMemAlloc} is slow and
 * synchronizes, so freed blocks are kept by size and handed to later requests.
 *
 * <p>Sizes are rounded up: to 512-byte multiples up to 1 MiB, to 2 MiB multiples above (fewer
 * distinct sizes, so more reuse). A request takes the smallest cached block at least its rounded
 * size and at most twice it; otherwise it asks the driver. All work on a device runs on one
 * stream, so a block freed after queuing the kernels that use it may be reused at once: later
 * kernels run after them. When the driver is out of memory the cache is returned to it, the
 * garbage collector is asked to run (so Cleaners give back the blocks of unreachable tensors),
 * and the request is retried before failing with a message that says where the memory went.
 * Thread-safe.
 */
final class CudaAllocator {
    static final long SMALL_LIMIT = 1L << 20;
    static final long SMALL_ROUNDING = 512;
    static final long LARGE_ROUNDING = 2L << 20;
    private static final long[] GC_WAITS_MILLIS = {20, 50, 150};

    /** Where the blocks come from: the driver, or a fake in tests. */
    interface Backing {
        /** A new block of {@code bytes}, or 0 when the device is out of memory; other failures throw. */
        long malloc(long bytes);

        void free(long ptr);

        /** Waits for all queued work (before blocks go back to the driver). */
        void synchronize();

        /** {@code {free, total}} device memory in bytes. */
        long[] memoryInfo();

        /** The device in messages, e.g. {@code cuda:0 (NVIDIA H100 80GB HBM3)}. */
        String label();
    }

    private final Backing backing;
    private final TreeMap<Long, ArrayDeque<Long>> cache = new TreeMap<>();
    private final HashMap<Long, Long> live = new HashMap<>();
    private long allocated;
    private long peak;
    private long reserved;
    private long allocationCount;
    private long cacheHits;
    private long deviceAllocations;

    CudaAllocator(CudaContext context) {
        this(new DriverBacking(context));
    }

    CudaAllocator(Backing backing) {
        this.backing = backing;
    }

    /** The block size a request of {@code bytes} is served with. */
    static long roundSize(long bytes) {
        if (bytes <= SMALL_ROUNDING) return SMALL_ROUNDING;
        long rounding = bytes <= SMALL_LIMIT ? SMALL_ROUNDING : LARGE_ROUNDING;
        return Math.ceilDiv(bytes, rounding) * rounding;
    }

    /** The largest cached block that may serve a request of rounded size {@code size}. */
    static long largestReusable(long size) {
        return 2 * size;
    }

    /** A device block of at least {@code bytes} bytes (at least 1); its address. */
    long allocate(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("CudaAllocator.allocate: negative size " + bytes);
        long size = roundSize(bytes);
        synchronized (this) {
            allocationCount++;
            long ptr = takeCached(size);
            if (ptr != 0) return ptr;
            ptr = mallocTracked(size);
            if (ptr != 0) return ptr;
            emptyCache();
            ptr = mallocTracked(size);
            if (ptr != 0) return ptr;
        }
        // Out of memory: unreachable storages may still hold blocks until their Cleaners run, and
        // those run on another thread that needs this lock, so wait outside it.
        for (long wait : GC_WAITS_MILLIS) {
            System.gc();
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            synchronized (this) {
                long ptr = takeCached(size);
                if (ptr != 0) return ptr;
                emptyCache();
                ptr = mallocTracked(size);
                if (ptr != 0) return ptr;
            }
        }
        synchronized (this) {
            throw outOfMemory(bytes);
        }
    }

    private long takeCached(long size) {
        Map.Entry<Long, ArrayDeque<Long>> entry = cache.ceilingEntry(size);
        if (entry == null || entry.getKey() > largestReusable(size)) return 0;
        ArrayDeque<Long> blocks = entry.getValue();
        long ptr = blocks.pop();
        if (blocks.isEmpty()) cache.remove(entry.getKey());
        cacheHits++;
        track(ptr, entry.getKey());
        return ptr;
    }

    private long mallocTracked(long size) {
        long ptr = backing.malloc(size);
        if (ptr == 0) return 0;
        deviceAllocations++;
        reserved += size;
        track(ptr, size);
        return ptr;
    }

    private void track(long ptr, long size) {
        live.put(ptr, size);
        allocated += size;
        if (allocated > peak) peak = allocated;
    }

    /** Returns a block to the cache. */
    synchronized void free(long ptr) {
        Long size = live.remove(ptr);
        if (size == null) {
            throw new IllegalArgumentException("CudaAllocator.free: 0x" + Long.toHexString(ptr) + " on "
                    + backing.label() + " is not a live block of this allocator (freed twice?)");
        }
        allocated -= size;
        cache.computeIfAbsent(size, s -> new ArrayDeque<>()).push(ptr);
    }

    /** The block size behind a live pointer, or -1. */
    synchronized long blockSize(long ptr) {
        Long size = live.get(ptr);
        return size == null ? -1 : size;
    }

    /** Returns every cached block to the driver (after the stream has finished with them). */
    synchronized void emptyCache() {
        if (cache.isEmpty()) return;
        backing.synchronize();
        for (var entry : cache.entrySet()) {
            for (long ptr : entry.getValue()) {
                backing.free(ptr);
                reserved -= entry.getKey();
            }
        }
        cache.clear();
    }

    synchronized MemoryStats stats() {
        return new MemoryStats(allocated, peak, reserved, allocationCount, cacheHits, deviceAllocations);
    }

    /** Starts measuring {@link MemoryStats#peakAllocatedBytes} again from the current allocation. */
    synchronized void resetPeak() {
        peak = allocated;
    }

    private CudaException outOfMemory(long bytes) {
        String device;
        long[] info;
        try {
            info = backing.memoryInfo();
        } catch (RuntimeException e) {
            info = null;
        }
        device = backing.label();
        return new CudaException("cuda: out of memory allocating " + bytes + " bytes (" + mib(bytes) + " MiB) on "
                + device + ": " + (info == null ? "free and total unknown" : "free " + mib(info[0]) + " MiB of total "
                + mib(info[1]) + " MiB") + "; Kona holds " + mib(allocated) + " MiB in tensors and "
                + mib(reserved - allocated) + " MiB cached");
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
    }

    /** Blocks from {@code cuMemAlloc_v2}; called only under the allocator's lock. */
    private static final class DriverBacking implements Backing {
        private final CudaContext context;
        private final MemorySegment out = Arena.ofAuto().allocate(JAVA_LONG);

        DriverBacking(CudaContext context) {
            this.context = context;
        }

        @Override
        public long malloc(long bytes) {
            context.makeCurrent();
            int status = Driver.cuMemAlloc(out, bytes);
            if (status == Driver.CUDA_ERROR_OUT_OF_MEMORY) return 0;
            if (status != Driver.CUDA_SUCCESS) {
                throw Driver.error(status, "cuMemAlloc_v2(" + bytes + " bytes on " + context + ")");
            }
            return out.get(JAVA_LONG, 0);
        }

        @Override
        public void free(long ptr) {
            context.makeCurrent();
            Driver.check(Driver.cuMemFree(ptr), "cuMemFree_v2(0x" + Long.toHexString(ptr) + " on " + context + ")");
        }

        @Override
        public void synchronize() {
            context.synchronize();
        }

        @Override
        public long[] memoryInfo() {
            return context.memoryInfo();
        }

        @Override
        public String label() {
            return context.toString();
        }
    }
}
