package dev.kona.data;

import dev.kona.Tensor;
import java.util.ArrayList;
import java.util.List;

/** How elements become a batch: the default collate function of {@link Dataset#batch} and {@link DataLoader}. */
public final class Collate {
    private Collate() {}

    /**
     * Stacks elements along a new dimension 0, as PyTorch's {@code default_collate}:
     * <ul>
     *   <li>{@link Tensor}s of shape {@code s} give one tensor {@code [n, s...]};</li>
     *   <li>{@link Example}s give {@code Example(stack(x's), stack(y's))};</li>
     *   <li>{@code List<Tensor>}s of equal length give the list of stacks, position by position.</li>
     * </ul>
     * Elements must have equal shapes (resize images first); other element types need a collate
     * function of your own ({@link Dataset#batch(int, boolean, java.util.function.Function)}).
     *
     * <pre>{@code
     * Example batch = Collate.stack(List.of(ds.get(0), ds.get(1)));   // x: [2, ...], y: [2]
     * }</pre>
     */
    @SuppressWarnings("unchecked")
    public static <T> T stack(List<T> elements) {
        if (elements.isEmpty()) throw new IllegalArgumentException("Collate.stack: no elements to stack");
        Object first = elements.get(0);
        return (T) switch (first) {
            case Tensor _ -> tensors(elements, "");
            case Example _ -> {
                List<Tensor> xs = new ArrayList<>(elements.size()), ys = new ArrayList<>(elements.size());
                for (Object o : elements) {
                    Example ex = cast(o, Example.class, first);
                    xs.add(ex.x());
                    ys.add(ex.y());
                }
                yield new Example(tensors(xs, " (x)"), tensors(ys, " (y)"));
            }
            case List<?> l -> {
                int k = l.size();
                List<Tensor> out = new ArrayList<>(k);
                for (int j = 0; j < k; j++) {
                    List<Tensor> column = new ArrayList<>(elements.size());
                    for (Object o : elements) {
                        List<?> row = cast(o, List.class, first);
                        if (row.size() != k) {
                            throw new IllegalArgumentException("Collate.stack: list elements differ in length: "
                                    + k + " and " + row.size());
                        }
                        column.add(cast(row.get(j), Tensor.class, row.get(j)));
                    }
                    out.add(tensors(column, " (position " + j + ")"));
                }
                yield List.copyOf(out);
            }
            default -> throw new IllegalArgumentException("Collate.stack: cannot stack elements of type "
                    + first.getClass().getName() + "; pass a collate function to batch(size, dropRemainder, collate)");
        };
    }

    private static Tensor tensors(List<?> items, String what) {
        List<Tensor> ts = new ArrayList<>(items.size());
        for (Object o : items) ts.add(cast(o, Tensor.class, items.get(0)));
        try {
            return Tensor.stack(ts);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Collate.stack: cannot batch " + ts.size() + " elements" + what + ": "
                    + e.getMessage(), e);
        }
    }

    private static <C> C cast(Object o, Class<C> type, Object first) {
        if (!type.isInstance(o)) {
            throw new IllegalArgumentException("Collate.stack: elements mix types: "
                    + (first == null ? "null" : first.getClass().getSimpleName()) + " and "
                    + (o == null ? "null" : o.getClass().getSimpleName()));
        }
        return type.cast(o);
    }
}
