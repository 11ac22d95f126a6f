package dev.kona.nn;

import dev.kona.MemoryScope;
import dev.kona.Tensor;
import dev.kona.autograd.Autograd;
import dev.kona.autograd.Function;
import dev.kona.autograd.GradMode;
import dev.kona.ops.Dispatch;
import dev.kona.ops.RecurrentOps;
import java.util.ArrayList;
import java.util.List;

/**
 * One layer and one direction of a recurrent network over a whole sequence, as a single autograd
 * node with backpropagation through time written by hand in Kona's ops (so it runs on every
 * backend). Inputs, in this order: {@code xproj [T, B, gates*H]}, the input projection
 * {@code x W_ih^T} of every step (no bias); {@code h0 [B, H]}; {@code c0 [B, H]} for the LSTM only;
 * {@code whh [gates*H, H]}; then, for a layer with biases, {@code bih} and {@code bhh [gates*H]}
 * (added at each step: adding them to xproj would be one more pass over it, and the GRU's
 * {@code b_hn} must stay inside {@code r * (W_hn h + b_hn)} anyway). The output packs the hidden state of every step in time order, {@code [T, B, H]}, plus, for the
 * LSTM, one more row holding the final cell state.
 *
 * <p>Why one node instead of the cells' ops recorded step by step (measured, LSTM H=256, T=100,
 * B=32): the weight gradient {@code dW_hh} becomes one {@code [gates*H, T*B] x [T*B, H]} product
 * instead of T products with an inner dimension of B, each added into the running sum; the
 * per-step slices of xproj and of the output no longer each send back a gradient as large as the
 * whole sequence; and the per-step temporaries live in a {@link MemoryScope} per step, so their
 * buffers are reused warm.
 *
 * <p>When the backward pass itself is recorded ({@code createGraph}, for gradients of gradients),
 * backward differentiates {@link Recurrent#referenceScan} instead, so higher derivatives are exact.
 */
final class RecurrentScan extends Function {
    private final Recurrent.Mode mode;
    private final boolean reverse;

    // What forward keeps for backward, per time index t (not per step: reverse runs t from T-1 to 0).
    private Tensor[] inputs;
    private Tensor packed;
    private Tensor[] act;      // LSTM: the activated gates [B, 4H] (Op.LstmCell); GRU: sigmoid(r, z) [B, 2H]
    private Tensor[] g;        // GRU: n
    private Tensor[] o;        // GRU: W_hn h + b_hn
    private Tensor[] tanhC;    // LSTM: tanh(c_t)
    private Tensor[] c;        // LSTM: c_t

    private RecurrentScan(Recurrent.Mode mode, boolean reverse) {
        this.mode = mode;
        this.reverse = reverse;
    }

    /** Runs the scan; c0 only for the LSTM (null otherwise); bih and bhh both, or neither (null). */
    static Tensor run(Recurrent.Mode mode, boolean reverse, Tensor xproj, Tensor h0, Tensor c0, Tensor whh, Tensor bih,
                      Tensor bhh) {
        List<Tensor> in = new ArrayList<>(6);
        in.add(xproj);
        in.add(h0);
        if (mode == Recurrent.Mode.LSTM) in.add(c0);
        in.add(whh);
        if (bih != null) {
            in.add(bih);
            in.add(bhh);
        }
        return new RecurrentScan(mode, reverse).apply(in.toArray(new Tensor[0]));
    }

    @Override
    protected String name() {
        return mode.layerName + "Scan";
    }

    private boolean lstm() {
        return mode == Recurrent.Mode.LSTM;
    }

    private Tensor whh() {
        return inputs[lstm() ? 3 : 2];
    }

    private Tensor bih() {
        int i = lstm() ? 4 : 3;
        return inputs.length > i ? inputs[i] : null;
    }

    private Tensor bhh() {
        int i = lstm() ? 5 : 4;
        return inputs.length > i ? inputs[i] : null;
    }

