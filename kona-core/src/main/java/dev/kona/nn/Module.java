package dev.kona.nn;

import dev.kona.DType;
import dev.kona.Device;
import dev.kona.Shape;
import dev.kona.MemoryScope;
import dev.kona.Tensor;
import dev.kona.autograd.Autograd;
import dev.kona.autograd.GradMode;
import dev.kona.autograd.TensorAccess;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Base class of the PyTorch-style layers: a module holds its state in three ordered registries
 * (parameters, buffers, child modules) and computes in {@link #forward}.
 *
 * <pre>{@code
 * final class Mlp extends Module {
 *     private final Linear fc1 = registerModule("fc1", new Linear(784, 128));
 *     private final Linear fc2 = registerModule("fc2", new Linear(128, 10));
 *
 *     @Override
 *     public Tensor forward(Tensor x) {          // x: [batch, 784] -> [batch, 10]
 *         return fc2.call(fc1.call(x).relu());
 *     }
 * }
 * var model = new Mlp();
 * model.namedParameters().keySet();              // [fc1.weight, fc1.bias, fc2.weight, fc2.bias]
 * Tensor logits = model.call(Tensor.randn(32, 784));
 * }</pre>
 *
 * <p>Parameters are plain floating-point tensors with {@code requiresGrad(true)}. Layers read
 * their parameters from the registry at every forward ({@link #param}), so {@link #to(DType)} and
 * {@link #functionalCall} can replace them. Names are unique within a module across the three
 * registries, non-empty and without dots: dotted keys ({@code encoder.layers.2.weight}) are paths
 * from the root.
 *
 * <p>Always run a module through {@link #call}, not {@code forward}: {@code call} tells autograd
 * which module the recorded ops belong to, so that anomaly mode names it.
 */
public abstract class Module {
    private final LinkedHashMap<String, Tensor> parameters = new LinkedHashMap<>();
    private final LinkedHashMap<String, Tensor> buffers = new LinkedHashMap<>();
    private final LinkedHashMap<String, Module> modules = new LinkedHashMap<>();
    private boolean training = true;
    private Device device = Device.CPU;
    // Where this module was last registered, for the module path that anomaly mode reports.
    private Module parent;
    private String nameInParent;

    protected Module() {}

    /**
     * Computes the module's output. Subclasses implement it; callers use {@link #call}.
     *
     * @param input the input, of the shape the layer documents
     * @return the output
     */
    public abstract Tensor forward(Tensor input);

    /**
     * Runs {@link #forward} with the ops it records attributed to this module's path
     * ({@link #path()}), so that {@link Autograd#detectAnomaly() anomaly mode} can name it.
     */
    public final Tensor call(Tensor input) {
        try (var scope = Autograd.modulePath(path())) {
            return forward(input);
        }
    }

    /**
     * The dotted path from the root this module was registered under ({@code encoder.layers.2.linear1});
     * a module registered nowhere is a root, and its path is its class name.
     */
    public final String path() {
        if (parent == null) return typeName();
        if (parent.parent == null) return nameInParent;
        return parent.path() + "." + nameInParent;
    }

    /** The name shown by {@link #toString()} and error messages: the class's simple name. */
    protected String typeName() {
        String n = getClass().getSimpleName();
        return n.isEmpty() ? "Module" : n;
    }

    // ---------------------------------------------------------------- registration

    /**
     * Registers {@code tensor} as a parameter named {@code name} and marks it
     * {@code requiresGrad(true)} (call {@code requiresGrad(false)} afterwards to freeze it).
     * It must be a floating-point leaf. Returns the tensor.
     */
    protected final Tensor registerParameter(String name, Tensor tensor) {
        checkName("registerParameter", "parameter", name);
        if (tensor == null) {
            throw new IllegalArgumentException(typeName() + ".registerParameter: the tensor for '" + name
                    + "' is null (a layer without that parameter registers none)");
        }
        if (!tensor.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(typeName() + ".registerParameter: parameter '" + name
                    + "' must be a floating-point tensor, got " + tensor.dtype() + "; register it as a buffer instead");
        }
        if (!tensor.isLeaf()) {
            throw new IllegalArgumentException(typeName() + ".registerParameter: parameter '" + name
                    + "' is the result of '" + tensor.gradFn().name() + "'; parameters must be leaves, pass x.detach()");
        }
        tensor.requiresGrad(true);
        // A parameter lives as long as its module, even when built inside a step's MemoryScope.
        parameters.put(name, MemoryScope.persist(tensor));
        return tensor;
    }

    /**
     * Registers {@code tensor} as a buffer: state that is saved in the {@link #stateDict()} and
     * converted by {@link #to(DType)} but not trained (running statistics, masks). Returns the tensor.
     */
    protected final Tensor registerBuffer(String name, Tensor tensor) {
        checkName("registerBuffer", "buffer", name);
        if (tensor == null) {
            throw new IllegalArgumentException(typeName() + ".registerBuffer: the tensor for '" + name + "' is null");
        }
        buffers.put(name, MemoryScope.persist(tensor));
        return tensor;
    }

    /** Registers {@code child} as a sub-module named {@code name}. Returns the child. */
    protected final <M extends Module> M registerModule(String name, M child) {
        checkName("registerModule", "module", name);
        if (child == null) {
            throw new IllegalArgumentException(typeName() + ".registerModule: the module for '" + name + "' is null");
        }
        if (child.namedModules().containsValue(this)) {
            throw new IllegalArgumentException(typeName() + ".registerModule: registering '" + name
                    + "' would make a cycle (that module is this one or contains it)");
        }
        modules.put(name, child);
        Module c = child;
        c.parent = this;
        c.nameInParent = name;
        // A child added to a module already moved to a device follows it there.
        if (!device.equals(Device.CPU) && !c.device.equals(device)) c.to(device);
        return child;
    }

    private void checkName(String op, String kind, String name) {
        String who = typeName() + "." + op;
        if (name == null) throw new IllegalArgumentException(who + ": " + kind + " name must not be null");
        if (name.isEmpty()) throw new IllegalArgumentException(who + ": " + kind + " name must not be empty");
        if (name.contains(".")) {
            throw new IllegalArgumentException(who + ": " + kind + " name '" + name
                    + "' must not contain '.' (dots separate the levels of state-dict keys)");
        }
        String existing = parameters.containsKey(name) ? "parameter"
                : buffers.containsKey(name) ? "buffer" : modules.containsKey(name) ? "module" : null;
        if (existing != null) {
            throw new IllegalArgumentException(who + ": '" + name + "' is already registered as a " + existing);
        }
    }

    /** This module's own parameter {@code name}; fails naming the known ones if there is none. */
    protected final Tensor param(String name) {
        Tensor t = parameters.get(name);
        if (t == null) {
            throw new IllegalArgumentException(typeName() + ": no parameter '" + name + "' (has " + parameters.keySet() + ")");
        }
        return t;
    }

    /** This module's own buffer {@code name}; fails naming the known ones if there is none. */
    protected final Tensor buffer(String name) {
        Tensor t = buffers.get(name);
        if (t == null) {
            throw new IllegalArgumentException(typeName() + ": no buffer '" + name + "' (has " + buffers.keySet() + ")");
        }
        return t;
    }

    /** The direct child {@code name}, or null. */
    protected final Module child(String name) {
        return modules.get(name);
    }

    // ---------------------------------------------------------------- traversal

    /** Every parameter of this module and its descendants, each tensor once, in registration order. */
    public final List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /**
     * Parameters by dotted key ({@code 0.weight}, {@code encoder.fc1.bias}): own parameters first,
     * then each child's, recursively, in registration order. A tensor shared by several modules
     * appears once, under its first key.
     */
    public final LinkedHashMap<String, Tensor> namedParameters() {
        var out = new LinkedHashMap<String, Tensor>();
        collect(out, true, true);
        return out;
    }

    /** Every buffer of this module and its descendants, each tensor once. */
    public final List<Tensor> buffers() {
        return new ArrayList<>(namedBuffers().values());
    }

    /** Buffers by dotted key, ordered and deduplicated as {@link #namedParameters()}. */
    public final LinkedHashMap<String, Tensor> namedBuffers() {
        var out = new LinkedHashMap<String, Tensor>();
        collect(out, false, true);
        return out;
    }

    private void collect(Map<String, Tensor> out, boolean params, boolean dedupe) {
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (var e : namedModules().entrySet()) {
            String prefix = e.getKey().isEmpty() ? "" : e.getKey() + ".";
            var reg = params ? e.getValue().parameters : e.getValue().buffers;
            for (var p : reg.entrySet()) {
                if (!dedupe || seen.add(p.getValue())) out.put(prefix + p.getKey(), p.getValue());
            }
        }
    }

    /** The direct children, in registration order. */
    public final List<Module> children() {
        return new ArrayList<>(modules.values());
    }

    /** The direct children by name. */
    public final LinkedHashMap<String, Module> namedChildren() {
        return new LinkedHashMap<>(modules);
    }

    /**
     * This module (key {@code ""}) and all its descendants by dotted path, parents before children,
     * each module once.
     */
    public final LinkedHashMap<String, Module> namedModules() {
        var out = new LinkedHashMap<String, Module>();
        Set<Module> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        walk("", this, out, seen);
        return out;
    }

    private static void walk(String prefix, Module m, Map<String, Module> out, Set<Module> seen) {
        if (!seen.add(m)) return;
        out.put(prefix, m);
        for (var e : m.modules.entrySet()) {
            walk(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out, seen);
        }
    }

    /** Total number of elements over {@link #parameters()}. */
    public final long numParameters() {
        long n = 0;
        for (Tensor p : parameters()) n += p.numel();
        return n;
    }

    /** Calls {@code fn} on every descendant (children first), then on this module, as PyTorch's apply. Returns this. */
    public final Module apply(Consumer<Module> fn) {
        for (Module c : modules.values()) c.apply(fn);
        fn.accept(this);
        return this;
    }

    // ---------------------------------------------------------------- modes and conversion

    /** Sets training mode on this module and all descendants (Dropout drops only in training). Returns this. */
    public Module train(boolean mode) {
        training = mode;
        for (Module c : modules.values()) c.train(mode);
        return this;
    }

    /** Same as {@code train(true)}. */
    public final Module train() {
        return train(true);
    }

    /** Same as {@code train(false)}: evaluation mode. */
    public final Module eval() {
        return train(false);
    }

    /** True in training mode (the default). */
    public final boolean isTraining() {
        return training;
    }

    /**
     * Converts every floating-point parameter and buffer of this module and its descendants to
     * {@code dtype}. The registries get new tensors that keep their {@code requiresGrad} flag (and
     * their gradient, converted): create the optimizer after calling this. Integer and bool buffers
     * are left as they are. Returns this.
     */
    public Module to(DType dtype) {
        if (!dtype.isFloatingPoint()) {
            throw new IllegalArgumentException(typeName() + ".to: expected a floating-point dtype, got " + dtype);
        }
        return convert("to(" + dtype + ")", t -> t.dtype().isFloatingPoint() ? t.to(dtype) : t);
    }

    /**
     * Moves every parameter and buffer of this module and its descendants to {@code device}, as
     * {@link #to(DType)} does for dtypes (new tensors in the registries: create the optimizer after
     * calling this), and makes it the module's {@link #device()}: weights created later (lazy
     * layers, Keras layers built at their first input) and children registered later go there too.
     * Returns this.
     *
     * <pre>{@code
     * var model = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10)).to(Device.cuda(0));
     * var optimizer = new Adam(model.parameters(), 1e-3);
     * Tensor loss = lossFn.apply(model.call(x.to(model.device())), y.to(model.device()));
     * }</pre>
     */
    public Module to(Device device) {
        if (device == null) throw new IllegalArgumentException(typeName() + ".to: device is null");
        for (Module m : namedModules().values()) m.device = device;
        return convert("to(" + device + ")", t -> t.to(device));
    }

    /**
     * The device this module's state lives on: the CPU until {@link #to(Device)} moves it. Inputs
     * must be there too ({@code model.call(x.to(model.device()))}).
     */
    public final Device device() {
        return device;
    }

    private Module convert(String how, UnaryOperator<Tensor> fn) {
        Map<Tensor, Tensor> done = new IdentityHashMap<>();
        // Converted parameters live as long as the module, whatever scope is open.
        try (var g = GradMode.noGrad(); var outside = MemoryScope.outside()) {
            for (Module m : namedModules().values()) {
                for (var e : m.parameters.entrySet()) e.setValue(done.computeIfAbsent(e.getValue(), t -> converted(t, fn, typeName() + "." + how)));
                for (var e : m.buffers.entrySet()) e.setValue(done.computeIfAbsent(e.getValue(), fn::apply));
            }
        }
        return this;
    }

    private static Tensor converted(Tensor p, UnaryOperator<Tensor> fn, String how) {
        Tensor q = fn.apply(p);
        if (q == p) return p;
        TensorAccess.get().markReplaced(p, how);
        q = q.detach().requiresGrad(p.requiresGrad());
        if (p.grad() != null) q.setGrad(fn.apply(p.grad()));
        return q;
    }

    /** Clears the gradient of every parameter (sets it to null, as PyTorch's default). */
    public final void zeroGrad() {
        for (Tensor p : parameters()) p.setGrad(null);
    }

    // ---------------------------------------------------------------- state dict

    /**
     * Detached copies of every parameter and buffer by dotted key: each module's parameters, then
     * its buffers, then its children's, recursively. A tensor shared by two modules appears under
     * both keys, so that either module loads on its own.
     *
     * <pre>{@code
     * var saved = model.stateDict();       // {0.weight=..., 0.bias=..., 2.weight=..., 2.bias=...}
     * fresh.loadStateDict(saved);          // fresh computes what model computes
     * }</pre>
     */
    public final LinkedHashMap<String, Tensor> stateDict() {
        var out = new LinkedHashMap<String, Tensor>();
        for (var e : stateEntries().entrySet()) out.put(e.getKey(), e.getValue().detach().copy());
        return out;
    }

    private LinkedHashMap<String, Tensor> stateEntries() {
        var out = new LinkedHashMap<String, Tensor>();
        for (var e : namedModules().entrySet()) {
            String prefix = e.getKey().isEmpty() ? "" : e.getKey() + ".";
            for (var p : e.getValue().parameters.entrySet()) out.put(prefix + p.getKey(), p.getValue());
            for (var b : e.getValue().buffers.entrySet()) out.put(prefix + b.getKey(), b.getValue());
        }
        return out;
    }

    /**
     * Keys that did not line up in {@link #loadStateDict(Map, boolean)}.
     *
     * @param missingKeys    keys of this module absent from the map
     * @param unexpectedKeys keys of the map this module does not have
     * @param misShapedKeys  keys present on both sides with different shapes, as
     *                       {@code "fc.weight: expected [10, 128], got [10, 64]"}
     */
    public record LoadResult(List<String> missingKeys, List<String> unexpectedKeys, List<String> misShapedKeys) {
        /** True when every key matched. */
        public boolean isClean() {
            return missingKeys.isEmpty() && unexpectedKeys.isEmpty() && misShapedKeys.isEmpty();
        }
    }

    /**
     * Strict load: copies every value of {@code state} into the parameter or buffer of the same key
     * (converting the dtype if needed; the tensors keep their identity, so optimizers holding them
     * see the new values). Fails, loading nothing, with one message that lists every missing,
     * unexpected and mis-shaped key.
     */
    public final void loadStateDict(Map<String, Tensor> state) {
        loadStateDict(state, true);
    }

    /**
     * Loads {@code state}. With {@code strict}, behaves as {@link #loadStateDict(Map)}; without,
     * loads every key that matches in name and shape and returns the ones that did not.
     */
    public final LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        if (state == null) throw new IllegalArgumentException(typeName() + ".loadStateDict: the state dict is null");
        var own = stateEntries();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), misShaped = new ArrayList<>();
        for (var e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) {
                missing.add(e.getKey());
            } else if (!Arrays.equals(src.shape(), e.getValue().shape())) {
                misShaped.add(e.getKey() + ": expected " + Shape.format(e.getValue().shape()) + ", got "
                        + Shape.format(src.shape()));
            }
        }
        for (String k : state.keySet()) if (!own.containsKey(k)) unexpected.add(k);
        var result = new LoadResult(List.copyOf(missing), List.copyOf(unexpected), List.copyOf(misShaped));
        if (strict && !result.isClean()) {
            var sb = new StringBuilder(typeName() + ".loadStateDict: the state dict does not match the module"
                    + " (nothing was loaded):");
            if (!missing.isEmpty()) sb.append("\n  missing keys: ").append(missing);
            if (!unexpected.isEmpty()) sb.append("\n  unexpected keys: ").append(unexpected);
            for (String m : misShaped) sb.append("\n  mis-shaped: ").append(m);
            throw new IllegalArgumentException(sb.toString());
        }
        try (var g = GradMode.noGrad()) {
            for (var e : own.entrySet()) {
                Tensor src = state.get(e.getKey());
                if (src != null && Arrays.equals(src.shape(), e.getValue().shape())) e.getValue().copyFrom(src);
            }
        }
        return result;
    }

    /**
     * Runs {@link #call} with some parameters replaced by the given tensors (by dotted key), then
     * puts the originals back: PyTorch's {@code torch.func.functional_call}. Gradients flow to the
     * given tensors, which makes it the tool for gradient checks and meta-learning.
     *
     * <pre>{@code
     * Tensor y = linear.functionalCall(Map.of("weight", w2), x);   // x.matmul(w2.t()).add(bias)
     * }</pre>
     */
    public final Tensor functionalCall(Map<String, Tensor> replacements, Tensor input) {
        var modulesByPath = namedModules();
        List<Runnable> restore = new ArrayList<>();
        try {
            for (var e : replacements.entrySet()) {
                String key = e.getKey();
                int dot = key.lastIndexOf('.');
                Module owner = modulesByPath.get(dot < 0 ? "" : key.substring(0, dot));
                String name = key.substring(dot + 1);
                Tensor old = owner == null ? null : owner.parameters.get(name);
                if (old == null) {
                    throw new IllegalArgumentException(typeName() + ".functionalCall: no parameter '" + key + "' (has "
                            + namedParameters().keySet() + ")");
                }
                Tensor t = e.getValue();
                if (t == null || !Arrays.equals(t.shape(), old.shape())) {
                    throw new IllegalArgumentException(typeName() + ".functionalCall: parameter '" + key + "' has shape "
                            + Shape.format(old.shape()) + ", got " + (t == null ? "null" : Shape.format(t.shape())));
                }
                // Every slot holding the same tensor is replaced, so that tied weights stay tied.
                for (Module m : modulesByPath.values()) {
                    for (var slot : m.parameters.entrySet()) {
                        if (slot.getValue() != old) continue;
                        slot.setValue(t);
                        restore.add(() -> slot.setValue(old));
                    }
                }
            }
            return call(input);
        } finally {
            for (Runnable r : restore.reversed()) r.run();
        }
    }

    // ---------------------------------------------------------------- printing

    /** The configuration shown between the parentheses of {@link #toString()}, e.g. {@code in_features=4}. */
    protected String extraRepr() {
        return "";
    }

    /**
     * A readable tree, as PyTorch prints modules:
     * <pre>
     * Sequential(
     *   (0): Linear(in_features=784, out_features=128, bias=true)
     *   (1): ReLU()
     * )
     * </pre>
     */
    @Override
    public String toString() {
        String extra = extraRepr();
        if (modules.isEmpty()) return typeName() + "(" + extra + ")";
        var sb = new StringBuilder(typeName()).append("(\n");
        if (!extra.isEmpty()) sb.append("  ").append(extra.replace("\n", "\n  ")).append('\n');
        for (var e : modules.entrySet()) {
            sb.append("  (").append(e.getKey()).append("): ")
                    .append(e.getValue().toString().replace("\n", "\n  ")).append('\n');
        }
        return sb.append(')').toString();
    }
}
