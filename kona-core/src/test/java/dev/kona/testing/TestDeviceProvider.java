package dev.kona.testing;

import dev.kona.Device;
import dev.kona.backend.Backend;
import dev.kona.backend.BackendProvider;

/** Registers {@link TestDevice}'s backend for the device type {@code "testdev"} (see META-INF/services). */
public final class TestDeviceProvider implements BackendProvider {
    @Override
    public String deviceType() {
        return TestDevice.TYPE;
    }

    @Override
    public Backend create(Device device) {
        return new TestDeviceBackend(device);
    }
}
