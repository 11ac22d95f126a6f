package dev.kona.train;

import dev.kona.Tensor;
import dev.kona.nn.F;
import java.util.Map;

/**
 * Keras's {@code Dropout}: while training, zeroes each input with probability {@code rate} and
 * scales the rest by {@code 1 / (1 - rate)}; at inference, passes the input through. Any shape.
 * Masks come from the global generator, so {@code Kona.manualSeed} makes training reproducible.
 *
 * <pre>{@code
 * var model = new Sequential(new Input(784), new Dense(128, "relu"), new Dropout(0.2), new Dense(10));
 * }</pre>
 */
public final class Dropout extends Layer {
    private final double rate;

    /** @param rate the fraction of inputs to drop, in [0, 1) */
    public Dropout(double rate) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("Dropout: rate must be in [0, 1), got " + rate);
        }
        this.rate = rate;
    }

    public double rate() {
        return rate;
    }

    @Override
    protected int[] computeOutputShape(int[] inputShape) {
        return inputShape;
    }

    @Override
    protected Tensor call(Tensor inputs, boolean training) {
        return training && rate > 0 ? F.dropout(inputs, rate, true, null) : inputs;
    }

    @Override
    public Map<String, Object> getConfig() {
        var c = super.getConfig();
        c.put("rate", rate);
        return c;
    }

    @Override
    protected String extraRepr() {
        return "rate=" + rate;
    }
}
