package dev.kona.train;

import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.nn.F;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@link Conv1D} and {@link Conv2D} share: Keras's configuration (filters, kernel size,
 * strides, padding, dilation, groups, activation, bias), a kernel {@code [k..., inChannels/groups,
 * filters]} and a bias {@code [filters]} created at the first input, channels-last inputs.
 *
 * <p>The arithmetic is the nn functionals' ({@link F#conv2d}, {@link F#conv1d}), which work on
 * channels-first tensors with PyTorch's weight layout {@code [filters, in/groups, k...]}: the layer
 * permutes the input NHWC -> NCHW and the kernel to PyTorch's layout on the way in and the output
 * back on the way out, so that the weights stay in Keras's layout (they load from Keras as they
 * are) and the model's tensors stay channels-last like Keras's.
 */
abstract sealed class ConvLayer extends Layer permits Conv1D, Conv2D {
    private final int rank;
    final int filters;
    final int[] kernelSize;
    final int[] strides;
    final String padding;
    final int[] dilationRate;
    final int groups;
    final Activations activation;
    final boolean useBias;
    private Initializers kernelInitializer = Initializers.GLOROT_UNIFORM;
    private Initializers biasInitializer = Initializers.ZEROS;
    private int inChannels = -1;

    ConvLayer(int rank, int filters, int[] kernelSize, int[] strides, String padding, int[] dilationRate, int groups,
              String activation, boolean useBias) {
        String who = className();
        if (filters <= 0) throw new IllegalArgumentException(who + ": filters must be positive, got " + filters);
        this.rank = rank;
        this.filters = filters;
        this.kernelSize = tuple(who, "kernelSize", kernelSize, rank, 1);
        this.strides = tuple(who, "strides", strides, rank, 1);
        this.dilationRate = tuple(who, "dilationRate", dilationRate, rank, 1);
        String p = padding == null ? "" : padding.toLowerCase(Locale.ROOT);
        if (!p.equals("valid") && !p.equals("same")) {
            throw new IllegalArgumentException(who + ": padding must be \"valid\" or \"same\", got \"" + padding + "\"");
        }
        this.padding = p;
        boolean strided = false, dilated = false;
        for (int i = 0; i < rank; i++) {
            strided |= this.strides[i] > 1;
            dilated |= this.dilationRate[i] > 1;
        }
        if (strided && dilated) {
            throw new IllegalArgumentException(who + ": strides > 1 together with dilationRate > 1 is not supported (as in Keras)");
        }
        if (groups <= 0 || filters % groups != 0) {
            throw new IllegalArgumentException(who + ": groups must be positive and divide filters (" + filters + "), got " + groups);
        }
        this.groups = groups;
        try {
            this.activation = Activations.get(activation);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(who + ": " + e.getMessage(), e);
        }
        this.useBias = useBias;
    }

