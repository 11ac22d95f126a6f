package dev.kona.nn;

import dev.kona.Tensor;

/**
 * The math of the recurrent layers, written once in Kona's ops: the cells (one time step, recorded
 * by autograd like any composite) and the reference scan over a sequence built from them. The
 * layers run {@link RecurrentScan} instead, which computes the same values with a hand-written
 * backward through time; the reference stays as its test oracle and as the path for gradients of
 * gradients.
 *
 * <p>Gate layouts are PyTorch's, so that state dicts map one to one: the rows of
 * {@code weight_ih}/{@code weight_hh} are {@code [i, f, g, o]} for the LSTM and {@code [r, z, n]}
 * for the GRU, each {@code hidden} rows tall.
 */
final class Recurrent {
    private Recurrent() {}

    /** The cell a recurrent layer runs at each step. */
    enum Mode {
        /** {@code h' = tanh(W_ih x + b_ih + W_hh h + b_hh)}. */
        RNN_TANH(1, "RNN"),
        /** {@code h' = relu(W_ih x + b_ih + W_hh h + b_hh)}. */
        RNN_RELU(1, "RNN"),
        /** Gates i, f, g, o; {@code c' = f*c + i*g}, {@code h' = o*tanh(c')}. */
        LSTM(4, "LSTM"),
        /** Gates r, z, n; {@code n = tanh(W_in x + b_in + r*(W_hn h + b_hn))}, {@code h' = (1-z)*n + z*h}. */
        GRU(3, "GRU");

        /** How many blocks of {@code hidden} rows the weights stack. */
        final int gates;
        final String layerName;

        Mode(int gates, String layerName) {
            this.gates = gates;
            this.layerName = layerName;
        }

        static Mode rnn(String who, String nonlinearity) {
            if ("tanh".equals(nonlinearity)) return RNN_TANH;
            if ("relu".equals(nonlinearity)) return RNN_RELU;
            throw new IllegalArgumentException(who + ": nonlinearity must be \"tanh\" or \"relu\", got "
                    + (nonlinearity == null ? "null" : "\"" + nonlinearity + "\""));
        }

        String nonlinearity() {
            return this == RNN_RELU ? "relu" : "tanh";
        }
    }

    // ---------------------------------------------------------------- cells (one step, composite)

    /**
     * One step of an RNN, LSTM or GRU cell: x {@code [..., in]}, h and c {@code [..., hidden]}
     * (c only for the LSTM, null otherwise); biases may be null. Returns {@code {h'}} or, for the
     * LSTM, {@code {h', c'}}.
     */
    static Tensor[] cell(Mode mode, Tensor x, Tensor h, Tensor c, Tensor wih, Tensor whh, Tensor bih, Tensor bhh) {
        int hid = whh.size(1);
        return switch (mode) {
            case RNN_TANH -> new Tensor[] {F.linear(x, wih, bih).add(F.linear(h, whh, bhh)).tanh()};
            case RNN_RELU -> new Tensor[] {F.linear(x, wih, bih).add(F.linear(h, whh, bhh)).relu()};
            case LSTM -> {
                Tensor gates = F.linear(x, wih, bih).add(F.linear(h, whh, bhh));
                Tensor i = gates.narrow(-1, 0, hid).sigmoid();
                Tensor f = gates.narrow(-1, hid, hid).sigmoid();
                Tensor g = gates.narrow(-1, 2 * hid, hid).tanh();
                Tensor o = gates.narrow(-1, 3 * hid, hid).sigmoid();
                Tensor c2 = f.mul(c).add(i.mul(g));
                yield new Tensor[] {o.mul(c2.tanh()), c2};
            }
            case GRU -> {
                Tensor gi = F.linear(x, wih, bih), gh = F.linear(h, whh, bhh);
                Tensor r = gi.narrow(-1, 0, hid).add(gh.narrow(-1, 0, hid)).sigmoid();
                Tensor z = gi.narrow(-1, hid, hid).add(gh.narrow(-1, hid, hid)).sigmoid();
                Tensor n = gi.narrow(-1, 2 * hid, hid).add(r.mul(gh.narrow(-1, 2 * hid, hid))).tanh();
                yield new Tensor[] {n.add(z.mul(h.sub(n)))};
            }
        };
    }

    // ---------------------------------------------------------------- the reference scan

    /**
     * The scan of {@link RecurrentScan} written as the cells' ops, step by step, all recorded by
     * autograd: same inputs (the input projection {@code xproj [T, B, gates*H]} without bias; the
     * biases, or nulls), same packed output ({@code [T, B, H]} of hidden
     * states in time order, plus a last row holding the final cell state for the LSTM).
     */
    static Tensor referenceScan(Mode mode, boolean reverse, Tensor xproj, Tensor h0, Tensor c0, Tensor whh, Tensor bih,
                                Tensor bhh) {
        int steps = xproj.size(0), hid = whh.size(1);
        Tensor[] rows = new Tensor[mode == Mode.LSTM ? steps + 1 : steps];
        Tensor h = h0, c = c0;
        for (int s = 0; s < steps; s++) {
            int t = reverse ? steps - 1 - s : s;
            Tensor xp = bih == null ? xproj.select(0, t) : xproj.select(0, t).add(bih);
            Tensor hp = F.linear(h, whh, bhh);
            switch (mode) {
                case RNN_TANH -> h = xp.add(hp).tanh();
                case RNN_RELU -> h = xp.add(hp).relu();
                case LSTM -> {
                    Tensor gates = xp.add(hp);
                    Tensor i = gates.narrow(-1, 0, hid).sigmoid();
                    Tensor f = gates.narrow(-1, hid, hid).sigmoid();
                    Tensor g = gates.narrow(-1, 2 * hid, hid).tanh();
                    Tensor o = gates.narrow(-1, 3 * hid, hid).sigmoid();
                    c = f.mul(c).add(i.mul(g));
                    h = o.mul(c.tanh());
                }
                case GRU -> {
                    Tensor r = xp.narrow(-1, 0, hid).add(hp.narrow(-1, 0, hid)).sigmoid();
                    Tensor z = xp.narrow(-1, hid, hid).add(hp.narrow(-1, hid, hid)).sigmoid();
                    Tensor n = xp.narrow(-1, 2 * hid, hid).add(r.mul(hp.narrow(-1, 2 * hid, hid))).tanh();
                    h = n.add(z.mul(h.sub(n)));
                }
            }
            rows[t] = h;
        }
        if (mode == Mode.LSTM) rows[steps] = c;
        return Tensor.stack(java.util.Arrays.asList(rows), 0);
    }
}
