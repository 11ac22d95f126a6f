package dev.kona.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kona.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mnist and FashionMnist through the real package managers: skipped (with the reason) when npm,
 * or the Debian package and apt, are not there, or when they cannot fetch (no network).
 * Each dataset is fetched into one cache shared by the tests of this class.
 */
class MnistTest {
    @TempDir
    static Path cache;

    private static TrainTest loadOrSkip(String what, Function<Path, TrainTest> loader) {
        try {
            return loader.apply(cache);
        } catch (DataException e) {
            if (e.getCause() instanceof Packages.ToolException) abort(what + " could not be fetched here: " + e.getMessage());
            throw e;
        }
    }

    private static TrainTest mnist() {
        assumeTrue(Packages.onPath("npm"), "npm is not on the PATH: install Node.js to run the MNIST loading tests");
        return loadOrSkip("MNIST", Mnist::load);
    }

    private static TrainTest fashion() {
        boolean installed = Files.isDirectory(FashionMnist.SYSTEM_DIR);
        assumeTrue(installed || (Packages.onPath("apt-get") && Packages.onPath("dpkg-deb")),
                "neither " + FashionMnist.SYSTEM_DIR + " nor apt-get and dpkg-deb: skipping the Fashion-MNIST loading tests");
        return loadOrSkip("Fashion-MNIST", FashionMnist::load);
    }

    private static void checkSplits(TrainTest t, long firstTrainLabel) {
        assertArrayEquals(new int[] {60000, 28, 28}, t.train().x().shape());
        assertArrayEquals(new int[] {60000}, t.train().y().shape());
        assertArrayEquals(new int[] {10000, 28, 28}, t.test().x().shape());
        assertArrayEquals(new int[] {10000}, t.test().y().shape());
        assertEquals(DType.INT32, t.train().x().dtype());
        assertEquals(DType.INT64, t.train().y().dtype());
        assertEquals(0, t.train().y().min().itemLong());
        assertEquals(9, t.train().y().max().itemLong());
        assertEquals(9, t.test().y().max().itemLong());
        assertEquals(0, t.train().x().min().itemLong());
        assertEquals(255, t.train().x().max().itemLong());
        assertEquals(firstTrainLabel, t.train().y().select(0, 0).itemLong());
    }

    @Test
    void mnistLoadsWithKerasShapesAndHitsTheCacheTheSecondTime() throws IOException {
        TrainTest first = mnist();
        checkSplits(first, 5);
        assertEquals(7, first.test().y().select(0, 0).itemLong());

        Path dir = cache.resolve("mnist");
        for (String name : Mnist.SHA256.keySet()) Files.setLastModifiedTime(dir.resolve(name), FileTime.fromMillis(1_000_000_000L));
        int fetches = MnistFiles.FETCHES.get();
        long start = System.nanoTime();
        TrainTest again = Mnist.load(cache);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(fetches, MnistFiles.FETCHES.get(), "the second load fetched again");
        for (String name : Mnist.SHA256.keySet()) {
            assertEquals(FileTime.fromMillis(1_000_000_000L), Files.getLastModifiedTime(dir.resolve(name)), name);
        }
        assertEquals(5, again.train().y().select(0, 0).itemLong());
        // The goal is well under a second; the bound leaves room for a busy shared machine.
        assertTrue(ms < 3000, "a cached load took " + ms + " ms");
    }

    @Test
    void aCorruptCachedMnistFileIsFetchedAgain() throws IOException {
        mnist();
        Path dir = cache.resolve("mnist");
        FileTime marker = FileTime.fromMillis(1_000_000_000L);
        for (String name : Mnist.SHA256.keySet()) Files.setLastModifiedTime(dir.resolve(name), marker);
        Path labels = dir.resolve(MnistFiles.TRAIN_LABELS);
        byte[] bytes = Files.readAllBytes(labels);
        bytes[8] = 3; // the first label: 5 -> 3, same size, wrong hash
        Files.write(labels, bytes);

        int fetches = MnistFiles.FETCHES.get();
        TrainTest t = mnist();
        assertEquals(fetches + 1, MnistFiles.FETCHES.get());
        assertEquals(5, t.train().y().select(0, 0).itemLong());
        assertEquals(Mnist.SHA256.get(MnistFiles.TRAIN_LABELS), DataFiles.sha256(Files.readAllBytes(labels)));
        for (String name : Mnist.SHA256.keySet()) {
            if (!name.equals(MnistFiles.TRAIN_LABELS)) assertEquals(marker, Files.getLastModifiedTime(dir.resolve(name)), name);
        }
    }

    @Test
    void fashionMnistLoadsWithKerasShapes() {
        TrainTest t = fashion();
        checkSplits(t, 9);
        assertEquals("Ankle boot", FashionMnist.CLASSES.get(9));
        int fetches = MnistFiles.FETCHES.get();
        TrainTest again = FashionMnist.load(cache);
        assertEquals(fetches, MnistFiles.FETCHES.get(), "the second load fetched again");
        assertNotEquals(0, again.test().x().sum().itemLong());
    }
}
