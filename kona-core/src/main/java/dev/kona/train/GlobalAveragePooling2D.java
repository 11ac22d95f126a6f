package dev.kona.train;

import dev.kona.Shape;
import dev.kona.Tensor;
import java.util.Map;

/**
 * Keras's {@code GlobalAveragePooling2D}: the mean of each channel over the image, {@code [batch,
 * rows, cols, channels] -> [batch, channels]} ({@code [batch, 1, 1, channels]} with
 * {@code keepdims}). No weights.
 *
 * <pre>{@code
 * new GlobalAveragePooling2D().call(Tensor.zeros(8, 7, 7, 64)).shape();   // [8, 64]
 * }</pre>
 */
public final class GlobalAveragePooling2D extends Layer {
    private final boolean keepdims;

    public GlobalAveragePooling2D() {
        this(false);
    }

    public GlobalAveragePooling2D(boolean keepdims) {
        this.keepdims = keepdims;
    }

    @Override
    protected int[] computeOutputShape(int[] inputShape) {
        if (inputShape.length != 4) {
            throw new IllegalArgumentException(describe() + ": expected inputs of shape (None, rows, cols, channels), got "
                    + KerasTensor.format(inputShape));
        }
        return keepdims ? new int[] {inputShape[0], 1, 1, inputShape[3]} : new int[] {inputShape[0], inputShape[3]};
    }

    @Override
    protected Tensor call(Tensor inputs, boolean training) {
        if (inputs.dim() != 4) {
            throw new IllegalArgumentException(describe() + ": expected a [batch, rows, cols, channels] input, got shape "
                    + Shape.format(inputs.shape()));
        }
        // Channels-last already: a mean over the two spatial axes needs no permute.
        return inputs.mean(new int[] {1, 2}, keepdims);
    }

    @Override
    public Map<String, Object> getConfig() {
        var c = super.getConfig();
        c.put("data_format", "channels_last");
        c.put("keepdims", keepdims);
        return c;
    }
}
