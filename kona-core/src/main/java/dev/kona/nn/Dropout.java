package dev.kona.nn;

import dev.kona.Generator;
import dev.kona.Tensor;

/**
 * Inverted dropout: in training mode, zeroes each element with probability {@code p} and scales
 * the others by {@code 1 / (1 - p)}; in evaluation mode, returns its input. Any shape in, the same
 * shape out.
 *
 * <pre>{@code
 * var drop = new Dropout(0.5);
 * drop.call(x);          // training: about half the elements zeroed, the rest doubled
 * drop.eval().call(x);   // x itself
 * }</pre>
 *
 * <p>The masks come from the generator given, or else from {@link Generator#global()} at each
 * call, so that {@code Kona.manualSeed} makes a run reproducible.
 */
public final class Dropout extends Module {
    private final double p;
    private final Generator generator;

    /** With p = 0.5. */
    public Dropout() {
        this(0.5);
    }

    /** @param p the probability of zeroing an element, in [0, 1) */
    public Dropout(double p) {
        this(p, null);
    }

    /** @param generator the source of the masks (null: the global generator) */
    public Dropout(double p, Generator generator) {
        F.checkDropoutP("Dropout", p);
        this.p = p;
        this.generator = generator;
    }

    public double p() {
        return p;
    }

    @Override
    public Tensor forward(Tensor input) {
        return F.dropout(input, p, isTraining(), generator);
    }

    @Override
    protected String extraRepr() {
        return "p=" + p;
    }
}
