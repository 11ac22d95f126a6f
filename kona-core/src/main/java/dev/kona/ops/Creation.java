package dev.kona.ops;

import dev.kona.DType;
import dev.kona.Device;
import dev.kona.Generator;
import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.backend.Layout;

/** Tensor factories and the ways data leaves a tensor. */
public final class Creation {
    private Creation() {}

    private static Tensor upload(DType dtype, Object host, int[] shape) {
        var backend = Dispatch.backend(Device.CPU);
        return Tensor.fromStorage(backend.fromHost(dtype, host), Layout.contiguous(shape));
    }

    /**
     * A tensor on {@code device} holding an array this class just made and nobody else holds: the
     * CPU keeps the array, another device copies it once.
     */
    private static Tensor adopt(DType dtype, Object fresh, int[] shape, Device device) {
        var storage = Dispatch.backend(device).adoptHost(dtype, fresh);
        if (device != Device.CPU) dev.kona.MemoryScope.track(storage);
        return Tensor.fromStorage(storage, Layout.contiguous(shape));
    }

    public static Tensor full(int[] shape, double value, DType dtype) {
        return full(shape, value, dtype, Device.CPU);
    }

    /** {@code value} everywhere, created on {@code device} (no host transfer). */
    public static Tensor full(int[] shape, double value, DType dtype, Device device) {
        String op = value == 0 ? "zeros" : value == 1 ? "ones" : "full";
        int[] s = Shape.checkSizes(op, shape);
        Shape.checkedNumel(op, s);
        Tensor t = Dispatch.empty(device, dtype, s);
        if (value != 0 && t.numel() > 0) Dispatch.runInto(new Op.Fill(value), new Tensor[] {t});
        return t;
    }

    public static Tensor scalar(double value, DType dtype) {
        return full(new int[0], value, dtype);
    }

    public static Tensor scalar(long value, DType dtype) {
        Tensor t = Dispatch.empty(Device.CPU, dtype, new int[0]);
        if (dtype == DType.INT64) {
            ((dev.kona.backend.cpu.CpuStorage) t.storage()).i64()[0] = value;
            return t;
        }
        return full(new int[0], value, dtype);
    }

    public static Tensor arange(long start, long end, long step) {
        return arange(start, end, step, Device.CPU);
    }

    public static Tensor arange(long start, long end, long step, Device device) {
        if (step == 0) throw new IllegalArgumentException("arange: step must be non-zero");
        long n = Math.max(0, (end - start + step + (step > 0 ? -1 : 1)) / step);
        if (n > Shape.MAX_ELEMENTS) throw new IllegalArgumentException("arange: " + n + " elements is too many");
        long[] data = new long[(int) n];
        for (int i = 0; i < n; i++) data[i] = start + i * step;
        return adopt(DType.INT64, data, new int[] {(int) n}, device);
    }

    public static Tensor arange(double start, double end, double step, DType dtype) {
        return arange(start, end, step, dtype, Device.CPU);
    }

    public static Tensor arange(double start, double end, double step, DType dtype, Device device) {
        if (step == 0 || Double.isNaN(step)) throw new IllegalArgumentException("arange: step must be non-zero, got " + step);
        if (!Double.isFinite(start) || !Double.isFinite(end)) {
            throw new IllegalArgumentException("arange: start and end must be finite, got " + start + " and " + end);
        }
        double count = Math.ceil((end - start) / step);
        int n = (int) Math.max(0, count);
        double[] data = new double[n];
        for (int i = 0; i < n; i++) data[i] = start + i * step;
        return adopt(DType.FLOAT64, data, new int[] {n}, device).to(dtype);
    }

    public static Tensor linspace(double start, double end, int steps) {
        return linspace(start, end, steps, Device.CPU);
    }

    public static Tensor linspace(double start, double end, int steps, Device device) {
        if (steps < 0) throw new IllegalArgumentException("linspace: number of steps must be >= 0, got " + steps);
        double[] data = new double[steps];
        double step = steps > 1 ? (end - start) / (steps - 1) : 0;
        // Fill from both ends, as PyTorch does, so that the last value is exactly end.
        int half = steps / 2;
        for (int i = 0; i < steps; i++) data[i] = i < half ? start + step * i : end - step * (steps - 1 - i);
        if (steps == 1) data[0] = start; // one step is the start, as torch.linspace(3, 7, 1) = [3.]
        return adopt(DType.FLOAT64, data, new int[] {steps}, device).to(DType.DEFAULT_FLOAT);
    }

    public static Tensor eye(int n, int m) {
        return eye(n, m, Device.CPU);
    }

