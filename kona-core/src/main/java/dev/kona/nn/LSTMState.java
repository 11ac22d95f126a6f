package dev.kona.nn;

import dev.kona.Tensor;

/**
 * The state an {@link LSTMCell} step returns: PyTorch's {@code (h', c')}, each {@code [B, hiddenSize]}
 * ({@code [hiddenSize]} unbatched).
 */
public record LSTMState(Tensor h, Tensor c) {}
