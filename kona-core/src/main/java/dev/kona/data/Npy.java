package dev.kona.data;

import dev.kona.DType;
import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.backend.Layout;
import dev.kona.backend.cpu.CpuBackend;
import dev.kona.ops.Creation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * NumPy's {@code .npy} and {@code .npz} files, read and written.
 *
 * <pre>{@code
 * Npy.write(Path.of("w.npy"), Tensor.randn(3, 4));
 * Tensor w = Npy.read(Path.of("w.npy"));                       // float32 [3, 4]
 * Npy.writeNpz(Path.of("data.npz"), Map.of("x", x, "y", y));   // as np.savez
 * Map<String, Tensor> data = Npy.readNpz(Path.of("data.npz")); // {"x": ..., "y": ...}
 * }</pre>
 *
 * <p>Dtypes read: {@code f2 f4 f8} (float16, float32, float64), {@code i4 i8} (int32, int64),
 * {@code b1} (bool), and {@code u1 i1} (unsigned and signed bytes, which widen to int32 keeping
 * their values, as Kona has no 8-bit integers), little- or big-endian. Fortran-order arrays are
 * read and returned in C order. Tensors are written in C order, little-endian, as
 * {@code <f2 <f4 <f8 <i4 <i8 |b1}; bfloat16 has no NumPy dtype and is refused, as are reading
 * structured dtypes and pickled objects. Damaged files fail with a {@link DataException} naming
 * the file and the expected and actual sizes.
 */
public final class Npy {
    private Npy() {}

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    private static final String SUPPORTED = "f2, f4, f8, i4, i8, b1, u1, i1";

