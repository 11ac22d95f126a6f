package dev.kona.data;

import java.lang.ref.Cleaner;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Daemon threads for the pipeline, and the cleaner that stops them when an iterator is abandoned. */
final class Threads {
    private Threads() {}

    // Declared before CLEANER, whose thread factory uses it during class initialisation.
    private static final AtomicInteger COUNTER = new AtomicInteger();

    /** Runs an iterator's stop action once the iterator becomes unreachable (or when closed, via the cleanable). */
    static final Cleaner CLEANER = Cleaner.create(daemonFactory("kona-data-cleaner"));

    /** A factory of daemon threads named {@code prefix-N}: they never keep the JVM alive. */
    static ThreadFactory daemonFactory(String prefix) {
        return r -> Thread.ofPlatform().daemon().name(prefix + "-" + COUNTER.incrementAndGet()).unstarted(r);
    }
}
