package dev.kona.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    private List<String> files() throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void replacesTheFileWhole() throws IOException {
        Path f = dir.resolve("weights.bin");
        AtomicFiles.write(f, "old".getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(f, "new content".getBytes(StandardCharsets.UTF_8));
        assertEquals("new content", Files.readString(f));
        assertEquals(List.of("weights.bin"), files());
    }

    @Test
    void aFailureMidWriteLeavesTheOldFileAndNoTemporary() throws IOException {
        Path f = dir.resolve("model.kona");
        byte[] old = "the previous, complete file".getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(f, old);
        var e = assertThrows(IllegalStateException.class, () -> AtomicFiles.write(f, out -> {
            out.write(new byte[100_000]);            // half of a new file reaches the disk...
            throw new IllegalStateException("crash"); // ...then the writer dies
        }));
        assertEquals("crash", e.getMessage());
        assertArrayEquals(old, Files.readAllBytes(f));
        assertEquals(List.of("model.kona"), files());

        assertThrows(UncheckedIOException.class, () -> AtomicFiles.write(f, out -> {
            throw new IOException("disk full");
        }));
        assertArrayEquals(old, Files.readAllBytes(f));
        assertEquals(List.of("model.kona"), files());
    }

    @Test
    void createsMissingFolders() throws IOException {
        Path f = dir.resolve("a/b/c.txt");
        AtomicFiles.write(f, new byte[] {1, 2});
        assertArrayEquals(new byte[] {1, 2}, Files.readAllBytes(f));
    }
}
