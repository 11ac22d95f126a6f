package dev.kona.testing;

import static dev.kona.testing.Make.INF;
import static dev.kona.testing.Make.NAN;
import static dev.kona.testing.Make.s;
import static dev.kona.testing.Make.sh;

import dev.kona.DType;
import dev.kona.Generator;
import dev.kona.Tensor;
import dev.kona.testing.Make.Dist;
import dev.kona.testing.OpInfo.Sample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Database entries of joining, splitting, gathering, scattering, masking and sorting. */
final class IndexingOps {
    private IndexingOps() {}

    private static final DType F32 = DType.FLOAT32, F64 = DType.FLOAT64, I32 = DType.INT32, I64 = DType.INT64, BOOL = DType.BOOL;
    private static final Dist N = Make.NORMAL;

    private static Tensor r(Generator g, int... shape) {
        return Make.fill(g, F32, N, shape);
    }

    // ------------------------------------------------------------------ reference helpers

    /** Elements [start, start+len) of {@code x} along {@code axis}. */
    static Nd sliceAxis(Nd x, int axis, int start, int len) {
        int[] shape = x.shape.clone();
        shape[axis] = len;
        int n = (int) Nd.numel(shape);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            int[] idx = Nd.unravel(i, shape);
            idx[axis] += start;
            out[i] = x.get(idx);
        }
        return new Nd(shape, out, x.dtype);
    }

    /** Concatenation along {@code axis} of equally ranked arrays, converted to {@code dt}. */
    static Nd concat(List<Nd> parts, int axis, DType dt) {
        int[] shape = parts.get(0).shape.clone();
        int total = 0;
        for (Nd p : parts) total += p.shape[axis];
        shape[axis] = total;
        int n = (int) Nd.numel(shape);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            int[] idx = Nd.unravel(i, shape);
            int k = 0, at = idx[axis];
            while (at >= parts.get(k).shape[axis]) at -= parts.get(k++).shape[axis];
            idx[axis] = at;
            Nd p = parts.get(k);
            out[i] = Ref.castValue(p.get(idx), p.dtype, dt);
        }
        return new Nd(shape, out, dt);
    }

    /** Indices of a stable sort of a row; NaN sorts as the largest value. */
    static Integer[] stableOrder(double[] v, boolean descending) {
        Integer[] order = new Integer[v.length];
        for (int i = 0; i < v.length; i++) order[i] = i;
        Arrays.sort(order, (i, j) -> {
            double x = v[i], y = v[j];
            int c;
            if (Double.isNaN(x) || Double.isNaN(y)) c = Boolean.compare(Double.isNaN(x), Double.isNaN(y));
            else c = x < y ? -1 : x > y ? 1 : 0;
            return descending ? -c : c;
        });
        return order;
    }

    /** An int64 index of {@code shape} whose entries along {@code axis} are distinct values in [0, size). */
    static Tensor distinctIndex(Generator g, int[] shape, int axis, int size) {
        int n = (int) Nd.numel(shape);
        double[] v = new double[n];
        int len = shape[axis];
        int[] lineShape = shape.clone();
        lineShape[axis] = 1;
        for (int line = 0; line < Nd.numel(lineShape); line++) {
            int[] base = Nd.unravel(line, lineShape);
            int[] perm = new int[size];
            for (int i = 0; i < size; i++) perm[i] = i;
            for (int i = size - 1; i > 0; i--) {
                int j = (int) g.nextLong(0, i + 1);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            for (int i = 0; i < len; i++) {
                int[] idx = base.clone();
                idx[axis] = i;
                int o = 0;
                for (int d = 0; d < shape.length; d++) o = o * shape[d] + idx[d];
                v[o] = perm[i];
            }
        }
        return Make.of(I64, shape, v);
    }

    // ------------------------------------------------------------------ entries

    static List<OpInfo> all() {
        List<OpInfo> ops = new ArrayList<>();
        ops.add(cat());
        ops.add(stack());
        ops.add(split());
        ops.add(chunk());
        ops.add(gather());
        ops.add(scatter(false));
        ops.add(scatter(true));
        ops.add(indexSelect());
        ops.add(maskedFill());
        ops.add(maskedSelect());
        ops.add(nonzero());
        ops.add(oneHot());
        ops.add(sortEntry("sort"));
        ops.add(sortEntry("argsort"));
        ops.add(topk());
        return ops;
    }

    private static OpInfo cat() {
        return OpInfo.builder("cat")
                .exercises("Copy")
                .samples(g -> List.of(
                        s("dim 0", List.of(r(g, 2, 3), r(g, 4, 3)), 0),
                        s("three along dim 1", List.of(r(g, 2, 3), r(g, 2, 1), r(g, 2, 4)), 1),
                        s("3-d, dim -1", List.of(r(g, 2, 3, 1), r(g, 2, 3, 2)), -1),
                        s("1-D empty tensors are skipped", List.of(r(g, 2, 3), r(g, 0), r(g, 1, 3)), 0),
                        s("empty part", List.of(r(g, 0, 3), r(g, 2, 3)), 0),
                        s("one tensor", List.of(r(g, 3)), 0),
                        s("transposed and stepped", List.of(Make.transposed(g, F32, N, 3, 2), Make.stepped(g, F32, N, 3, 4)), 1),
                        s("expanded", List.of(Make.expanded(g, F32, N, 2, 3), r(g, 1, 3)), 0),
                        s("int32 + float32 -> float32", List.of(Make.rand(g, I32, 2), r(g, 3)), 0),
                        s("int32 + int64 -> int64", List.of(Make.rand(g, I32, 2, 2), Make.rand(g, I64, 2, 1)), 1),
                        s("bool", List.of(Make.rand(g, BOOL, 3), Make.rand(g, BOOL, 2)), 0),
                        s("float64", List.of(Make.fill(g, F64, N, 1, 2), Make.fill(g, F64, N, 1, 2)), 0)))
                .op1((in, a) -> Tensor.cat(in, a.i(0)))
                .secondOrder()
                .ref1((in, a) -> {
                    List<Nd> parts = in.stream().filter(x -> !(x.rank() == 1 && x.numel() == 0)).toList();
                    return concat(parts, Ref.axis(a.i(0), parts.get(0).rank()), Ref.resultType(parts.toArray(new Nd[0])));
                })
                .error("sizes differ", () -> Tensor.cat(List.of(Tensor.zeros(2, 3), Tensor.zeros(2, 4)), 0),
                        "cat", "[2, 4]", "[2, 3]", "dimension 0")
                .error("ranks differ", () -> Tensor.cat(List.of(Tensor.zeros(2, 3), Tensor.zeros(2, 3, 1)), 0), "cat", "dimensions")
                .error("empty list", () -> Tensor.cat(List.of(), 0), "cat", "non-empty")
                .error("0-d tensors", () -> Tensor.cat(List.of(Tensor.scalar(1), Tensor.scalar(2)), 0), "cat", "zero-dimensional")
                .error("dim out of range", () -> Tensor.cat(List.of(Tensor.zeros(2), Tensor.zeros(2)), 1),
                        IndexOutOfBoundsException.class, "cat", "dimension 1 is out of range")
                .build();
    }

    private static OpInfo stack() {
        return OpInfo.builder("stack")
                .exercises("Copy")
                .samples(g -> List.of(
                        s("dim 0", List.of(r(g, 2, 3), r(g, 2, 3)), 0),
                        s("dim 1 of three", List.of(r(g, 2, 3), r(g, 2, 3), r(g, 2, 3)), 1),
                        s("last dim", List.of(r(g, 2, 3), r(g, 2, 3)), 2),
                        s("dim -1", List.of(r(g, 4), r(g, 4)), -1),
                        s("0-d tensors", List.of(r(g), r(g), r(g)), 0),
                        s("empty", List.of(r(g, 0, 2), r(g, 0, 2)), 1),
                        s("transposed", List.of(Make.transposed(g, F32, N, 3, 2), r(g, 3, 2)), 0),
                        s("int64 and float32", List.of(Make.rand(g, I64, 3), r(g, 3)), 0)))
                .op1((in, a) -> Tensor.stack(in, a.i(0)))
                .ref1((in, a) -> {
                    int axis = Ref.axis(a.i(0), in.get(0).rank() + 1);
                    List<Nd> parts = new ArrayList<>();
                    for (Nd x : in) {
                        int[] s = new int[x.rank() + 1];
                        for (int i = 0, j = 0; i < s.length; i++) s[i] = i == axis ? 1 : x.shape[j++];
                        parts.add(new Nd(s, x.data, x.dtype));
                    }
                    return concat(parts, axis, Ref.resultType(in.toArray(new Nd[0])));
                })
                .error("shapes differ", () -> Tensor.stack(List.of(Tensor.zeros(2, 3), Tensor.zeros(3, 2)), 0),
                        "stack", "[2, 3]", "[3, 2]")
                .error("dim out of range", () -> Tensor.stack(List.of(Tensor.zeros(2), Tensor.zeros(2)), 3),
                        IndexOutOfBoundsException.class, "stack", "dimension 3 is out of range")
                .build();
    }

    private static List<Nd> splitRef(Nd x, int dim, int[] sizes) {
        int axis = Ref.axis(dim, x.rank());
        List<Nd> out = new ArrayList<>();
        int at = 0;
        for (int s : sizes) {
            out.add(sliceAxis(x, axis, at, s));
            at += s;
        }
        return out;
    }

    /** Sizes of split(size): pieces of {@code size}, the last smaller; one empty piece for an empty dim. */
    static int[] pieces(int n, int size) {
        if (n == 0) return new int[] {0};
        int count = (n + size - 1) / size;
        int[] r = new int[count];
        for (int i = 0; i < count; i++) r[i] = Math.min(size, n - i * size);
        return r;
    }

    private static OpInfo split() {
        return OpInfo.builder("split")
                .exercises()
                .view()
                .samples(g -> List.of(
                        s("size 2 of 5", r(g, 5, 3), 2, 0),
                        s("size 3 of 3", r(g, 2, 3), 3, 1),
                        s("size larger than dim", r(g, 2, 3), 7, -1),
                        s("sections [1, 0, 3]", r(g, 4, 2), sh(1, 0, 3), 0),
                        s("sections of a transposed tensor", Make.transposed(g, F32, N, 3, 5), sh(2, 3), 1),
                        s("empty dim", r(g, 0, 2), 2, 0),
                        s("int64", Make.rand(g, I64, 6), 4, 0)))
                .op((in, a) -> a.get(0) instanceof int[] sizes ? in.get(0).split(sizes, a.i(1)) : in.get(0).split(a.i(0), a.i(1)))
                .ref((in, a) -> {
                    Nd x = in.get(0);
                    int axis = Ref.axis(a.i(1), x.rank());
                    int[] sizes = a.get(0) instanceof int[] s ? s : pieces(x.shape[axis], a.i(0));
                    return splitRef(x, axis, sizes);
                })
                .error("sections don't add up", () -> Tensor.zeros(5).split(sh(2, 2), 0), "split", "[2, 2]", "add up to 4", "size 5")
                .error("size 0", () -> Tensor.zeros(5).split(0, 0), "split", "positive")
                .build();
    }

    private static OpInfo chunk() {
        return OpInfo.builder("chunk")
                .exercises()
                .view()
                .samples(g -> List.of(
                        s("5 in 2", r(g, 5, 3), 2, 0),
                        s("6 in 3", r(g, 2, 6), 3, 1),
                        s("6 in 4 gives 3 chunks", r(g, 6), 4, 0),
                        s("2 in 5 gives 2 chunks", r(g, 2, 2), 5, -1),
                        s("stepped", Make.stepped(g, F32, N, 2, 7), 3, 1),
                        s("empty", r(g, 0), 3, 0)))
                .op((in, a) -> in.get(0).chunk(a.i(0), a.i(1)))
                .ref((in, a) -> {
                    Nd x = in.get(0);
                    int axis = Ref.axis(a.i(1), x.rank());
                    int n = x.shape[axis];
                    return splitRef(x, axis, pieces(n, Math.max(1, (n + a.i(0) - 1) / a.i(0))));
                })
                .error("0 chunks", () -> Tensor.zeros(5).chunk(0, 0), "chunk", "positive")
                .build();
    }

    private static OpInfo gather() {
        return OpInfo.builder("gather")
                .exercises("Gather")
                .samples(g -> List.of(
                        s("dim 1", List.of(r(g, 3, 4), Make.index(g, 4, 3, 2)), 1),
                        s("dim 0 with repeats", List.of(r(g, 3, 4), Make.index(g, 3, 5, 4)), 0),
                        s("index smaller than input", List.of(r(g, 3, 4), Make.index(g, 4, 2, 2)), 1),
                        s("3-d dim -1", List.of(r(g, 2, 3, 4), Make.index(g, 4, 2, 3, 6)), -1),
                        s("int32 index", List.of(r(g, 3, 4), Make.uniform(g, I32, 0, 3, 3, 4)), 0),
                        s("transposed input and index", List.of(Make.transposed(g, F32, N, 4, 3),
                                Make.reversedLayout(Make.index(g, 3, 2, 4)).contiguous().t()), 1),
                        s("empty index", List.of(r(g, 3, 4), Make.index(g, 4, 3, 0)), 1),
                        s("0-d", List.of(r(g), Make.scalar(I64, 0)), 0),
                        s("int64 values", List.of(Make.rand(g, I64, 3, 4), Make.index(g, 4, 3, 4)), 1),
                        s("bool values", List.of(Make.rand(g, BOOL, 3, 4), Make.index(g, 3, 2, 4)), 0)))
                .op1((in, a) -> in.get(0).gather(a.i(0), in.get(1)))
                .secondOrder()
                .ref1((in, a) -> {
                    Nd x = in.get(0), idx = in.get(1);
                    if (x.rank() == 0) return new Nd(new int[0], new double[] {x.data[0]}, x.dtype);
                    int axis = Ref.axis(a.i(0), x.rank());
                    double[] out = new double[idx.numel()];
                    for (int i = 0; i < out.length; i++) {
                        int[] p = Nd.unravel(i, idx.shape);
                        p[axis] = (int) idx.data[i];
                        out[i] = x.get(p);
                    }
                    return new Nd(idx.shape, out, x.dtype);
                })
                .error("index out of range", () -> Tensor.zeros(2, 4).gather(1, Tensor.of(new long[] {0, 5}, 2, 1)),
                        IndexOutOfBoundsException.class, "gather", "index 5 is out of bounds for dimension 1 with size 4")
                .error("index rank differs", () -> Tensor.zeros(2, 4).gather(1, Tensor.of(0L, 1L)), "gather", "dimensions", "[2]")
                .error("float index", () -> Tensor.zeros(2, 4).gather(1, Tensor.zeros(2, 1)), "gather", "int64", "float32")
                .error("index larger than input", () -> Tensor.zeros(2, 4).gather(1, Tensor.zeros(sh(3, 1), I64)),
                        "gather", "[3, 1]", "[2, 4]")
                .build();
    }

    private static OpInfo scatter(boolean add) {
        String name = add ? "scatterAdd" : "scatter";
        return OpInfo.builder(name)
                .exercises(add ? new String[] {"Scatter"} : new String[] {"Scatter", "Fill"})
                .samples(g -> {
                    List<Sample> s = new ArrayList<>();
                    // scatter with repeated positions is order-dependent (PyTorch leaves it undefined),
                    // so its indices are distinct along the dim; scatterAdd gets repeats on purpose.
                    java.util.function.BiFunction<int[], Integer, Tensor> idx = (shape, axisSize) -> add
                            ? Make.index(g, axisSize, shape) : distinctIndex(g, shape, 1, axisSize);
                    java.util.function.BiFunction<int[], Integer, Tensor> idx0 = (shape, axisSize) -> add
                            ? Make.index(g, axisSize, shape) : distinctIndex(g, shape, 0, axisSize);
                    s.add(s("dim 1", List.of(r(g, 3, 5), idx.apply(sh(3, 2), 5), r(g, 3, 2)), 1, null));
                    s.add(s("dim 0", List.of(r(g, 4, 3), idx0.apply(sh(3, 3), 4), r(g, 3, 3)), 0, null));
                    s.add(s("src larger than index", List.of(r(g, 3, 5), idx.apply(sh(2, 3), 5), r(g, 3, 4)), 1, null));
                    s.add(s("transposed input, stepped src", List.of(Make.transposed(g, F32, N, 3, 5), idx.apply(sh(3, 4), 5),
                            Make.stepped(g, F32, N, 3, 4)), 1, null));
                    s.add(s("int64 values, float src is converted", List.of(Make.rand(g, I64, 2, 4), idx.apply(sh(2, 2), 4),
                            Make.fill(g, F32, Make.normal(3), 2, 2)), 1, null));
                    s.add(s("float64", List.of(Make.fill(g, F64, N, 2, 6), idx.apply(sh(2, 6), 6), Make.fill(g, F64, N, 2, 6)), 1, null));
                    s.add(s("empty index", List.of(r(g, 2, 3), Make.index(g, 3, 2, 0), r(g, 2, 0)), 1, null));
                    s.add(s("int32 index", List.of(r(g, 2, 4), idx.apply(sh(2, 3), 4).to(I32), r(g, 2, 3)), -1, null));
                    if (add) {
                        s.add(s("many repeats", List.of(r(g, 2, 3), Make.index(g, 3, 2, 20), r(g, 2, 20)), 1, null));
                    } else {
                        s.add(s("value", List.of(r(g, 3, 5), idx.apply(sh(3, 2), 5)), 1, 2.5));
                        s.add(s("value into int32", List.of(Make.rand(g, I32, 3, 5), idx.apply(sh(3, 3), 5)), 1, -7.0));
                    }
                    return s;
                })
                .secondOrder()
                .op1((in, a) -> {
                    if (a.get(1) != null) return in.get(0).scatter(a.i(0), in.get(1), a.d(1));
                    return add ? in.get(0).scatterAdd(a.i(0), in.get(1), in.get(2)) : in.get(0).scatter(a.i(0), in.get(1), in.get(2));
                })
                .ref1((in, a) -> {
                    Nd x = in.get(0), idx = in.get(1);
                    int axis = Ref.axis(a.i(0), x.rank());
                    double[] out = x.data.clone();
                    for (int i = 0; i < idx.numel(); i++) {
                        int[] p = Nd.unravel(i, idx.shape);
                        double v = a.get(1) != null ? a.d(1) : in.get(2).get(p);
                        v = Ref.castValue(v, F64, x.dtype);
                        p[axis] = (int) idx.data[i];
                        int o = x.offset(p);
                        out[o] = add ? Ref.castValue(out[o] + v, F64, x.dtype) : v;
                    }
                    return new Nd(x.shape, out, x.dtype);
                })
                .error("index out of range", () -> add
                                ? Tensor.zeros(2, 5).scatterAdd(1, Tensor.of(new long[] {7}, 1, 1), Tensor.ones(1, 1))
                                : Tensor.zeros(2, 5).scatter(1, Tensor.of(new long[] {7}, 1, 1), Tensor.ones(1, 1)),
                        IndexOutOfBoundsException.class, name, "index 7 is out of bounds for dimension 1 with size 5")
                .error("src rank differs", () -> add
                                ? Tensor.zeros(2, 5).scatterAdd(1, Tensor.of(new long[] {1}, 1, 1), Tensor.ones(1))
                                : Tensor.zeros(2, 5).scatter(1, Tensor.of(new long[] {1}, 1, 1), Tensor.ones(1)),
                        name, "src", "[1]")
                .build();
    }

    private static OpInfo indexSelect() {
        return OpInfo.builder("indexSelect")
                .exercises("IndexSelect")
                .samples(g -> List.of(
                        s("dim 0 with repeats", List.of(r(g, 4, 5), Make.vec(I64, 3, 0, 3)), 0),
                        s("dim 1", List.of(r(g, 4, 5), Make.index(g, 5, 7)), 1),
                        s("3-d dim -1", List.of(r(g, 2, 3, 4), Make.index(g, 4, 2)), -1),
                        s("0-d index", List.of(r(g, 4, 5), Make.scalar(I64, 2)), 1),
                        s("empty index", List.of(r(g, 4, 5), Make.index(g, 4, 0)), 0),
                        s("int32 index", List.of(r(g, 4, 5), Make.uniform(g, I32, 0, 4, 6)), 0),
                        s("stepped index", List.of(r(g, 4, 5), Make.vec(I64, 1, 9, 3, 9, 0).slice(0, 0, 5, 2)), 0),
                        s("transposed input", List.of(Make.transposed(g, F32, N, 4, 5), Make.index(g, 5, 3)), 1),
                        s("expanded input", List.of(Make.expanded(g, F32, N, 3, 4), Make.index(g, 3, 5)), 0),
                        s("0-d input", List.of(r(g), Make.scalar(I64, 0)), 0),
                        s("bool values", List.of(Make.rand(g, BOOL, 3, 2), Make.index(g, 3, 4)), 0),
                        s("float16 values", List.of(Make.fill(g, DType.FLOAT16, N, 3, 2), Make.index(g, 2, 4)), 1)))
                .op1((in, a) -> in.get(0).indexSelect(a.i(0), in.get(1)))
                .secondOrder()
                .ref1((in, a) -> {
                    Nd x = in.get(0), idx = in.get(1);
                    if (x.rank() == 0) return new Nd(new int[0], new double[] {x.data[0]}, x.dtype);
                    int axis = Ref.axis(a.i(0), x.rank());
                    int[] shape = x.shape.clone();
                    shape[axis] = idx.numel();
                    double[] out = new double[(int) Nd.numel(shape)];
                    for (int i = 0; i < out.length; i++) {
                        int[] p = Nd.unravel(i, shape);
                        p[axis] = (int) idx.data[p[axis]];
                        out[i] = x.get(p);
                    }
                    return new Nd(shape, out, x.dtype);
                })
                .error("index out of range", () -> Tensor.zeros(4, 2).indexSelect(0, Tensor.of(1L, 4L)),
                        IndexOutOfBoundsException.class, "indexSelect", "index 4 is out of bounds for dimension 0 with size 4")
                .error("2-D index", () -> Tensor.zeros(4, 2).indexSelect(0, Tensor.zeros(sh(2, 2), I64)), "indexSelect", "[2, 2]")
                .error("float index", () -> Tensor.zeros(4, 2).indexSelect(0, Tensor.zeros(2)), "indexSelect", "float32")
                .error("dim out of range", () -> Tensor.zeros(4, 2).indexSelect(2, Tensor.of(0L)), IndexOutOfBoundsException.class,
                        "indexSelect", "dimension 2 is out of range")
                .build();
    }

    private static OpInfo maskedFill() {
        return OpInfo.builder("maskedFill")
                .exercises("Where", "Copy")
                .samples(g -> List.of(
                        s("same shape", List.of(r(g, 3, 4), Make.rand(g, BOOL, 3, 4)), 1.5),
                        s("broadcast mask", List.of(r(g, 3, 4), Make.rand(g, BOOL, 1, 4)), -2.0),
                        s("0-d mask", List.of(r(g, 2, 3), Make.scalar(BOOL, 1)), 0.0),
                        s("NaN value", List.of(r(g, 5), Make.rand(g, BOOL, 5)), NAN),
                        s("-inf value (attention masks)", List.of(r(g, 2, 4), Make.rand(g, BOOL, 2, 4)), -INF),
                        s("int64 input", List.of(Make.rand(g, I64, 2, 3), Make.rand(g, BOOL, 2, 3)), 7.0),
                        s("transposed input and mask", List.of(Make.transposed(g, F32, N, 3, 4),
                                Make.reversedLayout(Make.rand(g, BOOL, 4, 3))), 9.0),
                        s("float16 input", List.of(Make.fill(g, DType.FLOAT16, N, 4), Make.rand(g, BOOL, 4)), 0.1),
                        s("empty", List.of(r(g, 0, 3), Make.rand(g, BOOL, 3)), 1.0)))
                .op1((in, a) -> in.get(0).maskedFill(in.get(1), a.d(0)))
                .secondOrder()
                .ref1((in, a) -> {
                    Nd x = in.get(0);
                    double v = Ref.castValue(a.d(0), F64, x.dtype);
                    return Ref.zip(x, in.get(1), (p, m) -> m != 0 ? v : p, x.dtype);
                })
                .error("float mask", () -> Tensor.zeros(2).maskedFill(Tensor.ones(2), 1), "maskedFill", "bool", "float32")
                .error("mask does not broadcast", () -> Tensor.zeros(2, 2).maskedFill(Tensor.of(true, false, true), 1),
                        "maskedFill", "[3]", "[2, 2]")
                .build();
    }

    private static OpInfo maskedSelect() {
        return OpInfo.builder("maskedSelect")
                .exercises("CountNonZero", "NonZero", "IndexSelect")
                .samples(g -> List.of(
                        s("same shape", List.of(r(g, 3, 4), Make.rand(g, BOOL, 3, 4))),
                        s("mask broadcasts", List.of(r(g, 3, 4), Make.rand(g, BOOL, 4))),
                        s("input broadcasts", List.of(r(g, 4), Make.rand(g, BOOL, 2, 4))),
                        s("all false", List.of(r(g, 3), Make.vec(BOOL, 0, 0, 0))),
                        s("transposed", List.of(Make.transposed(g, F32, N, 3, 4), Make.reversedLayout(Make.rand(g, BOOL, 4, 3)))),
                        s("int32", List.of(Make.rand(g, I32, 6), Make.rand(g, BOOL, 6))),
                        s("0-d", List.of(r(g), Make.scalar(BOOL, 1)))))
                .op1((in, a) -> in.get(0).maskedSelect(in.get(1)))
                .ref1((in, a) -> {
                    Nd x = in.get(0), m = in.get(1);
                    int[] shape = Ref.broadcast(x.shape, m.shape);
                    List<Double> out = new ArrayList<>();
                    for (int i = 0; i < Nd.numel(shape); i++) {
                        int[] idx = Nd.unravel(i, shape);
                        if (m.data[Ref.broadcastOffset(idx, m.shape)] != 0) out.add(x.data[Ref.broadcastOffset(idx, x.shape)]);
                    }
                    return new Nd(new int[] {out.size()}, out.stream().mapToDouble(Double::doubleValue).toArray(), x.dtype);
                })
                .error("float mask", () -> Tensor.zeros(2).maskedSelect(Tensor.ones(2)), "maskedSelect", "bool", "float32")
                .error("shapes don't broadcast", () -> Tensor.zeros(2).maskedSelect(Tensor.of(true, false, true)),
                        "maskedSelect", "[2]", "[3]")
                .build();
    }

    private static OpInfo nonzero() {
        Dist sparse = g -> g.nextDouble() < 0.5 ? 0.0 : g.nextGaussian();
        return OpInfo.builder("nonzero")
                .exercises("CountNonZero", "NonZero")
                .samples(g -> List.of(
                        s("2-d", Make.fill(g, F32, sparse, 3, 4)),
                        s("3-d", Make.fill(g, F32, sparse, 2, 3, 2)),
                        s("NaN and -0.0", Make.vec(F32, NAN, -0.0, 0.0, INF, 1)),
                        s("all zero", Tensor.zeros(3, 2)),
                        s("transposed", Make.transposed(g, F32, sparse, 3, 4)),
                        s("int64", Make.rand(g, I64, 2, 5)),
                        s("bool", Make.rand(g, BOOL, 6)),
                        s("0-d non-zero", Make.scalar(F32, 3)),
                        s("0-d zero", Make.scalar(F32, 0)),
                        s("empty", Make.fill(g, F32, sparse, 0, 3))))
                .op1((in, a) -> in.get(0).nonzero())
                .noGradient()
                .ref1((in, a) -> {
                    Nd x = in.get(0);
                    List<int[]> rows = new ArrayList<>();
                    for (int i = 0; i < x.numel(); i++) if (x.data[i] != 0 || Double.isNaN(x.data[i])) rows.add(Nd.unravel(i, x.shape));
                    double[] out = new double[rows.size() * x.rank()];
                    for (int i = 0; i < rows.size(); i++) for (int d = 0; d < x.rank(); d++) out[i * x.rank() + d] = rows.get(i)[d];
                    return new Nd(new int[] {rows.size(), x.rank()}, out, I64);
                })
                .build();
    }

    private static OpInfo oneHot() {
        return OpInfo.builder("oneHot")
                .exercises("Binary.EQ", "Copy")
                .samples(g -> List.of(
                        s("1-d", Make.index(g, 5, 6), 5),
                        s("2-d, inferred classes", Make.index(g, 4, 2, 3), -1),
                        s("int32 input", Make.uniform(g, I32, 0, 3, 4), 3),
                        s("0-d", Make.scalar(I64, 2), 4),
                        s("empty", Make.index(g, 3, 0), 3),
                        s("transposed", Make.reversedLayout(Make.index(g, 3, 3, 2)), 3)))
                .op1((in, a) -> in.get(0).oneHot(a.i(0)))
                .noGradient()
                .ref1((in, a) -> {
                    Nd x = in.get(0);
                    int c = a.i(0) >= 0 ? a.i(0) : (int) Arrays.stream(x.data).max().orElse(-1) + 1;
                    int[] shape = Arrays.copyOf(x.shape, x.rank() + 1);
                    shape[x.rank()] = c;
                    double[] out = new double[x.numel() * c];
                    for (int i = 0; i < x.numel(); i++) out[i * c + (int) x.data[i]] = 1;
                    return new Nd(shape, out, I64);
                })
                .error("negative class", () -> Tensor.of(1L, -1L).oneHot(3), "oneHot", "-1")
                .error("class out of range", () -> Tensor.of(1L, 3L).oneHot(3), "oneHot", "3", "numClasses 3")
                .error("float input", () -> Tensor.of(1f).oneHot(3), "oneHot", "float32")
                .build();
    }

    /** Sample inputs for sort and topk; args start with (dim, descending-or-largest). */
    private static List<Sample> sortSamples(Generator g) {
        return List.of(
                s("rows", r(g, 3, 5), 1, false),
                s("rows descending", r(g, 3, 5), -1, true),
                s("columns", r(g, 4, 3), 0, false),
                s("3-d middle dim", r(g, 2, 4, 3), 1, true),
                s("ties (stable)", Make.of(F32, sh(2, 5), 3, 1, 3, 1, 2, 0, 0, -0.0, 0, 0), 1, false),
                s("ties descending (stable)", Make.of(F32, sh(2, 5), 3, 1, 3, 1, 2, 0, 0, -0.0, 0, 0), 1, true),
                s("NaN and infinities", Make.vec(F32, 3, NAN, -INF, 1, INF, NAN, -1), 0, false),
                s("NaN and infinities descending", Make.vec(F32, 3, NAN, -INF, 1, INF, NAN, -1), 0, true),
                s("transposed", Make.transposed(g, F32, N, 3, 6), 1, false),
                s("stepped", Make.stepped(g, F32, N, 2, 7), 1, true),
                s("int64", Make.rand(g, I64, 3, 6), 1, false),
                s("int32 descending", Make.rand(g, I32, 8), 0, true),
                s("float64", Make.fill(g, F64, N, 2, 9), 1, false),
                s("long rows", r(g, 2, 3000), 1, false),
                s("0-d", r(g), 0, false),
                s("size 1", r(g, 3, 1), 1, true));
    }

    private static OpInfo sortEntry(String name) {
        boolean arg = name.equals("argsort");
        OpInfo.Builder b = OpInfo.builder(name)
                .exercises("Sort")
                .samples(g -> {
                    List<Sample> s = new ArrayList<>(sortSamples(g));
                    s.add(s("empty", r(g, 0, 3), 1, false));
                    return s;
                })
                .gradDistinct()
                .op((in, a) -> {
                    if (arg) return List.of(in.get(0).argsort(a.i(0), a.b(1)));
                    var r = in.get(0).sort(a.i(0), a.b(1));
                    return List.of(r.values(), r.indices());
                })
                .ref((in, a) -> {
                    Nd x = in.get(0);
                    Nd idx = Ref.along(x, a.i(0), v -> Arrays.stream(stableOrder(v, a.b(1))).mapToDouble(i -> i).toArray(), I64);
                    if (arg) return List.of(idx);
                    Nd val = Ref.along(x, a.i(0), v -> Arrays.stream(stableOrder(v, a.b(1))).mapToDouble(i -> v[i]).toArray(), x.dtype);
                    return List.of(val, idx);
                })
                .error("dim out of range", () -> Tensor.zeros(2, 3).sort(2, false), IndexOutOfBoundsException.class,
                        "sort", "dimension 2 is out of range");
        return (arg ? b.noGradient() : b).build();
    }

    private static OpInfo topk() {
        return OpInfo.builder("topk")
                .exercises("TopK")
                .samples(g -> {
                    List<Sample> out = new ArrayList<>();
                    int i = 0;
                    for (Sample s : sortSamples(g)) {
                        int size = s.inputs().get(0).dim() == 0 ? 1 : s.inputs().get(0).size(s.args().i(0));
                        int k = new int[] {1, 2, size, 0, 3}[i++ % 5];
                        out.add(new Sample(s.description() + ", k=" + Math.min(k, size), s.inputs(),
                                new OpInfo.Args(s.args().i(0), s.args().b(1), Math.min(k, size))));
                    }
                    out.add(s("default (largest along the last dim)", r(g, 3, 6), -1, true, 4));
                    return out;
                })
                .gradDistinct()
                .op((in, a) -> {
                    var r = in.get(0).topk(a.i(2), a.i(0), a.b(1), true);
                    return List.of(r.values(), r.indices());
                })
                .ref((in, a) -> {
                    Nd x = in.get(0);
                    int k = a.i(2);
                    Nd idx = Ref.along(x, a.i(0), v -> Arrays.stream(stableOrder(v, a.b(1))).limit(k).mapToDouble(i -> i).toArray(), I64);
                    Nd val = Ref.along(x, a.i(0), v -> Arrays.stream(stableOrder(v, a.b(1))).limit(k).mapToDouble(i -> v[i]).toArray(),
                            x.dtype);
                    return List.of(val, idx);
                })
                .error("k too large", () -> Tensor.zeros(4).topk(5), "topk", "k (5)", "dimension 0 of size 4")
                .error("negative k", () -> Tensor.zeros(4).topk(-1), "topk", "k (-1)")
                .build();
    }
}
