package dev.kona.testing;

import dev.kona.DType;
import dev.kona.Device;
import dev.kona.Tensor;
import dev.kona.backend.Backend;
import dev.kona.backend.Storage;
import dev.kona.backend.cpu.CpuBackend;
import dev.kona.ops.Op;

/**
 * The backend of {@link TestDevice}: storage of its own ({@link TestStorage}, wrapping CPU
 * storage) and every op run by the CPU backend on views of the wrapped storages. A tensor of any
 * other device reaching {@link #execute} or {@link #toHost} is an error naming the op and both
 * devices, as a real accelerator would fail (or worse, read garbage).
 */
final class TestDeviceBackend implements Backend {
    private final Device device;

    TestDeviceBackend(Device device) {
        this.device = device;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public Storage allocate(DType dtype, int length, boolean zeroed) {
        return new TestStorage(device, CpuBackend.INSTANCE.allocate(dtype, length, zeroed));
    }

    @Override
    public Storage fromHost(DType dtype, Object hostArray) {
        TestDevice.countFromHost();
        return new TestStorage(device, CpuBackend.INSTANCE.fromHost(dtype, hostArray));
    }

    // adoptHost is left to the default (a copy), as on a real device.

    @Override
    public Object toHost(Storage storage, int offset, int length) {
        TestDevice.countToHost();
        return CpuBackend.INSTANCE.toHost(inner("toHost", storage), offset, length);
    }

    @Override
    public void execute(Op op, Tensor[] outputs, Tensor[] inputs) {
        TestDevice.countOp(op.name());
        CpuBackend.INSTANCE.execute(op, unwrap(op, outputs), unwrap(op, inputs));
    }

    private Tensor[] unwrap(Op op, Tensor[] tensors) {
        Tensor[] out = new Tensor[tensors.length];
        for (int i = 0; i < tensors.length; i++) {
            Tensor t = tensors[i];
            out[i] = t == null ? null : Tensor.fromStorage(inner(op.name(), t.storage()), t.layout());
        }
        return out;
    }

    private Storage inner(String op, Storage s) {
        if (s instanceof TestStorage ts && ts.device().equals(device)) return ts.inner();
        throw new IllegalStateException(device + " backend: '" + op + "' got a tensor on " + s.device() + " ("
                + s.getClass().getSimpleName() + "); the front end must move or reject it");
    }
}
