package dev.kona.optim;

import dev.kona.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An optimizer's state for one parameter: the number of updates so far, named buffers shaped like
 * the parameter ({@code expAvg}, {@code momentumBuffer}...) and named scalars ({@code muProduct}).
 *
 * <pre>{@code
 * Tensor m = adam.state(w).buffer("expAvg");   // Adam's first moment of w
 * long t = adam.state(w).step();
 * }</pre>
 */
public final class ParamState {
    private long step;
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Double> scalars = new LinkedHashMap<>();

    /** The number of updates applied (0 before the first). */
    public long step() {
        return step;
    }

    public void setStep(long step) {
        this.step = step;
    }

    /** A buffer, or null when this state has none of that name. */
    public Tensor buffer(String name) {
        return buffers.get(name);
    }

    public void setBuffer(String name, Tensor value) {
        buffers.put(name, value);
    }

    /** A scalar, or {@code orElse} when this state has none of that name. */
    public double scalar(String name, double orElse) {
        return scalars.getOrDefault(name, orElse);
    }

    public void setScalar(String name, double value) {
        scalars.put(name, value);
    }

    public Map<String, Tensor> buffers() {
        return Collections.unmodifiableMap(buffers);
    }

    public Map<String, Double> scalars() {
        return Collections.unmodifiableMap(scalars);
    }

    /** True before the optimizer touched the parameter. */
    public boolean isEmpty() {
        return step == 0 && buffers.isEmpty() && scalars.isEmpty();
    }
}
