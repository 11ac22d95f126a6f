package dev.kona.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.Tensor;
import dev.kona.nn.Linear;
import dev.kona.nn.MSELoss;
import dev.kona.optim.SGD;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import org.junit.jupiter.api.Test;

class ExamplesTest {

    private static String run(String example) {
        PrintStream old = System.out;
        var buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            Main.EXAMPLES.get(example).accept(new String[0]);
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    private static String lastLine(String out) {
        String[] lines = out.strip().split("\n");
        return lines[lines.length - 1];
    }

    @Test
    void linregTorchPrintsAPredictionNearEight() {
        String last = lastLine(run("linreg-torch"));
        assertTrue(last.matches("prediction: 7\\.9\\d{3}"), last);
    }

    /**
     * The same program from the same initial weights as PyTorch (w = 0.5, b = -0.3) ends at
     * PyTorch's prediction, 7.9312543869018555 (torch 2.13, from tools/golden_linreg.py).
     */
    @Test
    void linregMatchesPyTorchForTheSameInitialWeights() {
        var model = new Linear(1, 1);
        var weights = new LinkedHashMap<String, Tensor>();
        weights.put("weight", Tensor.of(new float[][] {{0.5f}}));
        weights.put("bias", Tensor.of(-0.3f));
        model.loadStateDict(weights);
        var criterion = new MSELoss();
        var optimizer = new SGD(model.parameters(), 0.01);
        Tensor x = Tensor.of(new float[][] {{1}, {2}, {3}});
        Tensor y = Tensor.of(new float[][] {{2}, {4}, {6}});
        for (int epoch = 0; epoch < 500; epoch++) {
            optimizer.zeroGrad();
            criterion.apply(model.call(x), y).backward();
            optimizer.step();
        }
        double prediction = model.call(Tensor.of(new float[][] {{4}})).item();
        assertEquals(7.9312543869018555, prediction, 1e-5);
    }

    @Test
    void examplesAreRegistered() {
        assertTrue(Main.EXAMPLES.keySet().containsAll(java.util.List.of("tensors", "linreg-torch", "mnist-torch")));
    }

    @Test
    void tensorTourRuns() {
        assertTrue(run("tensors").contains("softmax([1000, 1001, 1002]) = tensor([0.0900, 0.2447, 0.6652])"));
    }
}
