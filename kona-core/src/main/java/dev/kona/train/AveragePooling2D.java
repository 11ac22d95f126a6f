package dev.kona.train;

/**
 * Keras's {@code AveragePooling2D}: the mean of each {@code poolSize} window of channels-last images,
 * {@code [batch, rows, cols, channels] -> [batch, outRows, outCols, channels]}; strides default to
 * the pool size; padding {@code "valid"} ({@code out = floor((n - pool) / stride) + 1}) or
 * {@code "same"} ({@code out = ceil(n / stride)}, the padding left out of each mean). No weights.
 *
 * <pre>{@code
 * new AveragePooling2D(2).call(Tensor.zeros(8, 24, 24, 64)).shape();   // [8, 12, 12, 64]
 * }</pre>
 */
public final class AveragePooling2D extends Pooling2D {
    /** A square pool, strides equal to it, padding "valid". */
    public AveragePooling2D(int poolSize) {
        this(new int[] {poolSize}, null, "valid");
    }

    /** A square pool and stride with {@code padding} ("valid" or "same"). */
    public AveragePooling2D(int poolSize, int strides, String padding) {
        this(new int[] {poolSize}, new int[] {strides}, padding);
    }

    /** Pool size and strides take 1 value (both axes) or 2 (rows, cols); strides null means the pool size. */
    public AveragePooling2D(int[] poolSize, int[] strides, String padding) {
        super(poolSize, strides, padding);
    }

    @Override
    boolean isMax() {
        return false;
    }
}
