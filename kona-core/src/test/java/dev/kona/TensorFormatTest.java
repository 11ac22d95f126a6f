package dev.kona;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * toString against what PyTorch 2.x prints for the same tensor (strings copied from
 * {@code python3 -c "import torch; print(repr(str(...)))"}), with {@code dtype=torch.int32} written
 * {@code dtype=int32}.
 */
class TensorFormatTest {

    private static Arguments c(String name, Supplier<Tensor> t, String torch) {
        return Arguments.of(name, t, torch.replace("torch.", ""));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                c("float vector of integers", () -> Tensor.of(1f, 2f, 3f), "tensor([1., 2., 3.])"),
                c("2-d", () -> Tensor.of(new float[][] {{1.5f, 2}, {3, 4}}), "tensor([[1.5000, 2.0000],\n        [3.0000, 4.0000]])"),
                c("0-d", () -> Tensor.scalar(3.5), "tensor(3.5000)"),
                c("0-d integer-valued", () -> Tensor.scalar(3), "tensor(3.)"),
                c("0-d negative", () -> Tensor.scalar(-2.25), "tensor(-2.2500)"),
                c("0-d float64", () -> Tensor.scalar(1.5, DType.FLOAT64), "tensor(1.5000, dtype=torch.float64)"),
                c("0-d int64", () -> Tensor.arange(4).sum().sub(3L), "tensor(3)"),
                c("0-d bool", () -> Tensor.of(true).reshape(), "tensor(True)"),
                c("int64", () -> Tensor.of(1L, 2L, 3L), "tensor([1, 2, 3])"),
                c("int32", () -> Tensor.of(1, 2), "tensor([1, 2], dtype=torch.int32)"),
                c("int32 2-d", () -> Tensor.of(new int[][] {{1, -2}, {30, 4}}), "tensor([[ 1, -2],\n        [30,  4]], dtype=torch.int32)"),
                c("int64 widths", () -> Tensor.of(1L, -200000L, 3L), "tensor([      1, -200000,       3])"),
                c("bool", () -> Tensor.of(true, false), "tensor([ True, False])"),
                c("bool 2-d", () -> Tensor.of(new boolean[][] {{true}, {false}}), "tensor([[ True],\n        [False]])"),
                c("scientific", () -> Tensor.of(1e-5f, 1e3f), "tensor([1.0000e-05, 1.0000e+03])"),
                c("scientific negative", () -> Tensor.of(-1e-5f, 1e3f), "tensor([-1.0000e-05,  1.0000e+03])"),
                c("scientific small", () -> Tensor.of(0.0001f, 0.001f), "tensor([1.0000e-04, 1.0000e-03])"),
                c("scientific large", () -> Tensor.of(123456789f), "tensor([1.2346e+08])"),
                c("integer-valued, ratio > 1000", () -> Tensor.of(1e10f, 1f), "tensor([1.0000e+10, 1.0000e+00])"),
                c("integer-valued 1e8", () -> Tensor.of(1e8f, 1f), "tensor([1.0000e+08, 1.0000e+00])"),
                c("negative and positive", () -> Tensor.of(-1.5f, 2.25f), "tensor([-1.5000,  2.2500])"),
                c("column widths", () -> Tensor.of(new float[][] {{-1, 0.5f}, {100.25f, -3}}),
                        "tensor([[ -1.0000,   0.5000],\n        [100.2500,  -3.0000]])"),
                c("nan and inf", () -> Tensor.of(Float.NaN, 1f, Float.POSITIVE_INFINITY), "tensor([nan, 1., inf])"),
                c("inf with fractions", () -> Tensor.of(Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0.5f),
                        "tensor([   inf,   -inf, 0.5000])"),
                c("nan only", () -> Tensor.of(Float.NaN), "tensor([nan])"),
                c("zeros", () -> Tensor.zeros(3), "tensor([0., 0., 0.])"),
                c("float64", () -> Tensor.of(1.0, 2.0), "tensor([1., 2.], dtype=torch.float64)"),
                c("float16", () -> Tensor.of(1.5f, 2f).to(DType.FLOAT16), "tensor([1.5000, 2.0000], dtype=torch.float16)"),
                c("bfloat16", () -> Tensor.of(0.1f, 0.2f).to(DType.BFLOAT16), "tensor([0.1001, 0.2002], dtype=torch.bfloat16)"),
                c("3-d", () -> Tensor.arange(0, 24, 1.0).reshape(2, 3, 4),
                        "tensor([[[ 0.,  1.,  2.,  3.],\n         [ 4.,  5.,  6.,  7.],\n         [ 8.,  9., 10., 11.]],\n\n"
                                + "        [[12., 13., 14., 15.],\n         [16., 17., 18., 19.],\n         [20., 21., 22., 23.]]])"),
                c("line wrapping", () -> Tensor.arange(0, 30, 1.0).mul(0.5),
                        "tensor([ 0.0000,  0.5000,  1.0000,  1.5000,  2.0000,  2.5000,  3.0000,  3.5000,\n"
                                + "         4.0000,  4.5000,  5.0000,  5.5000,  6.0000,  6.5000,  7.0000,  7.5000,\n"
                                + "         8.0000,  8.5000,  9.0000,  9.5000, 10.0000, 10.5000, 11.0000, 11.5000,\n"
                                + "        12.0000, 12.5000, 13.0000, 13.5000, 14.0000, 14.5000])"),
                c("int line wrapping", () -> Tensor.arange(40),
                        "tensor([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16, 17,\n"
                                + "        18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,\n"
                                + "        36, 37, 38, 39])"),
                c("empty", () -> Tensor.zeros(0), "tensor([])"),
                c("empty 2-d", () -> Tensor.zeros(2, 0), "tensor([], size=(2, 0))"),
                c("empty int64", () -> Tensor.arange(0), "tensor([], dtype=torch.int64)"),
                c("empty float64", () -> Tensor.zeros(new int[] {0}, DType.FLOAT64), "tensor([], dtype=torch.float64)"),
                c("empty bool 2-d", () -> Tensor.zeros(new int[] {0, 3}, DType.BOOL), "tensor([], size=(0, 3), dtype=torch.bool)"),
                c("summarized int", () -> Tensor.arange(2000), "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])"),
                c("summarized float", () -> Tensor.arange(0, 2000, 1.0),
                        "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])"),
                c("summarized int 2-d", () -> Tensor.arange(2000).reshape(40, 50),
                        "tensor([[   0,    1,    2,  ...,   47,   48,   49],\n        [  50,   51,   52,  ...,   97,   98,   99],\n"
                                + "        [ 100,  101,  102,  ...,  147,  148,  149],\n        ...,\n"
                                + "        [1850, 1851, 1852,  ..., 1897, 1898, 1899],\n        [1900, 1901, 1902,  ..., 1947, 1948, 1949],\n"
                                + "        [1950, 1951, 1952,  ..., 1997, 1998, 1999]])"),
                c("transposed view", () -> Tensor.of(new float[][] {{1, 2}, {3, 4}}).t(), "tensor([[1., 3.],\n        [2., 4.]])"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void printsLikePyTorch(String name, Supplier<Tensor> t, String expected) {
        assertEquals(expected, t.get().toString());
    }
}
