package dev.kona.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.DType;
import dev.kona.Tensor;
import dev.kona.testing.TensorAssert;
import java.io.IOException;
import java.io.InputStream;
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

class SafetensorsTest {

    @TempDir
    Path dir;

    private static LinkedHashMap<String, Tensor> everyDtype() {
        var m = new LinkedHashMap<String, Tensor>();
        m.put("f32", Tensor.of(new float[][] {{1.5f, -2}, {Float.MIN_VALUE, Float.MAX_VALUE}}));
        m.put("f64", Tensor.of(1.0 / 3, -1e300, Double.NaN));
        m.put("i32", Tensor.of(Integer.MIN_VALUE, 0, Integer.MAX_VALUE));
        m.put("i64", Tensor.of(Long.MIN_VALUE, 7L));
        m.put("bool", Tensor.of(true, false, true));
        m.put("f16", Tensor.of(0.5f, -65504f, 6.1035156e-05f).to(DType.FLOAT16));
        m.put("bf16", Tensor.of(1f, -0.0078125f, 3.0e38f).to(DType.BFLOAT16));
        m.put("scalar", Tensor.scalar(2.5));
        m.put("empty", Tensor.zeros(0, 3));
        m.put("transposed", Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}}).t());   // a non-contiguous view
        return m;
    }

    @Test
    void roundTripsEveryDtypeBitForBit() {
        var m = everyDtype();
        Path f = dir.resolve("all.safetensors");
        Safetensors.save(f, m, Map.of("who", "kona"));
        var back = Safetensors.read(f);
        assertEquals(List.copyOf(m.keySet()), List.copyOf(back.tensors().keySet()));
        assertEquals(Map.of("who", "kona"), back.metadata());
        for (var e : m.entrySet()) {
            Tensor t = back.tensors().get(e.getKey());
            assertEquals(e.getValue().dtype(), t.dtype(), e.getKey());
            TensorAssert.assertBitEqual(e.getValue().contiguous(), t, e.getKey());
        }
    }

    @Test
    void theLayoutIsTheStandardOne() {
        var m = new LinkedHashMap<String, Tensor>();
        m.put("w", Tensor.of(new float[] {1, 2}, 1, 2));
        byte[] b = Safetensors.toBytes(m, Map.of());
        var buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long n = buf.getLong(0);
        assertEquals(0, n % 8, "the header is padded to 8 bytes");
        String header = new String(b, 8, (int) n, StandardCharsets.UTF_8);
        assertEquals("{\"w\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[0,8]}}", header.strip());
        assertEquals(8 + n + 8, b.length);
        assertEquals(1f, buf.getFloat(8 + (int) n));
        assertEquals(2f, buf.getFloat(12 + (int) n));
    }

    /** The file and its values come from tools/golden_safetensors.py (PyTorch and Python's safetensors). */
    @Test
    void readsAFileWrittenByPython() throws IOException {
        byte[] bytes;
        try (InputStream in = getClass().getResourceAsStream("/golden/safetensors_python.safetensors")) {
            bytes = in.readAllBytes();
        }
        var c = Safetensors.read(bytes, "safetensors_python.safetensors");
        assertEquals(Map.of("producer", "tools/golden_safetensors.py", "format", "pt"), c.metadata());
        var t = c.tensors();
        assertArrayEquals(new float[] {-0.5f, -0.25f, 0, 0.25f, 0.5f, 0.75f}, t.get("f32").toFloatArray());
        assertArrayEquals(new int[] {2, 3}, t.get("f32").shape());
        assertArrayEquals(new double[] {1.0 / 3, -2.5e-300, 1e300}, t.get("f64").toDoubleArray());
        assertArrayEquals(new int[] {Integer.MIN_VALUE, 0, 7, Integer.MAX_VALUE}, t.get("i32").toIntArray());
        assertArrayEquals(new long[] {-(1L << 62), 42}, t.get("i64").toLongArray());
        assertArrayEquals(new boolean[] {true, false, true}, t.get("bool").toBooleanArray());
        assertEquals(DType.FLOAT16, t.get("f16").dtype());
        assertArrayEquals(new float[] {0.5f, -1f, 65504f, 6.1035156e-05f}, t.get("f16").toFloatArray());
        assertEquals(DType.BFLOAT16, t.get("bf16").dtype());
        assertArrayEquals(new float[] {1f, -0.0078125f, 3.0040553e38f},   // 3e38 rounded to bfloat16
                t.get("bf16").toFloatArray());
        assertEquals(DType.INT32, t.get("u8").dtype(), "uint8 widens to int32");
        assertArrayEquals(new int[] {0, 128, 255}, t.get("u8").toIntArray());
        assertEquals(0, t.get("scalar").dim());
        assertEquals(3.5, t.get("scalar").item());
        assertArrayEquals(new int[] {0, 4}, t.get("empty").shape());
    }

    @Test
    void corruptOrTruncatedFilesFailNamingTheProblem() throws IOException {
        var m = new LinkedHashMap<String, Tensor>();
        m.put("dense.kernel", Tensor.ones(4, 4));
        byte[] good = Safetensors.toBytes(m, Map.of());

        var e = assertThrows(FileFormatException.class, () -> Safetensors.read(Arrays.copyOf(good, good.length - 10), "m.st"));
        assertTrue(e.getMessage().contains("tensor 'dense.kernel' data_offsets [0, 64] reach past the end of the data (54 bytes)"),
                e.getMessage());

        e = assertThrows(FileFormatException.class, () -> Safetensors.read(Arrays.copyOf(good, 20), "m.st"));
        assertTrue(e.getMessage().contains("exceeds the file size 20 (truncated"), e.getMessage());

        e = assertThrows(FileFormatException.class, () -> Safetensors.read(new byte[] {1, 2, 3}, "m.st"));
        assertTrue(e.getMessage().contains("3 bytes, too short"), e.getMessage());

        byte[] notJson = good.clone();
        notJson[9] = '#';
        e = assertThrows(FileFormatException.class, () -> Safetensors.read(notJson, "m.st"));
        assertTrue(e.getMessage().startsWith("m.st: the header is not valid JSON"), e.getMessage());

        byte[] trailing = Arrays.copyOf(good, good.length + 4);
        e = assertThrows(FileFormatException.class, () -> Safetensors.read(trailing, "m.st"));
        assertTrue(e.getMessage().contains("describes 64 bytes of data but the file holds 68"), e.getMessage());

        String badDtype = new String(good, StandardCharsets.ISO_8859_1).replace("\"F32\"", "\"F8X\"");
        e = assertThrows(FileFormatException.class, () -> Safetensors.read(badDtype.getBytes(StandardCharsets.ISO_8859_1), "m.st"));
        assertTrue(e.getMessage().contains("dtype 'F8X' is not supported"), e.getMessage());

        String badShape = new String(good, StandardCharsets.ISO_8859_1).replace("[4,4]", "[4,5]");
        e = assertThrows(FileFormatException.class, () -> Safetensors.read(badShape.getBytes(StandardCharsets.ISO_8859_1), "m.st"));
        assertTrue(e.getMessage().contains("span 64 bytes, but F32 [4, 5] needs 80"), e.getMessage());

        Path f = dir.resolve("cut.safetensors");
        Files.write(f, Arrays.copyOf(good, good.length - 1));
        e = assertThrows(FileFormatException.class, () -> Safetensors.load(f));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    }
}
