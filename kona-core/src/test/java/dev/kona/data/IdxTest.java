package dev.kona.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.DType;
import dev.kona.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
    @TempDir
    Path dir;

    /** An IDX file: magic, big-endian sizes, then {@code body} as given. */
    static byte[] idx(int type, int[] shape, byte[] body) throws IOException {
        var bytes = new ByteArrayOutputStream();
        var out = new DataOutputStream(bytes);
        out.write(new byte[] {0, 0, (byte) type, (byte) shape.length});
        for (int s : shape) out.writeInt(s);
        out.write(body);
        return bytes.toByteArray();
    }

    /** An empty but valid IDX file. */
    static byte[] idx0() {
        return new byte[] {0, 0, 0x08, 1, 0, 0, 0, 0};
    }

    static byte[] gzip(byte[] raw) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(bytes)) {
            gz.write(raw);
        }
        return bytes.toByteArray();
    }

    private static byte[] ubytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 37);
        return b;
    }

    @Test
    void readsUnsignedBytesAsInt32WithTheirValues() throws IOException {
        Path f = dir.resolve("images-idx3-ubyte");
        Files.write(f, idx(0x08, new int[] {2, 3, 4}, ubytes(24)));
        Tensor t = Idx.read(f);
        assertEquals(DType.INT32, t.dtype());
        assertArrayEquals(new int[] {2, 3, 4}, t.shape());
        int[] expected = new int[24];
        for (int i = 0; i < 24; i++) expected[i] = (i * 37) & 0xFF;
        assertArrayEquals(expected, t.toIntArray());
        assertTrue(Arrays.stream(t.toIntArray()).anyMatch(v -> v > 127), "values above 127 stay positive");
    }

    @Test
    void readsGzipDetectedFromTheContent() throws IOException {
        byte[] raw = idx(0x08, new int[] {5}, new byte[] {1, 2, 3, (byte) 200, 5});
        Path f = dir.resolve("labels.idx"); // no .gz suffix on purpose
        Files.write(f, gzip(raw));
        assertArrayEquals(new int[] {1, 2, 3, 200, 5}, Idx.read(f).toIntArray());
    }

    @Test
    void readsSignedAndWiderTypes() throws IOException {
        var body = new ByteArrayOutputStream();
        var out = new DataOutputStream(body);
        out.writeFloat(1.5f);
        out.writeFloat(-2f);
        Path f = dir.resolve("floats");
        Files.write(f, idx(0x0D, new int[] {2}, body.toByteArray()));
        assertArrayEquals(new float[] {1.5f, -2f}, Idx.read(f).toFloatArray());

        body.reset();
        out.writeInt(-7);
        out.writeInt(1 << 20);
        Files.write(f, idx(0x0C, new int[] {1, 2}, body.toByteArray()));
        assertArrayEquals(new int[] {-7, 1 << 20}, Idx.read(f).toIntArray());

        body.reset();
        out.writeDouble(Math.PI);
        Files.write(f, idx(0x0E, new int[] {1}, body.toByteArray()));
        Tensor d = Idx.read(f);
        assertEquals(DType.FLOAT64, d.dtype());
        assertEquals(Math.PI, d.toDoubleArray()[0]);

        body.reset();
        out.writeShort(-300);
        Files.write(f, idx(0x0B, new int[] {1}, body.toByteArray()));
        assertArrayEquals(new int[] {-300}, Idx.read(f).toIntArray());

        Files.write(f, idx(0x09, new int[] {2}, new byte[] {-1, 5}));
        assertArrayEquals(new int[] {-1, 5}, Idx.read(f).toIntArray());
    }

    @Test
    void truncatedFileNamesTheFileAndBothSizes() throws IOException {
        byte[] full = idx(0x08, new int[] {10, 28, 28}, ubytes(10 * 28 * 28));
        Path f = dir.resolve("train-images-idx3-ubyte");
        Files.write(f, Arrays.copyOf(full, 5000));
        var e = assertThrows(DataException.class, () -> Idx.read(f));
        String m = e.getMessage();
        assertTrue(m.contains(f.toString()), m);
        assertTrue(m.contains("[10, 28, 28]") && m.contains(String.valueOf(full.length)) && m.contains("5000"), m);
        assertTrue(m.contains("truncated"), m);

        Files.write(f, Arrays.copyOf(full, full.length + 3));
        m = assertThrows(DataException.class, () -> Idx.read(f)).getMessage();
        assertTrue(m.contains(String.valueOf(full.length + 3)), m);

        Files.write(f, gzip(Arrays.copyOf(full, 5000)));
        m = assertThrows(DataException.class, () -> Idx.read(f)).getMessage();
        assertTrue(m.contains("decompressed") && m.contains("5000"), m);
    }

    @Test
    void badMagicHeaderAndGzipAreReported() throws IOException {
        Path f = dir.resolve("bad");
        Files.write(f, new byte[] {1, 2, 8, 1, 0, 0, 0, 1, 9});
        String m = assertThrows(DataException.class, () -> Idx.read(f)).getMessage();
        assertTrue(m.contains("not an IDX file") && m.contains("0x01020801"), m);

        Files.write(f, new byte[] {0, 0, 0x08, 3, 0, 0});
        m = assertThrows(DataException.class, () -> Idx.read(f)).getMessage();
        assertTrue(m.contains("truncated IDX header") && m.contains("16 bytes"), m);

        Files.write(f, new byte[] {0, 0});
        assertTrue(assertThrows(DataException.class, () -> Idx.read(f)).getMessage().contains("not an IDX file"));

        byte[] gz = gzip(idx(0x08, new int[] {100}, ubytes(100)));
        Files.write(f, Arrays.copyOf(gz, gz.length / 2));
        m = assertThrows(DataException.class, () -> Idx.read(f)).getMessage();
        assertTrue(m.contains(f.toString()) && m.contains("gzip"), m);

        assertThrows(java.io.UncheckedIOException.class, () -> Idx.read(dir.resolve("missing")));
    }
}
