package dev.kona.nn;

import dev.kona.Tensor;
import dev.kona.autograd.Autograd;

/**
 * A multi-layer long short-term memory network, as PyTorch's {@code nn.LSTM}. At each step, for
 * each layer:
 * <pre>
 * i = σ(W_ii x + b_ii + W_hi h + b_hi)     f = σ(W_if x + b_if + W_hf h + b_hf)
 * g = tanh(W_ig x + b_ig + W_hg h + b_hg)  o = σ(W_io x + b_io + W_ho h + b_ho)
 * c' = f * c + i * g                       h' = o * tanh(c')
 * </pre>
 * Input {@code [T, B, inputSize]} ({@code [B, T, inputSize]} with {@code batchFirst},
 * {@code [T, inputSize]} unbatched); output {@code [T, B, D*hiddenSize]}, D = 2 when bidirectional.
 * The weights stack the gates in the order i, f, g, o and carry PyTorch's names
 * ({@code weight_ih_l0}, {@code weight_hh_l0}, {@code bias_ih_l0}, {@code bias_hh_l0},
 * {@code weight_ih_l0_reverse}...; see {@link RNNBase}), so PyTorch state dicts load as they are.
 *
 * <pre>{@code
 * var lstm = new LSTM(10, 20, RNNOptions.defaults().numLayers(2));
 * Tensor x = Tensor.randn(5, 3, 10);                         // T=5, B=3
 * LSTMOutput r = lstm.call(x, null, null);                   // zero initial states
 * r.output();                                                // [5, 3, 20]
 * r.hN(); r.cN();                                            // [2, 3, 20] each
 * LSTMOutput next = lstm.call(x, r.hN(), r.cN());            // carry the state on
 * }</pre>
 */
public final class LSTM extends RNNBase {

    /** One layer with PyTorch's defaults. */
    public LSTM(int inputSize, int hiddenSize) {
        this(inputSize, hiddenSize, RNNOptions.defaults());
    }

    /** {@code numLayers} stacked layers, otherwise PyTorch's defaults. */
    public LSTM(int inputSize, int hiddenSize, int numLayers) {
        this(inputSize, hiddenSize, RNNOptions.defaults().numLayers(numLayers));
    }

    public LSTM(int inputSize, int hiddenSize, RNNOptions options) {
        super(Recurrent.Mode.LSTM, inputSize, hiddenSize, options);
    }

    /**
     * Runs the network from the given initial states and returns the output and the final states.
     *
     * @param input the sequence, {@code [T, B, inputSize]} ({@code [B, T, inputSize]} batch first, {@code [T, inputSize]} unbatched)
     * @param h0    the initial hidden states {@code [layers*D, B, hiddenSize]} ({@code [layers*D, hiddenSize]} unbatched), or null for zeros
     * @param c0    the initial cell states, shaped as h0, or null for zeros
     */
    public LSTMOutput call(Tensor input, Tensor h0, Tensor c0) {
        try (var scope = Autograd.modulePath(path())) {
            Tensor[] r = run(input, h0, c0);
            return new LSTMOutput(r[0], r[1], r[2]);
        }
    }
}