    /** Reads a {@code .npy} file. */
    public static Tensor read(Path file) {
        try {
            return parse(file.toString(), Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("Npy.read: cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes a tensor as a {@code .npy} file, atomically (a temporary file renamed into place). */
    public static void write(Path file, Tensor t) {
        byte[] bytes = encode(t);
        try {
            DataFiles.writeAtomically(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("Npy.write: cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads the arrays of a {@code .npz} archive (stored or compressed), keyed by name without {@code .npy}, in archive order. */
    public static Map<String, Tensor> readNpz(Path file) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (var zip = new ZipFile(file.toFile())) {
            var entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (e.isDirectory() || !e.getName().endsWith(".npy")) continue;
                byte[] bytes;
                try (var in = zip.getInputStream(e)) {
                    bytes = in.readAllBytes();
                }
                String key = e.getName().substring(0, e.getName().length() - 4);
                out.put(key, parse(file + ":" + e.getName(), bytes));
            }
        } catch (java.util.zip.ZipException e) {
            throw new DataException(file + ": not a valid .npz (zip) archive: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("Npy.readNpz: cannot read " + file + ": " + e.getMessage(), e);
        }
        return Collections.unmodifiableMap(out);
    }

    /** Writes arrays as an uncompressed {@code .npz}, as {@code np.savez}; keys become {@code key.npy} entries. */
    public static void writeNpz(Path file, Map<String, Tensor> arrays) {
        writeNpz(file, arrays, false);
    }

    /** Writes arrays as a {@code .npz}, deflated when {@code compressed} (as {@code np.savez_compressed}). */
    public static void writeNpz(Path file, Map<String, Tensor> arrays, boolean compressed) {
        try {
            DataFiles.writeAtomically(file, os -> {
                try (var zip = new ZipOutputStream(os)) {
                    for (var entry : arrays.entrySet()) {
                        byte[] bytes = encode(entry.getValue());
                        var e = new ZipEntry(entry.getKey() + ".npy");
                        if (!compressed) {
                            var crc = new CRC32();
                            crc.update(bytes);
                            e.setMethod(ZipEntry.STORED);
                            e.setSize(bytes.length);
                            e.setCompressedSize(bytes.length);
                            e.setCrc(crc.getValue());
                        }
                        zip.putNextEntry(e);
                        zip.write(bytes);
                        zip.closeEntry();
                    }
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Npy.writeNpz: cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses the bytes of a {@code .npy} file; {@code name} is used in error messages. */
    public static Tensor parse(String name, byte[] b) {
        if (b.length < 10 || !java.util.Arrays.equals(b, 0, 6, MAGIC, 0, 6)) {
            throw new DataException(name + ": not a .npy file (it does not start with \\x93NUMPY)");
        }
        int major = b[6] & 0xFF;
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int headerStart;
        long headerLength;
        if (major == 1) {
            headerStart = 10;
            headerLength = le.getShort(8) & 0xFFFF;
        } else if (major == 2 || major == 3) {
            if (b.length < 12) throw new DataException(name + ": truncated .npy header (" + b.length + " bytes)");
            headerStart = 12;
            headerLength = le.getInt(8) & 0xFFFFFFFFL;
        } else {
            throw new DataException(name + ": unsupported .npy format version " + major + "." + (b[7] & 0xFF));
        }
        if (headerStart + headerLength > b.length) {
            throw new DataException(name + ": truncated .npy header: it declares " + headerLength + " bytes, the file has "
                    + (b.length - headerStart) + " after the preamble");
        }
        int dataStart = (int) (headerStart + headerLength);
        String header = new String(b, headerStart, (int) headerLength,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(header), fortran = FORTRAN.matcher(header), shapeM = SHAPE.matcher(header);
        if (!descr.find()) {
            throw new DataException(name + ": unsupported .npy dtype (structured dtypes are not supported): " + header.strip());
        }
        if (!fortran.find() || !shapeM.find()) throw new DataException(name + ": malformed .npy header: " + header.strip());
        String d = descr.group(1);
        if (d.length() < 3 || "<>|=".indexOf(d.charAt(0)) < 0) {
            throw new DataException(name + ": unsupported .npy dtype '" + d + "'; supported: " + SUPPORTED);
        }
        String kind = d.substring(1);
        int itemSize = switch (kind) {
            case "f2" -> 2;
            case "f4", "i4" -> 4;
            case "f8", "i8" -> 8;
            case "b1", "u1", "i1" -> 1;
            default -> throw new DataException(name + ": unsupported .npy dtype '" + d + "'"
                    + (kind.startsWith("O") ? " (pickled Python objects)" : "") + "; supported: " + SUPPORTED);
        };
        int[] shape = parseShape(name, shapeM.group(1));
        long expected = Shape.numel(shape) * itemSize;
        long actual = b.length - (long) dataStart;
        if (actual != expected) {
            throw new DataException(name + ": .npy data of shape " + Shape.format(shape) + " and dtype '" + d + "' needs "
                    + expected + " bytes after the header, the file has " + actual + (actual < expected ? " (truncated)" : " (corrupt)"));
        }
        boolean fortranOrder = fortran.group(1).equals("True");
        int[] storedShape = fortranOrder ? reversed(shape) : shape;
        ByteBuffer data = ByteBuffer.wrap(b, dataStart, (int) expected).slice()
                .order(d.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        Tensor t = decode(kind, data, storedShape, (int) Shape.numel(shape));
        if (!fortranOrder || shape.length < 2) return t;
        int[] perm = new int[shape.length];
        for (int i = 0; i < perm.length; i++) perm[i] = perm.length - 1 - i;
        return t.permute(perm).contiguous();
    }

    private static int[] parseShape(String name, String tuple) {
        String[] parts = tuple.split(",");
        int count = 0;
        for (String p : parts) if (!p.isBlank()) count++;
        int[] shape = new int[count];
        int i = 0;
        for (String p : parts) {
            if (p.isBlank()) continue;
            long v;
            try {
                v = Long.parseLong(p.strip().replace("L", ""));
            } catch (NumberFormatException e) {
                throw new DataException(name + ": malformed .npy shape (" + tuple + ")");
            }
            if (v < 0 || v > Integer.MAX_VALUE) throw new DataException(name + ": .npy shape (" + tuple + ") has a size out of range");
            shape[i++] = (int) v;
        }
        if (Shape.numel(shape) > Shape.MAX_ELEMENTS) {
            throw new DataException(name + ": .npy shape (" + tuple + ") has more elements than a tensor can hold");
        }
        return shape;
    }

    private static int[] reversed(int[] a) {
        int[] r = new int[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[a.length - 1 - i];
        return r;
    }

    private static Tensor decode(String kind, ByteBuffer data, int[] shape, int n) {
        switch (kind) {
            case "f4" -> {
                float[] out = new float[n];
                data.asFloatBuffer().get(out);
                return Tensor.of(out, shape);
            }
            case "f8" -> {
                double[] out = new double[n];
                data.asDoubleBuffer().get(out);
                return Tensor.of(out, shape);
            }
            case "i4" -> {
                int[] out = new int[n];
                data.asIntBuffer().get(out);
                return Tensor.of(out, shape);
            }
            case "i8" -> {
                long[] out = new long[n];
                data.asLongBuffer().get(out);
                return Tensor.of(out, shape);
            }
            case "f2" -> {
                short[] bits = new short[n];
                data.asShortBuffer().get(bits);
                return Tensor.fromStorage(CpuBackend.INSTANCE.fromHost(DType.FLOAT16, bits), Layout.contiguous(shape));
            }
            case "b1" -> {
                boolean[] out = new boolean[n];
                for (int i = 0; i < n; i++) out[i] = data.get(i) != 0;
                return Tensor.of(out, shape);
            }
            default -> {
                boolean unsigned = kind.equals("u1");
                int[] out = new int[n];
                for (int i = 0; i < n; i++) out[i] = unsigned ? data.get(i) & 0xFF : data.get(i);
                return Tensor.of(out, shape);
            }
        }
    }

    /** The bytes of a {@code .npy} file holding {@code t} (version 1.0, or 2.0 for very long headers). */
    public static byte[] encode(Tensor t) {
        String descr = switch (t.dtype()) {
            case FLOAT32 -> "<f4";
            case FLOAT64 -> "<f8";
            case INT32 -> "<i4";
            case INT64 -> "<i8";
            case BOOL -> "|b1";
            case FLOAT16 -> "<f2";
            case BFLOAT16 -> throw new IllegalArgumentException("Npy.write: bfloat16 has no NumPy dtype; "
                    + "convert first with t.to(DType.FLOAT32)");
        };
        int[] shape = t.shape();
        var tuple = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) tuple.append(i > 0 ? ", " : "").append(shape[i]);
        if (shape.length == 1) tuple.append(',');
        tuple.append(')');
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + tuple + ", }";
        int preamble = dict.length() + 1 > 65535 - 64 ? 12 : 10;
        int total = (preamble + dict.length() + 1 + 63) / 64 * 64;
        String header = dict + " ".repeat(total - preamble - dict.length() - 1) + "\n";
        int n = (int) t.numel();
        ByteBuffer buf = ByteBuffer.allocate(total + n * t.dtype().byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).put((byte) (preamble == 10 ? 1 : 2)).put((byte) 0);
        if (preamble == 10) buf.putShort((short) header.length()); else buf.putInt(header.length());
        buf.put(header.getBytes(StandardCharsets.ISO_8859_1));
        ByteBuffer body = buf.slice().order(ByteOrder.LITTLE_ENDIAN);
        switch (t.dtype()) {
            case FLOAT32 -> body.asFloatBuffer().put(t.toFloatArray());
            case FLOAT64 -> body.asDoubleBuffer().put(t.toDoubleArray());
            case INT32 -> body.asIntBuffer().put(t.toIntArray());
            case INT64 -> body.asLongBuffer().put(t.toLongArray());
            case FLOAT16 -> body.asShortBuffer().put((short[]) Creation.toHost(t, DType.FLOAT16));
            default -> {
                boolean[] v = t.toBooleanArray();
                for (int i = 0; i < n; i++) body.put(i, (byte) (v[i] ? 1 : 0));
            }
        }
        return buf.array();
    }
}
