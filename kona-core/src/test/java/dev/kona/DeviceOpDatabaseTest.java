package dev.kona;

import dev.kona.testing.DeviceSuites;
import dev.kona.testing.OpInfo;
import dev.kona.testing.TestDevice;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The op database on the in-process test device ({@link TestDevice}): forward and backward of
 * every entry, with inputs in their own layouts, must equal the CPU's. The same suites run on
 * CUDA from kona-cuda with {@code Device.cuda(0)}.
 */
class DeviceOpDatabaseTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kona.testing.DeviceSuites#entries")
    void forwardOnTheDeviceMatchesTheCpu(OpInfo op) {
        DeviceSuites.checkForward(op, TestDevice.DEVICE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kona.testing.DeviceSuites#differentiableEntries")
    void backwardOnTheDeviceMatchesTheCpu(OpInfo op) {
        DeviceSuites.checkBackward(op, TestDevice.DEVICE);
    }
}
