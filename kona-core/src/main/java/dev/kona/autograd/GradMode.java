package dev.kona.autograd;

/**
 * Whether ops record the graph for backward, per thread.
 *
 * <pre>{@code
 * try (var g = GradMode.noGrad()) {
 *     w.subInPlace(w.grad().mul(lr));   // not recorded
 * }
 * }</pre>
 */
public final class GradMode implements AutoCloseable {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private final boolean previous;

    private GradMode(boolean enabled) {
        boolean[] e = ENABLED.get();
        previous = e[0];
        e[0] = enabled;
    }

    /** True when ops on tensors that require grad are recorded. */
    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /** Stops recording until the returned scope closes. */
    public static GradMode noGrad() {
        return new GradMode(false);
    }

    /** Records again (inside a {@link #noGrad} block) until the returned scope closes. */
    public static GradMode enableGrad() {
        return new GradMode(true);
    }

    /** Restores the mode that was in force when this scope opened. */
    @Override
    public void close() {
        ENABLED.get()[0] = previous;
    }
}
