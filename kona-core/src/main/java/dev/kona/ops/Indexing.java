package dev.kona.ops;

import dev.kona.DType;
import dev.kona.Device;
import dev.kona.Index;
import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.Tensor.ValuesIndices;
import dev.kona.autograd.Autograd;
import dev.kona.autograd.Derivatives;
import dev.kona.autograd.GradMode;
import java.util.ArrayList;
import java.util.List;

/** Joining, splitting, gathering, scattering, masking and sorting. */
public final class Indexing {
    private Indexing() {}

    public static Tensor cat(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) throw new IllegalArgumentException("cat: expected a non-empty list of tensors");
        List<Tensor> parts = new ArrayList<>();
        for (Tensor t : tensors) {
            // A 1-D empty tensor joins anything, as in PyTorch.
            if (!(t.dim() == 1 && t.numel() == 0)) parts.add(t);
        }
        if (parts.isEmpty()) return tensors.get(0);
        Tensor first = parts.get(0);
        if (first.dim() == 0) throw new IllegalArgumentException("cat: zero-dimensional tensors cannot be concatenated");
        int axis = Shape.axis("cat", dim, first.dim());
        int[] shape = first.shape();
        int total = 0;
        for (int i = 0; i < parts.size(); i++) {
            Tensor t = parts.get(i);
            if (t.dim() != first.dim()) {
                throw new IllegalArgumentException("cat: tensor " + i + " has " + t.dim() + " dimensions, expected "
                        + first.dim() + " like tensor 0 (shapes " + Shape.format(first.shape()) + " and " + Shape.format(t.shape()) + ")");
            }
            for (int d = 0; d < shape.length; d++) {
                if (d != axis && t.size(d) != shape[d]) {
                    throw new IllegalArgumentException("cat: sizes must match except in dimension " + axis + "; tensor " + i
                            + " has shape " + Shape.format(t.shape()) + ", tensor 0 has " + Shape.format(first.shape()));
                }
            }
            total += t.size(axis);
        }
        shape[axis] = total;
        Tensor[] all = parts.toArray(new Tensor[0]);
        DType dt = Promotion.resultType(all);
        Device device = Dispatch.deviceOf("cat", all);   // the parts have dimensions: a mix of devices fails
        // The parts tile the result along the axis: every element is written, no zero fill.
        Tensor out = Dispatch.uninitialized(device, dt, shape);
        int[] sizes = new int[parts.size()];
        try (var g = GradMode.noGrad()) {
            int at = 0;
            for (int i = 0; i < parts.size(); i++) {
                Tensor t = parts.get(i);
                sizes[i] = t.size(axis);
                if (sizes[i] > 0) Elementwise.copyInto(out.narrow(axis, at, sizes[i]), t);
                at += sizes[i];
            }
        }
        return Autograd.record("cat", (g, in, o) -> Derivatives.catBackward(g, axis, sizes, in), parts.toArray(new Tensor[0]), out);
    }

    public static Tensor stack(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) throw new IllegalArgumentException("stack: expected a non-empty list of tensors");
        int[] shape = tensors.get(0).shape();
        int axis = Shape.axis("stack", dim, shape.length + 1);
        List<Tensor> parts = new ArrayList<>();
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            if (!java.util.Arrays.equals(t.shape(), shape)) {
                throw new IllegalArgumentException("stack: expects tensors of equal shape, but tensor 0 has shape "
                        + Shape.format(shape) + " and tensor " + i + " has " + Shape.format(t.shape()));
            }
            parts.add(t.unsqueeze(axis));
        }
        return cat(parts, axis);
    }

    public static List<Tensor> split(Tensor t, int size, int dim) {
        if (size <= 0) throw new IllegalArgumentException("split: split size must be positive, got " + size);
        int axis = Shape.axis("split", dim, t.dim());
        int n = t.size(axis);
        List<Tensor> out = new ArrayList<>();
        for (int s = 0; s < n || (n == 0 && out.isEmpty()); s += size) out.add(t.narrow(axis, s, Math.min(size, n - s)));
        return out;
    }

    public static List<Tensor> split(Tensor t, int[] sizes, int dim) {
        int axis = Shape.axis("split", dim, t.dim());
        long sum = 0;
        for (int s : sizes) {
            if (s < 0) throw new IllegalArgumentException("split: negative section size " + s);
            sum += s;
        }
        if (sum != t.size(axis)) {
            throw new IllegalArgumentException("split: section sizes " + java.util.Arrays.toString(sizes) + " add up to " + sum
                    + " but dimension " + axis + " has size " + t.size(axis));
        }
        List<Tensor> out = new ArrayList<>();
        int at = 0;
        for (int s : sizes) {
            out.add(t.narrow(axis, at, s));
            at += s;
        }
        return out;
    }

    public static List<Tensor> chunk(Tensor t, int chunks, int dim) {
        if (chunks <= 0) throw new IllegalArgumentException("chunk: number of chunks must be positive, got " + chunks);
        int axis = Shape.axis("chunk", dim, t.dim());
        int n = t.size(axis);
        return split(t, Math.max(1, (n + chunks - 1) / chunks), axis);
    }

    private static Tensor longIndex(String op, Tensor index) {
        if (index.dtype() == DType.INT64) return index;
        if (index.dtype() == DType.INT32) return index.to(DType.INT64);
        throw new IllegalArgumentException(op + ": index must be an int64 or int32 tensor, got " + index.dtype());
    }

    public static Tensor gather(Tensor x, int dim, Tensor index) {
        index = longIndex("gather", index);
        int axis = Shape.axis("gather", dim, x.dim());
        checkIndexShape("gather", x, index, axis, null);
        return Dispatch.run(new Op.Gather(axis), index.shape(), x.dtype(), x, index);
    }

    private static void checkIndexShape(String op, Tensor x, Tensor index, int axis, Tensor src) {
        if (index.dim() != x.dim()) {
            throw new IllegalArgumentException(op + ": index must have as many dimensions as the input (" + x.dim()
                    + "), got index shape " + Shape.format(index.shape()));
        }
        for (int d = 0; d < x.dim(); d++) {
            if (d != axis && index.size(d) > x.size(d)) {
                throw new IllegalArgumentException(op + ": index shape " + Shape.format(index.shape()) + " is larger than input shape "
                        + Shape.format(x.shape()) + " in dimension " + d);
            }
            if (src != null && index.size(d) > src.size(d)) {
                throw new IllegalArgumentException(op + ": index shape " + Shape.format(index.shape()) + " is larger than src shape "
                        + Shape.format(src.shape()) + " in dimension " + d);
            }
        }
    }

    public static Tensor scatter(Tensor x, int dim, Tensor index, Tensor src, boolean add) {
        String name = add ? "scatterAdd" : "scatter";
        index = longIndex(name, index);
        int axis = Shape.axis(name, dim, x.dim());
        if (src.dim() != x.dim()) {
            throw new IllegalArgumentException(name + ": src must have as many dimensions as the input (" + x.dim()
                    + "), got src shape " + Shape.format(src.shape()));
        }
        checkIndexShape(name, x, index, axis, src);
        return Dispatch.run(new Op.Scatter(axis, add), x.shape(), x.dtype(), x, index, Elementwise.cast(src, x.dtype()));
    }

    public static Tensor scatter(Tensor x, int dim, Tensor index, double value) {
        Tensor src = Tensor.full(index.shape(), value, x.dtype(), x.device());
        return scatter(x, dim, index, src, false);
    }

    public static Tensor indexSelect(Tensor x, int dim, Tensor index) {
        index = longIndex("indexSelect", index);
        if (index.dim() > 1) {
            throw new IllegalArgumentException("indexSelect: index must be 0-d or 1-d, got shape " + Shape.format(index.shape()));
        }
        int axis = Shape.axis("indexSelect", dim, x.dim());
        int[] shape = x.shape();
        int n = index.dim() == 0 ? 1 : index.size(0);
        if (shape.length == 0) shape = new int[] {n};
        else shape[axis] = n;
        Tensor r = Dispatch.run(new Op.IndexSelect(axis), shape, x.dtype(), x, index);
        return x.dim() == 0 ? r.reshape() : r;
    }

    public static Tensor maskedFill(Tensor x, Tensor mask, double value) {
        if (mask.dtype() != DType.BOOL) {
            throw new IllegalArgumentException("maskedFill: mask must be a bool tensor, got " + mask.dtype());
        }
        Dispatch.deviceOf("maskedFill", x, mask);
        if (!Shape.broadcastsTo(mask.layout().shape(), x.layout().shape())) {
            throw new IllegalArgumentException("maskedFill: mask of shape " + Shape.format(mask.shape())
                    + " does not broadcast to the input's shape " + Shape.format(x.shape()));
        }
        Tensor v = x.dtype().isFloatingPoint() ? Tensor.wrap(value) : Tensor.wrap((long) value);
        return Elementwise.where(mask, Elementwise.cast(v, x.dtype()), x).to(x.dtype());
    }

    public static Tensor nonzero(Tensor x) {
        Tensor count = Dispatch.run(new Op.CountNonZero(), new int[0], DType.INT64, x);
        int n = (int) count.itemLong();
        Tensor out = Dispatch.empty(x.device(), DType.INT64, new int[] {n, x.dim()});
        if (n > 0 && x.dim() > 0) Dispatch.runInto(new Op.NonZero(), new Tensor[] {out}, x);
        return out;
    }

    public static Tensor maskedSelect(Tensor x, Tensor mask) {
        if (mask.dtype() != DType.BOOL) {
            throw new IllegalArgumentException("maskedSelect: mask must be a bool tensor, got " + mask.dtype());
        }
        Dispatch.deviceOf("maskedSelect", x, mask);
        int[] shape = Shape.broadcast("maskedSelect", x.layout().shape(), mask.layout().shape());
        Tensor flatMask = mask.expand(shape).reshape(-1);
        Tensor positions = nonzero(flatMask).reshape(-1);
        return indexSelect(x.expand(shape).reshape(-1), 0, positions);
    }

    public static Tensor oneHot(Tensor x, int numClasses) {
        if (x.dtype() != DType.INT64 && x.dtype() != DType.INT32) {
            throw new IllegalArgumentException("oneHot: expected an integer tensor of class indices, got " + x.dtype());
        }
        if (x.numel() > 0) {
            long[] range = Reductions.minMaxLong(x);
            long min = range[0], max = range[1];
            if (min < 0) throw new IllegalArgumentException("oneHot: class values must be >= 0, found " + min);
            if (numClasses == -1) numClasses = (int) max + 1;
            else if (max >= numClasses) {
                throw new IllegalArgumentException("oneHot: class value " + max + " is out of range for numClasses " + numClasses);
            }
        } else if (numClasses == -1) {
            throw new IllegalArgumentException("oneHot: cannot infer numClasses from an empty tensor");
        }
        if (numClasses < 0) throw new IllegalArgumentException("oneHot: numClasses must be >= 0 or -1, got " + numClasses);
        return x.to(DType.INT64).unsqueeze(-1).eq(Tensor.arange(numClasses, x.device())).to(DType.INT64);
    }

    public static ValuesIndices sort(Tensor x, int dim, boolean descending) {
        int axis = Shape.axis("sort", dim, x.dim());
        Tensor values = Dispatch.empty(x.device(), x.dtype(), x.shape());
        Tensor indices = Dispatch.empty(x.device(), DType.INT64, x.shape());
        if (x.numel() > 0) Dispatch.runInto(new Op.Sort(axis, descending), new Tensor[] {values, indices}, x);
        Autograd.record("sort", (g, in, out) -> new Tensor[] {Derivatives.takeAlongBackward(g, in[0], axis, indices, true)},
                new Tensor[] {x}, values);
        return new ValuesIndices(values, indices);
    }

    public static ValuesIndices topk(Tensor x, int k, int dim, boolean largest, boolean sorted) {
        int axis = Shape.axis("topk", dim, x.dim());
        int size = x.dim() == 0 ? 1 : x.size(axis);
        if (k < 0 || k > size) {
            throw new IllegalArgumentException("topk: k (" + k + ") is out of range for dimension " + axis + " of size " + size);
        }
        int[] shape = x.shape();
        if (shape.length > 0) shape[axis] = k;
        Tensor values = Dispatch.empty(x.device(), x.dtype(), shape);
        Tensor indices = Dispatch.empty(x.device(), DType.INT64, shape);
        if (values.numel() > 0) Dispatch.runInto(new Op.TopK(k, axis, largest, sorted), new Tensor[] {values, indices}, x);
        Autograd.record("topk", (g, in, out) -> new Tensor[] {Derivatives.takeAlongBackward(g, in[0], axis, indices, true)},
                new Tensor[] {x}, values);
        return new ValuesIndices(values, indices);
    }

    /** NumPy-style basic indexing plus one tensor index (a mask or integer positions). */
    public static Tensor index(Tensor x, Index... indices) {
        int consumed = 0;
        int ellipses = 0;
        for (Index i : indices) {
            switch (i) {
                case Index.At a -> consumed++;
                case Index.Slice s -> consumed++;
                case Index.Take t -> consumed += t.indices().dtype() == DType.BOOL ? Math.max(1, t.indices().dim()) : 1;
                case Index.NewAxis n -> { }
                case Index.Ellipsis e -> ellipses++;
            }
        }
        if (ellipses > 1) throw new IllegalArgumentException("index: at most one ellipsis is allowed");
        if (consumed > x.dim()) {
            throw new IndexOutOfBoundsException("index: too many indices for a tensor of shape " + Shape.format(x.shape())
                    + ": " + consumed + " dimensions indexed, " + x.dim() + " available");
        }
        Tensor r = x;
        int d = 0;
        Index.Take take = null;
        int takeDim = -1;
        for (Index i : indices) {
            switch (i) {
                case Index.At a -> r = r.select(d, a.index());
                case Index.Slice s -> {
                    int size = r.size(d);
                    int start = s.start() == null ? 0 : s.start();
                    int end = s.end() == null ? size : s.end();
                    r = r.slice(d, start, end, s.step());
                    d++;
                }
                case Index.NewAxis n -> {
                    r = r.unsqueeze(d);
                    d++;
                }
                case Index.Ellipsis e -> d += x.dim() - consumed;
                case Index.Take t -> {
                    if (take != null) throw new IllegalArgumentException("index: only one tensor index is supported per call");
                    take = t;
                    takeDim = d;
                    d += t.indices().dtype() == DType.BOOL ? Math.max(1, t.indices().dim()) : 1;
                }
            }
        }
        if (take == null) return r;
        // An index tensor on the CPU may index a tensor on another device, as in PyTorch.
        Tensor idx = take.indices().to(x.device());
        if (idx.dtype() == DType.BOOL) {
            int md = Math.max(1, idx.dim());
            int[] rs = r.shape();
            for (int k = 0; k < idx.dim(); k++) {
                if (rs[takeDim + k] != idx.size(k)) {
                    throw new IndexOutOfBoundsException("index: mask of shape " + Shape.format(idx.shape())
                            + " does not match the indexed dimensions " + Shape.format(java.util.Arrays.copyOfRange(rs, takeDim, takeDim + md))
                            + " of shape " + Shape.format(rs));
                }
            }
            Tensor flat = r.flatten(takeDim, takeDim + md - 1);
            Tensor positions = nonzero(idx.reshape(-1)).reshape(-1);
            return indexSelect(flat, takeDim, positions);
        }
        Tensor li = longIndex("index", idx);
        int size = r.size(takeDim);
        Tensor wrapped = Tensor.where(li.lt(0L), li.add(size), li);
        Tensor picked = indexSelect(r, takeDim, wrapped.reshape(-1));
        int[] ps = picked.shape();
        int[] shape = new int[ps.length - 1 + li.dim()];
        System.arraycopy(ps, 0, shape, 0, takeDim);
        System.arraycopy(li.shape(), 0, shape, takeDim, li.dim());
        System.arraycopy(ps, takeDim + 1, shape, takeDim + li.dim(), ps.length - takeDim - 1);
        return picked.reshape(shape);
    }
}
