package dev.kona.backend.cpu;

import dev.kona.DType;
import dev.kona.Device;
import dev.kona.Tensor;
import dev.kona.backend.Backend;
import dev.kona.backend.HostArrays;
import dev.kona.backend.Layout;
import dev.kona.backend.Storage;
import dev.kona.ops.Op;

/** The pure-Java CPU backend: heap-array storage, Vector API kernels, a fork-join thread pool. */
public final class CpuBackend implements Backend {
    public static final CpuBackend INSTANCE = new CpuBackend();

    private CpuBackend() {}

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public Storage allocate(DType dtype, int length, boolean zeroed) {
        Object reused = BufferPool.take(dtype, length);
        if (reused == null) return new CpuStorage(dtype, HostArrays.allocate(dtype, length));
        if (zeroed) BufferPool.zero(reused);
        return new CpuStorage(dtype, reused);
    }

    @Override
    public Storage fromHost(DType dtype, Object hostArray) {
        Class<?> expected = HostArrays.type(dtype);
        if (hostArray.getClass() != expected) {
            throw new IllegalArgumentException("fromHost: a " + dtype + " buffer needs a "
                    + expected.getSimpleName() + ", got " + hostArray.getClass().getSimpleName());
        }
        int n = java.lang.reflect.Array.getLength(hostArray);
        Object copy = HostArrays.allocate(dtype, n);
        System.arraycopy(hostArray, 0, copy, 0, n);
        return new CpuStorage(dtype, copy);
    }

    @Override
    public Storage adoptHost(DType dtype, Object hostArray) {
        if (hostArray.getClass() != HostArrays.type(dtype)) return fromHost(dtype, hostArray);
        return new CpuStorage(dtype, hostArray);
    }

    @Override
    public Object toHost(Storage storage, int offset, int length) {
        var s = (CpuStorage) storage;
        Object out = HostArrays.allocate(s.dtype(), length);
        System.arraycopy(s.array(), offset, out, 0, length);
        return out;
    }

    @Override
    public void execute(Op op, Tensor[] out, Tensor[] in) {
        switch (op) {
            case Op.Unary u -> ElementwiseCpu.unary(u, out[0], in[0]);
            case Op.Binary b -> ElementwiseCpu.binary(b, out[0], in[0], in[1]);
            case Op.Where w -> ElementwiseCpu.where(out[0], in[0], in[1], in[2]);
            case Op.Copy c -> ElementwiseCpu.copy(out[0], in[0]);
            case Op.Fill f -> ElementwiseCpu.fill(out[0], f.value());
            case Op.Reduce r -> ReduceCpu.reduce(r, out[0], in[0]);
            case Op.ArgReduce r -> ReduceCpu.argReduce(r, out[0], out[1], in[0]);
            case Op.Cumulative c -> ReduceCpu.cumulative(c, out[0], in[0]);
            case Op.Softmax s -> SoftmaxCpu.softmax(s, out[0], in[0]);
            case Op.SoftmaxGrad s -> SoftmaxCpu.grad(s, out[0], in[0], in[1]);
            case Op.CrossEntropyRows ce -> CrossEntropyCpu.forward(ce, out[0], out[1], in[0], in[1]);
            case Op.CrossEntropyRowsGrad ce -> CrossEntropyCpu.grad(ce, out[0], in[0], in[1], in[2]);
            case Op.MatMul m -> matmul(out[0], in[0], in[1]);
            case Op.Gather g -> IndexCpu.gather(g, out[0], in[0], in[1]);
            case Op.Scatter s -> IndexCpu.scatter(s, out[0], in[0], in[1], in[2]);
            case Op.IndexSelect s -> IndexCpu.indexSelect(s, out[0], in[0], in[1]);
            case Op.NonZero n -> IndexCpu.nonZero(out[0], in[0]);
            case Op.CountNonZero c -> ((CpuStorage) out[0].storage()).i64()[out[0].layout().offset()] = IndexCpu.countNonZero(in[0]);
            case Op.Sort s -> IndexCpu.sortRows(out[0], out[1], in[0], s.axis(), s.descending(), sortLen(in[0], s.axis()));
            case Op.TopK t -> IndexCpu.sortRows(out[0], out[1], in[0], t.axis(), t.largest(), t.k());
            case Op.AdamStep a -> OptimizerCpu.adam(a, out, in[0]);
            case Op.SgdStep sg -> OptimizerCpu.sgd(sg, out, in[0]);
            case Op.RandomUniform r -> RandomCpu.uniform(r.seed(), out[0]);
            case Op.Dropout d -> RandomCpu.dropout(d, out[0], in[0]);
            case Op.LayerNorm l -> LayerNormCpu.forward(l, out[0], out[1], out[2], in[0], in[1], in[2]);
            case Op.LayerNormGrad l -> LayerNormCpu.backward(out[0], out[1], out[2], in[0], in[1], in[2], in[3], in[4]);
            case Op.Im2Col c -> ConvCpu.im2col(c, out[0], in[0]);
            case Op.Col2Im c -> ConvCpu.col2im(c, out[0], in[0]);
            case Op.Conv3x3 c -> WinogradCpu.run(c, out[0], in[0], in[1]);
            case Op.MaxPool m -> ConvCpu.maxPool(m, out[0], out[1], in[0]);
            case Op.MaxPoolGrad m -> ConvCpu.maxPoolGrad(m, out[0], in[0], in[1]);
            case Op.LstmCell l -> LstmCpu.run(l, out, in);
        }
    }

