package dev.kona.train;

import dev.kona.Tensor;
import dev.kona.nn.Module;

/**
 * Uses any PyTorch-style {@link Module} as a Keras layer (Keras's {@code TorchModuleWrapper}): its
 * parameters train with the model and show in the summary.
 *
 * <pre>{@code
 * var model = new Sequential(new Input(784),
 *         new ModuleWrapper(new dev.kona.nn.Linear(784, 64)),
 *         new Activation("relu"),
 *         new Dense(10, "softmax"));
 * }</pre>
 *
 * <p>A wrapped module has no Keras config: save such a model's weights with
 * {@code saveWeights}, or register a factory with {@link LayerRegistry} to save it whole.
 */
public final class ModuleWrapper extends Layer {
    private final Module module;

    public ModuleWrapper(Module module) {
        if (module == null) throw new IllegalArgumentException("ModuleWrapper: module is null");
        this.module = registerModule("module", module);
    }

    /** The wrapped module. */
    public Module module() {
        return module;
    }

    @Override
    protected Tensor call(Tensor inputs, boolean training) {
        return module.call(inputs);
    }
}
