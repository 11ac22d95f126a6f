package dev.kona.optim;

import dev.kona.DType;
import dev.kona.MemoryScope;
import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.autograd.GradMode;
import dev.kona.autograd.TensorAccess;
import dev.kona.backend.Layout;
import dev.kona.backend.Storage;
import dev.kona.ops.Dispatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Updates parameters from their gradients, as PyTorch's {@code torch.optim.Optimizer}: parameter
 * groups with their own hyper-parameters, per-parameter state, and a state dict to checkpoint.
 *
 * <pre>{@code
 * var opt = new Adam(List.of(w1, b1, w2, b2), 1e-3);
 * for (int i = 0; i < steps; i++) {
 *     opt.zeroGrad();
 *     Tensor loss = Losses.crossEntropy(forward(x), y);
 *     loss.backward();
 *     opt.step();
 * }
 * }</pre>
 *
 * <p>A subclass declares its default hyper-parameters, validates a group in {@link #validate} and
 * updates one group in {@link #update}, which runs under {@link GradMode#noGrad()} and changes the
 * parameters in place (their identity never changes, so models and other holders stay valid).
 * Parameters whose gradient is null are skipped.
 *
 * <p>Memory: a step's temporaries live in a {@link MemoryScope} of the step's own, so from the
 * second step on their buffers come back from the pool instead of being allocated; per-parameter
 * state ({@link #buffer}, {@link #persistentZeros}) belongs to no scope, so it survives the
 * per-step scopes training loops open around {@code step()}.
 */
public abstract class Optimizer {
    private final String name;
    private final Map<String, Object> defaults;
    private final List<ParamGroup> groups = new ArrayList<>();
    private final Map<Tensor, ParamState> state = new IdentityHashMap<>();

    /**
     * @param name     used in messages, e.g. {@code "Adam"}
     * @param groups   the parameter groups (at least one)
     * @param defaults every hyper-parameter with its default value (Double or Boolean)
     */
    protected Optimizer(String name, List<ParamGroup> groups, Map<String, Object> defaults) {
        this.name = name;
        this.defaults = Collections.unmodifiableMap(new LinkedHashMap<>(defaults));
        if (groups.isEmpty()) throw new IllegalArgumentException(name + ": got an empty list of parameter groups");
        for (ParamGroup g : groups) addParamGroup(g);
    }

    /** One group holding every parameter. */
    protected static List<ParamGroup> single(Iterable<Tensor> params) {
        List<Tensor> list = new ArrayList<>();
        for (Tensor p : params) list.add(p);
        return List.of(new ParamGroup(list));
    }

    /** The name used in messages. */
    public final String name() {
        return name;
    }

    /** The default hyper-parameters, read-only. */
    public final Map<String, Object> defaults() {
        return defaults;
    }

    /** The groups, read-only; each group's hyper-parameters may be changed (as schedulers do). */
    public final List<ParamGroup> paramGroups() {
        return Collections.unmodifiableList(groups);
    }

    /**
     * Adds a group (e.g. layers unfrozen later). Its missing hyper-parameters are filled from the
     * defaults; unknown ones, invalid values and parameters already in another group are refused.
     */
    public final void addParamGroup(ParamGroup group) {
        int index = groups.size();
        String where = index == 0 ? "" : " (param group " + index + ")";
        checkOptions(group.options(), where);
        if (group.params().isEmpty()) throw new IllegalArgumentException(name + ": got an empty parameter list" + where);
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        for (Tensor p : group.params()) {
            if (!p.dtype().isFloatingPoint()) {
                throw new IllegalArgumentException(name + ": can only optimize floating-point tensors, got " + p.dtype() + where);
            }
            if (!p.isLeaf()) {
                throw new IllegalArgumentException(name + ": can't optimize a non-leaf tensor (the result of '" + p.gradFn().name()
                        + "'); optimize the leaf it was computed from" + where);
            }
            if (seen.put(p, Boolean.TRUE) != null) {
                throw new IllegalArgumentException(name + ": a parameter of shape " + Shape.format(p.shape())
                        + " appears twice in the group" + where);
            }
            for (ParamGroup other : groups) {
                for (Tensor q : other.params()) {
                    if (q == p) {
                        throw new IllegalArgumentException(name + ": a parameter of shape " + Shape.format(p.shape())
                                + " appears in more than one parameter group" + where);
                    }
                }
            }
        }
        for (var e : defaults.entrySet()) {
            if (group.has(e.getKey())) continue;
            if (e.getValue() instanceof Boolean b) group.set(e.getKey(), b);
            else group.set(e.getKey(), (Double) e.getValue());
        }
        try {
            validate(group);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + where, e);
        }
        groups.add(group);
        groupAdded(group);
    }

    private void checkOptions(Map<String, Object> options, String where) {
        for (var e : options.entrySet()) {
            Object d = defaults.get(e.getKey());
            if (d == null) {
                throw new IllegalArgumentException(name + ": unknown hyper-parameter '" + e.getKey() + "'" + where
                        + "; expected one of " + String.join(", ", defaults.keySet()));
            }
            if (d.getClass() != e.getValue().getClass()) {
                throw new IllegalArgumentException(name + ": hyper-parameter '" + e.getKey() + "' must be a "
                        + (d instanceof Boolean ? "boolean" : "number") + ", got " + e.getValue() + where);
            }
        }
    }

    /** Checks a group's hyper-parameters (all present), throwing a message naming the bad value. */
    protected abstract void validate(ParamGroup group);

    /** Updates the parameters of one group whose gradients are set; runs under no-grad. */
    protected abstract void update(ParamGroup group);

    /** Called when a group has been added; Adagrad initialises its state here, as PyTorch does. */
    protected void groupAdded(ParamGroup group) {}

    /** Sets every parameter's gradient to null (PyTorch's {@code zero_grad(set_to_none=True)}). */
    public void zeroGrad() {
        for (ParamGroup g : groups) {
            for (Tensor p : g.params()) p.setGrad(null);
        }
    }

    /** With {@code setToNone} false, fills existing gradients with zeros instead of dropping them. */
    public void zeroGrad(boolean setToNone) {
        if (setToNone) {
            zeroGrad();
            return;
        }
        try (var mode = GradMode.noGrad()) {
            for (ParamGroup g : groups) {
                for (Tensor p : g.params()) {
                    Tensor grad = TensorAccess.get().gradForUpdate(p);
                    if (grad != null) grad.fill(0);
                }
            }
        }
    }

    /**
     * One update of every parameter that has a gradient. The temporaries of the update live in a
     * {@link MemoryScope} of their own, so their buffers are reused from one step to the next.
     */
    public final void step() {
        for (ParamGroup g : groups) {
            for (int i = 0; i < g.params().size(); i++) {
                String how = TensorAccess.get().replacedBy(g.params().get(i));
                if (how != null) {
                    throw new IllegalStateException(name + ".step: parameter " + i + " was replaced by " + how
                            + " after this optimizer was created, so it would train a stale copy; create the optimizer"
                            + " after moving or converting the module");
                }
            }
        }
        try (var mode = GradMode.noGrad(); var scope = MemoryScope.open()) {
            for (ParamGroup g : groups) update(g);
        }
    }

    /**
     * Runs {@code closure} (which should zero the gradients, compute the loss and call backward)
     * with gradients enabled, then steps; returns the closure's loss.
     */
    public final Tensor step(Supplier<Tensor> closure) {
        Tensor loss;
        try (var mode = GradMode.enableGrad()) {
            loss = closure.get();
        }
        step();
        return loss;
    }

    /** The state of a parameter (empty before its first update). */
    public final ParamState state(Tensor param) {
        return state.computeIfAbsent(param, p -> new ParamState());
    }

    /** A buffer of the parameter's state, zeros shaped like the parameter on first use. */
    protected static Tensor buffer(ParamState st, String bufferName, Tensor param) {
        Tensor b = st.buffer(bufferName);
        if (b == null) {
            b = persistentZeros(param);
            st.setBuffer(bufferName, b);
        }
        return b;
    }

    /**
     * Zeros with the dtype, shape and device of {@code like}, owned by no {@link MemoryScope}.
     * Optimizer state is created during a step, typically inside the training loop's per-step
     * scope, and must outlive it.
     */
    protected static Tensor persistentZeros(Tensor like) {
        try (var outside = MemoryScope.outside()) {
            return Tensor.zeros(like.shape(), like.dtype(), like.device());
        }
    }

    /** A copy of {@code src} converted to the dtype and device of {@code like}, owned by no scope. */
    protected static Tensor persistentCopy(Tensor src, Tensor like) {
        try (var outside = MemoryScope.outside()) {
            return persistentZeros(like).copyFrom(src);   // copyFrom converts dtype and device
        }
    }

    /** True when the fused update kernels can take this parameter (contiguous float32/float64, matching grad). */
    protected static boolean fusable(Tensor param, Tensor grad) {
        return param.isContiguous() && (param.dtype() == DType.FLOAT32 || param.dtype() == DType.FLOAT64)
                && grad.dtype() == param.dtype() && grad.device().equals(param.device());
    }

    // ---------------------------------------------------------------- validation helpers

    /** Fails unless {@code key >= 0}: {@code "Adam: invalid lr -1.0, expected lr >= 0"}. */
    protected final void requireNonNegative(ParamGroup g, String key) {
        double v = g.getDouble(key);
        if (!(v >= 0)) throw invalid(key, v, key + " >= 0");
    }

    /** Fails unless {@code 0 <= key < 1}: {@code "Adam: invalid beta1 1.5, expected 0 <= beta1 < 1"}. */
    protected final void requireUnitInterval(ParamGroup g, String key) {
        double v = g.getDouble(key);
        if (!(v >= 0 && v < 1)) throw invalid(key, v, "0 <= " + key + " < 1");
    }

    protected final IllegalArgumentException invalid(String key, double value, String expected) {
        return new IllegalArgumentException(name + ": invalid " + key + " " + value + ", expected " + expected);
    }

    // ---------------------------------------------------------------- state dict

    /** A snapshot of the hyper-parameters and the per-parameter state (buffers copied). */
    public final OptimizerState stateDict() {
        List<OptimizerState.Group> gs = new ArrayList<>();
        Map<Integer, OptimizerState.Entry> entries = new LinkedHashMap<>();
        int index = 0;
        try (var mode = GradMode.noGrad()) {
            for (ParamGroup g : groups) {
                List<Integer> ids = new ArrayList<>();
                for (Tensor p : g.params()) {
                    ParamState s = state.get(p);
                    if (s != null && !s.isEmpty()) {
                        Map<String, Tensor> copies = new LinkedHashMap<>();
                        for (var b : s.buffers().entrySet()) copies.put(b.getKey(), persistentCopy(b.getValue(), b.getValue()));
                        entries.put(index, new OptimizerState.Entry(s.step(), copies, s.scalars()));
                    }
                    ids.add(index++);
                }
                gs.add(new OptimizerState.Group(ids, g.options(), g.initialLr()));
            }
        }
        return new OptimizerState(gs, entries);
    }

    /**
     * Restores a snapshot taken from an optimizer of the same kind over parameters of the same
     * shapes, grouped the same way. Everything is checked before anything changes; buffers are
     * copied (converted to each parameter's dtype and device).
     */
    public final void loadStateDict(OptimizerState saved) {
        List<OptimizerState.Group> savedGroups = saved.paramGroups();
        if (savedGroups.size() != groups.size()) {
            throw new IllegalArgumentException(name + ": the loaded state has " + savedGroups.size()
                    + " parameter groups, this optimizer has " + groups.size());
        }
        List<Tensor> params = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            List<Integer> ids = savedGroups.get(i).params();
            int n = groups.get(i).params().size();
            if (ids.size() != n) {
                throw new IllegalArgumentException(name + ": parameter group " + i + " of the loaded state has " + ids.size()
                        + " parameters, this optimizer's has " + n);
            }
            params.addAll(groups.get(i).params());
            String where = " (param group " + i + ")";
            checkOptions(savedGroups.get(i).options(), where);
            ParamGroup trial = new ParamGroup(List.of(), groups.get(i).options());
            for (var e : savedGroups.get(i).options().entrySet()) {
                if (e.getValue() instanceof Boolean b) trial.set(e.getKey(), b);
                else trial.set(e.getKey(), (Double) e.getValue());
            }
            try {
                validate(trial);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + " in the loaded state" + where, e);
            }
        }
        Map<Integer, Tensor> byId = new LinkedHashMap<>();
        int index = 0;
        for (int i = 0; i < groups.size(); i++) {
            List<Integer> ids = savedGroups.get(i).params();
            for (int k = 0; k < ids.size(); k++) {
                if (byId.put(ids.get(k), params.get(index++)) != null) {
                    throw new IllegalArgumentException(name + ": the loaded state lists parameter " + ids.get(k) + " twice");
                }
            }
        }
        for (var e : saved.state().entrySet()) {
            Tensor p = byId.get(e.getKey());
            if (p == null) {
                throw new IllegalArgumentException(name + ": the loaded state has an entry for parameter " + e.getKey()
                        + ", which none of its groups lists");
            }
            for (var b : e.getValue().buffers().entrySet()) {
                if (!Arrays.equals(b.getValue().shape(), p.shape())) {
                    throw new IllegalArgumentException(name + ": buffer '" + b.getKey() + "' of parameter " + e.getKey()
                            + " has shape " + Shape.format(b.getValue().shape()) + ", the parameter has shape "
                            + Shape.format(p.shape()));
                }
            }
        }
        // Everything checked: apply.
        for (int i = 0; i < groups.size(); i++) {
            ParamGroup g = groups.get(i);
            for (var e : savedGroups.get(i).options().entrySet()) {
                if (e.getValue() instanceof Boolean b) g.set(e.getKey(), b);
                else g.set(e.getKey(), (Double) e.getValue());
            }
            g.setInitialLr(savedGroups.get(i).initialLr());
        }
        state.clear();
        try (var mode = GradMode.noGrad()) {
            for (var e : saved.state().entrySet()) {
                Tensor p = byId.get(e.getKey());
                ParamState s = state(p);
                s.setStep(e.getValue().step());
                for (var b : e.getValue().buffers().entrySet()) {
                    s.setBuffer(b.getKey(), persistentCopy(b.getValue(), p));
                }
                for (var c : e.getValue().scalars().entrySet()) s.setScalar(c.getKey(), c.getValue());
            }
        }
    }
}
