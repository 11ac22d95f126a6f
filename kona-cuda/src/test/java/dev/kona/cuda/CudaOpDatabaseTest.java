package dev.kona.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kona.Device;
import dev.kona.testing.DeviceSuites;
import dev.kona.testing.OpInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The op database on the GPU: forward and backward of every entry, with inputs in their own
 * layouts (transposed, stepped, expanded, 0-d, empty...), must match the CPU backend within the
 * entry's float tolerances. Skips without a GPU.
 */
class CudaOpDatabaseTest {
    private static final Device GPU = Device.cuda(0);

    @BeforeAll
    static void needsGpu() {
        assumeTrue(CudaContext.available(), "no CUDA device");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kona.testing.DeviceSuites#entries")
    void forwardOnTheGpuMatchesTheCpu(OpInfo op) {
        DeviceSuites.checkForward(op, GPU);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kona.testing.DeviceSuites#differentiableEntries")
    void backwardOnTheGpuMatchesTheCpu(OpInfo op) {
        DeviceSuites.checkBackward(op, GPU);
    }
}
