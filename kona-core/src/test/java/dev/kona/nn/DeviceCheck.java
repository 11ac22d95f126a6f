package dev.kona.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.kona.Device;
import dev.kona.Kona;
import dev.kona.Tensor;
import dev.kona.testing.TensorAssert;
import dev.kona.testing.TestDevice;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A layer on the test device ({@link TestDevice}) against the same layer on the CPU: the same
 * state, the same random draws (dropout masks are drawn where the tensor lives, with the same
 * bits), then bit-identical outputs, parameter gradients and state (running statistics) after each
 * training step.
 */
final class DeviceCheck {
    private DeviceCheck() {}

    /** Runs {@code steps} forward/backward steps of {@code run} on both copies of the layer and compares. */
    static void sameOnDevice(Supplier<? extends Module> factory, Function<Module, Tensor> run, int steps) {
        Module cpu = factory.get();
        Module dev = factory.get();
        dev.loadStateDict(cpu.stateDict());
        dev.to(TestDevice.DEVICE);
        assertEquals(TestDevice.DEVICE, dev.device());
        String who = cpu.toString();
        for (int step = 0; step < steps; step++) {
            cpu.zeroGrad();
            dev.zeroGrad();
            Kona.manualSeed(100 + step);
            Tensor yc = run.apply(cpu);
            Kona.manualSeed(100 + step);
            Tensor yd = run.apply(dev);
            assertEquals(TestDevice.DEVICE, yd.device(), who + ": the output lives on the device");
            TensorAssert.assertBitEqual(yc, yd.to(Device.CPU), who + ": output of step " + step);
            if (!yc.requiresGrad()) continue;
            yc.square().sum().backward();
            yd.square().sum().backward();
            var pc = cpu.namedParameters();
            var pd = dev.namedParameters();
            for (var e : pc.entrySet()) {
                Tensor gc = e.getValue().grad(), gd = pd.get(e.getKey()).grad();
                if (gc == null) continue;
                assertNotNull(gd, who + ": no gradient for " + e.getKey() + " on the device");
                TensorAssert.assertBitEqual(gc, gd.to(Device.CPU), who + ": gradient of " + e.getKey() + " at step " + step);
            }
        }
        var sc = cpu.stateDict();
        var sd = dev.stateDict();
        for (var e : sc.entrySet()) {
            TensorAssert.assertBitEqual(e.getValue(), sd.get(e.getKey()).to(Device.CPU), who + ": state " + e.getKey());
        }
    }
}
