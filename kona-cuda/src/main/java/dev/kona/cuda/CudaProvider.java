package dev.kona.cuda;

import dev.kona.Device;
import dev.kona.backend.Backend;
import dev.kona.backend.BackendProvider;

/** Serves {@code Device.cuda(i)} through {@link java.util.ServiceLoader}. */
public final class CudaProvider implements BackendProvider {
    @Override
    public String deviceType() {
        return "cuda";
    }

    @Override
    public Backend create(Device device) {
        if (!CudaContext.available()) {
            throw new IllegalStateException("device " + device + ": CUDA is not available on this machine ("
                    + CudaContext.unavailableReason() + ")");
        }
        return new CudaBackend(device);
    }
}
