package dev.kona.cuda;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class CudaFunctionArgsTest {
    /** The value the i-th kernel parameter pointer points at. */
    private static MemorySegment param(MemorySegment pointers, int i, long bytes) {
        return MemorySegment.ofAddress(pointers.getAtIndex(JAVA_LONG, i)).reinterpret(bytes);
    }

    @Test
    void argumentsArePackedAsTheKernelReadsThem() {
        var buffer = new CudaFunction.ArgBuffer();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment shape = arena.allocate(JAVA_LONG, 3);
            shape.setAtIndex(JAVA_LONG, 0, 2);
            shape.setAtIndex(JAVA_LONG, 1, 3);
            shape.setAtIndex(JAVA_LONG, 2, 4);
            Object[] args = {0x7f00_1234_5678L, 7, 1.5f, 2.25, true, shape, (short) -3, (byte) 9, false, 42L};
            MemorySegment p = buffer.pack("k", args);

            assertEquals(0x7f00_1234_5678L, param(p, 0, 8).get(JAVA_LONG, 0));
            assertEquals(7, param(p, 1, 4).get(JAVA_INT, 0));
            assertEquals(1.5f, param(p, 2, 4).get(JAVA_FLOAT, 0));
            assertEquals(2.25, param(p, 3, 8).get(JAVA_DOUBLE, 0));
            assertEquals(1, param(p, 4, 4).get(JAVA_INT, 0));
            MemorySegment packedShape = param(p, 5, 24);
            assertEquals(0, packedShape.address() % 16);
            assertEquals(2, packedShape.getAtIndex(JAVA_LONG, 0));
            assertEquals(3, packedShape.getAtIndex(JAVA_LONG, 1));
            assertEquals(4, packedShape.getAtIndex(JAVA_LONG, 2));
            assertEquals(-3, param(p, 6, 2).get(JAVA_SHORT, 0));
            assertEquals(9, param(p, 7, 1).get(JAVA_BYTE, 0));
            assertEquals(0, param(p, 8, 4).get(JAVA_INT, 0));
            assertEquals(42L, param(p, 9, 8).get(JAVA_LONG, 0));
            assertEquals(0, param(p, 0, 8).address() % 8);
            assertEquals(0, param(p, 3, 8).address() % 8);
            assertEquals(0, param(p, 9, 8).address() % 8);
        }
    }

    @Test
    void buffersGrowForManyOrLargeArguments() {
        var buffer = new CudaFunction.ArgBuffer(16, 2);
        var big = Arena.ofAuto().allocate(1000);
        big.set(JAVA_INT, 996, 77);
        Object[] args = new Object[40];
        for (int i = 0; i < 39; i++) args[i] = (long) i;
        args[39] = big;
        MemorySegment p = buffer.pack("k", args);
        for (int i = 0; i < 39; i++) assertEquals(i, param(p, i, 8).get(JAVA_LONG, 0));
        assertEquals(77, param(p, 39, 1000).get(JAVA_INT, 996));
    }

    @Test
    void unsupportedArgumentsNameTheKernelAndPosition() {
        var buffer = new CudaFunction.ArgBuffer();
        var e = assertThrows(IllegalArgumentException.class, () -> buffer.pack("add_f32", new Object[] {1L, "x"}));
        assertEquals("CudaFunction.launch(add_f32): argument 1 is a java.lang.String, expected Long, Integer, Float, "
                + "Double, Boolean, Short, Byte or MemorySegment", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> buffer.pack("k", new Object[] {null}));
        assertTrue(e.getMessage().contains("argument 0 is null"), e.getMessage());
    }

    @Test
    void packingAllocatesNothingOnceWarm() {
        var buffer = new CudaFunction.ArgBuffer();
        var shape = Arena.ofAuto().allocate(32);
        Object[] args = {123456789L, 5, 0.5f, 1.0, true, shape};
        for (int i = 0; i < 200_000; i++) buffer.pack("k", args);
        var threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10_000; i++) buffer.pack("k", args);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 4096, "packing 10,000 launches allocated " + allocated + " bytes");
    }
}
