package dev.kona.nn;

import dev.kona.Generator;
import dev.kona.Tensor;
import dev.kona.autograd.Autograd;

/**
 * One step of a {@link GRU}, as PyTorch's {@code nn.GRUCell}: gates r, z from
 * {@code W_ih x + b_ih + W_hh h + b_hh}, {@code n = tanh(W_in x + b_in + r*(W_hn h + b_hn))},
 * {@code h' = (1-z)*n + z*h}. Input {@code [B, inputSize]} (or {@code [inputSize]}); state
 * {@code [B, hiddenSize]}.
 *
 * <pre>{@code
 * var cell = new GRUCell(10, 20);
 * Tensor h = cell.call(Tensor.randn(3, 10), null);   // [3, 20], from a zero state
 * h = cell.call(Tensor.randn(3, 10), h);
 * }</pre>
 */
public final class GRUCell extends RNNCellBase {

    public GRUCell(int inputSize, int hiddenSize) {
        this(inputSize, hiddenSize, true, null);
    }

    /**
     * @param bias      whether the cell has {@code bias_ih} and {@code bias_hh}
     * @param generator the source of the initial weights (null: the global generator)
     */
    public GRUCell(int inputSize, int hiddenSize, boolean bias, Generator generator) {
        super(Recurrent.Mode.GRU, inputSize, hiddenSize, bias, generator);
    }

    /** One step from state h ({@code [B, hiddenSize]}, or null for zeros); returns h'. */
    public Tensor call(Tensor input, Tensor h) {
        try (var scope = Autograd.modulePath(path())) {
            return step(input, h, null)[0];
        }
    }
}
