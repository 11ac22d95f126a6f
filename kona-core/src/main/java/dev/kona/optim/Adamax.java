package dev.kona.optim;

import dev.kona.Tensor;
import dev.kona.autograd.TensorAccess;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adamax, Adam's infinity-norm variant (Kingma and Ba, 2014), as PyTorch's
 * {@code torch.optim.Adamax}. With {@code g} the gradient ({@code -g} when maximizing) and
 * {@code t} the step:
 * <pre>
 *   g = g + weightDecay * p
 *   m = m + (1 - beta1) * (g - m)
 *   u = max(beta2 * u, |g| + eps)
 *   p = p - lr / (1 - beta1^t) * m / u
 * </pre>
 *
 * <pre>{@code
 * var opt = new Adamax(params, Adamax.options().lr(2e-3));
 * }</pre>
 */
public final class Adamax extends Optimizer {

    /** Adamax's hyper-parameters; the component names are the keys of a {@link ParamGroup}. */
    public record Options(double lr, double beta1, double beta2, double eps, double weightDecay, boolean maximize) {
        /** PyTorch's defaults: lr 2e-3, betas (0.9, 0.999), eps 1e-8. */
        public static final Options DEFAULTS = new Options(2e-3, 0.9, 0.999, 1e-8, 0, false);

        public Options lr(double v) { return new Options(v, beta1, beta2, eps, weightDecay, maximize); }
        public Options betas(double b1, double b2) { return new Options(lr, b1, b2, eps, weightDecay, maximize); }
        public Options beta1(double v) { return new Options(lr, v, beta2, eps, weightDecay, maximize); }
        public Options beta2(double v) { return new Options(lr, beta1, v, eps, weightDecay, maximize); }
        public Options eps(double v) { return new Options(lr, beta1, beta2, v, weightDecay, maximize); }
        public Options weightDecay(double v) { return new Options(lr, beta1, beta2, eps, v, maximize); }
        public Options maximize(boolean v) { return new Options(lr, beta1, beta2, eps, weightDecay, v); }

        Map<String, Object> toMap() {
            var m = new LinkedHashMap<String, Object>();
            m.put("lr", lr);
            m.put("beta1", beta1);
            m.put("beta2", beta2);
            m.put("eps", eps);
            m.put("weightDecay", weightDecay);
            m.put("maximize", maximize);
            return m;
        }
    }

    /** The defaults, to adjust with the withers. */
    public static Options options() {
        return Options.DEFAULTS;
    }

    public Adamax(Iterable<Tensor> params) {
        this(single(params), Options.DEFAULTS);
    }

    public Adamax(Iterable<Tensor> params, double lr) {
        this(single(params), Options.DEFAULTS.lr(lr));
    }

    public Adamax(Iterable<Tensor> params, Options options) {
        this(single(params), options);
    }

    /** Several groups; what a group does not set comes from {@code defaults}. */
    public Adamax(List<ParamGroup> groups, Options defaults) {
        super("Adamax", groups, defaults.toMap());
    }

    @Override
    protected void validate(ParamGroup g) {
        requireNonNegative(g, "lr");
        requireNonNegative(g, "eps");
        requireUnitInterval(g, "beta1");
        requireUnitInterval(g, "beta2");
        requireNonNegative(g, "weightDecay");
    }

    @Override
    protected void update(ParamGroup g) {
        double lr = g.lr(), beta1 = g.getDouble("beta1"), beta2 = g.getDouble("beta2"), eps = g.getDouble("eps");
        double weightDecay = g.getDouble("weightDecay");
        boolean maximize = g.getBoolean("maximize");
        for (Tensor p : g.params()) {
            Tensor grad = TensorAccess.get().gradForUpdate(p);
            if (grad == null) continue;
            ParamState st = state(p);
            Tensor m = buffer(st, "expAvg", p), u = buffer(st, "expInf", p);
            long step = st.step() + 1;
            st.setStep(step);
            Tensor gr = maximize ? grad.neg() : grad;
            if (weightDecay != 0) gr = gr.add(p.mul(weightDecay));
            m.addInPlace(gr.sub(m).mulInPlace(1 - beta1));
            u.copyFrom(u.mulInPlace(beta2).maximum(gr.abs().addInPlace(eps)));
            double clr = lr / (1 - Math.pow(beta1, step));
            p.addInPlace(m.div(u).mulInPlace(-clr));
        }
    }
}
