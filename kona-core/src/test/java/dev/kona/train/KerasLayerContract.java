package dev.kona.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.Generator;
import dev.kona.Kona;
import dev.kona.Tensor;
import dev.kona.autograd.GradMode;
import dev.kona.io.Safetensors;
import dev.kona.testing.TensorAssert;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * One call that checks a Keras layer's contract (Keras's {@code run_layer_test}):
 * <ol>
 *   <li>the output shape of a call, and the symbolic output shape (batch None) agree with the expected;</li>
 *   <li>the parameter count once built;</li>
 *   <li>weights saved to a safetensors file load into a fresh layer that then computes bit for bit the same;</li>
 *   <li>one SGD step on {@code mean(y²)} lowers it (a layer without weights passes a gradient to its input).</li>
 * </ol>
 */
final class KerasLayerContract {
    private KerasLayerContract() {}

    static void check(Supplier<? extends Layer> factory, int[] inputShape, int[] outputShape, long params, Path dir) {
        checkMany(factory, List.of(inputShape), outputShape, params, dir);
    }

    /** The same for layers taking several inputs (merge layers). */
    static void checkMany(Supplier<? extends Layer> factory, List<int[]> inputShapes, int[] outputShape, long params, Path dir) {
        Kona.manualSeed(11);
        var g = new Generator(3);
        List<Tensor> xs = inputShapes.stream().map(s -> Tensor.randn(g, s)).toList();
        Layer layer = factory.get();
        String who = layer.getClass().getSimpleName();

        Tensor y = run(layer, xs);
        assertArrayEquals(outputShape, y.shape(), who + ": output shape");
        int[] symbolic = outputShape.clone();
        symbolic[0] = -1;
        assertArrayEquals(symbolic, layer.outputShape(), who + ": symbolic output shape");
        List<KerasTensor> ins = inputShapes.stream().map(s -> Input.of(java.util.Arrays.copyOfRange(s, 1, s.length))).toList();
        assertArrayEquals(symbolic, factory.get().apply(ins).shape(), who + ": shape of a symbolic call");
        assertEquals(params, layer.countParams(), who + ": parameter count");

        // Weights through a safetensors file into a fresh layer.
        layer.eval();
        Path file = dir.resolve(who + ".safetensors");
        Safetensors.save(file, layer.stateDict());
        Layer fresh = factory.get();
        run(fresh, xs);
        fresh.eval();
        fresh.loadStateDict(Safetensors.load(file));
        TensorAssert.assertBitEqual(run(layer, xs), run(fresh, xs), who + ": output after a weights round trip");

        // A training step.
        List<Tensor> weights = layer.trainableWeights();
        if (weights.isEmpty()) {
            List<Tensor> leaves = xs.stream().map(x -> x.detach().copy().requiresGrad(true)).toList();
            run(layer, leaves).square().mean().backward();
            for (Tensor l : leaves) assertNotNull(l.grad(), who + ": no gradient reached the input");
            return;
        }
        Tensor loss0 = run(layer, xs).square().mean();
        loss0.backward();
        try (var noGrad = GradMode.noGrad()) {
            for (Tensor w : weights) {
                assertNotNull(w.grad(), who + ": a weight got no gradient");
                w.subInPlace(w.grad().mul(0.1));
            }
        }
        layer.zeroGrad();
        double after;
        try (var noGrad = GradMode.noGrad()) {
            after = run(layer, xs).square().mean().item();
        }
        assertTrue(after < loss0.item(), who + ": one SGD step did not lower mean(y^2): " + loss0.item() + " -> " + after);
    }

    private static Tensor run(Layer layer, List<Tensor> xs) {
        return xs.size() == 1 ? layer.call(xs.getFirst()) : layer.call(xs);
    }
}
