package dev.kona;

import dev.kona.autograd.Autograd;
import dev.kona.autograd.Node;
import dev.kona.autograd.TensorAccess;
import dev.kona.backend.Layout;
import dev.kona.backend.Storage;
import dev.kona.ops.Creation;
import dev.kona.ops.Dispatch;
import dev.kona.ops.Elementwise;
import dev.kona.ops.Format;
import dev.kona.ops.Indexing;
import dev.kona.ops.LinAlg;
import dev.kona.ops.Op.BinaryKind;
import dev.kona.ops.Op.UnaryKind;
import dev.kona.ops.Reductions;
import dev.kona.ops.Views;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * An n-dimensional array of one dtype on one device, with PyTorch's operations in camelCase.
 *
 * <pre>{@code
 * Tensor x = Tensor.randn(32, 784);
 * Tensor w = Tensor.randn(784, 128).mul(0.01);
 * Tensor h = x.matmul(w).relu();             // [32, 128]
 * Tensor p = h.softmax(-1).sum(1);           // [32], all ones
 * }</pre>
 *
 * <p>A tensor is a view: a {@link Layout} (shape, strides, offset) over a {@link Storage}. Views
 * ({@link #reshape}, {@link #permute}, {@link #slice}, {@link #expand}...) share storage and copy
 * nothing; every other op returns a new tensor. Binary ops broadcast as NumPy does and promote
 * dtypes as PyTorch does. Mistakes raise exceptions that name the op, the shapes or dtypes
 * involved and what was expected.
 */
public final class Tensor {
    private final Storage storage;
    private final Layout layout;
    private final boolean wrappedNumber;
    // Autograd state: set on leaves by the user, on results by the recording ops.
    private boolean requiresGrad;
    private Tensor grad;
    /**
     * True while {@link #grad} is a tensor autograd made and nobody outside autograd and the
     * optimizers has been given: clearing it then returns its buffer to the pool instead of leaving it
     * to the garbage collector (an MLP's 400 KB weight gradient per step otherwise grows the heap,
     * and touching the new memory made some epochs 3x slower).
     */
    private boolean gradUnshared;
    private Node gradFn;
    private List<UnaryOperator<Tensor>> hooks;
    /** Set when a module replaced this parameter (Module.to), so optimizers holding it can say so. */
    private volatile String replacedBy;

    static {
        TensorAccess.install(new TensorAccess() {
            @Override
            public void setGradFn(Tensor t, Node node) {
                t.gradFn = node;
            }

            @Override
            public void markReplaced(Tensor old, String how) {
                old.replacedBy = how;
            }

            @Override
            public String replacedBy(Tensor t) {
                return t.replacedBy;
            }

            @Override
            public void accumulate(Tensor leaf, Tensor g, Object pass) {
                if (leaf.hooks != null) {
                    g = leafHooks(leaf, g);
                    pass = null;
                }
                // A leaf's gradient outlives the step that computes it (it is read after backward,
                // often after the step's MemoryScope closed), so it belongs to no scope.
                try (var outside = MemoryScope.outside()) {
                    if (leaf.grad == null) {
                        // Normally a copy: the same gradient tensor may reach several leaves, and
                        // optimizers or clipping may later change a grad in place. A gradient this
                        // pass allocated, covering all of its storage, and not yet given to another
                        // leaf is taken over instead (as PyTorch steals an unshared one): the
                        // 100,000-float weight gradient of an MLP's first layer cost 13% of a
                        // batch-32 training step to allocate and copy.
                        boolean whole = g.dtype() == leaf.dtype() && g.layout.offset() == 0 && g.isContiguous()
                                && g.numel() == g.storage.length();
                        if (whole && MemoryScope.adopt(pass, g.storage)) {
                            leaf.grad = new Tensor(g.storage, g.layout, false);
                        } else {
                            leaf.grad = g.dtype() == leaf.dtype() ? g.copy() : g.to(leaf.dtype());
                        }
                    } else {
                        leaf.grad = leaf.grad.add(g.dtype() == leaf.dtype() ? g : g.to(leaf.dtype()));
                    }
                    // A gradient with a graph of its own (create_graph) may be an input of ops still to run.
                    leaf.gradUnshared = leaf.grad.gradFn == null && !leaf.grad.requiresGrad;
                }
            }

            @Override
            public Tensor gradForUpdate(Tensor leaf) {
                return leaf.grad;
            }

            @Override
            public Object beginPass() {
                return MemoryScope.mark();
            }

            @Override
            public Tensor leafHooks(Tensor leaf, Tensor g) {
                if (leaf.hooks != null) {
                    for (var h : leaf.hooks) {
                        Tensor r = h.apply(g);
                        if (r != null) g = r;
                    }
                }
                return g;
            }
        });
    }

    private Tensor(Storage storage, Layout layout, boolean wrappedNumber) {
        this.storage = storage;
        this.layout = layout;
        this.wrappedNumber = wrappedNumber;
    }

    /**
     * A tensor over existing storage. Fails when the layout reaches outside the storage.
     * Meant for backends and interchange code; users create tensors with the factories below.
     */
    public static Tensor fromStorage(Storage storage, Layout layout) {
        long[] ext = layout.extent();
        if (layout.numel() > 0 && (ext[0] < 0 || ext[1] > storage.length())) {
            throw new IllegalArgumentException("fromStorage: " + layout + " reaches elements [" + ext[0] + ", "
                    + ext[1] + ") of a storage of " + storage.length() + " elements");
        }
        return new Tensor(storage, layout, false);
    }

    /** A 0-d tensor standing for a Java number in an expression: it does not raise the result dtype. */
    public static Tensor wrap(double value) {
        var t = Creation.scalar(value, DType.FLOAT64);
        return new Tensor(t.storage, t.layout, true);
    }

    /** Like {@link #wrap(double)} for an integer. */
    public static Tensor wrap(long value) {
        var t = Creation.scalar(value, DType.INT64);
        return new Tensor(t.storage, t.layout, true);
    }

    // ---------------------------------------------------------------- creation

    /** Zeros of the default dtype (float32). */
    public static Tensor zeros(int... shape) { return Creation.full(shape, 0, DType.DEFAULT_FLOAT); }

    public static Tensor zeros(int[] shape, DType dtype) { return Creation.full(shape, 0, dtype); }

    /** Zeros created on {@code device}, as {@code torch.zeros(shape, device=...)}. */
    public static Tensor zeros(int[] shape, Device device) { return Creation.full(shape, 0, DType.DEFAULT_FLOAT, device); }

    public static Tensor zeros(int[] shape, DType dtype, Device device) { return Creation.full(shape, 0, dtype, device); }

    public static Tensor ones(int... shape) { return Creation.full(shape, 1, DType.DEFAULT_FLOAT); }

    public static Tensor ones(int[] shape, DType dtype) { return Creation.full(shape, 1, dtype); }

    public static Tensor ones(int[] shape, Device device) { return Creation.full(shape, 1, DType.DEFAULT_FLOAT, device); }

    public static Tensor ones(int[] shape, DType dtype, Device device) { return Creation.full(shape, 1, dtype, device); }

    public static Tensor full(int[] shape, double value) { return Creation.full(shape, value, DType.DEFAULT_FLOAT); }

    public static Tensor full(int[] shape, double value, DType dtype) { return Creation.full(shape, value, dtype); }

    public static Tensor full(int[] shape, double value, Device device) {
        return Creation.full(shape, value, DType.DEFAULT_FLOAT, device);
    }

    public static Tensor full(int[] shape, double value, DType dtype, Device device) {
        return Creation.full(shape, value, dtype, device);
    }

    /** Uninitialised in PyTorch; here zero-filled, as Java arrays are. */
    public static Tensor empty(int... shape) { return Creation.full(shape, 0, DType.DEFAULT_FLOAT); }

    public static Tensor empty(int[] shape, DType dtype) { return Creation.full(shape, 0, dtype); }

    public static Tensor empty(int[] shape, Device device) { return Creation.full(shape, 0, DType.DEFAULT_FLOAT, device); }

    public static Tensor empty(int[] shape, DType dtype, Device device) { return Creation.full(shape, 0, dtype, device); }

    /** Zeros with the shape, dtype and device of {@code t}. */
    public static Tensor zerosLike(Tensor t) { return Creation.full(t.shape(), 0, t.dtype(), t.device()); }

    public static Tensor onesLike(Tensor t) { return Creation.full(t.shape(), 1, t.dtype(), t.device()); }

    public static Tensor fullLike(Tensor t, double value) { return Creation.full(t.shape(), value, t.dtype(), t.device()); }

    /** Uniform on [0, 1) with the shape, dtype and device of {@code t}, from the global generator. */
    public static Tensor randLike(Tensor t) { return Creation.rand(Generator.global(), t.shape(), t.dtype(), t.device()); }

    /** Standard normal with the shape, dtype and device of {@code t}, from the global generator. */
    public static Tensor randnLike(Tensor t) { return Creation.randn(Generator.global(), t.shape(), t.dtype(), t.device()); }

    /** {@code [0, 1, ..., end-1]} as int64. */
    public static Tensor arange(long end) { return Creation.arange(0, end, 1); }

    public static Tensor arange(long end, Device device) { return Creation.arange(0, end, 1, device); }

    /** {@code [start, start+step, ...)} below {@code end}, as int64. */
    public static Tensor arange(long start, long end, long step) { return Creation.arange(start, end, step); }

    public static Tensor arange(long start, long end, long step, Device device) { return Creation.arange(start, end, step, device); }

    /** {@code [start, start+step, ...)} below {@code end}, as float32. */
    public static Tensor arange(double start, double end, double step) {
        return Creation.arange(start, end, step, DType.DEFAULT_FLOAT);
    }

    public static Tensor arange(double start, double end, double step, DType dtype) {
        return Creation.arange(start, end, step, dtype);
    }

    public static Tensor arange(double start, double end, double step, DType dtype, Device device) {
        return Creation.arange(start, end, step, dtype, device);
    }

    /** {@code steps} evenly spaced values from start to end inclusive, as float32. */
    public static Tensor linspace(double start, double end, int steps) { return Creation.linspace(start, end, steps); }

    public static Tensor linspace(double start, double end, int steps, Device device) {
        return Creation.linspace(start, end, steps, device);
    }

    /** The n x n identity. */
    public static Tensor eye(int n) { return Creation.eye(n, n); }

    public static Tensor eye(int n, int m) { return Creation.eye(n, m); }

    public static Tensor eye(int n, Device device) { return Creation.eye(n, n, device); }

    public static Tensor eye(int n, int m, Device device) { return Creation.eye(n, m, device); }

    /** Uniform on [0, 1), float32, from the global generator ({@link Kona#manualSeed}). */
    public static Tensor rand(int... shape) { return Creation.rand(Generator.global(), shape, DType.DEFAULT_FLOAT); }

    public static Tensor rand(Generator g, int... shape) { return Creation.rand(g, shape, DType.DEFAULT_FLOAT); }

    /**
     * Uniform on [0, 1) on {@code device}. Random tensors are drawn on the host from the seeded
     * generator and moved, so a seed gives the same values on every device.
     */
    public static Tensor rand(int[] shape, DType dtype, Device device) {
        return Creation.rand(Generator.global(), shape, dtype, device);
    }

    public static Tensor rand(Generator g, int[] shape, DType dtype, Device device) { return Creation.rand(g, shape, dtype, device); }

    /** Standard normal, float32, from the global generator. */
    public static Tensor randn(int... shape) { return Creation.randn(Generator.global(), shape, DType.DEFAULT_FLOAT); }

    public static Tensor randn(Generator g, int... shape) { return Creation.randn(g, shape, DType.DEFAULT_FLOAT); }

    /** Standard normal on {@code device} (drawn on the host, as {@link #rand(int[], DType, Device)}). */
    public static Tensor randn(int[] shape, DType dtype, Device device) {
        return Creation.randn(Generator.global(), shape, dtype, device);
    }

    public static Tensor randn(Generator g, int[] shape, DType dtype, Device device) { return Creation.randn(g, shape, dtype, device); }

    /** Integers uniform in [low, high), int64. */
    public static Tensor randint(long low, long high, int... shape) {
        return Creation.randint(Generator.global(), low, high, shape);
    }

    public static Tensor randint(Generator g, long low, long high, int... shape) {
        return Creation.randint(g, low, high, shape);
    }

    /** Integers uniform in [low, high), int64, on {@code device} (drawn on the host). */
    public static Tensor randint(long low, long high, int[] shape, Device device) {
        return Creation.randint(Generator.global(), low, high, shape, device);
    }

    public static Tensor randint(Generator g, long low, long high, int[] shape, Device device) {
        return Creation.randint(g, low, high, shape, device);
    }

    /** A 0-d float32 tensor. */
    public static Tensor scalar(double value) { return Creation.scalar(value, DType.DEFAULT_FLOAT); }

    public static Tensor scalar(double value, DType dtype) { return Creation.scalar(value, dtype); }

    public static Tensor of(float... data) { return Creation.of(data, new int[] {data.length}); }

    public static Tensor of(float[] data, int... shape) { return Creation.of(data, shape); }

    public static Tensor of(float[][] data) { return Creation.of2(data); }

    public static Tensor of(float[][][] data) { return Creation.of3(data); }

    public static Tensor of(float[][][][] data) { return Creation.of4(data); }

    public static Tensor of(double... data) { return Creation.of(data, new int[] {data.length}); }

    public static Tensor of(double[] data, int... shape) { return Creation.of(data, shape); }

    public static Tensor of(double[][] data) { return Creation.of2(data); }

    public static Tensor of(double[][][] data) { return Creation.of3(data); }

    public static Tensor of(double[][][][] data) { return Creation.of4(data); }

    public static Tensor of(int... data) { return Creation.of(data, new int[] {data.length}); }

    public static Tensor of(int[] data, int... shape) { return Creation.of(data, shape); }

    public static Tensor of(int[][] data) { return Creation.of2(data); }

    public static Tensor of(long... data) { return Creation.of(data, new int[] {data.length}); }

    public static Tensor of(long[] data, int... shape) { return Creation.of(data, shape); }

    public static Tensor of(long[][] data) { return Creation.of2(data); }

    public static Tensor of(boolean... data) { return Creation.of(data, new int[] {data.length}); }

    public static Tensor of(boolean[] data, int... shape) { return Creation.of(data, shape); }

    public static Tensor of(boolean[][] data) { return Creation.of2(data); }

    // ---------------------------------------------------------------- properties

    public DType dtype() { return storage.dtype(); }

    public Device device() { return storage.device(); }

    /** A copy of the shape. */
    public int[] shape() { return layout.shape().clone(); }

    /** Size along one dimension (negative counts from the end). */
    public int size(int dim) { return layout.shape()[Shape.axis("size", dim, dim())]; }

    /** A copy of the strides, in elements. */
    public int[] stride() { return layout.strides().clone(); }

    public int dim() { return layout.rank(); }

    public long numel() { return layout.numel(); }

    public boolean isContiguous() { return layout.isContiguous(); }

    /** True for the 0-d tensors that stand for Java numbers in expressions ({@link #wrap}). */
    public boolean isWrappedNumber() { return wrappedNumber; }

    /** The storage this tensor views (shared with its views). */
    public Storage storage() { return storage; }

    /** Shape, strides and offset into the storage. */
    public Layout layout() { return layout; }

    // ---------------------------------------------------------------- autograd

    /** True when gradients flow to or through this tensor (a leaf marked so, or the result of such). */
    public boolean requiresGrad() { return requiresGrad || gradFn != null; }

    /**
     * Marks a leaf so that {@link #backward} accumulates d(output)/d(this) into {@link #grad()}.
     * Only floating-point leaves can require grad. Returns this tensor.
     */
    public Tensor requiresGrad(boolean requires) {
        if (gradFn != null) {
            if (!requires) {
                throw new IllegalStateException("requiresGrad: this tensor is the result of '" + gradFn.name()
                        + "'; use detach() to stop gradients instead of requiresGrad(false)");
            }
            return this;
        }
        if (requires && !dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("requiresGrad: only floating-point tensors can require gradients, this one is "
                    + dtype());
        }
        this.requiresGrad = requires;
        return this;
    }

    /**
     * The accumulated gradient of a leaf (null before the first backward or after zeroing). The
     * tensor returned stays valid after the optimizer's {@code zeroGrad}.
     */
    public Tensor grad() {
        gradUnshared = false;
        return grad;
    }

    /**
     * Replaces the accumulated gradient (null clears it, as optimizers' zeroGrad does). Clearing a
     * gradient nobody was handed ({@link #grad()} was not called since backward made it) gives its
     * buffer back to the pool.
     */
    public void setGrad(Tensor g) {
        if (g == null) {
            Tensor old = grad;
            grad = null;
            if (old != null && gradUnshared) old.storage.release();
            gradUnshared = false;
            return;
        }
        if (!java.util.Arrays.equals(g.layout.shape(), layout.shape())) {
            throw new IllegalArgumentException("setGrad: gradient shape " + Shape.format(g.shape())
                    + " does not match the tensor's shape " + Shape.format(shape()));
        }
        if (g.dtype() != dtype() || !g.device().equals(device())) {
            throw new IllegalArgumentException("setGrad: gradient is " + g.dtype() + " on " + g.device()
                    + ", the tensor is " + dtype() + " on " + device());
        }
        this.grad = g;
        this.gradUnshared = false;
    }

    /** The recorded op that produced this tensor, or null for a leaf. */
    public Node gradFn() { return gradFn; }

    /** True for tensors not produced by a recorded op. */
    public boolean isLeaf() { return gradFn == null; }

    /** The same data, cut off from the graph: gradients do not flow through the result. */
    public Tensor detach() { return new Tensor(storage, layout, false); }

    /** Backpropagates from this scalar: accumulates gradients into every leaf that requires grad. */
    public void backward() { Autograd.backward(this, null, false, false); }

    /** Backpropagates with {@code gradient} as d(something)/d(this), for a non-scalar output. */
    public void backward(Tensor gradient) { Autograd.backward(this, gradient, false, false); }

    /**
     * @param gradient    d(something)/d(this), or null for a scalar
     * @param retainGraph keep the graph so that backward can run through it again
     * @param createGraph record the backward pass, for gradients of gradients
     */
    public void backward(Tensor gradient, boolean retainGraph, boolean createGraph) {
        Autograd.backward(this, gradient, retainGraph, createGraph);
    }

    /**
     * Registers a hook that sees (and may replace, by returning a tensor) the gradient of this
     * tensor during backward. Returns this tensor.
     */
    public Tensor registerHook(UnaryOperator<Tensor> hook) {
        if (!requiresGrad()) {
            throw new IllegalStateException("registerHook: cannot register a hook on a tensor that does not require grad");
        }
        if (gradFn != null) {
            gradFn.addHook(hook);
        } else {
            if (hooks == null) hooks = new ArrayList<>(1);
            hooks.add(hook);
        }
        return this;
    }

    // ---------------------------------------------------------------- conversion

    /** Converts to another dtype (returns this tensor when it already has it). */
    public Tensor to(DType dtype) { return Elementwise.cast(this, dtype); }

    /**
     * Moves to another device (returns this tensor when it is already there), as PyTorch's
     * {@code x.to('cuda')}: the copy is differentiable, the gradient flows back to this tensor's
     * device.
     */
    public Tensor to(Device device) { return Creation.toDevice(this, device); }

    /** Moves to {@code device} and converts the dtype, as {@code x.to(device, dtype)}; the fewer bytes cross. */
    public Tensor to(Device device, DType dtype) {
        return dtype.byteSize() < dtype().byteSize() ? to(dtype).to(device) : to(device).to(dtype);
    }

    /** The value of a one-element tensor. */
    public double item() { return Creation.item(this); }

    /** The value of a one-element integer or bool tensor, exactly. */
    public long itemLong() { return Creation.itemLong(this); }

    public float[] toFloatArray() { return (float[]) Creation.toHost(this, DType.FLOAT32); }

    public double[] toDoubleArray() { return (double[]) Creation.toHost(this, DType.FLOAT64); }

    public int[] toIntArray() { return (int[]) Creation.toHost(this, DType.INT32); }

    public long[] toLongArray() { return (long[]) Creation.toHost(this, DType.INT64); }

    public boolean[] toBooleanArray() { return Creation.toBooleanArray(this); }

    /** A copy of this tensor's data in a fresh storage. */
    public Tensor copy() { return Elementwise.copy(this); }

    /** Prints like PyTorch: {@code tensor([[1., 2.], [3., 4.]])}, large tensors summarised with {@code ...}. */
    @Override
    public String toString() { return Format.format(this); }

    // ---------------------------------------------------------------- views

    public Tensor reshape(int... shape) { return Views.reshape(this, shape); }

    /** Like {@link #reshape} but never copies: fails when the layout cannot be viewed in that shape. */
    public Tensor view(int... shape) { return Views.view(this, shape); }

    public Tensor permute(int... dims) { return Views.permute(this, dims); }

    public Tensor transpose(int dim0, int dim1) { return Views.transpose(this, dim0, dim1); }

    /** Transpose of a tensor of at most 2 dimensions. */
    public Tensor t() { return Views.t(this); }

    /** Elements {@code start, start+step, ...} below {@code end} along a dimension; negative indices count from the end. */
    public Tensor slice(int dim, int start, int end, int step) { return Views.slice(this, dim, start, end, step); }

    public Tensor slice(int dim, int start, int end) { return Views.slice(this, dim, start, end, 1); }

    public Tensor narrow(int dim, int start, int length) { return Views.narrow(this, dim, start, length); }

    /** Removes a dimension by taking one index of it. */
    public Tensor select(int dim, int index) { return Views.select(this, dim, index); }

    /** NumPy-style indexing: {@code x.index(Index.at(0), Index.slice(1, 3), Index.all())}. */
    public Tensor index(Index... indices) { return Indexing.index(this, indices); }

    /** A view with size-1 dimensions repeated (stride 0); -1 keeps a size. */
    public Tensor expand(int... sizes) { return Views.expand(this, sizes); }

    public Tensor broadcastTo(int... shape) { return Views.expand(this, shape); }

    public Tensor expandAs(Tensor other) { return Views.expand(this, other.layout.shape()); }

    public Tensor squeeze() { return Views.squeeze(this); }

    public Tensor squeeze(int dim) { return Views.squeeze(this, dim); }

    public Tensor unsqueeze(int dim) { return Views.unsqueeze(this, dim); }

    public Tensor flatten() { return Views.flatten(this, 0, -1); }

    public Tensor flatten(int startDim, int endDim) { return Views.flatten(this, startDim, endDim); }

    public Tensor unflatten(int dim, int... sizes) { return Views.unflatten(this, dim, sizes); }

    /** This tensor if it is contiguous, else a contiguous copy. */
    public Tensor contiguous() { return layout.isContiguous() ? this : Elementwise.copy(this); }

    /** A view with explicit shape, strides and storage offset (no bounds beyond the storage's). */
    public Tensor asStrided(int[] shape, int[] strides, int offset) {
        if (requiresGrad() && dev.kona.autograd.GradMode.isEnabled()) {
            throw new IllegalStateException("asStrided: not differentiable; call detach() first or use reshape/permute/slice");
        }
        return fromStorage(storage, new Layout(shape.clone(), strides.clone(), offset));
    }

    // ---------------------------------------------------------------- elementwise

    public Tensor neg() { return Elementwise.unary(UnaryKind.NEG, this); }
    public Tensor abs() { return Elementwise.unary(UnaryKind.ABS, this); }
    public Tensor exp() { return Elementwise.unary(UnaryKind.EXP, this); }
    public Tensor log() { return Elementwise.unary(UnaryKind.LOG, this); }
    public Tensor log1p() { return Elementwise.unary(UnaryKind.LOG1P, this); }
    public Tensor expm1() { return Elementwise.unary(UnaryKind.EXPM1, this); }
    public Tensor sqrt() { return Elementwise.unary(UnaryKind.SQRT, this); }
    public Tensor rsqrt() { return Elementwise.unary(UnaryKind.RSQRT, this); }
    public Tensor square() { return Elementwise.unary(UnaryKind.SQUARE, this); }
    public Tensor reciprocal() { return Elementwise.unary(UnaryKind.RECIPROCAL, this); }
    public Tensor sin() { return Elementwise.unary(UnaryKind.SIN, this); }
    public Tensor cos() { return Elementwise.unary(UnaryKind.COS, this); }
    public Tensor tanh() { return Elementwise.unary(UnaryKind.TANH, this); }
    public Tensor sigmoid() { return Elementwise.unary(UnaryKind.SIGMOID, this); }
    public Tensor relu() { return Elementwise.unary(UnaryKind.RELU, this); }
    /** GELU with the exact erf form. */
    public Tensor gelu() { return Elementwise.unary(UnaryKind.GELU, this); }
    /** GELU with PyTorch's {@code approximate='tanh'} form. */
    public Tensor geluTanh() { return Elementwise.unary(UnaryKind.GELU_TANH, this); }
    /** The error function. */
    public Tensor erf() { return Elementwise.unary(UnaryKind.ERF, this); }
    public Tensor silu() { return Elementwise.unary(UnaryKind.SILU, this); }
    public Tensor sign() { return Elementwise.unary(UnaryKind.SIGN, this); }
    public Tensor floor() { return Elementwise.unary(UnaryKind.FLOOR, this); }
    public Tensor ceil() { return Elementwise.unary(UnaryKind.CEIL, this); }
    /** Rounds half to even, as PyTorch. */
    public Tensor round() { return Elementwise.unary(UnaryKind.ROUND, this); }
    public Tensor logicalNot() { return Elementwise.unary(UnaryKind.LOGICAL_NOT, this); }
    public Tensor leakyRelu(double negativeSlope) { return Elementwise.unary(UnaryKind.LEAKY_RELU, this, negativeSlope, 0); }
    public Tensor leakyRelu() { return leakyRelu(0.01); }
    public Tensor elu(double alpha) { return Elementwise.unary(UnaryKind.ELU, this, alpha, 0); }
    public Tensor elu() { return elu(1.0); }
    public Tensor softplus(double beta, double threshold) { return Elementwise.softplus(this, beta, threshold); }
    public Tensor softplus() { return softplus(1.0, 20.0); }
    /** Limits values to [min, max]; {@code Double.NaN} for a bound means none. */
    public Tensor clamp(double min, double max) { return Elementwise.clamp(this, min, max); }
    public Tensor clampMin(double min) { return Elementwise.clamp(this, min, Double.NaN); }
    public Tensor clampMax(double max) { return Elementwise.clamp(this, Double.NaN, max); }
    public Tensor pow(double exponent) { return Elementwise.powScalar(this, exponent); }
    /** An integer power; an integer tensor stays integer. */
    public Tensor pow(long exponent) { return Elementwise.powScalar(this, exponent); }
    public Tensor pow(Tensor exponent) { return Elementwise.binary(BinaryKind.POW, this, exponent); }

    public Tensor add(Tensor other) { return Elementwise.binary(BinaryKind.ADD, this, other); }
    /** {@code this + alpha * other}. */
    public Tensor add(Tensor other, double alpha) { return alpha == 1 ? add(other) : add(other.mul(alpha)); }
    public Tensor add(double other) { return Elementwise.binary(BinaryKind.ADD, this, wrap(other)); }
    /** {@code this + other}; an integer tensor stays integer. */
    public Tensor add(long other) { return Elementwise.binary(BinaryKind.ADD, this, wrap(other)); }
    public Tensor sub(long other) { return Elementwise.binary(BinaryKind.SUB, this, wrap(other)); }
    public Tensor mul(long other) { return Elementwise.binary(BinaryKind.MUL, this, wrap(other)); }
    public Tensor eq(long other) { return Elementwise.binary(BinaryKind.EQ, this, wrap(other)); }
    public Tensor lt(long other) { return Elementwise.binary(BinaryKind.LT, this, wrap(other)); }
    public Tensor ge(long other) { return Elementwise.binary(BinaryKind.GE, this, wrap(other)); }
    public Tensor sub(Tensor other) { return Elementwise.binary(BinaryKind.SUB, this, other); }
    public Tensor sub(double other) { return Elementwise.binary(BinaryKind.SUB, this, wrap(other)); }
    /** {@code other - this}. */
    public Tensor rsub(double other) { return Elementwise.binary(BinaryKind.SUB, wrap(other), this); }
    public Tensor mul(Tensor other) { return Elementwise.binary(BinaryKind.MUL, this, other); }
    public Tensor mul(double other) { return Elementwise.binary(BinaryKind.MUL, this, wrap(other)); }
    /** True division: integer inputs give a float result. */
    public Tensor div(Tensor other) { return Elementwise.binary(BinaryKind.DIV, this, other); }
    public Tensor div(double other) { return Elementwise.binary(BinaryKind.DIV, this, wrap(other)); }
    public Tensor maximum(Tensor other) { return Elementwise.binary(BinaryKind.MAXIMUM, this, other); }
    public Tensor minimum(Tensor other) { return Elementwise.binary(BinaryKind.MINIMUM, this, other); }
    public Tensor eq(Tensor other) { return Elementwise.binary(BinaryKind.EQ, this, other); }
    public Tensor eq(double other) { return Elementwise.binary(BinaryKind.EQ, this, wrap(other)); }
    public Tensor ne(Tensor other) { return Elementwise.binary(BinaryKind.NE, this, other); }
    public Tensor ne(double other) { return Elementwise.binary(BinaryKind.NE, this, wrap(other)); }
    public Tensor lt(Tensor other) { return Elementwise.binary(BinaryKind.LT, this, other); }
    public Tensor lt(double other) { return Elementwise.binary(BinaryKind.LT, this, wrap(other)); }
    public Tensor le(Tensor other) { return Elementwise.binary(BinaryKind.LE, this, other); }
    public Tensor le(double other) { return Elementwise.binary(BinaryKind.LE, this, wrap(other)); }
    public Tensor gt(Tensor other) { return Elementwise.binary(BinaryKind.GT, this, other); }
    public Tensor gt(double other) { return Elementwise.binary(BinaryKind.GT, this, wrap(other)); }
    public Tensor ge(Tensor other) { return Elementwise.binary(BinaryKind.GE, this, other); }
    public Tensor ge(double other) { return Elementwise.binary(BinaryKind.GE, this, wrap(other)); }
    public Tensor logicalAnd(Tensor other) { return Elementwise.binary(BinaryKind.LOGICAL_AND, this, other); }
    public Tensor logicalOr(Tensor other) { return Elementwise.binary(BinaryKind.LOGICAL_OR, this, other); }
    public Tensor logicalXor(Tensor other) { return Elementwise.binary(BinaryKind.LOGICAL_XOR, this, other); }

    /** {@code condition ? x : y}, elementwise with broadcasting. */
    public static Tensor where(Tensor condition, Tensor x, Tensor y) { return Elementwise.where(condition, x, y); }

    public static Tensor where(Tensor condition, Tensor x, double y) { return Elementwise.where(condition, x, wrap(y)); }

    public static Tensor where(Tensor condition, double x, Tensor y) { return Elementwise.where(condition, wrap(x), y); }

    // ---------------------------------------------------------------- in place (for optimizers)

    /** {@code this += other} (broadcast to this shape); returns this. */
    public Tensor addInPlace(Tensor other) { return Elementwise.inPlace(this, BinaryKind.ADD, other); }
    /** {@code this += alpha * other}; returns this. */
    public Tensor addInPlace(Tensor other, double alpha) { return addInPlace(alpha == 1 ? other : other.mul(alpha)); }
    public Tensor addInPlace(double other) { return Elementwise.inPlace(this, BinaryKind.ADD, wrap(other)); }
    public Tensor subInPlace(Tensor other) { return Elementwise.inPlace(this, BinaryKind.SUB, other); }
    public Tensor mulInPlace(Tensor other) { return Elementwise.inPlace(this, BinaryKind.MUL, other); }
    public Tensor mulInPlace(double other) { return Elementwise.inPlace(this, BinaryKind.MUL, wrap(other)); }
    public Tensor divInPlace(Tensor other) { return Elementwise.inPlace(this, BinaryKind.DIV, other); }
    public Tensor divInPlace(double other) { return Elementwise.inPlace(this, BinaryKind.DIV, wrap(other)); }
    /** Copies {@code src} (broadcast, converted) into this tensor; returns this. */
    public Tensor copyFrom(Tensor src) { return Elementwise.copyInto(this, src); }
    /** Sets every element to {@code value}; returns this. */
    public Tensor fill(double value) { return Elementwise.fill(this, value); }

    // ---------------------------------------------------------------- reductions

    public Tensor sum() { return Reductions.sum(this, new int[0], false); }
    public Tensor sum(int... dims) { return Reductions.sum(this, dims, false); }
    public Tensor sum(int[] dims, boolean keepDim) { return Reductions.sum(this, dims, keepDim); }
    public Tensor sum(int dim, boolean keepDim) { return Reductions.sum(this, new int[] {dim}, keepDim); }
    public Tensor mean() { return Reductions.mean(this, new int[0], false); }
    public Tensor mean(int... dims) { return Reductions.mean(this, dims, false); }
    public Tensor mean(int[] dims, boolean keepDim) { return Reductions.mean(this, dims, keepDim); }
    public Tensor mean(int dim, boolean keepDim) { return Reductions.mean(this, new int[] {dim}, keepDim); }
    public Tensor prod() { return Reductions.prod(this, new int[0], false); }
    public Tensor prod(int dim, boolean keepDim) { return Reductions.prod(this, new int[] {dim}, keepDim); }
    /** The largest element (0-d). */
    public Tensor max() { return Reductions.amax(this, new int[0], false); }
    /** Largest values along a dimension and their indices. */
    public ValuesIndices max(int dim) { return Reductions.maxMin(this, dim, false, true); }
    public ValuesIndices max(int dim, boolean keepDim) { return Reductions.maxMin(this, dim, keepDim, true); }
    public Tensor min() { return Reductions.amin(this, new int[0], false); }
    public ValuesIndices min(int dim) { return Reductions.maxMin(this, dim, false, false); }
    public ValuesIndices min(int dim, boolean keepDim) { return Reductions.maxMin(this, dim, keepDim, false); }
    public Tensor amax(int[] dims, boolean keepDim) { return Reductions.amax(this, dims, keepDim); }
    public Tensor amin(int[] dims, boolean keepDim) { return Reductions.amin(this, dims, keepDim); }
    /** Index of the largest element of the flattened tensor (0-d int64). */
    public Tensor argmax() { return Reductions.argmax(this, null, false, true); }
    public Tensor argmax(int dim) { return Reductions.argmax(this, dim, false, true); }
    public Tensor argmax(int dim, boolean keepDim) { return Reductions.argmax(this, dim, keepDim, true); }
    public Tensor argmin() { return Reductions.argmax(this, null, false, false); }
    public Tensor argmin(int dim) { return Reductions.argmax(this, dim, false, false); }
    public Tensor argmin(int dim, boolean keepDim) { return Reductions.argmax(this, dim, keepDim, false); }
    /** Variance with Bessel's correction (correction 1). */
    public Tensor var() { return Reductions.var(this, new int[0], 1, false); }
    public Tensor var(int[] dims, double correction, boolean keepDim) { return Reductions.var(this, dims, correction, keepDim); }
    public Tensor std() { return Reductions.var(this, new int[0], 1, false).sqrt(); }
    public Tensor std(int[] dims, double correction, boolean keepDim) { return Reductions.var(this, dims, correction, keepDim).sqrt(); }
    /** The 2-norm of all elements. */
    public Tensor norm() { return Reductions.norm(this, 2, new int[0], false); }
    /** The p-norm (p = 1, 2, {@code Double.POSITIVE_INFINITY}, ...) over the given dims (all when empty). */
    public Tensor norm(double p, int[] dims, boolean keepDim) { return Reductions.norm(this, p, dims, keepDim); }
    public Tensor norm(double p) { return Reductions.norm(this, p, new int[0], false); }
    /** {@code log(sum(exp(x)))} over dims, computed without overflow. */
    public Tensor logsumexp(int[] dims, boolean keepDim) { return Reductions.logsumexp(this, dims, keepDim); }
    public Tensor logsumexp(int dim) { return Reductions.logsumexp(this, new int[] {dim}, false); }
    public Tensor all() { return Reductions.allAny(this, new int[0], false, true); }
    public Tensor all(int dim, boolean keepDim) { return Reductions.allAny(this, new int[] {dim}, keepDim, true); }
    public Tensor any() { return Reductions.allAny(this, new int[0], false, false); }
    public Tensor any(int dim, boolean keepDim) { return Reductions.allAny(this, new int[] {dim}, keepDim, false); }
    public Tensor cumsum(int dim) { return Reductions.cumulative(this, dim, false); }
    public Tensor cumprod(int dim) { return Reductions.cumulative(this, dim, true); }
    /** Softmax along a dimension, stable for large inputs. */
    public Tensor softmax(int dim) { return Reductions.softmax(this, dim, false); }
    public Tensor logSoftmax(int dim) { return Reductions.softmax(this, dim, true); }

    // ---------------------------------------------------------------- linear algebra

    /** Matrix product with NumPy semantics (1-D, 2-D, batched with broadcasting). */
    public Tensor matmul(Tensor other) { return LinAlg.matmul(this, other); }
    /** Product of two 2-D tensors. */
    public Tensor mm(Tensor other) { return LinAlg.mm(this, other); }
    /** Product of two 3-D tensors with equal batch sizes. */
    public Tensor bmm(Tensor other) { return LinAlg.bmm(this, other); }
    /** Inner product of two 1-D tensors. */
    public Tensor dot(Tensor other) { return LinAlg.dot(this, other); }
    /** Outer product of two 1-D tensors. */
    public Tensor outer(Tensor other) { return LinAlg.outer(this, other); }

    // ---------------------------------------------------------------- joining, indexing, sorting

    public static Tensor cat(List<Tensor> tensors, int dim) { return Indexing.cat(tensors, dim); }
    public static Tensor cat(List<Tensor> tensors) { return Indexing.cat(tensors, 0); }
    public static Tensor stack(List<Tensor> tensors, int dim) { return Indexing.stack(tensors, dim); }
    public static Tensor stack(List<Tensor> tensors) { return Indexing.stack(tensors, 0); }
    /** Views of {@code splitSize} along a dimension (the last may be smaller). */
    public List<Tensor> split(int splitSize, int dim) { return Indexing.split(this, splitSize, dim); }
    public List<Tensor> split(int[] sizes, int dim) { return Indexing.split(this, sizes, dim); }
    public List<Tensor> chunk(int chunks, int dim) { return Indexing.chunk(this, chunks, dim); }
    public Tensor gather(int dim, Tensor index) { return Indexing.gather(this, dim, index); }
    /** A copy with {@code src} written at {@code index} along {@code dim}. */
    public Tensor scatter(int dim, Tensor index, Tensor src) { return Indexing.scatter(this, dim, index, src, false); }
    public Tensor scatter(int dim, Tensor index, double value) { return Indexing.scatter(this, dim, index, value); }
    /** A copy with {@code src} added at {@code index} along {@code dim} (repeated indices accumulate). */
    public Tensor scatterAdd(int dim, Tensor index, Tensor src) { return Indexing.scatter(this, dim, index, src, true); }
    public Tensor indexSelect(int dim, Tensor index) { return Indexing.indexSelect(this, dim, index); }
    /** A copy with {@code value} where {@code mask} (bool, broadcast) is true. */
    public Tensor maskedFill(Tensor mask, double value) { return Indexing.maskedFill(this, mask, value); }
    /** The elements where {@code mask} is true, as a 1-D tensor. */
    public Tensor maskedSelect(Tensor mask) { return Indexing.maskedSelect(this, mask); }
    /** Indices of non-zero elements, int64 [count, dim]. */
    public Tensor nonzero() { return Indexing.nonzero(this); }
    /** One-hot encoding of an integer tensor: shape + [numClasses], int64. -1 infers max + 1. */
    public Tensor oneHot(int numClasses) { return Indexing.oneHot(this, numClasses); }
    public ValuesIndices topk(int k) { return Indexing.topk(this, k, -1, true, true); }
    public ValuesIndices topk(int k, int dim, boolean largest, boolean sorted) { return Indexing.topk(this, k, dim, largest, sorted); }
    public ValuesIndices sort(int dim, boolean descending) { return Indexing.sort(this, dim, descending); }
    public ValuesIndices sort() { return Indexing.sort(this, -1, false); }
    public Tensor argsort(int dim, boolean descending) { return Indexing.sort(this, dim, descending).indices(); }

    /** A pair returned by max/min along a dimension, sort and topk. */
    public record ValuesIndices(Tensor values, Tensor indices) {}
}
