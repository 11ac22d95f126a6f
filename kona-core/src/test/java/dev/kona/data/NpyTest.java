package dev.kona.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.DType;
import dev.kona.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @TempDir
    Path dir;

    /** A version 1.0 .npy file with the given header dictionary and data bytes. */
    static byte[] npy(String dict, byte[] data) {
        int total = (10 + dict.length() + 1 + 63) / 64 * 64;
        String header = dict + " ".repeat(total - 10 - dict.length() - 1) + "\n";
        ByteBuffer b = ByteBuffer.allocate(total + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return b.array();
    }

    @Test
    void roundTripsEveryDtype() {
        List<Tensor> tensors = List.of(
                Tensor.of(new float[] {1.5f, -2, 3, Float.NaN, 5, 6}, 2, 3),
                Tensor.of(new double[] {Math.PI, -1e300}, 2, 1),
                Tensor.of(new int[] {Integer.MIN_VALUE, 0, 7}),
                Tensor.of(new long[] {Long.MAX_VALUE, -1}, 1, 2),
                Tensor.of(new boolean[] {true, false, true, true}, 2, 2),
                Tensor.of(new float[] {0.5f, -1.25f, 65504f}).to(DType.FLOAT16),
                Tensor.scalar(4.25),
                Tensor.zeros(0, 3));
        for (Tensor t : tensors) {
            Path f = dir.resolve("t.npy");
            Npy.write(f, t);
            Tensor r = Npy.read(f);
            assertEquals(t.dtype(), r.dtype(), t.toString());
            assertArrayEquals(t.shape(), r.shape(), t.toString());
            assertArrayEquals(t.toDoubleArray(), r.toDoubleArray(), t.toString());
        }
    }

    @Test
    void writesTheLayoutNumpyExpects() throws IOException {
        Path f = dir.resolve("w.npy");
        Npy.write(f, Tensor.of(new float[] {1, 2, 3}));
        byte[] b = Files.readAllBytes(f);
        assertEquals(0, (10 + (b[8] & 0xFF)) % 64, "data starts on a 64-byte boundary");
        String header = new String(b, 10, b[8] & 0xFF, StandardCharsets.ISO_8859_1);
        assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"), header);
        assertTrue(header.endsWith("\n"));
        assertEquals(128 + 12, b.length, "numpy pads this header to 128 bytes");
        // a non-contiguous view is written in C order
        Tensor t = Tensor.arange(0, 6, 1).reshape(2, 3).t();
        Npy.write(f, t);
        assertArrayEquals(new long[] {0, 3, 1, 4, 2, 5}, Npy.read(f).toLongArray());
    }

    @Test
    void readsFortranOrderBigEndianAndBytes() throws IOException {
        // [[1, 2, 3], [4, 5, 6]] in column-major order
        ByteBuffer data = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : new int[] {1, 4, 2, 5, 3, 6}) data.putInt(v);
        Path f = dir.resolve("f.npy");
        Files.write(f, npy("{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }", data.array()));
        Tensor t = Npy.read(f);
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6}, t.toIntArray());

        ByteBuffer be = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN).putDouble(1.5).putDouble(-3);
        Files.write(f, npy("{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", be.array()));
        assertArrayEquals(new double[] {1.5, -3}, Npy.read(f).toDoubleArray());

        Files.write(f, npy("{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", new byte[] {0, (byte) 128, (byte) 255}));
        Tensor u = Npy.read(f);
        assertEquals(DType.INT32, u.dtype());
        assertArrayEquals(new int[] {0, 128, 255}, u.toIntArray());

        Files.write(f, npy("{'descr': '|i1', 'fortran_order': False, 'shape': (2,), }", new byte[] {-5, 5}));
        assertArrayEquals(new int[] {-5, 5}, Npy.read(f).toIntArray());
    }

    @Test
    void truncatedAndUnsupportedFilesAreReported() throws IOException {
        Path f = dir.resolve("bad.npy");
        byte[] good = Npy.encode(Tensor.zeros(4, 5));
        Files.write(f, Arrays.copyOf(good, good.length - 8));
        String m = assertThrows(DataException.class, () -> Npy.read(f)).getMessage();
        assertTrue(m.contains(f.toString()) && m.contains("[4, 5]") && m.contains("80") && m.contains("72"), m);
        assertTrue(m.contains("truncated"), m);

        Files.write(f, Arrays.copyOf(good, 30));
        m = assertThrows(DataException.class, () -> Npy.read(f)).getMessage();
        assertTrue(m.contains("truncated .npy header"), m);

        Files.write(f, "hello world, not numpy".getBytes(StandardCharsets.US_ASCII));
        assertTrue(assertThrows(DataException.class, () -> Npy.read(f)).getMessage().contains("not a .npy file"));

        Files.write(f, npy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", new byte[8]));
        m = assertThrows(DataException.class, () -> Npy.read(f)).getMessage();
        assertTrue(m.contains("'<c8'") && m.contains("supported: f2, f4"), m);

        Files.write(f, npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", new byte[8]));
        m = assertThrows(DataException.class, () -> Npy.read(f)).getMessage();
        assertTrue(m.contains("'|O'"), m);

        Files.write(f, npy("{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,), }", new byte[8]));
        m = assertThrows(DataException.class, () -> Npy.read(f)).getMessage();
        assertTrue(m.contains("structured"), m);

        var e = assertThrows(IllegalArgumentException.class, () -> Npy.write(f, Tensor.zeros(2).to(DType.BFLOAT16)));
        assertTrue(e.getMessage().contains("bfloat16"), e.getMessage());
    }

    @Test
    void npzRoundTripsStoredAndCompressed() throws IOException {
        Map<String, Tensor> arrays = new LinkedHashMap<>();
        arrays.put("x", Tensor.randn(3, 4));
        arrays.put("y", Tensor.arange(3));
        arrays.put("mask", Tensor.of(true, false, true));
        for (boolean compressed : new boolean[] {false, true}) {
            Path f = dir.resolve("data" + compressed + ".npz");
            Npy.writeNpz(f, arrays, compressed);
            Map<String, Tensor> back = Npy.readNpz(f);
            assertEquals(List.of("x", "y", "mask"), List.copyOf(back.keySet()));
            for (var e : arrays.entrySet()) {
                assertEquals(e.getValue().dtype(), back.get(e.getKey()).dtype());
                assertArrayEquals(e.getValue().toDoubleArray(), back.get(e.getKey()).toDoubleArray());
            }
        }
        assertTrue(Files.size(dir.resolve("datatrue.npz")) > 0);

        Path bad = dir.resolve("bad.npz");
        byte[] zip = Files.readAllBytes(dir.resolve("datafalse.npz"));
        Files.write(bad, Arrays.copyOf(zip, 20));
        String m = assertThrows(DataException.class, () -> Npy.readNpz(bad)).getMessage();
        assertTrue(m.contains(bad.toString()) && m.contains("npz"), m);
    }
}
