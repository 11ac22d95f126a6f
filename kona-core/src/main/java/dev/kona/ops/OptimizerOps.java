package dev.kona.ops;

import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.autograd.GradMode;

/**
 * Front end of the fused optimizer updates ({@link Op.AdamStep}, {@link Op.SgdStep}): checks that
 * parameter, gradient and state agree and are contiguous, then updates them in place.
 */
public final class OptimizerOps {
    private OptimizerOps() {}

    private static void check(String op, Tensor param, Tensor grad, Tensor... state) {
        if (!param.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": parameters must be floating point, got " + param.dtype());
        }
        for (Tensor t : concat(grad, state)) {
            if (t == null) continue;
            if (t.device() != param.device() && !t.device().equals(param.device())) {
                throw new IllegalArgumentException(op + ": expected all tensors on one device, found " + param.device()
                        + " and " + t.device() + "; create optimizers after moving the model with module.to(device)");
            }
            if (!java.util.Arrays.equals(t.shape(), param.shape()) || t.dtype() != param.dtype()) {
                throw new IllegalArgumentException(op + ": tensor of shape " + Shape.format(t.shape()) + " (" + t.dtype()
                        + ") does not match the parameter's " + Shape.format(param.shape()) + " (" + param.dtype() + ")");
            }
        }
        for (Tensor t : concat(param, state)) {
            if (t != null && !t.isContiguous()) {
                throw new IllegalArgumentException(op + ": parameter and state must be contiguous (shape "
                        + Shape.format(t.shape()) + ", strides " + java.util.Arrays.toString(t.stride()) + ")");
            }
        }
    }

    private static Tensor[] concat(Tensor first, Tensor[] rest) {
        Tensor[] all = new Tensor[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    /** One Adam (or AdamW when {@code op.decoupled()}) update of {@code param}, in place. */
    public static void adamStep(Op.AdamStep op, Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq) {
        check(op.name(), param, grad, expAvg, expAvgSq, maxExpAvgSq);
        if (op.amsgrad() && maxExpAvgSq == null) throw new IllegalArgumentException(op.name() + ": amsgrad needs maxExpAvgSq");
        Tensor g = grad.contiguous();
        Tensor[] outs = op.amsgrad() ? new Tensor[] {param, expAvg, expAvgSq, maxExpAvgSq} : new Tensor[] {param, expAvg, expAvgSq};
        try (var mode = GradMode.noGrad()) {
            if (param.numel() > 0) Dispatch.runInto(op, outs, g);
        }
    }

    /** One SGD update of {@code param} (and its momentum buffer, when momentum is used), in place. */
    public static void sgdStep(Op.SgdStep op, Tensor param, Tensor grad, Tensor momentumBuffer) {
        check(op.name(), param, grad, momentumBuffer);
        if (op.momentum() != 0 && momentumBuffer == null) throw new IllegalArgumentException("sgd: momentum needs a buffer");
        Tensor g = grad.contiguous();
        Tensor[] outs = op.momentum() != 0 ? new Tensor[] {param, momentumBuffer} : new Tensor[] {param};
        try (var mode = GradMode.noGrad()) {
            if (param.numel() > 0) Dispatch.runInto(op, outs, g);
        }
    }
}
