package dev.kona.nn;

import dev.kona.DType;
import dev.kona.Generator;
import dev.kona.Kona;
import dev.kona.Tensor;
import dev.kona.autograd.Autograd;
import dev.kona.testing.Nd;
import dev.kona.testing.OpInfo;
import dev.kona.testing.TensorAssert;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Properties of the layer-norm, softmax-gradient and dropout primitives the op database's small samples do not
 * reach: many rows (several partial sums of the weight gradients), the fused gradient against the
 * composite one it replaces, and results bit-identical for 1, 2 and 4 threads.
 */
class FusedKernelsTest {
    private final int savedThreads = Kona.numThreads();

    @AfterEach
    void restoreThreads() {
        Kona.setNumThreads(savedThreads);
    }

    /** Output, then x, weight and bias gradients; {@code createGraph} takes the composite backward. */
    private static List<Tensor> layerNormStep(Tensor x0, Tensor w0, Tensor b0, boolean createGraph) {
        Tensor x = x0.detach().requiresGrad(true), w = w0.detach().requiresGrad(true), b = b0.detach().requiresGrad(true);
        Tensor y = F.layerNorm(x, new int[] {x0.size(-1)}, w, b, 1e-5);
        List<Tensor> g = Autograd.grad(List.of(y), List.of(x, w, b), List.of(y.sin().detach()), false, createGraph);
        return List.of(y.detach(), g.get(0).detach(), g.get(1).detach(), g.get(2).detach());
    }

    @Test
    void layerNormGradientsMatchTheCompositeFormula() {
        var g = new Generator(5);
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor x = Tensor.randn(g, 9, 23, 37).to(dt).mul(3).add(1), w = Tensor.randn(g, 37).to(dt), b = Tensor.randn(g, 37).to(dt);
            List<Tensor> fused = layerNormStep(x, w, b, false), composite = layerNormStep(x, w, b, true);
            double tol = dt == DType.FLOAT64 ? 1e-10 : 2e-4;
            for (int i = 0; i < fused.size(); i++) {
                TensorAssert.assertClose(fused.get(i), Nd.of(composite.get(i)), new OpInfo.Tol(tol, tol), dt + " result " + i);
            }
        }
    }

    /** Output and input gradient of softmax or log-softmax along dim 1 of a 3-d tensor (strided rows). */
    private static List<Tensor> softmaxStep(Tensor x0, boolean log, boolean createGraph) {
        Tensor x = x0.detach().requiresGrad(true);
        Tensor y = log ? x.logSoftmax(1) : x.softmax(1);
        List<Tensor> g = Autograd.grad(List.of(y), List.of(x), List.of(y.cos().detach()), false, createGraph);
        return List.of(y.detach(), g.get(0).detach());
    }

    @Test
    void softmaxGradientsMatchTheCompositeFormula() {
        var g = new Generator(7);
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor x = Tensor.randn(g, 6, 45, 7).to(dt).mul(2);
            double tol = dt == DType.FLOAT64 ? 1e-12 : 1e-5;
            for (boolean log : new boolean[] {false, true}) {
                List<Tensor> fused = softmaxStep(x, log, false), composite = softmaxStep(x, log, true);
                TensorAssert.assertClose(fused.get(1), Nd.of(composite.get(1)), new OpInfo.Tol(tol, tol), dt + " log=" + log);
            }
        }
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        var g = new Generator(6);
        Tensor x = Tensor.randn(g, 300, 256), w = Tensor.randn(g, 256), b = Tensor.randn(g, 256);
        TensorAssert.assertSameForAnyThreadCount("layerNorm", () -> layerNormStep(x, w, b, false));
        Tensor big = Tensor.randn(g, 5, 70001);
        TensorAssert.assertSameForAnyThreadCount("dropout", () -> {
            Tensor in = big.detach().requiresGrad(true);
            Tensor y = F.dropout(in, 0.3, true, new Generator(9));
            y.backward(y.cos());
            return List.of(y.detach(), in.grad());
        });
    }
}
