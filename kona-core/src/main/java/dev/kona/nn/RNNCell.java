package dev.kona.nn;

import dev.kona.Generator;
import dev.kona.Tensor;
import dev.kona.autograd.Autograd;

/**
 * One step of an {@link RNN}, as PyTorch's {@code nn.RNNCell}:
 * {@code h' = act(W_ih x + b_ih + W_hh h + b_hh)}, act tanh (the default) or relu. Input
 * {@code [B, inputSize]} (or {@code [inputSize]}); state {@code [B, hiddenSize]}.
 *
 * <pre>{@code
 * var cell = new RNNCell(10, 20);
 * Tensor h = cell.call(Tensor.randn(3, 10), null);   // [3, 20], from a zero state
 * }</pre>
 */
public final class RNNCell extends RNNCellBase {

    public RNNCell(int inputSize, int hiddenSize) {
        this(inputSize, hiddenSize, true, "tanh", null);
    }

    /**
     * @param bias         whether the cell has {@code bias_ih} and {@code bias_hh}
     * @param nonlinearity {@code "tanh"} or {@code "relu"}
     * @param generator    the source of the initial weights (null: the global generator)
     */
    public RNNCell(int inputSize, int hiddenSize, boolean bias, String nonlinearity, Generator generator) {
        super(Recurrent.Mode.rnn("RNNCell", nonlinearity), inputSize, hiddenSize, bias, generator);
    }

    /** {@code "tanh"} or {@code "relu"}. */
    public String nonlinearity() {
        return mode.nonlinearity();
    }

    /** One step from state h ({@code [B, hiddenSize]}, or null for zeros); returns h'. */
    public Tensor call(Tensor input, Tensor h) {
        try (var scope = Autograd.modulePath(path())) {
            return step(input, h, null)[0];
        }
    }
}
