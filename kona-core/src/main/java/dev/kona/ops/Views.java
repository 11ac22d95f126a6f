package dev.kona.ops;

import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.autograd.Autograd;
import dev.kona.autograd.Derivatives;
import dev.kona.backend.Layout;
import java.util.Arrays;

/** Views: new layouts over the same storage. Nothing here copies data except reshape's fallback. */
public final class Views {
    private Views() {}

    private static Tensor view(Tensor t, int[] shape, int[] strides, int offset) {
        // An empty view reads nothing: offset 0 keeps it inside its storage (narrowing an empty
        // tensor could move the offset past the end, which host copies then tripped over).
        if (Shape.numel(shape) == 0) offset = 0;
        return Tensor.fromStorage(t.storage(), new Layout(shape, strides, offset));
    }

    /** Records a view for autograd; a "view" that is its input unchanged records nothing. */
    private static Tensor rec(String name, Tensor in, Tensor out, java.util.function.UnaryOperator<Tensor> backward) {
        if (out == in) return out;
        return Autograd.record(name, (g, ins, o) -> new Tensor[] {backward.apply(g)}, new Tensor[] {in}, out);
    }

    private static Tensor recReshape(String name, Tensor in, Tensor out) {
        int[] shape = in.shape();
        return rec(name, in, out, g -> Derivatives.reshapeBackward(g, shape));
    }

