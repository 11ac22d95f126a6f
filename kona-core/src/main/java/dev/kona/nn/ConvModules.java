package dev.kona.nn;

import dev.kona.Generator;
import dev.kona.Tensor;
import java.util.Arrays;

/** What the convolution and pooling modules share: PyTorch's initialisation and repr formats. */
final class ConvModules {
    private ConvModules() {}

    /**
     * PyTorch's {@code _ConvNd.reset_parameters}: {@code kaiming_uniform_(weight, a=√5)}, which is
     * U(-1/√fanIn, 1/√fanIn), and the bias from the same range; fanIn = weight.size(1)·kh·kw.
     */
    static void initialize(Tensor weight, Tensor bias, Generator generator) {
        if (weight.numel() > 0) Init.kaimingUniform(weight, Math.sqrt(5), Init.Mode.FAN_IN, "leaky_relu", generator);
        if (bias != null) {
            int fanIn = Init.fans(weight).fanIn();
            double bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
            Init.uniform(bias, -bound, bound, generator);
        }
    }

    /** A Python tuple: {@code (3, 3)}, {@code (3,)}. */
    static String tuple(int... v) {
        if (v.length == 1) return "(" + v[0] + ",)";
        return "(" + String.join(", ", Arrays.stream(v).mapToObj(Integer::toString).toList()) + ")";
    }

    /** A pooling argument as the user gave it: {@code 2} for one value, {@code (2, 3)} for two. */
    static String asGiven(int[] v) {
        return v.length == 1 ? Integer.toString(v[0]) : tuple(v);
    }

    static boolean all(int[] v, int value) {
        return Arrays.stream(v).allMatch(x -> x == value);
    }

    /** Fails unless the channel counts are positive and divisible by groups. */
    static void checkChannels(String who, int in, int out, int groups) {
        if (in <= 0 || out <= 0 || groups <= 0) {
            throw new IllegalArgumentException(who + ": expected positive in_channels, out_channels and groups, got "
                    + in + ", " + out + ", " + groups);
        }
        if (in % groups != 0) {
            throw new IllegalArgumentException(who + ": in_channels (" + in + ") must be divisible by groups (" + groups + ")");
        }
        if (out % groups != 0) {
            throw new IllegalArgumentException(who + ": out_channels (" + out + ") must be divisible by groups (" + groups + ")");
        }
    }
}
