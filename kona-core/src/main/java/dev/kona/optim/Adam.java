package dev.kona.optim;

import dev.kona.Tensor;
import dev.kona.autograd.TensorAccess;
import dev.kona.ops.Op;
import dev.kona.ops.OptimizerOps;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam (Kingma and Ba, 2014) as PyTorch's {@code torch.optim.Adam}, with AMSGrad, L2 weight decay
 * and maximization. With {@code g} the gradient ({@code -g} when maximizing) and {@code t} the
 * step:
 * <pre>
 *   g = g + weightDecay * p
 *   m = m + (1 - beta1) * (g - m)                      (first moment, a lerp)
 *   v = beta2 * v + (1 - beta2) * g * g                (second moment)
 *   vmax = max(vmax, v); use vmax for v                (amsgrad)
 *   p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 *   p = p - lr * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + eps)   (epsHat: Keras, TensorFlow)
 * </pre>
 * {@link AdamW} is the same with decoupled weight decay.
 *
 * <pre>{@code
 * var opt = new Adam(params, Adam.options().lr(3e-4).betas(0.9, 0.98).amsgrad(true));
 * }</pre>
 */
public final class Adam extends Optimizer {

    /** The hyper-parameters of Adam and AdamW; the component names are the keys of a {@link ParamGroup}. */
    public record Options(double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad,
                          boolean maximize, boolean epsHat) {
        /** PyTorch's Adam defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, no decay. */
        public static final Options DEFAULTS = new Options(1e-3, 0.9, 0.999, 1e-8, 0, false, false, false);

        public Options lr(double v) { return new Options(v, beta1, beta2, eps, weightDecay, amsgrad, maximize, epsHat); }
        public Options betas(double b1, double b2) { return new Options(lr, b1, b2, eps, weightDecay, amsgrad, maximize, epsHat); }
        public Options beta1(double v) { return new Options(lr, v, beta2, eps, weightDecay, amsgrad, maximize, epsHat); }
        public Options beta2(double v) { return new Options(lr, beta1, v, eps, weightDecay, amsgrad, maximize, epsHat); }
        public Options eps(double v) { return new Options(lr, beta1, beta2, v, weightDecay, amsgrad, maximize, epsHat); }
        public Options weightDecay(double v) { return new Options(lr, beta1, beta2, eps, v, amsgrad, maximize, epsHat); }
        /** Normalise by the largest second moment seen so far (Reddi et al., 2018). */
        public Options amsgrad(boolean v) { return new Options(lr, beta1, beta2, eps, weightDecay, v, maximize, epsHat); }
        /** Ascend the objective instead of descending it. */
        public Options maximize(boolean v) { return new Options(lr, beta1, beta2, eps, weightDecay, amsgrad, v, epsHat); }
        /**
         * Add {@code eps} to {@code sqrt(v)} before the bias correction, as Keras and TensorFlow do
         * (the paper's epsilon-hat), rather than after it, as PyTorch does. Early steps differ
         * most: at step 1, Keras's 1e-7 acts like PyTorch's 3.2e-6.
         */
        public Options epsHat(boolean v) { return new Options(lr, beta1, beta2, eps, weightDecay, amsgrad, maximize, v); }

        Map<String, Object> toMap() {
            var m = new LinkedHashMap<String, Object>();
            m.put("lr", lr);
            m.put("beta1", beta1);
            m.put("beta2", beta2);
            m.put("eps", eps);
            m.put("weightDecay", weightDecay);
            m.put("amsgrad", amsgrad);
            m.put("maximize", maximize);
            m.put("epsHat", epsHat);
            return m;
        }
    }

    /** The defaults, to adjust with the withers: {@code Adam.options().lr(1e-2).amsgrad(true)}. */
    public static Options options() {
        return Options.DEFAULTS;
    }

    public Adam(Iterable<Tensor> params) {
        this(single(params), Options.DEFAULTS);
    }

    public Adam(Iterable<Tensor> params, double lr) {
        this(single(params), Options.DEFAULTS.lr(lr));
    }

    public Adam(Iterable<Tensor> params, Options options) {
        this(single(params), options);
    }

    /** Several groups with PyTorch's defaults for what they do not set. */
    public Adam(List<ParamGroup> groups) {
        this(groups, Options.DEFAULTS);
    }

    /** Several groups; what a group does not set comes from {@code defaults}. */
    public Adam(List<ParamGroup> groups, Options defaults) {
        super("Adam", groups, defaults.toMap());
    }

    @Override
    protected void validate(ParamGroup g) {
        validateAdam(this, g);
    }

    static void validateAdam(Optimizer o, ParamGroup g) {
        o.requireNonNegative(g, "lr");
        o.requireNonNegative(g, "eps");
        o.requireUnitInterval(g, "beta1");
        o.requireUnitInterval(g, "beta2");
        o.requireNonNegative(g, "weightDecay");
    }

    @Override
    protected void update(ParamGroup g) {
        update(this, g, false);
    }

    /**
     * The update of Adam ({@code decoupled} false) and AdamW (true): the fused kernel for
     * contiguous float32/float64 parameters, the same algorithm in tensor ops otherwise.
     */
    static void update(Optimizer o, ParamGroup g, boolean decoupled) {
        double lr = g.lr(), beta1 = g.getDouble("beta1"), beta2 = g.getDouble("beta2"), eps = g.getDouble("eps");
        double weightDecay = g.getDouble("weightDecay");
        boolean amsgrad = g.getBoolean("amsgrad"), maximize = g.getBoolean("maximize"), epsHat = g.getBoolean("epsHat");
        for (Tensor p : g.params()) {
            Tensor grad = TensorAccess.get().gradForUpdate(p);
            if (grad == null) continue;
            ParamState st = o.state(p);
            Tensor m = buffer(st, "expAvg", p), v = buffer(st, "expAvgSq", p);
            long step = st.step() + 1;
            st.setStep(step);
            // lr/bc1 * m / (sqrt(v) + epsHat) * bc2Sqrt == lr/bc1 * m / (sqrt(v)/bc2Sqrt + epsHat/bc2Sqrt)
            double stepEps = epsHat ? eps / Math.sqrt(1 - Math.pow(beta2, step)) : eps;
            if (fusable(p, grad)) {
                var op = new Op.AdamStep(lr, beta1, beta2, stepEps, weightDecay, decoupled, amsgrad, maximize, step);
                OptimizerOps.adamStep(op, p, grad, m, v, amsgrad ? buffer(st, "maxExpAvgSq", p) : null);
                continue;
            }
            Tensor gr = maximize ? grad.neg() : grad;
            if (weightDecay != 0) {
                if (decoupled) p.mulInPlace(1 - lr * weightDecay);
                else gr = gr.add(p.mul(weightDecay));
            }
            m.addInPlace(gr.sub(m).mulInPlace(1 - beta1));
            v.mulInPlace(beta2).addInPlace(gr.mul(1 - beta2).mulInPlace(gr));
            Tensor second = v;
            if (amsgrad) {
                Tensor vmax = buffer(st, "maxExpAvgSq", p);
                vmax.copyFrom(vmax.maximum(v));
                second = vmax;
            }
            double stepSize = lr / (1 - Math.pow(beta1, step));
            double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
            Tensor denom = second.sqrt().divInPlace(bc2Sqrt).addInPlace(stepEps);
            p.addInPlace(m.div(denom).mulInPlace(-stepSize));
        }
    }
}