    /** Resolves one -1 and checks that the element count is unchanged. */
    static int[] inferShape(String op, int[] shape, long numel, int[] from) {
        int[] s = shape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException(op + ": only one dimension can be -1, got " + Shape.format(shape));
                infer = i;
            } else if (s[i] < 0) {
                throw new IllegalArgumentException(op + ": invalid size " + s[i] + " in shape " + Shape.format(shape));
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || numel % known != 0) {
                throw new IllegalArgumentException(op + ": shape " + Shape.format(shape) + " is invalid for a tensor of shape "
                        + Shape.format(from) + " (" + numel + " elements)");
            }
            s[infer] = (int) (numel / known);
        } else if (known != numel) {
            throw new IllegalArgumentException(op + ": shape " + Shape.format(shape) + " is invalid for a tensor of shape "
                    + Shape.format(from) + " (" + numel + " elements)");
        }
        return s;
    }

    public static Tensor reshape(Tensor t, int[] shape) {
        int[] s = inferShape("reshape", shape, t.numel(), t.layout().shape());
        int[] strides = viewStrides(t.layout(), s);
        if (strides != null) return recReshape("reshape", t, view(t, s, strides, t.layout().offset()));
        Tensor c = t.contiguous().detach();
        return recReshape("reshape", t, view(c, s, Shape.contiguousStrides(s), c.layout().offset()));
    }

    public static Tensor view(Tensor t, int[] shape) {
        int[] s = inferShape("view", shape, t.numel(), t.layout().shape());
        int[] strides = viewStrides(t.layout(), s);
        if (strides == null) {
            throw new IllegalArgumentException("view: shape " + Shape.format(s) + " is not compatible with the layout of a tensor of shape "
                    + Shape.format(t.shape()) + " and strides " + Arrays.toString(t.stride())
                    + " (a dimension would span two non-contiguous blocks); use reshape, which copies");
        }
        return recReshape("view", t, view(t, s, strides, t.layout().offset()));
    }

    /** Strides that view {@code l}'s elements in {@code shape} without copying, or null when impossible. */
    static int[] viewStrides(Layout l, int[] shape) {
        int[] old = l.shape(), os = l.strides();
        int[] ns = new int[shape.length];
        if (l.numel() == 0 || old.length == 0) return Shape.contiguousStrides(shape);
        int viewD = shape.length - 1;
        long chunkBase = os[old.length - 1];
        long tensorNumel = 1, viewNumel = 1;
        for (int d = old.length - 1; d >= 0; d--) {
            tensorNumel *= old[d];
            if (d == 0 || (old[d - 1] != 1 && os[d - 1] != tensorNumel * chunkBase)) {
                while (viewD >= 0 && (viewNumel < tensorNumel || shape[viewD] == 1)) {
                    ns[viewD] = (int) (viewNumel * chunkBase);
                    viewNumel *= shape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (d > 0) {
                    chunkBase = os[d - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        return viewD == -1 ? ns : null;
    }

    public static Tensor permute(Tensor t, int[] dims) {
        int rank = t.dim();
        if (dims.length != rank) {
            throw new IllegalArgumentException("permute: expected " + rank + " dimensions for a tensor of shape "
                    + Shape.format(t.shape()) + ", got " + Arrays.toString(dims));
        }
        int[] d = Shape.axes("permute", dims, rank);
        int[] norm = new int[rank];
        for (int i = 0; i < rank; i++) norm[i] = Shape.axis("permute", dims[i], rank);
        if (d.length != rank) throw new IllegalArgumentException("permute: " + Arrays.toString(dims) + " is not a permutation");
        int[] shape = new int[rank], strides = new int[rank];
        for (int i = 0; i < rank; i++) {
            shape[i] = t.layout().shape()[norm[i]];
            strides[i] = t.layout().strides()[norm[i]];
        }
        return rec("permute", t, view(t, shape, strides, t.layout().offset()), g -> Derivatives.permuteBackward(g, norm));
    }

    public static Tensor transpose(Tensor t, int d0, int d1) {
        int rank = t.dim();
        if (rank == 0) return t;
        int a = Shape.axis("transpose", d0, rank), b = Shape.axis("transpose", d1, rank);
        int[] shape = t.shape(), strides = t.stride();
        int s = shape[a]; shape[a] = shape[b]; shape[b] = s;
        s = strides[a]; strides[a] = strides[b]; strides[b] = s;
        return rec("transpose", t, view(t, shape, strides, t.layout().offset()), g -> g.transpose(a, b));
    }

    public static Tensor t(Tensor t) {
        if (t.dim() > 2) {
            throw new IllegalArgumentException("t: expects a tensor with at most 2 dimensions, got shape " + Shape.format(t.shape())
                    + "; use transpose(dim0, dim1) or permute");
        }
        return t.dim() < 2 ? t : transpose(t, 0, 1);
    }

    public static Tensor slice(Tensor t, int dim, int start, int end, int step) {
        int d = Shape.axis("slice", dim, t.dim());
        if (t.dim() == 0) throw new IllegalArgumentException("slice: cannot slice a 0-d tensor");
        if (step <= 0) throw new IllegalArgumentException("slice: step must be positive, got " + step);
        int size = t.layout().shape()[d];
        int s = clampIndex(start, size), e = clampIndex(end, size);
        int len = e > s ? (e - s + step - 1) / step : 0;
        int[] shape = t.shape(), strides = t.stride();
        shape[d] = len;
        int offset = t.layout().offset() + (len > 0 ? s * strides[d] : 0);
        strides[d] *= step;
        int[] inShape = t.shape();
        return rec("slice", t, view(t, shape, strides, offset),
                g -> Derivatives.viewIntoZeros(g, inShape, z -> z.slice(d, s, e, step)));
    }

    private static int clampIndex(int i, int size) {
        if (i < 0) i += size;
        return Math.max(0, Math.min(size, i));
    }

    public static Tensor narrow(Tensor t, int dim, int start, int length) {
        int d = Shape.axis("narrow", dim, t.dim());
        int size = t.layout().shape()[d];
        int s = start < 0 ? start + size : start;
        if (s < 0 || length < 0 || s + (long) length > size) {
            throw new IndexOutOfBoundsException("narrow: start " + start + " and length " + length
                    + " are out of range for dimension " + d + " of size " + size);
        }
        int[] shape = t.shape();
        shape[d] = length;
        int[] inShape = t.shape();
        return rec("narrow", t, view(t, shape, t.stride(), t.layout().offset() + s * t.layout().strides()[d]),
                g -> Derivatives.viewIntoZeros(g, inShape, z -> z.narrow(d, s, length)));
    }

    public static Tensor select(Tensor t, int dim, int index) {
        if (t.dim() == 0) throw new IllegalArgumentException("select: cannot select from a 0-d tensor");
        int d = Shape.axis("select", dim, t.dim());
        int size = t.layout().shape()[d];
        if (index < -size || index >= size) {
            throw new IndexOutOfBoundsException("select: index " + index + " is out of range for dimension " + d
                    + " with size " + size);
        }
        int i = index < 0 ? index + size : index;
        int[] shape = remove(t.layout().shape(), d), strides = remove(t.layout().strides(), d);
        int[] inShape = t.shape();
        return rec("select", t, view(t, shape, strides, t.layout().offset() + i * t.layout().strides()[d]),
                g -> Derivatives.viewIntoZeros(g, inShape, z -> z.select(d, i)));
    }

    static int[] remove(int[] a, int i) {
        int[] r = new int[a.length - 1];
        System.arraycopy(a, 0, r, 0, i);
        System.arraycopy(a, i + 1, r, i, a.length - i - 1);
        return r;
    }

    static int[] insert(int[] a, int i, int v) {
        int[] r = new int[a.length + 1];
        System.arraycopy(a, 0, r, 0, i);
        r[i] = v;
        System.arraycopy(a, i, r, i + 1, a.length - i);
        return r;
    }

    public static Tensor expand(Tensor t, int[] sizes) {
        int[] shape = t.layout().shape(), strides = t.layout().strides();
        if (sizes.length < shape.length) {
            throw new IllegalArgumentException("expand: the number of sizes (" + sizes.length + ") must be at least the tensor's dimensions ("
                    + shape.length + "); target " + Shape.format(sizes) + ", tensor " + Shape.format(shape));
        }
        int off = sizes.length - shape.length;
        int[] ns = new int[sizes.length], nst = new int[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            int target = sizes[i];
            if (i < off) {
                if (target < 0) {
                    throw new IllegalArgumentException("expand: size -1 is not allowed for a new leading dimension; target "
                            + Shape.format(sizes));
                }
                ns[i] = target;
                nst[i] = 0;
                continue;
            }
            int cur = shape[i - off];
            if (target == -1) target = cur;
            if (cur == target) {
                ns[i] = cur;
                nst[i] = strides[i - off];
            } else if (cur == 1 && target >= 0) {
                ns[i] = target;
                nst[i] = 0;
            } else {
                throw new IllegalArgumentException("expand: the expanded size (" + target + ") must match the existing size ("
                        + cur + ") at non-singleton dimension " + i + "; target " + Shape.format(sizes) + ", tensor "
                        + Shape.format(shape));
            }
        }
        if (Arrays.equals(ns, shape) && Arrays.equals(nst, strides)) return t;
        int[] inShape = t.shape();
        return rec("expand", t, view(t, ns, nst, t.layout().offset()), g -> Derivatives.expandBackward(g, inShape));
    }

    public static Tensor squeeze(Tensor t) {
        int[] shape = t.layout().shape(), strides = t.layout().strides();
        int n = 0;
        for (int s : shape) if (s != 1) n++;
        int[] ns = new int[n], nst = new int[n];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (shape[i] != 1) {
                ns[j] = shape[i];
                nst[j++] = strides[i];
            }
        }
        if (n == shape.length) return t;
        return recReshape("squeeze", t, view(t, ns, nst, t.layout().offset()));
    }

    public static Tensor squeeze(Tensor t, int dim) {
        if (t.dim() == 0) return t;
        int d = Shape.axis("squeeze", dim, t.dim());
        if (t.layout().shape()[d] != 1) return t;
        return recReshape("squeeze", t, view(t, remove(t.layout().shape(), d), remove(t.layout().strides(), d), t.layout().offset()));
    }

    public static Tensor unsqueeze(Tensor t, int dim) {
        int d = Shape.axis("unsqueeze", dim, t.dim() + 1);
        int stride = d < t.dim() ? t.layout().strides()[d] * t.layout().shape()[d] : 1;
        return recReshape("unsqueeze", t, view(t, insert(t.layout().shape(), d, 1), insert(t.layout().strides(), d, stride),
                t.layout().offset()));
    }

    public static Tensor flatten(Tensor t, int startDim, int endDim) {
        if (t.dim() == 0) return reshape(t, new int[] {1});
        int s = Shape.axis("flatten", startDim, t.dim()), e = Shape.axis("flatten", endDim, t.dim());
        if (s > e) throw new IllegalArgumentException("flatten: startDim " + startDim + " comes after endDim " + endDim);
        int[] shape = t.layout().shape();
        int[] ns = new int[shape.length - (e - s)];
        int k = 0;
        for (int i = 0; i < s; i++) ns[k++] = shape[i];
        long m = 1;
        for (int i = s; i <= e; i++) m *= shape[i];
        ns[k++] = (int) m;
        for (int i = e + 1; i < shape.length; i++) ns[k++] = shape[i];
        return reshape(t, ns);
    }

    public static Tensor unflatten(Tensor t, int dim, int[] sizes) {
        int d = Shape.axis("unflatten", dim, t.dim());
        int[] shape = t.layout().shape();
        int[] inner = inferShape("unflatten", sizes, shape[d], new int[] {shape[d]});
        int[] ns = new int[shape.length - 1 + inner.length];
        System.arraycopy(shape, 0, ns, 0, d);
        System.arraycopy(inner, 0, ns, d, inner.length);
        System.arraycopy(shape, d + 1, ns, d + inner.length, shape.length - d - 1);
        return reshape(t, ns);
    }
}
