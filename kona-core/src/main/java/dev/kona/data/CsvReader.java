package dev.kona.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads a CSV file with a header row into a {@link CsvTable} of typed columns.
 *
 * <pre>{@code
 * CsvTable iris = new CsvReader()
 *         .column("sepal_length", CsvReader.ColumnType.FLOAT)
 *         .categorical("species")                       // "setosa" -> 0, "versicolor" -> 1, ...
 *         .read(Path.of("iris.csv"));
 * IndexedDataset<Example> ds = iris.toDataset("species", "sepal_length", "sepal_width");
 * }</pre>
 *
 * <p>Fields follow RFC 4180: separated by the delimiter (comma by default), optionally quoted
 * with {@code "}, a quote inside a quoted field doubled, line breaks allowed inside quotes; blank
 * lines are skipped and a UTF-8 byte-order mark is ignored. Columns not declared get a type from
 * their values: INT when every value is an integer, FLOAT when every value is a number (or
 * empty), STRING otherwise. An empty FLOAT value reads as NaN ({@code nan}, {@code inf} and
 * {@code -inf} are understood too); an empty INT value is an error.
 *
 * <p>Bad rows (a wrong number of fields, a value that does not parse as its column's type, a
 * value outside a fixed category list) are reported together in one {@link DataException} with
 * their line numbers and column names, or, after {@link #skipBadRows()}, left out and listed in
 * {@link CsvTable#skippedRows()}.
 */
public final class CsvReader {
    /** The type of a column, and the tensor it becomes in {@link CsvTable#tensor}. */
    public enum ColumnType {
        /** 64-bit integers; an int64 tensor. */
        INT,
        /** Numbers; a float32 tensor. */
        FLOAT,
        /** Text, kept as strings ({@link CsvTable#strings}). */
        STRING,
        /** Text mapped to indices into a vocabulary ({@link CsvTable#categories}); an int64 tensor. */
        CATEGORICAL
    }

    private static final int MAX_REPORTED = 20;

    private final char delimiter;
    private final boolean skipBadRows;
    private final Map<String, ColumnType> types;
    private final Map<String, List<String>> vocabularies;

    /** A reader for comma-separated files that infers the types of the columns and fails on bad rows. */
    public CsvReader() {
        this(',', false, Map.of(), Map.of());
    }

    private CsvReader(char delimiter, boolean skipBadRows, Map<String, ColumnType> types, Map<String, List<String>> vocabularies) {
        this.delimiter = delimiter;
        this.skipBadRows = skipBadRows;
        this.types = types;
        this.vocabularies = vocabularies;
    }

    /** The field separator ({@code ','} by default; {@code ';'}, {@code '\t'}...). */
    public CsvReader delimiter(char delimiter) {
        if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
            throw new IllegalArgumentException("CsvReader.delimiter: '" + delimiter + "' cannot separate fields");
        }
        return new CsvReader(delimiter, skipBadRows, types, vocabularies);
    }

    /** Declares the type of a column instead of inferring it. */
    public CsvReader column(String name, ColumnType type) {
        var t = new LinkedHashMap<>(types);
        t.put(name, type);
        var v = new HashMap<>(vocabularies);
        v.remove(name);
        return new CsvReader(delimiter, skipBadRows, Map.copyOf(t), Map.copyOf(v));
    }

    /** Maps a text column to indices into its sorted distinct values. */
    public CsvReader categorical(String name) {
        return column(name, ColumnType.CATEGORICAL);
    }

    /**
     * Maps a text column to indices into a fixed vocabulary (index = position in the list), so
     * that the indices agree between files; a value not in it makes the row bad.
     */
    public CsvReader categorical(String name, List<String> vocabulary) {
        if (new HashSet<>(vocabulary).size() != vocabulary.size()) {
            throw new IllegalArgumentException("CsvReader.categorical: the vocabulary of '" + name + "' has duplicates: " + vocabulary);
        }
        CsvReader r = column(name, ColumnType.CATEGORICAL);
        var v = new HashMap<>(r.vocabularies);
        v.put(name, List.copyOf(vocabulary));
        return new CsvReader(delimiter, skipBadRows, r.types, Map.copyOf(v));
    }

    /** Leaves bad rows out instead of failing; {@link CsvTable#skippedRows()} says which and why. */
    public CsvReader skipBadRows() {
        return new CsvReader(delimiter, true, types, vocabularies);
    }

    /** Reads a UTF-8 file. */
    public CsvTable read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("CsvReader: cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(file.toString(), text);
    }

    /** Reads CSV text; {@code sourceName} names it in error messages. */
    public CsvTable parse(String sourceName, String text) {
        List<Record> records = split(sourceName, text);
        if (records.isEmpty()) throw new DataException(sourceName + ": empty CSV file (no header row)");
        List<String> names = List.of(records.get(0).fields());
        checkHeader(sourceName, names);
        int k = names.size();
        List<Record> rows = records.subList(1, records.size());

        List<Problem> problems = new ArrayList<>();
        boolean[] bad = new boolean[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            Record rec = rows.get(r);
            if (rec.error() != null || rec.fields().length != k) {
                bad[r] = true;
                problems.add(new Problem(rec.line(), "line " + rec.line() + ": " + (rec.error() != null ? rec.error()
                        : rec.fields().length + " fields, expected " + k + " (" + String.join(", ", names) + ")")));
            }
        }
        ColumnType[] colTypes = new ColumnType[k];
        for (int c = 0; c < k; c++) {
            ColumnType declared = types.get(names.get(c));
            colTypes[c] = declared != null ? declared : infer(rows, bad, c);
        }
        // Parse every value of the good rows; a row with any bad value becomes bad as a whole.
        Object[] parsed = new Object[k];
        List<List<String>> vocab = new ArrayList<>(k);
        for (int c = 0; c < k; c++) {
            String name = names.get(c);
            vocab.add(null);
            switch (colTypes[c]) {
                case INT -> {
                    long[] v = new long[rows.size()];
                    for (int r = 0; r < rows.size(); r++) {
                        if (bad[r]) continue;
                        String s = rows.get(r).fields()[c].strip();
                        try {
                            v[r] = Long.parseLong(s);
                        } catch (NumberFormatException e) {
                            bad[r] = true;
                            problems.add(valueProblem(rows.get(r), name, s, "is not an integer"));
                        }
                    }
                    parsed[c] = v;
                }
                case FLOAT -> {
                    float[] v = new float[rows.size()];
                    for (int r = 0; r < rows.size(); r++) {
                        if (bad[r]) continue;
                        String s = rows.get(r).fields()[c];
                        double d = parseNumber(s);
                        if (Double.isNaN(d) && !isNaN(s)) {
                            bad[r] = true;
                            problems.add(valueProblem(rows.get(r), name, s, "is not a number"));
                        }
                        v[r] = (float) d;
                    }
                    parsed[c] = v;
                }
                case STRING, CATEGORICAL -> {
                    String[] v = new String[rows.size()];
                    for (int r = 0; r < rows.size(); r++) if (!bad[r]) v[r] = rows.get(r).fields()[c];
                    parsed[c] = v;
                }
            }
        }
        for (int c = 0; c < k; c++) {
            if (colTypes[c] != ColumnType.CATEGORICAL) continue;
            List<String> fixed = vocabularies.get(names.get(c));
            if (fixed == null) continue;
            var known = new HashSet<>(fixed);
            String[] v = (String[]) parsed[c];
            for (int r = 0; r < rows.size(); r++) {
                if (!bad[r] && !known.contains(v[r])) {
                    bad[r] = true;
                    problems.add(valueProblem(rows.get(r), names.get(c), v[r], "is not one of the categories " + fixed));
                }
            }
        }
        problems.sort(java.util.Comparator.comparingInt(Problem::line));
        List<String> report = problems.stream().map(Problem::text).toList();
        if (!problems.isEmpty() && !skipBadRows) {
            int shown = Math.min(problems.size(), MAX_REPORTED);
            throw new DataException(sourceName + ": " + problems.size() + (problems.size() == 1 ? " bad row" : " bad rows")
                    + ":\n  " + String.join("\n  ", report.subList(0, shown))
                    + (problems.size() > shown ? "\n  ... and " + (problems.size() - shown) + " more" : "")
                    + "\n(use CsvReader.skipBadRows() to leave them out)");
        }
        int good = 0;
        for (boolean b : bad) if (!b) good++;
        Map<String, CsvTable.Column> columns = new LinkedHashMap<>();
        for (int c = 0; c < k; c++) {
            columns.put(names.get(c), column(colTypes[c], parsed[c], bad, good, vocabularies.get(names.get(c))));
        }
        return new CsvTable(good, columns, report);
    }

    private static CsvTable.Column column(ColumnType type, Object values, boolean[] bad, int good, List<String> fixed) {
        int j = 0;
        switch (type) {
            case INT -> {
                long[] v = (long[]) values, out = new long[good];
                for (int r = 0; r < bad.length; r++) if (!bad[r]) out[j++] = v[r];
                return new CsvTable.Column(type, out, null);
            }
            case FLOAT -> {
                float[] v = (float[]) values, out = new float[good];
                for (int r = 0; r < bad.length; r++) if (!bad[r]) out[j++] = v[r];
                return new CsvTable.Column(type, out, null);
            }
            case STRING -> {
                String[] v = (String[]) values, out = new String[good];
                for (int r = 0; r < bad.length; r++) if (!bad[r]) out[j++] = v[r];
                return new CsvTable.Column(type, out, null);
            }
            default -> {
                String[] v = (String[]) values;
                List<String> vocabulary;
                if (fixed != null) {
                    vocabulary = fixed;
                } else {
                    var distinct = new TreeSet<String>();
                    for (int r = 0; r < bad.length; r++) if (!bad[r]) distinct.add(v[r]);
                    vocabulary = List.copyOf(distinct);
                }
                Map<String, Integer> index = new HashMap<>();
                for (int i = 0; i < vocabulary.size(); i++) index.put(vocabulary.get(i), i);
                long[] out = new long[good];
                for (int r = 0; r < bad.length; r++) if (!bad[r]) out[j++] = index.get(v[r]);
                return new CsvTable.Column(type, out, vocabulary);
            }
        }
    }

    private void checkHeader(String source, List<String> names) {
        var seen = new HashSet<String>();
        for (String n : names) {
            if (!seen.add(n)) throw new DataException(source + ": line 1: duplicate column name '" + n + "' in the header");
        }
        for (String declared : types.keySet()) {
            if (!seen.contains(declared)) {
                throw new DataException(source + ": column '" + declared + "' was declared but the header has only "
                        + String.join(", ", names));
            }
        }
    }

    private static Problem valueProblem(Record rec, String column, String value, String what) {
        return new Problem(rec.line(), "line " + rec.line() + ", column '" + column + "': '" + value + "' " + what);
    }

    private record Problem(int line, String text) {}

    private static ColumnType infer(List<Record> rows, boolean[] bad, int c) {
        boolean allInt = true, allNumber = true, any = false;
        for (int r = 0; r < rows.size() && allNumber; r++) {
            if (bad[r]) continue;
            String s = rows.get(r).fields()[c];
            if (s.isBlank()) {
                allInt = false; // an empty value can be a float's NaN, never an int
                continue;
            }
            any = true;
            if (allInt) {
                try {
                    Long.parseLong(s.strip());
                    continue;
                } catch (NumberFormatException e) {
                    allInt = false;
                }
            }
            if (Double.isNaN(parseNumber(s)) && !isNaN(s)) allNumber = false;
        }
        if (!any) return ColumnType.STRING;
        return allInt ? ColumnType.INT : allNumber ? ColumnType.FLOAT : ColumnType.STRING;
    }

    private static boolean isNaN(String s) {
        String t = s.strip();
        return t.isEmpty() || t.equalsIgnoreCase("nan");
    }

    /** A number, NaN for an empty field or "nan", or NaN for text that is not a number (callers tell apart with {@link #isNaN}). */
    private static double parseNumber(String s) {
        String t = s.strip();
        if (t.isEmpty()) return Double.NaN;
        switch (t.toLowerCase(java.util.Locale.ROOT)) {
            case "nan": return Double.NaN;
            case "inf", "+inf", "infinity", "+infinity": return Double.POSITIVE_INFINITY;
            case "-inf", "-infinity": return Double.NEGATIVE_INFINITY;
            default:
        }
        char last = t.charAt(t.length() - 1);
        // Double.parseDouble also takes Java suffixes ("1f", "2d") and hex floats, which CSV does not mean.
        if ("fFdD".indexOf(last) >= 0 || t.contains("x") || t.contains("X")) return Double.NaN;
        try {
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** One record: its fields, the line it starts on (1-based), or why it could not be split. */
    private record Record(String[] fields, int line, String error) {}

    private List<Record> split(String source, String text) {
        List<Record> out = new ArrayList<>();
        int i = text.startsWith("\uFEFF") ? 1 : 0, n = text.length(), line = 1;
        List<String> fields = new ArrayList<>();
        var field = new StringBuilder();
        while (i < n) {
            int start = line;
            fields.clear();
            boolean blank = true;
            String error = null;
            // One record: fields until an unquoted line break or the end of the text.
            while (true) {
                field.setLength(0);
                if (i < n && text.charAt(i) == '"') {
                    blank = false;
                    i++;
                    boolean closed = false;
                    while (i < n) {
                        char ch = text.charAt(i++);
                        if (ch == '"') {
                            if (i < n && text.charAt(i) == '"') {
                                field.append('"');
                                i++;
                            } else {
                                closed = true;
                                break;
                            }
                        } else {
                            if (ch == '\n') line++;
                            field.append(ch);
                        }
                    }
                    if (!closed) error = "unterminated quoted field (opened on line " + start + ")";
                    while (i < n && text.charAt(i) != delimiter && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
                        if (error == null && !Character.isWhitespace(text.charAt(i))) {
                            error = "text after the closing quote of field " + (fields.size() + 1);
                        }
                        i++;
                    }
                } else {
                    while (i < n) {
                        char ch = text.charAt(i);
                        if (ch == delimiter || ch == '\n' || ch == '\r') break;
                        field.append(ch);
                        i++;
                    }
                }
                fields.add(field.toString());
                if (!field.isEmpty()) blank = false;
                if (i < n && text.charAt(i) == delimiter) {
                    blank = false;
                    i++;
                    continue;
                }
                if (i < n && text.charAt(i) == '\r') i++;
                if (i < n && text.charAt(i) == '\n') i++;
                line++;
                break;
            }
            if (!blank) out.add(new Record(fields.toArray(String[]::new), start, error));
        }
        return Collections.unmodifiableList(out);
    }
}
