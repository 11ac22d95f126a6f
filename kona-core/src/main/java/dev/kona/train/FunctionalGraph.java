package dev.kona.train;

import dev.kona.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The graph of a functional model: its input and output tensors and the layer calls between them
 * in an order where each call comes after the calls that produce its inputs (Keras's order:
 * depth-first from the outputs, inputs in order).
 */
final class FunctionalGraph {
    final List<KerasTensor> inputs;
    final List<KerasTensor> outputs;
    final List<LayerNode> order;
    final List<Layer> layers;

    private FunctionalGraph(List<KerasTensor> inputs, List<KerasTensor> outputs, List<LayerNode> order) {
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.order = List.copyOf(order);
        var distinct = new LinkedHashSet<Layer>();
        for (LayerNode n : order) distinct.add(n.layer());
        this.layers = List.copyOf(distinct);
    }

    static FunctionalGraph of(List<KerasTensor> inputs, List<KerasTensor> outputs) {
        if (inputs.isEmpty()) throw new IllegalArgumentException("Model: give at least one input (from Input.of)");
        if (outputs.isEmpty()) throw new IllegalArgumentException("Model: give at least one output");
        Set<KerasTensor> inputSet = Collections.newSetFromMap(new IdentityHashMap<>());
        for (KerasTensor t : inputs) {
            if (!(t.layer() instanceof Input)) {
                throw new IllegalArgumentException("Model: inputs must be tensors made by Input.of(...), got " + t
                        + " (made by " + t.layer().describe() + ")");
            }
            if (!inputSet.add(t)) throw new IllegalArgumentException("Model: input " + t + " is given twice");
        }
        List<LayerNode> order = new ArrayList<>();
        Set<LayerNode> done = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<LayerNode> visiting = Collections.newSetFromMap(new IdentityHashMap<>());
        for (KerasTensor out : outputs) visit(out.node, inputSet, done, visiting, order);
        // An input no output depends on still belongs to the model (its data is accepted and ignored).
        for (KerasTensor t : inputs) {
            if (done.add(t.node)) order.add(t.node);
        }
        return new FunctionalGraph(inputs, outputs, order);
    }

    private static void visit(LayerNode node, Set<KerasTensor> inputs, Set<LayerNode> done, Set<LayerNode> visiting,
                              List<LayerNode> order) {
        if (done.contains(node)) return;
        if (node.layer() instanceof Input && inputs.contains(node.output())) {
            done.add(node);
            order.add(node);
            return;
        }
        if (node.layer() instanceof Input) {
            throw new IllegalArgumentException("Model: graph disconnected: the outputs depend on " + node.output()
                    + ", which is not among the model's inputs; the layers reached were "
                    + order.stream().map(n -> n.layer().name()).distinct().toList());
        }
        if (!visiting.add(node)) throw new IllegalStateException("Model: the graph has a cycle at " + node.layer().describe());
        for (KerasTensor in : node.inputs()) visit(in.node, inputs, done, visiting, order);
        visiting.remove(node);
        done.add(node);
        order.add(node);
    }

    /**
     * Runs the graph on {@code xs} (one per input). With {@code logits}, the output's last layer
     * stops before its activation (single-output graphs only).
     */
    List<Tensor> run(List<Tensor> xs, boolean logits, String model) {
        if (xs.size() != inputs.size()) {
            throw new IllegalArgumentException("model '" + model + "' has " + inputs.size() + " inputs "
                    + inputs.stream().map(t -> t.layer().name()).toList() + ", got " + xs.size() + " tensors");
        }
        Map<KerasTensor, Tensor> values = new IdentityHashMap<>();
        for (int i = 0; i < xs.size(); i++) {
            ((Input) inputs.get(i).layer()).check(xs.get(i).shape());
            values.put(inputs.get(i), xs.get(i));
        }
        for (LayerNode node : order) {
            if (values.containsKey(node.output())) continue;
            List<Tensor> args = new ArrayList<>(node.inputs().size());
            for (KerasTensor in : node.inputs()) args.add(values.get(in));
            Layer layer = node.layer();
            Tensor out;
            if (logits && node.output() == outputs.getFirst()) {
                out = layer.callLogits(args.getFirst(), layer.isTraining());
            } else {
                out = args.size() == 1 ? layer.call(args.getFirst()) : layer.call(args);
            }
            values.put(node.output(), out);
        }
        List<Tensor> result = new ArrayList<>(outputs.size());
        for (KerasTensor o : outputs) result.add(values.get(o));
        return result;
    }

    /** The activation the single output applies last, or null. */
    Activations outputActivation() {
        return outputs.size() == 1 ? outputs.getFirst().layer().outputActivation() : null;
    }

    /** The node that produced an output. */
    LayerNode outputNode(int i) {
        return outputs.get(i).node;
    }
}
