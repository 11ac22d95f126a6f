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

    /** Like {@link #upload} for an array this class just made and nobody else holds: no copy. */
    private static Tensor adopt(DType dtype, Object fresh, int[] shape) {
        var backend = Dispatch.backend(Device.CPU);
        return Tensor.fromStorage(backend.adoptHost(dtype, fresh), Layout.contiguous(shape));
    }

    public static Tensor full(int[] shape, double value, DType dtype) {
        String op = value == 0 ? "zeros" : value == 1 ? "ones" : "full";
        int[] s = Shape.checkSizes(op, shape);
        Shape.checkedNumel(op, s);
        Tensor t = Dispatch.empty(Device.CPU, dtype, s);
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
        if (step == 0) throw new IllegalArgumentException("arange: step must be non-zero");
        long n = Math.max(0, (end - start + step + (step > 0 ? -1 : 1)) / step);
        if (n > Shape.MAX_ELEMENTS) throw new IllegalArgumentException("arange: " + n + " elements is too many");
        long[] data = new long[(int) n];
        for (int i = 0; i < n; i++) data[i] = start + i * step;
        return upload(DType.INT64, data, new int[] {(int) n});
    }

    public static Tensor arange(double start, double end, double step, DType dtype) {
        if (step == 0 || Double.isNaN(step)) throw new IllegalArgumentException("arange: step must be non-zero, got " + step);
        if (!Double.isFinite(start) || !Double.isFinite(end)) {
            throw new IllegalArgumentException("arange: start and end must be finite, got " + start + " and " + end);
        }
        double count = Math.ceil((end - start) / step);
        int n = (int) Math.max(0, count);
        double[] data = new double[n];
        for (int i = 0; i < n; i++) data[i] = start + i * step;
        return upload(DType.FLOAT64, data, new int[] {n}).to(dtype);
    }

    public static Tensor linspace(double start, double end, int steps) {
        if (steps < 0) throw new IllegalArgumentException("linspace: number of steps must be >= 0, got " + steps);
        double[] data = new double[steps];
        double step = steps > 1 ? (end - start) / (steps - 1) : 0;
        // Fill from both ends, as PyTorch does, so that the last value is exactly end.
        int half = steps / 2;
        for (int i = 0; i < steps; i++) data[i] = i < half ? start + step * i : end - step * (steps - 1 - i);
        if (steps == 1) data[0] = start; // one step is the start, as torch.linspace(3, 7, 1) = [3.]
        return upload(DType.FLOAT64, data, new int[] {steps}).to(DType.DEFAULT_FLOAT);
    }

    public static Tensor eye(int n, int m) {
        Shape.checkSizes("eye", new int[] {n, m});
        float[] data = new float[n * m];
        for (int i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1f;
        return upload(DType.FLOAT32, data, new int[] {n, m});
    }

    public static Tensor rand(Generator g, int[] shape, DType dtype) {
        int n = Shape.checkedNumel("rand", Shape.checkSizes("rand", shape));
        if (dtype == DType.FLOAT64) {
            double[] d = new double[n];
            g.fillUniform(d);
            return adopt(DType.FLOAT64, d, shape);
        }
        float[] f = new float[n];
        g.fillUniform(f);
        return adopt(DType.FLOAT32, f, shape).to(requireFloat("rand", dtype));
    }

    public static Tensor randn(Generator g, int[] shape, DType dtype) {
        int n = Shape.checkedNumel("randn", Shape.checkSizes("randn", shape));
        if (dtype == DType.FLOAT64) {
            double[] d = new double[n];
            g.fillNormal(d);
            return adopt(DType.FLOAT64, d, shape);
        }
        float[] f = new float[n];
        g.fillNormal(f);
        return adopt(DType.FLOAT32, f, shape).to(requireFloat("randn", dtype));
    }

    private static DType requireFloat(String op, DType dtype) {
        if (!dtype.isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": expected a floating-point dtype, got " + dtype);
        }
        return dtype;
    }

    public static Tensor randint(Generator g, long low, long high, int[] shape) {
        if (high <= low) {
            throw new IllegalArgumentException("randint: expected low < high, got low=" + low + ", high=" + high);
        }
        int n = Shape.checkedNumel("randint", Shape.checkSizes("randint", shape));
        long[] d = new long[n];
        for (int i = 0; i < n; i++) d[i] = g.nextLong(low, high);
        return adopt(DType.INT64, d, shape);
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

    public static Tensor toDevice(Tensor t, Device device) {
        if (t.device().equals(device)) return t;
        Tensor c = t.contiguous();
        Object host = Dispatch.backend(c.device()).toHost(c.storage(), c.layout().offset(), (int) c.numel());
        return Tensor.fromStorage(Dispatch.backend(device).fromHost(c.dtype(), host), Layout.contiguous(c.shape()));
    }

    /** The elements in row-major order as a host array of the given dtype's host type. */
    public static Object toHost(Tensor t, DType as) {
        Tensor c = t.to(Device.CPU).to(as).contiguous();
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
