package dev.kona.nn;

import dev.kona.Tensor;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Splits dimension {@code dim} into {@code sizes} (one of them may be -1, inferred): the inverse
 * of {@link Flatten}.
 *
 * <pre>{@code
 * new Unflatten(1, 1, 28, 28).call(Tensor.zeros(32, 784)).shape();   // [32, 1, 28, 28]
 * }</pre>
 */
public final class Unflatten extends Module {
    private final int dim;
    private final int[] sizes;

    public Unflatten(int dim, int... sizes) {
        if (sizes == null || sizes.length == 0) {
            throw new IllegalArgumentException("Unflatten: expected at least one size for dimension " + dim);
        }
        this.dim = dim;
        this.sizes = sizes.clone();
    }

    @Override
    public Tensor forward(Tensor input) {
        return input.unflatten(dim, sizes);
    }

    @Override
    protected String extraRepr() {
        return "dim=" + dim + ", unflattened_size=("
                + Arrays.stream(sizes).mapToObj(Integer::toString).collect(Collectors.joining(", ")) + ")";
    }
}
