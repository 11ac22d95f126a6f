package dev.kona.cuda;

import dev.kona.DType;
import dev.kona.Tensor;
import dev.kona.backend.Layout;

/**
 * Batched matrix products through cuBLAS. cuBLAS is column-major: the row-major product
 * {@code C = A B} is computed as {@code C^T = B^T A^T}, and an operand stored row-major or
 * column-major (a transposed view) is passed as it is, with the matching transpose flag. Other
 * layouts, and batch dimensions that are not one uniform stride apart, are copied first.
 */
final class CudaMatMul {
    private CudaMatMul() {}

    /** How one operand reaches cuBLAS: its transpose flag and leading dimension, batch bases. */
    private record Operand(long pointer, boolean transpose, int ld, long batchStride) {}

    static void matmul(CudaBackend be, Tensor out, Tensor a, Tensor b) {
        Layout ol = out.layout();
        int r = ol.rank();
        int m = ol.shape()[r - 2], n = ol.shape()[r - 1], k = a.layout().shape()[r - 1];
        int batch = 1;
        for (int d = 0; d < r - 2; d++) batch *= ol.shape()[d];
        if (out.numel() == 0) return;
        CudaContext ctx = be.ctx();
        DType dt = out.dtype();
        if (dt != DType.FLOAT32 && dt != DType.FLOAT64) {
            throw new IllegalArgumentException("matmul: expected float32 or float64 tensors on cuda, got " + dt);
        }
        if (k == 0) {
            ctx.memsetZero(be.ptr(out), out.numel() * dt.byteSize());
            return;
        }
        Tensor ac = null, bc = null;
        try {
            Operand opA = operand(be, a, m, k, batch);
            if (opA == null) {
                ac = contiguousCopy(be, a);
                opA = operand(be, ac, m, k, batch);
            }
            Operand opB = operand(be, b, k, n, batch);
            if (opB == null) {
                bc = contiguousCopy(be, b);
                opB = operand(be, bc, k, n, batch);
            }
            Cublas blas = ctx.cublas();
            long c = be.ptr(out);
            // C^T (n x m, ld n) = op(B) (n x k) * op(A) (k x m)
            if (dt == DType.FLOAT32) {
                blas.setTf32(CudaBackend.tf32());
                blas.sgemmStridedBatched(opB.transpose(), opA.transpose(), n, m, k, 1f, opB.pointer(), opB.ld(),
                        opB.batchStride(), opA.pointer(), opA.ld(), opA.batchStride(), 0f, c, n, (long) m * n, batch);
            } else {
                blas.dgemmStridedBatched(opB.transpose(), opA.transpose(), n, m, k, 1.0, opB.pointer(), opB.ld(),
                        opB.batchStride(), opA.pointer(), opA.ld(), opA.batchStride(), 0.0, c, n, (long) m * n, batch);
            }
        } finally {
            if (ac != null) ac.storage().release();
            if (bc != null) bc.storage().release();
        }
    }

    /**
     * The cuBLAS view of a logical {@code rows x cols} operand: row-major storage (column stride 1)
     * is the column-major transpose with ld = row stride, no flag; column-major storage (row stride
     * 1) needs the transpose flag with ld = column stride. Null when neither holds or the batch
     * bases are not evenly spaced.
     */
    private static Operand operand(CudaBackend be, Tensor t, int rows, int cols, int batch) {
        Layout l = t.layout();
        int rank = l.rank();
        int rs = l.strides()[rank - 2], cs = l.strides()[rank - 1];
        if (cols == 1) cs = 1;
        if (rows == 1) rs = Math.max(cols, 1);
        boolean transpose;
        int ld;
        if (cs == 1 && rs >= Math.max(1, cols)) {
            transpose = false;
            ld = rs;
        } else if (rs == 1 && cs >= Math.max(1, rows)) {
            transpose = true;
            ld = cs;
        } else {
            return null;
        }
        long[] bases = batchBases(l, batch);
        long step = batch > 1 ? bases[1] - bases[0] : 0;
        for (int i = 2; i < batch; i++) {
            if (bases[i] - bases[i - 1] != step) return null;
        }
        if (step < 0) return null;
        int es = t.dtype().byteSize();
        long base = ((CudaStorage) t.storage()).pointer() + bases[0] * es;
        return new Operand(base, transpose, ld, step);
    }

    private static long[] batchBases(Layout l, int batch) {
        int rank = l.rank();
        long[] base = new long[batch];
        int[] idx = new int[Math.max(0, rank - 2)];
        long off = l.offset();
        for (int i = 0; i < batch; i++) {
            base[i] = off;
            for (int d = rank - 3; d >= 0; d--) {
                idx[d]++;
                off += l.strides()[d];
                if (idx[d] < l.shape()[d]) break;
                off -= (long) l.strides()[d] * l.shape()[d];
                idx[d] = 0;
            }
        }
        return base;
    }

    private static Tensor contiguousCopy(CudaBackend be, Tensor t) {
        var storage = be.allocate(t.dtype(), (int) t.numel(), false);
        Tensor c = Tensor.fromStorage(storage, Layout.contiguous(t.layout().shape()));
        be.execute(new dev.kona.ops.Op.Copy(), new Tensor[] {c}, new Tensor[] {t});
        return c;
    }
}
