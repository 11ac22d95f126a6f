package dev.kona.train;

import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.nn.Init;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Keras's weight initialisers by name, with Keras's fan convention: a kernel is
 * {@code [..., fanIn, fanOut]} (Dense: {@code [inputs, units]}). Random ones draw from the global
 * generator, so {@code Kona.manualSeed} makes them reproducible.
 *
 * <pre>{@code
 * Initializers.get("glorot_uniform").initialize(w);   // U(-l, l), l = sqrt(6 / (fanIn + fanOut))
 * new Dense(64, "relu").kernelInitializer("he_normal");
 * }</pre>
 */
public enum Initializers {
    /** U(-l, l) with l = sqrt(6 / (fanIn + fanOut)): Dense's default kernel. */
    GLOROT_UNIFORM("glorot_uniform"),
    /** Truncated normal (2 std) with std = sqrt(2 / (fanIn + fanOut)) / 0.8796. */
    GLOROT_NORMAL("glorot_normal"),
    /** U(-l, l) with l = sqrt(6 / fanIn). */
    HE_UNIFORM("he_uniform"),
    /** Truncated normal with std = sqrt(2 / fanIn) / 0.8796. */
    HE_NORMAL("he_normal"),
    /** U(-l, l) with l = sqrt(3 / fanIn). */
    LECUN_UNIFORM("lecun_uniform"),
    /** Truncated normal with std = sqrt(1 / fanIn) / 0.8796. */
    LECUN_NORMAL("lecun_normal"),
    /** N(0, 0.05²). */
    RANDOM_NORMAL("random_normal"),
    /** U(-0.05, 0.05). */
    RANDOM_UNIFORM("random_uniform"),
    /** All zeros: Dense's default bias. */
    ZEROS("zeros"),
    ONES("ones"),
    /** An orthogonal matrix (rows or columns orthonormal): recurrent kernels' default. */
    ORTHOGONAL("orthogonal");

    // The std of a standard normal truncated to [-2, 2]: Keras divides by it to keep the variance.
    private static final double TRUNCATED_STD = 0.87962566103423978;

    private final String kerasName;

    Initializers(String kerasName) {
        this.kerasName = kerasName;
    }

    public String kerasName() {
        return kerasName;
    }

    /** Overwrites {@code w} in place with values drawn for its shape; returns it. */
    public Tensor initialize(Tensor w) {
        if (w.numel() == 0) return w;
        return switch (this) {
            case ZEROS -> Init.zeros(w);
            case ONES -> Init.ones(w);
            case ORTHOGONAL -> Init.orthogonal(w);
            case RANDOM_NORMAL -> Init.normal(w, 0, 0.05);
            case RANDOM_UNIFORM -> Init.uniform(w, -0.05, 0.05);
            case GLOROT_UNIFORM -> uniform(w, 6.0 / (fanIn(w) + fanOut(w)));
            case HE_UNIFORM -> uniform(w, 6.0 / fanIn(w));
            case LECUN_UNIFORM -> uniform(w, 3.0 / fanIn(w));
            case GLOROT_NORMAL -> truncated(w, 2.0 / (fanIn(w) + fanOut(w)));
            case HE_NORMAL -> truncated(w, 2.0 / fanIn(w));
            case LECUN_NORMAL -> truncated(w, 1.0 / fanIn(w));
        };
    }

    private static Tensor uniform(Tensor w, double limitSquared) {
        double limit = Math.sqrt(limitSquared);
        return Init.uniform(w, -limit, limit);
    }

    private static Tensor truncated(Tensor w, double variance) {
        double std = Math.sqrt(variance) / TRUNCATED_STD;
        return Init.truncNormal(w, 0, std, -2 * std, 2 * std);
    }

    /** Keras's {@code compute_fans}: the receptive field times the second-to-last (in) or last (out) size. */
    static double fanIn(Tensor w) {
        int[] s = w.shape();
        if (s.length < 1) return 1;
        if (s.length == 1) return s[0];
        return (double) s[s.length - 2] * receptive(s);
    }

    static double fanOut(Tensor w) {
        int[] s = w.shape();
        if (s.length < 1) return 1;
        if (s.length == 1) return s[0];
        return (double) s[s.length - 1] * receptive(s);
    }

    private static long receptive(int[] s) {
        return Shape.numel(Arrays.copyOf(s, s.length - 2));
    }

    /** The initialiser named {@code name} (case-insensitive); unknown names fail with the list. */
    public static Initializers get(String name) {
        String n = name == null ? "" : name.toLowerCase(Locale.ROOT);
        for (Initializers i : values()) {
            if (i.kerasName.equals(n)) return i;
        }
        throw new IllegalArgumentException("unknown initializer '" + name + "'; known initializers: "
                + Arrays.stream(values()).map(Initializers::kerasName).collect(Collectors.joining(", ")));
    }
}
