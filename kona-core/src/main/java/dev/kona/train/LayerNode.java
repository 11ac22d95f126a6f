package dev.kona.train;

import java.util.List;

/**
 * One call of a layer on symbolic inputs (Keras's {@code Node}): the layer, the tensors it was
 * called on, the tensor it produced, and its index among the layer's calls (a shared layer has
 * several).
 */
final class LayerNode {
    private final Layer layer;
    private final List<KerasTensor> inputs;
    private final int index;
    private final KerasTensor output;

    LayerNode(Layer layer, List<KerasTensor> inputs, int index, int[] outputShape) {
        this.layer = layer;
        this.inputs = List.copyOf(inputs);
        this.index = index;
        this.output = new KerasTensor(outputShape, this);
    }

    Layer layer() {
        return layer;
    }

    List<KerasTensor> inputs() {
        return inputs;
    }

    int index() {
        return index;
    }

    KerasTensor output() {
        return output;
    }
}
