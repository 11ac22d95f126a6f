package dev.kona.io;

import dev.kona.DType;
import dev.kona.Shape;
import dev.kona.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (Hugging Face's): named tensors in one file that Python's
 * {@code safetensors}, PyTorch, JAX and Kona all read.
 *
 * <pre>{@code
 * Safetensors.save(Path.of("weights.safetensors"), model.stateDict());
 * Map<String, Tensor> w = Safetensors.load(Path.of("weights.safetensors"));
 * // Python: from safetensors.numpy import load_file; load_file("weights.safetensors")
 * }</pre>
 *
 * <p>Layout: an 8-byte little-endian unsigned header length {@code N}; {@code N} bytes of UTF-8
 * JSON mapping each name to {@code {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}}
 * (offsets into the data that follows, end exclusive), plus an optional {@code "__metadata__"}
 * object of strings; then the raw little-endian data, each tensor row-major. Kona pads the header
 * with spaces to a multiple of 8 bytes, as the reference writer does.
 *
 * <p>Dtypes: {@code BOOL}, {@code F16}, {@code BF16}, {@code F32}, {@code F64}, {@code I32},
 * {@code I64} map to Kona's dtypes both ways. Files from other tools may also hold {@code I8},
 * {@code U8}, {@code I16}, {@code U16} (read as int32) and {@code U32} (read as int64); other
 * dtypes are refused by name. Reading checks everything a corrupt or truncated file could get
 * wrong (header length, JSON, dtypes, shapes, offsets overlapping, leaving holes or reaching past
 * the end) and fails with a {@link FileFormatException} naming the file, the tensor and the values.
 * Every {@link #save} is atomic ({@link AtomicFiles}).
 */
public final class Safetensors {
    private Safetensors() {}

    /** Headers larger than this are refused (the reference implementation's limit). */
    static final long MAX_HEADER = 100_000_000;
    private static final String METADATA = "__metadata__";

    /** The tensors of a file, in the file's header order, and its {@code __metadata__} (empty if none). */
    public record Contents(LinkedHashMap<String, Tensor> tensors, Map<String, String> metadata) {}

    // ---------------------------------------------------------------- writing

    /** Writes {@code tensors} to {@code path} atomically. */
    public static void save(Path path, Map<String, Tensor> tensors) {
        save(path, tensors, Map.of());
    }

    /** Writes {@code tensors} and string {@code metadata} to {@code path} atomically. */
    public static void save(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) {
        checkNames(tensors, metadata);
        AtomicFiles.write(path, out -> write(out, tensors, metadata));
    }

    /** The bytes of a safetensors file holding {@code tensors} and {@code metadata}. */
    public static byte[] toBytes(Map<String, Tensor> tensors, Map<String, String> metadata) {
        var bytes = new ByteArrayOutputStream();
        try {
            write(bytes, tensors, metadata);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Streams a safetensors file to {@code out} (which is not closed). */
    public static void write(OutputStream out, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        checkNames(tensors, metadata);
        var header = new LinkedHashMap<String, Object>();
        if (!metadata.isEmpty()) header.put(METADATA, new LinkedHashMap<>(metadata));
        long offset = 0;
        for (var e : tensors.entrySet()) {
            Tensor t = e.getValue();
            long bytes = t.numel() * t.dtype().byteSize();
            var entry = new LinkedHashMap<String, Object>();
            entry.put("dtype", code(t.dtype()));
            entry.put("shape", t.shape());
            entry.put("data_offsets", new long[] {offset, offset + bytes});
            header.put(e.getKey(), entry);
            offset += bytes;
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        var prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        prefix.putLong(padded).put(json);
        while (prefix.hasRemaining()) prefix.put((byte) ' ');
        out.write(prefix.array());
        var chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (Tensor t : tensors.values()) writeData(out, t, chunk);
    }

    private static void checkNames(Map<String, Tensor> tensors, Map<String, String> metadata) {
        if (tensors.containsKey(METADATA)) {
            throw new IllegalArgumentException("Safetensors: '" + METADATA + "' is reserved and cannot name a tensor");
        }
        for (var e : tensors.entrySet()) {
            if (e.getValue() == null) throw new IllegalArgumentException("Safetensors: tensor '" + e.getKey() + "' is null");
        }
        for (var e : metadata.entrySet()) {
            if (e.getValue() == null) throw new IllegalArgumentException("Safetensors: metadata '" + e.getKey() + "' is null");
        }
    }

    private static void writeData(OutputStream out, Tensor t, ByteBuffer chunk) throws IOException {
        chunk.clear();
        switch (t.dtype()) {
            case FLOAT32 -> {
                for (float v : t.toFloatArray()) {
                    if (chunk.remaining() < 4) flush(out, chunk);
                    chunk.putFloat(v);
                }
            }
            case FLOAT64 -> {
                for (double v : t.toDoubleArray()) {
                    if (chunk.remaining() < 8) flush(out, chunk);
                    chunk.putDouble(v);
                }
            }
            case INT32 -> {
                for (int v : t.toIntArray()) {
                    if (chunk.remaining() < 4) flush(out, chunk);
                    chunk.putInt(v);
                }
            }
            case INT64 -> {
                for (long v : t.toLongArray()) {
                    if (chunk.remaining() < 8) flush(out, chunk);
                    chunk.putLong(v);
                }
            }
            case BOOL -> {
                for (boolean v : t.toBooleanArray()) {
                    if (!chunk.hasRemaining()) flush(out, chunk);
                    chunk.put((byte) (v ? 1 : 0));
                }
            }
            // Half values widen to float32 exactly, so narrowing back gives the stored bits.
            case FLOAT16 -> {
                for (float v : t.toFloatArray()) {
                    if (chunk.remaining() < 2) flush(out, chunk);
                    chunk.putShort(Float.floatToFloat16(v));
                }
            }
            case BFLOAT16 -> {
                for (float v : t.toFloatArray()) {
                    if (chunk.remaining() < 2) flush(out, chunk);
                    chunk.putShort((short) (Float.floatToRawIntBits(v) >>> 16));
                }
            }
        }
        flush(out, chunk);
    }

    private static void flush(OutputStream out, ByteBuffer chunk) throws IOException {
        out.write(chunk.array(), 0, chunk.position());
        chunk.clear();
    }

    /** The safetensors dtype code of a Kona dtype: {@code F32}, {@code I64}, {@code BOOL}... */
    public static String code(DType dtype) {
        return switch (dtype) {
            case BOOL -> "BOOL";
            case INT32 -> "I32";
            case INT64 -> "I64";
            case FLOAT16 -> "F16";
            case BFLOAT16 -> "BF16";
            case FLOAT32 -> "F32";
            case FLOAT64 -> "F64";
        };
    }

    // ---------------------------------------------------------------- reading

    /** The tensors of a safetensors file, in header order. */
    public static LinkedHashMap<String, Tensor> load(Path path) {
        return read(path).tensors();
    }

    /** The tensors and metadata of a safetensors file. */
    public static Contents read(Path path) {
        try (var ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new FileFormatException(path + ": " + size + " bytes; Kona reads safetensors files up to 2 GiB");
            }
            var buf = ByteBuffer.allocate((int) size);
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // read until full
            }
            buf.flip();
            return read(buf, path.toString());
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("Safetensors: no such file: " + path, e);
        } catch (IOException e) {
            throw new UncheckedIOException("Safetensors: reading " + path + ": " + e.getMessage(), e);
        }
    }

    /** The tensors and metadata of a safetensors file's bytes; {@code source} names it in errors. */
    public static Contents read(byte[] bytes, String source) {
        return read(ByteBuffer.wrap(bytes), source);
    }

    private record Entry(String name, String code, int[] shape, long begin, long end) {}

    private static Contents read(ByteBuffer all, String source) {
        ByteBuffer buf = all.slice().order(ByteOrder.LITTLE_ENDIAN);
        long size = buf.remaining();
        if (size < 8) {
            throw new FileFormatException(source + ": " + size + " bytes, too short for a safetensors file (the 8-byte"
                    + " header length is missing)");
        }
        long headerLen = buf.getLong(0);
        if (headerLen < 0 || headerLen > MAX_HEADER) {
            throw new FileFormatException(source + ": header length " + Long.toUnsignedString(headerLen)
                    + " is not plausible (at most " + MAX_HEADER + "); not a safetensors file");
        }
        if (8 + headerLen > size) {
            throw new FileFormatException(source + ": header length " + headerLen + " exceeds the file size " + size
                    + " (truncated, or not a safetensors file)");
        }
        byte[] hb = new byte[(int) headerLen];
        buf.get(8, hb);
        String headerText;
        try {
            headerText = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(hb)).toString();
        } catch (CharacterCodingException e) {
            throw new FileFormatException(source + ": the header is not valid UTF-8 (not a safetensors file)", e);
        }
        if (!headerText.startsWith("{")) {
            throw new FileFormatException(source + ": the header does not start with '{' (not a safetensors file)");
        }
        Map<String, Object> header;
        try {
            header = Json.asObject(Json.parse(headerText), "header");
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(source + ": the header is not valid JSON: " + e.getMessage(), e);
        }
        long dataSize = size - 8 - headerLen;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (var e : header.entrySet()) {
            if (e.getKey().equals(METADATA)) {
                if (!(e.getValue() instanceof Map<?, ?> m)) {
                    throw new FileFormatException(source + ": '" + METADATA + "' must be an object of strings, got "
                            + Json.describe(e.getValue()));
                }
                for (var me : m.entrySet()) {
                    if (!(me.getValue() instanceof String s)) {
                        throw new FileFormatException(source + ": metadata '" + me.getKey() + "' must be a string, got "
                                + Json.describe(me.getValue()));
                    }
                    metadata.put((String) me.getKey(), s);
                }
                continue;
            }
            entries.add(entry(source, e.getKey(), e.getValue()));
        }
        // Data must be covered exactly: sorted by offset, each tensor starts where the previous ended.
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        for (Entry en : sorted) {
            if (en.begin() != expected) {
                throw new FileFormatException(source + ": tensor '" + en.name() + "' starts at data offset " + en.begin()
                        + " but the previous tensor ends at " + expected + " (overlapping or with a gap: corrupt header)");
            }
            if (en.end() > dataSize) {
                throw new FileFormatException(source + ": tensor '" + en.name() + "' data_offsets [" + en.begin() + ", "
                        + en.end() + "] reach past the end of the data (" + dataSize + " bytes): the file is truncated");
            }
            expected = en.end();
        }
        if (expected != dataSize) {
            throw new FileFormatException(source + ": the header describes " + expected + " bytes of data but the file holds "
                    + dataSize + " (truncated or with trailing bytes)");
        }
        var tensors = new LinkedHashMap<String, Tensor>();
        long base = 8 + headerLen;
        for (Entry en : entries) {
            ByteBuffer data = buf.slice((int) (base + en.begin()), (int) (en.end() - en.begin())).order(ByteOrder.LITTLE_ENDIAN);
            tensors.put(en.name(), decode(en, data));
        }
        return new Contents(tensors, Collections.unmodifiableMap(metadata));
    }

    private static Entry entry(String source, String name, Object value) {
        String where = source + ": tensor '" + name + "'";
        if (!(value instanceof Map<?, ?> m)) throw new FileFormatException(where + ": expected an object, got " + Json.describe(value));
        if (!(m.get("dtype") instanceof String code)) {
            throw new FileFormatException(where + ": 'dtype' must be a string, got " + Json.describe(m.get("dtype")));
        }
        int elemSize = elementSize(where, code);
        if (!(m.get("shape") instanceof List<?> shapeList)) {
            throw new FileFormatException(where + ": 'shape' must be an array, got " + Json.describe(m.get("shape")));
        }
        int[] shape = new int[shapeList.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!(shapeList.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
                throw new FileFormatException(where + ": shape " + shapeList + " must hold non-negative integers");
            }
            shape[i] = (int) (long) d;
            numel *= d;
            if (numel > Shape.MAX_ELEMENTS) throw new FileFormatException(where + ": shape " + shapeList + " is too large");
        }
        if (!(m.get("data_offsets") instanceof List<?> offs) || offs.size() != 2
                || !(offs.get(0) instanceof Long begin) || !(offs.get(1) instanceof Long end) || begin < 0 || end < begin) {
            throw new FileFormatException(where + ": 'data_offsets' must be [begin, end] with 0 <= begin <= end, got "
                    + m.get("data_offsets"));
        }
        if (end - begin != numel * elemSize) {
            throw new FileFormatException(where + ": data_offsets [" + begin + ", " + end + "] span " + (end - begin)
                    + " bytes, but " + code + " " + Shape.format(shape) + " needs " + numel * elemSize);
        }
        return new Entry(name, code, shape, begin, end);
    }

    private static int elementSize(String where, String code) {
        return switch (code) {
            case "BOOL", "I8", "U8" -> 1;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "F32", "I32", "U32" -> 4;
            case "F64", "I64" -> 8;
            default -> throw new FileFormatException(where + ": dtype '" + code + "' is not supported (Kona reads BOOL, "
                    + "F16, BF16, F32, F64, I32, I64, and I8/U8/I16/U16/U32 widened)");
        };
    }

    private static Tensor decode(Entry en, ByteBuffer d) {
        int[] shape = en.shape();
        int n = (int) Shape.numel(shape);
        return switch (en.code()) {
            case "F32" -> {
                float[] a = new float[n];
                d.asFloatBuffer().get(a);
                yield Tensor.of(a, shape);
            }
            case "F64" -> {
                double[] a = new double[n];
                d.asDoubleBuffer().get(a);
                yield Tensor.of(a, shape);
            }
            case "I32" -> {
                int[] a = new int[n];
                d.asIntBuffer().get(a);
                yield Tensor.of(a, shape);
            }
            case "I64" -> {
                long[] a = new long[n];
                d.asLongBuffer().get(a);
                yield Tensor.of(a, shape);
            }
            case "BOOL" -> {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) a[i] = d.get(i) != 0;
                yield Tensor.of(a, shape);
            }
            case "F16" -> {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) a[i] = Float.float16ToFloat(d.getShort(2 * i));
                yield Tensor.of(a, shape).to(DType.FLOAT16);
            }
            case "BF16" -> {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) a[i] = Float.intBitsToFloat((d.getShort(2 * i) & 0xffff) << 16);
                yield Tensor.of(a, shape).to(DType.BFLOAT16);
            }
            case "I8" -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) a[i] = d.get(i);
                yield Tensor.of(a, shape);
            }
            case "U8" -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) a[i] = d.get(i) & 0xff;
                yield Tensor.of(a, shape);
            }
            case "I16" -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) a[i] = d.getShort(2 * i);
                yield Tensor.of(a, shape);
            }
            case "U16" -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) a[i] = d.getShort(2 * i) & 0xffff;
                yield Tensor.of(a, shape);
            }
            case "U32" -> {
                long[] a = new long[n];
                for (int i = 0; i < n; i++) a[i] = d.getInt(4 * i) & 0xffffffffL;
                yield Tensor.of(a, shape);
            }
            default -> throw new AssertionError(en.code());
        };
    }
}
