package dev.kona.train;

/**
 * A symbolic tensor of the functional API: a shape ({@code -1} for the batch dimension, shown as
 * {@code None}) and the layer call that produced it. Created by {@link Input#of} and
 * {@link Layer#apply}; no data, nothing computed.
 *
 * <pre>{@code
 * KerasTensor x = Input.of(784);                            // (None, 784)
 * KerasTensor h = new Dense(64, "relu").apply(x);           // (None, 64)
 * KerasTensor y = new Dense(10, "softmax").apply(h);        // (None, 10)
 * var model = new Model(x, y);
 * }</pre>
 */
public final class KerasTensor {
    private final int[] shape;
    final LayerNode node;

    KerasTensor(int[] shape, LayerNode node) {
        this.shape = shape.clone();
        this.node = node;
    }

    /** The shape, with -1 for the batch dimension. */
    public int[] shape() {
        return shape.clone();
    }

    /** The layer whose call produced this tensor. */
    public Layer layer() {
        return node.layer();
    }

    /** {@code (None, 784)}, as Keras prints shapes. */
    static String format(int[] shape) {
        if (shape == null) return "?";
        var sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(shape[i] < 0 ? "None" : Integer.toString(shape[i]));
        }
        return sb.append(')').toString();
    }

    @Override
    public String toString() {
        return "<KerasTensor shape=" + format(shape) + ", from " + node.layer().name() + "[" + node.index() + "]>";
    }
}
