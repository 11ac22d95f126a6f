package dev.kona.nn;

import dev.kona.Tensor;

/**
 * What {@link LSTM} returns: PyTorch's {@code (output, (h_n, c_n))}.
 *
 * @param output the last layer's hidden state at every step, {@code [T, B, D*H]} ({@code [B, T, D*H]}
 *               batch first, {@code [T, D*H]} unbatched), the two directions side by side
 * @param hN     every layer's and direction's final hidden state, {@code [layers*D, B, H]}
 *               ({@code [layers*D, H]} unbatched), ordered layer 0 forward, layer 0 reverse, layer 1...
 * @param cN     the final cell states, shaped and ordered as {@code hN}
 */
public record LSTMOutput(Tensor output, Tensor hN, Tensor cN) {}
