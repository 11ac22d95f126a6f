package dev.kona.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.DType;
import dev.kona.Device;
import dev.kona.Generator;
import dev.kona.Kona;
import dev.kona.MemoryScope;
import dev.kona.Tensor;
import dev.kona.autograd.Autograd;
import dev.kona.autograd.GradCheck;
import dev.kona.testing.TensorAssert;
import dev.kona.testing.TestDevice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract of RNN, LSTM, GRU and their cells: shapes for every option, PyTorch's state-dict
 * names, dropout between layers in training only, the test device giving the CPU's numbers bit
 * for bit, gradients against finite differences (first and second order), the hand-written
 * backward through time against the step-by-step reference, and the error messages. The values
 * themselves are checked against PyTorch in {@link GoldenRnnTest}.
 */
class RecurrentTest {
    private static final String[] KINDS = {"RNN", "RNN relu", "LSTM", "GRU"};

    private static RNNBase layer(String kind, int in, int hid, RNNOptions o) {
        return switch (kind) {
            case "RNN" -> new RNN(in, hid, "tanh", o);
            case "RNN relu" -> new RNN(in, hid, "relu", o);
            case "LSTM" -> new LSTM(in, hid, o);
            case "GRU" -> new GRU(in, hid, o);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /** Runs any layer and returns {output, hN, cN} (cN null except for the LSTM). */
    private static Tensor[] run(RNNBase m, Tensor x, Tensor h0, Tensor c0) {
        if (m instanceof LSTM lstm) {
            LSTMOutput r = lstm.call(x, h0, c0);
            return new Tensor[] {r.output(), r.hN(), r.cN()};
        }
        RNNOutput r = m instanceof GRU gru ? gru.call(x, h0) : ((RNN) m).call(x, h0);
        return new Tensor[] {r.output(), r.hN(), null};
    }

    private static int gates(String kind) {
        return kind.equals("LSTM") ? 4 : kind.equals("GRU") ? 3 : 1;
    }

    // ---------------------------------------------------------------- shapes

    static Stream<Arguments> options() {
        List<Arguments> all = new ArrayList<>();
        for (String kind : KINDS) {
            for (int layers = 1; layers <= 2; layers++) {
                for (int bits = 0; bits < 16; bits++) {
                    all.add(Arguments.of(kind, layers, (bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0, (bits & 8) != 0));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}, {1} layers, bidirectional {2}, batchFirst {3}, bias {4}, given states {5}")
    @MethodSource("options")
    void shapesForEveryOption(String kind, int layers, boolean bidirectional, boolean batchFirst, boolean bias, boolean states) {
        int in = 3, hid = 4, steps = 5, batch = 2, dirs = bidirectional ? 2 : 1;
        var o = RNNOptions.defaults().numLayers(layers).bidirectional(bidirectional).batchFirst(batchFirst).bias(bias);
        RNNBase m = layer(kind, in, hid, o);
        Generator g = new Generator(3);
        Tensor x = Tensor.randn(g, batchFirst ? new int[] {batch, steps, in} : new int[] {steps, batch, in});
        Tensor h0 = states ? Tensor.randn(g, layers * dirs, batch, hid) : null;
        Tensor c0 = states && kind.equals("LSTM") ? Tensor.randn(g, layers * dirs, batch, hid) : null;
        Tensor[] r = run(m, x, h0, c0);
        int[] outShape = batchFirst ? new int[] {batch, steps, dirs * hid} : new int[] {steps, batch, dirs * hid};
        assertArrayEquals(outShape, r[0].shape(), "output");
        assertArrayEquals(new int[] {layers * dirs, batch, hid}, r[1].shape(), "h_n");
        if (kind.equals("LSTM")) assertArrayEquals(new int[] {layers * dirs, batch, hid}, r[2].shape(), "c_n");
        else assertNull(r[2]);
        assertArrayEquals(outShape, m.call(x).shape(), "call(x) is the output");

        // The last layer's final states sit in the output: forward at the last step, reverse at the first.
        Tensor seq = batchFirst ? r[0].transpose(0, 1) : r[0];
        int last = (layers - 1) * dirs;
        TensorAssert.assertBitEqual(r[1].select(0, last), seq.select(0, steps - 1).narrow(1, 0, hid), "h_n forward");
        if (bidirectional) {
            TensorAssert.assertBitEqual(r[1].select(0, last + 1), seq.select(0, 0).narrow(1, hid, hid), "h_n reverse");
        }

        long perDirection0 = (long) gates(kind) * hid * (in + hid + (bias ? 2 : 0));
        long perDirection1 = (long) gates(kind) * hid * (dirs * hid + hid + (bias ? 2 : 0));
        assertEquals(dirs * (perDirection0 + (layers - 1) * perDirection1), m.numParameters(), "parameter count");
    }

    @Test
    void unbatchedInputGivesUnbatchedOutputAndStates() {
        for (String kind : KINDS) {
            RNNBase m = layer(kind, 3, 4, RNNOptions.defaults().numLayers(2).bidirectional(true));
            Tensor x = Tensor.randn(new Generator(1), 5, 3);
            Tensor h0 = Tensor.randn(new Generator(2), 4, 4), c0 = kind.equals("LSTM") ? Tensor.randn(new Generator(3), 4, 4) : null;
            Tensor[] r = run(m, x, h0, c0);
            assertArrayEquals(new int[] {5, 8}, r[0].shape(), kind + " output");
            assertArrayEquals(new int[] {4, 4}, r[1].shape(), kind + " h_n");
            // The same as a batch of one.
            Tensor[] b = run(m, x.unsqueeze(1), h0.unsqueeze(1), c0 == null ? null : c0.unsqueeze(1));
            TensorAssert.assertBitEqual(b[0].squeeze(1), r[0], kind + " unbatched output");
            TensorAssert.assertBitEqual(b[1].squeeze(1), r[1], kind + " unbatched h_n");
        }
    }

    @Test
    void batchFirstIsTheTransposedProblem() {
        for (String kind : KINDS) {
            Kona.manualSeed(4);
            RNNBase tm = layer(kind, 3, 4, RNNOptions.defaults().numLayers(2).bidirectional(true));
            RNNBase bf = layer(kind, 3, 4, RNNOptions.defaults().numLayers(2).bidirectional(true).batchFirst(true));
            bf.loadStateDict(tm.stateDict());
            Tensor x = Tensor.randn(new Generator(9), 6, 2, 3);
            Tensor[] a = run(tm, x, null, null), b = run(bf, x.transpose(0, 1).contiguous(), null, null);
            TensorAssert.assertBitEqual(a[0], b[0].transpose(0, 1), kind + " output");
            TensorAssert.assertBitEqual(a[1], b[1], kind + " h_n");
        }
    }

    @Test
    void finalStatesCarryOnAcrossCalls() {
        // Two halves of a sequence, the second from the first's final states, give the whole run.
        var lstm = new LSTM(3, 5, RNNOptions.defaults().numLayers(2).generator(new Generator(8)));
        Tensor x = Tensor.randn(new Generator(5), 8, 2, 3);
        LSTMOutput whole = lstm.call(x, null, null);
        LSTMOutput first = lstm.call(x.narrow(0, 0, 3), null, null);
        LSTMOutput second = lstm.call(x.narrow(0, 3, 5), first.hN(), first.cN());
        TensorAssert.assertBitEqual(whole.output().narrow(0, 3, 5), second.output(), "output of the second half");
        TensorAssert.assertBitEqual(whole.hN(), second.hN(), "h_n");
        TensorAssert.assertBitEqual(whole.cN(), second.cN(), "c_n");
    }

    // ---------------------------------------------------------------- state dict and init

    @Test
    void stateDictUsesPyTorchNamesAndShapes() {
        var lstm = new LSTM(10, 20, RNNOptions.defaults().numLayers(2).bidirectional(true));
        var sd = lstm.stateDict();
        List<String> expected = new ArrayList<>();
        for (int l = 0; l < 2; l++) {
            for (String sfx : new String[] {"", "_reverse"}) {
                for (String p : new String[] {"weight_ih", "weight_hh", "bias_ih", "bias_hh"}) expected.add(p + "_l" + l + sfx);
            }
        }
        assertEquals(expected, new ArrayList<>(sd.keySet()));
        assertArrayEquals(new int[] {80, 10}, sd.get("weight_ih_l0").shape());
        assertArrayEquals(new int[] {80, 20}, sd.get("weight_hh_l0_reverse").shape());
        assertArrayEquals(new int[] {80, 40}, sd.get("weight_ih_l1").shape());
        assertArrayEquals(new int[] {80}, sd.get("bias_hh_l1_reverse").shape());
        assertEquals(List.of("weight_ih_l0", "weight_hh_l0"), new ArrayList<>(new GRU(3, 4, RNNOptions.defaults().bias(false))
                .stateDict().keySet()));
        assertEquals(List.of("weight_ih", "weight_hh", "bias_ih", "bias_hh"), new ArrayList<>(new LSTMCell(3, 4).stateDict().keySet()));
        assertArrayEquals(new int[] {12, 3}, new GRUCell(3, 4).weightIh().shape());
    }

    @Test
    void initialisedUniformlyWithinOneOverRootHidden() {
        var lstm = new LSTM(30, 64, RNNOptions.defaults().generator(new Generator(1)));
        double bound = 1 / Math.sqrt(64);
        for (var e : lstm.namedParameters().entrySet()) {
            double[] v = e.getValue().toDoubleArray();
            double min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
            for (double d : v) {
                min = Math.min(min, d);
                max = Math.max(max, d);
            }
            assertTrue(min >= -bound && max <= bound, e.getKey() + " within +-1/sqrt(H)");
            assertTrue(min < -0.9 * bound && max > 0.9 * bound, e.getKey() + " spans the range");
        }
        // The generator makes it reproducible.
        var again = new LSTM(30, 64, RNNOptions.defaults().generator(new Generator(1)));
        TensorAssert.assertBitEqual(lstm.weightHh(0, 0), again.weightHh(0, 0), "same generator, same weights");
    }

    @Test
    void printsLikePyTorch() {
        assertEquals("LSTM(10, 20, num_layers=2, batch_first=true, dropout=0.1, bidirectional=true)",
                new LSTM(10, 20, RNNOptions.defaults().numLayers(2).batchFirst(true).dropout(0.1).bidirectional(true)).toString());
        assertEquals("RNN(3, 4, nonlinearity='relu', bias=false)",
                new RNN(3, 4, "relu", RNNOptions.defaults().bias(false)).toString());
        assertEquals("GRUCell(3, 4)", new GRUCell(3, 4).toString());
    }

    // ---------------------------------------------------------------- dropout

    @Test
    void dropoutBetweenLayersOnlyInTraining() {
        for (String kind : KINDS) {
            RNNBase m = layer(kind, 3, 6, RNNOptions.defaults().numLayers(3).dropout(0.5));
            RNNBase plain = layer(kind, 3, 6, RNNOptions.defaults().numLayers(3));
            plain.loadStateDict(m.stateDict());
            Tensor x = Tensor.randn(new Generator(2), 5, 4, 3);
            m.train();
            Tensor a = m.call(x), b = m.call(x);
            assertFalse(a.sub(b).abs().max().item() == 0, kind + ": two training calls draw different masks");
            m.eval();
            TensorAssert.assertBitEqual(plain.call(x), m.call(x), kind + ": no dropout in eval mode");
            // One layer: nothing between layers, so dropout changes nothing even in training.
            RNNBase one = layer(kind, 3, 6, RNNOptions.defaults().dropout(0.5));
            one.train();
            TensorAssert.assertBitEqual(one.call(x), one.eval().call(x), kind + ": no dropout after the last layer");
        }
    }

    @Test
    void dropoutMasksFollowTheGlobalSeed() {
        var lstm = new LSTM(3, 4, RNNOptions.defaults().numLayers(2).dropout(0.3));
        Tensor x = Tensor.randn(new Generator(2), 5, 2, 3);
        Kona.manualSeed(11);
        Tensor a = lstm.call(x);
        Kona.manualSeed(11);
        TensorAssert.assertBitEqual(a, lstm.call(x), "same seed, same masks");
    }

    // ---------------------------------------------------------------- devices

    @Test
    void theTestDeviceGivesTheCpuResultsBitForBit() {
        Device dev = TestDevice.DEVICE;
        for (String kind : KINDS) {
            var o = RNNOptions.defaults().numLayers(2).bidirectional(true).batchFirst(true).generator(new Generator(6));
            RNNBase cpu = layer(kind, 3, 4, o), moved = layer(kind, 3, 4, o);
            moved.loadStateDict(cpu.stateDict());
            moved.to(dev);
            assertEquals(dev, moved.device());
            for (Tensor p : moved.parameters()) assertEquals(dev, p.device());
            Generator g = new Generator(7);
            Tensor x = Tensor.randn(g, 2, 5, 3), h0 = Tensor.randn(g, 4, 2, 4), c0 = Tensor.randn(g, 4, 2, 4);
            boolean lstm = kind.equals("LSTM");
            Tensor xc = x.detach().copy().requiresGrad(true), xd = x.to(dev).requiresGrad(true);
            Tensor hc = h0.detach().copy().requiresGrad(true), hd = h0.to(dev).requiresGrad(true);
            Tensor cc = lstm ? c0.detach().copy().requiresGrad(true) : null, cd = lstm ? c0.to(dev).requiresGrad(true) : null;
            Tensor[] rc = run(cpu, xc, hc, cc), rd = run(moved, xd, hd, cd);
            for (int i = 0; i < 3; i++) {
                if (rc[i] == null) continue;
                assertEquals(dev, rd[i].device(), kind + ": result " + i + " lives on the device");
                TensorAssert.assertBitEqual(rc[i], rd[i].to(Device.CPU), kind + ": result " + i);
            }
            Tensor gOut = Tensor.randn(g, rc[0].shape());
            lossOf(rc, gOut, Device.CPU).backward();
            lossOf(rd, gOut, dev).backward();
            TensorAssert.assertBitEqual(xc.grad(), xd.grad().to(Device.CPU), kind + ": input gradient");
            TensorAssert.assertBitEqual(hc.grad(), hd.grad().to(Device.CPU), kind + ": h0 gradient");
            if (lstm) TensorAssert.assertBitEqual(cc.grad(), cd.grad().to(Device.CPU), kind + ": c0 gradient");
            var pc = cpu.namedParameters();
            for (var e : moved.namedParameters().entrySet()) {
                TensorAssert.assertBitEqual(pc.get(e.getKey()).grad(), e.getValue().grad().to(Device.CPU), kind + ": gradient of " + e.getKey());
            }
        }
    }

    private static Tensor lossOf(Tensor[] r, Tensor gOut, Device device) {
        Tensor loss = r[0].mul(gOut.to(device)).sum().add(r[1].sum());
        return r[2] == null ? loss : loss.add(r[2].square().sum());
    }

    @Test
    void cellsOnTheTestDeviceGiveTheCpuResults() {
        Device dev = TestDevice.DEVICE;
        var cpu = new LSTMCell(3, 4, true, new Generator(1));
        var moved = new LSTMCell(3, 4, true, new Generator(1));
        moved.to(dev);
        Tensor x = Tensor.randn(new Generator(2), 2, 3);
        LSTMState a = cpu.call(x, null, null), b = moved.call(x.to(dev), null, null);
        TensorAssert.assertBitEqual(a.h(), b.h().to(Device.CPU), "h'");
        TensorAssert.assertBitEqual(a.c(), b.c().to(Device.CPU), "c'");
        var gru = new GRUCell(3, 4, true, new Generator(1));
        Tensor h = gru.call(x, null);
        gru.to(dev);
        TensorAssert.assertBitEqual(h, gru.call(x.to(dev), null).to(Device.CPU), "GRUCell h'");
    }

    // ---------------------------------------------------------------- gradients

    /** Runs a layer from initial states held in fields, returning every result flattened into one vector. */
    private static final class AllResults extends Module {
        final RNNBase m;
        Tensor h0, c0;

        AllResults(RNNBase m) {
            this.m = registerModule("m", m);
        }

        @Override
        public Tensor forward(Tensor x) {
            Tensor[] r = run(m, x, h0, c0);
            List<Tensor> parts = new ArrayList<>(List.of(r[0].reshape(-1), r[1].reshape(-1)));
            if (r[2] != null) parts.add(r[2].reshape(-1));
            return Tensor.cat(parts, 0);
        }
    }

    /**
     * GradCheck (float64, central differences) of every result of a layer with respect to the
     * input, the initial states and every parameter.
     */
    private static void gradCheck(RNNBase m, int[] inputShape, boolean secondOrder) {
        m.eval().to(DType.FLOAT64);
        int rows = m.numLayers() * m.options().numDirections();
        int batch = m.options().batchFirst() ? inputShape[0] : inputShape[1];
        boolean lstm = m instanceof LSTM;
        var names = new ArrayList<>(m.namedParameters().keySet());
        var w = new AllResults(m);
        Generator g = new Generator(21);
        List<Tensor> inputs = new ArrayList<>();
        inputs.add(Tensor.randn(g, inputShape));
        inputs.add(Tensor.randn(g, rows, batch, m.hiddenSize()).mul(0.5));
        if (lstm) inputs.add(Tensor.randn(g, rows, batch, m.hiddenSize()).mul(0.5));
        int first = inputs.size();
        inputs.addAll(m.parameters());
        Function<List<Tensor>, Tensor> f = in -> {
            w.h0 = in.get(1);
            w.c0 = lstm ? in.get(2) : null;
            var replaced = new LinkedHashMap<String, Tensor>();
            for (int i = 0; i < names.size(); i++) replaced.put("m." + names.get(i), in.get(first + i));
            return w.functionalCall(replaced, in.get(0));
        };
        if (secondOrder) GradCheck.checkSecondOrder(f, inputs);
        else GradCheck.check(f, inputs);
    }

    @Test
    void gradCheckTwoLayerBidirectionalLstm() {
        gradCheck(new LSTM(3, 2, RNNOptions.defaults().numLayers(2).bidirectional(true).generator(new Generator(1))),
                new int[] {3, 2, 3}, false);
    }

    @Test
    void gradCheckTwoLayerBidirectionalGru() {
        gradCheck(new GRU(3, 2, RNNOptions.defaults().numLayers(2).bidirectional(true).generator(new Generator(2))),
                new int[] {3, 2, 3}, false);
    }

    @Test
    void gradCheckRnnTanhAndReluBatchFirst() {
        var o = RNNOptions.defaults().numLayers(2).bidirectional(true).batchFirst(true).generator(new Generator(3));
        gradCheck(new RNN(3, 3, "tanh", o), new int[] {2, 4, 3}, false);
        gradCheck(new RNN(3, 3, "relu", o), new int[] {2, 4, 3}, false);
    }

    @Test
    void gradCheckWithoutBiases() {
        var o = RNNOptions.defaults().bias(false).bidirectional(true).generator(new Generator(4));
        gradCheck(new LSTM(2, 3, o), new int[] {3, 2, 2}, false);
        gradCheck(new GRU(2, 3, o), new int[] {3, 2, 2}, false);
    }

    @Test
    void secondDerivativesGoThroughTheReferenceScan() {
        gradCheck(new LSTM(2, 2, RNNOptions.defaults().generator(new Generator(5))), new int[] {2, 1, 2}, true);
        gradCheck(new GRU(2, 2, RNNOptions.defaults().bidirectional(true).generator(new Generator(6))), new int[] {2, 1, 2}, true);
    }

    @Test
    void cellsTakeBatchedAndUnbatchedInput() {
        var cell = new LSTMCell(3, 4, true, new Generator(1));
        Tensor x = Tensor.randn(new Generator(2), 2, 3), h = Tensor.randn(new Generator(3), 2, 4), c = Tensor.randn(new Generator(4), 2, 4);
        LSTMState batched = cell.call(x, h, c);
        assertArrayEquals(new int[] {2, 4}, batched.h().shape());
        assertArrayEquals(new int[] {2, 4}, batched.c().shape());
        LSTMState one = cell.call(x.select(0, 1), h.select(0, 1), c.select(0, 1));
        assertArrayEquals(new int[] {4}, one.h().shape());
        assertClose(batched.h().select(0, 1), one.h(), 1e-6, "row 1 of the batch");
        assertArrayEquals(new int[] {4}, new GRUCell(3, 4).call(x.select(0, 0), null).shape());
        assertArrayEquals(new int[] {2, 4}, new RNNCell(3, 4).call(x).shape());
    }

    @Test
    void layersPassTheLayerContract() {
        LayerContract.check(() -> new LSTM(3, 4, RNNOptions.defaults().generator(new Generator(1))),
                new int[] {4, 2, 3}, new int[] {4, 2, 4}, 4 * 4 * (3 + 4 + 2));
        LayerContract.check(() -> new GRU(3, 2, RNNOptions.defaults().batchFirst(true).bidirectional(true).generator(new Generator(1))),
                new int[] {2, 4, 3}, new int[] {2, 4, 4}, 2 * 3 * 2 * (3 + 2 + 2));
    }

    /** The scan's hand-written backward against autograd through the step-by-step reference, in float64. */
    @Test
    void scanMatchesTheStepByStepReference() {
        for (Recurrent.Mode mode : Recurrent.Mode.values()) {
            for (boolean reverse : new boolean[] {false, true}) {
                for (boolean bias : new boolean[] {false, true}) {
                    int steps = 4, batch = 3, hid = 5, width = mode.gates * hid;
                    Generator g = new Generator(mode.ordinal() * 4 + (reverse ? 2 : 0) + (bias ? 1 : 0));
                    List<Tensor> in = new ArrayList<>(List.of(Tensor.randn(g, steps, batch, width), Tensor.randn(g, batch, hid),
                            Tensor.randn(g, batch, hid), Tensor.randn(g, width, hid).mul(0.5), Tensor.randn(g, width),
                            Tensor.randn(g, width)));
                    in.replaceAll(t -> t.to(DType.FLOAT64).requiresGrad(true));
                    Tensor c0 = mode == Recurrent.Mode.LSTM ? in.get(2) : null;
                    Tensor bih = bias ? in.get(4) : null, bhh = bias ? in.get(5) : null;
                    Tensor fast = RecurrentScan.run(mode, reverse, in.get(0), in.get(1), c0, in.get(3), bih, bhh);
                    Tensor ref = Recurrent.referenceScan(mode, reverse, in.get(0), in.get(1), c0, in.get(3), bih, bhh);
                    String what = mode + (reverse ? " reverse" : "") + (bias ? " with biases" : "");
                    assertClose(ref, fast, 1e-13, what + ": packed output");
                    Tensor gOut = Tensor.randn(g, fast.shape()).to(DType.FLOAT64);
                    List<Tensor> wrt = new ArrayList<>(List.of(in.get(0), in.get(1), in.get(3)));
                    if (c0 != null) wrt.add(c0);
                    if (bias) wrt.addAll(List.of(bih, bhh));
                    List<Tensor> gf = Autograd.grad(List.of(fast), wrt, List.of(gOut), false, false);
                    List<Tensor> gr = Autograd.grad(List.of(ref), wrt, List.of(gOut), false, false);
                    for (int i = 0; i < wrt.size(); i++) assertClose(gr.get(i), gf.get(i), 1e-12, what + ": gradient " + i);
                }
            }
        }
    }

    /** The cell's passes write into a given row of a larger tensor exactly what they would allocate. */
    @Test
    void lstmCellWritesIntoAGivenDestination() {
        Generator g = new Generator(11);
        Tensor gates = Tensor.randn(g, 3, 20), c = Tensor.randn(g, 3, 5), seq = Tensor.zeros(2, 3, 5);
        Tensor[] fresh = dev.kona.ops.RecurrentOps.lstmCell(gates, c);
        Tensor[] into = dev.kona.ops.RecurrentOps.lstmCell(gates, c, seq.select(0, 1));
        assertArrayEquals(fresh[0].toDoubleArray(), seq.select(0, 1).toDoubleArray());
        assertArrayEquals(new double[15], seq.select(0, 0).toDoubleArray());
        assertArrayEquals(fresh[0].toDoubleArray(), into[0].toDoubleArray());
        Tensor dh = Tensor.randn(g, 3, 5), dc = Tensor.randn(g, 3, 5), dseq = Tensor.zeros(2, 3, 20);
        Tensor[] back = dev.kona.ops.RecurrentOps.lstmCellBackward(fresh[2], fresh[3], c, dh, dc);
        Tensor[] backInto = dev.kona.ops.RecurrentOps.lstmCellBackward(fresh[2], fresh[3], c, dh, dc, dseq.select(0, 0));
        assertArrayEquals(back[0].toDoubleArray(), dseq.select(0, 0).toDoubleArray());
        assertArrayEquals(back[1].toDoubleArray(), backInto[1].toDoubleArray());
        assertArrayEquals(new double[60], dseq.select(0, 1).toDoubleArray());
    }

    private static void assertClose(Tensor expected, Tensor actual, double tol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            assertTrue(Math.abs(e[i] - a[i]) <= tol * (1 + Math.abs(e[i])), what + ": element " + i + " is " + a[i]
                    + ", expected " + e[i]);
        }
    }

    @Test
    void frozenRecurrentWeightsGetNoGradient() {
        var lstm = new LSTM(3, 4, RNNOptions.defaults().generator(new Generator(1)));
        lstm.weightHh(0, 0).requiresGrad(false);
        lstm.biasHh(0, 0).requiresGrad(false);
        lstm.call(Tensor.randn(new Generator(2), 5, 2, 3)).sum().backward();
        assertNull(lstm.weightHh(0, 0).grad());
        assertNull(lstm.biasHh(0, 0).grad());
        assertNotNull(lstm.weightIh(0, 0).grad());
        assertNotNull(lstm.biasIh(0, 0).grad());
    }

    @Test
    void aTrainingStepInsideAMemoryScope() {
        var gru = new GRU(3, 4, RNNOptions.defaults().numLayers(2).generator(new Generator(1)));
        Tensor x = Tensor.randn(new Generator(2), 6, 2, 3);
        Tensor expected;
        gru.call(x).square().mean().backward();
        expected = gru.weightHh(1, 0).grad().copy();
        gru.zeroGrad();
        try (var scope = MemoryScope.open()) {
            RNNOutput r = gru.call(x, null);
            r.output().square().mean().backward();
        }
        TensorAssert.assertBitEqual(expected, gru.weightHh(1, 0).grad(), "the gradient outlives the step's scope");
    }

    // ---------------------------------------------------------------- errors

    @Test
    void errorsNameTheLayerTheShapesAndTheExpectation() {
        var lstm = new LSTM(10, 20);
        var e = assertThrows(IllegalArgumentException.class, () -> lstm.call(Tensor.zeros(4, 7, 12)));
        assertEquals("LSTM: expected input [T, B, 10] (batchFirst false) or unbatched [T, 10], non-empty, got [4, 7, 12]",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new GRU(10, 20, RNNOptions.defaults().batchFirst(true))
                .call(Tensor.zeros(3, 4, 5, 10)));
        assertTrue(e.getMessage().startsWith("GRU: expected input [B, T, 10] (batchFirst true)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> lstm.call(Tensor.zeros(4, 7, 10), Tensor.zeros(2, 7, 20), null));
        assertEquals("LSTM: expected h0 [1, 7, 20] ([layers*directions, B, H] for input [4, 7, 10]), got [2, 7, 20]",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> lstm.call(Tensor.zeros(4, 7, 10), null, Tensor.zeros(1, 7, 2)));
        assertTrue(e.getMessage().startsWith("LSTM: expected c0 [1, 7, 20]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> lstm.call(Tensor.zeros(new int[] {4, 7, 10}, DType.FLOAT64)));
        assertTrue(e.getMessage().contains("LSTM: input is float64 but the parameters are float32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RNN(3, 4, "sigmoid", RNNOptions.defaults()));
        assertEquals("RNN: nonlinearity must be \"tanh\" or \"relu\", got \"sigmoid\"", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RNNOptions.defaults().numLayers(0));
        assertEquals("RNNOptions: numLayers must be >= 1, got 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RNNOptions.defaults().dropout(1));
        assertEquals("RNNOptions: dropout must be in [0, 1), got 1.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new LSTM(0, 4));
        assertEquals("LSTM: expected positive sizes, got input_size=0, hidden_size=4", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new LSTMCell(3, 4).call(Tensor.zeros(2, 5), null, null));
        assertEquals("LSTMCell: expected input [B, 3] or unbatched [3], got [2, 5]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new GRUCell(3, 4).call(Tensor.zeros(2, 3), Tensor.zeros(3, 4)));
        assertEquals("GRUCell: expected h [2, 4] for input [2, 3], got [3, 4]", e.getMessage());
        var moved = new GRU(3, 4);
        moved.to(TestDevice.DEVICE);
        e = assertThrows(IllegalArgumentException.class, () -> moved.call(Tensor.zeros(5, 2, 3)));
        assertEquals("GRU: input is on cpu but the parameters are on testdev:0 (move the input with x.to(module.device()))",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> moved.call(Tensor.zeros(5, 2, 3).to(TestDevice.DEVICE),
                Tensor.zeros(1, 2, 4)));
        assertEquals("GRU: h0 is on cpu but the input is on testdev:0", e.getMessage());
    }
}
