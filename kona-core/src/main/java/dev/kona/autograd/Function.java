package dev.kona.autograd;

import dev.kona.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A differentiable operation written by the user, as PyTorch's {@code torch.autograd.Function}:
 * {@link #forward} computes the output (not recorded) and saves what backward needs in the
 * {@link Context}; {@link #backward} returns one gradient per input.
 *
 * <pre>{@code
 * Function cube = new Function() {
 *     protected Tensor forward(Context ctx, Tensor... in) {
 *         ctx.saveForBackward(in[0]);
 *         return in[0].pow(3);
 *     }
 *     protected Tensor[] backward(Context ctx, Tensor grad) {
 *         Tensor x = ctx.saved(0);
 *         return new Tensor[] {grad.mul(x.square().mul(3.0))};
 *     }
 * };
 * Tensor y = cube.apply(x);     // y.backward() reaches x through the backward above
 * }</pre>
 *
 * <p>Backward runs with recording on when the outer backward was asked to create a graph, so a
 * backward written in Kona's ops gives second derivatives too.
 */
public abstract class Function {

    /** What forward leaves for backward. */
    public static final class Context {
        private final List<Tensor> saved = new ArrayList<>();
        private final boolean[] needsInputGrad;

        Context(boolean[] needsInputGrad) {
            this.needsInputGrad = needsInputGrad;
        }

        /** Keeps tensors for backward (inputs or outputs of forward). */
        public void saveForBackward(Tensor... tensors) {
            for (Tensor t : tensors) saved.add(t);
        }

        /** The i-th tensor given to {@link #saveForBackward}. */
        public Tensor saved(int i) {
            if (i < 0 || i >= saved.size()) {
                throw new IndexOutOfBoundsException("Function.Context.saved: index " + i + " but " + saved.size()
                        + " tensors were saved");
            }
            return saved.get(i);
        }

        /** Whether input {@code i} requires a gradient (backward may skip the others). */
        public boolean needsInputGrad(int i) {
            return needsInputGrad[i];
        }
    }

    /** Computes the output from the inputs; runs without recording. */
    protected abstract Tensor forward(Context ctx, Tensor... inputs);

    /** One gradient per input of forward (null for inputs that get none), from the output's gradient. */
    protected abstract Tensor[] backward(Context ctx, Tensor gradOutput);

    /** A name for error messages and anomaly mode; the class's simple name by default. */
    protected String name() {
        String n = getClass().getSimpleName();
        return n.isEmpty() ? "Function" : n;
    }

    /** Runs forward and, when an input requires grad, records backward in the graph. */
    public final Tensor apply(Tensor... inputs) {
        boolean[] needs = new boolean[inputs.length];
        for (int i = 0; i < inputs.length; i++) needs[i] = inputs[i].requiresGrad();
        var ctx = new Context(needs);
        Tensor out;
        try (var noGrad = GradMode.noGrad()) {
            out = forward(ctx, inputs);
        }
        if (!Autograd.needsRecord(inputs)) return out;
        // A fresh view, so that recording never replaces the graph of a tensor forward returned as is.
        Tensor result = out.detach();
        return Autograd.record(name(), (g, in, o) -> {
            Tensor[] grads = backward(ctx, g);
            if (grads == null || grads.length != inputs.length) {
                throw new IllegalStateException(name() + ".backward: returned " + (grads == null ? "null" : grads.length
                        + " gradients") + ", expected " + inputs.length + " (one per input, null for none)");
            }
            for (int i = 0; i < grads.length; i++) {
                if (grads[i] != null && !java.util.Arrays.equals(grads[i].shape(), inputs[i].shape())) {
                    throw new IllegalStateException(name() + ".backward: gradient " + i + " has shape "
                            + java.util.Arrays.toString(grads[i].shape()) + ", input " + i + " has shape "
                            + java.util.Arrays.toString(inputs[i].shape()));
                }
            }
            return grads;
        }, inputs, result);
    }
}
