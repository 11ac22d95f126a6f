package dev.kona.nn;

import dev.kona.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Runs its modules in order, each on the output of the previous one. Children are named
 * {@code 0, 1, 2...} (or given names), which gives state-dict keys like {@code 0.weight}.
 *
 * <pre>{@code
 * var mlp = new Sequential(
 *         new Flatten(),            // [N, 1, 28, 28] -> [N, 784]
 *         new Linear(784, 128),
 *         new ReLU(),
 *         new Linear(128, 10));     // -> [N, 10]
 * Tensor logits = mlp.call(images);
 * }</pre>
 */
public final class Sequential extends Module implements Iterable<Module> {
    private final ArrayList<Module> layers = new ArrayList<>();

    public Sequential(Module... modules) {
        this(List.of(modules));
    }

    public Sequential(List<? extends Module> modules) {
        for (Module m : modules) add(m);
    }

    /** Children under the given names, in the map's iteration order (use a LinkedHashMap). */
    public Sequential(Map<String, ? extends Module> named) {
        for (var e : named.entrySet()) {
            layers.add(registerModule(e.getKey(), e.getValue()));
        }
    }

    /** Appends a module, named by its index. Returns this. */
    public Sequential add(Module module) {
        layers.add(registerModule(Integer.toString(layers.size()), module));
        return this;
    }

    /** The module at {@code index} (negative counts from the end). */
    public Module get(int index) {
        int i = index < 0 ? index + layers.size() : index;
        if (i < 0 || i >= layers.size()) {
            throw new IndexOutOfBoundsException("Sequential.get: index " + index + " is out of range for "
                    + layers.size() + " modules");
        }
        return layers.get(i);
    }

    public int size() {
        return layers.size();
    }

    @Override
    public Iterator<Module> iterator() {
        return Collections.unmodifiableList(layers).iterator();
    }

    @Override
    public Tensor forward(Tensor input) {
        Tensor x = input;
        for (Module m : layers) x = m.call(x);
        return x;
    }
}
