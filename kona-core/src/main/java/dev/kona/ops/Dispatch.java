package dev.kona.ops;

import dev.kona.DType;
import dev.kona.Device;
import dev.kona.Shape;
import dev.kona.Tensor;
import dev.kona.autograd.Autograd;
import dev.kona.autograd.Derivatives;
import dev.kona.backend.Backend;
import dev.kona.backend.BackendProvider;
import dev.kona.backend.Layout;
import dev.kona.backend.cpu.CpuBackend;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/** Finds the backend for a device, allocates outputs and runs ops on it. */
public final class Dispatch {
    private Dispatch() {}

    private static final Map<String, BackendProvider> PROVIDERS = new ConcurrentHashMap<>();
    private static final Map<Device, Backend> BACKENDS = new ConcurrentHashMap<>();

    static {
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) PROVIDERS.put(p.deviceType(), p);
    }

    /** The backend that runs ops on {@code device}. */
    public static Backend backend(Device device) {
        if (device.equals(Device.CPU)) return CpuBackend.INSTANCE;
        return BACKENDS.computeIfAbsent(device, d -> {
            BackendProvider p = PROVIDERS.get(d.type());
            if (p == null) {
                throw new IllegalArgumentException("device " + d + ": no backend for '" + d.type()
                        + "' is on the class path (available: cpu" + (PROVIDERS.isEmpty() ? "" : ", "
                        + String.join(", ", PROVIDERS.keySet())) + ")");
            }
            return p.create(d);
        });
    }

    /** A fresh zero-filled contiguous tensor. */
    public static Tensor empty(Device device, DType dtype, int[] shape) {
        return allocate(device, dtype, shape, true);
    }

    private static Tensor allocate(Device device, DType dtype, int[] shape, boolean zeroed) {
        int n = Shape.checkedNumel("empty", shape);
        var storage = backend(device).allocate(dtype, n, zeroed);
        dev.kona.MemoryScope.track(storage);
        return Tensor.fromStorage(storage, Layout.contiguous(shape));
    }

    /** The common device of the inputs; tensors on two devices are an error naming both. */
    static Device deviceOf(Op op, Tensor... inputs) {
        Device d = inputs[0].device();
        for (Tensor t : inputs) {
            if (t.device() != d && !t.device().equals(d)) {
                throw new IllegalArgumentException(op.name() + ": expected all tensors on one device, found "
                        + d + " and " + t.device());
            }
        }
        return d;
    }

    /** Runs {@code op} producing one fresh output of the given shape and dtype. */
    public static Tensor run(Op op, int[] shape, DType dtype, Tensor... inputs) {
        Device d = inputs.length == 0 ? Device.CPU : deviceOf(op, inputs);
        // Every kernel writes each element of its outputs, so they need no zeroing.
        Tensor out = allocate(d, dtype, shape, false);
        if (out.numel() > 0) backend(d).execute(op, new Tensor[] {out}, inputs);
        if (Autograd.needsRecord(inputs)) {
            Autograd.record(op.name(), (g, in, o) -> Derivatives.backward(op, g, in, o), inputs, out);
        }
        return out;
    }

    /** Runs {@code op} into outputs the caller allocated. */
    public static void runInto(Op op, Tensor[] outputs, Tensor... inputs) {
        Device d = deviceOf(op, concat(outputs, inputs));
        backend(d).execute(op, outputs, inputs);
    }

    private static Tensor[] concat(Tensor[] a, Tensor[] b) {
        Tensor[] all = new Tensor[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
