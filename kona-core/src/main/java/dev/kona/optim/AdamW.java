package dev.kona.optim;

import dev.kona.Tensor;
import dev.kona.optim.Adam.Options;
import java.util.List;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter, 2019), as PyTorch's
 * {@code torch.optim.AdamW}: the parameters shrink by {@code lr * weightDecay} before the Adam
 * update instead of the decay being added to the gradient. Otherwise exactly {@link Adam}; the
 * default weight decay is 0.01.
 *
 * <pre>{@code
 * var opt = new AdamW(params, AdamW.options().lr(1e-3).weightDecay(0.05));
 * }</pre>
 */
public final class AdamW extends Optimizer {

    /** PyTorch's AdamW defaults: Adam's, with weight decay 0.01. */
    public static final Options DEFAULTS = Options.DEFAULTS.weightDecay(1e-2);

    /** The defaults, to adjust with the withers of {@link Adam.Options}. */
    public static Options options() {
        return DEFAULTS;
    }

    public AdamW(Iterable<Tensor> params) {
        this(single(params), DEFAULTS);
    }

    public AdamW(Iterable<Tensor> params, double lr) {
        this(single(params), DEFAULTS.lr(lr));
    }

    public AdamW(Iterable<Tensor> params, Options options) {
        this(single(params), options);
    }

    public AdamW(List<ParamGroup> groups) {
        this(groups, DEFAULTS);
    }

    /** Several groups; what a group does not set comes from {@code defaults}. */
    public AdamW(List<ParamGroup> groups, Options defaults) {
        super("AdamW", groups, defaults.toMap());
    }

    @Override
    protected void validate(ParamGroup g) {
        Adam.validateAdam(this, g);
    }

    @Override
    protected void update(ParamGroup g) {
        Adam.update(this, g, true);
    }
}
