package dev.kona.ops;

import dev.kona.DType;
import dev.kona.Device;
import dev.kona.MemoryScope;
import dev.kona.Tensor;
import dev.kona.autograd.GradMode;
import dev.kona.backend.Layout;
import dev.kona.backend.cpu.CpuStorage;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * 0-d CPU tensors (Java numbers in {@code x.mul(0.5)}, {@code Tensor.scalar(2)}) taking part in an op
 * on another device, as PyTorch allows: each is copied to that device once and kept, keyed by
 * device, dtype and bits, so that the constants of a training step ({@code 0.5}, {@code 1 - beta}...)
 * cross to the device on the first step only. A scalar that requires grad is moved through the
 * differentiable {@link Tensor#to(Device)} instead, uncached.
 */
final class ScalarCache {
    private ScalarCache() {}

    private static final int CAPACITY = 1024;

    private record Key(Device device, DType dtype, long bits) {}

    private static final Map<Key, Tensor> CACHE = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Tensor> eldest) {
            return size() > CAPACITY;
        }
    };

    /** {@code t} (0-d, on the CPU) on {@code device}. */
    static Tensor on(Tensor t, Device device) {
        if (t.requiresGrad() && GradMode.isEnabled()) return t.to(device);
        Object one = element(t);
        var key = new Key(device, t.dtype(), bits(one));
        synchronized (CACHE) {
            Tensor cached = CACHE.get(key);
            if (cached != null) return cached;
        }
        Tensor moved;
        // The cached tensor outlives any scope open now.
        try (var outside = MemoryScope.outside()) {
            moved = Tensor.fromStorage(Dispatch.backend(device).fromHost(t.dtype(), one), Layout.contiguous(new int[0]));
        }
        synchronized (CACHE) {
            CACHE.putIfAbsent(key, moved);
        }
        return moved;
    }

    private static long bits(Object one) {
        return switch (one) {
            case float[] f -> Float.floatToRawIntBits(f[0]);
            case double[] d -> Double.doubleToRawLongBits(d[0]);
            case int[] i -> i[0];
            case long[] l -> l[0];
            case byte[] b -> b[0];
            case short[] s -> s[0];
            default -> throw new IllegalStateException("ScalarCache: unexpected host array " + one.getClass());
        };
    }

    /** The element of a 0-d CPU tensor as a one-element host array of its dtype's host type. */
    private static Object element(Tensor t) {
        var s = (CpuStorage) t.storage();
        int at = t.layout().offset();
        return switch (t.dtype()) {
            case FLOAT32 -> new float[] {s.f32()[at]};
            case FLOAT64 -> new double[] {s.f64()[at]};
            case INT32 -> new int[] {s.i32()[at]};
            case INT64 -> new long[] {s.i64()[at]};
            case BOOL -> new byte[] {s.bool()[at]};
            case FLOAT16, BFLOAT16 -> new short[] {s.half()[at]};
        };
    }
}
