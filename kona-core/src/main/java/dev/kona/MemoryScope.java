package dev.kona;

import dev.kona.backend.Storage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Deterministic release of the tensors created inside a block, for hot loops.
 *
 * <pre>{@code
 * for (int step = 0; step < steps; step++) {
 *     try (var scope = MemoryScope.open()) {
 *         Tensor loss = model.forward(x).sub(y).square().mean();
 *         lossValue = loss.item();
 *     }   // every tensor allocated in the block is released here; their buffers are reused
 * }
 * }</pre>
 *
 * <p>Scopes are optional: tensors created outside one are freed by the garbage collector as usual.
 * Inside a scope, the storage of every tensor the current thread creates is released when the
 * scope closes, and the CPU backend hands the freed buffers to the next allocations of the same
 * size, still warm in cache. A tensor that must outlive the scope is passed to {@link #keep}. Using
 * a released tensor fails with an {@link IllegalStateException} that says so; it never reads
 * recycled data. Scopes nest and are confined to the thread that opened them.
 */
public final class MemoryScope implements AutoCloseable {
    private static final ThreadLocal<ArrayDeque<MemoryScope>> OPEN = ThreadLocal.withInitial(ArrayDeque::new);

    private final List<Storage> owned = new ArrayList<>();
    private final boolean tracking;
    private final Set<Storage> kept = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Thread thread = Thread.currentThread();
    private boolean closed;

    private MemoryScope(boolean tracking) {
        this.tracking = tracking;
    }

    /** Opens a scope on the current thread. */
    public static MemoryScope open() {
        var scope = new MemoryScope(true);
        OPEN.get().push(scope);
        return scope;
    }

    /**
     * Opens a block whose allocations belong to no scope (the garbage collector frees them), even
     * when a scope is open around it: for state that outlives the step that creates it, such as
     * an optimizer's moments or a dataset cache.
     *
     * <pre>{@code
     * try (var outside = MemoryScope.outside()) { momentum = Tensor.zerosLike(param); }
     * }</pre>
     */
    public static MemoryScope outside() {
        var scope = new MemoryScope(false);
        OPEN.get().push(scope);
        return scope;
    }

    /**
     * Takes a tensor's storage away from every scope open on this thread, so that it lives until
     * the garbage collector frees it: for tensors that become long-lived after they were made,
     * such as a module's parameters built during a first forward inside a training step's scope.
     * Returns the tensor.
     */
    public static Tensor persist(Tensor t) {
        Storage s = t.storage();
        for (MemoryScope scope : OPEN.get()) scope.owned.remove(s);
        return t;
    }

    /** Called by the allocator for every new storage: the innermost open scope takes ownership. */
    public static void track(Storage storage) {
        var stack = OPEN.get();
        if (!stack.isEmpty() && stack.peek().tracking) stack.peek().owned.add(storage);
    }

    /** Where the innermost scope's list of storages stood at some point; see {@link #adopt}. */
    record Mark(MemoryScope scope, int index) {}

    /** The current end of the innermost tracking scope's storages, or null when none is open. */
    static Mark mark() {
        var stack = OPEN.get();
        MemoryScope top = stack.peek();
        return top == null || !top.tracking ? null : new Mark(top, top.owned.size());
    }

    /**
     * Takes {@code storage} away from the scope of {@code mark} (so the garbage collector, not
     * the scope, frees it) when that scope is still the innermost one and created the storage
     * after the mark; false, changing nothing, otherwise (including when taken once already).
     */
    static boolean adopt(Object mark, Storage storage) {
        if (!(mark instanceof Mark m) || m.scope.closed || m.scope.kept.contains(storage)) return false;
        var stack = OPEN.get();
        MemoryScope top = null;
        for (MemoryScope s : stack) {
            if (s.tracking) {
                top = s;
                break;
            }
        }
        if (top != m.scope) return false;
        List<Storage> owned = m.scope.owned;
        for (int i = owned.size() - 1; i >= m.index; i--) {
            if (owned.get(i) == storage) {
                owned.remove(i);
                return true;
            }
        }
        return false;
    }

    /**
     * Keeps a tensor (and its views) alive past this scope: its storage passes to the enclosing
     * scope, or to the garbage collector when there is none. Returns the tensor.
     */
    public Tensor keep(Tensor t) {
        checkOpen("keep");
        kept.add(t.storage());
        return t;
    }

    /** Number of storages this scope will release. */
    public int size() {
        return owned.size() - kept.size();
    }

    private void checkOpen(String op) {
        if (closed) throw new IllegalStateException("MemoryScope." + op + ": the scope is closed");
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("MemoryScope." + op + ": a scope belongs to the thread that opened it ("
                    + thread.getName() + "), called from " + Thread.currentThread().getName());
        }
    }

    /** Releases every storage created in the scope and not kept. */
    @Override
    public void close() {
        checkOpen("close");
        var stack = OPEN.get();
        if (stack.peek() != this) {
            throw new IllegalStateException("MemoryScope.close: scopes must close in the reverse order they opened");
        }
        closed = true;
        stack.pop();
        MemoryScope parent = stack.peek();
        for (Storage s : owned) {
            if (kept.contains(s)) {
                if (parent != null) parent.owned.add(s);
            } else {
                s.release();
            }
        }
        owned.clear();
    }
}
