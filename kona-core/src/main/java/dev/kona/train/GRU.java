package dev.kona.train;

import dev.kona.Tensor;
import dev.kona.nn.RecurrentFunctional;
import java.util.List;
import java.util.Map;

/**
 * Keras 3's {@code GRU} with {@code reset_after=True} (the default, cuDNN's form: the reset gate
 * multiplies {@code h · U_h + b_rh}) over {@code [batch, timesteps, features]}. Weights in Keras's
 * layout and gate order z, r, h: {@code kernel [features, 3*units]}, {@code recurrent_kernel
 * [units, 3*units]}, {@code bias [2, 3*units]} (input bias, recurrent bias). The scan takes
 * PyTorch's order r, z, n, so the layer reorders the column blocks (a small copy per call) and
 * passes the transposed views. See {@link RecurrentLayer} for outputs and states.
 *
 * <pre>{@code
 * new GRU(64).call(Tensor.randn(4, 10, 8)).shape();   // [4, 64]; 3*(8*64 + 64*64 + 2*64) = 14,208 parameters
 * }</pre>
 */
public final class GRU extends RecurrentLayer {
    public GRU(int units) {
        this(units, false, false, true);
    }

    public GRU(int units, boolean returnSequences) {
        this(units, returnSequences, false, true);
    }

    public GRU(int units, boolean returnSequences, boolean goBackwards, boolean useBias) {
        super(units, 3, returnSequences, goBackwards, useBias);
    }

    @Override
    int[] biasShape() {
        return new int[] {2, 3 * units};
    }

    /** Keras's z, r, h blocks along the last axis -> PyTorch's r, z, n. */
    private Tensor reorder(Tensor t) {
        int d = t.dim() - 1;
        return Tensor.cat(List.of(t.narrow(d, units, units), t.narrow(d, 0, units), t.narrow(d, 2 * units, units)), d);
    }

    @Override
    Tensor[] scan(Tensor x, boolean reverse) {
        Tensor bih = null, bhh = null;
        if (useBias) {
            Tensor b = reorder(param("bias"));
            bih = b.select(0, 0);
            bhh = b.select(0, 1);
        }
        return RecurrentFunctional.scan("gru", x, null, null, reorder(param("kernel")).t(), reorder(param("recurrent_kernel")).t(),
                bih, bhh, reverse);
    }

    @Override
    public Map<String, Object> getConfig() {
        var c = super.getConfig();
        c.put("reset_after", true);
        return c;
    }
}
