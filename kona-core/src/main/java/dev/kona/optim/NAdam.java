package dev.kona.optim;

import dev.kona.Tensor;
import dev.kona.autograd.TensorAccess;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam with Nesterov momentum (Dozat, 2016) as PyTorch's {@code torch.optim.NAdam}, with its
 * momentum schedule. With {@code g} the gradient ({@code -g} when maximizing), {@code t} the step
 * and {@code psi} the momentum decay:
 * <pre>
 *   g = g + weightDecay * p            (or p = p * (1 - lr * weightDecay) when decoupled)
 *   mu_t = beta1 * (1 - 0.5 * 0.96^(t * psi));   P_t = mu_1 * ... * mu_t
 *   m = m + (1 - beta1) * (g - m);   v = beta2 * v + (1 - beta2) * g * g
 *   d = sqrt(v / (1 - beta2^t)) + eps
 *   p = p - lr * (1 - mu_t) / (1 - P_t) * g / d - lr * mu_{t+1} / (1 - P_t * mu_{t+1}) * m / d
 * </pre>
 *
 * <pre>{@code
 * var opt = new NAdam(params, NAdam.options().lr(2e-3).weightDecay(1e-2).decoupledWeightDecay(true));
 * }</pre>
 */
public final class NAdam extends Optimizer {

    /** NAdam's hyper-parameters; the component names are the keys of a {@link ParamGroup}. */
    public record Options(double lr, double beta1, double beta2, double eps, double weightDecay, double momentumDecay,
                          boolean decoupledWeightDecay, boolean maximize) {
        /** PyTorch's defaults: lr 2e-3, betas (0.9, 0.999), eps 1e-8, momentum decay 4e-3. */
        public static final Options DEFAULTS = new Options(2e-3, 0.9, 0.999, 1e-8, 0, 4e-3, false, false);

        public Options lr(double v) { return new Options(v, beta1, beta2, eps, weightDecay, momentumDecay, decoupledWeightDecay, maximize); }
        public Options betas(double b1, double b2) { return new Options(lr, b1, b2, eps, weightDecay, momentumDecay, decoupledWeightDecay, maximize); }
        public Options beta1(double v) { return new Options(lr, v, beta2, eps, weightDecay, momentumDecay, decoupledWeightDecay, maximize); }
        public Options beta2(double v) { return new Options(lr, beta1, v, eps, weightDecay, momentumDecay, decoupledWeightDecay, maximize); }
        public Options eps(double v) { return new Options(lr, beta1, beta2, v, weightDecay, momentumDecay, decoupledWeightDecay, maximize); }
        public Options weightDecay(double v) { return new Options(lr, beta1, beta2, eps, v, momentumDecay, decoupledWeightDecay, maximize); }
        /** {@code psi} of the momentum schedule. */
        public Options momentumDecay(double v) { return new Options(lr, beta1, beta2, eps, weightDecay, v, decoupledWeightDecay, maximize); }
        /** Shrink the parameters (AdamW style) instead of adding the decay to the gradient. */
        public Options decoupledWeightDecay(boolean v) { return new Options(lr, beta1, beta2, eps, weightDecay, momentumDecay, v, maximize); }
        public Options maximize(boolean v) { return new Options(lr, beta1, beta2, eps, weightDecay, momentumDecay, decoupledWeightDecay, v); }

        Map<String, Object> toMap() {
            var m = new LinkedHashMap<String, Object>();
            m.put("lr", lr);
            m.put("beta1", beta1);
            m.put("beta2", beta2);
            m.put("eps", eps);
            m.put("weightDecay", weightDecay);
            m.put("momentumDecay", momentumDecay);
            m.put("decoupledWeightDecay", decoupledWeightDecay);
            m.put("maximize", maximize);
            return m;
        }
    }

    /** The defaults, to adjust with the withers. */
    public static Options options() {
        return Options.DEFAULTS;
    }

    public NAdam(Iterable<Tensor> params) {
        this(single(params), Options.DEFAULTS);
    }

    public NAdam(Iterable<Tensor> params, double lr) {
        this(single(params), Options.DEFAULTS.lr(lr));
    }

    public NAdam(Iterable<Tensor> params, Options options) {
        this(single(params), options);
    }

    /** Several groups; what a group does not set comes from {@code defaults}. */
    public NAdam(List<ParamGroup> groups, Options defaults) {
        super("NAdam", groups, defaults.toMap());
    }

    @Override
    protected void validate(ParamGroup g) {
        requireNonNegative(g, "lr");
        requireNonNegative(g, "eps");
        requireUnitInterval(g, "beta1");
        requireUnitInterval(g, "beta2");
        requireNonNegative(g, "weightDecay");
        requireNonNegative(g, "momentumDecay");
    }

    @Override
    protected void update(ParamGroup g) {
        double lr = g.lr(), beta1 = g.getDouble("beta1"), beta2 = g.getDouble("beta2"), eps = g.getDouble("eps");
        double weightDecay = g.getDouble("weightDecay"), momentumDecay = g.getDouble("momentumDecay");
        boolean decoupled = g.getBoolean("decoupledWeightDecay"), maximize = g.getBoolean("maximize");
        for (Tensor p : g.params()) {
            Tensor grad = TensorAccess.get().gradForUpdate(p);
            if (grad == null) continue;
            ParamState st = state(p);
            Tensor m = buffer(st, "expAvg", p), v = buffer(st, "expAvgSq", p);
            long step = st.step() + 1;
            st.setStep(step);
            double bc2 = 1 - Math.pow(beta2, step);
            Tensor gr = maximize ? grad.neg() : grad;
            if (weightDecay != 0) {
                if (decoupled) p.mulInPlace(1 - lr * weightDecay);
                else gr = gr.add(p.mul(weightDecay));
            }
            double mu = beta1 * (1 - 0.5 * Math.pow(0.96, step * momentumDecay));
            double muNext = beta1 * (1 - 0.5 * Math.pow(0.96, (step + 1) * momentumDecay));
            double muProduct = st.scalar("muProduct", 1.0) * mu;
            st.setScalar("muProduct", muProduct);
            m.addInPlace(gr.sub(m).mulInPlace(1 - beta1));
            v.mulInPlace(beta2).addInPlace(gr.mul(1 - beta2).mulInPlace(gr));
            Tensor denom = v.div(bc2).sqrt().addInPlace(eps);
            double muProductNext = muProduct * muNext;
            p.addInPlace(gr.div(denom).mulInPlace(-lr * (1 - mu) / (1 - muProduct)));
            p.addInPlace(m.div(denom).mulInPlace((-lr * muNext) / (1 - muProductNext)));
        }
    }
}
