package dev.kona;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.autograd.GradCheck;
import dev.kona.data.Dataset;
import dev.kona.data.Example;
import dev.kona.nn.CrossEntropyLoss;
import dev.kona.nn.LazyLinear;
import dev.kona.nn.Linear;
import dev.kona.nn.Losses;
import dev.kona.nn.Module;
import dev.kona.nn.ReLU;
import dev.kona.optim.Adam;
import dev.kona.optim.ClipGrad;
import dev.kona.testing.TensorAssert;
import dev.kona.testing.TestDevice;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The front end's device rules, on the in-process test device: ops on two devices fail naming
 * both, 0-d CPU tensors and Java numbers join any device, factories create on a device, moves are
 * differentiable, and reading a device tensor (print, item, arrays) copies it to the host.
 */
class DeviceRulesTest {
    private static final Device DEV = TestDevice.DEVICE;

    private static Tensor onDev(Tensor t) {
        return t.to(DEV);
    }

    private static void assertMixFails(String op, Supplier<?> call, Device a, Device b) {
        var e = assertThrows(IllegalArgumentException.class, call::get, op);
        String msg = e.getMessage();
        assertTrue(msg.contains(op), "message names the op '" + op + "': " + msg);
        assertTrue(msg.contains(a.toString()) && msg.contains(b.toString()), "message names both devices: " + msg);
    }

    // ---------------------------------------------------------------- (d) mixing devices

    @Test
    void opsOnTwoDevicesFailNamingTheOpAndBothDevices() {
        Tensor c = Tensor.randn(3, 4), d = onDev(Tensor.randn(3, 4));
        Tensor cw = Tensor.randn(4, 2), dw = onDev(cw);
        Device cpu = Device.CPU;
        assertMixFails("add", () -> d.add(c), DEV, cpu);
        assertMixFails("add", () -> c.add(d), cpu, DEV);
        assertMixFails("matmul", () -> d.matmul(cw), DEV, cpu);
        assertMixFails("matmul", () -> c.matmul(dw), cpu, DEV);
        assertMixFails("cat", () -> Tensor.cat(List.of(c, d), 0), cpu, DEV);
        assertMixFails("cat", () -> Tensor.stack(List.of(d, c), 0), DEV, cpu);
        assertMixFails("where", () -> Tensor.where(d.gt(0.0), d, c), DEV, cpu);
        assertMixFails("where", () -> Tensor.where(c.gt(0.0), d, d), cpu, DEV);
        Tensor idx = Tensor.of(0L, 2L);
        assertMixFails("indexSelect", () -> d.indexSelect(0, idx), DEV, cpu);
        assertMixFails("gather", () -> d.gather(1, Tensor.zeros(new int[] {3, 1}, DType.INT64)), DEV, cpu);
        assertMixFails("scatterAdd", () -> d.scatterAdd(1, onDev(Tensor.zeros(new int[] {3, 1}, DType.INT64)), c), DEV, cpu);
        assertMixFails("maskedFill", () -> d.maskedFill(c.gt(0.0), 1.0), DEV, cpu);
        assertMixFails("maximum", () -> d.maximum(c), DEV, cpu);
        assertMixFails("addInPlace", () -> c.addInPlace(d), cpu, DEV);
        // Two devices of the same kind are two devices.
        assertMixFails("mul", () -> d.mul(Tensor.randn(3, 4).to(TestDevice.DEVICE_1)), DEV, TestDevice.DEVICE_1);
    }

