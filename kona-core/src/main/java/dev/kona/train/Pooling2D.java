package dev.kona.train;

import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.autograd.GradMode;
import dev.kona.nn.F;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@link MaxPooling2D} and {@link AveragePooling2D} share: Keras's pool size, strides
 * (default: the pool size) and padding over channels-last images {@code [batch, rows, cols,
 * channels]}. The arithmetic is the nn functionals' on channels-first tensors (the input is
 * permuted NHWC -> NCHW and back, see {@link ConvLayer}). Keras's {@code "same"} padding may put
 * one more pixel after than before, which the functionals' symmetric padding cannot express: the
 * layer then pads the input itself (with -inf for max pooling; for average pooling with zeros,
 * dividing by the number of real pixels in each window, as TensorFlow does).
 */
abstract sealed class Pooling2D extends Layer permits MaxPooling2D, AveragePooling2D {
    final int[] poolSize;
    final int[] strides;
    final String padding;

    Pooling2D(int[] poolSize, int[] strides, String padding) {
        String who = className();
        this.poolSize = ConvLayer.tuple(who, "poolSize", poolSize, 2, 1);
        this.strides = strides == null ? this.poolSize.clone() : ConvLayer.tuple(who, "strides", strides, 2, 1);
        String p = padding == null ? "" : padding.toLowerCase(Locale.ROOT);
        if (!p.equals("valid") && !p.equals("same")) {
            throw new IllegalArgumentException(who + ": padding must be \"valid\" or \"same\", got \"" + padding + "\"");
        }
        this.padding = p;
    }

    abstract boolean isMax();

    @Override
    protected int[] computeOutputShape(int[] inputShape) {
        if (inputShape.length != 4) {
            throw new IllegalArgumentException(describe() + ": expected inputs of shape (None, rows, cols, channels), got "
                    + KerasTensor.format(inputShape));
        }
        int[] out = inputShape.clone();
        for (int a = 0; a < 2; a++) {
            int n = inputShape[a + 1];
            if (n < 0) continue;
            if (padding.equals("same")) {
                out[a + 1] = Math.ceilDiv(n, strides[a]);
            } else {
                if (n < poolSize[a]) {
                    throw new IllegalArgumentException(describe() + ": the input's size " + n + " along axis " + (a + 1)
                            + " is smaller than the pool size " + poolSize[a] + " with padding \"valid\"");
                }
                out[a + 1] = (n - poolSize[a]) / strides[a] + 1;
            }
        }
        return out;
    }

    @Override
    protected Tensor call(Tensor inputs, boolean training) {
        if (inputs.dim() != 4) {
            throw new IllegalArgumentException(describe() + ": expected a [batch, rows, cols, channels] input, got shape "
                    + Shape.format(inputs.shape()));
        }
        computeOutputShape(Layer.batchless(inputs.shape()));   // checks the sizes, naming the layer
        Tensor x = inputs.permute(0, 3, 1, 2);   // NHWC -> NCHW for the functionals
        int[] before = new int[2], after = new int[2];
        if (padding.equals("same")) {
            for (int a = 0; a < 2; a++) {
                int n = x.size(a + 2);
                int out = Math.ceilDiv(n, strides[a]);
                int total = Math.max(0, (out - 1) * strides[a] + poolSize[a] - n);
                before[a] = total / 2;
                after[a] = total - before[a];
            }
        }
        boolean symmetric = before[0] == after[0] && before[1] == after[1]
                && 2 * before[0] <= poolSize[0] && 2 * before[1] <= poolSize[1];
        Tensor y;
        if (symmetric) {
            int[] pad = {before[0], before[1]};
            y = isMax() ? F.maxPool2d(x, poolSize, strides, pad, new int[] {1, 1}, false)
                        : F.avgPool2d(x, poolSize, strides, pad, false, false);
        } else if (isMax()) {
            y = F.maxPool2d(pad(x, 2, before, after, Double.NEGATIVE_INFINITY), poolSize, strides, new int[] {0, 0}, new int[] {1, 1}, false);
        } else {
            Tensor sums = F.avgPool2d(pad(x, 2, before, after, 0), poolSize, strides, new int[] {0, 0}, false, true);
            Tensor counts;
            try (var g = GradMode.noGrad()) {
                Tensor ones = Tensor.ones(new int[] {1, 1, x.size(2), x.size(3)}, x.dtype(), x.device());
                counts = F.avgPool2d(pad(ones, 2, before, after, 0), poolSize, strides, new int[] {0, 0}, false, true);
            }
            y = sums.div(counts);
        }
        return y.permute(0, 2, 3, 1);
    }

    /** x padded by before[a]/after[a] entries of {@code value} along dims {@code first + a}. */
    static Tensor pad(Tensor x, int first, int[] before, int[] after, double value) {
        for (int a = 0; a < before.length; a++) {
            int dim = first + a;
            List<Tensor> parts = new ArrayList<>();
            if (before[a] > 0) parts.add(block(x, dim, before[a], value));
            parts.add(x);
            if (after[a] > 0) parts.add(block(x, dim, after[a], value));
            if (parts.size() > 1) x = Tensor.cat(parts, dim);
        }
        return x;
    }

    private static Tensor block(Tensor x, int dim, int size, double value) {
        int[] s = x.shape();
        s[dim] = size;
        return Tensor.full(s, value, x.dtype(), x.device());
    }

    @Override
    public Map<String, Object> getConfig() {
        var c = super.getConfig();
        c.put("pool_size", ConvLayer.json(poolSize));
        c.put("strides", ConvLayer.json(strides));
        c.put("padding", padding);
        c.put("data_format", "channels_last");
        return c;
    }

    @Override
    protected String extraRepr() {
        return "pool_size=" + Shape.format(poolSize) + ", strides=" + Shape.format(strides) + ", padding=" + padding;
    }
}
