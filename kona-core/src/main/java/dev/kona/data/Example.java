package dev.kona.data;

import dev.kona.Tensor;
import java.util.Objects;

/**
 * One supervised example, or a batch of them: inputs {@code x} and targets {@code y}.
 *
 * <p>The same record carries a single element ({@code x: [28, 28]}, {@code y: []}), a batch made by
 * {@link Dataset#batch} ({@code x: [32, 28, 28]}, {@code y: [32]}) and a whole split returned by
 * {@link Mnist#load} ({@code x: [60000, 28, 28]}, {@code y: [60000]}).
 *
 * <pre>{@code
 * for (Example batch : Dataset.fromTensors(x, y).shuffle(1000, 42).batch(32, false)) {
 *     Tensor loss = model.forward(batch.x()).sub(batch.y()).square().mean();
 * }
 * }</pre>
 */
public record Example(Tensor x, Tensor y) {
    public Example {
        Objects.requireNonNull(x, "Example: x is null");
        Objects.requireNonNull(y, "Example: y is null");
    }
}
