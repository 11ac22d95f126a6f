package dev.kona.nn;

import dev.kona.Tensor;
import dev.kona.autograd.Autograd;

/**
 * A multi-layer Elman recurrent network, as PyTorch's {@code nn.RNN}: at each step, for each layer,
 * {@code h' = act(W_ih x + b_ih + W_hh h + b_hh)} with act tanh (the default) or relu.
 * Input {@code [T, B, inputSize]} ({@code [B, T, inputSize]} with {@code batchFirst},
 * {@code [T, inputSize]} unbatched); output {@code [T, B, D*hiddenSize]}, D = 2 when bidirectional.
 * Parameters carry PyTorch's names ({@code weight_ih_l0}, {@code weight_hh_l0}...; see {@link RNNBase}).
 *
 * <pre>{@code
 * var rnn = new RNN(10, 20, "relu", RNNOptions.defaults().numLayers(2));
 * RNNOutput r = rnn.call(Tensor.randn(5, 3, 10), Tensor.zeros(2, 3, 20));
 * r.output();   // [5, 3, 20]
 * r.hN();       // [2, 3, 20]
 * }</pre>
 */
public final class RNN extends RNNBase {

    /** One tanh layer with PyTorch's defaults. */
    public RNN(int inputSize, int hiddenSize) {
        this(inputSize, hiddenSize, "tanh", RNNOptions.defaults());
    }

    /** {@code numLayers} stacked tanh layers, otherwise PyTorch's defaults. */
    public RNN(int inputSize, int hiddenSize, int numLayers) {
        this(inputSize, hiddenSize, "tanh", RNNOptions.defaults().numLayers(numLayers));
    }

    /** @param nonlinearity {@code "tanh"} or {@code "relu"} */
    public RNN(int inputSize, int hiddenSize, String nonlinearity, RNNOptions options) {
        super(Recurrent.Mode.rnn("RNN", nonlinearity), inputSize, hiddenSize, options);
    }

    /** {@code "tanh"} or {@code "relu"}. */
    public String nonlinearity() {
        return mode.nonlinearity();
    }

    /**
     * Runs the network from the given initial state and returns the output and the final state.
     *
     * @param input the sequence, {@code [T, B, inputSize]} ({@code [B, T, inputSize]} batch first, {@code [T, inputSize]} unbatched)
     * @param h0    the initial hidden states {@code [layers*D, B, hiddenSize]} ({@code [layers*D, hiddenSize]} unbatched), or null for zeros
     */
    public RNNOutput call(Tensor input, Tensor h0) {
        try (var scope = Autograd.modulePath(path())) {
            Tensor[] r = run(input, h0, null);
            return new RNNOutput(r[0], r[1]);
        }
    }
}
