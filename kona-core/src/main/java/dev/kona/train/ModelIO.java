package dev.kona.train;

import dev.kona.Kona;
import dev.kona.Tensor;
import dev.kona.io.AtomicFiles;
import dev.kona.io.FileFormatException;
import dev.kona.io.Json;
import dev.kona.io.Safetensors;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Saving and loading whole models: one zip file with {@code metadata.json}, {@code config.json}
 * (the architecture, Keras-like: class names and layer configs) and {@code model.safetensors} (the
 * weights, keyed as {@code stateDict()}).
 */
final class ModelIO {
    private ModelIO() {}

    static final String FORMAT = "kona.keras";
    static final int FORMAT_VERSION = 1;
    static final String CONFIG = "config.json";
    static final String METADATA = "metadata.json";
    static final String WEIGHTS = "model.safetensors";

    // ---------------------------------------------------------------- saving

    static void save(Model model, Path path) {
        requireBuilt(model, "save");
        AtomicFiles.write(path, out -> {
            var zip = new ZipOutputStream(new FilterOutputStream(out) {
                @Override
                public void close() throws IOException {
                    flush();   // AtomicFiles closes the file itself, after syncing it
                }
            });
            var meta = new LinkedHashMap<String, Object>();
            meta.put("format", FORMAT);
            meta.put("format_version", (long) FORMAT_VERSION);
            meta.put("kona_version", Kona.VERSION);
            meta.put("date_saved", Instant.now().toString());
            entry(zip, METADATA, Json.writePretty(meta).getBytes(StandardCharsets.UTF_8));
            var config = new LinkedHashMap<String, Object>();
            config.put("format", FORMAT);
            config.put("format_version", (long) FORMAT_VERSION);
            config.putAll(layerConfig(model));
            entry(zip, CONFIG, Json.writePretty(config).getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry(WEIGHTS));
            Safetensors.write(zip, model.stateDict(), Map.of("format", "kona", "model", model.name()));
            zip.closeEntry();
            zip.finish();
            zip.flush();
        });
    }

    private static void entry(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
    }

    static void saveWeights(Model model, Path path) {
        requireBuilt(model, "saveWeights");
        Safetensors.save(path, model.stateDict(), Map.of("format", "kona", "model", model.name()));
    }

    private static void requireBuilt(Model model, String op) {
        if (!model.isBuilt()) {
            throw new IllegalStateException(op + ": model '" + model.name() + "' is not built yet (it has no weights): start it "
                    + "with an Input, call it on data, or fit it first");
        }
    }

    /** {@code {"class_name": ..., "config": {...}}} for a layer; models nest their layers. */
    static Map<String, Object> layerConfig(Layer layer) {
        var out = new LinkedHashMap<String, Object>();
        out.put("class_name", layer.className());
        if (layer instanceof Sequential s) {
            var c = new LinkedHashMap<String, Object>();
            c.put("name", s.name());
            c.put("trainable", s.isTrainable());
            List<Object> layers = new ArrayList<>();
            if (s.input() != null) layers.add(layerConfig(s.input()));
            for (Layer l : s.layers()) layers.add(layerConfig(l));
            c.put("layers", layers);
            if (s.isBuilt()) c.put("build_input_shape", LayerRegistry.shapeJson(s.inputShape()));
            out.put("config", c);
        } else if (layer instanceof Model m && m.graph() != null && m.getClass() == Model.class) {
            out.put("config", functionalConfig(m));
        } else {
            String cls = layer.className();
            if (!(layer instanceof Input) && !LayerRegistry.isRegistered(cls)) {
                throw new IllegalArgumentException("save: layer '" + layer.name() + "' (" + cls + ") cannot be saved whole: "
                        + "no factory is registered for class '" + cls + "'. Register one with LayerRegistry.register(\""
                        + cls + "\", config -> ...) (overriding getConfig() for its arguments), or save the weights alone "
                        + "with saveWeights");
            }
            Map<String, Object> c = new LinkedHashMap<>(layer.getConfig());
            if (layer instanceof Model && layer.isBuilt()) c.put("build_input_shape", LayerRegistry.shapeJson(layer.inputShape()));
            out.put("config", c);
        }
        return out;
    }