    @Test
    void lossesAndOptimizersNameTheirDevices() {
        Tensor logits = onDev(Tensor.randn(4, 3)), target = Tensor.of(0L, 1L, 2L, 1L);
        assertMixFails("CrossEntropyLoss", () -> new CrossEntropyLoss().apply(logits, target), DEV, Device.CPU);
        assertMixFails("MSELoss", () -> Losses.mseLoss(logits, Tensor.randn(4, 3)), DEV, Device.CPU);
        assertMixFails("BCEWithLogitsLoss", () -> Losses.binaryCrossEntropyWithLogits(logits, Tensor.rand(4, 3)), DEV, Device.CPU);
        assertMixFails("loss 'mean_squared_error'",
                () -> dev.kona.train.KerasLoss.get("mse").apply(logits, Tensor.randn(4, 3)), DEV, Device.CPU);

        // A model moved after its optimizer was made: the update names the op and the devices.
        Tensor w = Tensor.randn(3).requiresGrad(true);
        var opt = new Adam(List.of(w), 0.1);
        opt.step();   // no gradient yet: nothing to do
        opt.state(w).setBuffer("expAvg", onDev(Tensor.zeros(3)));
        w.mul(2.0).sum().backward();
        assertMixFails("adam", () -> {
            opt.step();
            return null;
        }, Device.CPU, DEV);
    }

    @Test
    void aModuleOnTheDeviceRejectsCpuInputsNamingBothDevices() {
        Module model = new dev.kona.nn.Sequential(new Linear(4, 3), new ReLU()).to(DEV);
        assertMixFails("matmul", () -> model.call(Tensor.randn(2, 4)), Device.CPU, DEV);
    }

    @Test
    void theTestDeviceRejectsCpuStorageThatSlipsThrough() {
        Tensor out = Tensor.zeros(new int[] {2}, DEV), cpuIn = Tensor.ones(2);
        var backend = dev.kona.ops.Dispatch.backend(DEV);
        var e = assertThrows(IllegalStateException.class,
                () -> backend.execute(new dev.kona.ops.Op.Unary(dev.kona.ops.Op.UnaryKind.EXP, 0, 0), new Tensor[] {out},
                        new Tensor[] {cpuIn}));
        assertTrue(e.getMessage().contains("exp") && e.getMessage().contains("cpu") && e.getMessage().contains("testdev:0"),
                e.getMessage());
        assertThrows(ClassCastException.class, () -> ((dev.kona.backend.cpu.CpuStorage) out.storage()).array(),
                "a CPU cast of device storage fails");
    }

    // ---------------------------------------------------------------- (e) CPU scalars join any device

    @Test
    void zeroDimCpuTensorsAndJavaNumbersJoinTheDevice() {
        Tensor x = Tensor.randn(new Generator(5), 3, 4), dx = onDev(x);
        Tensor two = Tensor.scalar(2.0), three = Tensor.of(new long[] {3}, new int[0]);
        List<Supplier<Tensor>> cpu = List.of(() -> x.mul(two), () -> two.mul(x), () -> x.add(three), () -> x.pow(two),
                () -> x.mul(0.5).rsub(1.0), () -> Tensor.where(x.gt(0.0), x, two), () -> x.maximum(two), () -> x.div(3L));
        List<Supplier<Tensor>> dev = List.of(() -> dx.mul(two), () -> two.mul(dx), () -> dx.add(three), () -> dx.pow(two),
                () -> dx.mul(0.5).rsub(1.0), () -> Tensor.where(dx.gt(0.0), dx, two), () -> dx.maximum(two), () -> dx.div(3L));
        for (int i = 0; i < cpu.size(); i++) {
            Tensor e = cpu.get(i).get(), a = dev.get(i).get();
            assertEquals(DEV, a.device(), "case " + i);
            TensorAssert.assertBitEqual(e, a, "case " + i);
        }
        // In place, as optimizers do.
        Tensor t = onDev(Tensor.ones(3)).addInPlace(Tensor.scalar(4.0));
        assertArrayEquals(new float[] {5, 5, 5}, t.toFloatArray());
    }

    @Test
    void aZeroDimCpuScalarThatRequiresGradGetsItsGradient() {
        Tensor s = Tensor.scalar(2.0).requiresGrad(true);
        Tensor x = onDev(Tensor.of(1f, 2f, 3f));
        x.mul(s).sum().backward();
        assertEquals(Device.CPU, s.grad().device());
        assertEquals(6.0, s.grad().item(), 0.0);
    }