    @Override
    protected Tensor forward(Context ctx, Tensor... in) {
        this.inputs = in;
        // W_hh^T contiguous once, so that each step's product packs plain rows, not a transpose.
        Tensor xproj = in[0], h = in[1], whhT = whh().t().contiguous(), bih = bih(), bhh = bhh();
        // RNN and LSTM add both biases to the same pre-activations: one vector per scan.
        Tensor bias = bih == null || mode == Recurrent.Mode.GRU ? null : bih.add(bhh);
        int steps = xproj.size(0), batch = xproj.size(1), hid = whh().size(1);
        // Every row is written below (each step's h, then the LSTM's final c): no zero fill.
        packed = Dispatch.uninitialized(xproj.device(), xproj.dtype(), new int[] {lstm() ? steps + 1 : steps, batch, hid});
        act = new Tensor[steps];
        g = new Tensor[steps];
        o = new Tensor[steps];
        if (lstm()) {
            tanhC = new Tensor[steps];
            c = new Tensor[steps];
        }
        Tensor cell = lstm() ? in[2] : null;
        // whhT is this scan's own copy: nothing writes it while the steps reuse its packed form.
        try (var hold = Dispatch.backend(whhT.device()).holdRightOperand(whhT)) {
            cell = steps(steps, hid, xproj, h, cell, whhT, bias, bih, bhh);
        }
        if (lstm()) packed.select(0, steps).copyFrom(cell);
        return packed;
    }

    /** The forward steps; returns the final cell state (LSTM) or null. */
    private Tensor steps(int steps, int hid, Tensor xproj, Tensor h, Tensor cell, Tensor whhT, Tensor bias, Tensor bih,
                         Tensor bhh) {
        for (int s = 0; s < steps; s++) {
            int t = reverse ? steps - 1 - s : s;
            Tensor out = packed.select(0, t);
            try (var scope = MemoryScope.open()) {
                Tensor xp = xproj.select(0, t);
                Tensor hp = h.matmul(whhT);
                if (bias != null) hp.addInPlace(bias);
                switch (mode) {
                    case RNN_TANH -> out.copyFrom(hp.addInPlace(xp).tanh());
                    case RNN_RELU -> out.copyFrom(hp.addInPlace(xp).relu());
                    case LSTM -> {
                        Tensor[] step = RecurrentOps.lstmCell(hp.addInPlace(xp), cell, out);
                        cell = scope.keep(step[1]);
                        act[t] = scope.keep(step[2]);
                        tanhC[t] = scope.keep(step[3]);
                        c[t] = cell;
                    }
                    case GRU -> {
                        if (bhh != null) {
                            hp.addInPlace(bhh);
                            xp = xp.add(bih);
                        }
                        Tensor rz = scope.keep(xp.narrow(1, 0, 2 * hid).add(hp.narrow(1, 0, 2 * hid)).sigmoid());
                        Tensor hn = scope.keep(hp).narrow(1, 2 * hid, hid);
                        Tensor n = scope.keep(rz.narrow(1, 0, hid).mul(hn).addInPlace(xp.narrow(1, 2 * hid, hid)).tanh());
                        // h' = n + z * (h - n)
                        out.copyFrom(h.sub(n).mulInPlace(rz.narrow(1, hid, hid)).addInPlace(n));
                        act[t] = rz;
                        g[t] = n;
                        o[t] = hn;
                    }
                }
            }
            h = out;
        }
        return cell;
    }

    @Override
    protected Tensor[] backward(Context ctx, Tensor gradOutput) {
        if (GradMode.isEnabled()) return recordedBackward(gradOutput);
        Tensor xproj = inputs[0], h0 = inputs[1], whh = whh();
        int steps = xproj.size(0), batch = xproj.size(1), hid = whh.size(1);
        int width = whh.size(0);
        // Gradients of the pre-activations: of xproj, and (GRU) of W_hh h + b_hh, which differ in the n block.
        // Each step writes all of its row of both (13 MB at T=100, B=32, 4H=1024: no zero fill).
        Tensor dx = Dispatch.uninitialized(xproj.device(), xproj.dtype(), new int[] {steps, batch, width});
        Tensor dhp = mode == Recurrent.Mode.GRU ? Dispatch.uninitialized(dx.device(), dx.dtype(), dx.shape()) : dx;
        Tensor[] carry = {null, lstm() ? gradOutput.select(0, steps) : null};
        // No one writes W_hh during backward: the steps reuse its packed form.
        try (var hold = Dispatch.backend(whh.device()).holdRightOperand(whh)) {
            backSteps(steps, hid, gradOutput, dx, dhp, carry);
        }
        Tensor dh = carry[0], dc = carry[1];
        // dW_hh: one product over every step, [gates*H, T*B] x [T*B, H].
        int w = lstm() ? 3 : 2;
        Tensor dWhh = null;
        if (ctx.needsInputGrad(w)) {
            Tensor hPrevAll = hiddenBefore(h0, steps);
            dWhh = dhp.reshape(steps * batch, width).t().matmul(hPrevAll.reshape(steps * batch, hid));
        }
        List<Tensor> grads = new ArrayList<>(5);
        grads.add(dx);
        grads.add(dh);
        if (lstm()) grads.add(dc);
        grads.add(dWhh);
        if (bih() != null) {
            Tensor dbih = ctx.needsInputGrad(w + 1) || ctx.needsInputGrad(w + 2) ? dx.sum(new int[] {0, 1}, false) : null;
            grads.add(ctx.needsInputGrad(w + 1) ? dbih : null);
            grads.add(!ctx.needsInputGrad(w + 2) ? null : dhp == dx ? dbih : dhp.sum(new int[] {0, 1}, false));
        }
        return grads.toArray(new Tensor[0]);
    }

