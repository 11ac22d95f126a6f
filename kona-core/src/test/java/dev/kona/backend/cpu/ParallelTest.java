package dev.kona.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class ParallelTest {
    @Test
    void pollStaysFullWhileGapsArePollable() {
        assertEquals(Parallel.SPIN_NANOS, Parallel.pollNanos(0));
        // Fewer long gaps in a row than the back-off count: a training step's one long gap
        // between short ones must not shorten the poll.
        for (int run = 1; run < Parallel.LONG_GAPS_TO_BACK_OFF; run++) {
            assertEquals(Parallel.SPIN_NANOS, Parallel.pollNanos(run));
        }
    }

    @Test
    void pollBacksOffAfterLongGapsInARowAndComesBackOnAShortOne() {
        assertEquals(Parallel.MIN_SPIN_NANOS, Parallel.pollNanos(Parallel.LONG_GAPS_TO_BACK_OFF));
        assertEquals(Parallel.SPIN_NANOS, Parallel.pollNanos(0));
    }

    @Test
    void jobsMillisecondsApartStillRunEveryChunkOnce() {
        int n = 100_000;
        for (int job = 0; job < 3 * Parallel.LONG_GAPS_TO_BACK_OFF; job++) {
            int[] hits = new int[n];
            AtomicLong sum = new AtomicLong();
            Parallel.forRange(n, 1_000, (s, e) -> {
                long local = 0;
                for (int i = s; i < e; i++) {
                    hits[i]++;
                    local += i;
                }
                sum.addAndGet(local);
            });
            int[] ones = new int[n];
            Arrays.fill(ones, 1);
            assertArrayEquals(ones, hits, "job " + job);
            assertEquals((long) n * (n - 1) / 2, sum.get(), "job " + job);
            LockSupport.parkNanos(2 * Parallel.SPIN_NANOS); // longer than any poll: workers park
        }
    }

    @Test
    void aFailingChunkSurfacesOnTheCaller() {
        var e = assertThrows(IllegalStateException.class, () -> Parallel.forRange(100_000, 1_000, (s, end) -> {
            throw new IllegalStateException("chunk at " + s);
        }));
        assertEquals(true, e.getMessage().startsWith("chunk at "));
    }

    @Test
    void onTwoCoresTheCompilerCountsAsBusyFromHalfACoreOfCompilation() {
        assertTrue(CompilerLoad.busy(11, 20_000_000L, 2), "11 ms of compilation in 20 ms");
        assertFalse(CompilerLoad.busy(10, 20_000_000L, 2), "10 ms of compilation in 20 ms is half a core, not more");
        assertFalse(CompilerLoad.busy(0, 20_000_000L, 2));
        assertTrue(CompilerLoad.busy(40, 20_000_000L, 2), "two compiler threads at once");
        assertTrue(CompilerLoad.busy(0, 20_000_000L, 1), "one core: the pool has no second core anyway");
    }

    @Test
    void withFourCoresOrMoreTheCompilerLeavesRoomForThePool() {
        assertFalse(CompilerLoad.busy(40, 20_000_000L, 4), "two compiler threads leave 2 of 4 cores");
        assertTrue(CompilerLoad.busy(51, 20_000_000L, 4), "more than 2.5 cores compiling");
        assertFalse(CompilerLoad.busy(60, 20_000_000L, 16));
    }

    @Test
    void theTestsRunWithoutYieldingToTheCompiler() {
        // Surefire sets kona.yieldToCompiler=false so that the 1-vs-2-thread tests use the workers.
        assertFalse(CompilerLoad.busy(), "CompilerLoad must be off in the tests");
    }
}