    @Test
    void aZeroDimDeviceTensorDoesNotJoinTheCpu() {
        Tensor d0 = onDev(Tensor.scalar(2.0));
        assertMixFails("mul", () -> Tensor.randn(3).mul(d0), Device.CPU, DEV);
    }

    @Test
    void javaConstantsCrossToTheDeviceOnce() {
        Tensor x = onDev(Tensor.randn(8));
        x.mul(0.123).add(4.5);
        var before = TestDevice.counts();
        for (int i = 0; i < 5; i++) x.mul(0.123).add(4.5);
        assertEquals(0, TestDevice.counts().minus(before).transfers(), "cached device constants");
    }

    // ---------------------------------------------------------------- creation on a device

    @Test
    void factoriesCreateOnTheDevice() {
        var before = TestDevice.counts();
        Tensor z = Tensor.zeros(new int[] {2, 3}, DEV), o = Tensor.ones(new int[] {2}, DType.INT64, DEV);
        Tensor f = Tensor.full(new int[] {2}, 1.5, DEV), e = Tensor.empty(new int[] {4}, DType.FLOAT64, DEV);
        Tensor zl = Tensor.zerosLike(f), ol = Tensor.onesLike(f), fl = Tensor.fullLike(f, 7);
        assertEquals(0, TestDevice.counts().minus(before).fromHost(), "filled on the device, nothing copied");
        for (Tensor t : List.of(z, o, f, e, zl, ol, fl)) assertEquals(DEV, t.device());
        assertArrayEquals(new float[] {1.5f, 1.5f}, f.toFloatArray());
        assertArrayEquals(new long[] {1, 1}, o.toLongArray());
        assertArrayEquals(new float[] {7, 7}, fl.toFloatArray());

        assertArrayEquals(new long[] {0, 1, 2}, Tensor.arange(3, DEV).toLongArray());
        assertArrayEquals(new long[] {2, 4}, Tensor.arange(2, 6, 2, DEV).toLongArray());
        assertArrayEquals(new double[] {0, 0.5}, Tensor.arange(0, 1, 0.5, DType.FLOAT64, DEV).toDoubleArray());
        assertArrayEquals(new float[] {0, 0.5f, 1}, Tensor.linspace(0, 1, 3, DEV).toFloatArray());
        TensorAssert.assertBitEqual(Tensor.eye(3, 2), Tensor.eye(3, 2, DEV), "eye");
        for (Tensor t : List.of(Tensor.arange(3, DEV), Tensor.eye(2, DEV), Tensor.linspace(0, 1, 3, DEV))) {
            assertEquals(DEV, t.device());
        }
    }

    @Test
    void randomTensorsOnTheDeviceHoldTheSameValuesAsOnTheCpu() {
        TensorAssert.assertBitEqual(Tensor.rand(new Generator(9), 5, 4),
                Tensor.rand(new Generator(9), new int[] {5, 4}, DType.FLOAT32, DEV), "rand");
        TensorAssert.assertBitEqual(Tensor.randn(new Generator(9), 5, 4),
                Tensor.randn(new Generator(9), new int[] {5, 4}, DType.FLOAT32, DEV), "randn");
        assertArrayEquals(Tensor.randint(new Generator(9), 0, 10, 6).toLongArray(),
                Tensor.randint(new Generator(9), 0, 10, new int[] {6}, DEV).toLongArray());
        Kona.manualSeed(3);
        Tensor a = Tensor.randn(new int[] {3}, DType.FLOAT64, DEV);
        Kona.manualSeed(3);
        Tensor b = Tensor.randnLike(Tensor.zeros(new int[] {3}, DType.FLOAT64, DEV));
        assertEquals(DEV, b.device());
        TensorAssert.assertBitEqual(a, b, "randnLike");
    }

    // ---------------------------------------------------------------- moving and reading

