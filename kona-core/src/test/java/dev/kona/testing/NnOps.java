package dev.kona.testing;

import static dev.kona.testing.Make.s;
import static dev.kona.testing.Make.sh;

import dev.kona.DType;
import dev.kona.Generator;
import dev.kona.Tensor;
import dev.kona.nn.Attention;
import dev.kona.nn.Loss.Reduction;
import dev.kona.nn.Losses;
import dev.kona.nn.Embeddings;
import dev.kona.nn.Normalization;
import dev.kona.testing.Make.Dist;
import dev.kona.testing.OpInfo.Sample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Database entries of the composite functions of the nn layers: layer, batch and group
 * normalisation, embedding look-up and scaled dot-product attention. The references are plain
 * float64 loops over {@link Nd} arrays.
 */
final class NnOps {
    private NnOps() {}

    private static final DType F32 = DType.FLOAT32, F64 = DType.FLOAT64;
    private static final Dist N = Make.NORMAL;

    private static Tensor r(Generator g, int... shape) {
        return Make.fill(g, F32, N, shape);
    }

    private static Tensor pos(Generator g, int... shape) {
        return Make.fill(g, F32, Make.uniform(0.5, 2.0), shape);
    }

    static List<OpInfo> all() {
        return List.of(layerNorm(), batchNorm(), groupNorm(), embedding(), scaledDotProductAttention(), crossEntropyRows());
    }

    // ---------------------------------------------------------------- normalisation

    /** Mean and biased variance of {@code v}. */
    private static double[] moments(double[] v) {
        double m = 0;
        for (double x : v) m += x;
        m /= v.length;
        double s = 0;
        for (double x : v) s += (x - m) * (x - m);
        return new double[] {m, s / v.length};
    }

    /**
     * Normalises {@code x} over groups: element i belongs to group {@code groupOf[i]}; then
     * multiplies by {@code w[paramOf[i]]} and adds {@code b[paramOf[i]]} (null for none).
     */
    private static Nd normalize(Nd x, int[] groupOf, int groups, double eps, double[] w, double[] b, int[] paramOf) {
        double[][] members = new double[groups][];
        int[] count = new int[groups];
        for (int g : groupOf) count[g]++;
        for (int g = 0; g < groups; g++) members[g] = new double[count[g]];
        int[] fill = new int[groups];
        for (int i = 0; i < x.numel(); i++) members[groupOf[i]][fill[groupOf[i]]++] = x.data[i];
        double[][] mv = new double[groups][];
        for (int g = 0; g < groups; g++) mv[g] = moments(members[g]);
        double[] out = new double[x.numel()];
        for (int i = 0; i < out.length; i++) {
            double[] m = mv[groupOf[i]];
            double y = (x.data[i] - m[0]) / Math.sqrt(m[1] + eps);
            if (w != null) y *= w[paramOf[i]];
            if (b != null) y += b[paramOf[i]];
            out[i] = y;
        }
        return new Nd(x.shape, out, x.dtype);
    }

    /** The channel (dimension 1) of each element of a row-major {@code [N, C, *]} array. */
    private static int[] channels(int[] shape) {
        int n = (int) Nd.numel(shape), c = shape[1], inner = n / Math.max(1, shape[0] * c);
        int[] ch = new int[n];
        for (int i = 0; i < n; i++) ch[i] = (i / inner) % c;
        return ch;
    }

