package dev.kona.ops;

import dev.kona.DType;
import dev.kona.Shape;
import dev.kona.Tensor;

/**
 * Front end of {@link Op.LstmCell}, the fused pointwise part of an LSTM step. Like the optimizer
 * updates, nothing is recorded for autograd and the outputs never require grad: the recurrent scan
 * calls both passes itself, in its hand-written backward through time.
 */
public final class RecurrentOps {
    private RecurrentOps() {}

    /**
     * One LSTM step after its products: gates {@code [B, 4H]} (pre-activations i, f, g, o) and the
     * previous cell state c {@code [B, H]}. Returns {@code {h', c', act, tanh(c')}}, act holding
     * the four activated gates {@code [B, 4H]}.
     */
    public static Tensor[] lstmCell(Tensor gates, Tensor c) {
        return lstmCell(gates, c, null);
    }

    /**
     * {@link #lstmCell(Tensor, Tensor)} writing h' into {@code h}, a contiguous {@code [B, H]} tensor
     * of the gates' dtype and device that overlaps no input (a row of a recurrent layer's output,
     * say), or into a new tensor when {@code h} is null. Returns {@code {h, c', act, tanh(c')}}.
     */
    public static Tensor[] lstmCell(Tensor gates, Tensor c, Tensor h) {
        String op = "lstmCell";
        DType dt = check(op, gates, c, "gates", 4, "c", 1);
        int[] hs = c.shape();
        var d = Dispatch.deviceOf(op, gates, c);
        Tensor act = Dispatch.uninitialized(d, dt, gates.shape());
        Tensor c2 = Dispatch.uninitialized(d, dt, hs), tc = Dispatch.uninitialized(d, dt, hs);
        h = h == null ? Dispatch.uninitialized(d, dt, hs) : destination(op, "h", h, c);
        if (c.numel() > 0) Dispatch.runInto(new Op.LstmCell(false), new Tensor[] {act, c2, tc, h}, gates.contiguous(), c.contiguous());
        return new Tensor[] {h, c2, act, tc};
    }

    /**
     * The gradients of {@link #lstmCell}: from its act and tanh(c'), the previous cell state c,
     * and the gradients dh and dc reaching h' and c'. Returns {@code {dgates [B, 4H], dc [B, H]}}.
     */
    public static Tensor[] lstmCellBackward(Tensor act, Tensor tanhC, Tensor c, Tensor dh, Tensor dc) {
        return lstmCellBackward(act, tanhC, c, dh, dc, null);
    }

    /**
     * {@link #lstmCellBackward(Tensor, Tensor, Tensor, Tensor, Tensor)} writing dgates into
     * {@code dgates}, a contiguous {@code [B, 4H]} tensor of act's dtype and device that overlaps no
     * input (a step's row of the whole sequence's gradient, say), or into a new tensor when it is null.
     */
    public static Tensor[] lstmCellBackward(Tensor act, Tensor tanhC, Tensor c, Tensor dh, Tensor dc, Tensor dgates) {
        String op = "lstmCellBackward";
        DType dt = check(op, act, c, "act", 4, "c", 1);
        check(op, act, tanhC, "act", 4, "tanhC", 1);
        check(op, act, dh, "act", 4, "dh", 1);
        check(op, act, dc, "act", 4, "dc", 1);
        var d = Dispatch.deviceOf(op, act, tanhC, c, dh, dc);
        dgates = dgates == null ? Dispatch.uninitialized(d, dt, act.shape()) : destination(op, "dgates", dgates, act);
        Tensor dcPrev = Dispatch.uninitialized(d, dt, c.shape());
        if (c.numel() > 0) {
            Dispatch.runInto(new Op.LstmCell(true), new Tensor[] {dgates, dcPrev}, act.contiguous(), tanhC.contiguous(),
                    c.contiguous(), dh.contiguous(), dc.contiguous());
        }
        return new Tensor[] {dgates, dcPrev};
    }

    /** Checks that {@code dst} can take a result shaped like {@code like}; returns it. */
    private static Tensor destination(String op, String name, Tensor dst, Tensor like) {
        if (!dst.isContiguous() || !java.util.Arrays.equals(dst.shape(), like.shape()) || dst.dtype() != like.dtype()
                || !dst.device().equals(like.device())) {
            throw new IllegalArgumentException(op + ": " + name + " must be a contiguous " + like.dtype() + " tensor of shape "
                    + Shape.format(like.shape()) + " on " + like.device() + ", got " + (dst.isContiguous() ? "" : "a non-contiguous ")
                    + dst.dtype() + " " + Shape.format(dst.shape()) + " on " + dst.device());
        }
        return dst;
    }

    /** Checks a {@code [B, wa*H]} and a {@code [B, wb*H]} operand of one float dtype; returns the dtype. */
    private static DType check(String op, Tensor a, Tensor b, String an, int wa, String bn, int wb) {
        if (a.dim() != 2 || b.dim() != 2 || a.size(0) != b.size(0) || a.size(1) % 4 != 0 || a.size(1) / wa * wb != b.size(1)) {
            throw new IllegalArgumentException(op + ": expected " + an + " [B, " + (wa == 1 ? "" : wa + "*") + "H] and " + bn + " [B, "
                    + (wb == 1 ? "" : wb + "*") + "H], got " + Shape.format(a.shape()) + " and " + Shape.format(b.shape()));
        }
        if (a.dtype() != b.dtype() || (a.dtype() != DType.FLOAT32 && a.dtype() != DType.FLOAT64)) {
            throw new IllegalArgumentException(op + ": expected float32 or float64 tensors of one dtype, got " + a.dtype() + " and "
                    + b.dtype());
        }
        return a.dtype();
    }
}
