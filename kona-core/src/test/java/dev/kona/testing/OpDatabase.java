package dev.kona.testing;

import dev.kona.Generator;
import dev.kona.ops.Op;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The op database: one {@link OpInfo} per public op, grouped by family in {@link UnaryOps},
 * {@link BinaryOps}, {@link ReductionOps}, {@link LinAlgOps}, {@link IndexingOps}, {@link ViewOps},
 * {@link WindowOps} (sliding windows and pooling) and {@link ConvolutionOps}. The generic suites
 * in {@code dev.kona.OpDatabaseTest} run every entry.
 *
 * <p>To add an op: add an entry in its family's {@code all()} with samples, a float64 reference
 * written over plain arrays, the primitives it runs ({@code exercises}) and its error cases.
 */
public final class OpDatabase {
    private OpDatabase() {}

    private static final List<OpInfo> ALL = build();

    private static List<OpInfo> build() {
        List<OpInfo> all = new ArrayList<>();
        all.addAll(UnaryOps.all());
        all.addAll(BinaryOps.all());
        all.addAll(ReductionOps.all());
        all.addAll(LinAlgOps.all());
        all.addAll(IndexingOps.all());
        all.addAll(ViewOps.all());
        all.addAll(OptimizerStepOps.all());
        all.addAll(RandomOps.all());
        all.addAll(WindowOps.all());
        all.addAll(ConvolutionOps.all());
        all.addAll(NnOps.all());
        all.addAll(RecurrentCellOps.all());
        Set<String> names = new LinkedHashSet<>();
        for (OpInfo op : all) {
            if (!names.add(op.name())) throw new IllegalStateException("OpDatabase: two entries named " + op.name());
        }
        return Collections.unmodifiableList(all);
    }

    public static List<OpInfo> all() {
        return ALL;
    }

    public static OpInfo get(String name) {
        return ALL.stream().filter(o -> o.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("OpDatabase: no entry " + name));
    }

    /** A generator seeded from the entry name, so every run sees the same samples. */
    public static Generator generator(OpInfo op) {
        return new Generator(0x5EED_0000L + op.name().hashCode());
    }

    /** The explicit map from entry names to the primitives and kinds they exercise. */
    public static Map<String, Set<String>> exercised() {
        Map<String, Set<String>> m = new LinkedHashMap<>();
        for (OpInfo op : ALL) m.put(op.name(), op.exercises());
        return m;
    }

    /**
     * Every primitive of the sealed op set, as the keys entries use: {@code "Unary.EXP"} for each
     * unary kind, {@code "Binary.ADD"} for each binary kind, {@code "Reduce.SUM"} for each
     * reduction kind, and the simple class name for every other record ({@code "MatMul"}).
     */
    public static Set<String> primitiveKeys() {
        Set<String> keys = new LinkedHashSet<>();
        for (Class<?> c : Op.class.getPermittedSubclasses()) {
            if (c == Op.Unary.class) {
                for (Op.UnaryKind k : Op.UnaryKind.values()) keys.add("Unary." + k.name());
            } else if (c == Op.Binary.class) {
                for (Op.BinaryKind k : Op.BinaryKind.values()) keys.add("Binary." + k.name());
            } else if (c == Op.Reduce.class) {
                for (Op.ReduceKind k : Op.ReduceKind.values()) keys.add("Reduce." + k.name());
            } else {
                keys.add(c.getSimpleName());
            }
        }
        return keys;
    }
}
