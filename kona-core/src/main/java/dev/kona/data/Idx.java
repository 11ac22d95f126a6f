package dev.kona.data;

import dev.kona.DType;
import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.backend.cpu.CpuStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX format of MNIST and its relatives, raw or gzip-compressed (detected from the
 * content, not the file name).
 *
 * <pre>{@code
 * Tensor images = Idx.read(Path.of("train-images-idx3-ubyte.gz"));   // int32 [60000, 28, 28], 0..255
 * Tensor labels = Idx.read(Path.of("train-labels-idx1-ubyte"));      // int32 [60000]
 * }</pre>
 *
 * <p>An IDX file is a magic number {@code 00 00 TT NN} (TT: element type, NN: number of
 * dimensions), NN big-endian int32 sizes, then the elements in row-major order, big-endian.
 * Element types map to dtypes as follows: unsigned byte (0x08), signed byte (0x09), short (0x0B)
 * and int (0x0C) give int32; float (0x0D) gives float32; double (0x0E) gives float64. Kona has no
 * uint8, so bytes widen to int32 and keep their values (0..255 for unsigned bytes).
 *
 * <p>The sizes are checked against the length of the data: a truncated or corrupt file fails
 * with a {@link DataException} naming the file, the expected and the actual size.
 */
public final class Idx {
    private Idx() {}

    /** Reads an IDX file, raw or gzip. */
    public static Tensor read(Path file) {
        byte[] bytes;
        boolean gzip;
        try {
            bytes = Files.readAllBytes(file);
            gzip = bytes.length >= 2 && (bytes[0] & 0xFF) == 0x1F && (bytes[1] & 0xFF) == 0x8B;
            if (gzip) bytes = gunzip(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("Idx.read: cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(file.toString() + (gzip ? " (decompressed)" : ""), bytes);
    }

    private static byte[] gunzip(Path file, byte[] compressed) {
        try (var in = new GZIPInputStream(new java.io.ByteArrayInputStream(compressed), 1 << 16)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new DataException(file + ": corrupt or truncated gzip data (" + compressed.length + " bytes): "
                    + e.getMessage(), e);
        }
    }

    /**
     * Parses the bytes of an IDX file; {@code name} is used in error messages. The elements are
     * decoded in one pass, straight into the tensor's storage.
     */
    public static Tensor parse(String name, byte[] bytes) {
        if (bytes.length < 4) {
            throw new DataException(name + ": not an IDX file: " + bytes.length + " bytes, shorter than the 4-byte magic number");
        }
        int type = bytes[2] & 0xFF, rank = bytes[3] & 0xFF;
        int elementSize = switch (type) {
            case 0x08, 0x09 -> 1;
            case 0x0B -> 2;
            case 0x0C, 0x0D -> 4;
            case 0x0E -> 8;
            default -> -1;
        };
        if (bytes[0] != 0 || bytes[1] != 0 || elementSize < 0) {
            throw new DataException(name + ": not an IDX file: magic number " + String.format("0x%02X%02X%02X%02X",
                    bytes[0], bytes[1], bytes[2], bytes[3]) + ", expected 0x0000TTNN with type TT one of 08, 09, 0B, 0C, 0D, 0E");
        }
        int header = 4 + 4 * rank;
        if (bytes.length < header) {
            throw new DataException(name + ": truncated IDX header: " + rank + " dimensions need " + header
                    + " bytes, the file has " + bytes.length);
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        int[] shape = new int[rank];
        long numel = 1;
        for (int d = 0; d < rank; d++) {
            shape[d] = buf.getInt(4 + 4 * d);
            if (shape[d] < 0) throw new DataException(name + ": corrupt IDX header: dimension " + d + " has size " + shape[d]);
            numel *= shape[d];
            if (numel > Shape.MAX_ELEMENTS) {
                throw new DataException(name + ": corrupt IDX header: shape " + Arrays.toString(shape)
                        + " has more elements than a tensor can hold");
            }
        }
        long expected = header + numel * elementSize;
        if (bytes.length != expected) {
            throw new DataException(name + ": IDX data of shape " + Shape.format(shape) + " (" + typeName(type) + ") needs "
                    + expected + " bytes, the file has " + bytes.length + (bytes.length < expected ? " (truncated)" : " (corrupt)"));
        }
        int n = (int) numel;
        buf.position(header);
        // Decoded straight into the new tensor's CPU storage: a 60000-image file is 188 MB as int32,
        // and Tensor.of would copy it once more.
        Tensor t = Tensor.zeros(shape, type == 0x0D ? DType.FLOAT32 : type == 0x0E ? DType.FLOAT64 : DType.INT32);
        var storage = (CpuStorage) t.storage();
        switch (type) {
            case 0x08 -> {
                int[] out = storage.i32();
                for (int i = 0; i < n; i++) out[i] = bytes[header + i] & 0xFF;
            }
            case 0x09 -> {
                int[] out = storage.i32();
                for (int i = 0; i < n; i++) out[i] = bytes[header + i];
            }
            case 0x0B -> {
                int[] out = storage.i32();
                var shorts = buf.asShortBuffer();
                for (int i = 0; i < n; i++) out[i] = shorts.get(i);
            }
            case 0x0C -> buf.asIntBuffer().get(storage.i32(), 0, n);
            case 0x0D -> buf.asFloatBuffer().get(storage.f32(), 0, n);
            default -> buf.asDoubleBuffer().get(storage.f64(), 0, n);
        }
        return t;
    }

    private static String typeName(int type) {
        return switch (type) {
            case 0x08 -> "unsigned byte";
            case 0x09 -> "signed byte";
            case 0x0B -> "short";
            case 0x0C -> "int";
            case 0x0D -> "float";
            default -> "double";
        };
    }
}
