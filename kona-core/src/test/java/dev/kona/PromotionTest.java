package dev.kona;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kona.testing.Nd;
import dev.kona.testing.Ref;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Result dtypes as PyTorch 2.x gives them (each expectation checked with torch). */
class PromotionTest {
    private static final DType B = DType.BOOL, I32 = DType.INT32, I64 = DType.INT64, F16 = DType.FLOAT16,
            BF16 = DType.BFLOAT16, F32 = DType.FLOAT32, F64 = DType.FLOAT64;

    private static Tensor t(DType d) {
        return Tensor.ones(new int[] {2}, d);
    }

    private static Tensor s(DType d) {
        return Tensor.ones(new int[0], d);
    }

    private static Arguments c(String name, Supplier<Tensor> f, DType expected) {
        return Arguments.of(name, f, expected);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                c("int32 + int64", () -> t(I32).add(t(I64)), I64),
                c("int32 + 2.5", () -> t(I32).add(2.5), F32),
                c("int32 + 3", () -> t(I32).add(3L), I32),
                c("float16 + 2.0", () -> t(F16).add(2.0), F16),
                c("bfloat16 + 1", () -> t(BF16).add(1L), BF16),
                c("bool + bool", () -> t(B).add(t(B)), B),
                c("bool * float16", () -> t(B).mul(t(F16)), F16),
                c("bool + 2", () -> t(B).add(2L), I64),
                c("bool + 2.5", () -> t(B).add(2.5), F32),
                c("bool / bool", () -> t(B).div(t(B)), F32),
                c("int64 + float16", () -> t(I64).add(t(F16)), F16),
                c("int64 * 0.5", () -> t(I64).mul(0.5), F32),
                c("int64 / 2", () -> t(I64).div(2), F32),
                c("int32 / int32", () -> t(I32).div(t(I32)), F32),
                c("float64 + 2.5", () -> t(F64).add(2.5), F64),
                c("float16 + bfloat16", () -> t(F16).add(t(BF16)), F32),
                c("int32 + float64 0-d", () -> t(I32).add(s(F64)), F64),
                c("int32 + int64 0-d", () -> t(I32).add(s(I64)), I32),
                c("int32 + bool 0-d", () -> t(I32).add(s(B)), I32),
                c("bool + int32 0-d", () -> t(B).add(s(I32)), I32),
                c("float32 + float64 0-d", () -> t(F32).add(s(F64)), F32),
                c("float16 + float32 0-d", () -> t(F16).add(s(F32)), F16),
                c("float16 + int64 0-d", () -> t(F16).add(s(I64)), F16),
                c("int32 0-d + int64 0-d", () -> s(I32).add(s(I64)), I64),
                c("float16 0-d + float32 0-d", () -> s(F16).add(s(F32)), F32),
                c("int32 < int64", () -> t(I32).lt(t(I64)), B),
                c("int32 == 2.5", () -> t(I32).eq(2.5), B),
                c("logicalAnd(int32, float32)", () -> t(I32).logicalAnd(t(F32)), B),
                c("maximum(bool, int32)", () -> t(B).maximum(t(I32)), I32),
                c("where(bool, int32, float32)", () -> Tensor.where(t(B), t(I32), t(F32)), F32),
                c("where(bool, int32, 2.5)", () -> Tensor.where(t(B), t(I32), 2.5), F32),
                c("cat(int32, float32)", () -> Tensor.cat(List.of(t(I32), t(F32))), F32),
                c("sum(int32)", () -> t(I32).sum(), I64),
                c("sum(bool)", () -> t(B).sum(), I64),
                c("sum(float16)", () -> t(F16).sum(), F16),
                c("prod(bool)", () -> t(B).prod(), I64),
                c("cumsum(int32)", () -> t(I32).cumsum(0), I64),
                c("amax(int32)", () -> t(I32).max(), I32),
                c("pow(int32, 2)", () -> t(I32).pow(2), I32),
                c("pow(int32, 2.5)", () -> t(I32).pow(2.5), F32),
                c("sqrt(int32)", () -> t(I32).sqrt(), F32),
                c("exp(int64)", () -> t(I64).exp(), F32),
                c("abs(int32)", () -> t(I32).abs(), I32),
                c("neg(int64)", () -> t(I64).neg(), I64),
                c("sigmoid(bfloat16)", () -> t(BF16).sigmoid(), BF16),
                c("softmax(float16)", () -> t(F16).softmax(0), F16),
                c("mean(float16)", () -> t(F16).mean(), F16),
                c("argmax(float32)", () -> t(F32).argmax(), I64),
                c("all(float32)", () -> t(F32).all(), B),
                c("matmul(float16)", () -> Tensor.ones(new int[] {2, 2}, F16).matmul(Tensor.ones(new int[] {2, 2}, F16)), F16),
                c("nonzero", () -> t(F32).nonzero(), I64),
                c("oneHot(int32)", () -> t(I32).oneHot(3), I64));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void resultDtypeMatchesPyTorch(String name, Supplier<Tensor> f, DType expected) {
        assertEquals(expected, f.get().dtype(), name);
    }

    static Stream<Arguments> pairs() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (DType x : DType.values()) for (DType y : DType.values()) b.add(Arguments.of(x, y));
        return b.build();
    }

    /** The test suite's own promotion (used by every reference) agrees with Kona's for all pairs and ranks. */
    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("pairs")
    void referencePromotionAgrees(DType x, DType y) {
        Tensor[][] forms = {{t(x), t(y)}, {t(x), s(y)}, {s(x), t(y)}, {s(x), s(y)}};
        for (Tensor[] f : forms) {
            DType expected = Ref.resultType(Nd.of(f[0]), Nd.of(f[1]));
            DType got = f[0].maximum(f[1]).dtype();
            assertEquals(expected, got, x + "(" + f[0].dim() + "-d) with " + y + "(" + f[1].dim() + "-d)");
        }
        for (Tensor w : new Tensor[] {Tensor.wrap(1.5), Tensor.wrap(2L)}) {
            DType expected = Ref.resultType(Nd.of(t(x)), Nd.of(w));
            assertEquals(expected, t(x).maximum(w).dtype(), x + " with wrapped " + w.dtype());
        }
    }
}
