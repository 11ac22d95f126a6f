package dev.kona.train;

import dev.kona.Tensor;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Keras's activation functions by name, as {@code Dense(units, activation=...)} and
 * {@link Activation} take them. Each maps a tensor to one of the same shape (softmax and
 * log-softmax along the last axis).
 *
 * <pre>{@code
 * Activations relu = Activations.get("relu");
 * Tensor y = relu.apply(x);                     // max(x, 0)
 * Activations.get("swish");                     // SILU: Keras's alias
 * Activations.get("rellu");                     // error listing the known names
 * }</pre>
 *
 * <p>Keras's defaults: {@code leaky_relu} has slope 0.2, {@code gelu} is the exact (erf) form,
 * {@code elu} has alpha 1, {@code hard_sigmoid} is {@code relu6(x + 3) / 6}.
 */
public enum Activations {
    LINEAR("linear"),
    RELU("relu"),
    SIGMOID("sigmoid"),
    SOFTMAX("softmax"),
    LOG_SOFTMAX("log_softmax"),
    TANH("tanh"),
    GELU("gelu"),
    ELU("elu"),
    SELU("selu"),
    SOFTPLUS("softplus"),
    SOFTSIGN("softsign"),
    SILU("silu"),
    LEAKY_RELU("leaky_relu"),
    RELU6("relu6"),
    HARD_SIGMOID("hard_sigmoid"),
    MISH("mish"),
    EXPONENTIAL("exponential");

    // SELU's constants (Klambauer et al., 2017), as Keras.
    private static final double SELU_ALPHA = 1.6732632423543772848170429916717;
    private static final double SELU_SCALE = 1.0507009873554804934193349852946;

    private final String kerasName;

    Activations(String kerasName) {
        this.kerasName = kerasName;
    }

    /** The name Keras uses, e.g. {@code "leaky_relu"}. */
    public String kerasName() {
        return kerasName;
    }

    /** Whether each output element depends on its input element alone (all but the softmaxes). */
    public boolean elementwise() {
        return this != SOFTMAX && this != LOG_SOFTMAX;
    }

    /** Applies the function. */
    public Tensor apply(Tensor x) {
        return switch (this) {
            case LINEAR -> x;
            case RELU -> x.relu();
            case SIGMOID -> x.sigmoid();
            case SOFTMAX -> x.softmax(-1);
            case LOG_SOFTMAX -> x.logSoftmax(-1);
            case TANH -> x.tanh();
            case GELU -> x.gelu();
            case ELU -> x.elu(1.0);
            case SELU -> x.elu(SELU_ALPHA).mul(SELU_SCALE);
            case SOFTPLUS -> x.softplus();
            case SOFTSIGN -> x.div(x.abs().add(1.0));
            case SILU -> x.silu();
            case LEAKY_RELU -> x.leakyRelu(0.2);
            case RELU6 -> x.clamp(0, 6);
            case HARD_SIGMOID -> x.add(3.0).clamp(0, 6).div(6.0);
            case MISH -> x.mul(x.softplus().tanh());
            case EXPONENTIAL -> x.exp();
        };
    }

    /**
     * The activation named {@code name} (case-insensitive; {@code null} or {@code ""} is
     * {@code linear}; {@code swish} is {@code silu}). Unknown names fail with the list of known ones.
     */
    public static Activations get(String name) {
        if (name == null || name.isEmpty()) return LINEAR;
        String n = name.toLowerCase(Locale.ROOT);
        if (n.equals("swish")) return SILU;
        for (Activations a : values()) {
            if (a.kerasName.equals(n)) return a;
        }
        throw new IllegalArgumentException("unknown activation '" + name + "'; known activations: "
                + Arrays.stream(values()).map(Activations::kerasName).collect(Collectors.joining(", ")) + " (and swish)");
    }
}
