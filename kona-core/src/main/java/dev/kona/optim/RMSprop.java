package dev.kona.optim;

import dev.kona.Tensor;
import dev.kona.autograd.TensorAccess;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RMSprop (Hinton's lecture 6e) as PyTorch's {@code torch.optim.RMSprop}, with momentum and the
 * centered variant. With {@code g} the gradient ({@code -g} when maximizing):
 * <pre>
 *   g = g + weightDecay * p
 *   s = alpha * s + (1 - alpha) * g * g
 *   centered: a = a + (1 - alpha) * (g - a);  d = sqrt(s - a * a) + eps
 *   otherwise: d = sqrt(s) + eps
 *   (epsInsideSqrt, Keras: d = sqrt(s - a * a + eps) and sqrt(s + eps))
 *   momentum > 0: b = momentum * b + g / d;  p = p - lr * b
 *   otherwise:    p = p - lr * g / d
 * </pre>
 *
 * <pre>{@code
 * var opt = new RMSprop(params, RMSprop.options().lr(1e-3).momentum(0.9).centered(true));
 * }</pre>
 */
public final class RMSprop extends Optimizer {

    /** RMSprop's hyper-parameters; the component names are the keys of a {@link ParamGroup}. */
    public record Options(double lr, double alpha, double eps, double weightDecay, double momentum, boolean centered,
                          boolean maximize, boolean epsInsideSqrt) {
        /** PyTorch's defaults: lr 1e-2, alpha 0.99, eps 1e-8. */
        public static final Options DEFAULTS = new Options(1e-2, 0.99, 1e-8, 0, 0, false, false, false);

        public Options lr(double v) { return new Options(v, alpha, eps, weightDecay, momentum, centered, maximize, epsInsideSqrt); }
        /** The smoothing constant of the squared-gradient average. */
        public Options alpha(double v) { return new Options(lr, v, eps, weightDecay, momentum, centered, maximize, epsInsideSqrt); }
        public Options eps(double v) { return new Options(lr, alpha, v, weightDecay, momentum, centered, maximize, epsInsideSqrt); }
        public Options weightDecay(double v) { return new Options(lr, alpha, eps, v, momentum, centered, maximize, epsInsideSqrt); }
        public Options momentum(double v) { return new Options(lr, alpha, eps, weightDecay, v, centered, maximize, epsInsideSqrt); }
        /** Normalise by an estimate of the gradient's variance instead of its second moment. */
        public Options centered(boolean v) { return new Options(lr, alpha, eps, weightDecay, momentum, v, maximize, epsInsideSqrt); }
        public Options maximize(boolean v) { return new Options(lr, alpha, eps, weightDecay, momentum, centered, v, epsInsideSqrt); }
        /** Divide by {@code sqrt(v + eps)}, as Keras does, rather than by {@code sqrt(v) + eps}, as PyTorch does. */
        public Options epsInsideSqrt(boolean v) { return new Options(lr, alpha, eps, weightDecay, momentum, centered, maximize, v); }

        Map<String, Object> toMap() {
            var m = new LinkedHashMap<String, Object>();
            m.put("lr", lr);
            m.put("alpha", alpha);
            m.put("eps", eps);
            m.put("weightDecay", weightDecay);
            m.put("momentum", momentum);
            m.put("centered", centered);
            m.put("maximize", maximize);
            m.put("epsInsideSqrt", epsInsideSqrt);
            return m;
        }
    }

    /** The defaults, to adjust with the withers. */
    public static Options options() {
        return Options.DEFAULTS;
    }

    public RMSprop(Iterable<Tensor> params) {
        this(single(params), Options.DEFAULTS);
    }

    public RMSprop(Iterable<Tensor> params, double lr) {
        this(single(params), Options.DEFAULTS.lr(lr));
    }

    public RMSprop(Iterable<Tensor> params, Options options) {
        this(single(params), options);
    }

    /** Several groups; what a group does not set comes from {@code defaults}. */
    public RMSprop(List<ParamGroup> groups, Options defaults) {
        super("RMSprop", groups, defaults.toMap());
    }

    @Override
    protected void validate(ParamGroup g) {
        requireNonNegative(g, "lr");
        requireNonNegative(g, "eps");
        requireNonNegative(g, "momentum");
        requireNonNegative(g, "weightDecay");
        requireNonNegative(g, "alpha");
    }

    @Override
    protected void update(ParamGroup g) {
        double lr = g.lr(), alpha = g.getDouble("alpha"), eps = g.getDouble("eps");
        double weightDecay = g.getDouble("weightDecay"), momentum = g.getDouble("momentum");
        boolean centered = g.getBoolean("centered"), maximize = g.getBoolean("maximize");
        boolean epsInsideSqrt = g.getBoolean("epsInsideSqrt");
        for (Tensor p : g.params()) {
            Tensor grad = TensorAccess.get().gradForUpdate(p);
            if (grad == null) continue;
            ParamState st = state(p);
            Tensor squareAvg = buffer(st, "squareAvg", p);
            st.setStep(st.step() + 1);
            Tensor gr = maximize ? grad.neg() : grad;
            if (weightDecay != 0) gr = gr.add(p.mul(weightDecay));
            squareAvg.mulInPlace(alpha).addInPlace(gr.mul(1 - alpha).mulInPlace(gr));
            Tensor variance;
            if (centered) {
                Tensor gradAvg = buffer(st, "gradAvg", p);
                gradAvg.addInPlace(gr.sub(gradAvg).mulInPlace(1 - alpha));
                variance = squareAvg.sub(gradAvg.mul(gradAvg));
            } else {
                variance = squareAvg;
            }
            Tensor avg = epsInsideSqrt ? variance.add(eps).sqrt() : variance.sqrt().addInPlace(eps);
            if (momentum > 0) {
                Tensor buf = buffer(st, "momentumBuffer", p);
                buf.mulInPlace(momentum).addInPlace(gr.div(avg));
                p.addInPlace(buf, -lr);
            } else {
                p.addInPlace(gr.div(avg).mulInPlace(-lr));
            }
        }
    }
}
