package dev.kona.examples;

import dev.kona.DType;
import dev.kona.Device;
import dev.kona.Generator;
import dev.kona.Kona;
import dev.kona.MemoryScope;
import dev.kona.Tensor;
import dev.kona.autograd.GradMode;
import dev.kona.nn.CrossEntropyLoss;
import dev.kona.nn.LSTM;
import dev.kona.nn.Linear;
import dev.kona.nn.Module;
import dev.kona.nn.RNNOptions;
import dev.kona.optim.Adam;

/**
 * An LSTM learns whether a sequence of digits sums to an even or an odd number, on data the
 * program draws itself: each sample is {@value #LENGTH} random digits 0..9, one-hot encoded. The
 * answer depends on every digit, so the network must carry a running parity through the whole
 * sequence; a model that sees a few digits, or has no memory, does no better than chance (50%).
 * Trained on the final answer alone, parity is notoriously slow to pick up (the loss stays flat
 * at chance for thousands of steps), so the model answers after every digit (the parity of the
 * sum so far) and learns from every step: the output sequence {@code [B, T, H]} goes through one
 * linear layer. It is scored on its answer after the last digit, and on sequences twice as long
 * as any it was trained on.
 *
 * <p>Run: {@code ./kona example lstm [steps] [--device cuda]}. The last line is the accuracy on
 * 4,000 sequences the model never saw.
 */
public final class LstmParity {
    private LstmParity() {}

    static final int LENGTH = 20, DIGITS = 10, HIDDEN = 64, BATCH = 64;

    /** An LSTM over the one-hot digits, then a linear layer on its state after each digit. */
    static final class ParityNet extends Module {
        private final LSTM lstm = registerModule("lstm", new LSTM(DIGITS, HIDDEN, RNNOptions.defaults().batchFirst(true)));
        private final Linear head = registerModule("head", new Linear(HIDDEN, 2));

        @Override
        public Tensor forward(Tensor x) {                    // x: [B, T, DIGITS] -> logits [B, T, 2]
            return head.call(lstm.call(x));                  // lstm.call(x): the output sequence [B, T, HIDDEN]
        }
    }

    /**
     * A batch of sequences: one-hot digits {@code [n, length, DIGITS]} and the parity of the sum
     * so far after each digit, {@code [n, length]}.
     */
    record Batch(Tensor x, Tensor y) {
        static Batch draw(Generator g, int n, int length, Device device) {
            Tensor digits = Tensor.randint(g, 0, DIGITS, n, length);
            long[] d = digits.toLongArray(), parity = new long[d.length];
            for (int i = 0; i < d.length; i++) {
                boolean first = i % length == 0;
                parity[i] = ((first ? 0 : parity[i - 1]) + d[i]) % 2;
            }
            return new Batch(digits.oneHot(DIGITS).to(DType.FLOAT32).to(device), Tensor.of(parity, n, length).to(device));
        }
    }

    public static void main(String[] args) {
        var cli = ExampleArgs.parse(args);
        int steps = cli.intArg(0, 600);
        Device device = cli.device();
        Kona.manualSeed(0);
        var data = new Generator(1);
        var model = new ParityNet().to(device);
        var lossFn = new CrossEntropyLoss();
        var optimizer = new Adam(model.parameters(), 3e-3);
        Batch test = Batch.draw(new Generator(2), 4000, LENGTH, device);
        Batch longer = Batch.draw(new Generator(3), 4000, 2 * LENGTH, device);

        long start = System.nanoTime();
        double lossSum = 0;
        for (int step = 1; step <= steps; step++) {
            try (var scope = MemoryScope.open()) {
                Batch b = Batch.draw(data, BATCH, LENGTH, device);
                optimizer.zeroGrad();
                Tensor loss = lossFn.apply(model.call(b.x()).reshape(-1, 2), b.y().reshape(-1));   // every step counts
                loss.backward();
                optimizer.step();
                lossSum += loss.item();
            }
            if (step % 100 == 0) {
                System.out.printf("step %d/%d - loss: %.4f - test accuracy: %.4f - %.1fs%n", step, steps, lossSum / 100,
                        accuracy(model, test), (System.nanoTime() - start) / 1e9);
                lossSum = 0;
            }
        }
        System.out.printf("accuracy on sequences of %d digits (never trained on): %.4f%n", 2 * LENGTH, accuracy(model, longer));
        System.out.printf("test accuracy: %.4f%n", accuracy(model, test));
    }

    /** The fraction of sequences whose parity the model gets right after their last digit. */
    static double accuracy(Module model, Batch test) {
        model.eval();
        int last = test.x().size(1) - 1;
        try (var noGrad = GradMode.noGrad(); var scope = MemoryScope.open()) {
            Tensor predicted = model.call(test.x()).select(1, last).argmax(1);
            return predicted.eq(test.y().select(1, last)).to(DType.FLOAT32).mean().item();
        } finally {
            model.train();
        }
    }
}
