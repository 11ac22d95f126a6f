package dev.kona.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.DType;
import dev.kona.Tensor;
import dev.kona.data.CsvReader.ColumnType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void infersTypesAndBuildsTensors() throws IOException {
        Path f = write("iris.csv", """
                sepal_length,sepal_width,petals,species
                5.1,3.5,2,setosa
                7.0,3.2,4,versicolor

                6.3,,6,virginica
                4.9,3.0,2,setosa
                """);
        CsvTable t = new CsvReader().read(f);
        assertEquals(4, t.rows());
        assertEquals(List.of("sepal_length", "sepal_width", "petals", "species"), t.columns());
        assertEquals(ColumnType.FLOAT, t.type("sepal_length"));
        assertEquals(ColumnType.FLOAT, t.type("sepal_width"));
        assertEquals(ColumnType.INT, t.type("petals"));
        assertEquals(ColumnType.STRING, t.type("species"));
        assertEquals(DType.FLOAT32, t.tensor("sepal_length").dtype());
        assertArrayEquals(new long[] {2, 4, 6, 2}, t.tensor("petals").toLongArray());
        assertTrue(Float.isNaN(t.tensor("sepal_width").toFloatArray()[2]), "an empty float is NaN");
        assertEquals(List.of("setosa", "versicolor", "virginica", "setosa"), t.strings("species"));
        var e = assertThrows(IllegalArgumentException.class, () -> t.tensor("species"));
        assertTrue(e.getMessage().contains("categorical"), e.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> t.tensor("nope")).getMessage().contains("petals"));
    }

    @Test
    void categoricalColumnsBecomeIndicesAndDatasetsFollow() throws IOException {
        Path f = write("iris.csv", "x1,x2,species\n1,2.5,b\n3,4.5,a\n5,6.5,c\n7,8.5,a\n");
        CsvTable t = new CsvReader().categorical("species").read(f);
        assertEquals(List.of("a", "b", "c"), t.categories("species"));
        assertArrayEquals(new long[] {1, 0, 2, 0}, t.tensor("species").toLongArray());
        assertEquals(List.of("b", "a", "c", "a"), t.strings("species"));

        Tensor x = t.features("x1", "x2");
        assertArrayEquals(new int[] {4, 2}, x.shape());
        assertArrayEquals(new float[] {1, 2.5f, 3, 4.5f, 5, 6.5f, 7, 8.5f}, x.toFloatArray());

        IndexedDataset<Example> ds = t.toDataset("species", "x1", "x2");
        assertEquals(4, ds.size());
        assertArrayEquals(new float[] {5, 6.5f}, ds.get(2).x().toFloatArray());
        assertEquals(2, ds.get(2).y().itemLong());

        CsvTable fixed = new CsvReader().categorical("species", List.of("c", "b", "a")).read(f);
        assertArrayEquals(new long[] {1, 2, 0, 2}, fixed.tensor("species").toLongArray());
        String m = assertThrows(DataException.class,
                () -> new CsvReader().categorical("species", List.of("a", "b")).read(f)).getMessage();
        assertTrue(m.contains("line 4, column 'species': 'c' is not one of the categories [a, b]"), m);
    }

    @Test
    void declaredTypesAndQuoting() throws IOException {
        Path f = write("q.csv", "id;name;score\r\n1;\"Smith; John\";\"1.5\"\r\n2;\"say \"\"hi\"\"\nthere\";2\r\n3;plain;-inf\r\n");
        CsvTable t = new CsvReader().delimiter(';').column("id", ColumnType.FLOAT).column("score", ColumnType.FLOAT).read(f);
        assertEquals(3, t.rows());
        assertEquals(ColumnType.FLOAT, t.type("id"));
        assertEquals(List.of("Smith; John", "say \"hi\"\nthere", "plain"), t.strings("name"));
        assertArrayEquals(new float[] {1.5f, 2f, Float.NEGATIVE_INFINITY}, t.tensor("score").toFloatArray());
        CsvTable bom = new CsvReader().parse("inline", "\uFEFFa,b\n1,2\n");
        assertEquals(List.of("a", "b"), bom.columns());
    }

    @Test
    void badRowsAreReportedWithLineNumbersAndColumnNames() throws IOException {
        Path f = write("bad.csv", """
                age,height,city
                31,1.80,Paris
                abc,1.75,Rome
                40,1.70
                25,tall,Oslo
                33,1.60,Lima,extra
                """);
        var reader = new CsvReader().column("age", ColumnType.INT).column("height", ColumnType.FLOAT);
        var e = assertThrows(DataException.class, () -> reader.read(f));
        String m = e.getMessage();
        assertTrue(m.startsWith(f + ": 4 bad rows"), m);
        assertTrue(m.contains("line 3, column 'age': 'abc' is not an integer"), m);
        assertTrue(m.contains("line 4: 2 fields, expected 3 (age, height, city)"), m);
        assertTrue(m.contains("line 5, column 'height': 'tall' is not a number"), m);
        assertTrue(m.contains("line 6: 4 fields, expected 3"), m);
        assertTrue(m.contains("skipBadRows"), m);

        CsvTable t = reader.skipBadRows().read(f);
        assertEquals(1, t.rows());
        assertArrayEquals(new long[] {31}, t.tensor("age").toLongArray());
        assertEquals(4, t.skippedRows().size());
        assertTrue(t.skippedRows().get(0).startsWith("line 3, column 'age'"), t.skippedRows().toString());
        assertTrue(t.skippedRows().get(3).startsWith("line 6:"), t.skippedRows().toString());
    }

    @Test
    void structuralProblemsAreReported() throws IOException {
        String m = assertThrows(DataException.class, () -> new CsvReader().read(write("e.csv", ""))).getMessage();
        assertTrue(m.contains("empty CSV"), m);
        m = assertThrows(DataException.class, () -> new CsvReader().read(write("d.csv", "a,a\n1,2\n"))).getMessage();
        assertTrue(m.contains("duplicate column name 'a'"), m);
        m = assertThrows(DataException.class, () -> new CsvReader().column("z", ColumnType.INT).read(write("z.csv", "a,b\n1,2\n")))
                .getMessage();
        assertTrue(m.contains("'z'") && m.contains("a, b"), m);
        m = assertThrows(DataException.class, () -> new CsvReader().read(write("u.csv", "a,b\n1,\"open\n2,3\n"))).getMessage();
        assertTrue(m.contains("line 2: unterminated quoted field"), m);
        m = assertThrows(DataException.class, () -> new CsvReader().column("a", ColumnType.INT).read(write("n.csv", "a\n1\n\"\"\n")))
                .getMessage();
        assertTrue(m.contains("line 3, column 'a': '' is not an integer"), m);
    }
}
