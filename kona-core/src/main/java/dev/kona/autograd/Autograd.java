package dev.kona.autograd;

import dev.kona.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reverse-mode automatic differentiation over the graph that ops record as they run
 * (define-by-run, as PyTorch). The walk is iterative, so graphs of any depth are fine.
 */
public final class Autograd {
    private Autograd() {}

    private static final ThreadLocal<boolean[]> ANOMALY = ThreadLocal.withInitial(() -> new boolean[1]);
    private static final ThreadLocal<ArrayDeque<String>> MODULE_PATH = ThreadLocal.withInitial(ArrayDeque::new);

    /** True when any input requires grad and recording is on: the caller should {@link #record}. */
    public static boolean needsRecord(Tensor... inputs) {
        if (!GradMode.isEnabled()) return false;
        for (Tensor t : inputs) if (t != null && t.requiresGrad()) return true;
        return false;
    }

    /**
     * Records that {@code output} was computed from {@code inputs} by an op whose derivative is
     * {@code rule}. Does nothing when no input requires grad or recording is off.
     */
    public static Tensor record(String name, Node.Rule rule, Tensor[] inputs, Tensor output) {
        if (!needsRecord(inputs)) return output;
        if (!output.dtype().isFloatingPoint()) return output;
        var node = new Node(name, rule, inputs);
        node.setOutput(output);
        if (!MODULE_PATH.get().isEmpty()) node.setModulePath(MODULE_PATH.get().peek());
        TensorAccess.get().setGradFn(output, node);
        if (isAnomalyEnabled()) checkFinite("forward", node, output);
        return output;
    }

    // ---------------------------------------------------------------- anomaly mode

    /** A scope whose close cannot fail, for try-with-resources. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** Detect-anomaly mode: a NaN or Inf produced in forward or backward raises an error naming the op. */
    public static Scope detectAnomaly() {
        boolean[] a = ANOMALY.get();
        boolean prev = a[0];
        a[0] = true;
        return () -> a[0] = prev;
    }

    public static boolean isAnomalyEnabled() {
        return ANOMALY.get()[0];
    }

    /** Marks ops recorded until the returned scope closes as belonging to the module at {@code path}. */
    public static Scope modulePath(String path) {
        var stack = MODULE_PATH.get();
        stack.push(path);
        return stack::pop;
    }

    private static void checkFinite(String phase, Node node, Tensor t) {
        if (t == null || !t.dtype().isFloatingPoint() || t.numel() == 0) return;
        boolean finite;
        try (var g = GradMode.noGrad()) {
            // lt(+inf) is false for Inf and for NaN alike.
            finite = t.abs().lt(Double.POSITIVE_INFINITY).all().item() != 0;
        }
        if (!finite) {
            String where = node.modulePath() == null ? "" : " in module '" + node.modulePath() + "'";
            throw new ArithmeticException("anomaly: " + phase + " of '" + node.name() + "'" + where
                    + " produced NaN or Inf (shape " + java.util.Arrays.toString(t.shape()) + ")");
        }
    }

    // ---------------------------------------------------------------- backward

    /**
     * Accumulates d(root)/d(leaf) into the {@code grad} of every leaf that requires grad.
     *
     * @param root        the tensor to differentiate (a scalar unless {@code gradRoot} is given)
     * @param gradRoot    the gradient of some scalar with respect to root, or null for ones
     * @param retainGraph keep the saved tensors so that backward can run through this graph again
     * @param createGraph record the backward computation itself, for gradients of gradients
     */
    public static void backward(Tensor root, Tensor gradRoot, boolean retainGraph, boolean createGraph) {
        run(List.of(root), gradRoot == null ? null : List.of(gradRoot), retainGraph, createGraph, null, "backward");
    }

    /**
     * The gradients of {@code outputs} with respect to {@code inputs}, returned instead of
     * accumulated (PyTorch's {@code torch.autograd.grad}). An input the outputs do not depend on
     * gets a zero gradient.
     */
    public static List<Tensor> grad(List<Tensor> outputs, List<Tensor> inputs, List<Tensor> gradOutputs,
                                    boolean retainGraph, boolean createGraph) {
        for (Tensor t : inputs) {
            if (!t.requiresGrad()) {
                throw new IllegalArgumentException("grad: an input of shape " + java.util.Arrays.toString(t.shape())
                        + " does not require grad");
            }
        }
        Map<Object, Tensor> captured = new IdentityHashMap<>();
        run(outputs, gradOutputs, retainGraph, createGraph, new Capture(inputs, captured), "grad");
        List<Tensor> result = new ArrayList<>();
        for (Tensor t : inputs) {
            Object key = t.gradFn() == null ? t : t.gradFn();
            Tensor g = captured.get(key);
            result.add(g != null ? g : Tensor.zerosLike(t));
        }
        return result;
    }

