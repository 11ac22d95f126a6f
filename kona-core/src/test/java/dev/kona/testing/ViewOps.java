package dev.kona.testing;

import static dev.kona.testing.Make.s;
import static dev.kona.testing.Make.sh;

import dev.kona.DType;
import dev.kona.Generator;
import dev.kona.Index;
import dev.kona.Tensor;
import dev.kona.testing.Make.Dist;
import dev.kona.testing.OpInfo.Args;
import dev.kona.testing.OpInfo.Sample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;

/** Database entries of the views: ops that only change the layout (and indexing). */
final class ViewOps {
    private ViewOps() {}

    private static final DType F32 = DType.FLOAT32, I64 = DType.INT64;
    private static final Dist N = Make.NORMAL;

    private static Tensor r(Generator g, int... shape) {
        return Make.fill(g, F32, N, shape);
    }

    /** A reference view: for each output index, the input index it reads. */
    @FunctionalInterface
    interface IndexMap {
        int[] source(int[] outIdx);
    }

    static Nd gatherView(Nd x, int[] outShape, IndexMap map) {
        int n = (int) Nd.numel(outShape);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            int[] src = map.source(Nd.unravel(i, outShape));
            out[i] = x.rank() == 0 ? x.data[0] : x.get(src);
        }
        return new Nd(outShape, out, x.dtype);
    }

    /** Resolves a -1 in a target shape. */
    static int[] infer(int[] shape, int numel) {
        int[] s = shape.clone();
        int known = 1, at = -1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) at = i;
            else known *= s[i];
        }
        if (at >= 0) s[at] = numel / known;
        return s;
    }

    /** The standard inputs of the view entries, with per-sample arguments. */
    private static List<Sample> with(Generator g, Object[][] argsPerInput, int[]... shapes) {
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < shapes.length; i++) {
            out.add(new Sample("shape " + Arrays.toString(shapes[i]), List.of(r(g, shapes[i])), new Args(argsPerInput[i])));
        }
        return out;
    }

    private static OpInfo.Builder view(String name, BiFunction<Tensor, Args, Tensor> op, BiFunction<Nd, Args, Nd> ref) {
        return OpInfo.builder(name).exercises().view()
                .op1((in, a) -> op.apply(in.get(0), a))
                .ref1((in, a) -> ref.apply(in.get(0), a));
    }

    static List<OpInfo> all() {
        List<OpInfo> ops = new ArrayList<>();
        BiFunction<Nd, Args, Nd> reshapeRef = (x, a) -> x.reshape(infer(a.ints(0), x.numel()));
        ops.add(view("reshape", (t, a) -> t.reshape(a.ints(0)), reshapeRef)
                .samples(g -> List.of(
                        s("3-d to 2-d", r(g, 2, 3, 4), sh(6, 4)),
                        s("-1", r(g, 2, 3, 4), sh(4, -1)),
                        s("to 0-d", r(g, 1, 1), sh()),
                        s("0-d to 1-d", r(g), sh(1)),
                        s("empty", r(g, 0, 3), sh(-1, 3, 1)),
                        s("transposed (copies)", Make.transposed(g, F32, N, 3, 4), sh(12)),
                        s("stepped (copies)", Make.stepped(g, F32, N, 2, 3), sh(3, 2)),
                        s("expanded", Make.expanded(g, F32, N, 3, 4), sh(3, 2, 2)),
                        s("int64", Make.rand(g, I64, 6), sh(2, 3))))
                .error("incompatible size", () -> Tensor.zeros(2, 3).reshape(5), "reshape", "[5]", "[2, 3]", "6 elements")
                .error("two -1", () -> Tensor.zeros(2, 3).reshape(-1, -1), "reshape", "only one dimension can be -1")
                .error("-1 with no elements is ambiguous", () -> Tensor.zeros(0, 3).reshape(0, -1), "reshape", "[0, -1]")
                .secondOrder().build());
        // view fails by design on layouts it cannot describe, so it runs on its samples' own layouts only.
        ops.add(view("view", (t, a) -> t.view(a.ints(0)), reshapeRef).sameLayoutOnly()
                .samples(g -> List.of(
                        s("3-d to 2-d", r(g, 2, 3, 4), sh(6, 4)),
                        s("-1", r(g, 2, 3, 4), sh(-1)),
                        s("split a dim of a transposed tensor", Make.transposed(g, F32, N, 4, 6), sh(2, 2, 6)),
                        s("merge dims of a sliced tensor", r(g, 4, 3, 2).slice(0, 1, 3), sh(2, 6)),
                        s("expanded, keeping the broadcast dim", Make.expanded(g, F32, N, 3, 4), sh(3, 2, 2)),
                        s("to 0-d", r(g, 1), sh())))
                .error("incompatible strides", () -> Tensor.zeros(3, 4).t().view(12), "view", "[12]", "[4, 3]", "strides", "reshape")
                .error("incompatible size", () -> Tensor.zeros(2, 3).view(4), "view", "[4]", "[2, 3]")
                .build());
        ops.add(view("permute", (t, a) -> t.permute(a.ints(0)), (x, a) -> {
                    int[] p = Arrays.stream(a.ints(0)).map(d -> Ref.axis(d, x.rank())).toArray();
                    int[] shape = Arrays.stream(p).map(d -> x.shape[d]).toArray();
                    return gatherView(x, shape, o -> {
                        int[] src = new int[p.length];
                        for (int k = 0; k < p.length; k++) src[p[k]] = o[k];
                        return src;
                    });
                })
                .samples(g -> List.of(
                        s("3-d", r(g, 2, 3, 4), sh(2, 0, 1)),
                        s("negative dims", r(g, 2, 3, 4), sh(-1, 0, -2)),
                        s("identity", r(g, 2, 3), sh(0, 1)),
                        s("0-d", r(g), sh()),
                        s("transposed input", Make.transposed(g, F32, N, 3, 4, 2), sh(1, 2, 0)),
                        s("empty", r(g, 2, 0, 3), sh(2, 1, 0))))
                .error("repeated dim", () -> Tensor.zeros(2, 3).permute(0, 0), "permute", "appears more than once")
                .error("wrong count", () -> Tensor.zeros(2, 3).permute(0), "permute", "expected 2 dimensions", "[2, 3]")
                .secondOrder().build());
        ops.add(view("transpose", (t, a) -> t.transpose(a.i(0), a.i(1)), (x, a) -> {
                    if (x.rank() == 0) return x;
                    int d0 = Ref.axis(a.i(0), x.rank()), d1 = Ref.axis(a.i(1), x.rank());
                    int[] shape = x.shape.clone();
                    shape[d0] = x.shape[d1];
                    shape[d1] = x.shape[d0];
                    return gatherView(x, shape, o -> {
                        int[] src = o.clone();
                        src[d0] = o[d1];
                        src[d1] = o[d0];
                        return src;
                    });
                })
                .samples(g -> List.of(
                        s("2-d", r(g, 3, 4), 0, 1),
                        s("3-d outer", r(g, 2, 3, 4), 0, 2),
                        s("negative dims", r(g, 2, 3, 4), -1, -2),
                        s("same dim", r(g, 2, 3), 1, 1),
                        s("stepped", Make.stepped(g, F32, N, 3, 4), 0, 1),
                        s("0-d", r(g), 0, -1)))
                .error("dim out of range", () -> Tensor.zeros(2, 3).transpose(0, 2), IndexOutOfBoundsException.class,
                        "transpose", "dimension 2 is out of range")
                .build());
        ops.add(view("t", (t, a) -> t.t(), (x, a) -> x.rank() < 2 ? x
                        : gatherView(x, new int[] {x.shape[1], x.shape[0]}, o -> new int[] {o[1], o[0]}))
                .samples(g -> List.of(s("2-d", r(g, 3, 4)), s("1-d", r(g, 5)), s("0-d", r(g)), s("transposed", Make.transposed(g, F32, N, 2, 5)),
                        s("empty", r(g, 0, 4))))
                .error("3-d", () -> Tensor.zeros(2, 3, 4).t(), "t", "at most 2 dimensions", "[2, 3, 4]")
                .build());
        ops.add(view("slice", (t, a) -> t.slice(a.i(0), a.i(1), a.i(2), a.i(3)), (x, a) -> {
                    int d = Ref.axis(a.i(0), x.rank()), size = x.shape[d], step = a.i(3);
                    int s = clampIdx(a.i(1), size), e = clampIdx(a.i(2), size);
                    int len = e > s ? (e - s + step - 1) / step : 0;
                    int[] shape = x.shape.clone();
                    shape[d] = len;
                    return gatherView(x, shape, o -> {
                        int[] src = o.clone();
                        src[d] = s + o[d] * step;
                        return src;
                    });
                })
                .samples(g -> List.of(
                        s("plain", r(g, 5, 4), 0, 1, 4, 1),
                        s("step 2", r(g, 5, 7), 1, 1, 7, 2),
                        s("step 3, negative start", r(g, 9), 0, -7, 9, 3),
                        s("end past the size clamps", r(g, 4, 3), -1, 1, 100, 1),
                        s("start past end is empty", r(g, 4, 3), 0, 3, 1, 1),
                        s("start before 0 clamps", r(g, 4), 0, -100, 2, 1),
                        s("transposed", Make.transposed(g, F32, N, 4, 6), 1, 0, 6, 4),
                        s("slice of a slice", r(g, 10).slice(0, 1, 10, 2), 0, 1, 5, 2),
                        s("int64", Make.rand(g, I64, 3, 4), 1, 0, 4, 2)))
                .error("step 0", () -> Tensor.zeros(4).slice(0, 0, 4, 0), "slice", "step", "positive")
                .error("0-d", () -> Tensor.scalar(1).slice(0, 0, 1, 1), "slice", "0-d")
                .secondOrder().build());
        ops.add(view("narrow", (t, a) -> t.narrow(a.i(0), a.i(1), a.i(2)), (x, a) -> {
                    int d = Ref.axis(a.i(0), x.rank());
                    int start = a.i(1) < 0 ? a.i(1) + x.shape[d] : a.i(1);
                    return IndexingOps.sliceAxis(x, d, start, a.i(2));
                })
                .samples(g -> List.of(
                        s("dim 0", r(g, 5, 3), 0, 1, 3),
                        s("dim -1, negative start", r(g, 2, 6), -1, -4, 2),
                        s("length 0", r(g, 3), 0, 3, 0),
                        s("stepped", Make.stepped(g, F32, N, 2, 5), 1, 2, 3)))
                .error("out of range", () -> Tensor.zeros(4).narrow(0, 2, 3), IndexOutOfBoundsException.class,
                        "narrow", "start 2 and length 3", "dimension 0 of size 4")
                .secondOrder().build());
        ops.add(view("select", (t, a) -> t.select(a.i(0), a.i(1)), (x, a) -> {
                    int d = Ref.axis(a.i(0), x.rank());
                    int i = a.i(1) < 0 ? a.i(1) + x.shape[d] : a.i(1);
                    int[] shape = removeAt(x.shape, d);
                    return gatherView(x, shape, o -> insertAt(o, d, i));
                })
                .samples(g -> List.of(
                        s("row", r(g, 3, 4), 0, 1),
                        s("column, negative index", r(g, 3, 4), 1, -1),
                        s("3-d middle", r(g, 2, 3, 4), 1, 2),
                        s("1-d to 0-d", r(g, 5), 0, 4),
                        s("transposed", Make.transposed(g, F32, N, 3, 4), 1, 2),
                        s("expanded", Make.expanded(g, F32, N, 3, 4), 0, 2)))
                .error("index out of range", () -> Tensor.zeros(2, 3).select(1, 3), IndexOutOfBoundsException.class,
                        "select", "index 3 is out of range for dimension 1 with size 3")
                .error("negative index out of range", () -> Tensor.zeros(2, 3).select(0, -3), IndexOutOfBoundsException.class,
                        "select", "index -3")
                .error("dim out of range", () -> Tensor.zeros(2, 3).select(2, 0), IndexOutOfBoundsException.class,
                        "select", "dimension 2 is out of range")
                .error("0-d", () -> Tensor.scalar(1).select(0, 0), "select", "0-d")
                .secondOrder().build());
        ops.add(view("expand", (t, a) -> t.expand(a.ints(0)), (x, a) -> {
                    int[] sizes = a.ints(0).clone();
                    int off = sizes.length - x.rank();
                    for (int i = off; i < sizes.length; i++) if (sizes[i] == -1) sizes[i] = x.shape[i - off];
                    return gatherView(x, sizes, o -> {
                        int[] src = new int[x.rank()];
                        for (int i = 0; i < x.rank(); i++) src[i] = x.shape[i] == 1 ? 0 : o[i + off];
                        return src;
                    });
                })
                .samples(g -> List.of(
                        s("column to matrix", r(g, 3, 1), sh(3, 4)),
                        s("new leading dims", r(g, 4), sh(2, 3, 4)),
                        s("-1 keeps a size", r(g, 1, 4), sh(5, -1)),
                        s("0-d", r(g), sh(2, 2)),
                        s("to size 0", r(g, 1, 3), sh(0, 3)),
                        s("expand an expanded tensor", Make.expanded(g, F32, N, 2, 3).unsqueeze(1), sh(2, 4, 3)),
                        s("transposed", Make.transposed(g, F32, N, 1, 3), sh(2, 1, 3))))
                .error("non-singleton mismatch", () -> Tensor.zeros(2, 3).expand(2, 4), "expand",
                        "the expanded size (4) must match the existing size (3) at non-singleton dimension 1")
                .error("fewer sizes", () -> Tensor.zeros(2, 3).expand(3), "expand", "[3]", "[2, 3]")
                .secondOrder().build());
        ops.add(view("squeeze", (t, a) -> a.size() == 0 ? t.squeeze() : t.squeeze(a.i(0)), (x, a) -> {
                    boolean[] drop = new boolean[x.rank()];
                    if (a.size() == 0) for (int i = 0; i < x.rank(); i++) drop[i] = x.shape[i] == 1;
                    else if (x.rank() > 0) drop[Ref.axis(a.i(0), x.rank())] = x.shape[Ref.axis(a.i(0), x.rank())] == 1;
                    int[] shape = java.util.stream.IntStream.range(0, x.rank()).filter(i -> !drop[i]).map(i -> x.shape[i]).toArray();
                    return x.reshape(shape);
                })
                .samples(g -> List.of(
                        s("all size-1 dims", r(g, 1, 3, 1, 2, 1)),
                        s("one dim", r(g, 3, 1, 2), 1),
                        s("a dim that is not 1 stays", r(g, 3, 1, 2), 0),
                        s("negative dim", r(g, 3, 1), -1),
                        s("all ones to 0-d", r(g, 1, 1)),
                        s("0-d", r(g)),
                        s("transposed", Make.transposed(g, F32, N, 1, 4, 1), 2)))
                .error("dim out of range", () -> Tensor.zeros(2, 1).squeeze(2), IndexOutOfBoundsException.class,
                        "squeeze", "dimension 2 is out of range")
                .build());
        ops.add(view("unsqueeze", (t, a) -> t.unsqueeze(a.i(0)), (x, a) -> {
                    int d = Ref.axis(a.i(0), x.rank() + 1);
                    return x.reshape(insertAt(x.shape, d, 1));
                })
                .samples(g -> List.of(
                        s("front", r(g, 3, 4), 0),
                        s("end", r(g, 3, 4), 2),
                        s("-1", r(g, 3, 4), -1),
                        s("middle of transposed", Make.transposed(g, F32, N, 3, 4), 1),
                        s("0-d", r(g), 0),
                        s("empty", r(g, 0), 1)))
                .error("dim out of range", () -> Tensor.zeros(2, 3).unsqueeze(3), IndexOutOfBoundsException.class,
                        "unsqueeze", "dimension 3 is out of range")
                .build());
        ops.add(view("flatten", (t, a) -> a.size() == 0 ? t.flatten() : t.flatten(a.i(0), a.i(1)), (x, a) -> {
                    if (x.rank() == 0) return x.reshape(1);
                    int s = a.size() == 0 ? 0 : Ref.axis(a.i(0), x.rank()), e = a.size() == 0 ? x.rank() - 1 : Ref.axis(a.i(1), x.rank());
                    List<Integer> shape = new ArrayList<>();
                    for (int i = 0; i < s; i++) shape.add(x.shape[i]);
                    int m = 1;
                    for (int i = s; i <= e; i++) m *= x.shape[i];
                    shape.add(m);
                    for (int i = e + 1; i < x.rank(); i++) shape.add(x.shape[i]);
                    return x.reshape(shape.stream().mapToInt(Integer::intValue).toArray());
                })
                .samples(g -> List.of(
                        s("all", r(g, 2, 3, 4)),
                        s("middle dims", r(g, 2, 3, 4, 5), 1, 2),
                        s("negative end", r(g, 2, 3, 4), 1, -1),
                        s("one dim", r(g, 2, 3), 1, 1),
                        s("0-d", r(g)),
                        s("transposed (copies)", Make.transposed(g, F32, N, 3, 4))))
                .error("start after end", () -> Tensor.zeros(2, 3, 4).flatten(2, 1), "flatten", "startDim 2", "endDim 1")
                .secondOrder().build());
        ops.add(view("unflatten", (t, a) -> t.unflatten(a.i(0), a.ints(1)), (x, a) -> {
                    int d = Ref.axis(a.i(0), x.rank());
                    int[] inner = infer(a.ints(1), x.shape[d]);
                    int[] shape = new int[x.rank() - 1 + inner.length];
                    System.arraycopy(x.shape, 0, shape, 0, d);
                    System.arraycopy(inner, 0, shape, d, inner.length);
                    System.arraycopy(x.shape, d + 1, shape, d + inner.length, x.rank() - d - 1);
                    return x.reshape(shape);
                })
                .samples(g -> List.of(
                        s("split the last dim", r(g, 2, 12), 1, sh(3, 4)),
                        s("-1", r(g, 12, 2), 0, sh(2, -1, 3)),
                        s("negative dim", r(g, 2, 6), -1, sh(6, 1)),
                        s("stepped", Make.stepped(g, F32, N, 3, 4), 1, sh(2, 2))))
                .error("sizes don't match", () -> Tensor.zeros(6).unflatten(0, 4, 2), "unflatten", "[4, 2]", "[6]")
                .build());
        ops.add(OpInfo.builder("contiguous")
                .exercises("Copy")
                .samples(g -> List.of(
                        s("already contiguous", r(g, 3, 4)),
                        s("transposed", Make.transposed(g, F32, N, 3, 4)),
                        s("stepped", Make.stepped(g, F32, N, 2, 5)),
                        s("expanded", Make.expanded(g, F32, N, 3, 4)),
                        s("bool transposed", Make.reversedLayout(Make.rand(g, DType.BOOL, 3, 4))),
                        s("float16 transposed", Make.reversedLayout(Make.fill(g, DType.FLOAT16, N, 3, 4))),
                        s("0-d", r(g))))
                .op1((in, a) -> {
                    Tensor c = in.get(0).contiguous();
                    if (!c.isContiguous()) throw new AssertionError("contiguous() returned a non-contiguous tensor");
                    if (in.get(0).isContiguous() && c != in.get(0)) throw new AssertionError("contiguous() copied a contiguous tensor");
                    return c;
                })
                .ref1((in, a) -> in.get(0))
                .build());
        ops.add(index());
        return ops;
    }

    static int clampIdx(int i, int size) {
        if (i < 0) i += size;
        return Math.max(0, Math.min(size, i));
    }

    static int[] removeAt(int[] a, int i) {
        int[] r = new int[a.length - 1];
        for (int j = 0, k = 0; j < a.length; j++) if (j != i) r[k++] = a[j];
        return r;
    }

    static int[] insertAt(int[] a, int i, int v) {
        int[] r = new int[a.length + 1];
        for (int j = 0, k = 0; j < r.length; j++) r[j] = j == i ? v : a[k++];
        return r;
    }

    // ------------------------------------------------------------------ NumPy-style indexing

    private static OpInfo index() {
        return OpInfo.builder("index")
                .exercises("IndexSelect", "CountNonZero", "NonZero", "Where", "Binary.LT", "Binary.ADD")
                .samples(g -> List.of(
                        s("x[0]", r(g, 3, 4), (Object) new Index[] {Index.at(0)}),
                        s("x[-1, 1:3]", r(g, 3, 4), (Object) new Index[] {Index.at(-1), Index.slice(1, 3)}),
                        s("x[..., -1]", r(g, 2, 3, 4), (Object) new Index[] {Index.ellipsis(), Index.at(-1)}),
                        s("x[:, None, ::2]", r(g, 3, 5), (Object) new Index[] {Index.all(), Index.newAxis(), Index.slice(null, null, 2)}),
                        s("x[1:, ..., None]", r(g, 3, 2, 2), (Object) new Index[] {Index.from(1), Index.ellipsis(), Index.newAxis()}),
                        s("x[:2]", r(g, 4, 2), (Object) new Index[] {Index.to(2)}),
                        s("x[-10:10] clamps", r(g, 4), (Object) new Index[] {Index.slice(-10, 10)}),
                        s("x[mask] with a full mask", r(g, 3, 4), (Object) new Index[] {Index.tensor(Make.rand(g, DType.BOOL, 3, 4))}),
                        s("x[:, mask]", r(g, 3, 4), (Object) new Index[] {Index.all(), Index.tensor(Make.vec(DType.BOOL, 1, 0, 1, 1))}),
                        s("x[[0, -1, 1]]", r(g, 3, 4), (Object) new Index[] {Index.tensor(Tensor.of(0L, -1L, 1L))}),
                        s("x[:, 2-d index]", r(g, 3, 4), (Object) new Index[] {Index.all(), Index.tensor(Tensor.of(new long[][] {{0, 3}, {-2, 1}}))}),
                        s("x[1, int32 index]", r(g, 3, 4), (Object) new Index[] {Index.at(1), Index.tensor(Tensor.of(2, 0))}),
                        s("transposed x[1, :]", Make.transposed(g, F32, N, 3, 4), (Object) new Index[] {Index.at(1), Index.all()}),
                        s("0-d x[...]", r(g), (Object) new Index[] {Index.ellipsis()}),
                        s("x[None]", r(g, 2), (Object) new Index[] {Index.newAxis()})))
                .op1((in, a) -> in.get(0).index(a.<Index[]>get(0)))
                .secondOrder()
                .ref1((in, a) -> indexRef(in.get(0), a.get(0)))
                .error("too many indices", () -> Tensor.zeros(2, 3).index(Index.at(0), Index.at(0), Index.at(0)),
                        IndexOutOfBoundsException.class, "index", "too many indices", "[2, 3]")
                .error("index out of range", () -> Tensor.zeros(2, 3).index(Index.at(5)), IndexOutOfBoundsException.class,
                        "select", "index 5 is out of range for dimension 0 with size 2")
                .error("two ellipses", () -> Tensor.zeros(2, 3).index(Index.ellipsis(), Index.ellipsis()), "index", "ellipsis")
                .error("mask shape mismatch", () -> Tensor.zeros(2, 3).index(Index.tensor(Tensor.of(true, false, true))),
                        IndexOutOfBoundsException.class, "index", "mask of shape [3]", "[2, 3]")
                .build();
    }

    /** One output axis of an indexing expression. */
    private sealed interface Ax {}

    private record Range(int inDim, int start, int step, int len) implements Ax {}

    private record New() implements Ax {}

    /** Output axis {@code pos} of a tensor index group. */
    private record GroupAx(Group group, int pos) implements Ax {}

    /** A tensor index: int positions into one input dim, or a mask over several. */
    private record Group(int firstInDim, int[] shape, int[][] coords) {}

    /** NumPy basic and advanced (one tensor) indexing over a plain array. */
    static Nd indexRef(Nd x, Index[] indices) {
        int consumed = 0;
        for (Index i : indices) {
            if (i instanceof Index.At || i instanceof Index.Slice) consumed++;
            else if (i instanceof Index.Take t) consumed += t.indices().dtype() == DType.BOOL ? Math.max(1, t.indices().dim()) : 1;
        }
        List<Index> list = new ArrayList<>();
        boolean sawEllipsis = false;
        for (Index i : indices) {
            if (i instanceof Index.Ellipsis) {
                sawEllipsis = true;
                for (int k = 0; k < x.rank() - consumed; k++) list.add(Index.all());
            } else {
                list.add(i);
            }
        }
        if (!sawEllipsis) for (int k = consumed; k < x.rank(); k++) list.add(Index.all());
        int[] fixed = new int[x.rank()];
        List<Ax> axes = new ArrayList<>();
        int d = 0;
        for (Index i : list) {
            switch (i) {
                case Index.At at -> {
                    fixed[d] = at.index() < 0 ? at.index() + x.shape[d] : at.index();
                    d++;
                }
                case Index.Slice sl -> {
                    int size = x.shape[d];
                    int s = clampIdx(sl.start() == null ? 0 : sl.start(), size);
                    int e = clampIdx(sl.end() == null ? size : sl.end(), size);
                    int len = e > s ? (e - s + sl.step() - 1) / sl.step() : 0;
                    axes.add(new Range(d, s, sl.step(), len));
                    d++;
                }
                case Index.NewAxis n -> axes.add(new New());
                case Index.Take t -> {
                    Nd idx = Nd.of(t.indices());
                    if (idx.dtype == DType.BOOL) {
                        List<int[]> coords = new ArrayList<>();
                        for (int k = 0; k < idx.numel(); k++) if (idx.data[k] != 0) coords.add(Nd.unravel(k, idx.shape));
                        Group grp = new Group(d, new int[] {coords.size()}, coords.toArray(new int[0][]));
                        axes.add(new GroupAx(grp, 0));
                        d += Math.max(1, idx.rank());
                    } else if (idx.rank() == 0) {
                        int v = (int) idx.data[0];
                        fixed[d] = v < 0 ? v + x.shape[d] : v;
                        d++;
                    } else {
                        int[][] coords = new int[idx.numel()][];
                        for (int k = 0; k < idx.numel(); k++) {
                            int v = (int) idx.data[k];
                            coords[k] = new int[] {v < 0 ? v + x.shape[d] : v};
                        }
                        Group grp = new Group(d, idx.shape, coords);
                        for (int k = 0; k < idx.rank(); k++) axes.add(new GroupAx(grp, k));
                        d++;
                    }
                }
                case Index.Ellipsis e -> throw new IllegalStateException();
            }
        }
        int[] outShape = axes.stream().mapToInt(a -> switch (a) {
            case Range r -> r.len();
            case New n -> 1;
            case GroupAx ga -> ga.group().shape()[ga.pos()];
        }).toArray();
        return gatherView(x, outShape, o -> {
            int[] src = fixed.clone();
            java.util.Map<Group, int[]> groupIdx = new java.util.IdentityHashMap<>();
            for (int k = 0; k < axes.size(); k++) {
                switch (axes.get(k)) {
                    case Range r -> src[r.inDim()] = r.start() + o[k] * r.step();
                    case New n -> { }
                    case GroupAx ga -> groupIdx.computeIfAbsent(ga.group(), gr -> new int[gr.shape().length])[ga.pos()] = o[k];
                }
            }
            for (var e : groupIdx.entrySet()) {
                Group gr = e.getKey();
                int lin = 0;
                for (int k = 0; k < gr.shape().length; k++) lin = lin * gr.shape()[k] + e.getValue()[k];
                int[] c = gr.coords()[lin];
                for (int k = 0; k < c.length; k++) src[gr.firstInDim() + k] = c[k];
            }
            return src;
        });
    }
}