    @Test
    void toDeviceIsDifferentiable() {
        Tensor x = Tensor.of(1f, 2f, 3f).requiresGrad(true);
        Tensor y = x.to(DEV);
        assertTrue(y.requiresGrad());
        assertEquals("to", y.gradFn().name());
        y.mul(y).sum().backward();
        assertEquals(Device.CPU, x.grad().device());
        assertArrayEquals(new float[] {2, 4, 6}, x.grad().toFloatArray());

        // And back: a device leaf gets its gradient on the device.
        Tensor w = onDev(Tensor.of(1f, -1f)).requiresGrad(true);
        w.to(Device.CPU).mul(3.0).sum().backward();
        assertEquals(DEV, w.grad().device());
        assertArrayEquals(new float[] {3, 3}, w.grad().toFloatArray());
        assertSame(x, x.to(Device.CPU), "no move: the same tensor");
    }

    @Test
    void moveKeepsValuesLayoutsAndDtypes() {
        Tensor t = Tensor.arange(0, 24, 1).reshape(2, 3, 4).permute(2, 0, 1).slice(0, 1, 4, 2);
        Tensor d = t.to(DEV);
        assertEquals(DEV, d.device());
        assertEquals(DType.INT64, d.dtype());
        assertArrayEquals(t.shape(), d.shape());
        assertArrayEquals(t.toLongArray(), d.toLongArray());
        Tensor back = d.to(Device.CPU, DType.FLOAT32);
        assertEquals(Device.CPU, back.device());
        assertEquals(DType.FLOAT32, back.dtype());
    }

    @Test
    void readingADeviceTensorCopiesItToTheHost() {
        Tensor d = onDev(Tensor.of(new float[][] {{1, 2}, {3, 4}}));
        assertEquals("tensor([[1., 2.],\n        [3., 4.]], device='testdev:0')", d.toString());
        assertEquals(10.0, d.sum().item(), 0.0);
        assertEquals(3L, onDev(Tensor.of(3L)).sum().itemLong());
        assertArrayEquals(new double[] {1, 2, 3, 4}, d.toDoubleArray());
        assertArrayEquals(new boolean[] {false, true, true, true}, d.gt(1.0).reshape(-1).toBooleanArray());
        String big = onDev(Tensor.arange(2000)).toString();
        assertTrue(big.contains("...") && big.endsWith("device='testdev:0')"), big);
    }

    @Test
    void dataDependentOpsRunOnTheDevice() {
        Tensor d = onDev(Tensor.of(new float[][] {{1, -2}, {0, 4}}));
        assertArrayEquals(new long[] {0, 0, 0, 1, 1, 1}, d.nonzero().toLongArray());
        assertEquals(DEV, d.nonzero().device());
        assertArrayEquals(new float[] {1, 4}, d.maskedSelect(d.gt(0.0)).toFloatArray());
        assertArrayEquals(new float[] {1, 4}, d.index(Index.tensor(d.gt(0.0))).toFloatArray());
        // An index tensor on the CPU may index a device tensor, as in PyTorch.
        Tensor rows = d.index(Index.tensor(Tensor.of(1L, 0L)));
        assertEquals(DEV, rows.device());
        assertArrayEquals(new float[] {0, 4, 1, -2}, rows.toFloatArray());
        assertArrayEquals(new long[] {1, 0, 0}, onDev(Tensor.of(2L, 0L)).oneHot(3).select(0, 1).toLongArray());
        assertArrayEquals(new float[] {4, 1}, d.reshape(-1).topk(2).values().toFloatArray());
        assertArrayEquals(new float[] {1, 7, 0, 4}, d.reshape(-1).scatter(0, onDev(Tensor.of(1L)), 7.0).toFloatArray());
    }

    @Test
    void copyFromMovesAcrossDevices() {
        Tensor target = Tensor.zeros(new int[] {2, 2}, DEV);
        target.copyFrom(Tensor.of(new float[][] {{1, 2}, {3, 4}}).t());
        assertArrayEquals(new float[] {1, 3, 2, 4}, target.toFloatArray());
        Tensor cpu = Tensor.zeros(2);
        cpu.copyFrom(onDev(Tensor.of(5f, 6f)));
        assertArrayEquals(new float[] {5, 6}, cpu.toFloatArray());
    }