    private record Capture(List<Tensor> inputs, Map<Object, Tensor> captured) {
        boolean wantsLeaf(Tensor t) {
            for (Tensor i : inputs) if (i == t) return true;
            return false;
        }

        boolean wantsNode(Node n) {
            for (Tensor i : inputs) if (i.gradFn() == n) return true;
            return false;
        }
    }

    private static final java.util.concurrent.atomic.AtomicInteger WALKS = new java.util.concurrent.atomic.AtomicInteger();

    private static void run(List<Tensor> roots, List<Tensor> gradRoots, boolean retainGraph, boolean createGraph,
                            Capture capture, String op) {
        int walk = WALKS.incrementAndGet();
        // Hooks may keep a gradient (or return one the caller holds), so such passes copy.
        Object pass = capture == null && !createGraph ? TensorAccess.get().beginPass() : null;
        List<Node> starts = new ArrayList<>();
        for (int i = 0; i < roots.size(); i++) {
            Tensor root = roots.get(i);
            if (!root.requiresGrad()) {
                throw new IllegalStateException(op + ": the tensor (shape " + java.util.Arrays.toString(root.shape())
                        + ") does not require grad and has no grad_fn; call requiresGrad(true) on the leaves first");
            }
            Tensor g = gradRoots == null ? null : gradRoots.get(i);
            if (g == null) {
                if (root.numel() != 1) {
                    throw new IllegalArgumentException(op + ": a gradient can be created implicitly only for a scalar output; "
                            + "got shape " + java.util.Arrays.toString(root.shape()) + ", pass the output's gradient");
                }
                g = Tensor.onesLike(root);
            } else if (!java.util.Arrays.equals(g.shape(), root.shape())) {
                throw new IllegalArgumentException(op + ": gradient of shape " + java.util.Arrays.toString(g.shape())
                        + " does not match the output's shape " + java.util.Arrays.toString(root.shape()));
            }
            if (root.gradFn() == null) {
                deliverToLeaf(root, g, capture, pass);
            } else {
                root.gradFn().addPending(g, walk);
                starts.add(root.gradFn());
            }
        }
        List<Node> order = topologicalOrder(starts, walk);
        for (Node node : order) if (node.hasHooks()) pass = null;
        try (var mode = createGraph ? GradMode.enableGrad() : GradMode.noGrad()) {
            for (Node node : order) {
                Tensor g = node.takePending(walk);
                if (g == null) continue;
                g = node.runHooks(g);
                if (capture != null && capture.wantsNode(node)) capture.captured().merge(node, g, Tensor::add);
                Tensor[] inputGrads = node.apply(g);
                if (!retainGraph) node.release();
                Tensor[] edges = node.edges();
                for (int i = 0; i < edges.length; i++) {
                    Tensor in = edges[i];
                    if (in == null || !in.requiresGrad() || inputGrads[i] == null) continue;
                    Tensor ig = inputGrads[i];
                    if (isAnomalyEnabled()) checkFinite("backward", node, ig);
                    Node next = in.gradFn();
                    if (next == null) deliverToLeaf(in, ig, capture, pass);
                    else next.addPending(ig, walk);
                }
            }
        }
    }

    private static void deliverToLeaf(Tensor leaf, Tensor g, Capture capture, Object pass) {
        if (capture != null) {
            if (capture.wantsLeaf(leaf)) capture.captured().merge(leaf, TensorAccess.get().leafHooks(leaf, g), Tensor::add);
        } else {
            TensorAccess.get().accumulate(leaf, g, pass);
        }
    }

    /**
     * Nodes reachable from the starts, each after every node that feeds it a gradient: the
     * reversed post-order of a depth-first walk, with visits stamped on the nodes.
     */
    private static List<Node> topologicalOrder(List<Node> starts, int walk) {
        List<Node> postOrder = new ArrayList<>();
        ArrayDeque<Node> nodes = new ArrayDeque<>();
        ArrayDeque<int[]> positions = new ArrayDeque<>();
        for (Node s : starts) {
            if (s.visitedWalk == walk) continue;
            s.visitedWalk = walk;
            nodes.push(s);
            positions.push(new int[] {0});
            while (!nodes.isEmpty()) {
                Node n = nodes.peek();
                int[] pos = positions.peek();
                Tensor[] edges = n.edges();
                if (pos[0] < edges.length) {
                    Tensor in = edges[pos[0]++];
                    Node next = in == null ? null : in.gradFn();
                    if (next != null && next.visitedWalk != walk) {
                        next.visitedWalk = walk;
                        nodes.push(next);
                        positions.push(new int[] {0});
                    }
                } else {
                    nodes.pop();
                    positions.pop();
                    postOrder.add(n);
                }
            }
        }
        java.util.Collections.reverse(postOrder);
        return postOrder;
    }
}
