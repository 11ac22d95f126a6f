package dev.kona.cuda;

import dev.kona.DType;
import dev.kona.Device;
import dev.kona.Kona;
import dev.kona.Tensor;
import dev.kona.backend.Backend;
import dev.kona.backend.HostArrays;
import dev.kona.backend.Layout;
import dev.kona.backend.Storage;
import dev.kona.ops.Op;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The CUDA backend: one per device. Storage is device memory from a caching allocator; ops run
 * Kona's NVRTC-compiled kernels (kernels.cu) and cuBLAS on one stream, asynchronously; reading
 * a value back synchronizes. Integer errors and out-of-range indices are reported by the kernels
 * through a small device slot that the ops which can raise them read back.
 */
public final class CudaBackend implements Backend {
    private static final int THREADS = 256;
    /** Rows up to this length sort in shared memory (key, key, position = 20 bytes each: 40 KB). */
    private static final int SMALL_SORT = 2048;
    private static final int SHARED_LIMIT = 48 * 1024;
    /** Softmax of contiguous float32 rows in registers (default) or staged in shared memory; for comparisons. */
    private static final boolean SOFTMAX_IN_REGISTERS = !"false".equals(System.getProperty("kona.cuda.softmaxRegisters"));

    private final Device device;
    private final CudaContext ctx;
    private final CudaKernels kernels;
    private final CudaStorage errorSlot;
    private final int maxBlocks;

    CudaBackend(Device device) {
        this.device = device;
        this.ctx = CudaContext.of(device.index());
        ctx.makeCurrent();
        this.kernels = new CudaKernels(ctx);
        this.errorSlot = new CudaStorage(ctx, device, DType.INT64, 2);
        ctx.memsetZero(errorSlot.pointer(), 16);
        this.maxBlocks = Math.max(1, ctx.multiprocessors() * 32);
    }

