package dev.kona.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache logic behind Mnist and FashionMnist, with a fetcher that needs no package manager. */
class MnistFilesTest {
    @TempDir
    Path dir;

    private static final FileTime OLD = FileTime.fromMillis(1_000_000_000L);

    private final Map<String, byte[]> files = new HashMap<>();
    private final Map<String, String> sha = new HashMap<>();
    private final List<Set<String>> requests = new ArrayList<>();

    MnistFilesTest() throws IOException {
        byte[] images = new byte[3 * 28 * 28], testImages = new byte[2 * 28 * 28];
        for (int i = 0; i < images.length; i++) images[i] = (byte) i;
        files.put(MnistFiles.TRAIN_IMAGES, IdxTest.idx(0x08, new int[] {3, 28, 28}, images));
        files.put(MnistFiles.TRAIN_LABELS, IdxTest.idx(0x08, new int[] {3}, new byte[] {5, 0, 4}));
        files.put(MnistFiles.TEST_IMAGES, IdxTest.idx(0x08, new int[] {2, 28, 28}, testImages));
        files.put(MnistFiles.TEST_LABELS, IdxTest.idx(0x08, new int[] {2}, new byte[] {7, 2}));
        files.forEach((name, bytes) -> sha.put(name, DataFiles.sha256(bytes)));
    }

    private TrainTest load(MnistFiles.Fetcher fetcher) {
        return MnistFiles.load("Tiny", dir, sha, fetcher, "the test fetcher", "Do the right thing.");
    }

    private TrainTest load() {
        return load((names, work) -> {
            requests.add(Set.copyOf(names));
            assertTrue(Files.isDirectory(work));
            return files;
        });
    }

    @Test
    void fetchesOnceThenReadsTheCache() throws IOException {
        int before = MnistFiles.FETCHES.get();
        TrainTest t = load();
        assertEquals(List.of(sha.keySet()), requests);
        assertEquals(before + 1, MnistFiles.FETCHES.get());
        assertArrayEquals(new int[] {3, 28, 28}, t.train().x().shape());
        assertEquals(DType.INT32, t.train().x().dtype());
        assertEquals(DType.INT64, t.train().y().dtype());
        assertArrayEquals(new long[] {5, 0, 4}, t.train().y().toLongArray());
        assertArrayEquals(new long[] {7, 2}, t.test().y().toLongArray());
        assertEquals(255, t.train().x().max().item());
        for (String name : sha.keySet()) assertArrayEquals(files.get(name), Files.readAllBytes(dir.resolve(name)));

        load();
        assertEquals(1, requests.size(), "the second load is served from the cache");
        assertEquals(before + 1, MnistFiles.FETCHES.get());
        try (var listing = Files.list(dir)) {
            assertEquals(4, listing.count(), "no temporary files are left behind");
        }
    }

    @Test
    void aCorruptFileIsFetchedAgainAndNothingElseIsTouched() throws IOException {
        load();
        for (String name : sha.keySet()) Files.setLastModifiedTime(dir.resolve(name), OLD);
        Files.write(dir.resolve(MnistFiles.TRAIN_LABELS), new byte[] {0, 0, 8, 1, 0, 0, 0, 3, 9, 9, 9});
        Files.setLastModifiedTime(dir.resolve(MnistFiles.TRAIN_LABELS), OLD);

        TrainTest t = load();
        assertEquals(Set.of(MnistFiles.TRAIN_LABELS), requests.get(1));
        assertArrayEquals(new long[] {5, 0, 4}, t.train().y().toLongArray());
        for (String name : sha.keySet()) {
            boolean rewritten = !Files.getLastModifiedTime(dir.resolve(name)).equals(OLD);
            assertEquals(name.equals(MnistFiles.TRAIN_LABELS), rewritten, name);
        }
    }

    @Test
    void aFailedFetchSaysWhatIsWrongAndWhatToDo() {
        var e = assertThrows(DataException.class, () -> load((names, work) -> {
            throw new Packages.ToolException("`tool` could not start", null);
        }));
        String m = e.getMessage();
        assertTrue(m.startsWith("Tiny: in the cache " + dir), m);
        assertTrue(m.contains(MnistFiles.TRAIN_IMAGES + " is missing"), m);
        assertTrue(m.contains("`tool` could not start") && m.endsWith("Do the right thing."), m);
        assertInstanceOf(Packages.ToolException.class, e.getCause());
    }

    @Test
    void aFetchedFileWithTheWrongHashIsNotCached() {
        Map<String, byte[]> wrong = new HashMap<>(files);
        wrong.put(MnistFiles.TEST_LABELS, IdxTest.idx0());
        String m = assertThrows(DataException.class, () -> load((names, work) -> wrong)).getMessage();
        assertTrue(m.contains(MnistFiles.TEST_LABELS + " from the test fetcher has SHA-256"), m);
        assertTrue(m.contains("expected " + sha.get(MnistFiles.TEST_LABELS)), m);
        assertFalse(Files.exists(dir.resolve(MnistFiles.TEST_LABELS)));
    }
}
