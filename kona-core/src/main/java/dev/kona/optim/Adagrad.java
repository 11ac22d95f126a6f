package dev.kona.optim;

import dev.kona.Tensor;
import dev.kona.autograd.TensorAccess;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adagrad (Duchi et al., 2011) as PyTorch's {@code torch.optim.Adagrad}. With {@code g} the
 * gradient ({@code -g} when maximizing) and {@code t} the step:
 * <pre>
 *   g = g + weightDecay * p
 *   clr = lr / (1 + (t - 1) * lrDecay)
 *   s = s + g * g                                (s starts at initialAccumulatorValue)
 *   p = p - clr * g / (sqrt(s) + eps)          (epsInsideSqrt, Keras: sqrt(s + eps))
 * </pre>
 *
 * <pre>{@code
 * var opt = new Adagrad(params, Adagrad.options().lr(0.1).initialAccumulatorValue(0.1));
 * }</pre>
 */
public final class Adagrad extends Optimizer {

    /** Adagrad's hyper-parameters; the component names are the keys of a {@link ParamGroup}. */
    public record Options(double lr, double lrDecay, double weightDecay, double initialAccumulatorValue, double eps,
                          boolean maximize, boolean epsInsideSqrt) {
        /** PyTorch's defaults: lr 1e-2, eps 1e-10. */
        public static final Options DEFAULTS = new Options(1e-2, 0, 0, 0, 1e-10, false, false);

        public Options lr(double v) { return new Options(v, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize, epsInsideSqrt); }
        public Options lrDecay(double v) { return new Options(lr, v, weightDecay, initialAccumulatorValue, eps, maximize, epsInsideSqrt); }
        public Options weightDecay(double v) { return new Options(lr, lrDecay, v, initialAccumulatorValue, eps, maximize, epsInsideSqrt); }
        /** The starting value of the sum of squared gradients. */
        public Options initialAccumulatorValue(double v) { return new Options(lr, lrDecay, weightDecay, v, eps, maximize, epsInsideSqrt); }
        public Options eps(double v) { return new Options(lr, lrDecay, weightDecay, initialAccumulatorValue, v, maximize, epsInsideSqrt); }
        public Options maximize(boolean v) { return new Options(lr, lrDecay, weightDecay, initialAccumulatorValue, eps, v, epsInsideSqrt); }
        /** Divide by {@code sqrt(s + eps)}, as Keras does, rather than by {@code sqrt(s) + eps}, as PyTorch does. */
        public Options epsInsideSqrt(boolean v) { return new Options(lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize, v); }

        Map<String, Object> toMap() {
            var m = new LinkedHashMap<String, Object>();
            m.put("lr", lr);
            m.put("lrDecay", lrDecay);
            m.put("weightDecay", weightDecay);
            m.put("initialAccumulatorValue", initialAccumulatorValue);
            m.put("eps", eps);
            m.put("maximize", maximize);
            m.put("epsInsideSqrt", epsInsideSqrt);
            return m;
        }
    }

    /** The defaults, to adjust with the withers. */
    public static Options options() {
        return Options.DEFAULTS;
    }

    public Adagrad(Iterable<Tensor> params) {
        this(single(params), Options.DEFAULTS);
    }

    public Adagrad(Iterable<Tensor> params, double lr) {
        this(single(params), Options.DEFAULTS.lr(lr));
    }

    public Adagrad(Iterable<Tensor> params, Options options) {
        this(single(params), options);
    }

    /** Several groups; what a group does not set comes from {@code defaults}. */
    public Adagrad(List<ParamGroup> groups, Options defaults) {
        super("Adagrad", groups, defaults.toMap());
    }

    @Override
    protected void validate(ParamGroup g) {
        requireNonNegative(g, "lr");
        requireNonNegative(g, "lrDecay");
        requireNonNegative(g, "weightDecay");
        requireNonNegative(g, "initialAccumulatorValue");
        requireNonNegative(g, "eps");
    }

    /** The accumulators exist from the start, as in PyTorch (so they appear in a fresh state dict). */
    @Override
    protected void groupAdded(ParamGroup g) {
        for (Tensor p : g.params()) sum(state(p), p, g);
    }

    private static Tensor sum(ParamState st, Tensor p, ParamGroup g) {
        Tensor s = st.buffer("sum");
        if (s == null) {
            s = persistentZeros(p);
            double init = g.getDouble("initialAccumulatorValue");
            if (init != 0) s.fill(init);
            st.setBuffer("sum", s);
        }
        return s;
    }

    @Override
    protected void update(ParamGroup g) {
        double lr = g.lr(), lrDecay = g.getDouble("lrDecay"), weightDecay = g.getDouble("weightDecay");
        double eps = g.getDouble("eps");
        boolean maximize = g.getBoolean("maximize"), epsInsideSqrt = g.getBoolean("epsInsideSqrt");
        for (Tensor p : g.params()) {
            Tensor grad = TensorAccess.get().gradForUpdate(p);
            if (grad == null) continue;
            ParamState st = state(p);
            Tensor sum = sum(st, p, g);
            long step = st.step() + 1;
            st.setStep(step);
            Tensor gr = maximize ? grad.neg() : grad;
            if (weightDecay != 0) gr = gr.add(p.mul(weightDecay));
            double clr = lr / (1 + (step - 1) * lrDecay);
            sum.addInPlace(gr.mul(gr));
            Tensor std = epsInsideSqrt ? sum.add(eps).sqrt() : sum.sqrt().addInPlace(eps);
            p.addInPlace(gr.div(std).mulInPlace(-clr));
        }
    }
}
