package dev.kona;

/**
 * One position of a NumPy-style index for {@link Tensor#index}: an integer, a slice, all of a
 * dimension, a new axis, an ellipsis, or a tensor (bool mask or integer indices).
 *
 * <pre>{@code
 * x.index(Index.at(0), Index.slice(1, 3), Index.all())   // x[0, 1:3, :]
 * x.index(Index.ellipsis(), Index.at(-1))                // x[..., -1]
 * x.index(Index.tensor(x.gt(0)))                         // x[x > 0]
 * }</pre>
 */
public sealed interface Index {
    /** One position; removes the dimension. */
    record At(int index) implements Index {}

    /** {@code start:end:step}; a null start or end means the dimension's edge. */
    record Slice(Integer start, Integer end, int step) implements Index {}

    /** A new size-1 dimension ({@code None} in NumPy). */
    record NewAxis() implements Index {}

    /** As many full slices as needed to index every remaining dimension. */
    record Ellipsis() implements Index {}

    /** A bool mask (selects where true) or an integer tensor (picks positions). */
    record Take(Tensor indices) implements Index {}

    static Index at(int index) {
        return new At(index);
    }

    static Index slice(int start, int end) {
        return new Slice(start, end, 1);
    }

    static Index slice(Integer start, Integer end, int step) {
        return new Slice(start, end, step);
    }

    /** {@code start:} to the end of the dimension. */
    static Index from(int start) {
        return new Slice(start, null, 1);
    }

    /** {@code :end}. */
    static Index to(int end) {
        return new Slice(null, end, 1);
    }

    static Index all() {
        return new Slice(null, null, 1);
    }

    static Index newAxis() {
        return new NewAxis();
    }

    static Index ellipsis() {
        return new Ellipsis();
    }

    static Index tensor(Tensor indices) {
        return new Take(indices);
    }
}