    private static Map<String, Object> functionalConfig(Model m) {
        FunctionalGraph g = m.graph();
        // Tensors are referred to as [layer name, index of the call within this model].
        Map<LayerNode, Integer> local = new IdentityHashMap<>();
        Map<Layer, Integer> calls = new IdentityHashMap<>();
        for (LayerNode n : g.order) local.put(n, calls.merge(n.layer(), 1, Integer::sum) - 1);
        var c = new LinkedHashMap<String, Object>();
        c.put("name", m.name());
        c.put("trainable", m.isTrainable());
        List<Object> layers = new ArrayList<>();
        for (Layer l : g.layers) layers.add(layerConfig(l));
        c.put("layers", layers);
        List<Object> nodes = new ArrayList<>();
        for (LayerNode n : g.order) {
            if (n.layer() instanceof Input) continue;
            var node = new LinkedHashMap<String, Object>();
            node.put("layer", n.layer().name());
            List<Object> ins = new ArrayList<>();
            for (KerasTensor t : n.inputs()) ins.add(ref(t, local));
            node.put("inputs", ins);
            nodes.add(node);
        }
        c.put("nodes", nodes);
        c.put("inputs", g.inputs.stream().map(t -> ref(t, local)).toList());
        c.put("outputs", g.outputs.stream().map(t -> ref(t, local)).toList());
        return c;
    }

    private static List<Object> ref(KerasTensor t, Map<LayerNode, Integer> local) {
        return List.of(t.layer().name(), (long) local.get(t.node));
    }

    // ---------------------------------------------------------------- loading

    static Model load(Path path) {
        byte[] configBytes, weightBytes;
        try (var zip = new ZipFile(path.toFile())) {
            configBytes = read(zip, CONFIG, path);
            weightBytes = read(zip, WEIGHTS, path);
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("Model.load: no such file: " + path, e);
        } catch (ZipException e) {
            throw new FileFormatException(path + ": not a readable Kona model file (truncated, corrupt or not a zip archive: "
                    + e.getMessage() + ")", e);
        } catch (IOException e) {
            if (!Files.exists(path)) throw new UncheckedIOException("Model.load: no such file: " + path, e);
            throw new UncheckedIOException("Model.load: reading " + path + ": " + e.getMessage(), e);
        }
        Map<String, Object> config;
        try {
            config = Json.asObject(Json.parse(new String(configBytes, StandardCharsets.UTF_8)), CONFIG);
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(path + ": " + CONFIG + " is not valid: " + e.getMessage(), e);
        }
        if (!FORMAT.equals(config.get("format"))) {
            throw new FileFormatException(path + ": " + CONFIG + " is not a Kona model config (format " + config.get("format")
                    + ", expected " + FORMAT + ")");
        }
        if (!(config.get("format_version") instanceof Long v) || v > FORMAT_VERSION) {
            throw new FileFormatException(path + ": format_version " + config.get("format_version")
                    + " is not supported by this Kona (" + Kona.VERSION + "), which reads up to " + FORMAT_VERSION);
        }
        Layer layer;
        try {
            layer = fromConfig(config);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new FileFormatException(path + ": cannot re-create the model from " + CONFIG + ": " + e.getMessage(), e);
        }
        if (!(layer instanceof Model model)) {
            throw new FileFormatException(path + ": " + CONFIG + " describes a " + layer.className() + ", not a model");
        }
        var weights = Safetensors.read(weightBytes, path + "!" + WEIGHTS).tensors();
        try {
            model.loadStateDict(weights);
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(path + ": the weights do not match the architecture: " + e.getMessage(), e);
        }
        model.eval();
        return model;
    }

    private static byte[] read(ZipFile zip, String name, Path path) throws IOException {
        ZipEntry e = zip.getEntry(name);
        if (e == null) {
            List<String> names = zip.stream().map(ZipEntry::getName).toList();
            throw new FileFormatException(path + ": not a Kona model file: " + name + " is missing (the archive holds " + names + ")");
        }
        try (var in = zip.getInputStream(e)) {
            return in.readAllBytes();
        } catch (ZipException ex) {
            throw new FileFormatException(path + ": " + name + " is corrupt: " + ex.getMessage(), ex);
        }
    }

