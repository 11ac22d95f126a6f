package dev.kona.nn;

import dev.kona.DType;
import dev.kona.Shape;
import dev.kona.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link RNN}, {@link LSTM} and {@link GRU} share: the configuration, the parameters under
 * PyTorch's names, the checks of the input and the initial states, and the loop over layers and
 * directions.
 *
 * <p>Parameters, for each layer {@code k} and direction (suffix {@code _reverse} for the backward
 * one), in PyTorch's order: {@code weight_ih_lk [gates*H, in]} (in = inputSize for layer 0, else
 * {@code directions*H}), {@code weight_hh_lk [gates*H, H]}, {@code bias_ih_lk [gates*H]},
 * {@code bias_hh_lk [gates*H]}; gates is 1 (RNN), 4 (LSTM: i, f, g, o) or 3 (GRU: r, z, n). All
 * are initialised from U(-1/√H, 1/√H), as PyTorch does, so a PyTorch state dict loads as is.
 *
 * <p>Speed: each layer and direction computes the input projection of every step in one product
 * ({@code [T*B, in] x [in, gates*H]}), then at each step one {@code [B, H] x [H, gates*H]} product
 * and the gate functions on views of its result; backward through time is one autograd node per
 * layer and direction (see {@code RecurrentScan}).
 */
public abstract sealed class RNNBase extends Module permits RNN, LSTM, GRU {
    final Recurrent.Mode mode;
    private final int inputSize;
    private final int hiddenSize;
    private final RNNOptions options;

    RNNBase(Recurrent.Mode mode, int inputSize, int hiddenSize, RNNOptions options) {
        String who = mode.layerName;
        if (options == null) throw new IllegalArgumentException(who + ": options is null (use RNNOptions.defaults())");
        if (inputSize < 1 || hiddenSize < 1) {
            throw new IllegalArgumentException(who + ": expected positive sizes, got input_size=" + inputSize
                    + ", hidden_size=" + hiddenSize);
        }
        this.mode = mode;
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.options = options;
        int rows = mode.gates * hiddenSize, dirs = options.numDirections();
        for (int layer = 0; layer < options.numLayers(); layer++) {
            int in = layer == 0 ? inputSize : dirs * hiddenSize;
            for (int d = 0; d < dirs; d++) {
                String sfx = suffix(layer, d);
                registerParameter("weight_ih" + sfx, Tensor.empty(rows, in));
                registerParameter("weight_hh" + sfx, Tensor.empty(rows, hiddenSize));
                if (options.bias()) {
                    registerParameter("bias_ih" + sfx, Tensor.empty(rows));
                    registerParameter("bias_hh" + sfx, Tensor.empty(rows));
                }
            }
        }
        resetParameters(options.generator());
    }

    private static String suffix(int layer, int direction) {
        return "_l" + layer + (direction == 1 ? "_reverse" : "");
    }

    /** Re-draws every parameter from U(-1/√H, 1/√H), as the constructor does. */
    public void resetParameters(dev.kona.Generator generator) {
        double bound = 1 / Math.sqrt(hiddenSize);
        for (Tensor p : parameters()) Init.uniform(p, -bound, bound, generator);
    }

    public int inputSize() {
        return inputSize;
    }

    public int hiddenSize() {
        return hiddenSize;
    }

    public RNNOptions options() {
        return options;
    }

    public int numLayers() {
        return options.numLayers();
    }

    /** The parameter {@code weight_ih_l<layer>[_reverse]} (direction 1 is the reverse one). */
    public Tensor weightIh(int layer, int direction) {
        return param("weight_ih" + suffix(layer, direction));
    }

    /** The parameter {@code weight_hh_l<layer>[_reverse]}. */
    public Tensor weightHh(int layer, int direction) {
        return param("weight_hh" + suffix(layer, direction));
    }

    /** The parameter {@code bias_ih_l<layer>[_reverse]}, or null without biases. */
    public Tensor biasIh(int layer, int direction) {
        return options.bias() ? param("bias_ih" + suffix(layer, direction)) : null;
    }

    /** The parameter {@code bias_hh_l<layer>[_reverse]}, or null without biases. */
    public Tensor biasHh(int layer, int direction) {
        return options.bias() ? param("bias_hh" + suffix(layer, direction)) : null;
    }

    /** The whole output sequence: {@code [T, B, D*H]} ({@code [B, T, D*H]} batch first, {@code [T, D*H]} unbatched). */
    @Override
    public Tensor forward(Tensor input) {
        return run(input, null, null)[0];
    }

