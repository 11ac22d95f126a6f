package dev.kona.data;

import dev.kona.Device;
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
 *
 * <p>On an accelerator, move each batch where the model is: {@code batch.to(model.device())}.
 */
public record Example(Tensor x, Tensor y) {
    public Example {
        Objects.requireNonNull(x, "Example: x is null");
        Objects.requireNonNull(y, "Example: y is null");
    }

    /** The same example with {@code x} and {@code y} on {@code device} (this one when they are there already). */
    public Example to(Device device) {
        Tensor dx = x.to(device), dy = y.to(device);
        return dx == x && dy == y ? this : new Example(dx, dy);
    }
}
