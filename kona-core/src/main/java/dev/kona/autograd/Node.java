package dev.kona.autograd;

import dev.kona.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One recorded op in the graph: the function that turns the gradient of its output into the
 * gradients of its inputs, and the tensors that function needs. A tensor produced by a recorded op
 * points at its node ({@link Tensor#gradFn()}); leaves have none.
 */
public final class Node {
    /** Computes the gradients of the inputs (null where an input gets none) from the output's gradient. */
    @FunctionalInterface
    public interface Rule {
        Tensor[] apply(Tensor gradOutput, Tensor[] inputs, Tensor output);
    }

    private final String name;
    private final Rule rule;
    private final Tensor[] edges;
    private Tensor[] saved;
    private Tensor output;
    private final List<UnaryOperator<Tensor>> hooks = new ArrayList<>(0);
    private String modulePath;
    // Per-walk bookkeeping of Autograd's engine, stamped with the walk's number instead of kept
    // in identity maps (those were the largest cost of a backward over many small ops).
    int visitedWalk;
    int pendingWalk;
    Tensor pending;

    /** Adds a gradient for this node's output during walk number {@code walk}. */
    void addPending(Tensor g, int walk) {
        if (pendingWalk != walk) {
            pendingWalk = walk;
            pending = g;
        } else {
            pending = pending == null ? g : pending.add(g);
        }
    }

    /** Takes the gradient accumulated during walk {@code walk} (null if none). */
    Tensor takePending(int walk) {
        Tensor g = pendingWalk == walk ? pending : null;
        pending = null;
        return g;
    }

    /**
     * @param name   the op's name, for error messages
     * @param rule   the derivative rule
     * @param inputs the op's inputs; those that require grad are the edges backward follows
     */
    public Node(String name, Rule rule, Tensor[] inputs) {
        this.name = name;
        this.rule = rule;
        this.edges = inputs.clone();
        this.saved = inputs.clone();
    }

    public String name() {
        return name;
    }

    /** The inputs this node sends gradients to (entries that require no grad are skipped by backward). */
    Tensor[] edges() {
        return edges;
    }

    void setOutput(Tensor out) {
        this.output = out;
    }

    /** Runs the rule; fails if the saved tensors were already freed by an earlier backward. */
    Tensor[] apply(Tensor grad) {
        if (saved == null) {
            throw new IllegalStateException("backward: trying to go through the graph of '" + name + "' a second time "
                    + "(its saved tensors were freed after the first backward); pass retainGraph=true to the first call");
        }
        return rule.apply(grad, saved, output);
    }

    /** Frees the saved tensors (after a backward without retainGraph). */
    void release() {
        saved = null;
        output = null;
    }

    /** Hooks run on the gradient of this node's output before it flows on; a hook may replace it. */
    public void addHook(UnaryOperator<Tensor> hook) {
        hooks.add(hook);
    }

    boolean hasHooks() {
        return !hooks.isEmpty();
    }

    Tensor runHooks(Tensor grad) {
        for (var h : hooks) {
            Tensor r = h.apply(grad);
            if (r != null) grad = r;
        }
        return grad;
    }

    /** The dotted path of the module whose forward recorded this node, when one was active. */
    public String modulePath() {
        return modulePath;
    }

    void setModulePath(String path) {
        this.modulePath = path;
    }

    @Override
    public String toString() {
        return name + "Backward";
    }
}