    /**
     * Runs every layer and direction. Returns {output, hN, cN} (cN null except for the LSTM).
     * h0 and c0 may be null (zeros).
     */
    final Tensor[] run(Tensor input, Tensor h0, Tensor c0) {
        int dirs = options.numDirections(), layers = options.numLayers(), hid = hiddenSize;
        Tensor x = checkInput(input);
        boolean unbatched = input.dim() == 2;
        if (unbatched) x = x.unsqueeze(1);
        else if (options.batchFirst()) x = x.transpose(0, 1);
        int steps = x.size(0), batch = x.size(1);
        int[] stateShape = unbatched ? new int[] {layers * dirs, hid} : new int[] {layers * dirs, batch, hid};
        h0 = initialState("h0", h0, stateShape, input, unbatched);
        if (mode == Recurrent.Mode.LSTM) c0 = initialState("c0", c0, stateShape, input, unbatched);

        List<Tensor> hN = new ArrayList<>(), cN = new ArrayList<>();
        for (int layer = 0; layer < layers; layer++) {
            int in = x.size(2);
            Tensor flat = x.reshape(steps * batch, in);
            Tensor[] outs = new Tensor[dirs];
            for (int d = 0; d < dirs; d++) {
                Tensor xproj = flat.matmul(weightIh(layer, d).t()).view(steps, batch, mode.gates * hid);
                int k = layer * dirs + d;
                Tensor packed = RecurrentScan.run(mode, d == 1, xproj, h0.select(0, k), c0 == null ? null : c0.select(0, k),
                        weightHh(layer, d), biasIh(layer, d), biasHh(layer, d));
                outs[d] = mode == Recurrent.Mode.LSTM ? packed.narrow(0, 0, steps) : packed;
                hN.add(packed.select(0, d == 1 ? 0 : steps - 1));
                if (mode == Recurrent.Mode.LSTM) cN.add(packed.select(0, steps));
            }
            x = dirs == 1 ? outs[0] : Tensor.cat(List.of(outs[0], outs[1]), 2);
            if (layer < layers - 1 && options.dropout() > 0) x = F.dropout(x, options.dropout(), isTraining(), null);
        }
        Tensor output = unbatched ? x.squeeze(1) : options.batchFirst() ? x.transpose(0, 1) : x;
        Tensor h = Tensor.stack(hN, 0), c = cN.isEmpty() ? null : Tensor.stack(cN, 0);
        if (unbatched) {
            h = h.squeeze(1);
            if (c != null) c = c.squeeze(1);
        }
        return new Tensor[] {output, h, c};
    }

    private Tensor checkInput(Tensor input) {
        String who = mode.layerName;
        if (input == null) throw new IllegalArgumentException(who + ": input is null");
        if ((input.dim() != 3 && input.dim() != 2) || input.size(-1) != inputSize || input.numel() == 0) {
            String batched = options.batchFirst() ? "[B, T, " + inputSize + "]" : "[T, B, " + inputSize + "]";
            throw new IllegalArgumentException(who + ": expected input " + batched + " (batchFirst " + options.batchFirst()
                    + ") or unbatched [T, " + inputSize + "], non-empty, got " + Shape.format(input.shape()));
        }
        DType dt = weightIh(0, 0).dtype();
        if (input.dtype() != dt) {
            throw new IllegalArgumentException(who + ": input is " + input.dtype() + " but the parameters are " + dt
                    + " (convert one of them: input.to(" + dt + ") or module.to(" + input.dtype() + "))");
        }
        if (!input.device().equals(weightIh(0, 0).device())) {
            throw new IllegalArgumentException(who + ": input is on " + input.device() + " but the parameters are on "
                    + weightIh(0, 0).device() + " (move the input with x.to(module.device()))");
        }
        return input;
    }

    private Tensor initialState(String name, Tensor s, int[] shape, Tensor input, boolean unbatched) {
        if (s == null) {
            Tensor z = Tensor.zeros(shape, input.dtype(), input.device());
            return unbatched ? z.unsqueeze(1) : z;
        }
        if (!java.util.Arrays.equals(s.shape(), shape)) {
            throw new IllegalArgumentException(mode.layerName + ": expected " + name + " " + Shape.format(shape) + " ([layers*directions, "
                    + (unbatched ? "" : "B, ") + "H] for input " + Shape.format(input.shape()) + "), got " + Shape.format(s.shape()));
        }
        if (s.dtype() != input.dtype()) {
            throw new IllegalArgumentException(mode.layerName + ": " + name + " is " + s.dtype() + " but the input is " + input.dtype());
        }
        if (!s.device().equals(input.device())) {
            throw new IllegalArgumentException(mode.layerName + ": " + name + " is on " + s.device() + " but the input is on "
                    + input.device());
        }
        return unbatched ? s.unsqueeze(1) : s;
    }

    @Override
    protected String extraRepr() {
        var sb = new StringBuilder().append(inputSize).append(", ").append(hiddenSize);
        if (mode == Recurrent.Mode.RNN_RELU) sb.append(", nonlinearity='relu'");
        if (options.numLayers() != 1) sb.append(", num_layers=").append(options.numLayers());
        if (!options.bias()) sb.append(", bias=false");
        if (options.batchFirst()) sb.append(", batch_first=true");
        if (options.dropout() != 0) sb.append(", dropout=").append(options.dropout());
        if (options.bidirectional()) sb.append(", bidirectional=true");
        return sb.toString();
    }
}
