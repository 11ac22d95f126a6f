package dev.kona.io;

/**
 * A file that exists but cannot be read as the format it should have: truncated, corrupt, or of
 * another kind. The message names the file and what was wrong, with the values found.
 *
 * <pre>{@code
 * try {
 *     Safetensors.load(path);
 * } catch (FileFormatException e) {
 *     // "model.safetensors: header length 9000 exceeds the file size 120 (truncated, or not a safetensors file)"
 * }
 * }</pre>
 */
public final class FileFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FileFormatException(String message) {
        super(message);
    }

    public FileFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
