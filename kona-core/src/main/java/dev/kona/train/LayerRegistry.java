package dev.kona.train;

import dev.kona.io.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * How {@code Model.load} re-creates layers from their saved configuration: a factory per class
 * name (Keras's {@code custom_objects} / {@code register_keras_serializable}). The built-in layers
 * are registered; register your own layers and subclassed models to save them whole.
 *
 * <pre>{@code
 * final class Scale extends Layer {
 *     final double factor;
 *     Scale(double factor) { this.factor = factor; }
 *     @Override protected Tensor call(Tensor x, boolean training) { return x.mul(factor); }
 *     @Override public Map<String, Object> getConfig() {
 *         var c = super.getConfig();
 *         c.put("factor", factor);
 *         return c;
 *     }
 * }
 * LayerRegistry.register("Scale", c -> new Scale(LayerRegistry.number(c, "factor")));
 * model.save(path);  Model.load(path);     // Scale layers come back with their factor
 * }</pre>
 *
 * <p>The factory receives the config ({@link Layer#getConfig()}); the name and trainable flag are
 * applied after it returns. A subclassed model's factory must create its layers in the same order,
 * so that the saved weights' keys match.
 */
public final class LayerRegistry {
    private LayerRegistry() {}

    private static final Map<String, Function<Map<String, Object>, ? extends Layer>> FACTORIES = new ConcurrentHashMap<>();

    static {
        FACTORIES.put("Dense", c -> {
            var d = new Dense(integer(c, "units"), string(c, "activation"), bool(c, "use_bias"));
            if (c.containsKey("kernel_initializer")) d.kernelInitializer(string(c, "kernel_initializer"));
            if (c.containsKey("bias_initializer")) d.biasInitializer(string(c, "bias_initializer"));
            return d;
        });
        FACTORIES.put("Flatten", c -> new Flatten());
        FACTORIES.put("Dropout", c -> new Dropout(number(c, "rate")));
        FACTORIES.put("Activation", c -> new Activation(string(c, "activation")));
        FACTORIES.put("Reshape", c -> new Reshape(ints(c, "target_shape")));
        FACTORIES.put("Concatenate", c -> new Concatenate(integer(c, "axis")));
        FACTORIES.put("Add", c -> new Add());
        FACTORIES.put("Conv1D", c -> ConvLayer.fromConfig(c, 1));
        FACTORIES.put("Conv2D", c -> ConvLayer.fromConfig(c, 2));
        FACTORIES.put("MaxPooling2D", c -> new MaxPooling2D(ints(c, "pool_size"), ints(c, "strides"), string(c, "padding")));
        FACTORIES.put("AveragePooling2D", c -> new AveragePooling2D(ints(c, "pool_size"), ints(c, "strides"), string(c, "padding")));
        FACTORIES.put("BatchNormalization", c -> new BatchNormalization(integer(c, "axis"), number(c, "momentum"),
                number(c, "epsilon"), bool(c, "center"), bool(c, "scale")));
        FACTORIES.put("LayerNormalization", c -> new LayerNormalization(number(c, "epsilon"), bool(c, "center"), bool(c, "scale")));
        FACTORIES.put("Embedding", c -> new Embedding(integer(c, "input_dim"), integer(c, "output_dim"),
                c.containsKey("mask_zero") && bool(c, "mask_zero")));
        FACTORIES.put("SimpleRNN", c -> new SimpleRNN(integer(c, "units"), string(c, "activation"), bool(c, "return_sequences"),
                bool(c, "go_backwards"), bool(c, "use_bias")));
        FACTORIES.put("LSTM", c -> new LSTM(integer(c, "units"), bool(c, "return_sequences"), bool(c, "go_backwards"), bool(c, "use_bias")));
        FACTORIES.put("GRU", c -> new GRU(integer(c, "units"), bool(c, "return_sequences"), bool(c, "go_backwards"), bool(c, "use_bias")));
        FACTORIES.put("MultiHeadAttention", c -> new MultiHeadAttention(integer(c, "num_heads"), integer(c, "key_dim"),
                integer(c, "value_dim"), number(c, "dropout"), bool(c, "use_bias")));
        FACTORIES.put("GlobalAveragePooling2D", c -> new GlobalAveragePooling2D(c.containsKey("keepdims") && bool(c, "keepdims")));
    }

    /** Registers (or replaces) the factory for layers whose {@link Layer#getConfig()} came from class {@code className}. */
    public static void register(String className, Function<Map<String, Object>, ? extends Layer> factory) {
        if (className == null || className.isEmpty()) throw new IllegalArgumentException("LayerRegistry.register: empty class name");
        if (factory == null) throw new IllegalArgumentException("LayerRegistry.register: factory is null");
        FACTORIES.put(className, factory);
    }

    static boolean isRegistered(String className) {
        return FACTORIES.containsKey(className);
    }

    /** Creates a layer of {@code className} from {@code config}, naming it and setting trainable as saved. */
    static Layer create(String className, Map<String, Object> config) {
        var factory = FACTORIES.get(className);
        if (factory == null) {
            throw new IllegalArgumentException("unknown layer class '" + className + "'; register it with "
                    + "LayerRegistry.register(\"" + className + "\", config -> ...) (known: " + FACTORIES.keySet().stream().sorted().toList() + ")");
        }
        Layer layer = factory.apply(config);
        if (config.get("name") instanceof String n) layer.named(n);
        if (config.get("trainable") instanceof Boolean t && !t) layer.setTrainable(false);
        return layer;
    }

    // ---------------------------------------------------------------- config readers

    /** An integer entry of a config; fails naming the key and what was found. */
    public static int integer(Map<String, Object> config, String key) {
        if (config.get(key) instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) return (int) (long) l;
        throw bad(config, key, "an integer");
    }

    /** A number entry of a config. */
    public static double number(Map<String, Object> config, String key) {
        if (config.get(key) instanceof Number n) return n.doubleValue();
        throw bad(config, key, "a number");
    }

    /** A string entry of a config. */
    public static String string(Map<String, Object> config, String key) {
        if (config.get(key) instanceof String s) return s;
        throw bad(config, key, "a string");
    }

    /** A boolean entry of a config. */
    public static boolean bool(Map<String, Object> config, String key) {
        if (config.get(key) instanceof Boolean b) return b;
        throw bad(config, key, "true or false");
    }

    /** An array of integers (null entries, Keras's None, become -1). */
    public static int[] ints(Map<String, Object> config, String key) {
        if (!(config.get(key) instanceof List<?> list)) throw bad(config, key, "an array of integers");
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object v = list.get(i);
            if (v == null) out[i] = -1;
            else if (v instanceof Long l) out[i] = (int) (long) l;
            else throw bad(config, key, "an array of integers");
        }
        return out;
    }

    static List<Object> shapeJson(int[] shape) {
        List<Object> out = new ArrayList<>();
        for (int d : shape) out.add(d < 0 ? null : (Object) (long) d);
        return out;
    }

    private static IllegalArgumentException bad(Map<String, Object> config, String key, String expected) {
        Object name = config.get("name");
        return new IllegalArgumentException("layer config" + (name != null ? " of '" + name + "'" : "") + ": '" + key
                + "' must be " + expected + ", got " + (config.containsKey(key) ? Json.describe(config.get(key)) : "nothing"));
    }
}