    @Override
    public Hold holdRightOperand(Tensor matrix) {
        return HeldOperands.hold(matrix);
    }

    private static int sortLen(Tensor x, int axis) {
        return x.layout().rank() == 0 ? 1 : x.layout().shape()[axis];
    }

    /** Batched GEMM: one call of the packed kernel per batch entry, batches in parallel when small. */
    private static void matmul(Tensor out, Tensor a, Tensor b) {
        Layout al = a.layout(), bl = b.layout(), ol = out.layout();
        int r = ol.rank();
        int m = ol.shape()[r - 2], n = ol.shape()[r - 1], k = al.shape()[r - 1];
        int batch = 1;
        for (int d = 0; d < r - 2; d++) batch *= ol.shape()[d];
        int[] aBase = batchBases(al, r, batch), bBase = batchBases(bl, r, batch);
        int aRs = al.strides()[r - 2], aCs = al.strides()[r - 1];
        int bRs = bl.strides()[r - 2], bCs = bl.strides()[r - 1];
        int ldc = n;
        int mn = m * n;
        boolean f32 = out.dtype() == DType.FLOAT32;
        Object ao = ((CpuStorage) a.storage()).array(), bo = ((CpuStorage) b.storage()).array();
        Object oo = ((CpuStorage) out.storage()).array();
        long flops = 2L * m * n * k;
        Sgemm.PackedB packed = f32 && batch == 1 ? HeldOperands.find((float[]) bo, bBase[0], bRs, bCs, k, n) : null;
        Parallel.RangeBody body = (s, e) -> {
            for (int i = s; i < e; i++) {
                if (f32) {
                    Sgemm.sgemm(m, n, k, (float[]) ao, aBase[i], aRs, aCs, (float[]) bo, bBase[i], bRs, bCs, packed,
                            (float[]) oo, ol.offset() + i * mn, ldc, false);
                } else {
                    Dgemm.dgemm(m, n, k, (double[]) ao, aBase[i], aRs, aCs, (double[]) bo, bBase[i], bRs, bCs,
                            (double[]) oo, ol.offset() + i * mn, ldc, false);
                }
            }
        };
        if (batch > 1 && flops < (4L << 20)) {
            Parallel.forRange(batch, (int) Math.max(1, (4L << 20) / Math.max(1, flops)), body);
        } else {
            body.run(0, batch);
        }
    }

    private static int[] batchBases(Layout l, int rank, int batch) {
        int[] base = new int[batch];
        int[] idx = new int[rank - 2];
        int off = l.offset();
        for (int i = 0; i < batch; i++) {
            base[i] = off;
            for (int d = rank - 3; d >= 0; d--) {
                idx[d]++;
                off += l.strides()[d];
                if (idx[d] < l.shape()[d]) break;
                off -= l.strides()[d] * l.shape()[d];
                idx[d] = 0;
            }
        }
        return base;
    }
}
