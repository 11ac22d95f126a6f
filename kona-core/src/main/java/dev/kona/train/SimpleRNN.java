package dev.kona.train;

import dev.kona.Tensor;
import dev.kona.nn.RecurrentFunctional;
import java.util.Map;

/**
 * Keras's {@code SimpleRNN}: {@code h_t = activation(x_t · kernel + h_{t-1} · recurrent_kernel + bias)}
 * over {@code [batch, timesteps, features]}; activation {@code "tanh"} (default) or {@code "relu"}.
 * Weights {@code kernel [features, units]}, {@code recurrent_kernel [units, units]}, {@code bias
 * [units]}. See {@link RecurrentLayer} for outputs and states.
 *
 * <pre>{@code
 * new SimpleRNN(32).call(Tensor.randn(4, 10, 8)).shape();   // [4, 32]; 8*32 + 32*32 + 32 = 1,312 parameters
 * }</pre>
 */
public final class SimpleRNN extends RecurrentLayer {
    private final String activation;

    public SimpleRNN(int units) {
        this(units, "tanh", false, false, true);
    }

    public SimpleRNN(int units, boolean returnSequences) {
        this(units, "tanh", returnSequences, false, true);
    }

    public SimpleRNN(int units, String activation, boolean returnSequences, boolean goBackwards, boolean useBias) {
        super(units, 1, returnSequences, goBackwards, useBias);
        if (!"tanh".equals(activation) && !"relu".equals(activation)) {
            throw new IllegalArgumentException("SimpleRNN: activation must be \"tanh\" or \"relu\", got \"" + activation + "\"");
        }
        this.activation = activation;
    }

    @Override
    Tensor[] scan(Tensor x, boolean reverse) {
        Tensor b = useBias ? param("bias") : null;
        Tensor zeros = b == null ? null : Tensor.zeros(new int[] {units}, b.dtype(), b.device());
        return RecurrentFunctional.scan("rnn_" + activation, x, null, null, param("kernel").t(), param("recurrent_kernel").t(), b,
                zeros, reverse);
    }

    @Override
    public Map<String, Object> getConfig() {
        var c = super.getConfig();
        c.put("activation", activation);
        return c;
    }
}
