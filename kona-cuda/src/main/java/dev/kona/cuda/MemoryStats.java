package dev.kona.cuda;

/**
 * A snapshot of one device's caching allocator, in the spirit of {@code torch.cuda.memory_stats}.
 *
 * @param allocatedBytes     bytes in blocks that tensors hold now (block sizes, after rounding)
 * @param peakAllocatedBytes the most {@code allocatedBytes} has been since start or the last reset
 * @param reservedBytes      bytes obtained from the driver and not yet returned: allocated plus cached
 * @param allocationCount    allocation requests served
 * @param cacheHits          requests served from a cached block, without calling the driver
 * @param deviceAllocations  calls to {@code cuMemAlloc} that succeeded
 */
public record MemoryStats(long allocatedBytes, long peakAllocatedBytes, long reservedBytes, long allocationCount,
                          long cacheHits, long deviceAllocations) {
    /** Bytes cached for reuse: reserved but not held by any tensor. */
    public long cachedBytes() {
        return reservedBytes - allocatedBytes;
    }
}