    /** One value for every axis, or one per axis; each at least {@code min}. */
    static int[] tuple(String who, String what, int[] v, int rank, int min) {
        if (v == null || (v.length != 1 && v.length != rank)) {
            throw new IllegalArgumentException(who + ": " + what + " takes 1 or " + rank + " values, got "
                    + (v == null ? "null" : Shape.format(v)));
        }
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            out[i] = v.length == 1 ? v[0] : v[i];
            if (out[i] < min) throw new IllegalArgumentException(who + ": " + what + " must be >= " + min + ", got " + Shape.format(v));
        }
        return out;
    }

    /** Sets the kernel's initialiser by Keras name (before the layer is built). Returns this. */
    public ConvLayer kernelInitializer(String name) {
        if (isBuilt()) throw new IllegalStateException(describe() + ".kernelInitializer: the layer is already built");
        kernelInitializer = Initializers.get(name);
        return this;
    }

    /** Sets the bias's initialiser by Keras name (before the layer is built). Returns this. */
    public ConvLayer biasInitializer(String name) {
        if (isBuilt()) throw new IllegalStateException(describe() + ".biasInitializer: the layer is already built");
        biasInitializer = Initializers.get(name);
        return this;
    }

    /** The kernel {@code [k..., in/groups, filters]} (Keras's layout), or null before the layer is built. */
    public Tensor kernel() {
        return isBuilt() ? param("kernel") : null;
    }

    /** The bias {@code [filters]}, or null without one or before the layer is built. */
    public Tensor bias() {
        return isBuilt() && useBias ? param("bias") : null;
    }

    @Override
    protected void build(int[] inputShape) {
        if (inputShape.length != rank + 2 || inputShape[rank + 1] < 0) {
            throw new IllegalArgumentException(describe() + ": expected inputs of shape (None, " + (rank == 1 ? "steps" : "rows, cols")
                    + ", channels) with a known number of channels, got " + KerasTensor.format(inputShape));
        }
        int c = inputShape[rank + 1];
        if (c % groups != 0) {
            throw new IllegalArgumentException(describe() + ": the input's " + c + " channels are not divisible by groups=" + groups);
        }
        inChannels = c;
        int[] k = new int[rank + 2];
        System.arraycopy(kernelSize, 0, k, 0, rank);
        k[rank] = c / groups;
        k[rank + 1] = filters;
        addWeight("kernel", k, kernelInitializer);
        if (useBias) addWeight("bias", new int[] {filters}, biasInitializer);
    }

    @Override
    protected int[] computeOutputShape(int[] inputShape) {
        if (inputShape.length != rank + 2 || (inChannels >= 0 && inputShape[rank + 1] != inChannels)) {
            throw new IllegalArgumentException(mismatch(KerasTensor.format(inputShape)));
        }
        int[] out = inputShape.clone();
        for (int a = 0; a < rank; a++) out[a + 1] = outputLength(inputShape[a + 1], a);
        out[rank + 1] = filters;
        return out;
    }

    /** Keras's conv_output_length: ceil(n / s) with "same", floor((n - dk) / s) + 1 with "valid". */
    private int outputLength(int n, int axis) {
        if (n < 0) return -1;
        if (padding.equals("same")) return Math.ceilDiv(n, strides[axis]);
        int span = dilationRate[axis] * (kernelSize[axis] - 1) + 1;
        if (n < span) {
            throw new IllegalArgumentException(describe() + ": the input's size " + n + " along axis " + (axis + 1)
                    + " is smaller than the (dilated) kernel " + span + " with padding \"valid\"");
        }
        return (n - span) / strides[axis] + 1;
    }

    private String mismatch(String got) {
        return describe() + ": expected input of rank " + (rank + 2) + " with " + inChannels + " channels last (the layer was built for "
                + KerasTensor.format(inputShape()) + "), got shape " + got;
    }

    @Override
    protected Tensor call(Tensor inputs, boolean training) {
        if (inputs.dim() != rank + 2 || inputs.size(-1) != inChannels) throw new IllegalArgumentException(mismatch(Shape.format(inputs.shape())));
        Tensor b = useBias ? param("bias") : null;
        Tensor k = param("kernel");
        if (groups == 1 && inChannels < 8) return activation.apply(channelsLast(inputs, k, b));
        // The nn functional, channels first: NHWC -> NCHW, kernel [kh, kw, in, out] -> [out, in, kh, kw].
        // A channels-last input is transposed once (blocked, in registers) rather than gathered
        // with a stride of C by the forward and again by the weight gradient; an input that is a
        // permuted channels-first result, as from the previous conv layer, is already contiguous.
        Tensor y = rank == 2
                ? F.conv2d(inputs.permute(0, 3, 1, 2).contiguous(), k.permute(3, 2, 0, 1), b, strides, padding, dilationRate, groups)
                : F.conv1d(inputs.permute(0, 2, 1), k.permute(2, 1, 0), b, strides[0], padding, dilationRate[0], groups);
        // An elementwise activation runs on the contiguous channels-first result, before the permute
        // back: on the channels-last view it walked memory with a stride of H*W, and its gradient
        // too (mnist-cnn's second layer: relu forward + backward and the bias gradient behind them
        // were about a third of a training step).
        boolean early = activation.elementwise();
        if (early) y = activation.apply(y);
        y = rank == 2 ? y.permute(0, 2, 3, 1) : y.permute(0, 2, 1);
        return early ? y : activation.apply(y);
    }

    /**
     * The convolution in the channels-last layout itself (one group): the input's windows are
     * gathered as strided views, one per kernel tap, stacked into rows {@code [N*positions,
     * taps*C]} whose column order is the kernel's own {@code [k..., C]}, and multiplied by the kernel
     * seen as {@code [taps*C, filters]} in one GEMM whose result is already {@code [N, ..., filters]}.
     * Used for few input channels only. Measured on the mnist-cnn model (batch 128, 2 busy cores):
     * for its first layer (1 channel) 15 ms forward and 22 ms backward against 35 and 60 through
     * {@code F.conv2d}; for its second (32 channels) the stacked copy is the slow part (inner runs
     * of only C floats: ~150 ms for the 85 MB of windows) and {@code F.conv2d}'s im2col kernel with
     * per-sample GEMMs wins, the permutes cancelling between consecutive layers (a layer's NHWC
     * output is a view of NCHW-contiguous data, which the next layer's permute gets back as it is).
     */
    private Tensor channelsLast(Tensor x, Tensor kernel, Tensor bias) {
        int n = x.size(0);
        int[] out = new int[rank];
        if (padding.equals("same")) {
            int[] before = new int[rank], after = new int[rank];
            for (int a = 0; a < rank; a++) {
                int len = x.size(a + 1);
                int o = Math.ceilDiv(len, strides[a]);
                int total = Math.max(0, (o - 1) * strides[a] + dilationRate[a] * (kernelSize[a] - 1) + 1 - len);
                before[a] = total / 2;
                after[a] = total - before[a];
            }
            x = Pooling2D.pad(x, 1, before, after, 0);
        }
        for (int a = 0; a < rank; a++) {
            out[a] = (x.size(a + 1) - dilationRate[a] * (kernelSize[a] - 1) - 1) / strides[a] + 1;
        }
        List<Tensor> taps = new ArrayList<>();
        if (rank == 2) {
            for (int i = 0; i < kernelSize[0]; i++) {
                int r0 = i * dilationRate[0];
                Tensor rows = x.slice(1, r0, r0 + (out[0] - 1) * strides[0] + 1, strides[0]);
                for (int j = 0; j < kernelSize[1]; j++) {
                    int c0 = j * dilationRate[1];
                    taps.add(rows.slice(2, c0, c0 + (out[1] - 1) * strides[1] + 1, strides[1]));
                }
            }
        } else {
            for (int i = 0; i < kernelSize[0]; i++) {
                int r0 = i * dilationRate[0];
                taps.add(x.slice(1, r0, r0 + (out[0] - 1) * strides[0] + 1, strides[0]));
            }
        }
        int patch = taps.size() * inChannels;
        long positions = (long) n;
        for (int o : out) positions *= o;
        Tensor cols = taps.size() == 1 ? taps.get(0) : Tensor.stack(taps, rank + 1);   // [N, out..., taps, C]
        Tensor y = cols.reshape(Math.toIntExact(positions), patch).matmul(kernel.reshape(patch, filters));
        if (bias != null) y = y.add(bias);
        int[] shape = new int[rank + 2];
        shape[0] = n;
        System.arraycopy(out, 0, shape, 1, rank);
        shape[rank + 1] = filters;
        return y.reshape(shape);
    }

    static List<Object> json(int[] v) {
        List<Object> out = new ArrayList<>();
        for (int i : v) out.add((long) i);
        return out;
    }

    @Override
    public Map<String, Object> getConfig() {
        var c = super.getConfig();
        c.put("filters", (long) filters);
        c.put("kernel_size", json(kernelSize));
        c.put("strides", json(strides));
        c.put("padding", padding);
        c.put("data_format", "channels_last");
        c.put("dilation_rate", json(dilationRate));
        c.put("groups", (long) groups);
        c.put("activation", activation.kerasName());
        c.put("use_bias", useBias);
        c.put("kernel_initializer", kernelInitializer.kerasName());
        c.put("bias_initializer", biasInitializer.kerasName());
        return c;
    }

    /** The layer from a saved config (Model.load). */
    static ConvLayer fromConfig(Map<String, Object> c, int rank) {
        int[] k = LayerRegistry.ints(c, "kernel_size"), s = LayerRegistry.ints(c, "strides"), d = LayerRegistry.ints(c, "dilation_rate");
        int f = LayerRegistry.integer(c, "filters"), g = c.containsKey("groups") ? LayerRegistry.integer(c, "groups") : 1;
        String p = LayerRegistry.string(c, "padding"), a = LayerRegistry.string(c, "activation");
        boolean b = LayerRegistry.bool(c, "use_bias");
        ConvLayer l = rank == 2 ? new Conv2D(f, k, s, p, d, g, a, b) : new Conv1D(f, k[0], s[0], p, d[0], g, a, b);
        if (c.containsKey("kernel_initializer")) l.kernelInitializer(LayerRegistry.string(c, "kernel_initializer"));
        if (c.containsKey("bias_initializer")) l.biasInitializer(LayerRegistry.string(c, "bias_initializer"));
        return l;
    }

    @Override
    protected String extraRepr() {
        return filters + ", kernel_size=" + Shape.format(kernelSize) + ", strides=" + Shape.format(strides) + ", padding=" + padding
                + ", activation=" + activation.kerasName();
    }
}