    /**
     * Cross-entropy of logits [N, C] against class indices, no weights or smoothing: the fused
     * {@link dev.kona.ops.Op.CrossEntropyRows} path of {@code Losses.crossEntropy} (the loss golden
     * tests cover the composite paths and PyTorch's values). args: (int ignoreIndex, String
     * reduction); inputs: logits, targets.
     */
    private static OpInfo crossEntropyRows() {
        return OpInfo.builder("crossEntropy (rows of logits)")
                // CrossEntropyRowsGrad for gradients; the composite for gradients of gradients
                .exercises("CrossEntropyRows", "CrossEntropyRowsGrad", "Softmax", "Binary.EQ", "Where")
                .samples(g -> List.of(
                        s("[4, 5] mean", List.of(r(g, 4, 5), Make.index(g, 5, 4)), -100, "mean"),
                        s("[3, 7] sum", List.of(r(g, 3, 7), Make.index(g, 7, 3)), -100, "sum"),
                        s("[6, 3] none", List.of(r(g, 6, 3), Make.index(g, 3, 6)), -100, "none"),
                        s("ignored targets", List.of(r(g, 4, 3), Make.of(DType.INT64, sh(4), 2, -100, 0, -100)), -100, "mean"),
                        s("ignoreIndex 1, none", List.of(r(g, 3, 4), Make.of(DType.INT64, sh(3), 1, 3, 0)), 1, "none"),
                        s("one class", List.of(r(g, 3, 1), Make.of(DType.INT64, sh(3), 0, 0, 0)), -100, "mean"),
                        s("logits far from zero", List.of(Make.fill(g, F32, Make.uniform(990, 1010), 2, 6), Make.index(g, 6, 2)), -100,
                                "mean"),
                        s("transposed logits", List.of(Make.transposed(g, F32, N, 5, 3), Make.index(g, 3, 5)), -100, "mean"),
                        s("int32 targets", List.of(r(g, 3, 4), Make.of(DType.INT32, sh(3), 3, 0, 2)), -100, "sum"),
                        s("float64", List.of(Make.fill(g, F64, N, 5, 4), Make.index(g, 4, 5)), -100, "mean"),
                        s("long rows", List.of(r(g, 2, 300), Make.index(g, 300, 2)), -100, "mean"),
                        s("many rows", List.of(r(g, 70, 10), Make.index(g, 10, 70)), -100, "none")))
                .op1((in, a) -> Losses.crossEntropy(in.get(0), in.get(1), null, a.i(0), 0, reduction(a.get(1))))
                .ref1((in, a) -> {
                    Nd x = in.get(0), t = in.get(1);
                    int n = x.shape[0], c = x.shape[1], ignore = a.i(0);
                    double[] loss = new double[n];
                    double total = 0, counted = 0;
                    for (int i = 0; i < n; i++) {
                        if ((int) t.data[i] == ignore) continue;
                        double max = Double.NEGATIVE_INFINITY, sum = 0;
                        for (int j = 0; j < c; j++) max = Math.max(max, x.get(i, j));
                        for (int j = 0; j < c; j++) sum += Math.exp(x.get(i, j) - max);
                        loss[i] = max + Math.log(sum) - x.get(i, (int) t.data[i]);
                        total += loss[i];
                        counted++;
                    }
                    return switch ((String) a.get(1)) {
                        case "none" -> new Nd(new int[] {n}, loss, x.dtype);
                        case "sum" -> new Nd(new int[0], new double[] {total}, x.dtype);
                        default -> new Nd(new int[0], new double[] {total / counted}, x.dtype);
                    };
                })
                .f32(1e-5, 1e-5)
                .secondOrder()
                .error("target out of range", () -> Losses.crossEntropy(Tensor.zeros(2, 3), Tensor.of(0L, 3L)),
                        "CrossEntropyLoss", "target 3 is out of range for 3 classes")
                .build();
    }

    private static Reduction reduction(String name) {
        return switch (name) {
            case "none" -> Reduction.NONE;
            case "sum" -> Reduction.SUM;
            default -> Reduction.MEAN;
        };
    }

