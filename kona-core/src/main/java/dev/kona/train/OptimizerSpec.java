package dev.kona.train;

import dev.kona.Tensor;
import dev.kona.optim.Adagrad;
import dev.kona.optim.Adam;
import dev.kona.optim.AdamW;
import dev.kona.optim.Optimizer;
import dev.kona.optim.RMSprop;
import dev.kona.optim.SGD;
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
 */
@FunctionalInterface
public interface OptimizerSpec {

    /** Creates the optimizer over the model's trainable weights. */
    Optimizer create(List<Tensor> params);

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

    static OptimizerSpec sgd() {
        return sgd(0.01);
    }

    static OptimizerSpec sgd(double learningRate) {
        return params -> new SGD(params, SGD.options().lr(learningRate));
    }

    static OptimizerSpec sgd(double learningRate, double momentum) {
        return params -> new SGD(params, SGD.options().lr(learningRate).momentum(momentum));
    }

    static OptimizerSpec rmsprop() {
        return rmsprop(1e-3);
    }

    static OptimizerSpec rmsprop(double learningRate) {
        return params -> new RMSprop(params, RMSprop.options().lr(learningRate).alpha(0.9).eps(1e-7).epsInsideSqrt(true));
    }

    static OptimizerSpec adagrad() {
        return adagrad(1e-3);
    }

    static OptimizerSpec adagrad(double learningRate) {
        return params -> new Adagrad(params, Adagrad.options().lr(learningRate).initialAccumulatorValue(0.1).eps(1e-7).epsInsideSqrt(true));
    }

    static OptimizerSpec adamw() {
        return adamw(1e-3);
    }

    static OptimizerSpec adamw(double learningRate) {
        return params -> new AdamW(params, AdamW.options().lr(learningRate).weightDecay(0.004).eps(1e-7).epsHat(true));
    }
}
