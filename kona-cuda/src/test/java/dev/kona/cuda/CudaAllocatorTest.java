package dev.kona.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CudaAllocatorTest {
    private static final long MIB = 1L << 20;

    /** A fake device with a capacity: hands out increasing addresses, 0 when full. */
    static final class FakeDevice implements CudaAllocator.Backing {
        final long capacity;
        final Map<Long, Long> blocks = new HashMap<>();
        final List<Long> mallocs = new ArrayList<>();
        long used;
        long next = 0x7f0000000000L;
        int synchronizations;

        FakeDevice(long capacity) {
            this.capacity = capacity;
        }

        @Override
        public long malloc(long bytes) {
            if (used + bytes > capacity) return 0;
            long ptr = next;
            next += bytes + 4096;
            used += bytes;
            blocks.put(ptr, bytes);
            mallocs.add(bytes);
            return ptr;
        }

        @Override
        public void free(long ptr) {
            Long size = blocks.remove(ptr);
            if (size == null) throw new AssertionError("double free of " + ptr);
            used -= size;
        }

        @Override
        public void synchronize() {
            synchronizations++;
        }

        @Override
        public long[] memoryInfo() {
            return new long[] {capacity - used, capacity};
        }

        @Override
        public String label() {
            return "cuda:0 (Fake GPU)";
        }
    }

    @Test
    void sizesRoundTo512BytesUpTo1MiBThenTo2MiB() {
        assertEquals(512, CudaAllocator.roundSize(0));
        assertEquals(512, CudaAllocator.roundSize(1));
        assertEquals(512, CudaAllocator.roundSize(512));
        assertEquals(1024, CudaAllocator.roundSize(513));
        assertEquals(MIB, CudaAllocator.roundSize(MIB));
        assertEquals(2 * MIB, CudaAllocator.roundSize(MIB + 1));
        assertEquals(4 * MIB, CudaAllocator.roundSize(3 * MIB));
        assertEquals(1L << 32, CudaAllocator.roundSize((1L << 32) - 7));
    }

    @Test
    void freedBlocksAreReusedBestFitWithinTwiceTheRequest() {
        var device = new FakeDevice(1L << 30);
        var allocator = new CudaAllocator(device);
        long a = allocator.allocate(4096);
        long b = allocator.allocate(16384);
        allocator.free(a);
        allocator.free(b);

        assertEquals(a, allocator.allocate(3000)); // rounds to 3072: the 4096 block is the smallest that fits
        assertEquals(b, allocator.allocate(10000)); // 10240 <= 16384 <= 2 * 10240
        allocator.free(a);
        long c = allocator.allocate(1000); // 1024: the cached 4096 block is more than twice as large
        assertNotEquals(a, c);
        assertEquals(List.of(4096L, 16384L, 1024L), device.mallocs);

        MemoryStats stats = allocator.stats();
        assertEquals(5, stats.allocationCount());
        assertEquals(2, stats.cacheHits());
        assertEquals(3, stats.deviceAllocations());
        assertEquals(16384 + 1024, stats.allocatedBytes());
        assertEquals(4096 + 16384 + 1024, stats.reservedBytes());
        assertEquals(4096 + 16384, stats.peakAllocatedBytes());
        assertEquals(4096, stats.cachedBytes());
    }

    @Test
    void emptyCacheReturnsOnlyCachedBlocksAfterSynchronizing() {
        var device = new FakeDevice(1L << 30);
        var allocator = new CudaAllocator(device);
        long a = allocator.allocate(3 * MIB);
        long b = allocator.allocate(512);
        allocator.free(a);
        allocator.emptyCache();
        assertEquals(1, device.synchronizations);
        assertEquals(Map.of(b, 512L), device.blocks);
        assertEquals(512, allocator.stats().reservedBytes());
        allocator.resetPeak();
        assertEquals(512, allocator.stats().peakAllocatedBytes());
    }

    @Test
    void outOfMemoryEmptiesTheCacheAndRetries() {
        var device = new FakeDevice(10 * MIB);
        var allocator = new CudaAllocator(device);
        long a = allocator.allocate(6 * MIB);
        allocator.free(a);
        long b = allocator.allocate(8 * MIB); // 6 MiB cached + 8 MiB > 10 MiB: the cache must go first
        assertEquals(Map.of(b, 8 * MIB), device.blocks);
        assertEquals(8 * MIB, allocator.stats().reservedBytes());
    }

    @Test
    void outOfMemorySaysWhereTheMemoryIs() {
        var device = new FakeDevice(10 * MIB);
        var allocator = new CudaAllocator(device);
        allocator.allocate(4 * MIB);
        var e = assertThrows(CudaException.class, () -> allocator.allocate(7 * MIB));
        assertEquals("cuda: out of memory allocating 7340032 bytes (7.0 MiB) on cuda:0 (Fake GPU): free 6.0 MiB of "
                + "total 10.0 MiB; Kona holds 4.0 MiB in tensors and 0.0 MiB cached", e.getMessage());
    }

    @Test
    void freeingAnUnknownPointerFails() {
        var allocator = new CudaAllocator(new FakeDevice(MIB));
        long a = allocator.allocate(100);
        allocator.free(a);
        var e = assertThrows(IllegalArgumentException.class, () -> allocator.free(a));
        assertTrue(e.getMessage().contains("is not a live block of this allocator"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> allocator.allocate(-1));
    }
}
