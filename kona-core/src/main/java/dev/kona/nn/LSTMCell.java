package dev.kona.nn;

import dev.kona.Generator;
import dev.kona.Tensor;
import dev.kona.autograd.Autograd;

/**
 * One step of an {@link LSTM}, as PyTorch's {@code nn.LSTMCell}: gates i, f, g, o from
 * {@code W_ih x + b_ih + W_hh h + b_hh}, then {@code c' = f*c + i*g} and {@code h' = o*tanh(c')}.
 * Input {@code [B, inputSize]} (or {@code [inputSize]}); states {@code [B, hiddenSize]}.
 *
 * <pre>{@code
 * var cell = new LSTMCell(10, 20);
 * LSTMState s = new LSTMState(Tensor.zeros(3, 20), Tensor.zeros(3, 20));
 * for (Tensor xt : x.split(1, 0)) s = cell.call(xt.squeeze(0), s.h(), s.c());   // x [T, 3, 10]
 * }</pre>
 */
public final class LSTMCell extends RNNCellBase {

    public LSTMCell(int inputSize, int hiddenSize) {
        this(inputSize, hiddenSize, true, null);
    }

    /**
     * @param bias      whether the cell has {@code bias_ih} and {@code bias_hh}
     * @param generator the source of the initial weights (null: the global generator)
     */
    public LSTMCell(int inputSize, int hiddenSize, boolean bias, Generator generator) {
        super(Recurrent.Mode.LSTM, inputSize, hiddenSize, bias, generator);
    }

    /** One step from states h and c ({@code [B, hiddenSize]}, or null for zeros). */
    public LSTMState call(Tensor input, Tensor h, Tensor c) {
        try (var scope = Autograd.modulePath(path())) {
            Tensor[] r = step(input, h, c);
            return new LSTMState(r[0], r[1]);
        }
    }
}