    /** The backward steps, from the last to the first; carry holds dh and dc in and out. */
    private void backSteps(int steps, int hid, Tensor gradOutput, Tensor dx, Tensor dhp, Tensor[] carry) {
        Tensor h0 = inputs[1], whh = whh();
        Tensor dh = carry[0], dc = carry[1];
        for (int s = 0; s < steps; s++) {
            int t = reverse ? s : steps - 1 - s;
            int prev = reverse ? t + 1 : t - 1;
            boolean first = prev < 0 || prev >= steps;
            Tensor hPrev = first ? h0 : packed.select(0, prev);
            try (var scope = MemoryScope.open()) {
                Tensor dht = gradOutput.select(0, t);
                dh = dh == null ? dht : dh.addInPlace(dht);
                Tensor dxt = dx.select(0, t);
                switch (mode) {
                    case RNN_TANH -> {
                        Tensor ht = packed.select(0, t);
                        dxt.copyFrom(ht.mul(ht).rsub(1).mulInPlace(dh));
                    }
                    case RNN_RELU -> dxt.copyFrom(Tensor.where(packed.select(0, t).gt(0), dh, 0.0));
                    case LSTM -> {
                        Tensor[] grads = RecurrentOps.lstmCellBackward(act[t], tanhC[t], first ? inputs[2] : c[prev], dh, dc, dxt);
                        dc = scope.keep(grads[1]);
                    }
                    case GRU -> {
                        Tensor rz = act[t], r = rz.narrow(1, 0, hid), z = rz.narrow(1, hid, hid);
                        Tensor n = g[t], hn = o[t];
                        Tensor dht2 = dhp.select(0, t);
                        // dn_pre = dh * (1 - z) * (1 - n^2)
                        Tensor dn = n.mul(n).rsub(1).mulInPlace(z.rsub(1)).mulInPlace(dh);
                        dxt.narrow(1, 2 * hid, hid).copyFrom(dn);
                        dht2.narrow(1, 2 * hid, hid).copyFrom(dn.mul(r));
                        dxt.narrow(1, 0, hid).copyFrom(dn.mul(hn));
                        dxt.narrow(1, hid, hid).copyFrom(hPrev.sub(n).mulInPlace(dh));
                        dxt.narrow(1, 0, 2 * hid).mulInPlace(rz.rsub(1).mulInPlace(rz));
                        dht2.narrow(1, 0, 2 * hid).copyFrom(dxt.narrow(1, 0, 2 * hid));
                        dh = scope.keep(dht2.matmul(whh).addInPlace(dh.mul(z)));
                    }
                }
                if (mode != Recurrent.Mode.GRU) dh = scope.keep(dxt.matmul(whh));
            }
        }
        carry[0] = dh;
        carry[1] = dc;
    }

    /** The hidden state each time index t started from, {@code [T, B, H]}: h0 at the first step, else the previous output. */
    private Tensor hiddenBefore(Tensor h0, int steps) {
        if (steps == 1) return h0.unsqueeze(0);
        Tensor rest = packed.narrow(0, reverse ? 1 : 0, steps - 1);
        return reverse ? Tensor.cat(List.of(rest, h0.unsqueeze(0)), 0) : Tensor.cat(List.of(h0.unsqueeze(0), rest), 0);
    }

    /** Backward when it is itself recorded: differentiate the reference scan, step by step. */
    private Tensor[] recordedBackward(Tensor gradOutput) {
        Tensor ref = Recurrent.referenceScan(mode, reverse, inputs[0], inputs[1], lstm() ? inputs[2] : null, whh(), bih(), bhh());
        List<Tensor> wrt = new ArrayList<>();
        for (Tensor t : inputs) if (t.requiresGrad()) wrt.add(t);
        Tensor[] grads = new Tensor[inputs.length];
        if (wrt.isEmpty()) return grads;
        List<Tensor> got = Autograd.grad(List.of(ref), wrt, List.of(gradOutput), true, true);
        for (int i = 0, k = 0; i < inputs.length; i++) if (inputs[i].requiresGrad()) grads[i] = got.get(k++);
        return grads;
    }
}
