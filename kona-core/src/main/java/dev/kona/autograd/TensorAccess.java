package dev.kona.autograd;

import dev.kona.Tensor;

/**
 * The engine's access to a tensor's autograd fields, which are not public API. {@link Tensor}
 * installs the implementation when it loads (the JDK's "shared secrets" pattern).
 */
public interface TensorAccess {
    void setGradFn(Tensor t, Node node);

    /**
     * Adds to a leaf's {@code grad} (running its hooks first). {@code pass} is what
     * {@link #beginPass} returned for the backward pass delivering it, or null.
     */
    void accumulate(Tensor leaf, Tensor grad, Object pass);

    /**
     * Called as a backward pass starts, before it allocates anything: a token that lets
     * {@link #accumulate} take over, instead of copying, a gradient this pass allocated and handed
     * to no one else. Null when the pass cannot tell (no {@link dev.kona.MemoryScope} open).
     */
    Object beginPass();

    /**
     * A leaf's gradient for an optimizer, clipping or a zeroing pass that keeps no reference to it:
     * unlike {@link Tensor#grad()} this does not mark it handed out, so clearing it later
     * ({@link Tensor#setGrad} with null) still returns its buffer to the pool.
     */
    Tensor gradForUpdate(Tensor leaf);

    /** Runs a leaf's hooks on a gradient that is returned rather than accumulated. */
    Tensor leafHooks(Tensor leaf, Tensor grad);

    /** Records that a module replaced this parameter (moved or converted it); {@code how} says by what. */
    void markReplaced(Tensor old, String how);

    /** What replaced this tensor as a module's parameter, or null. */
    String replacedBy(Tensor t);

    static void install(TensorAccess access) {
        Holder.access = access;
    }

    static TensorAccess get() {
        if (Holder.access == null) {
            try {
                Class.forName(Tensor.class.getName(), true, Tensor.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        return Holder.access;
    }

    final class Holder {
        private Holder() {}

        static volatile TensorAccess access;
    }
}
