package dev.vectrain.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {
    @TempDir
    Path dir;

    private Path csv(String text) throws Exception {
        Path p = dir.resolve("d.csv");
        Files.writeString(p, text);
        return p;
    }

    @Test
    void headerWithNamedLabelColumn() throws Exception {
        Path p = csv("a,label,b\n1.5,2,3\n-4,0,5e1\n\n");
        Dataset d = CsvReader.read(p, CsvReader.Options.defaults(), 0);
        assertEquals(2, d.rows());
        assertEquals(2, d.featureCount());
        assertEquals(3, d.classes());
        assertArrayEquals(new float[] {1.5f, 3, -4, 50}, d.features());
        assertArrayEquals(new int[] {2, 0}, d.labels());
    }

    @Test
    void noHeaderLabelByIndex() throws Exception {
        Path p = csv("1,2,1\n3,4,0\n");
        Dataset d = CsvReader.read(p, new CsvReader.Options(CsvReader.Header.AUTO, "2", ','), 0);
        assertArrayEquals(new float[] {1, 2, 3, 4}, d.features());
        assertArrayEquals(new int[] {1, 0}, d.labels());
        assertEquals(2, d.classes());
    }

    @Test
    void featuresOnlyForPrediction() throws Exception {
        CsvReader.Table t = CsvReader.readTable(csv("x,y\n1,2\n"), CsvReader.Options.defaults(), false);
        assertNull(t.labels());
        assertEquals(2, t.featureCount());
    }

    @Test
    void nonNumericNamesLineAndColumn() throws Exception {
        Path p = csv("label,a,b\n1,2,3\n0,x7,3\n");
        String m = assertThrows(DataException.class, () -> CsvReader.read(p, CsvReader.Options.defaults(), 0)).getMessage();
        assertTrue(m.contains(p.toString()) && m.contains("line 3") && m.contains("column 2") && m.contains("'x7'"), m);
    }

    @Test
    void raggedRow() throws Exception {
        Path p = csv("1,2,3\n0,2\n");
        String m = assertThrows(DataException.class, () -> CsvReader.read(p, CsvReader.Options.defaults(), 0)).getMessage();
        assertTrue(m.contains("line 2") && m.contains("2 columns, expected 3"), m);
    }

    @Test
    void nanAndInfRejected() throws Exception {
        for (String bad : new String[] {"NaN", "Infinity", "-Infinity"}) {
            Path p = csv("label,a\n1,2\n0," + bad + "\n");
            String m = assertThrows(DataException.class, () -> CsvReader.read(p, CsvReader.Options.defaults(), 0)).getMessage();
            assertTrue(m.contains("line 3") && m.contains("not finite"), m);
        }
    }

    @Test
    void badLabels() throws Exception {
        Path p = csv("label,a\n1.5,2\n");
        assertTrue(assertThrows(DataException.class, () -> CsvReader.read(p, CsvReader.Options.defaults(), 0))
                .getMessage().contains("non-negative integer"));
        Path q = csv("label,a\n7,2\n");
        assertTrue(assertThrows(DataException.class, () -> CsvReader.read(q, CsvReader.Options.defaults(), 3))
                .getMessage().contains("outside [0, 3)"));
    }

    @Test
    void emptyFiles() throws Exception {
        assertTrue(assertThrows(DataException.class, () -> CsvReader.read(csv(""), CsvReader.Options.defaults(), 0))
                .getMessage().contains("empty"));
        assertTrue(assertThrows(DataException.class, () -> CsvReader.read(csv("label,a\n"), CsvReader.Options.defaults(), 0))
                .getMessage().contains("empty"));
        assertTrue(assertThrows(DataException.class,
                () -> CsvReader.read(dir.resolve("missing.csv"), CsvReader.Options.defaults(), 0)).getMessage().contains("not found"));
    }
}
