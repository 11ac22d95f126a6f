package dev.kona.testing;

import static dev.kona.testing.Make.s;

import dev.kona.DType;
import dev.kona.Generator;
import dev.kona.Tensor;
import dev.kona.testing.Make.Dist;
import dev.kona.testing.OpInfo.Sample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Database entries of the matrix products. */
final class LinAlgOps {
    private LinAlgOps() {}

    private static final DType F32 = DType.FLOAT32, F64 = DType.FLOAT64;
    private static final Dist N = Make.NORMAL;

    private static Tensor r(Generator g, int... shape) {
        return Make.fill(g, F32, N, shape);
    }

    /**
     * NumPy's matmul over plain arrays: 1-D operands get a dimension prepended (left) or appended
     * (right) that is removed again; batch dimensions broadcast.
     */
    static Nd matmul(Nd a, Nd b) {
        int[] as = a.rank() == 1 ? new int[] {1, a.shape[0]} : a.shape;
        int[] bs = b.rank() == 1 ? new int[] {b.shape[0], 1} : b.shape;
        int m = as[as.length - 2], k = as[as.length - 1], n = bs[bs.length - 1];
        if (bs[bs.length - 2] != k) throw new IllegalArgumentException("Ref.matmul: inner sizes differ");
        int[] batch = Ref.broadcast(Arrays.copyOf(as, as.length - 2), Arrays.copyOf(bs, bs.length - 2));
        int[] ab = Arrays.copyOf(as, as.length - 2), bb = Arrays.copyOf(bs, bs.length - 2);
        int nb = (int) Nd.numel(batch);
        double[] out = new double[nb * m * n];
        for (int p = 0; p < nb; p++) {
            int[] bi = Nd.unravel(p, batch);
            int ao = Ref.broadcastOffset(bi, ab) * m * k, bo = Ref.broadcastOffset(bi, bb) * k * n;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int q = 0; q < k; q++) s += a.data[ao + i * k + q] * b.data[bo + q * n + j];
                    out[(p * m + i) * n + j] = s;
                }
            }
        }
        int[] shape = Arrays.copyOf(batch, batch.length + 2);
        shape[batch.length] = m;
        shape[batch.length + 1] = n;
        if (a.rank() == 1) shape = remove(shape, shape.length - 2);
        if (b.rank() == 1) shape = remove(shape, shape.length - 1);
        return new Nd(shape, out, a.dtype);
    }

    private static int[] remove(int[] s, int i) {
        int[] r = new int[s.length - 1];
        for (int j = 0, k = 0; j < s.length; j++) if (j != i) r[k++] = s[j];
        return r;
    }

    static List<OpInfo> all() {
        List<OpInfo> ops = new ArrayList<>();
        ops.add(OpInfo.builder("matmul")
                .exercises("MatMul")
                .samples(g -> List.of(
                        s("1-D x 1-D", List.of(r(g, 5), r(g, 5))),
                        s("1-D x 2-D", List.of(r(g, 4), r(g, 4, 3))),
                        s("2-D x 1-D", List.of(r(g, 3, 4), r(g, 4))),
                        s("2-D x 2-D", List.of(r(g, 3, 4), r(g, 4, 5))),
                        s("batched x 2-D", List.of(r(g, 2, 3, 4), r(g, 4, 5))),
                        s("batch broadcast [2,1,3,4] x [3,4,5]", List.of(r(g, 2, 1, 3, 4), r(g, 3, 4, 5))),
                        s("1-D x batched", List.of(r(g, 4), r(g, 2, 4, 5))),
                        s("batched x 1-D", List.of(r(g, 2, 3, 4), r(g, 4))),
                        s("transposed operands", List.of(Make.transposed(g, F32, N, 3, 4), Make.transposed(g, F32, N, 4, 5))),
                        s("transposed A (a.t())", List.of(r(g, 6, 3).t(), r(g, 6, 2))),
                        s("stepped operands", List.of(Make.stepped(g, F32, N, 3, 4), Make.stepped(g, F32, N, 4, 2))),
                        s("expanded batch", List.of(Make.expanded(g, F32, N, 3, 2, 4), r(g, 3, 4, 2))),
                        s("transposed batched", List.of(r(g, 2, 4, 3).transpose(1, 2), r(g, 2, 5, 4).transpose(-1, -2))),
                        s("k = 0", List.of(r(g, 3, 0), r(g, 0, 4))),
                        s("m = 0", List.of(r(g, 0, 4), r(g, 4, 5))),
                        s("empty batch", List.of(r(g, 0, 3, 4), r(g, 4, 5))),
                        s("1 x 1", List.of(r(g, 1, 1), r(g, 1, 1))),
                        s("float64", List.of(Make.fill(g, F64, N, 5, 7), Make.fill(g, F64, N, 7, 3))),
                        s("float64 transposed", List.of(Make.transposed(g, F64, N, 9, 6), Make.fill(g, F64, N, 6, 4))),
                        s("float16", List.of(Make.fill(g, DType.FLOAT16, N, 3, 4), Make.fill(g, DType.FLOAT16, N, 4, 2))),
                        s("bfloat16", List.of(Make.fill(g, DType.BFLOAT16, N, 2, 3, 4), Make.fill(g, DType.BFLOAT16, N, 4, 2))),
                        s("odd sizes 33x65x17", List.of(r(g, 33, 65), r(g, 65, 17))),
                        s("larger 70x300x70, B transposed", List.of(r(g, 70, 300), Make.transposed(g, F32, N, 300, 70))),
                        s("many small batches", List.of(r(g, 40, 5, 6), r(g, 40, 6, 7)))))
                .op1((in, a) -> in.get(0).matmul(in.get(1)))
                .ref1((in, a) -> matmul(in.get(0), in.get(1)))
                .secondOrder()
                .f32(1e-4, 1e-4)
                .error("inner sizes differ", () -> Tensor.zeros(32, 784).matmul(Tensor.zeros(128, 10)),
                        "matmul: shapes [32, 784] and [128, 10] cannot be multiplied (784 != 128)")
                .error("1-D inner sizes differ", () -> Tensor.zeros(3).matmul(Tensor.zeros(4, 2)), "[3]", "[4, 2]", "3 != 4")
                .error("int64 operands", () -> Tensor.arange(4).reshape(2, 2).matmul(Tensor.arange(4).reshape(2, 2)),
                        "matmul", "floating-point", "int64")
                .error("mixed dtypes", () -> Tensor.zeros(2, 2).matmul(Tensor.zeros(sh(2, 2), F64)), "matmul", "float32", "float64")
                .error("0-d operand", () -> Tensor.scalar(1).matmul(Tensor.zeros(2)), "matmul", "at least 1 dimension")
                .error("batch dims do not broadcast", () -> Tensor.zeros(2, 3, 4).matmul(Tensor.zeros(3, 4, 5)),
                        "matmul", "[2]", "[3]", "broadcast")
                .build());
        ops.add(OpInfo.builder("mm")
                .exercises("MatMul")
                .samples(g -> List.of(
                        s("plain", List.of(r(g, 3, 4), r(g, 4, 5))),
                        s("transposed", List.of(r(g, 4, 3).t(), r(g, 5, 4).t())),
                        s("k = 0", List.of(r(g, 2, 0), r(g, 0, 3))),
                        s("float64", List.of(Make.fill(g, F64, N, 5, 7), Make.fill(g, F64, N, 7, 3)))))
                .op1((in, a) -> in.get(0).mm(in.get(1)))
                .ref1((in, a) -> matmul(in.get(0), in.get(1)))
                .f32(1e-4, 1e-4)
                .error("3-D operand", () -> Tensor.zeros(2, 3, 4).mm(Tensor.zeros(4, 5)), "mm", "2-D", "[2, 3, 4]")
                .error("inner sizes differ", () -> Tensor.zeros(2, 3).mm(Tensor.zeros(4, 5)),
                        "mm: shapes [2, 3] and [4, 5] cannot be multiplied (3 != 4)")
                .build());
        ops.add(OpInfo.builder("bmm")
                .exercises("MatMul")
                .samples(g -> List.of(
                        s("plain", List.of(r(g, 2, 3, 4), r(g, 2, 4, 5))),
                        s("transposed", List.of(r(g, 2, 4, 3).transpose(1, 2), Make.reversedLayout(r(g, 5, 4, 2)))),
                        s("batch 0", List.of(r(g, 0, 3, 4), r(g, 0, 4, 5))),
                        s("float64", List.of(Make.fill(g, F64, N, 3, 2, 7), Make.fill(g, F64, N, 3, 7, 3)))))
                .op1((in, a) -> in.get(0).bmm(in.get(1)))
                .gradSamples(g -> List.of(
                        s("small", List.of(Make.fill(g, F64, N, 2, 2, 3), Make.fill(g, F64, N, 2, 3, 2))),
                        s("small, transposed", List.of(Make.fill(g, F64, N, 2, 3, 2).transpose(1, 2), Make.fill(g, F64, N, 2, 3, 2)))))
                .secondOrder()
                .ref1((in, a) -> matmul(in.get(0), in.get(1)))
                .f32(1e-4, 1e-4)
                .error("batch sizes differ", () -> Tensor.zeros(2, 3, 4).bmm(Tensor.zeros(3, 4, 5)), "bmm", "batch", "2 != 3")
                .error("2-D operand", () -> Tensor.zeros(3, 4).bmm(Tensor.zeros(4, 5)), "bmm", "3-D", "[3, 4]")
                .error("inner sizes differ", () -> Tensor.zeros(2, 3, 4).bmm(Tensor.zeros(2, 5, 6)),
                        "bmm: shapes [2, 3, 4] and [2, 5, 6] cannot be multiplied (4 != 5)")
                .build());
        ops.add(OpInfo.builder("dot")
                .exercises("MatMul")
                .samples(g -> List.of(
                        s("plain", List.of(r(g, 7), r(g, 7))),
                        s("stepped", List.of(Make.stepped(g, F32, N, 9), r(g, 9))),
                        s("empty", List.of(r(g, 0), r(g, 0))),
                        s("long", List.of(r(g, 5000), r(g, 5000))),
                        s("float64", List.of(Make.fill(g, F64, N, 11), Make.fill(g, F64, N, 11)))))
                .op1((in, a) -> in.get(0).dot(in.get(1)))
                .ref1((in, a) -> matmul(in.get(0), in.get(1)))
                .f32(1e-4, 1e-4)
                .error("lengths differ", () -> Tensor.zeros(3).dot(Tensor.zeros(4)), "dot", "3 != 4")
                .error("2-D operand", () -> Tensor.zeros(2, 2).dot(Tensor.zeros(4)), "dot", "1-D", "[2, 2]")
                .error("int64", () -> Tensor.arange(3).dot(Tensor.arange(3)), "dot", "floating-point", "int64")
                .build());
        ops.add(OpInfo.builder("outer")
                .exercises("Binary.MUL")
                .samples(g -> List.of(
                        s("plain", List.of(r(g, 3), r(g, 4))),
                        s("empty", List.of(r(g, 0), r(g, 4))),
                        s("stepped", List.of(Make.stepped(g, F32, N, 5), r(g, 2))),
                        s("int32 x float32", List.of(Make.rand(g, DType.INT32, 3), r(g, 2))),
                        s("int64 x int64", List.of(Make.rand(g, DType.INT64, 3), Make.rand(g, DType.INT64, 3)))))
                .op1((in, a) -> in.get(0).outer(in.get(1)))
                .ref1((in, a) -> {
                    Nd x = in.get(0), y = in.get(1);
                    DType dt = Ref.resultType(x, y);
                    return Ref.zip(x.cast(dt).reshape(x.numel(), 1), y.cast(dt).reshape(1, y.numel()), (p, q) -> p * q, dt);
                })
                .error("2-D operand", () -> Tensor.zeros(2, 2).outer(Tensor.zeros(4)), "outer", "1-D", "[2, 2]")
                .build());
        return ops;
    }

    private static int[] sh(int... s) {
        return s;
    }
}
