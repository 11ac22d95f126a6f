package dev.kona.train;

import dev.kona.Tensor;
import dev.kona.optim.Adagrad;
import dev.kona.optim.Adam;
import dev.kona.optim.AdamW;
import dev.kona.optim.Optimizer;
import dev.kona.optim.RMSprop;
import dev.kona.optim.ParamGroup;
import dev.kona.optim.SGD;
import dev.kona.train.schedules.LearningRateSchedule;
import java.util.List;
import java.util.Locale;

/**
 * How to make a model's optimizer once its weights exist: Keras creates optimizers without
 * parameters ({@code Adam(learning_rate=1e-3)}), Kona's optimizers take them, so {@code compile}
 * takes a recipe. The factories use Keras's defaults; any lambda works too.
 *
 * <pre>{@code
 * model.compile(OptimizerSpec.adam(1e-3), KerasLoss.get("mse"));
 * model.compile(params -> new SGD(params, SGD.options().lr(0.1).momentum(0.9).nesterov(true)),
 *         KerasLoss.get("mse"));
 * }</pre>
 *
 * <p>Keras's defaults, which differ from PyTorch's: adam lr 0.001, epsilon 1e-7; sgd lr 0.01;
 * rmsprop lr 0.001, rho 0.9, epsilon 1e-7; adagrad lr 0.001, initial accumulator 0.1, epsilon
 * 1e-7; adamw lr 0.001, weight decay 0.004, epsilon 1e-7. Epsilon goes where Keras puts it: for
 * Adam and AdamW before the bias correction ({@link Adam.Options#epsHat}), for RMSprop and Adagrad
 * inside the square root ({@link RMSprop.Options#epsInsideSqrt}). PyTorch's placements changed the
 * loss after the first step of the MNIST convnet by 1e-3 (Adam), a hundred times float32 noise;
 * {@code KerasFitGoldenTest} checks every name against Keras step by step.
 *
 * <p>A {@link LearningRateSchedule} in place of the rate makes it change at every step, as Keras's
 * {@code Adam(learning_rate=CosineDecay(...))}: {@code OptimizerSpec.adam(new CosineDecay(5e-3, 469))},
 * or {@link #withSchedule} on any recipe. The model's {@code learningRate()} then reads the
 * schedule and {@code setLearningRate} (so also {@code LearningRateScheduler} and
 * {@code ReduceLROnPlateau}) is refused, as in Keras.
 */
@FunctionalInterface
public interface OptimizerSpec {

    /** Creates the optimizer over the model's trainable weights. */
    Optimizer create(List<Tensor> params);

    /** The schedule that sets the learning rate before every step, or null for a fixed rate. */
    default LearningRateSchedule schedule() {
        return null;
    }

    /** This recipe with its learning rate set by {@code schedule} before every step (replacing any schedule it had). */
    default OptimizerSpec withSchedule(LearningRateSchedule schedule) {
        if (schedule == null) throw new IllegalArgumentException("withSchedule: schedule is null");
        OptimizerSpec base = this instanceof Scheduled s ? s.base() : this;
        return new Scheduled(base, schedule);
    }

    /** A recipe whose optimizer's rate follows a schedule; the model applies it (see {@code Model.iterations()}). */
    record Scheduled(OptimizerSpec base, LearningRateSchedule schedule) implements OptimizerSpec {
        @Override
        public Optimizer create(List<Tensor> params) {
            Optimizer optimizer = base.create(params);
            double lr = LearningRateSchedule.checkedAt(schedule, 0);
            for (ParamGroup g : optimizer.paramGroups()) g.setLr(lr);
            return optimizer;
        }
    }

    /** An optimizer by Keras name: {@code adam}, {@code sgd}, {@code rmsprop}, {@code adagrad}, {@code adamw}. */
    static OptimizerSpec get(String name) {
        return switch (name == null ? "" : name.toLowerCase(Locale.ROOT)) {
            case "adam" -> adam();
            case "sgd" -> sgd();
            case "rmsprop" -> rmsprop();
            case "adagrad" -> adagrad();
            case "adamw" -> adamw();
            default -> throw new IllegalArgumentException("unknown optimizer '" + name
                    + "'; known optimizers: adam, sgd, rmsprop, adagrad, adamw");
        };
    }

    static OptimizerSpec adam() {
        return adam(1e-3);
    }

    static OptimizerSpec adam(double learningRate) {
        return params -> new Adam(params, Adam.options().lr(learningRate).eps(1e-7).epsHat(true));
    }

    static OptimizerSpec adam(LearningRateSchedule learningRate) {
        return adam().withSchedule(learningRate);
    }

    static OptimizerSpec sgd() {
        return sgd(0.01);
    }

    static OptimizerSpec sgd(double learningRate) {
        return params -> new SGD(params, SGD.options().lr(learningRate));
    }

    static OptimizerSpec sgd(LearningRateSchedule learningRate) {
        return sgd().withSchedule(learningRate);
    }

    static OptimizerSpec sgd(double learningRate, double momentum) {
        return params -> new SGD(params, SGD.options().lr(learningRate).momentum(momentum));
    }

    static OptimizerSpec sgd(LearningRateSchedule learningRate, double momentum) {
        return sgd(0.01, momentum).withSchedule(learningRate);
    }

    static OptimizerSpec rmsprop() {
        return rmsprop(1e-3);
    }

    static OptimizerSpec rmsprop(double learningRate) {
        return params -> new RMSprop(params, RMSprop.options().lr(learningRate).alpha(0.9).eps(1e-7).epsInsideSqrt(true));
    }

    static OptimizerSpec rmsprop(LearningRateSchedule learningRate) {
        return rmsprop().withSchedule(learningRate);
    }

    static OptimizerSpec adagrad() {
        return adagrad(1e-3);
    }

    static OptimizerSpec adagrad(double learningRate) {
        return params -> new Adagrad(params, Adagrad.options().lr(learningRate).initialAccumulatorValue(0.1).eps(1e-7).epsInsideSqrt(true));
    }

    static OptimizerSpec adagrad(LearningRateSchedule learningRate) {
        return adagrad().withSchedule(learningRate);
    }

    static OptimizerSpec adamw() {
        return adamw(1e-3);
    }

    static OptimizerSpec adamw(double learningRate) {
        return params -> new AdamW(params, AdamW.options().lr(learningRate).weightDecay(0.004).eps(1e-7).epsHat(true));
    }

    static OptimizerSpec adamw(LearningRateSchedule learningRate) {
        return adamw().withSchedule(learningRate);
    }
}