    /** args: (int[] normalizedShape, double eps); inputs: x, then weight and bias when given (count in the sample). */
    private static OpInfo layerNorm() {
        return OpInfo.builder("layerNorm")
                // LayerNormGrad for gradients; the composites for gradients of gradients
                .exercises("LayerNorm", "LayerNormGrad", "Reduce.SUM", "Binary.SUB", "Binary.MUL", "Binary.ADD", "Binary.DIV",
                        "Unary.SQUARE", "Unary.RSQRT")
                .samples(g -> List.of(
                        s("[4, 6] over [6], affine", List.of(r(g, 4, 6), pos(g, 6), r(g, 6)), sh(6), 1e-5),
                        s("[2, 3, 4] over [3, 4], affine", List.of(r(g, 2, 3, 4), pos(g, 3, 4), r(g, 3, 4)), sh(3, 4), 1e-5),
                        s("[3, 5] no affine", List.of(r(g, 3, 5)), sh(5), 1e-5),
                        s("[2, 2, 3] weight only", List.of(r(g, 2, 2, 3), pos(g, 3)), sh(3), 1e-3),
                        s("1-D input", List.of(r(g, 7), pos(g, 7), r(g, 7)), sh(7), 1e-5),
                        s("rows far from zero", List.of(Make.fill(g, F32, Make.uniform(99, 101), 3, 8)), sh(8), 1e-5),
                        s("size-1 normalized dim", List.of(r(g, 4, 1), pos(g, 1), r(g, 1)), sh(1), 1e-5),
                        s("transposed input", List.of(Make.transposed(g, F32, N, 5, 4), pos(g, 4), r(g, 4)), sh(4), 1e-5),
                        s("float64", List.of(Make.fill(g, F64, N, 3, 6), Make.fill(g, F64, Make.uniform(0.5, 2), 6),
                                Make.fill(g, F64, N, 6)), sh(6), 1e-5),
                        s("long rows", List.of(r(g, 2, 300), pos(g, 300), r(g, 300)), sh(300), 1e-5),
                        s("many rows", List.of(r(g, 70, 3, 20), pos(g, 20), r(g, 20)), sh(20), 1e-5),
                        s("float16", List.of(Make.fill(g, DType.FLOAT16, N, 3, 8)), sh(8), 1e-5)))
                .op1((in, a) -> Normalization.layerNorm(in.get(0), a.ints(0), in.size() > 1 ? in.get(1) : null,
                        in.size() > 2 ? in.get(2) : null, a.d(1)))
                .ref1((in, a) -> {
                    Nd x = in.get(0);
                    int len = (int) Nd.numel(a.ints(0));
                    int[] group = new int[x.numel()], param = new int[x.numel()];
                    for (int i = 0; i < group.length; i++) {
                        group[i] = i / len;
                        param[i] = i % len;
                    }
                    return normalize(x, group, Math.max(1, x.numel() / len), a.d(1), in.size() > 1 ? in.get(1).data : null,
                            in.size() > 2 ? in.get(2).data : null, param);
                })
                .f32(1e-4, 1e-5)
                .secondOrder()
                .error("shape mismatch", () -> Normalization.layerNorm(Tensor.zeros(2, 5), sh(4), null, null, 1e-5),
                        "layerNorm", "[2, 5]", "does not end with the normalized shape [4]")
                .error("weight shape", () -> Normalization.layerNorm(Tensor.zeros(2, 4), sh(4), Tensor.ones(3), null, 1e-5),
                        "layerNorm", "expected weight of shape [4]", "got [3]")
                .error("integer input", () -> Normalization.layerNorm(Tensor.arange(4).reshape(1, 4), sh(4), null, null, 1e-5),
                        "layerNorm", "floating-point", "int64")
                .error("eps", () -> Normalization.layerNorm(Tensor.zeros(2, 4), sh(4), null, null, 0), "layerNorm", "eps must be > 0")
                .build();
    }

