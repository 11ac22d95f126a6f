package dev.kona;

/**
 * Element types of a tensor.
 *
 * <p>{@code BFLOAT16} and {@code FLOAT16} are storage types: they hold values compactly and convert
 * to and from the other types; arithmetic on them runs in float32 and rounds the result back.
 */
public enum DType {
    BOOL("bool", 1, Category.BOOL),
    INT32("int32", 4, Category.INTEGER),
    INT64("int64", 8, Category.INTEGER),
    FLOAT16("float16", 2, Category.FLOATING),
    BFLOAT16("bfloat16", 2, Category.FLOATING),
    FLOAT32("float32", 4, Category.FLOATING),
    FLOAT64("float64", 8, Category.FLOATING);

    /** Kinds of values, ordered as PyTorch's type promotion orders them. */
    public enum Category { BOOL, INTEGER, FLOATING }

    private final String displayName;
    private final int byteSize;
    private final Category category;

    DType(String displayName, int byteSize, Category category) {
        this.displayName = displayName;
        this.byteSize = byteSize;
        this.category = category;
    }

    /** The default floating type, as {@code torch.get_default_dtype()}. */
    public static final DType DEFAULT_FLOAT = FLOAT32;

    public int byteSize() {
        return byteSize;
    }

    public Category category() {
        return category;
    }

    public boolean isFloatingPoint() {
        return category == Category.FLOATING;
    }

    public boolean isInteger() {
        return category == Category.INTEGER;
    }

    /** True for the 16-bit storage types whose arithmetic runs in float32. */
    public boolean isHalf() {
        return this == FLOAT16 || this == BFLOAT16;
    }

    /** The name used in messages and printing, e.g. {@code float32}. */
    public String displayName() {
        return displayName;
    }

    @Override
    public String toString() {
        return displayName;
    }

    /** Parses a dtype name such as {@code "float32"}, {@code "int64"} or {@code "bool"}. */
    public static DType of(String name) {
        for (DType d : values()) {
            if (d.displayName.equals(name)) return d;
        }
        return switch (name) {
            case "float", "f32" -> FLOAT32;
            case "double", "f64" -> FLOAT64;
            case "int", "i32" -> INT32;
            case "long", "i64" -> INT64;
            case "half", "f16" -> FLOAT16;
            case "bf16" -> BFLOAT16;
            default -> throw new IllegalArgumentException("DType.of: unknown dtype '" + name
                    + "', expected one of bool, int32, int64, float16, bfloat16, float32, float64");
        };
    }

    /**
     * The smallest type both operands convert to without losing their kind, as
     * {@code torch.promote_types}: bool &lt; int32 &lt; int64 &lt; float16/bfloat16 &lt; float32 &lt; float64,
     * and float16 with bfloat16 gives float32.
     */
    public static DType promote(DType a, DType b) {
        if (a == b) return a;
        if ((a == FLOAT16 && b == BFLOAT16) || (a == BFLOAT16 && b == FLOAT16)) return FLOAT32;
        return a.ordinal() > b.ordinal() ? a : b;
    }
}