    // ---------------------------------------------------------------- modules, optimizers, data

    @Test
    void moduleToMovesStateAndLaterWeights() {
        Kona.manualSeed(1);
        var lazy = new LazyLinear(3);
        var model = new dev.kona.nn.Sequential(lazy, new ReLU()).to(DEV);
        assertEquals(DEV, model.device());
        Tensor y = model.call(onDev(Tensor.randn(2, 5)));
        assertEquals(DEV, y.device());
        for (Tensor p : model.parameters()) assertEquals(DEV, p.device());
        // A child registered after the move follows the module.
        var grown = new dev.kona.nn.ModuleList();
        grown.to(DEV);
        grown.add(new Linear(2, 2));
        for (Tensor p : grown.parameters()) assertEquals(DEV, p.device());

        // State dicts load across devices.
        Kona.manualSeed(2);
        var cpuModel = new Linear(4, 2);
        Kona.manualSeed(3);
        var devModel = new Linear(4, 2).to(DEV);
        devModel.loadStateDict(cpuModel.stateDict());
        Tensor x = Tensor.randn(3, 4);
        TensorAssert.assertBitEqual(cpuModel.call(x), devModel.call(x.to(DEV)).to(Device.CPU), "loaded weights");
    }

    @Test
    void clipGradNormOnTheDevice() {
        Tensor a = onDev(Tensor.of(3f, 4f)).requiresGrad(true), b = Tensor.of(3f, 4f).requiresGrad(true);
        a.mul(a).sum().backward();
        b.mul(b).sum().backward();
        double na = ClipGrad.clipGradNorm(List.of(a), 1.0), nb = ClipGrad.clipGradNorm(List.of(b), 1.0);
        assertEquals(nb, na, 0.0);
        assertEquals(DEV, a.grad().device());
        TensorAssert.assertBitEqual(b.grad(), a.grad().to(Device.CPU), "clipped gradient");
        ClipGrad.clipGradValue(List.of(a), 0.1);
        assertArrayEquals(new float[] {0.1f, 0.1f}, a.grad().toFloatArray());
    }

    @Test
    void gradCheckRunsOnTheDevice() {
        Tensor a = onDev(Tensor.randn(new Generator(4), 3, 4)), b = onDev(Tensor.randn(new Generator(5), 4, 2));
        GradCheck.check(in -> in.get(0).matmul(in.get(1)).tanh(), List.of(a, b));
        GradCheck.checkSecondOrder(in -> in.get(0).mul(in.get(0)).sum(), List.of(a));
    }

    @Test
    void batchesMoveWithTo() {
        Tensor x = Tensor.randn(10, 3), y = Tensor.arange(10);
        int n = 0;
        for (Example batch : Dataset.fromTensors(x, y).batch(4, false)) {
            Example b = batch.to(DEV);
            assertEquals(DEV, b.x().device());
            assertEquals(DEV, b.y().device());
            assertArrayEquals(batch.x().toFloatArray(), b.x().toFloatArray());
            assertSame(b, b.to(DEV));
            n++;
        }
        assertEquals(3, n);
        assertNotNull(x);
    }

    @Test
    void anOptimizerMadeBeforeModuleToSaysItWouldTrainStaleCopies() {
        Module model = new Linear(3, 2);
        var early = new Adam(model.parameters(), 1e-3);
        model.to(TestDevice.DEVICE);
        var e = assertThrows(IllegalStateException.class, early::step);
        assertTrue(e.getMessage().contains("Adam.step: parameter 0 was replaced by Linear.to(testdev:0)")
                && e.getMessage().contains("create the optimizer after"), e.getMessage());
        var late = new Adam(model.parameters(), 1e-3);
        model.call(Tensor.ones(4, 3).to(TestDevice.DEVICE)).sum().backward();
        late.step();
    }
}
