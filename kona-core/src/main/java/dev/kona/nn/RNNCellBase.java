package dev.kona.nn;

import dev.kona.DType;
import dev.kona.Generator;
import dev.kona.Shape;
import dev.kona.Tensor;

/**
 * What {@link RNNCell}, {@link LSTMCell} and {@link GRUCell} share: one time step of the matching
 * layer, with PyTorch's parameters {@code weight_ih [gates*H, in]}, {@code weight_hh [gates*H, H]},
 * {@code bias_ih} and {@code bias_hh [gates*H]}, initialised from U(-1/√H, 1/√H). Input
 * {@code [B, inputSize]} or unbatched {@code [inputSize]}; states {@code [B, hiddenSize]} or
 * {@code [hiddenSize]}. The step is recorded op by op by autograd (the layers run whole
 * sequences faster).
 */
public abstract sealed class RNNCellBase extends Module permits RNNCell, LSTMCell, GRUCell {
    final Recurrent.Mode mode;
    private final int inputSize;
    private final int hiddenSize;
    private final boolean hasBias;

    RNNCellBase(Recurrent.Mode mode, int inputSize, int hiddenSize, boolean bias, Generator generator) {
        if (inputSize < 1 || hiddenSize < 1) {
            throw new IllegalArgumentException(cellName(mode) + ": expected positive sizes, got input_size=" + inputSize
                    + ", hidden_size=" + hiddenSize);
        }
        this.mode = mode;
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.hasBias = bias;
        int rows = mode.gates * hiddenSize;
        registerParameter("weight_ih", Tensor.empty(rows, inputSize));
        registerParameter("weight_hh", Tensor.empty(rows, hiddenSize));
        if (bias) {
            registerParameter("bias_ih", Tensor.empty(rows));
            registerParameter("bias_hh", Tensor.empty(rows));
        }
        resetParameters(generator);
    }

    private static String cellName(Recurrent.Mode mode) {
        return mode.layerName + "Cell";
    }

    /** Re-draws every parameter from U(-1/√H, 1/√H), as the constructor does. */
    public void resetParameters(Generator generator) {
        double bound = 1 / Math.sqrt(hiddenSize);
        for (Tensor p : parameters()) Init.uniform(p, -bound, bound, generator);
    }

    public int inputSize() {
        return inputSize;
    }

    public int hiddenSize() {
        return hiddenSize;
    }

    /** {@code [gates*H, inputSize]}. */
    public Tensor weightIh() {
        return param("weight_ih");
    }

    /** {@code [gates*H, hiddenSize]}. */
    public Tensor weightHh() {
        return param("weight_hh");
    }

    /** {@code [gates*H]}, or null without biases. */
    public Tensor biasIh() {
        return hasBias ? param("bias_ih") : null;
    }

    /** {@code [gates*H]}, or null without biases. */
    public Tensor biasHh() {
        return hasBias ? param("bias_hh") : null;
    }

    /** The new hidden state from a zero state: {@code [B, hiddenSize]} (or {@code [hiddenSize]}). */
    @Override
    public Tensor forward(Tensor input) {
        return step(input, null, null)[0];
    }

    /** One step; h and c (LSTM only) may be null for zeros. Returns {h'} or {h', c'}. */
    final Tensor[] step(Tensor input, Tensor h, Tensor c) {
        String who = cellName(mode);
        if (input == null) throw new IllegalArgumentException(who + ": input is null");
        if ((input.dim() != 1 && input.dim() != 2) || input.size(-1) != inputSize) {
            throw new IllegalArgumentException(who + ": expected input [B, " + inputSize + "] or unbatched [" + inputSize
                    + "], got " + Shape.format(input.shape()));
        }
        DType dt = weightIh().dtype();
        if (input.dtype() != dt) {
            throw new IllegalArgumentException(who + ": input is " + input.dtype() + " but the parameters are " + dt
                    + " (convert one of them: input.to(" + dt + ") or module.to(" + input.dtype() + "))");
        }
        if (!input.device().equals(weightIh().device())) {
            throw new IllegalArgumentException(who + ": input is on " + input.device() + " but the parameters are on "
                    + weightIh().device() + " (move the input with x.to(module.device()))");
        }
        int[] stateShape = input.dim() == 2 ? new int[] {input.size(0), hiddenSize} : new int[] {hiddenSize};
        h = state(who, "h", h, stateShape, input);
        if (mode == Recurrent.Mode.LSTM) c = state(who, "c", c, stateShape, input);
        return Recurrent.cell(mode, input, h, c, weightIh(), weightHh(), biasIh(), biasHh());
    }

    private static Tensor state(String who, String name, Tensor s, int[] shape, Tensor input) {
        if (s == null) return Tensor.zeros(shape, input.dtype(), input.device());
        if (!java.util.Arrays.equals(s.shape(), shape)) {
            throw new IllegalArgumentException(who + ": expected " + name + " " + Shape.format(shape) + " for input "
                    + Shape.format(input.shape()) + ", got " + Shape.format(s.shape()));
        }
        if (s.dtype() != input.dtype()) {
            throw new IllegalArgumentException(who + ": " + name + " is " + s.dtype() + " but the input is " + input.dtype());
        }
        if (!s.device().equals(input.device())) {
            throw new IllegalArgumentException(who + ": " + name + " is on " + s.device() + " but the input is on " + input.device());
        }
        return s;
    }

    @Override
    protected String extraRepr() {
        return inputSize + ", " + hiddenSize + (hasBias ? "" : ", bias=false")
                + (mode == Recurrent.Mode.RNN_RELU ? ", nonlinearity='relu'" : "");
    }
}
