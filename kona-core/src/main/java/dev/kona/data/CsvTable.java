package dev.kona.data;

import dev.kona.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The typed columns of a CSV file read by {@link CsvReader}.
 *
 * <pre>{@code
 * CsvTable t = new CsvReader().categorical("city").read(Path.of("houses.csv"));
 * Tensor price = t.tensor("price");                  // float32 [rows]
 * Tensor city = t.tensor("city");                    // int64 [rows], indices into t.categories("city")
 * Tensor x = t.features("rooms", "area", "city");    // float32 [rows, 3]
 * IndexedDataset<Example> ds = t.toDataset("price", "rooms", "area");
 * }</pre>
 */
public final class CsvTable {
    /** One column: its type, values ({@code long[]}, {@code float[]} or {@code String[]}) and vocabulary. */
    record Column(CsvReader.ColumnType type, Object values, List<String> vocabulary) {}

    private final int rows;
    private final Map<String, Column> columns;
    private final List<String> skipped;

    CsvTable(int rows, Map<String, Column> columns, List<String> skipped) {
        this.rows = rows;
        this.columns = columns;
        this.skipped = List.copyOf(skipped);
    }

    /** The number of rows read (without the header and skipped rows). */
    public int rows() {
        return rows;
    }

    /** The column names, in file order. */
    public List<String> columns() {
        return List.copyOf(columns.keySet());
    }

    public CsvReader.ColumnType type(String column) {
        return get(column).type();
    }

    /**
     * A column as a 1-d tensor: int64 for INT, float32 for FLOAT, int64 indices into
     * {@link #categories} for CATEGORICAL. A STRING column has no tensor: declare it categorical.
     */
    public Tensor tensor(String column) {
        Column c = get(column);
        return switch (c.type()) {
            case INT, CATEGORICAL -> Tensor.of((long[]) c.values());
            case FLOAT -> Tensor.of((float[]) c.values());
            case STRING -> throw new IllegalArgumentException("CsvTable.tensor: column '" + column
                    + "' holds text; read it with CsvReader.categorical(\"" + column + "\") to get indices, or use strings()");
        };
    }

    /** The values of a STRING or CATEGORICAL column as text, or of a numeric column as formatted numbers. */
    public List<String> strings(String column) {
        Column c = get(column);
        return switch (c.type()) {
            case STRING -> List.of((String[]) c.values());
            case CATEGORICAL -> {
                long[] idx = (long[]) c.values();
                List<String> out = new ArrayList<>(idx.length);
                for (long i : idx) out.add(c.vocabulary().get((int) i));
                yield List.copyOf(out);
            }
            case INT -> Arrays.stream((long[]) c.values()).mapToObj(Long::toString).toList();
            case FLOAT -> {
                float[] v = (float[]) c.values();
                List<String> out = new ArrayList<>(v.length);
                for (float f : v) out.add(Float.toString(f));
                yield List.copyOf(out);
            }
        };
    }

    /** The vocabulary of a CATEGORICAL column: index {@code i} in {@link #tensor} stands for element {@code i}. */
    public List<String> categories(String column) {
        Column c = get(column);
        if (c.type() != CsvReader.ColumnType.CATEGORICAL) {
            throw new IllegalArgumentException("CsvTable.categories: column '" + column + "' is " + c.type() + ", not CATEGORICAL");
        }
        return c.vocabulary();
    }

    /** Numeric and categorical columns side by side as a float32 [rows, columns.length] matrix. */
    public Tensor features(String... columns) {
        if (columns.length == 0) throw new IllegalArgumentException("CsvTable.features: name at least one column");
        int k = columns.length;
        float[] out = new float[rows * k];
        for (int j = 0; j < k; j++) {
            Column c = get(columns[j]);
            switch (c.type()) {
                case FLOAT -> {
                    float[] v = (float[]) c.values();
                    for (int r = 0; r < rows; r++) out[r * k + j] = v[r];
                }
                case INT, CATEGORICAL -> {
                    long[] v = (long[]) c.values();
                    for (int r = 0; r < rows; r++) out[r * k + j] = v[r];
                }
                case STRING -> throw new IllegalArgumentException("CsvTable.features: column '" + columns[j]
                        + "' holds text; read it with CsvReader.categorical(\"" + columns[j] + "\")");
            }
        }
        return Tensor.of(out, rows, k);
    }

    /**
     * Examples with {@code x = features(featureColumns)} (float32 [k]) and {@code y} the label
     * column's value (0-d: int64 for INT and CATEGORICAL labels, float32 for FLOAT).
     */
    public IndexedDataset<Example> toDataset(String labelColumn, String... featureColumns) {
        return Dataset.fromTensors(features(featureColumns), tensor(labelColumn));
    }

    /** Why each skipped row was left out ({@link CsvReader#skipBadRows}), as {@code "line 7: ..."}; empty when none. */
    public List<String> skippedRows() {
        return skipped;
    }

    private Column get(String column) {
        Column c = columns.get(column);
        if (c == null) {
            throw new IllegalArgumentException("CsvTable: no column '" + column + "'; the columns are " + String.join(", ", columns.keySet()));
        }
        return c;
    }

    @Override
    public String toString() {
        var sb = new StringBuilder("CsvTable[" + rows + " rows");
        columns.forEach((name, c) -> sb.append(", ").append(name).append(": ").append(c.type()));
        return sb.append(']').toString();
    }
}
