package dev.kona.data;

import dev.kona.DType;
import dev.kona.Shape;
import dev.kona.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The four IDX files of an MNIST-like dataset: checked against their SHA-256 in the cache, fetched
 * through a package manager when missing or corrupt, parsed into a {@link TrainTest}.
 */
final class MnistFiles {
    private MnistFiles() {}

    static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    /** How many times a fetch ran in this JVM (tests use it to tell a cache hit from a fetch). */
    static final AtomicInteger FETCHES = new AtomicInteger();

    private static final System.Logger LOG = System.getLogger("dev.kona.data");

    /** Produces the named files (raw IDX bytes), working in a temporary folder deleted afterwards. */
    interface Fetcher {
        Map<String, byte[]> fetch(Set<String> names, Path workDir) throws Packages.ToolException, IOException;
    }

    /**
     * @param title    the dataset's name in messages
     * @param dir      the dataset's cache folder
     * @param sha256   file name to the SHA-256 of its raw bytes, for the four files
     * @param source   what the fetcher runs, for messages
     * @param howToFix what the user can do when fetching fails
     */
    static TrainTest load(String title, Path dir, Map<String, String> sha256, Fetcher fetcher, String source, String howToFix) {
        Map<String, byte[]> bytes = new HashMap<>();
        Map<String, CompletableFuture<String>> digests = new HashMap<>();
        Map<String, String> problems = new LinkedHashMap<>();
        for (String name : sha256.keySet()) {
            Path file = dir.resolve(name);
            if (!Files.isRegularFile(file)) {
                problems.put(name, "missing");
                continue;
            }
            byte[] b;
            try {
                b = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new UncheckedIOException(title + ": cannot read the cached " + file + ": " + e.getMessage(), e);
            }
            bytes.put(name, b);
            digests.put(name, CompletableFuture.supplyAsync(() -> DataFiles.sha256(b)));
        }
        // The training images are decoded while their digest is computed on another core (each
        // about 0.1 s cold, half of loading); a corrupt file's speculative result is dropped.
        Tensor xTrain = null;
        if (bytes.containsKey(TRAIN_IMAGES)) {
            try {
                xTrain = images(bytes, TRAIN_IMAGES);
            } catch (DataException corruptAndRefetchedBelow) {
                xTrain = null;
            }
        }
        digests.forEach((name, digest) -> {
            if (!digest.join().equals(sha256.get(name))) {
                bytes.remove(name);
                problems.put(name, "corrupt (SHA-256 mismatch)");
            }
        });
        if (!problems.isEmpty()) fetch(title, dir, sha256, fetcher, source, howToFix, problems, bytes);
        if (xTrain == null || problems.containsKey(TRAIN_IMAGES)) xTrain = images(bytes, TRAIN_IMAGES);
        Tensor xTest = images(bytes, TEST_IMAGES);
        Tensor yTrain = labels(bytes, TRAIN_LABELS, xTrain.size(0)), yTest = labels(bytes, TEST_LABELS, xTest.size(0));
        return new TrainTest(new Example(xTrain, yTrain), new Example(xTest, yTest));
    }

    private static void fetch(String title, Path dir, Map<String, String> sha256, Fetcher fetcher, String source,
                              String howToFix, Map<String, String> problems, Map<String, byte[]> bytes) {
        FETCHES.incrementAndGet();
        Set<String> names = new TreeSet<>(problems.keySet());
        LOG.log(System.Logger.Level.INFO, title + ": fetching " + String.join(", ", names) + " with " + source + " into " + dir);
        Path work = null;
        try {
            work = Files.createTempDirectory("kona-" + title.toLowerCase(java.util.Locale.ROOT).replace(' ', '-'));
            Map<String, byte[]> got = fetcher.fetch(names, work);
            for (String name : names) {
                byte[] b = got.get(name);
                if (b == null) throw new DataException(title + ": " + source + " gave no file " + name);
                String actual = DataFiles.sha256(b);
                if (!actual.equals(sha256.get(name))) {
                    throw new DataException(title + ": " + name + " from " + source + " has SHA-256 " + actual + ", expected "
                            + sha256.get(name) + "; the package differs from the one Kona knows, so it was not cached");
                }
                DataFiles.writeAtomically(dir.resolve(name), b);
                bytes.put(name, b);
            }
        } catch (Packages.ToolException e) {
            var what = new StringBuilder();
            problems.forEach((n, p) -> what.append(what.isEmpty() ? "" : ", ").append(n).append(" is ").append(p));
            throw new DataException(title + ": in the cache " + dir + ", " + what + ", and fetching failed: " + e.getMessage()
                    + ". " + howToFix, e);
        } catch (IOException e) {
            throw new UncheckedIOException(title + ": cannot fetch into " + dir + ": " + e.getMessage(), e);
        } finally {
            DataFiles.deleteRecursively(work);
        }
    }

    private static Tensor images(Map<String, byte[]> bytes, String name) {
        Tensor x = Idx.parse(name, bytes.get(name));
        if (x.dim() != 3 || x.size(1) != 28 || x.size(2) != 28) {
            throw new DataException(name + ": expected images of shape [n, 28, 28], got " + Shape.format(x.shape()));
        }
        return x;
    }

    private static Tensor labels(Map<String, byte[]> bytes, String name, int n) {
        Tensor y = Idx.parse(name, bytes.get(name));
        if (y.dim() != 1 || y.size(0) != n) {
            throw new DataException(name + ": expected " + n + " labels, got shape " + Shape.format(y.shape()));
        }
        return y.to(DType.INT64);
    }
}
