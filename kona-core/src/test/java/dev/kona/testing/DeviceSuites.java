package dev.kona.testing;

import dev.kona.DType;
import dev.kona.Device;
import dev.kona.Tensor;
import dev.kona.backend.Layout;
import dev.kona.backend.Storage;
import dev.kona.testing.OpInfo.Sample;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The op database run on another device and compared with the CPU: the generic suites a device
 * backend reuses. Every entry's samples are copied to the device with their layouts intact (the
 * same strides and offset over a copy of the whole storage, aliasing between inputs kept), run
 * there and on the CPU, and the results compared: dtypes and shapes equal, outputs on the device,
 * values within the entry's tolerance, in-place updates of the inputs too. Backward runs on the
 * device from the same values and the inputs' gradients are compared with the CPU's.
 *
 * <p>Java numbers ({@link Tensor#wrap}) stay on the CPU, as they do in user code; other 0-d
 * tensors move. From another module (kona-cuda depends on kona-core's test-jar):
 *
 * <pre>{@code
 * @ParameterizedTest(name = "{0}")
 * @MethodSource("dev.kona.testing.DeviceSuites#entries")
 * void forward(OpInfo op) { DeviceSuites.checkForward(op, Device.cuda(0)); }
 *
 * @ParameterizedTest(name = "{0}")
 * @MethodSource("dev.kona.testing.DeviceSuites#differentiableEntries")
 * void backward(OpInfo op) { DeviceSuites.checkBackward(op, Device.cuda(0)); }
 * }</pre>
 */
public final class DeviceSuites {
    private DeviceSuites() {}

    /** Samples with more elements than this are skipped by the backward suite (as the CPU gradient suites do). */
    public static final int MAX_BACKWARD_NUMEL = 4096;

    /** Every entry of the op database. */
    public static Stream<OpInfo> entries() {
        return OpDatabase.all().stream();
    }

    /** The entries that have gradients. */
    public static Stream<OpInfo> differentiableEntries() {
        return OpDatabase.all().stream().filter(o -> o.grad().kind() != OpInfo.Grad.NONE);
    }

    /** Runs {@link #checkForward} and {@link #checkBackward} on every entry; fails listing every failure. */
    public static void checkAll(Device device) {
        List<String> failures = new ArrayList<>();
        for (OpInfo op : OpDatabase.all()) {
            failures.addAll(forwardFailures(op, device, 1));
            if (op.grad().kind() != OpInfo.Grad.NONE) failures.addAll(backwardFailures(op, device, 1));
        }
        failIfAny(failures);
    }

    /** Forward on {@code device} equals forward on the CPU for every sample of {@code op}; fails listing the differences. */
    public static void checkForward(OpInfo op, Device device) {
        failIfAny(forwardFailures(op, device, 1));
    }

    /**
     * Like {@link #checkForward(OpInfo, Device)} with the entry's floating-point tolerances
     * multiplied by {@code toleranceScale}, for devices that sum in another order (integer and
     * bool results must still match exactly).
     */
    public static void checkForward(OpInfo op, Device device, double toleranceScale) {
        failIfAny(forwardFailures(op, device, toleranceScale));
    }

    /** Input gradients from backward on {@code device} equal the CPU's for every sample of {@code op}. */
    public static void checkBackward(OpInfo op, Device device) {
        failIfAny(backwardFailures(op, device, 1));
    }

    /** Like {@link #checkBackward(OpInfo, Device)} with the tolerances scaled as in {@link #checkForward(OpInfo, Device, double)}. */
    public static void checkBackward(OpInfo op, Device device, double toleranceScale) {
        failIfAny(backwardFailures(op, device, toleranceScale));
    }

    private static OpInfo.Tol tolerance(OpInfo op, DType dtype, double scale) {
        OpInfo.Tol t = op.tolerance(dtype);
        return new OpInfo.Tol(t.rtol() * scale, t.atol() * scale);
    }

    // ---------------------------------------------------------------- moving samples

    /**
     * {@code t} on {@code device} with its layout intact: the whole storage is copied and the same
     * view (shape, strides, offset) rebuilt over the copy. {@code copies} maps CPU storages to
     * their copies, so inputs that share storage still do.
     */
    public static Tensor toDevicePreservingLayout(Tensor t, Device device, Map<Storage, Storage> copies) {
        if (t.device().equals(device)) return t;
        Storage s = t.storage();
        Storage copy = copies.get(s);
        if (copy == null) {
            Tensor whole = Tensor.fromStorage(s, new Layout(new int[] {s.length()}, new int[] {1}, 0));
            copy = whole.to(device).storage();
            copies.put(s, copy);
        }
        return Tensor.fromStorage(copy, t.layout());
    }

    /** The inputs of a sample on {@code device} (layouts and aliasing kept); Java numbers stay where they are. */
    public static List<Tensor> toDevice(List<Tensor> inputs, Device device) {
        Map<Storage, Storage> copies = new IdentityHashMap<>();
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : inputs) out.add(t.isWrappedNumber() ? t : toDevicePreservingLayout(t, device, copies));
        return out;
    }

    // ---------------------------------------------------------------- forward

    /** The failures of the forward comparison, one line each; empty when the device agrees with the CPU. */
    public static List<String> forwardFailures(OpInfo op, Device device, double toleranceScale) {
        List<String> failures = new ArrayList<>();
        for (Sample s : op.samples().apply(OpDatabase.generator(op))) {
            String ctx = op.name() + " [" + s + "] on " + device;
            // Copied before the CPU run: in-place ops (optimizer steps) change their inputs.
            List<Tensor> onDevice;
            try {
                onDevice = toDevice(s.inputs(), device);
            } catch (RuntimeException e) {
                failures.add(ctx + ": moving the inputs threw " + describe(e));
                continue;
            }
            List<Tensor> expected;
            try {
                expected = op.op().apply(s.inputs(), s.args());
            } catch (RuntimeException e) {
                failures.add(ctx + ": the CPU run threw " + e);
                continue;
            }
            List<Tensor> actual;
            try {
                actual = op.op().apply(onDevice, s.args());
            } catch (RuntimeException | AssertionError e) {
                failures.add(ctx + ": threw " + describe(e));
                continue;
            }
            try {
                try {
                    compareAll(op, expected, actual, device, toleranceScale, ctx + " output ");
                } catch (AssertionError cpuDiffers) {
                    closerToFloat64(op, s, expected, actual, toleranceScale, ctx + " output ", cpuDiffers);
                }
                compareAll(op, s.inputs(), onDevice, device, toleranceScale, ctx + " input (after the op) ");
            } catch (AssertionError e) {
                failures.add(e.getMessage());
            }
        }
        return failures;
    }

    /**
     * A device may legitimately beat the CPU on ill-conditioned samples (its reductions accumulate
     * in float64): when it differs from the CPU, its float32 outputs must then match the same op run
     * on float64 copies of the inputs, within the entry's tolerance; otherwise the CPU mismatch stands.
     */
    private static void closerToFloat64(OpInfo op, Sample s, List<Tensor> cpu, List<Tensor> actual, double scale, String ctx,
                                        AssertionError cpuDiffers) {
        List<Tensor> wide = new ArrayList<>();
        for (Tensor t : s.inputs()) {
            wide.add(t.dtype() == DType.FLOAT32 && !t.isWrappedNumber() ? t.to(DType.FLOAT64) : t);
        }
        List<Tensor> exact;
        try {
            exact = op.op().apply(wide, s.args());
        } catch (RuntimeException e) {
            throw cpuDiffers;
        }
        if (exact.size() != actual.size()) throw cpuDiffers;
        for (int i = 0; i < exact.size(); i++) {
            Tensor a = actual.get(i);
            if (a.dtype() != DType.FLOAT32 || exact.get(i).dtype() != DType.FLOAT64) throw cpuDiffers;
            asAccurateAsTheCpu(op, a, cpu.get(i), exact.get(i), scale, ctx + i, cpuDiffers);
        }
    }

    /**
     * Within the float32 tolerance of the float64 result, or no more than twice as far from it as
     * the CPU's float32 result is (samples built to be ill-conditioned, such as the gradient of a
     * sum of layer-normalised rows far from zero, which is 0 in exact arithmetic and cancellation
     * noise in float32 on every backend).
     */
    private static void asAccurateAsTheCpu(OpInfo op, Tensor device, Tensor cpu, Tensor exact, double scale, String ctx,
                                           AssertionError cpuDiffers) {
        Nd wide = Nd.of(exact).as(DType.FLOAT32);
        try {
            TensorAssert.assertClose(device, wide, tolerance(op, DType.FLOAT32, scale), ctx);
            return;
        } catch (AssertionError farFromFloat64) {
            // compare the two backends' errors below
        }
        double[] d = Nd.of(device).data, c = Nd.of(cpu).data, e = wide.data;
        if (d.length != e.length || c.length != e.length) throw cpuDiffers;
        double devErr = 0, cpuErr = 0;
        for (int i = 0; i < e.length; i++) {
            devErr = Math.max(devErr, Math.abs(d[i] - e[i]));
            cpuErr = Math.max(cpuErr, Math.abs(c[i] - e[i]));
        }
        if (!(devErr <= 2 * cpuErr)) throw cpuDiffers;
    }

    private static void compareAll(OpInfo op, List<Tensor> expected, List<Tensor> actual, Device device, double scale,
                                   String ctx) {
        if (expected.size() != actual.size()) {
            throw new AssertionError(ctx + ": " + actual.size() + " tensors, expected " + expected.size());
        }
        for (int i = 0; i < expected.size(); i++) {
            Tensor e = expected.get(i), a = actual.get(i);
            if (!e.isWrappedNumber() && !a.device().equals(device)) {
                throw new AssertionError(ctx + i + ": on " + a.device() + ", expected " + device);
            }
            TensorAssert.assertClose(a, Nd.of(e), tolerance(op, e.dtype(), scale), ctx + i);
        }
    }

    // ---------------------------------------------------------------- backward

    /**
     * The failures of the backward comparison: for each sample, the floating-point inputs become
     * leaves, the sum of the floating-point outputs (in float64) is differentiated on the CPU and
     * on the device, and the gradients must agree in dtype, shape, device and value.
     */
    public static List<String> backwardFailures(OpInfo op, Device device, double toleranceScale) {
        List<String> failures = new ArrayList<>();
        for (Sample s : op.samples().apply(OpDatabase.generator(op))) {
            if (s.inputs().stream().anyMatch(t -> t.numel() > MAX_BACKWARD_NUMEL)) continue;
            if (s.inputs().stream().noneMatch(DeviceSuites::isLeafCandidate)) continue;
            String ctx = op.name() + " [" + s + "] backward on " + device;
            List<Tensor> onDevice;
            try {
                onDevice = toDevice(s.inputs(), device);
            } catch (RuntimeException e) {
                failures.add(ctx + ": moving the inputs threw " + describe(e));
                continue;
            }
            List<Tensor> cpuLeaves = leaves(s.inputs()), deviceLeaves = leaves(onDevice);
            List<Tensor> expected;
            try {
                expected = gradients(op, cpuLeaves, s);
            } catch (RuntimeException e) {
                failures.add(ctx + ": the CPU run threw " + e);
                continue;
            }
            if (expected == null) continue;
            try {
                List<Tensor> actual = gradients(op, deviceLeaves, s);
                if (actual == null) throw new AssertionError(ctx + ": no floating-point output requires grad on the device");
                for (int i = 0; i < expected.size(); i++) {
                    Tensor e = expected.get(i), a = actual.get(i);
                    if ((e == null) != (a == null)) {
                        throw new AssertionError(ctx + " input " + i + ": gradient " + (a == null ? "missing" : "unexpected"));
                    }
                    if (e == null) continue;
                    if (!a.device().equals(device)) {
                        throw new AssertionError(ctx + " input " + i + ": gradient on " + a.device() + ", expected " + device);
                    }
                    try {
                        TensorAssert.assertClose(a, Nd.of(e), tolerance(op, leastPrecise(s.inputs(), e.dtype()), toleranceScale),
                                ctx + " gradient of input " + i);
                    } catch (AssertionError cpuDiffers) {
                        gradientCloserToFloat64(op, s, i, e, a, toleranceScale, ctx + " gradient of input " + i, cpuDiffers);
                    }
                }
            } catch (RuntimeException | AssertionError e) {
                failures.add(e instanceof AssertionError ? e.getMessage() : ctx + ": threw " + describe(e));
            }
        }
        return failures;
    }

    /**
     * The gradient of a float64 input of a mixed-precision op is computed at the op's lower
     * precision (mul of float32 by a float64 0-d reduces float32 products), so it is compared at
     * the tolerance of the least precise floating-point input.
     */
    private static DType leastPrecise(List<Tensor> inputs, DType gradient) {
        DType least = gradient;
        for (Tensor t : inputs) {
            if (t.dtype().isFloatingPoint() && !t.isWrappedNumber() && precision(t.dtype()) < precision(least)) least = t.dtype();
        }
        return least;
    }

    private static int precision(DType d) {
        return switch (d) {
            case BFLOAT16 -> 0;
            case FLOAT16 -> 1;
            case FLOAT32 -> 2;
            default -> 3;
        };
    }

    /** The backward counterpart of {@link #closerToFloat64}: the gradient of the op run on float64 copies of the inputs. */
    private static void gradientCloserToFloat64(OpInfo op, Sample s, int input, Tensor cpu, Tensor actual, double scale,
                                                String ctx, AssertionError cpuDiffers) {
        if (actual.dtype() != DType.FLOAT32) throw cpuDiffers;
        List<Tensor> wide = new ArrayList<>();
        for (Tensor t : s.inputs()) {
            wide.add(t.dtype() == DType.FLOAT32 && !t.isWrappedNumber() ? t.to(DType.FLOAT64) : t);
        }
        List<Tensor> exact;
        try {
            exact = gradients(op, leaves(wide), s);
        } catch (RuntimeException e) {
            throw cpuDiffers;
        }
        if (exact == null || exact.get(input) == null) throw cpuDiffers;
        asAccurateAsTheCpu(op, actual, cpu, exact.get(input), scale, ctx, cpuDiffers);
    }

    private static boolean isLeafCandidate(Tensor t) {
        return t.dtype().isFloatingPoint() && !t.isWrappedNumber();
    }

    private static List<Tensor> leaves(List<Tensor> in) {
        return in.stream().map(t -> isLeafCandidate(t) ? t.detach().requiresGrad(true) : t).toList();
    }

    /** Backward of the float64 sum of the floating-point outputs; the leaves' gradients (null where none), or null. */
    private static List<Tensor> gradients(OpInfo op, List<Tensor> leaves, Sample s) {
        Tensor loss = null;
        for (Tensor out : op.op().apply(leaves, s.args())) {
            if (!out.dtype().isFloatingPoint() || !out.requiresGrad()) continue;
            Tensor term = out.to(DType.FLOAT64).sum();
            loss = loss == null ? term : loss.add(term);
        }
        if (loss == null) return null;
        loss.backward();
        List<Tensor> grads = new ArrayList<>();
        for (Tensor t : leaves) grads.add(t.requiresGrad() ? t.grad() : null);
        return grads;
    }

    // ---------------------------------------------------------------- reporting

    private static String describe(Throwable e) {
        if (e instanceof AssertionError) return e.toString();
        StringBuilder sb = new StringBuilder(e.toString());
        StackTraceElement[] st = e.getStackTrace();
        for (int i = 0; i < Math.min(6, st.length); i++) sb.append("\n        at ").append(st[i]);
        return sb.toString();
    }

    private static void failIfAny(List<String> failures) {
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " failure(s):\n"
                    + String.join("\n", failures.subList(0, Math.min(20, failures.size()))));
        }
    }
}
