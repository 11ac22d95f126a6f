package dev.kona.optim;

import dev.kona.Tensor;
import dev.kona.autograd.TensorAccess;
import dev.kona.ops.Op;
import dev.kona.ops.OptimizerOps;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and (L2)
 * weight decay: PyTorch's {@code torch.optim.SGD}. With {@code g} the gradient ({@code -g} when
 * maximizing), {@code mu} the momentum, {@code tau} the dampening and {@code lambda} the decay:
 * <pre>
 *   g = g + lambda * p
 *   b = (first step) ? g : mu * b + (1 - tau) * g      (when mu != 0)
 *   g = nesterov ? g + mu * b : b
 *   p = p - lr * g
 * </pre>
 *
 * <pre>{@code
 * var opt = new SGD(params, SGD.options().lr(0.1).momentum(0.9).nesterov(true).weightDecay(5e-4));
 * }</pre>
 */
public final class SGD extends Optimizer {

    /** SGD's hyper-parameters; the component names are the keys of a {@link ParamGroup}. */
    public record Options(double lr, double momentum, double dampening, double weightDecay, boolean nesterov,
                          boolean maximize) {
        /** PyTorch's defaults: lr 1e-3, no momentum, no decay. */
        public static final Options DEFAULTS = new Options(1e-3, 0, 0, 0, false, false);

        public Options lr(double v) { return new Options(v, momentum, dampening, weightDecay, nesterov, maximize); }
        public Options momentum(double v) { return new Options(lr, v, dampening, weightDecay, nesterov, maximize); }
        public Options dampening(double v) { return new Options(lr, momentum, v, weightDecay, nesterov, maximize); }
        public Options weightDecay(double v) { return new Options(lr, momentum, dampening, v, nesterov, maximize); }
        public Options nesterov(boolean v) { return new Options(lr, momentum, dampening, weightDecay, v, maximize); }
        /** Ascend the objective instead of descending it. */
        public Options maximize(boolean v) { return new Options(lr, momentum, dampening, weightDecay, nesterov, v); }

        Map<String, Object> toMap() {
            var m = new LinkedHashMap<String, Object>();
            m.put("lr", lr);
            m.put("momentum", momentum);
            m.put("dampening", dampening);
            m.put("weightDecay", weightDecay);
            m.put("nesterov", nesterov);
            m.put("maximize", maximize);
            return m;
        }
    }

    /** The defaults, to adjust with the withers: {@code SGD.options().lr(0.1).momentum(0.9)}. */
    public static Options options() {
        return Options.DEFAULTS;
    }

    public SGD(Iterable<Tensor> params, double lr) {
        this(single(params), Options.DEFAULTS.lr(lr));
    }

    public SGD(Iterable<Tensor> params, Options options) {
        this(single(params), options);
    }

    /** Several groups; what a group does not set comes from {@code defaults}. */
    public SGD(List<ParamGroup> groups, Options defaults) {
        super("SGD", groups, defaults.toMap());
    }

    @Override
    protected void validate(ParamGroup g) {
        requireNonNegative(g, "lr");
        requireNonNegative(g, "momentum");
        requireNonNegative(g, "weightDecay");
        double dampening = g.getDouble("dampening");
        if (!Double.isFinite(dampening)) throw invalid("dampening", dampening, "a finite number");
        if (g.getBoolean("nesterov") && (g.getDouble("momentum") <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("SGD: Nesterov momentum requires a momentum > 0 and zero dampening, got momentum "
                    + g.getDouble("momentum") + " and dampening " + dampening);
        }
    }

    @Override
    protected void update(ParamGroup g) {
        double lr = g.lr(), momentum = g.getDouble("momentum"), dampening = g.getDouble("dampening");
        double weightDecay = g.getDouble("weightDecay");
        boolean nesterov = g.getBoolean("nesterov"), maximize = g.getBoolean("maximize");
        for (Tensor p : g.params()) {
            Tensor grad = TensorAccess.get().gradForUpdate(p);
            if (grad == null) continue;
            ParamState st = momentum != 0 ? state(p) : null;
            if (fusable(p, grad)) {
                Tensor buf = st == null ? null : st.buffer("momentumBuffer");
                boolean first = st != null && buf == null;
                if (first) {
                    buf = persistentZeros(p);
                    st.setBuffer("momentumBuffer", buf);
                }
                OptimizerOps.sgdStep(new Op.SgdStep(lr, momentum, dampening, weightDecay, nesterov, maximize, first), p, grad, buf);
                continue;
            }
            Tensor d = maximize ? grad.neg() : grad;
            if (weightDecay != 0) d = d.add(p.mul(weightDecay));
            if (st != null) {
                Tensor buf = st.buffer("momentumBuffer");
                if (buf == null) {
                    buf = persistentCopy(d, p);
                    st.setBuffer("momentumBuffer", buf);
                } else {
                    buf.mulInPlace(momentum).addInPlace(d, 1 - dampening);
                }
                d = nesterov ? d.add(buf.mul(momentum)) : buf;
            }
            p.addInPlace(d, -lr);
        }
    }
}
