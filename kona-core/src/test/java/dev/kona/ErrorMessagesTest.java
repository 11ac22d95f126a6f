package dev.kona;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Messages of the common mistakes: they name the op and the offending shapes, dims or dtypes.
 * Per-op error cases also live in the op database; these are the cross-cutting ones, several
 * checked word for word.
 */
class ErrorMessagesTest {

    private static String message(Class<? extends Throwable> type, Executable call) {
        return assertThrows(type, call).getMessage();
    }

    private static void contains(String message, String... parts) {
        for (String p : parts) assertTrue(message.contains(p), "message \"" + message + "\" lacks \"" + p + "\"");
    }

    @Test
    void matmulShapeMismatchExactly() {
        assertEquals("matmul: shapes [32, 784] and [128, 10] cannot be multiplied (784 != 128)",
                message(IllegalArgumentException.class, () -> Tensor.zeros(32, 784).matmul(Tensor.zeros(128, 10))));
    }

    @Test
    void broadcastFailureNamesBothShapes() {
        assertEquals("add: shapes [2, 3] and [4] cannot be broadcast together (dimension 1: 3 vs 4)",
                message(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).add(Tensor.zeros(4))));
        contains(message(IllegalArgumentException.class, () -> Tensor.zeros(5, 1, 3).mul(Tensor.zeros(2, 4))),
                "mul", "[5, 1, 3]", "[2, 4]");
        contains(message(IllegalArgumentException.class, () -> Tensor.zeros(3).lt(Tensor.zeros(2))), "lt", "[3]", "[2]");
    }

    @Test
    void axisOutOfRange() {
        assertEquals("sum: dimension 3 is out of range for a 3-d tensor (expected a value in [-3, 2])",
                message(IndexOutOfBoundsException.class, () -> Tensor.zeros(2, 3, 4).sum(3)));
        contains(message(IndexOutOfBoundsException.class, () -> Tensor.zeros(2, 3).softmax(-3)), "softmax", "dimension -3 is out of range");
        contains(message(IndexOutOfBoundsException.class, () -> Tensor.zeros(2, 3).transpose(0, 5)), "transpose", "dimension 5");
        contains(message(IndexOutOfBoundsException.class, () -> Tensor.zeros(2).cumsum(1)), "cumsum", "dimension 1 is out of range");
        contains(message(IndexOutOfBoundsException.class, () -> Tensor.zeros(2).max(1)), "max", "dimension 1 is out of range");
        contains(message(IndexOutOfBoundsException.class, () -> Tensor.cat(List.of(Tensor.zeros(2)), 2)), "cat", "dimension 2");
    }

    @Test
    void indexOutOfRange() {
        assertEquals("select: index 3 is out of range for dimension 1 with size 3",
                message(IndexOutOfBoundsException.class, () -> Tensor.zeros(2, 3).select(1, 3)));
        assertEquals("gather: index 4 is out of bounds for dimension 1 with size 4 (expected 0 <= index < 4)",
                message(IndexOutOfBoundsException.class, () -> Tensor.zeros(2, 4).gather(1, Tensor.of(new long[] {4, 0}, 2, 1))));
        assertEquals("indexSelect: index -5 is out of bounds for dimension 0 with size 4 (expected 0 <= index < 4)",
                message(IndexOutOfBoundsException.class, () -> Tensor.zeros(4).indexSelect(0, Tensor.of(-5L))));
        contains(message(IndexOutOfBoundsException.class, () -> Tensor.zeros(3).index(Index.tensor(Tensor.of(3L)))),
                "index 3", "size 3");
    }

    @Test
    void wrongDtypes() {
        assertEquals("matmul: expected floating-point tensors, got int64; convert with to(DType.FLOAT32)",
                message(IllegalArgumentException.class, () -> Tensor.arange(4).reshape(2, 2).matmul(Tensor.arange(4).reshape(2, 2))));
        assertEquals("where: condition must be a bool tensor, got float32",
                message(IllegalArgumentException.class, () -> Tensor.where(Tensor.ones(2), Tensor.ones(2), Tensor.ones(2))));
        contains(message(IllegalArgumentException.class, () -> Tensor.arange(3).softmax(0)), "softmax", "floating-point", "int64");
        contains(message(IllegalArgumentException.class, () -> Tensor.arange(3).mean()), "mean", "int64");
        contains(message(IllegalArgumentException.class, () -> Tensor.zeros(2).gather(0, Tensor.zeros(1))), "gather", "float32");
        contains(message(IllegalArgumentException.class, () -> Tensor.zeros(2, 2).matmul(Tensor.zeros(new int[] {2, 2}, DType.FLOAT64))),
                "matmul", "float32", "float64");
        contains(message(IllegalArgumentException.class, () -> Tensor.zeros(2).maskedFill(Tensor.zeros(2), 1)), "maskedFill", "bool");
        contains(message(IllegalArgumentException.class, () -> DType.of("float8")), "float8", "float32");
    }

    @Test
    void itemOnManyElements() {
        assertEquals("item: a tensor with 6 elements (shape [2, 3]) cannot be converted to a scalar",
                message(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).item()));
    }

    @Test
    void reshapeToIncompatibleShape() {
        assertEquals("reshape: shape [4, 2] is invalid for a tensor of shape [2, 3] (6 elements)",
                message(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).reshape(4, 2)));
        contains(message(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).reshape(-1, 4)), "reshape", "[-1, 4]", "[2, 3]");
        contains(message(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).view(7)), "view", "[7]", "[2, 3]");
    }

    @Test
    void tooLargeShapesFailClearly() {
        assertEquals("zeros: shape [65536, 65536] has 4294967296 elements; a CPU tensor holds at most 2147483639 (2^31 - 9) elements",
                message(IllegalArgumentException.class, () -> Tensor.zeros(65536, 65536)));
        contains(message(IllegalArgumentException.class, () -> Tensor.ones(100_000, 100_000)), "ones", "10000000000 elements");
        contains(message(IllegalArgumentException.class, () -> Tensor.full(new int[] {1 << 16, 1 << 16}, 2.0)), "full", "[65536, 65536]");
        contains(message(IllegalArgumentException.class, () -> Tensor.randn(50_000, 50_000)), "randn", "2500000000 elements");
        contains(message(IllegalArgumentException.class, () -> Tensor.rand(1 << 20, 1 << 20, 1 << 20)), "rand", "at most");
        contains(message(IllegalArgumentException.class, () -> Tensor.zeros(new int[] {46341, 46341}, DType.BOOL)), "46341");
        // Results too large to materialise fail the same way, not with an OutOfMemoryError.
        contains(message(IllegalArgumentException.class, () -> Tensor.zeros(65536, 1).matmul(Tensor.zeros(1, 65536))), "[65536, 65536]",
                "at most");
        contains(message(IllegalArgumentException.class, () -> Tensor.zeros(65536, 1).expand(65536, 65536).contiguous()),
                "[65536, 65536]", "at most");
    }

    @Test
    void largeShapesWithAZeroAreEmpty() {
        // Zero elements, whatever the other sizes: nothing to allocate (PyTorch accepts these too).
        assertEquals(0, Tensor.zeros(65536, 65536, 0).numel());
        assertEquals(0, Tensor.zeros(0, 65536, 65536).numel());
    }

    @Test
    void negativeAndMisc() {
        contains(message(IllegalArgumentException.class, () -> Tensor.zeros(3, -2)), "zeros", "negative dimension -2");
        contains(message(IllegalArgumentException.class, () -> Tensor.of(true, false).sub(Tensor.of(true, true))), "sub", "bool");
        contains(message(IllegalArgumentException.class, () -> Tensor.zeros(2).addInPlace(Tensor.zeros(2, 2))), "addInPlace", "[2, 2]", "[2]");
        contains(message(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).copyFrom(Tensor.zeros(3, 3))), "copyFrom", "[3, 3]", "[2, 3]");
        contains(message(IllegalArgumentException.class, () -> Kona.setNumThreads(0)), "setNumThreads", ">= 1");
        contains(message(IllegalArgumentException.class, () -> Tensor.zeros(2).to(new Device("nosuchdevice", 0))), "nosuchdevice");
    }
}