    /**
     * args: (boolean training, boolean affine, double eps); inputs: x, then weight and bias with
     * affine, then runningMean and runningVar outside training. (Training with running statistics
     * updates them in place; the layer tests cover that.)
     */
    private static OpInfo batchNorm() {
        return OpInfo.builder("batchNorm")
                .exercises("Reduce.SUM", "Binary.SUB", "Binary.MUL", "Binary.ADD", "Binary.DIV", "Unary.SQUARE", "Unary.RSQRT",
                        "Unary.NEG")
                .samples(g -> List.of(
                        s("train [4, 3]", List.of(r(g, 4, 3), pos(g, 3), r(g, 3)), true, true, 1e-5),
                        s("train [2, 3, 4]", List.of(r(g, 2, 3, 4), pos(g, 3), r(g, 3)), true, true, 1e-5),
                        s("train [2, 2, 3, 2]", List.of(r(g, 2, 2, 3, 2), pos(g, 2), r(g, 2)), true, true, 1e-5),
                        s("train, no affine", List.of(r(g, 3, 2, 2)), true, false, 1e-3),
                        s("train, transposed input", List.of(Make.transposed(g, F32, N, 5, 3), pos(g, 3), r(g, 3)), true, true, 1e-5),
                        s("eval [3, 2, 4]", List.of(r(g, 3, 2, 4), pos(g, 2), r(g, 2), r(g, 2), pos(g, 2)), false, true, 1e-5),
                        s("eval [4, 3], no affine", List.of(r(g, 4, 3), r(g, 3), pos(g, 3)), false, false, 1e-5),
                        s("train float64", List.of(Make.fill(g, F64, N, 4, 2, 3), Make.fill(g, F64, N, 2), Make.fill(g, F64, N, 2)),
                                true, true, 1e-5)))
                .op1((in, a) -> {
                    boolean training = a.b(0), affine = a.b(1);
                    int at = 1;
                    Tensor w = affine ? in.get(at++) : null, b = affine ? in.get(at++) : null;
                    Tensor rm = training ? null : in.get(at++), rv = training ? null : in.get(at);
                    return Normalization.batchNorm(in.get(0), rm, rv, w, b, training, 0.1, a.d(2));
                })
                .ref1((in, a) -> {
                    boolean training = a.b(0), affine = a.b(1);
                    Nd x = in.get(0);
                    int[] ch = channels(x.shape);
                    int c = x.shape[1];
                    double[] w = affine ? in.get(1).data : null, b = affine ? in.get(2).data : null;
                    if (training) return normalize(x, ch, c, a.d(2), w, b, ch);
                    double[] rm = in.get(affine ? 3 : 1).data, rv = in.get(affine ? 4 : 2).data;
                    double[] out = new double[x.numel()];
                    for (int i = 0; i < out.length; i++) {
                        double y = (x.data[i] - rm[ch[i]]) / Math.sqrt(rv[ch[i]] + a.d(2));
                        if (w != null) y *= w[ch[i]];
                        if (b != null) y += b[ch[i]];
                        out[i] = y;
                    }
                    return new Nd(x.shape, out, x.dtype);
                })
                // The running variance stays positive.
                .gradDomain((i, v, a) -> !a.b(0) && i == (a.b(1) ? 4 : 2) ? Make.positive(v, 0.3) : v)
                .f32(1e-4, 1e-5)
                .secondOrder()
                .error("one value per channel", () -> Normalization.batchNorm(Tensor.zeros(1, 4), null, null, null, null, true, 0.1,
                        1e-5), "batchNorm", "more than 1 value per channel", "[1, 4]")
                .error("no running stats in eval", () -> Normalization.batchNorm(Tensor.zeros(2, 4), null, null, null, null, false,
                        0.1, 1e-5), "batchNorm", "running statistics are required")
                .error("channel mismatch", () -> Normalization.batchNorm(Tensor.zeros(2, 4), Tensor.zeros(3), Tensor.ones(3), null,
                        null, false, 0.1, 1e-5), "batchNorm", "expected runningMean of shape [4]", "[2, 4]")
                .error("1-D input", () -> Normalization.batchNorm(Tensor.zeros(4), null, null, null, null, true, 0.1, 1e-5),
                        "batchNorm", "at least 2 dimensions")
                .build();
    }

    /** args: (int numGroups, double eps); inputs: x, then weight and bias when given. */
    private static OpInfo groupNorm() {
        return OpInfo.builder("groupNorm")
                .exercises("Reduce.SUM", "Binary.SUB", "Binary.MUL", "Binary.ADD", "Binary.DIV", "Unary.SQUARE", "Unary.RSQRT")
                .samples(g -> List.of(
                        s("[2, 4, 3], 2 groups", List.of(r(g, 2, 4, 3), pos(g, 4), r(g, 4)), 2, 1e-5),
                        s("[2, 6, 2, 2], 3 groups", List.of(r(g, 2, 6, 2, 2), pos(g, 6), r(g, 6)), 3, 1e-5),
                        s("[3, 4, 2], 1 group, no affine", List.of(r(g, 3, 4, 2)), 1, 1e-5),
                        s("[2, 4, 3], instance norm (4 groups)", List.of(r(g, 2, 4, 3), pos(g, 4), r(g, 4)), 4, 1e-5),
                        s("transposed input", List.of(Make.transposed(g, F32, N, 2, 4, 3), pos(g, 4), r(g, 4)), 2, 1e-5),
                        s("float64", List.of(Make.fill(g, F64, N, 2, 4, 2), Make.fill(g, F64, N, 4), Make.fill(g, F64, N, 4)), 2,
                                1e-5)))
                .op1((in, a) -> Normalization.groupNorm(in.get(0), a.i(0), in.size() > 1 ? in.get(1) : null,
                        in.size() > 2 ? in.get(2) : null, a.d(1)))
                .ref1((in, a) -> {
                    Nd x = in.get(0);
                    int groups = a.i(0), c = x.shape[1], per = x.numel() / x.shape[0] / groups;
                    int[] group = new int[x.numel()];
                    for (int i = 0; i < group.length; i++) group[i] = i / per;   // (sample, group) in row-major order
                    int[] ch = channels(x.shape);
                    return normalize(x, group, x.shape[0] * groups, a.d(1), in.size() > 1 ? in.get(1).data : null,
                            in.size() > 2 ? in.get(2).data : null, ch);
                })
                .f32(1e-4, 1e-5)
                .secondOrder()
                .error("channels not divisible", () -> Normalization.groupNorm(Tensor.zeros(2, 6, 3), 4, null, null, 1e-5),
                        "groupNorm", "6 channels", "not divisible by numGroups 4")
                .error("weight shape", () -> Normalization.groupNorm(Tensor.zeros(2, 4, 3), 2, Tensor.ones(2), null, 1e-5),
                        "groupNorm", "expected weight of shape [4]")
                .build();
    }

