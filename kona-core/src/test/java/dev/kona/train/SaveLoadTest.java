package dev.kona.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.Kona;
import dev.kona.Tensor;
import dev.kona.io.FileFormatException;
import dev.kona.io.Json;
import dev.kona.io.Safetensors;
import dev.kona.nn.Linear;
import dev.kona.testing.TensorAssert;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SaveLoadTest {

    @TempDir
    Path dir;

    @BeforeEach
    void fresh() {
        Layer.resetNames();
        Kona.manualSeed(17);
    }

    private static Sequential trainedMnistLike() {
        var model = new Sequential(new Input(4, 4), new Flatten(), new Dense(8, "relu"), new Dropout(0.2), new Dense(3, "softmax"));
        model.compile("adam", "sparse_categorical_crossentropy", "accuracy");
        Tensor x = Tensor.rand(64, 4, 4);
        Tensor y = Tensor.randint(0, 3, 64);
        model.fit(x, y, FitOptions.epochs(2).verbose(0));
        return model;
    }

    @Test
    void aSavedModelPredictsIdentically() throws IOException {
        var model = trainedMnistLike();
        Path f = dir.resolve("model.kona");
        model.save(f);
        Model back = Model.load(f);
        assertInstanceOf(Sequential.class, back);
        Tensor x = Tensor.rand(10, 4, 4);
        TensorAssert.assertBitEqual(model.predict(x, 32, 0), back.predict(x, 32, 0), "predictions after save and load");
        String table = model.summaryText(76);
        assertEquals(table.substring(0, table.indexOf(" Total params")), back.summaryText(76).substring(0, table.indexOf(" Total params")));
        assertEquals(List.of("flatten", "dense", "dropout", "dense_1"), back.layers().stream().map(Layer::name).toList());

        try (var zip = new ZipFile(f.toFile())) {
            assertEquals(List.of("metadata.json", "config.json", "model.safetensors"), zip.stream().map(ZipEntry::getName).toList());
            var config = Json.asObject(Json.parse(new String(zip.getInputStream(zip.getEntry("config.json")).readAllBytes(),
                    StandardCharsets.UTF_8)), "config");
            assertEquals("Sequential", config.get("class_name"));
            var weights = Safetensors.read(zip.getInputStream(zip.getEntry("model.safetensors")).readAllBytes(), "w").tensors();
            assertEquals(List.of("dense.kernel", "dense.bias", "dense_1.kernel", "dense_1.bias"), List.copyOf(weights.keySet()));
        }

        // A loaded model trains on once compiled.
        back.compile("adam", "sparse_categorical_crossentropy");
        back.fit(x, Tensor.randint(0, 3, 10), FitOptions.epochs(1).verbose(0));
    }

    @Test
    void functionalAndNestedModelsRoundTrip() {
        KerasTensor a = Input.of(3), b = Input.of(2);
        var shared = new Dense(4, "tanh");
        var inner = new Sequential(new Input(4), new Dense(4, "relu"));
        KerasTensor h = new Concatenate().apply(List.of(shared.apply(a), shared.apply(new Dense(3).apply(b))));
        KerasTensor out = new Dense(2, "softmax").apply(new Reshape(2, 4).apply(h));
        KerasTensor second = new Dense(1).apply(inner.apply(shared.apply(a)));
        var model = new Model(List.of(a, b), List.of(new Flatten().apply(out), second));
        Path f = dir.resolve("graph.kona");
        model.save(f);
        Model back = Model.load(f);
        List<Tensor> xs = List.of(Tensor.randn(5, 3), Tensor.randn(5, 2));
        List<Tensor> expected = model.predict(xs, 32, 0), actual = back.predict(xs, 32, 0);
        for (int i = 0; i < 2; i++) TensorAssert.assertBitEqual(expected.get(i), actual.get(i), "output " + i);
        assertEquals(model.summaryText(), back.summaryText());
    }

    /** A custom layer with a config, registered so that it can be saved whole. */
    static final class Scale extends Layer {
        final double factor;

        Scale(double factor) {
            this.factor = factor;
        }

        @Override
        protected Tensor call(Tensor inputs, boolean training) {
            return inputs.mul(factor);
        }

        @Override
        public Map<String, Object> getConfig() {
            var c = super.getConfig();
            c.put("factor", factor);
            return c;
        }
    }

    @Test
    void customLayersNeedARegisteredFactory() throws IOException {
        Path f = dir.resolve("custom.kona");
        var old = new Sequential(new Input(2), new Dense(2));
        old.save(f);
        byte[] before = Files.readAllBytes(f);

        var model = new Sequential(new Input(2), new Dense(2), new ModuleWrapper(new Linear(2, 2)));
        var e = assertThrows(IllegalArgumentException.class, () -> model.save(f));
        assertTrue(e.getMessage().startsWith("save: layer 'module_wrapper' (ModuleWrapper) cannot be saved whole: no factory is "
                + "registered for class 'ModuleWrapper'"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(f), "a save that fails midway leaves the previous file intact");
        try (var files = Files.list(dir)) {
            assertEquals(List.of("custom.kona"), files.map(p -> p.getFileName().toString()).toList(), "no temporary left behind");
        }
        model.saveWeights(dir.resolve("w.safetensors"));   // the weights alone always save

        LayerRegistry.register("Scale", c -> new Scale(LayerRegistry.number(c, "factor")));
        var scaled = new Sequential(new Input(2), new Dense(2), new Scale(3).named("triple"));
        scaled.save(f);
        Model back = Model.load(f);
        assertEquals(3.0, ((Scale) back.getLayer("triple")).factor);
        Tensor x = Tensor.randn(4, 2);
        TensorAssert.assertBitEqual(scaled.predict(x, 32, 0), back.predict(x, 32, 0), "custom layer round trip");
    }

    @Test
    void registeredSubclassedModelsSaveWhole() {
        LayerRegistry.register("Residual", c -> new ModelsTest.Residual());
        var model = new ModelsTest.Residual();
        model.compile("adam", "mse");
        Tensor x = Tensor.randn(16, 2);
        model.fit(x, x.sum(1, true), FitOptions.epochs(2).verbose(0));
        Path f = dir.resolve("residual.kona");
        model.save(f);
        Model back = Model.load(f);
        assertInstanceOf(ModelsTest.Residual.class, back);
        TensorAssert.assertBitEqual(model.predict(x, 32, 0), back.predict(x, 32, 0), "subclassed model round trip");
    }

    @Test
    void weightsMoveBetweenModelsBuiltTheSameWay() throws IOException {
        var model = trainedMnistLike();
        Path w = dir.resolve("mnist.weights.safetensors");
        model.saveWeights(w);
        var other = new Sequential(new Input(4, 4), new Flatten(), new Dense(8, "relu"), new Dropout(0.2), new Dense(3, "softmax"));
        assertEquals(List.of("dense_2", "dense_3"), other.layers().stream().filter(l -> l instanceof Dense).map(Layer::name).toList());
        other.loadWeights(w);
        Tensor x = Tensor.rand(6, 4, 4);
        TensorAssert.assertBitEqual(model.predict(x, 32, 0), other.predict(x, 32, 0), "weights loaded into a twin");

        var different = new Sequential(new Input(4, 4), new Flatten(), new Dense(5), new Dense(3));
        var e = assertThrows(IllegalArgumentException.class, () -> different.loadWeights(w));
        assertTrue(e.getMessage().contains("mis-shaped: dense.kernel: expected [16, 5], got [16, 8]"), e.getMessage());
    }

    @Test
    void corruptModelFilesFailWithTheReason() throws IOException {
        var model = trainedMnistLike();
        Path good = dir.resolve("good.kona");
        model.save(good);
        byte[] bytes = Files.readAllBytes(good);

        Path truncated = dir.resolve("truncated.kona");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        var e = assertThrows(FileFormatException.class, () -> Model.load(truncated));
        assertTrue(e.getMessage().startsWith(truncated + ": not a readable Kona model file (truncated, corrupt or not a zip"),
                e.getMessage());

        Path text = dir.resolve("notes.kona");
        Files.writeString(text, "hello");
        assertThrows(FileFormatException.class, () -> Model.load(text));

        Path noConfig = zip("noconfig.kona", Map.of("model.safetensors", new byte[8]));
        e = assertThrows(FileFormatException.class, () -> Model.load(noConfig));
        assertTrue(e.getMessage().contains("config.json is missing (the archive holds [model.safetensors])"), e.getMessage());

        byte[] weights;
        String config;
        try (var zip = new ZipFile(good.toFile())) {
            weights = zip.getInputStream(zip.getEntry("model.safetensors")).readAllBytes();
            config = new String(zip.getInputStream(zip.getEntry("config.json")).readAllBytes(), StandardCharsets.UTF_8);
        }
        Path badJson = zip("badjson.kona", Map.of("config.json", "{\"format\": ".getBytes(StandardCharsets.UTF_8), "model.safetensors", weights));
        e = assertThrows(FileFormatException.class, () -> Model.load(badJson));
        assertTrue(e.getMessage().contains("config.json is not valid: JSON: unexpected end of input"), e.getMessage());

        Path otherShape = zip("shape.kona", Map.of("config.json", config.replace("\"units\": 8", "\"units\": 9")
                .getBytes(StandardCharsets.UTF_8), "model.safetensors", weights));
        e = assertThrows(FileFormatException.class, () -> Model.load(otherShape));
        assertTrue(e.getMessage().contains("the weights do not match the architecture")
                && e.getMessage().contains("dense.kernel: expected [16, 9], got [16, 8]"), e.getMessage());

        Path cutWeights = zip("cutweights.kona", Map.of("config.json", config.getBytes(StandardCharsets.UTF_8),
                "model.safetensors", Arrays.copyOf(weights, weights.length - 4)));
        e = assertThrows(FileFormatException.class, () -> Model.load(cutWeights));
        assertTrue(e.getMessage().contains("!model.safetensors: tensor 'dense_1.bias' data_offsets"), e.getMessage());

        Path unknownLayer = zip("unknown.kona", Map.of("config.json", config.replace("\"Flatten\"", "\"Flattenn\"")
                .getBytes(StandardCharsets.UTF_8), "model.safetensors", weights));
        e = assertThrows(FileFormatException.class, () -> Model.load(unknownLayer));
        assertTrue(e.getMessage().contains("unknown layer class 'Flattenn'"), e.getMessage());
    }

    private Path zip(String name, Map<String, byte[]> entries) throws IOException {
        Path p = dir.resolve(name);
        try (var out = new ZipOutputStream(Files.newOutputStream(p))) {
            for (var e : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        return p;
    }

    @Test
    void unbuiltModelsHaveNothingToSave() {
        var model = new Sequential(new Dense(2));
        var e = assertThrows(IllegalStateException.class, () -> model.save(dir.resolve("x.kona")));
        assertTrue(e.getMessage().contains("is not built yet"), e.getMessage());
    }
}
