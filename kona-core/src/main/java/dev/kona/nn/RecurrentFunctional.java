package dev.kona.nn;

import dev.kona.Shape;
import dev.kona.Tensor;

/**
 * The recurrent layers' scan as a function of explicit weights, for layers that keep their weights
 * in another layout (the Keras-style {@code dev.kona.train.SimpleRNN/LSTM/GRU}, which pass
 * transposed views of Keras's kernels). The math and gate layouts are the nn modules' ({@link RNN},
 * {@link LSTM}, {@link GRU}): rows of {@code wih}/{@code whh} are {@code [i, f, g, o]} for the LSTM
 * and {@code [r, z, n]} for the GRU.
 *
 * <pre>{@code
 * Tensor[] out = RecurrentFunctional.scan("lstm", x, null, null, wih, whh, bih, bhh, false);   // x [B, T, in]
 * out[0];   // [B, T, H], every step's hidden state in time order; out[1] hN [B, H]; out[2] cN [B, H]
 * }</pre>
 */
public final class RecurrentFunctional {
    private RecurrentFunctional() {}

    /**
     * One layer, one direction over a batch-first sequence.
     *
     * @param cell    "rnn_tanh", "rnn_relu", "lstm" or "gru"
     * @param x       {@code [B, T, in]}
     * @param h0      {@code [B, H]}, or null for zeros
     * @param c0      {@code [B, H]} (LSTM only), or null for zeros
     * @param wih     {@code [gates*H, in]} (any layout: a transposed view is not copied)
     * @param whh     {@code [gates*H, H]}
     * @param bih     {@code [gates*H]}, or null (then bhh must be null too)
     * @param bhh     {@code [gates*H]}, or null
     * @param reverse run from the last step to the first (outputs stay in time order)
     * @return {@code {outputs [B, T, H], hN [B, H], cN [B, H] or null}}
     */
    public static Tensor[] scan(String cell, Tensor x, Tensor h0, Tensor c0, Tensor wih, Tensor whh, Tensor bih, Tensor bhh,
                                boolean reverse) {
        Recurrent.Mode mode = switch (cell) {
            case "rnn_tanh" -> Recurrent.Mode.RNN_TANH;
            case "rnn_relu" -> Recurrent.Mode.RNN_RELU;
            case "lstm" -> Recurrent.Mode.LSTM;
            case "gru" -> Recurrent.Mode.GRU;
            default -> throw new IllegalArgumentException("RecurrentFunctional.scan: cell must be rnn_tanh, rnn_relu, lstm or gru, got "
                    + cell);
        };
        int hid = whh.size(1);
        if (x.dim() != 3 || x.size(2) != wih.size(1) || wih.size(0) != mode.gates * hid || whh.size(0) != mode.gates * hid) {
            throw new IllegalArgumentException("RecurrentFunctional.scan(" + cell + "): expected x [B, T, " + wih.size(1) + "], wih ["
                    + mode.gates + "*H, in], whh [" + mode.gates + "*H, H], got x " + Shape.format(x.shape()) + ", wih "
                    + Shape.format(wih.shape()) + ", whh " + Shape.format(whh.shape()));
        }
        if ((bih == null) != (bhh == null)) throw new IllegalArgumentException("RecurrentFunctional.scan: give both biases or neither");
        int batch = x.size(0), steps = x.size(1);
        Tensor xt = x.transpose(0, 1);   // [T, B, in]
        Tensor xproj = xt.reshape(steps * batch, x.size(2)).matmul(wih.t()).view(steps, batch, mode.gates * hid);
        if (h0 == null) h0 = Tensor.zeros(new int[] {batch, hid}, x.dtype(), x.device());
        if (mode == Recurrent.Mode.LSTM && c0 == null) c0 = Tensor.zeros(new int[] {batch, hid}, x.dtype(), x.device());
        Tensor packed = RecurrentScan.run(mode, reverse, xproj, h0, mode == Recurrent.Mode.LSTM ? c0 : null, whh, bih, bhh);
        Tensor outs = mode == Recurrent.Mode.LSTM ? packed.narrow(0, 0, steps) : packed;
        Tensor hN = packed.select(0, reverse ? 0 : steps - 1);
        Tensor cN = mode == Recurrent.Mode.LSTM ? packed.select(0, steps) : null;
        return new Tensor[] {outs.transpose(0, 1), hN, cN};
    }
}
