package dev.kona.nn;

import dev.kona.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * A list of registered modules (named {@code 0, 1, 2...}), for models that run their layers in
 * a loop of their own. It has no forward.
 *
 * <pre>{@code
 * var blocks = registerModule("layers", new ModuleList());
 * for (int i = 0; i < 6; i++) blocks.add(new Linear(512, 512));
 * for (Module b : blocks) x = b.call(x).relu();      // state-dict keys: layers.0.weight, ...
 * }</pre>
 */
public final class ModuleList extends Module implements Iterable<Module> {
    private final List<Module> items = new ArrayList<>();

    public ModuleList(Module... modules) {
        for (Module m : modules) add(m);
    }

    public ModuleList(List<? extends Module> modules) {
        for (Module m : modules) add(m);
    }

    /** Appends a module, named by its index. Returns this. */
    public ModuleList add(Module module) {
        items.add(registerModule(Integer.toString(items.size()), module));
        return this;
    }

    /** The module at {@code index} (negative counts from the end). */
    public Module get(int index) {
        int i = index < 0 ? index + items.size() : index;
        if (i < 0 || i >= items.size()) {
            throw new IndexOutOfBoundsException("ModuleList.get: index " + index + " is out of range for "
                    + items.size() + " modules");
        }
        return items.get(i);
    }

    public int size() {
        return items.size();
    }

    @Override
    public Iterator<Module> iterator() {
        return Collections.unmodifiableList(items).iterator();
    }

    /** Always fails: a ModuleList holds modules, the model that owns it decides how to run them. */
    @Override
    public Tensor forward(Tensor input) {
        throw new UnsupportedOperationException("ModuleList has no forward; iterate over its modules and call them");
    }
}
