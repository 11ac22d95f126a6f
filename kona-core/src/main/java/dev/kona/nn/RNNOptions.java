package dev.kona.nn;

import dev.kona.Generator;

/**
 * The configuration of {@link RNN}, {@link LSTM} and {@link GRU} beyond the sizes, with PyTorch's
 * defaults: one layer, biases, time-major input, no dropout, one direction. Start from
 * {@link #defaults()} and change what you need; each call returns a new value.
 *
 * <pre>{@code
 * var lstm = new LSTM(10, 20, RNNOptions.defaults().numLayers(2).bidirectional(true).batchFirst(true).dropout(0.1));
 * }</pre>
 *
 * @param numLayers     stacked layers, each reading the previous one's output (at least 1)
 * @param bias          whether the layers have the biases {@code bias_ih_l*} and {@code bias_hh_l*}
 * @param batchFirst    input and output as {@code [B, T, features]} instead of {@code [T, B, features]}
 *                      (the states {@code h0}/{@code hN} stay {@code [layers*directions, B, H]}, as in PyTorch)
 * @param dropout       probability of dropout on the output of every layer but the last, in training, in [0, 1)
 * @param bidirectional whether each layer also runs backwards in time; outputs are then {@code 2*H} wide
 * @param generator     the source of the initial weights (null: the global generator)
 */
public record RNNOptions(int numLayers, boolean bias, boolean batchFirst, double dropout, boolean bidirectional,
                         Generator generator) {

    public RNNOptions {
        if (numLayers < 1) throw new IllegalArgumentException("RNNOptions: numLayers must be >= 1, got " + numLayers);
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("RNNOptions: dropout must be in [0, 1), got " + dropout);
        }
    }

    /** PyTorch's defaults: one layer, biases, {@code [T, B, features]}, no dropout, one direction. */
    public static RNNOptions defaults() {
        return new RNNOptions(1, true, false, 0, false, null);
    }

    public RNNOptions numLayers(int numLayers) {
        return new RNNOptions(numLayers, bias, batchFirst, dropout, bidirectional, generator);
    }

    public RNNOptions bias(boolean bias) {
        return new RNNOptions(numLayers, bias, batchFirst, dropout, bidirectional, generator);
    }

    public RNNOptions batchFirst(boolean batchFirst) {
        return new RNNOptions(numLayers, bias, batchFirst, dropout, bidirectional, generator);
    }

    public RNNOptions dropout(double dropout) {
        return new RNNOptions(numLayers, bias, batchFirst, dropout, bidirectional, generator);
    }

    public RNNOptions bidirectional(boolean bidirectional) {
        return new RNNOptions(numLayers, bias, batchFirst, dropout, bidirectional, generator);
    }

    public RNNOptions generator(Generator generator) {
        return new RNNOptions(numLayers, bias, batchFirst, dropout, bidirectional, generator);
    }

    /** 2 when bidirectional, else 1. */
    public int numDirections() {
        return bidirectional ? 2 : 1;
    }
}