    public static Tensor eye(int n, int m, Device device) {
        Shape.checkSizes("eye", new int[] {n, m});
        Shape.checkedNumel("eye", new int[] {n, m});
        float[] data = new float[n * m];
        for (int i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1f;
        return adopt(DType.FLOAT32, data, new int[] {n, m}, device);
    }

    public static Tensor rand(Generator g, int[] shape, DType dtype) {
        return rand(g, shape, dtype, Device.CPU);
    }

    /** Drawn on the host from {@code g} (the same values on every device), then moved to {@code device}. */
    /**
     * Uniform values in [0, 1) drawn where the tensor lives, from a counter-based generator seeded
     * by {@code seed} ({@link Op.RandomUniform}): the same bits on every device and thread count,
     * with no host round trip. Dropout draws its masks this way.
     */
    public static Tensor uniformCounterBased(long seed, int[] shape, DType dtype, Device device) {
        Shape.checkedNumel("rand", Shape.checkSizes("rand", shape));
        if (dtype != DType.FLOAT32 && dtype != DType.FLOAT64) {
            throw new IllegalArgumentException("rand: expected float32 or float64 for a counter-based draw, got " + dtype);
        }
        Tensor t = Dispatch.uninitialized(device, dtype, shape);
        if (t.numel() > 0) Dispatch.runInto(new Op.RandomUniform(seed), new Tensor[] {t});
        return t;
    }

    public static Tensor rand(Generator g, int[] shape, DType dtype, Device device) {
        int n = Shape.checkedNumel("rand", Shape.checkSizes("rand", shape));
        if (dtype == DType.FLOAT64) {
            double[] d = new double[n];
            g.fillUniform(d);
            return adopt(DType.FLOAT64, d, shape, device);
        }
        float[] f = new float[n];
        g.fillUniform(f);
        return adopt(DType.FLOAT32, f, shape, device).to(requireFloat("rand", dtype));
    }

    public static Tensor randn(Generator g, int[] shape, DType dtype) {
        return randn(g, shape, dtype, Device.CPU);
    }

    /** Drawn on the host from {@code g} (the same values on every device), then moved to {@code device}. */
    public static Tensor randn(Generator g, int[] shape, DType dtype, Device device) {
        int n = Shape.checkedNumel("randn", Shape.checkSizes("randn", shape));
        if (dtype == DType.FLOAT64) {
            double[] d = new double[n];
            g.fillNormal(d);
            return adopt(DType.FLOAT64, d, shape, device);
        }
        float[] f = new float[n];
        g.fillNormal(f);
        return adopt(DType.FLOAT32, f, shape, device).to(requireFloat("randn", dtype));
    }

    private static DType requireFloat(String op, DType dtype) {
        if (!dtype.isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": expected a floating-point dtype, got " + dtype);
        }
        return dtype;
    }

    public static Tensor randint(Generator g, long low, long high, int[] shape) {
        return randint(g, low, high, shape, Device.CPU);
    }

    /** Drawn on the host from {@code g}, then moved to {@code device}. */
    public static Tensor randint(Generator g, long low, long high, int[] shape, Device device) {
        if (high <= low) {
            throw new IllegalArgumentException("randint: expected low < high, got low=" + low + ", high=" + high);
        }
        int n = Shape.checkedNumel("randint", Shape.checkSizes("randint", shape));
        long[] d = new long[n];
        for (int i = 0; i < n; i++) d[i] = g.nextLong(low, high);
        return adopt(DType.INT64, d, shape, device);
    }

    private static int[] checkData(String op, int length, int[] shape) {
        int[] s = Shape.checkSizes(op, shape);
        if (Shape.numel(s) != length) {
            throw new IllegalArgumentException(op + ": " + length + " values cannot fill shape " + Shape.format(s)
                    + " (" + Shape.numel(s) + " elements)");
        }
        return s;
    }

    public static Tensor of(float[] data, int[] shape) {
        return upload(DType.FLOAT32, data, checkData("Tensor.of", data.length, shape));
    }

    public static Tensor of(double[] data, int[] shape) {
        return upload(DType.FLOAT64, data, checkData("Tensor.of", data.length, shape));
    }

    public static Tensor of(int[] data, int[] shape) {
        return upload(DType.INT32, data, checkData("Tensor.of", data.length, shape));
    }

    public static Tensor of(long[] data, int[] shape) {
        return upload(DType.INT64, data, checkData("Tensor.of", data.length, shape));
    }

    public static Tensor of(boolean[] data, int[] shape) {
        int[] s = checkData("Tensor.of", data.length, shape);
        byte[] b = new byte[data.length];
        for (int i = 0; i < data.length; i++) b[i] = (byte) (data[i] ? 1 : 0);
        return upload(DType.BOOL, b, s);
    }

    /** Flattens a rectangular nested Java array (rows of any primitive array type). */
    private static Object flatten(Object nested, int depth, java.util.function.IntFunction<Object> alloc) {
        int[] shape = new int[depth];
        Object level = nested;
        for (int d = 0; d < depth; d++) {
            shape[d] = java.lang.reflect.Array.getLength(level);
            if (shape[d] == 0) break;
            if (d < depth - 1) level = java.lang.reflect.Array.get(level, 0);
        }
        int n = (int) Shape.numel(shape);
        Object flat = alloc.apply(n);
        int[] pos = {0};
        copyRows(nested, shape, 0, flat, pos, new int[depth]);
        return new Object[] {flat, shape};
    }