    // ---------------------------------------------------------------- embedding

    /** args: (Integer paddingIdx); inputs: indices, weight. */
    private static OpInfo embedding() {
        return OpInfo.builder("embedding")
                .exercises("IndexSelect", "Where", "Binary.EQ")
                .samples(g -> List.of(
                        s("[2, 3] indices", List.of(Make.index(g, 5, 2, 3), r(g, 5, 4)), (Integer) null),
                        s("1-D indices with repeats", List.of(Make.of(DType.INT64, sh(6), 1, 3, 1, 1, 0, 3), r(g, 4, 3)),
                                (Integer) null),
                        s("0-d index", List.of(Make.scalar(DType.INT64, 2), r(g, 3, 5)), (Integer) null),
                        s("int32 indices", List.of(Make.of(DType.INT32, sh(2, 2), 0, 2, 2, 1), r(g, 3, 2)), (Integer) null),
                        s("paddingIdx 0", List.of(Make.of(DType.INT64, sh(2, 3), 1, 0, 2, 0, 0, 3), r(g, 4, 3)), 0),
                        s("paddingIdx -1", List.of(Make.of(DType.INT64, sh(4), 3, 1, 3, 2), r(g, 4, 2)), -1),
                        s("transposed table", List.of(Make.index(g, 4, 5), Make.transposed(g, F32, N, 4, 3)), (Integer) null),
                        s("float64 table", List.of(Make.index(g, 6, 3, 2), Make.fill(g, F64, N, 6, 2)), (Integer) null)))
                .op1((in, a) -> Embeddings.embedding(in.get(0), in.get(1), a.get(0), null, 2.0))
                .ref1((in, a) -> {
                    Nd idx = in.get(0), w = in.get(1);
                    int dim = w.shape[1];
                    double[] out = new double[idx.numel() * dim];
                    for (int i = 0; i < idx.numel(); i++) {
                        System.arraycopy(w.data, (int) idx.data[i] * dim, out, i * dim, dim);
                    }
                    int[] shape = Arrays.copyOf(idx.shape, idx.rank() + 1);
                    shape[idx.rank()] = dim;
                    return new Nd(shape, out, w.dtype);
                })
                // The padding row passes no gradient by design; the layer tests check that. Here: the rest.
                .onlyGradSamples(g -> List.of(
                        s("indices with repeats", List.of(Make.of(DType.INT64, sh(2, 3), 1, 3, 1, 0, 0, 2), Make.fill(g, F64, N, 4, 3)),
                                (Integer) null),
                        s("0-d index", List.of(Make.scalar(DType.INT64, 1), Make.fill(g, F64, N, 3, 4)), (Integer) null)))
                .error("float indices", () -> Embeddings.embedding(Tensor.zeros(3), Tensor.zeros(4, 2)),
                        "embedding", "int64 or int32 indices", "float32")
                .error("1-D weight", () -> Embeddings.embedding(Tensor.of(1L), Tensor.zeros(4)),
                        "embedding", "2-D weight", "[4]")
                .error("index out of range", () -> Embeddings.embedding(Tensor.of(0L, 4L), Tensor.zeros(4, 2)),
                        IndexOutOfBoundsException.class, "embedding", "out of range for 4 embeddings")
                .error("paddingIdx out of range", () -> Embeddings.embedding(Tensor.of(0L), Tensor.zeros(4, 2), 4, null, 2.0),
                        "embedding", "paddingIdx 4 is out of range for 4 embeddings")
                .build();
    }

