package dev.kona.nn;

import dev.kona.Tensor;
import dev.kona.autograd.Autograd;

/**
 * A multi-layer gated recurrent unit network, as PyTorch's {@code nn.GRU}. At each step, for each
 * layer:
 * <pre>
 * r = σ(W_ir x + b_ir + W_hr h + b_hr)     z = σ(W_iz x + b_iz + W_hz h + b_hz)
 * n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
 * h' = (1 - z) * n + z * h
 * </pre>
 * Input {@code [T, B, inputSize]} ({@code [B, T, inputSize]} with {@code batchFirst},
 * {@code [T, inputSize]} unbatched); output {@code [T, B, D*hiddenSize]}, D = 2 when bidirectional.
 * The weights stack the gates in the order r, z, n under PyTorch's names (see {@link RNNBase}).
 *
 * <pre>{@code
 * var gru = new GRU(10, 20, RNNOptions.defaults().bidirectional(true).batchFirst(true));
 * RNNOutput r = gru.call(Tensor.randn(3, 5, 10), null);     // B=3, T=5
 * r.output();                                              // [3, 5, 40]
 * r.hN();                                                  // [2, 3, 20]
 * }</pre>
 */
public final class GRU extends RNNBase {

    /** One layer with PyTorch's defaults. */
    public GRU(int inputSize, int hiddenSize) {
        this(inputSize, hiddenSize, RNNOptions.defaults());
    }

    /** {@code numLayers} stacked layers, otherwise PyTorch's defaults. */
    public GRU(int inputSize, int hiddenSize, int numLayers) {
        this(inputSize, hiddenSize, RNNOptions.defaults().numLayers(numLayers));
    }

    public GRU(int inputSize, int hiddenSize, RNNOptions options) {
        super(Recurrent.Mode.GRU, inputSize, hiddenSize, options);
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
