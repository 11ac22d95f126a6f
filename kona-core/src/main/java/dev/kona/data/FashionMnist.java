package dev.kona.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Zalando's Fashion-MNIST, as Keras's {@code fashion_mnist.load_data()}: 28x28 grey images of
 * clothes in 10 classes ({@link #CLASSES}).
 *
 * <pre>{@code
 * TrainTest fashion = FashionMnist.load();
 * Tensor xTrain = fashion.train().x();                     // int32 [60000, 28, 28], values 0..255
 * Tensor yTrain = fashion.train().y();                     // int64 [60000], classes 0..9
 * String first = FashionMnist.CLASSES.get((int) yTrain.select(0, 0).itemLong());   // "Ankle boot"
 * }</pre>
 *
 * <p>The files live decompressed in {@code <cache>/fashion-mnist/} ({@link DatasetCache#root()});
 * each load checks their SHA-256 (of the decompressed bytes, which do not depend on how the
 * files were compressed). A missing or corrupt file is taken from the Debian package
 * {@code dataset-fashion-mnist}: from {@code /usr/share/datasets/fashion-mnist} when it is
 * installed, otherwise by running {@code apt-get download dataset-fashion-mnist} and
 * {@code dpkg-deb -x} in a temporary folder (apt fetches it through its configured sources).
 * When neither works, the error says what to install.
 */
public final class FashionMnist {
    private FashionMnist() {}

    /** The class names, in label order. */
    public static final List<String> CLASSES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    static final String PACKAGE = "dataset-fashion-mnist";
    static final Path SYSTEM_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** SHA-256 of the decompressed IDX files shipped (gzip-compressed) in the Debian package. */
    static final Map<String, String> SHA256 = Map.of(
            MnistFiles.TRAIN_IMAGES, "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
            MnistFiles.TRAIN_LABELS, "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
            MnistFiles.TEST_IMAGES, "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
            MnistFiles.TEST_LABELS, "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34");

    /** Loads Fashion-MNIST from the default cache ({@link DatasetCache#root()}), fetching it on first use. */
    public static TrainTest load() {
        return load(DatasetCache.root());
    }

    /** Loads Fashion-MNIST from {@code cacheRoot/fashion-mnist}, fetching it on first use. */
    public static TrainTest load(Path cacheRoot) {
        return load(cacheRoot, SYSTEM_DIR);
    }

    /** As {@link #load(Path)}, with the installed package looked for in {@code systemDir} (tests point it elsewhere). */
    static TrainTest load(Path cacheRoot, Path systemDir) {
        Path dir = cacheRoot.resolve("fashion-mnist");
        boolean installed = hasFiles(systemDir);
        return MnistFiles.load("Fashion-MNIST", dir, SHA256, (names, work) -> fetch(names, work, systemDir),
                installed ? "the installed package " + PACKAGE + " (" + systemDir + ")" : "`apt-get download " + PACKAGE + "`",
                "Install it with `sudo apt-get install " + PACKAGE + "` (Debian, Ubuntu), or copy the decompressed files "
                + String.join(", ", SHA256.keySet().stream().sorted().toList()) + " of Fashion-MNIST into " + dir);
    }

    private static boolean hasFiles(Path dir) {
        return SHA256.keySet().stream().allMatch(n -> Files.isRegularFile(dir.resolve(n + ".gz")));
    }

    private static Map<String, byte[]> fetch(Set<String> names, Path work, Path systemDir)
            throws Packages.ToolException, IOException {
        Path source = systemDir;
        if (!hasFiles(systemDir)) {
            Packages.run(work, List.of("apt-get", "download", PACKAGE));
            Path deb;
            try (var files = Files.list(work)) {
                deb = files.filter(p -> p.getFileName().toString().endsWith(".deb")).findFirst()
                        .orElseThrow(() -> new DataException("Fashion-MNIST: `apt-get download " + PACKAGE + "` left no .deb in " + work));
            }
            Path root = work.resolve("root");
            Packages.run(work, List.of("dpkg-deb", "-x", deb.toString(), root.toString()));
            source = root.resolve(SYSTEM_DIR.getRoot().relativize(SYSTEM_DIR));
        }
        Map<String, byte[]> out = new HashMap<>();
        for (String name : names) {
            Path gz = source.resolve(name + ".gz");
            try (var in = new GZIPInputStream(Files.newInputStream(gz), 1 << 16)) {
                out.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new DataException("Fashion-MNIST: cannot decompress " + gz + ": " + e.getMessage(), e);
            }
        }
        return out;
    }
}
