package dev.kona.testing;

import dev.kona.Device;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A second device that runs in the test JVM: {@code Device.of("testdev")} (or {@code testdev:1},
 * any index). Its backend ({@link TestDeviceBackend}) keeps data in a storage class of its own
 * that wraps CPU storage and runs every op with the CPU kernels, so results are bit-identical to
 * the CPU's while any front-end path that assumes CPU storage, or mixes devices, fails loudly. It
 * counts ops and host transfers, so that tests can assert that a training step does not
 * round-trip through the host.
 *
 * <pre>{@code
 * var before = TestDevice.counts();
 * model.call(x.to(TestDevice.DEVICE));
 * var used = TestDevice.counts().minus(before);   // used.fromHost() == 1: the batch
 * }</pre>
 */
public final class TestDevice {
    private TestDevice() {}

    /** The device type the provider serves. */
    public static final String TYPE = "testdev";

    /** {@code testdev:0}. */
    public static final Device DEVICE = new Device(TYPE, 0);

    /** {@code testdev:1}, a second device of the same kind, for tests that mix devices. */
    public static final Device DEVICE_1 = new Device(TYPE, 1);

    private static final AtomicLong OPS = new AtomicLong();
    private static final AtomicLong FROM_HOST = new AtomicLong();
    private static final AtomicLong TO_HOST = new AtomicLong();
    private static final Map<String, AtomicLong> BY_OP = new ConcurrentHashMap<>();

    /**
     * What the test devices did: ops executed, copies from the host ({@code fromHost}) and to the
     * host ({@code toHost}), and ops by name.
     */
    public record Counts(long ops, long fromHost, long toHost, Map<String, Long> byOp) {
        /** The work done between {@code earlier} and this snapshot. */
        public Counts minus(Counts earlier) {
            Map<String, Long> d = new TreeMap<>();
            for (var e : byOp.entrySet()) {
                long n = e.getValue() - earlier.byOp.getOrDefault(e.getKey(), 0L);
                if (n != 0) d.put(e.getKey(), n);
            }
            return new Counts(ops - earlier.ops, fromHost - earlier.fromHost, toHost - earlier.toHost, d);
        }

        /** Host transfers in both directions. */
        public long transfers() {
            return fromHost + toHost;
        }
    }

    /** A snapshot of the counters (they only grow; subtract two snapshots with {@link Counts#minus}). */
    public static Counts counts() {
        Map<String, Long> m = new TreeMap<>();
        BY_OP.forEach((k, v) -> m.put(k, v.get()));
        return new Counts(OPS.get(), FROM_HOST.get(), TO_HOST.get(), m);
    }

    static void countOp(String name) {
        OPS.incrementAndGet();
        BY_OP.computeIfAbsent(name, k -> new AtomicLong()).incrementAndGet();
    }

    static void countFromHost() {
        FROM_HOST.incrementAndGet();
    }

    static void countToHost() {
        TO_HOST.incrementAndGet();
    }
}
