package dev.kona.io;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file so that readers see either the old content or the complete new one, never a part:
 * the bytes go to a temporary file in the same folder, which is flushed to disk and then renamed
 * over the target. A failure at any point (an exception in the writer, a full disk, a crash) leaves
 * the previous file untouched and removes the temporary one (a crash may leave a hidden
 * {@code .name.*.tmp} file behind, never a damaged target).
 *
 * <pre>{@code
 * AtomicFiles.write(Path.of("model.safetensors"), out -> Safetensors.write(out, weights, Map.of()));
 * }</pre>
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Produces a file's content. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code target} atomically with the bytes {@code writer} produces. I/O errors are
     * rethrown as {@link UncheckedIOException}; the writer's own runtime exceptions pass through.
     */
    public static void write(Path target, Writer writer) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = null;
        try {
            if (dir != null) Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
            try (var fos = new FileOutputStream(tmp.toFile());
                 var out = new BufferedOutputStream(fos, 1 << 16)) {
                writer.write(out);
                out.flush();
                fos.getChannel().force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + target + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // The original failure is the one worth reporting.
                }
            }
        }
    }

    /** Writes {@code bytes} to {@code target} atomically. */
    public static void write(Path target, byte[] bytes) {
        write(target, out -> out.write(bytes));
    }
}