    /** The context this backend runs on. */
    public CudaContext context() {
        return ctx;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public Storage allocate(DType dtype, int length, boolean zeroed) {
        ctx.makeCurrent();
        var s = new CudaStorage(ctx, device, dtype, length);
        if (zeroed && length > 0) ctx.memsetZero(s.pointer(), (long) length * dtype.byteSize());
        return s;
    }

    @Override
    public Storage fromHost(DType dtype, Object hostArray) {
        Class<?> expected = HostArrays.type(dtype);
        if (hostArray.getClass() != expected) {
            throw new IllegalArgumentException("fromHost: a " + dtype + " buffer needs a " + expected.getSimpleName()
                    + ", got " + hostArray.getClass().getSimpleName());
        }
        int n = java.lang.reflect.Array.getLength(hostArray);
        ctx.makeCurrent();
        var s = new CudaStorage(ctx, device, dtype, n);
        long bytes = (long) n * dtype.byteSize();
        if (bytes > 0) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment staging = arena.allocate(bytes, 16);
                MemorySegment.copy(HostArrays.segment(hostArray), 0, staging, 0, bytes);
                ctx.copyHostToDevice(s.pointer(), staging, bytes);
            }
        }
        return s;
    }

    @Override
    public Object toHost(Storage storage, int offset, int length) {
        var s = cuda(storage, "toHost");
        Object out = HostArrays.allocate(s.dtype(), length);
        long bytes = (long) length * s.dtype().byteSize();
        if (bytes > 0) {
            ctx.makeCurrent();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment staging = arena.allocate(bytes, 16);
                ctx.copyDeviceToHost(staging, s.pointer() + (long) offset * s.dtype().byteSize(), bytes);
                MemorySegment.copy(staging, 0, HostArrays.segment(out), 0, bytes);
            }
        }
        return out;
    }

    @Override
    public void synchronize() {
        ctx.makeCurrent();
        ctx.synchronize();
    }

    @Override
    public void execute(Op op, Tensor[] out, Tensor[] in) {
        ctx.makeCurrent();
        switch (op) {
            case Op.Unary u -> unary(u, out[0], in[0]);
            case Op.Binary b -> binary(b, out[0], in[0], in[1]);
            case Op.Where w -> where(out[0], in[0], in[1], in[2]);
            case Op.Copy c -> copy(out[0], in[0]);
            case Op.Fill f -> fill(out[0], f.value());
            case Op.Reduce r -> reduce(r.name(), r.kind().ordinal(), r.axes(), out[0], in[0]);
            case Op.ArgReduce r -> argReduce(r, out[0], out[1], in[0]);
            case Op.Cumulative c -> cumulative(c, out[0], in[0]);
            case Op.Softmax s -> softmax(s, out[0], in[0]);
            case Op.SoftmaxGrad s -> softmaxGrad(s, out[0], in[0], in[1]);
            case Op.CrossEntropyRows ce -> crossEntropyRows(ce, out[0], out[1], in[0], in[1]);
            case Op.CrossEntropyRowsGrad ce -> crossEntropyRowsGrad(ce, out[0], in[0], in[1], in[2]);
            case Op.MatMul m -> CudaMatMul.matmul(this, out[0], in[0], in[1]);
            case Op.Gather g -> gather(g, out[0], in[0], in[1]);
            case Op.Scatter s -> scatter(s, out[0], in[0], in[1], in[2]);
            case Op.IndexSelect s -> indexSelect(s, out[0], in[0], in[1]);
            case Op.NonZero n -> nonZero(out[0], in[0]);
            case Op.CountNonZero c -> reduce("countNonzero", COUNT, allAxes(in[0]), out[0], in[0]);
            case Op.Sort s -> sort(s.name(), out[0], out[1], in[0], s.axis(), s.descending(), -1);
            case Op.TopK t -> sort(t.name(), out[0], out[1], in[0], t.axis(), t.largest(), t.k());
            case Op.AdamStep a -> adam(a, out, in[0]);
            case Op.SgdStep s -> sgd(s, out, in[0]);
            case Op.RandomUniform r -> uniform(r.seed(), out[0]);
            case Op.Dropout d -> dropout(d, out[0], in[0]);
            case Op.LayerNorm l -> layerNorm(l, out, in);
            case Op.LayerNormGrad l -> layerNormGrad(out, in);
            case Op.Im2Col c -> CudaConv.im2col(this, c, out[0], in[0]);
            case Op.Col2Im c -> CudaConv.col2im(this, c, out[0], in[0]);
            case Op.Conv3x3 c -> CudaConv.conv3x3(this, c, out[0], in[0], in[1]);
            case Op.MaxPool m -> CudaConv.maxPool(this, m, out[0], out[1], in[0]);
            case Op.MaxPoolGrad m -> CudaConv.maxPoolGrad(this, m, out[0], in[0], in[1]);
            case Op.LstmCell l -> lstmCell(l, out, in);
        }
    }

    /** Op.LstmCell: one thread per hidden unit; every operand is contiguous. */
    private void lstmCell(Op.LstmCell op, Tensor[] out, Tensor[] in) {
        int n = (int) out[1].numel(), hid = in[0].layout().shape()[1] / 4;
        if (n == 0) return;
        String type = in[0].dtype() == DType.FLOAT64 ? "_f64" : "_f32";
        if (!op.backward()) {
            launch("lstm_cell" + type, n, n, hid, ptr(in[0]), ptr(in[1]), ptr(out[0]), ptr(out[1]), ptr(out[2]), ptr(out[3]));
        } else {
            launch("lstm_cell_backward" + type, n, n, hid, ptr(in[0]), ptr(in[1]), ptr(in[2]), ptr(in[3]), ptr(in[4]), ptr(out[0]),
                    ptr(out[1]));
        }
    }

    // ------------------------------------------------------------------ helpers

    CudaContext ctx() {
        return ctx;
    }

    CudaFunction kernel(String name) {
        return kernels.get(name);
    }

    int blocks(long n) {
        return (int) Math.max(1, Math.min((n + THREADS - 1) / THREADS, maxBlocks));
    }

    static int code(DType d) {
        return switch (d) {
            case FLOAT32 -> 0;
            case FLOAT64 -> 1;
            case INT32 -> 2;
            case INT64 -> 3;
            case BOOL -> 4;
            case FLOAT16 -> 5;
            case BFLOAT16 -> 6;
        };
    }

    private CudaStorage cuda(Storage s, String op) {
        if (!(s instanceof CudaStorage c) || !s.device().equals(device)) {
            throw new IllegalArgumentException(op + ": expected a tensor on " + device + ", found one on " + s.device());
        }
        return c;
    }

    /** Device address of the tensor's first element (its layout offset applied). */
    long ptr(Tensor t) {
        var s = cuda(t.storage(), "cuda");
        return s.pointer() + (long) t.layout().offset() * t.dtype().byteSize();
    }

    private static int[] bstrides(Tensor t, int[] shape) {
        return t.layout().broadcastStrides(shape);
    }

    private static int[] allAxes(Tensor t) {
        int[] a = new int[t.layout().rank()];
        for (int i = 0; i < a.length; i++) a[i] = i;
        return a;
    }

    void launch(String name, long n, Object... args) {
        kernels.get(name).launch(blocks(n), 1, 1, THREADS, 0, args);
    }

    /** Reads and clears the kernels' error slot; throws what a kernel reported. */
    private void checkErrors(String op, int axis, int axisLen) {
        long[] slot = (long[]) toHost(errorSlot, 0, 2);
        if (slot[0] == 0) return;
        ctx.memsetZero(errorSlot.pointer(), 16);
        switch ((int) slot[0]) {
            case 1 -> throw new ArithmeticException(op + ": integer division by zero");
            case 2 -> throw new ArithmeticException(op + ": integers to negative integer powers are not allowed");
            default -> throw new IndexOutOfBoundsException(op + ": index " + slot[1] + " is out of bounds for dimension "
                    + axis + " with size " + axisLen + " (expected 0 <= index < " + axisLen + ")");
        }
    }

    // ------------------------------------------------------------------ elementwise

    private void unary(Op.Unary u, Tensor out, Tensor x) {
        int n = (int) out.numel();
        if (n == 0) return;
        int[] shape = out.layout().shape();
        Geo g = Geo.merged(u.name(), shape, out.layout().strides(), bstrides(x, shape));
        DType od = out.dtype(), xd = x.dtype();
        int kind = u.kind().ordinal();
        if (od == DType.FLOAT32 && xd == DType.FLOAT32 && g.rank == 1 && g.stride(0, 0) == 1 && g.stride(1, 0) == 1) {
            launch("unary_f32_contig", n / 4 + 1, kind, (float) u.p0(), (float) u.p1(), n, ptr(out), ptr(x));
        } else if (od == DType.FLOAT32 && xd == DType.FLOAT32) {
            launch("unary_f32", n, kind, (float) u.p0(), (float) u.p1(), g.segment(), n, ptr(out), ptr(x));
        } else if (od == DType.FLOAT64 && xd == DType.FLOAT64) {
            launch("unary_f64", n, kind, u.p0(), u.p1(), g.segment(), n, ptr(out), ptr(x));
        } else {
            launch("unary_gen", n, kind, u.p0(), u.p1(), g.segment(), n, ptr(out), code(od), ptr(x), code(xd));
        }
    }

    private void binary(Op.Binary b, Tensor out, Tensor x, Tensor y) {
        int n = (int) out.numel();
        if (n == 0) return;
        int[] shape = out.layout().shape();
        Geo g = Geo.merged(b.name(), shape, out.layout().strides(), bstrides(x, shape), bstrides(y, shape));
        DType od = out.dtype(), xd = x.dtype();
        int kind = b.kind().ordinal();
        if (od == DType.FLOAT32 && xd == DType.FLOAT32 && g.rank == 1 && g.stride(0, 0) == 1
                && (g.stride(1, 0) == 1 || x.numel() == 1) && (g.stride(2, 0) == 1 || y.numel() == 1)) {
            launch("binary_f32_contig", n / 4 + 1, kind, n, ptr(out), ptr(x), ptr(y), g.stride(1, 0) == 1 ? 0 : 1,
                    g.stride(2, 0) == 1 ? 0 : 1);
        } else if (od == DType.FLOAT32 && xd == DType.FLOAT32) {
            launch("binary_f32", n, kind, g.segment(), n, ptr(out), ptr(x), ptr(y));
        } else if (od == DType.FLOAT64 && xd == DType.FLOAT64) {
            launch("binary_f64", n, kind, g.segment(), n, ptr(out), ptr(x), ptr(y));
        } else {
            launch("binary_gen", n, kind, g.segment(), n, ptr(out), code(od), ptr(x), ptr(y), code(xd),
                    errorSlot.pointer());
            boolean raises = !xd.isFloatingPoint() && (b.kind() == Op.BinaryKind.DIV || b.kind() == Op.BinaryKind.POW);
            if (raises) checkErrors(b.name(), 0, 0);
        }
    }

    private void where(Tensor out, Tensor c, Tensor x, Tensor y) {
        int n = (int) out.numel();
        if (n == 0) return;
        int[] shape = out.layout().shape();
        Geo g = Geo.merged("where", shape, out.layout().strides(), bstrides(c, shape), bstrides(x, shape),
                bstrides(y, shape));
        launch("where_gen", n, out.dtype().byteSize(), g.segment(), n, ptr(out), ptr(c), ptr(x), ptr(y));
    }

    private void copy(Tensor out, Tensor src) {
        int n = (int) out.numel();
        if (n == 0) return;
        int[] shape = out.layout().shape();
        Geo g = Geo.merged("copy", shape, out.layout().strides(), bstrides(src, shape));
        if (out.dtype() == src.dtype()) {
            if (g.rank == 1 && g.stride(0, 0) == 1 && g.stride(1, 0) == 1) {
                ctx.copyDeviceToDevice(ptr(out), ptr(src), (long) n * out.dtype().byteSize());
            } else {
                launch("copy_same", n, out.dtype().byteSize(), g.segment(), n, ptr(out), ptr(src));
            }
        } else {
            launch("copy_convert", n, g.segment(), n, ptr(out), code(out.dtype()), ptr(src), code(src.dtype()));
        }
    }

    private void fill(Tensor out, double v) {
        int n = (int) out.numel();
        if (n == 0) return;
        Geo g = Geo.merged("fill", out.layout().shape(), out.layout().strides());
        long bits = switch (out.dtype()) {
            case FLOAT32 -> Float.floatToRawIntBits((float) v) & 0xffffffffL;
            case FLOAT64 -> Double.doubleToRawLongBits(v);
            case INT32 -> ((int) (long) v) & 0xffffffffL;
            case INT64 -> (long) v;
            case BOOL -> v != 0 ? 1 : 0;
            case FLOAT16 -> Float.floatToFloat16((float) v) & 0xffffL;
            case BFLOAT16 -> HostArrays.floatToBfloat16((float) v) & 0xffffL;
        };
        launch("fill_bits", n, out.dtype().byteSize(), bits, g.segment(), n, ptr(out));
    }

    // ------------------------------------------------------------------ reductions

    private static final int COUNT = 6;
    private static final int BLOCK_REDUCE_MIN = 64;
    private static final int SPLIT_MIN = 1 << 16;

    private void reduce(String name, int kind, int[] axes, Tensor out, Tensor x) {
        int nOut = (int) out.numel();
        if (nOut == 0) return;
        Layout xl = x.layout();
        int rank = xl.rank();
        boolean[] reduced = new boolean[rank];
        for (int a : axes) reduced[a] = true;
        int nk = 0, nr = 0;
        for (int d = 0; d < rank; d++) if (reduced[d]) nr++; else nk++;
        int[] ks = new int[nk], kst = new int[nk], rs = new int[nr], rst = new int[nr];
        long nRed = 1;
        for (int d = 0, i = 0, j = 0; d < rank; d++) {
            if (reduced[d]) {
                rs[j] = xl.shape()[d];
                rst[j++] = xl.strides()[d];
                nRed *= xl.shape()[d];
            } else {
                ks[i] = xl.shape()[d];
                kst[i++] = xl.strides()[d];
            }
        }
        Geo kept = Geo.merged(name, ks, kst), red = Geo.merged(name, rs, rst);
        boolean fl = kind != COUNT && x.dtype().isFloatingPoint();
        int f = fl ? 1 : 0, odt = code(out.dtype()), xdt = code(x.dtype());
        long xp = ptr(x), op = ptr(out);
        if (nRed == 0) {
            // the empty reduction: the kind's identity
            launch("reduce_thread", nOut, kind, f, kept.segment(), nOut, red.segment(), 0, op, odt, xp, xdt);
        } else if (nRed >= SPLIT_MIN && nOut < ctx.multiprocessors()) {
            int parts = (int) Math.min((nRed + 8191) / 8192, Math.max(1, 4L * ctx.multiprocessors() / nOut));
            var partials = new CudaStorage(ctx, device, DType.INT64, nOut * parts * 2);
            try {
                kernels.get("reduce_partial").launch((int) Math.min((long) nOut * parts, 65535L * 16), 1, 1, THREADS, 0,
                        kind, f, kept.segment(), nOut, red.segment(), (int) nRed, parts, partials.pointer(), xp, xdt);
                launch("reduce_finish", nOut, kind, f, nOut, parts, partials.pointer(), op, odt);
            } finally {
                partials.release();
            }
        } else if (nRed >= BLOCK_REDUCE_MIN) {
            kernels.get("reduce_block").launch(Math.min(nOut, 65535 * 16), 1, 1, THREADS, 0,
                    kind, f, kept.segment(), nOut, red.segment(), (int) nRed, op, odt, xp, xdt);
        } else {
            launch("reduce_thread", nOut, kind, f, kept.segment(), nOut, red.segment(), (int) nRed, op, odt, xp, xdt);
        }
    }

    /** Shape and strides of x without {@code axis} (for per-line kernels); rank 0 counts as one line. */
    private static int[][] without(Layout l, int axis) {
        int r = l.rank();
        if (r == 0) return new int[][] {new int[0], new int[0]};
        int[] s = new int[r - 1], st = new int[r - 1];
        for (int d = 0, i = 0; d < r; d++) {
            if (d == axis) continue;
            s[i] = l.shape()[d];
            st[i++] = l.strides()[d];
        }
        return new int[][] {s, st};
    }

    private static int axisLen(Layout l, int axis) {
        return l.rank() == 0 ? 1 : l.shape()[axis];
    }

    private static int axisStride(Layout l, int axis) {
        return l.rank() == 0 ? 0 : l.strides()[axis];
    }

    private void argReduce(Op.ArgReduce r, Tensor values, Tensor indices, Tensor x) {
        int nOut = (int) values.numel();
        if (nOut == 0) return;
        int[][] k = without(x.layout(), r.axis());
        Geo kept = Geo.merged(r.name(), k[0], k[1]);
        kernels.get("arg_reduce").launch(Math.min(nOut, 65535 * 16), 1, 1, THREADS, 0, r.max() ? 1 : 0,
                kept.segment(), nOut, axisLen(x.layout(), r.axis()), axisStride(x.layout(), r.axis()),
                ptr(values), ptr(indices), ptr(x), code(x.dtype()));
    }

    private void cumulative(Op.Cumulative c, Tensor out, Tensor x) {
        int n = (int) out.numel();
        if (n == 0) return;
        int len = axisLen(x.layout(), c.axis());
        int[][] xs = without(x.layout(), c.axis()), os = without(out.layout(), c.axis());
        Geo lines = Geo.merged(c.name(), xs[0], os[1], xs[1]);
        int nLines = n / len;
        launch("cumulative", nLines, c.product() ? 1 : 0, lines.segment(), nLines, len,
                axisStride(x.layout(), c.axis()), axisStride(out.layout(), c.axis()), ptr(out), code(out.dtype()),
                ptr(x), code(x.dtype()));
    }

    /** Log-softmax of the rows into logp, then the loss picked per row (targets checked by the caller). */
    private void crossEntropyRows(Op.CrossEntropyRows op, Tensor loss, Tensor logp, Tensor x, Tensor t) {
        softmax(new Op.Softmax(1, true), logp, x);
        int n = loss.layout().shape()[0], c = logp.layout().shape()[1];
        if (n == 0) return;
        String kernel = x.dtype() == DType.FLOAT32 ? "ce_pick_f32" : "ce_pick_f64";
        launch(kernel, n, op.ignoreIndex(), n, c, ptr(loss), ptr(logp), ptr(t));
    }

    private void crossEntropyRowsGrad(Op.CrossEntropyRowsGrad op, Tensor dx, Tensor g, Tensor logp, Tensor t) {
        int total = (int) dx.numel(), c = logp.layout().shape()[1];
        if (total == 0) return;
        String kernel = logp.dtype() == DType.FLOAT32 ? "ce_grad_f32" : "ce_grad_f64";
        launch(kernel, total, op.ignoreIndex(), total, c, ptr(dx), ptr(g), ptr(logp), ptr(t));
    }

    private void softmax(Op.Softmax s, Tensor out, Tensor x) {
        int n = (int) out.numel();
        if (n == 0) return;
        DType dt = x.dtype();
        if (dt != DType.FLOAT32 && dt != DType.FLOAT64) {
            throw new IllegalArgumentException(s.name() + ": expected a float32 or float64 tensor on " + device + ", got " + dt);
        }
        int len = axisLen(x.layout(), s.axis());
        int[][] xs = without(x.layout(), s.axis()), os = without(out.layout(), s.axis());
        Geo rows = Geo.merged(s.name(), xs[0], os[1], xs[1]);
        int nRows = n / len;
        boolean contiguousRows = axisStride(x.layout(), s.axis()) == 1 && axisStride(out.layout(), s.axis()) == 1
                && (nRows == 1 || rows.rank == 1 && rows.stride(0, 0) == len && rows.stride(1, 0) == len);
        if (dt == DType.FLOAT32 && contiguousRows && len <= 32 && SOFTMAX_IN_REGISTERS) {
            // short rows: a group of g lanes per row inside 256-thread blocks
            int g = len <= 1 ? 1 : Integer.highestOneBit(len - 1) << 1, groups = 256 / g;
            int blocks = (int) Math.min(maxBlocks, (nRows + (long) groups - 1) / groups);
            kernels.get("softmax_small_f32_" + g).launch(blocks, 1, 1, 256, 0, s.log() ? 1 : 0, nRows, len, ptr(out), ptr(x));
            return;
        }
        if (dt == DType.FLOAT32 && contiguousRows && len <= 16384 && SOFTMAX_IN_REGISTERS && len % 4 == 0
                && (ptr(x) & 15) == 0 && (ptr(out) & 15) == 0) {
            // float4 rows in registers, 16 values per thread: up to three 512-thread blocks per SM,
            // so one block's reductions overlap another's loads.
            int threads = Math.min(512, Math.max(32, (len / 16 + 31) / 32 * 32));
            int per = (len + threads - 1) / threads;
            int ilp = Math.max(4, per <= 1 ? 1 : Integer.highestOneBit(per - 1) << 1);
            kernels.get("softmax_rows4_f32_" + ilp).launch(Math.min(nRows, maxBlocks), 1, 1, threads, 0,
                    s.log() ? 1 : 0, nRows, len, ptr(out), ptr(x));
            return;
        }
        if (dt == DType.FLOAT32 && contiguousRows && len <= 16384 && SOFTMAX_IN_REGISTERS) {
            // Rows in registers, at most 8 values per thread below 8K (16 above): enough threads per
            // SM to hide the loads, few enough registers for two 1024-thread blocks per SM.
            int threads = Math.min(1024, Math.max(32, (len / 8 + 31) / 32 * 32));
            int per = (len + threads - 1) / threads;
            int ilp = per <= 1 ? 1 : Integer.highestOneBit(per - 1) << 1;
            kernels.get("softmax_rows_f32_" + ilp).launch(Math.min(nRows, maxBlocks), 1, 1, threads, 0,
                    s.log() ? 1 : 0, nRows, len, ptr(out), ptr(x));
            return;
        }
        int es = dt.byteSize();
        boolean staged = (32L + len) * es <= SHARED_LIMIT;
        int shared = staged ? (32 + len) * es : 32 * es;
        int threads = len >= 4096 ? 1024 : len >= 1024 ? 512 : len >= 256 ? 256 : len > 64 ? 128 : 32;
        kernels.get(dt == DType.FLOAT32 ? "softmax_f32" : "softmax_f64").launch(Math.min(nRows, maxBlocks), 1, 1,
                threads, shared, s.log() ? 1 : 0, rows.segment(), nRows, len, axisStride(x.layout(), s.axis()),
                axisStride(out.layout(), s.axis()), ptr(out), ptr(x), staged ? 1 : 0);
    }

    /** Contiguous operands (the front end makes them so): rows are [outer, len, inner] lines. */
    private void softmaxGrad(Op.SoftmaxGrad s, Tensor out, Tensor g, Tensor y) {
        int n = (int) out.numel();
        if (n == 0) return;
        int[] shape = y.shape();
        int axis = shape.length == 0 ? 0 : s.axis();
        int len = shape.length == 0 ? 1 : shape[axis], inner = 1;
        for (int d = axis + 1; d < shape.length; d++) inner *= shape[d];
        int nRows = n / len;
        String name = y.dtype() == DType.FLOAT32 ? "softmax_grad_f32" : "softmax_grad_f64";
        kernels.get(name).launch(Math.min(nRows, maxBlocks), 1, 1, rowThreads(len), 0, s.log() ? 1 : 0, nRows, len, inner,
                ptr(out), ptr(g), ptr(y));
    }

    // ------------------------------------------------------------------ indexing

    private static int[] withAxisOne(int[] shape, int axis) {
        int[] s = shape.clone();
        s[axis] = 1;
        return s;
    }

    private static int[] orOne(int[] a) {
        return a.length == 0 ? new int[] {1} : a;
    }

    private static int[] orZero(int[] a) {
        return a.length == 0 ? new int[] {0} : a;
    }

    private void gather(Op.Gather op, Tensor out, Tensor x, Tensor index) {
        int n = (int) out.numel();
        if (n == 0) return;
        Layout xl = x.layout(), il = index.layout(), ol = out.layout();
        int axis = xl.rank() == 0 ? 0 : op.axis();
        Geo g = Geo.exact(op.name(), orOne(il.shape()), orZero(ol.strides()), orZero(il.strides()), orZero(xl.strides()));
        int axisLen = axisLen(xl, op.axis());
        launch("gather_gen", n, x.dtype().byteSize(), axis, axisLen, axisStride(xl, op.axis()), g.segment(), n,
                ptr(out), ptr(index), ptr(x), errorSlot.pointer());
        checkErrors(op.name(), op.axis(), axisLen);
    }

    private void scatter(Op.Scatter op, Tensor out, Tensor x, Tensor index, Tensor src) {
        if (out.numel() == 0) return;
        copy(out, x);
        int m = (int) index.numel();
        if (m == 0) return;
        Layout ol = out.layout(), il = index.layout(), sl = src.layout();
        int axis = ol.rank() == 0 ? 0 : op.axis();
        int idxLen = axisLen(il, op.axis());
        int[] lineShape = il.rank() == 0 ? new int[] {1} : withAxisOne(il.shape(), axis);
        Geo lines = Geo.exact(op.name(), lineShape, orZero(ol.strides()), orZero(il.strides()), orZero(sl.strides()));
        int nLines = m / idxLen;
        int axisLen = axisLen(ol, op.axis());
        launch("scatter_gen", nLines, op.add() ? 1 : 0, axis, axisLen, axisStride(ol, op.axis()),
                axisStride(il, op.axis()), axisStride(sl, op.axis()), idxLen, lines.segment(), nLines, ptr(out),
                code(out.dtype()), ptr(index), ptr(src), errorSlot.pointer());
        checkErrors(op.name(), op.axis(), axisLen);
    }

    private void indexSelect(Op.IndexSelect op, Tensor out, Tensor x, Tensor index) {
        int n = (int) out.numel();
        if (n == 0) return;
        Layout xl = x.layout(), ol = out.layout();
        int axis = xl.rank() == 0 ? 0 : op.axis();
        Geo g = Geo.exact(op.name(), orOne(ol.shape()), orZero(ol.strides()), orZero(xl.strides()));
        int axisLen = axisLen(xl, op.axis());
        int idxStride = index.layout().rank() == 0 ? 0 : index.layout().strides()[0];
        launch("index_select_gen", n, x.dtype().byteSize(), axis, axisLen, axisStride(xl, op.axis()), idxStride,
                g.segment(), n, ptr(out), ptr(index), ptr(x), errorSlot.pointer());
        checkErrors(op.name(), op.axis(), axisLen);
    }

    private void nonZero(Tensor out, Tensor x) {
        int n = (int) x.numel();
        int rank = x.layout().rank();
        if (n == 0 || out.numel() == 0 || rank == 0) return;
        Geo g = Geo.exact("nonzero", x.layout().shape(), x.layout().strides());
        int blocks = (n + 1023) / 1024;
        var counts = new CudaStorage(ctx, device, DType.INT64, blocks);
        try {
            kernels.get("nonzero_count").launch(blocks, 1, 1, 1024, 0, g.segment(), n, ptr(x), code(x.dtype()),
                    counts.pointer());
            long[] c = (long[]) toHost(counts, 0, blocks);
            long run = 0;
            for (int b = 0; b < blocks; b++) {
                long v = c[b];
                c[b] = run;
                run += v;
            }
            var starts = (CudaStorage) fromHost(DType.INT64, c);
            try {
                kernels.get("nonzero_write").launch(blocks, 1, 1, 1024, 0, g.segment(), n, ptr(x), code(x.dtype()),
                        starts.pointer(), ptr(out));
            } finally {
                starts.release();
            }
        } finally {
            counts.release();
        }
    }

    /** Sort ({@code k < 0}: the whole axis) or top-k along an axis, stably, NaN largest. */
    private void sort(String name, Tensor values, Tensor indices, Tensor x, int axis, boolean desc, int k) {
        Layout xl = x.layout();
        int len = axisLen(xl, axis);
        if (k < 0) k = len;
        if (x.numel() == 0 || k == 0) return;
        int[][] xs = without(xl, axis), vs = without(values.layout(), axis), is = without(indices.layout(), axis);
        Geo rows = Geo.merged(name, xs[0], xs[1], vs[1], is[1]);
        int nRows = (int) (x.numel() / len);
        int xst = axisStride(xl, axis), vst = axisStride(values.layout(), axis), ist = axisStride(indices.layout(), axis);
        if (len <= SMALL_SORT) {
            int pow2 = Integer.highestOneBit(Math.max(1, len - 1)) << 1;
            if (len == 1) pow2 = 1;
            int threads = Math.max(32, Math.min(1024, pow2 / 2));
            kernels.get("sort_rows_small").launch(Math.min(nRows, maxBlocks), 1, 1, threads, pow2 * 20, desc ? 1 : 0,
                    rows.segment(), nRows, len, pow2, xst, vst, ist, k, ptr(values), ptr(indices), ptr(x),
                    code(x.dtype()));
        } else {
            var scratch = new CudaStorage(ctx, device, DType.INT32, Math.multiplyExact(Math.multiplyExact(nRows, 2), len));
            try {
                launch("sort_rows_large", nRows, desc ? 1 : 0, rows.segment(), nRows, len, xst, vst, ist, k,
                        ptr(values), ptr(indices), ptr(x), code(x.dtype()), scratch.pointer());
            } finally {
                scratch.release();
            }
        }
    }

    private void uniform(long seed, Tensor out) {
        int n = (int) out.numel();
        if (n == 0) return;
        if (out.dtype() != DType.FLOAT32 && out.dtype() != DType.FLOAT64) {
            throw new IllegalArgumentException("rand: expected a float32 or float64 output, got " + out.dtype());
        }
        launch("uniform_fill", n, seed, n, ptr(out), code(out.dtype()));
    }

    private void dropout(Op.Dropout op, Tensor out, Tensor x) {
        int n = (int) out.numel();
        if (n == 0) return;
        long threshold = op.threshold(out.dtype());
        switch (out.dtype()) {
            case FLOAT32 -> launch("dropout_f32", n, op.seed(), threshold, (float) op.scale(), n, ptr(out), ptr(x));
            case FLOAT64 -> launch("dropout_f64", n, op.seed(), threshold, op.scale(), n, ptr(out), ptr(x));
            default -> throw new IllegalArgumentException("dropout: expected a float32 or float64 input, got " + out.dtype());
        }
    }

    /** One block per row: as many threads as a row has elements, in whole warps, 32 to 256. */
    private static int rowThreads(int n) {
        return Math.min(256, Math.max(32, (n + 31) / 32 * 32));
    }

    private void layerNorm(Op.LayerNorm op, Tensor[] out, Tensor[] in) {
        int rows = (int) out[1].numel(), n = (int) in[1].numel();
        if (rows == 0) return;
        boolean f32 = out[0].dtype() == DType.FLOAT32;
        Object eps = f32 ? (Object) (float) op.eps() : (Object) op.eps();
        kernels.get(f32 ? "layer_norm_f32" : "layer_norm_f64").launch(Math.min(rows, maxBlocks), 1, 1, rowThreads(n), 0,
                eps, rows, n, ptr(out[0]), ptr(out[1]), ptr(out[2]), ptr(in[0]), ptr(in[1]), ptr(in[2]));
    }

    /** Out: dx, dw, db. In: g, x, w, mean, rstd. */
    private void layerNormGrad(Tensor[] out, Tensor[] in) {
        int rows = (int) in[3].numel(), n = (int) in[2].numel();
        String t = out[0].dtype() == DType.FLOAT32 ? "f32" : "f64";
        if (rows > 0) {
            kernels.get("layer_norm_grad_" + t).launch(Math.min(rows, maxBlocks), 1, 1, rowThreads(n), 0, rows, n,
                    ptr(out[0]), ptr(in[0]), ptr(in[1]), ptr(in[2]), ptr(in[3]), ptr(in[4]));
        }
        launch("layer_norm_weight_grad_" + t, n, rows, n, ptr(out[1]), ptr(out[2]), ptr(in[0]), ptr(in[1]), ptr(in[3]),
                ptr(in[4]));
    }

    // ------------------------------------------------------------------ optimizers

    private void adam(Op.AdamStep op, Tensor[] out, Tensor grad) {
        int n = (int) grad.numel();
        if (n == 0) return;
        double bc1 = 1 - Math.pow(op.beta1(), op.step());
        double bc2Sqrt = Math.sqrt(1 - Math.pow(op.beta2(), op.step()));
        double stepSize = op.lr() / bc1;
        double decay = op.decoupled() ? 1 - op.lr() * op.weightDecay() : 1;
        double l2 = op.decoupled() ? 0 : op.weightDecay();
        double sign = op.maximize() ? -1 : 1;
        long vmax = op.amsgrad() ? ptr(out[3]) : 0L;
        if (grad.dtype() == DType.FLOAT64) {
            launch("adam_f64", n, n, ptr(out[0]), ptr(out[1]), ptr(out[2]), vmax, ptr(grad), op.beta1(), op.beta2(),
                    op.eps(), sign, l2, decay, stepSize, bc2Sqrt);
        } else {
            launch("adam_f32", n, n, ptr(out[0]), ptr(out[1]), ptr(out[2]), vmax, ptr(grad), (float) op.beta1(),
                    (float) op.beta2(), (float) op.eps(), (float) sign, (float) l2, (float) decay, (float) stepSize,
                    (float) bc2Sqrt);
        }
    }

    private void sgd(Op.SgdStep op, Tensor[] out, Tensor grad) {
        int n = (int) grad.numel();
        if (n == 0) return;
        boolean momentum = op.momentum() != 0;
        long buf = momentum ? ptr(out[1]) : 0L;
        double sign = op.maximize() ? -1 : 1;
        if (grad.dtype() == DType.FLOAT64) {
            launch("sgd_f64", n, n, ptr(out[0]), buf, ptr(grad), op.lr(), op.momentum(), op.dampening(),
                    op.weightDecay(), sign, op.firstStep() ? 1 : 0, op.nesterov() ? 1 : 0);
        } else {
            launch("sgd_f32", n, n, ptr(out[0]), buf, ptr(grad), (float) op.lr(), (float) op.momentum(),
                    (float) (1 - op.dampening()), (float) op.weightDecay(), (float) sign, op.firstStep() ? 1 : 0,
                    op.nesterov() ? 1 : 0);
        }
    }

    // ------------------------------------------------------------------ host arrays

    /** True when float32 products may use TF32 (see {@link Kona#setFloat32MatmulPrecision}). */
    static boolean tf32() {
        return Kona.float32MatmulPrecision().equals("high");
    }
}
