package dev.kona.nn;

import dev.kona.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Registered modules by name, in insertion order, for models that pick layers by key. It has no
 * forward.
 *
 * <pre>{@code
 * var heads = registerModule("heads", new ModuleDict());
 * heads.put("classify", new Linear(512, 10)).put("regress", new Linear(512, 1));
 * Tensor y = heads.get(task).call(features);    // state-dict keys: heads.classify.weight, ...
 * }</pre>
 */
public final class ModuleDict extends Module {
    private final Map<String, Module> items = new LinkedHashMap<>();

    public ModuleDict() {}

    /** Registers the entries of {@code modules} in its iteration order (use a LinkedHashMap). */
    public ModuleDict(Map<String, ? extends Module> modules) {
        for (var e : modules.entrySet()) put(e.getKey(), e.getValue());
    }

    /** Registers {@code module} under {@code name} (which must be new). Returns this. */
    public ModuleDict put(String name, Module module) {
        items.put(name, registerModule(name, module));
        return this;
    }

    /** The module named {@code name}; fails naming the known keys if there is none. */
    public Module get(String name) {
        Module m = items.get(name);
        if (m == null) throw new IllegalArgumentException("ModuleDict.get: no module '" + name + "' (has " + items.keySet() + ")");
        return m;
    }

    public boolean containsKey(String name) {
        return items.containsKey(name);
    }

    /** The names, in insertion order. */
    public Set<String> keySet() {
        return Collections.unmodifiableSet(items.keySet());
    }

    public int size() {
        return items.size();
    }

    /** Always fails: a ModuleDict holds modules, the model that owns it decides how to run them. */
    @Override
    public Tensor forward(Tensor input) {
        throw new UnsupportedOperationException("ModuleDict has no forward; get a module by name and call it");
    }
}
