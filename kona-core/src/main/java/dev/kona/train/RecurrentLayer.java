package dev.kona.train;

import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.nn.RecurrentFunctional;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@link SimpleRNN}, {@link LSTM} and {@link GRU} share: Keras's arguments (units,
 * returnSequences, goBackwards), Keras's weights ({@code kernel [features, gates*units]},
 * {@code recurrent_kernel [units, gates*units]}, {@code bias}) and gate layouts, so that weights
 * load from Keras as they are, over batch-first inputs {@code [batch, timesteps, features]}.
 *
 * <p>The scan is the nn modules' ({@link RecurrentFunctional#scan}, backpropagation through time
 * written by hand); it takes PyTorch's layout, so the layer passes transposed views of its kernels
 * (no copy) and, for the GRU, reorders Keras's gates z, r, h into PyTorch's r, z, n.
 *
 * <p>Output: {@code [batch, units]} (the last state), or every step's {@code [batch, timesteps,
 * units]} with {@code returnSequences}. With {@code goBackwards} the sequence is read from its end
 * and, as in Keras, the returned sequence is in the order it was read. The final states are
 * available with {@link #callWithStates} (Keras's {@code return_state}).
 */
public abstract sealed class RecurrentLayer extends Layer permits SimpleRNN, LSTM, GRU {
    final int units;
    final boolean returnSequences;
    final boolean goBackwards;
    final boolean useBias;
    private final int gates;
    private int features = -1;

    RecurrentLayer(int units, int gates, boolean returnSequences, boolean goBackwards, boolean useBias) {
        if (units <= 0) throw new IllegalArgumentException(className() + ": units must be positive, got " + units);
        this.units = units;
        this.gates = gates;
        this.returnSequences = returnSequences;
        this.goBackwards = goBackwards;
        this.useBias = useBias;
    }

    public int units() {
        return units;
    }

    /** The bias's shape: {@code [gates*units]}; the GRU's {@code [2, 3*units]}. */
    int[] biasShape() {
        return new int[] {gates * units};
    }

    /** The bias's initial values (zeros; the LSTM's forget gate starts at one). */
    void initBias(Tensor bias) {}

    @Override
    protected void build(int[] inputShape) {
        if (inputShape.length != 3 || inputShape[2] < 0) {
            throw new IllegalArgumentException(describe() + ": expected inputs of shape (None, timesteps, features) with a known "
                    + "number of features, got " + KerasTensor.format(inputShape));
        }
        features = inputShape[2];
        addWeight("kernel", new int[] {features, gates * units}, Initializers.GLOROT_UNIFORM);
        addWeight("recurrent_kernel", new int[] {units, gates * units}, Initializers.ORTHOGONAL);
        if (useBias) {
            Tensor b = addWeight("bias", biasShape(), Initializers.ZEROS);
            try (var g = dev.kona.autograd.GradMode.noGrad()) {
                initBias(b);
            }
        }
    }

    @Override
    protected int[] computeOutputShape(int[] inputShape) {
        if (inputShape.length != 3 || (features >= 0 && inputShape[2] != features)) {
            throw new IllegalArgumentException(describe() + ": expected inputs (None, timesteps, " + (features < 0 ? "features" : features)
                    + "), got " + KerasTensor.format(inputShape));
        }
        return returnSequences ? new int[] {inputShape[0], inputShape[1], units} : new int[] {inputShape[0], units};
    }

    /** Runs the scan: {outputs [B, T, units] in time order, hN, cN or null}. */
    abstract Tensor[] scan(Tensor x, boolean reverse);

    @Override
    protected Tensor call(Tensor inputs, boolean training) {
        return callWithStates(inputs).get(0);
    }

    /**
     * The output and the final states, as Keras's {@code return_state=True}: {@code [output, h]}
     * ({@code [output, h, c]} for the LSTM), each state {@code [batch, units]}.
     */
    public final List<Tensor> callWithStates(Tensor inputs) {
        if (!isBuilt()) ensureBuilt(inputs.shape());
        if (inputs.dim() != 3 || inputs.size(2) != features) {
            throw new IllegalArgumentException(describe() + ": expected inputs [batch, timesteps, " + features + "], got shape "
                    + Shape.format(inputs.shape()));
        }
        Tensor[] r = scan(inputs, goBackwards);
        Tensor output;
        if (!returnSequences) output = r[1];
        else if (goBackwards) {
            int t = inputs.size(1);
            output = r[0].indexSelect(1, Tensor.arange(t - 1, -1, -1, inputs.device()));
        } else output = r[0];
        List<Tensor> res = new ArrayList<>();
        res.add(output);
        res.add(r[1]);
        if (r[2] != null) res.add(r[2]);
        return res;
    }

    @Override
    public Map<String, Object> getConfig() {
        var c = super.getConfig();
        c.put("units", (long) units);
        c.put("return_sequences", returnSequences);
        c.put("go_backwards", goBackwards);
        c.put("use_bias", useBias);
        return c;
    }

    @Override
    protected String extraRepr() {
        return "units=" + units + ", return_sequences=" + returnSequences + ", go_backwards=" + goBackwards;
    }
}
