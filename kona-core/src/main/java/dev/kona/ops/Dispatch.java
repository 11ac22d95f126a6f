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

    /** A fresh contiguous tensor whose contents are unspecified, for an op that writes every element. */
    public static Tensor uninitialized(Device device, DType dtype, int[] shape) {
        return allocate(device, dtype, shape, false);
    }

    private static Tensor allocate(Device device, DType dtype, int[] shape, boolean zeroed) {
        int n = Shape.checkedNumel("empty", shape);
        var storage = backend(device).allocate(dtype, n, zeroed);
        dev.kona.MemoryScope.track(storage);
        return Tensor.fromStorage(storage, Layout.contiguous(shape));
    }

    /**
     * The common device of {@code tensors} (null entries are skipped), for front-end ops that take
     * several tensors before they reach a kernel (cat, losses...). A 0-d CPU tensor goes with any
     * device, as in PyTorch; other mixes fail naming {@code op} and both devices.
     */
    public static Device deviceOf(String op, Tensor... tensors) {
        Device d = null;
        for (Tensor t : tensors) {
            if (t == null || isCpuScalar(t)) continue;
            if (d == null) d = t.device();
            else if (t.device() != d && !t.device().equals(d)) throw mixedDevices(op, d, t.device());
        }
        if (d != null) return d;
        for (Tensor t : tensors) if (t != null) return t.device();
        return Device.CPU;
    }

    private static IllegalArgumentException mixedDevices(String op, Device a, Device b) {
        return new IllegalArgumentException(op + ": expected all tensors on one device, found " + a + " and " + b
                + "; move them with .to(device)");
    }

    private static boolean isCpuScalar(Tensor t) {
        return t.layout().rank() == 0 && t.device() == Device.CPU;
    }

    /**
     * The inputs on {@code target}: 0-d CPU tensors (Java numbers included) are moved there, any
     * other tensor on another device is an error. Only called when the devices differ, so the
     * all-on-one-device path costs one comparison per input.
     */
    private static Tensor[] onDevice(String op, Device target, Tensor[] inputs) {
        Tensor[] out = inputs;
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = inputs[i];
            if (t == null || t.device() == target || t.device().equals(target)) continue;
            if (!isCpuScalar(t)) throw mixedDevices(op, target, t.device());
            if (out == inputs) out = inputs.clone();
            out[i] = ScalarCache.on(t, target);
        }
        return out;
    }

    /** Runs {@code op} producing one fresh output of the given shape and dtype. */
    public static Tensor run(Op op, int[] shape, DType dtype, Tensor... inputs) {
        Device d = Device.CPU;
        if (inputs.length > 0) {
            d = inputs[0].device();
            for (Tensor t : inputs) {
                if (t.device() != d) {
                    d = deviceOf(op.name(), inputs);
                    inputs = onDevice(op.name(), d, inputs);
                    break;
                }
            }
        }
        // Every kernel writes each element of its outputs, so they need no zeroing.
        Tensor out = allocate(d, dtype, shape, false);
        if (out.numel() > 0) backend(d).execute(op, new Tensor[] {out}, inputs);
        if (Autograd.needsRecord(inputs)) {
            Autograd.record(op.name(), (g, in, o) -> Derivatives.backward(op, g, in, o), inputs, out);
        }
        return out;
    }

    /**
     * Runs {@code op} into outputs the caller allocated. The outputs must share one device; 0-d
     * CPU inputs are moved to it, other inputs must be there already.
     */
    public static void runInto(Op op, Tensor[] outputs, Tensor... inputs) {
        Device d = outputs[0].device();
        for (Tensor t : outputs) {
            if (t.device() != d && !t.device().equals(d)) throw mixedDevices(op.name(), d, t.device());
        }
        for (Tensor t : inputs) {
            if (t.device() != d) {
                inputs = onDevice(op.name(), d, inputs);
                break;
            }
        }
        backend(d).execute(op, outputs, inputs);
    }
}