    private static void copyRows(Object level, int[] shape, int d, Object flat, int[] pos, int[] path) {
        int len = java.lang.reflect.Array.getLength(level);
        if (len != shape[d]) {
            throw new IllegalArgumentException("Tensor.of: array at " + java.util.Arrays.toString(
                    java.util.Arrays.copyOf(path, d)) + " has length " + len + ", expected " + shape[d]
                    + " (nested arrays must be rectangular)");
        }
        if (d == shape.length - 1) {
            System.arraycopy(level, 0, flat, pos[0], len);
            pos[0] += len;
            return;
        }
        for (int i = 0; i < len; i++) {
            path[d] = i;
            copyRows(java.lang.reflect.Array.get(level, i), shape, d + 1, flat, pos, path);
        }
    }

    private static Tensor nested(Object data, int depth, DType dtype) {
        Object[] r = (Object[]) flatten(data, depth, n -> switch (dtype) {
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
            case INT32 -> new int[n];
            case INT64 -> new long[n];
            default -> new boolean[n];
        });
        if (dtype == DType.BOOL) return of((boolean[]) r[0], (int[]) r[1]);
        return upload(dtype, r[0], (int[]) r[1]);
    }

    public static Tensor of2(float[][] d) { return nested(d, 2, DType.FLOAT32); }
    public static Tensor of3(float[][][] d) { return nested(d, 3, DType.FLOAT32); }
    public static Tensor of4(float[][][][] d) { return nested(d, 4, DType.FLOAT32); }
    public static Tensor of2(double[][] d) { return nested(d, 2, DType.FLOAT64); }
    public static Tensor of3(double[][][] d) { return nested(d, 3, DType.FLOAT64); }
    public static Tensor of4(double[][][][] d) { return nested(d, 4, DType.FLOAT64); }
    public static Tensor of2(int[][] d) { return nested(d, 2, DType.INT32); }
    public static Tensor of2(long[][] d) { return nested(d, 2, DType.INT64); }
    public static Tensor of2(boolean[][] d) { return nested(d, 2, DType.BOOL); }

    /**
     * {@code t} on {@code device}: a copy through the host, recorded by autograd (the gradient
     * goes back to {@code t}'s device), owned by the open {@link dev.kona.MemoryScope} like any
     * op's result.
     */
    public static Tensor toDevice(Tensor t, Device device) {
        Device from = t.device();
        if (from == device || from.equals(device)) return t;
        Tensor moved = copyToDevice(t, device);
        return dev.kona.autograd.Autograd.record("to", (g, in, o) -> new Tensor[] {g.to(from)}, new Tensor[] {t}, moved);
    }

    private static Tensor copyToDevice(Tensor t, Device device) {
        Tensor c;
        try (var g = dev.kona.autograd.GradMode.noGrad()) {
            c = t.contiguous();
        }
        int n = (int) c.numel();
        Object host;
        if (c.device() == Device.CPU && c.layout().offset() == 0 && c.storage().length() == n) {
            // The array itself: fromHost copies it, so the host copy toHost would make is skipped.
            host = ((dev.kona.backend.cpu.CpuStorage) c.storage()).array();
        } else {
            host = Dispatch.backend(c.device()).toHost(c.storage(), c.layout().offset(), n);
            if (device == Device.CPU) return adopt(c.dtype(), host, c.shape(), device);
        }
        var storage = Dispatch.backend(device).fromHost(c.dtype(), host);
        dev.kona.MemoryScope.track(storage);
        return Tensor.fromStorage(storage, Layout.contiguous(c.shape()));
    }

    /** The elements in row-major order as a host array of the given dtype's host type. */
    public static Object toHost(Tensor t, DType as) {
        Tensor c;
        try (var g = dev.kona.autograd.GradMode.noGrad()) {
            c = t.to(Device.CPU).to(as).contiguous();
        }
        return Dispatch.backend(Device.CPU).toHost(c.storage(), c.layout().offset(), (int) c.numel());
    }

    public static boolean[] toBooleanArray(Tensor t) {
        byte[] b = (byte[]) toHost(t, DType.BOOL);
        boolean[] out = new boolean[b.length];
        for (int i = 0; i < b.length; i++) out[i] = b[i] != 0;
        return out;
    }

    private static void requireOne(String op, Tensor t) {
        if (t.numel() != 1) {
            throw new IllegalArgumentException(op + ": a tensor with " + t.numel() + " elements (shape "
                    + Shape.format(t.shape()) + ") cannot be converted to a scalar");
        }
    }

    public static double item(Tensor t) {
        requireOne("item", t);
        return ((double[]) toHost(t, DType.FLOAT64))[0];
    }

    public static long itemLong(Tensor t) {
        requireOne("itemLong", t);
        if (t.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("itemLong: tensor is " + t.dtype() + "; use item() for floating-point values");
        }
        return ((long[]) toHost(t, DType.INT64))[0];
    }
}