    static Layer fromConfig(Map<String, Object> spec) {
        String cls = LayerRegistry.string(spec, "class_name");
        Map<String, Object> c = Json.asObject(spec.get("config"), "config of a " + cls);
        return switch (cls) {
            case "Sequential" -> sequential(c);
            case "Functional" -> functional(c);
            case "InputLayer" -> {
                int[] batch = LayerRegistry.ints(c, "batch_shape");
                yield new Input(java.util.Arrays.copyOfRange(batch, 1, batch.length)).named(LayerRegistry.string(c, "name"));
            }
            default -> {
                Layer l = LayerRegistry.create(cls, c);
                if (l instanceof Model && c.containsKey("build_input_shape")) l.ensureBuilt(LayerRegistry.ints(c, "build_input_shape"));
                yield l;
            }
        };
    }

    private static Sequential sequential(Map<String, Object> c) {
        var s = new Sequential();
        s.named(LayerRegistry.string(c, "name"));
        for (Object o : Json.asArray(c.get("layers"), "layers of '" + c.get("name") + "'")) {
            s.add(fromConfig(Json.asObject(o, "a layer of '" + c.get("name") + "'")));
        }
        if (!s.isBuilt() && c.containsKey("build_input_shape")) s.ensureBuilt(LayerRegistry.ints(c, "build_input_shape"));
        if (c.get("trainable") instanceof Boolean t && !t) s.setTrainable(false);
        return s;
    }

    private static Model functional(Map<String, Object> c) {
        String name = LayerRegistry.string(c, "name");
        Map<String, Layer> layers = new LinkedHashMap<>();
        for (Object o : Json.asArray(c.get("layers"), "layers of '" + name + "'")) {
            Layer l = fromConfig(Json.asObject(o, "a layer of '" + name + "'"));
            layers.put(l.name(), l);
        }
        Map<String, List<KerasTensor>> produced = new HashMap<>();
        for (Layer l : layers.values()) if (l instanceof Input in) produced.computeIfAbsent(l.name(), k -> new ArrayList<>()).add(in.output());
        for (Object o : Json.asArray(c.get("nodes"), "nodes of '" + name + "'")) {
            Map<String, Object> node = Json.asObject(o, "a node of '" + name + "'");
            String layerName = LayerRegistry.string(node, "layer");
            Layer l = layers.get(layerName);
            if (l == null) throw new IllegalArgumentException("a node calls layer '" + layerName + "', which the config does not define");
            List<KerasTensor> ins = new ArrayList<>();
            for (Object r : Json.asArray(node.get("inputs"), "inputs of a call of '" + layerName + "'")) ins.add(resolve(r, produced));
            produced.computeIfAbsent(layerName, k -> new ArrayList<>()).add(l.apply(ins));
        }
        List<KerasTensor> inputs = new ArrayList<>(), outputs = new ArrayList<>();
        for (Object r : Json.asArray(c.get("inputs"), "inputs of '" + name + "'")) inputs.add(resolve(r, produced));
        for (Object r : Json.asArray(c.get("outputs"), "outputs of '" + name + "'")) outputs.add(resolve(r, produced));
        Model m = new Model(inputs, outputs);
        m.named(name);
        if (c.get("trainable") instanceof Boolean t && !t) m.setTrainable(false);
        return m;
    }

    private static KerasTensor resolve(Object ref, Map<String, List<KerasTensor>> produced) {
        List<Object> r = Json.asArray(ref, "a tensor reference");
        if (r.size() != 2 || !(r.get(0) instanceof String layer) || !(r.get(1) instanceof Long index)) {
            throw new IllegalArgumentException("a tensor reference must be [layer name, call index], got " + r);
        }
        List<KerasTensor> calls = produced.get(layer);
        if (calls == null || index < 0 || index >= calls.size()) {
            throw new IllegalArgumentException("tensor [" + layer + ", " + index + "] is used before it is produced");
        }
        return calls.get((int) (long) index);
    }

    // ---------------------------------------------------------------- weights

    static void loadWeights(Model model, Path path) {
        requireBuilt(model, "loadWeights");
        Map<String, Tensor> weights = Safetensors.load(path);
        try {
            model.loadStateDict(weights);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("loadWeights " + path + ": " + e.getMessage(), e);
        }
    }
}