    // ---------------------------------------------------------------- attention

    /** softmax(q kᵀ scale + mask) v with PyTorch's functional mask convention; all-masked rows give zeros. */
    static Nd attention(Nd q, Nd k, Nd v, Nd mask, boolean causal, Double scale) {
        int l = q.size(-2), s = k.size(-2), e = q.size(-1);
        double sc = scale != null ? scale : 1 / Math.sqrt(e);
        Nd scores = LinAlgOps.matmul(q, transposeLast(k));
        int[] batch = Arrays.copyOf(scores.shape, scores.rank() - 2);
        int nb = (int) Nd.numel(batch);
        double[] p = new double[scores.numel()];
        for (int bi = 0; bi < nb; bi++) {
            int[] bidx = Nd.unravel(bi, batch);
            for (int i = 0; i < l; i++) {
                double[] row = new double[s];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < s; j++) {
                    double x = scores.data[(bi * l + i) * s + j] * sc;
                    if (causal && j > i) x = Double.NEGATIVE_INFINITY;
                    if (mask != null) {
                        double m = maskAt(mask, bidx, i, j);
                        x = mask.dtype == DType.BOOL ? (m != 0 ? x : Double.NEGATIVE_INFINITY) : x + m;
                    }
                    row[j] = x;
                    max = Math.max(max, x);
                }
                if (max == Double.NEGATIVE_INFINITY) continue;   // fully masked: zeros
                double sum = 0;
                for (int j = 0; j < s; j++) sum += row[j] = Math.exp(row[j] - max);
                for (int j = 0; j < s; j++) p[(bi * l + i) * s + j] = row[j] / sum;
            }
        }
        return LinAlgOps.matmul(new Nd(scores.shape, p, q.dtype), v);
    }

    private static double maskAt(Nd mask, int[] batchIdx, int i, int j) {
        int r = mask.rank();
        int[] idx = new int[r];
        idx[r - 1] = mask.shape[r - 1] == 1 ? 0 : j;
        if (r >= 2) idx[r - 2] = mask.shape[r - 2] == 1 ? 0 : i;
        for (int d = r - 3, bd = batchIdx.length - 1; d >= 0; d--, bd--) idx[d] = mask.shape[d] == 1 ? 0 : batchIdx[bd];
        return mask.get(idx);
    }

    private static Nd transposeLast(Nd x) {
        int r = x.rank(), a = x.shape[r - 2], b = x.shape[r - 1];
        int[] shape = x.shape.clone();
        shape[r - 2] = b;
        shape[r - 1] = a;
        double[] out = new double[x.numel()];
        int batch = x.numel() / Math.max(1, a * b);
        for (int p = 0; p < batch; p++) {
            for (int i = 0; i < a; i++) {
                for (int j = 0; j < b; j++) out[p * a * b + j * a + i] = x.data[p * a * b + i * b + j];
            }
        }
        return new Nd(shape, out, x.dtype);
    }

    /** args: (boolean isCausal, Double scale); inputs: q, k, v, and a mask when given. */
    private static OpInfo scaledDotProductAttention() {
        return OpInfo.builder("scaledDotProductAttention")
                .exercises("MatMul", "Softmax", "Where", "Reduce.ALL", "Binary.EQ", "Binary.GT", "Binary.ADD", "Binary.MUL")
                .samples(g -> {
                    List<Sample> s = new ArrayList<>();
                    s.add(s("[2, 3, 4] x [2, 5, 4] x [2, 5, 3]", List.of(r(g, 2, 3, 4), r(g, 2, 5, 4), r(g, 2, 5, 3)), false, null));
                    s.add(s("heads [2, 2, 4, 8]", List.of(r(g, 2, 2, 4, 8), r(g, 2, 2, 6, 8), r(g, 2, 2, 6, 8)), false, null));
                    s.add(s("causal", List.of(r(g, 2, 4, 3), r(g, 2, 4, 3), r(g, 2, 4, 2)), true, null));
                    s.add(s("causal, more keys than queries", List.of(r(g, 1, 3, 2), r(g, 1, 5, 2), r(g, 1, 5, 2)), true, null));
                    s.add(s("scale 0.3", List.of(r(g, 1, 3, 4), r(g, 1, 3, 4), r(g, 1, 3, 4)), false, 0.3));
                    Tensor boolMask = Make.of(DType.BOOL, sh(2, 1, 3, 4), 1, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 1,
                            0, 1, 1, 1, 1, 0, 0, 1, 0, 1, 1, 0);
                    s.add(s("bool mask with a fully masked row", List.of(r(g, 2, 2, 3, 2), r(g, 2, 2, 4, 2), r(g, 2, 2, 4, 3),
                            boolMask), false, null));
                    s.add(s("float mask [L, S] broadcast", List.of(r(g, 2, 3, 4), r(g, 2, 4, 4), r(g, 2, 4, 2), r(g, 3, 4)),
                            false, null));
                    s.add(s("float mask with -inf", List.of(r(g, 1, 2, 3), r(g, 1, 3, 3), r(g, 1, 3, 2),
                            Make.of(F32, sh(2, 3), 0, Double.NEGATIVE_INFINITY, 0.5, Double.NEGATIVE_INFINITY,
                                    Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY)), false, null));
                    s.add(s("key-padding shaped bool mask [2, 1, 1, 4]", List.of(r(g, 2, 2, 3, 4), r(g, 2, 2, 4, 4),
                            r(g, 2, 2, 4, 4), Make.of(DType.BOOL, sh(2, 1, 1, 4), 1, 1, 1, 0, 1, 0, 0, 0)), false, null));
                    s.add(s("transposed key", List.of(r(g, 3, 4), Make.transposed(g, F32, N, 5, 4), r(g, 5, 2)), false, null));
                    s.add(s("float64", List.of(Make.fill(g, F64, N, 2, 3, 2), Make.fill(g, F64, N, 2, 3, 2),
                            Make.fill(g, F64, N, 2, 3, 2)), true, null));
                    s.add(s("small, float mask", List.of(r(g, 1, 2, 2), r(g, 1, 3, 2), r(g, 1, 3, 2), r(g, 2, 3)), false, 0.7));
                    s.add(s("small, causal", List.of(r(g, 3, 2), r(g, 3, 2), r(g, 3, 2)), true, null));
                    return s;
                })
                .op1((in, a) -> Attention.scaledDotProductAttention(in.get(0), in.get(1), in.get(2), in.size() > 3 ? in.get(3) : null,
                        0.0, a.b(0), a.get(1)))
                .ref1((in, a) -> attention(in.get(0), in.get(1), in.get(2), in.size() > 3 ? in.get(3) : null, a.b(0), a.get(1)))
                .f32(1e-4, 1e-5)
                .secondOrder()
                .error("head sizes differ", () -> Attention.scaledDotProductAttention(Tensor.zeros(2, 3, 4), Tensor.zeros(2, 5, 3),
                        Tensor.zeros(2, 5, 3)), "scaledDotProductAttention", "[2, 3, 4]", "[2, 5, 3]", "same last dimension")
                .error("key/value lengths differ", () -> Attention.scaledDotProductAttention(Tensor.zeros(3, 4), Tensor.zeros(5, 4),
                        Tensor.zeros(6, 4)), "scaledDotProductAttention", "same sequence length (5 != 6)")
                .error("mask and isCausal", () -> Attention.scaledDotProductAttention(Tensor.zeros(3, 4), Tensor.zeros(3, 4),
                        Tensor.zeros(3, 4), Tensor.zeros(3, 3), 0.0, true, null), "scaledDotProductAttention", "not both")
                .error("mask shape", () -> Attention.scaledDotProductAttention(Tensor.zeros(3, 4), Tensor.zeros(5, 4),
                        Tensor.zeros(5, 4), Tensor.zeros(3, 4), 0.0, false, null), "scaledDotProductAttention", "attnMask of shape [3, 4]",
                        "[..., 3, 5]")
                .error("integer query", () -> Attention.scaledDotProductAttention(Tensor.arange(6).reshape(2, 3),
                        Tensor.arange(6).reshape(2, 3), Tensor.arange(6).reshape(2, 3)), "scaledDotProductAttention", "floating-point")
                .build();
    }
}
