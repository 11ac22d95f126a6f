package dev.kona.train;

import dev.kona.Tensor;
import dev.kona.nn.RecurrentFunctional;

/**
 * Keras's {@code LSTM} (activation tanh, recurrent activation sigmoid, as Keras 3's defaults) over
 * {@code [batch, timesteps, features]}. Weights in Keras's layout and gate order i, f, c, o:
 * {@code kernel [features, 4*units]}, {@code recurrent_kernel [units, 4*units]}, {@code bias
 * [4*units]} (the forget gate's quarter starts at one: Keras's {@code unit_forget_bias}). Keras's
 * order is PyTorch's i, f, g, o, so the scan takes the kernels' transposed views as they are. See
 * {@link RecurrentLayer} for outputs and states ({@code [output, h, c]}).
 *
 * <pre>{@code
 * new LSTM(64).call(Tensor.randn(4, 10, 8)).shape();   // [4, 64]; 4*(8*64 + 64*64 + 64) = 18,688 parameters
 * }</pre>
 */
public final class LSTM extends RecurrentLayer {
    public LSTM(int units) {
        this(units, false, false, true);
    }

    public LSTM(int units, boolean returnSequences) {
        this(units, returnSequences, false, true);
    }

    public LSTM(int units, boolean returnSequences, boolean goBackwards, boolean useBias) {
        super(units, 4, returnSequences, goBackwards, useBias);
    }

    @Override
    void initBias(Tensor bias) {
        bias.narrow(0, units, units).copyFrom(Tensor.ones(new int[] {units}, bias.dtype(), bias.device()));
    }

    @Override
    Tensor[] scan(Tensor x, boolean reverse) {
        Tensor b = useBias ? param("bias") : null;
        Tensor zeros = b == null ? null : Tensor.zeros(new int[] {4 * units}, b.dtype(), b.device());
        return RecurrentFunctional.scan("lstm", x, null, null, param("kernel").t(), param("recurrent_kernel").t(), b, zeros, reverse);
    }
}
