package dev.kona.backend;

import dev.kona.Device;

/**
 * Plugs a backend for another device family into Kona through {@link java.util.ServiceLoader}
 * (a module such as kona-cuda lists its provider in
 * {@code META-INF/services/dev.kona.backend.BackendProvider}).
 */
public interface BackendProvider {
    /** The device type this provider serves, e.g. {@code "cuda"}. */
    String deviceType();

    /** The backend for one device of this type; fails with a clear message when it is unusable. */
    Backend create(Device device);
}
