package dev.kona.examples;

import dev.kona.DType;
import dev.kona.Index;
import dev.kona.Kona;
import dev.kona.Tensor;
import java.util.List;

/** A short tour of Kona's tensors: creation, broadcasting, views, reductions, matmul. Run: ./kona example tensors */
public final class TensorTour {
    private TensorTour() {}

    public static void main(String[] args) {
        Kona.manualSeed(0);

        Tensor a = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
        System.out.println("a = " + a);
        System.out.println("a.shape = " + java.util.Arrays.toString(a.shape()) + ", dtype = " + a.dtype());

        // Broadcasting: [2, 3] + [3] -> [2, 3]
        Tensor bias = Tensor.of(10f, 20f, 30f);
        System.out.println("a + bias = " + a.add(bias));

        // Views share storage: no copy for transpose, slicing or reshape of a contiguous tensor.
        System.out.println("a.t() = " + a.t());
        System.out.println("a[:, 1:] = " + a.index(Index.all(), Index.from(1)));

        // Reductions and numerically stable softmax.
        System.out.println("a.sum(1) = " + a.sum(1));
        System.out.println("softmax([1000, 1001, 1002]) = " + Tensor.of(1000f, 1001f, 1002f).softmax(0));

        // Matrix product; the transposed operand is not copied.
        Tensor x = Tensor.randn(4, 3);
        System.out.println("x @ a.t() has shape " + java.util.Arrays.toString(x.matmul(a.t()).shape()));

        // Type promotion as PyTorch: int32 tensor * 0.5 -> float32; comparisons -> bool.
        Tensor ints = Tensor.of(1, 2, 3);
        System.out.println("ints * 0.5 = " + ints.mul(0.5) + ", ints > 1 = " + ints.gt(1));

        // Sorting, top-k, joining.
        var top = Tensor.of(3f, 1f, 4f, 1f, 5f, 9f, 2f, 6f).topk(3);
        System.out.println("top-3 values = " + top.values() + ", indices = " + top.indices());
        System.out.println("cat = " + Tensor.cat(List.of(a, a), 0).shape()[0] + " rows; bf16 of pi = "
                + Tensor.scalar(Math.PI).to(DType.BFLOAT16).to(DType.FLOAT32).item());
        System.out.println("large tensors print summarised: " + Tensor.arange(0.0, 2000.0, 1.0));
    }
}
