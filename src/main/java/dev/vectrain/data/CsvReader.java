/*
 * CsvReader: reads a numeric CSV table into a Dataset (features + integer class labels) or into a plain
 * feature matrix (for prediction). A header line is detected (or forced on/off); the label column is given by
 * name or 0-based index. Every error names the file, the 1-based line and column, and the problem: a
 * non-numeric field, a ragged row, NaN/Inf, a label that is not a non-negative integer, an empty table.
 * It does no quoting beyond stripping surrounding double quotes from a field.
 */
package dev.vectrain.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Numeric CSV reader. */
public final class CsvReader {
    /** Header handling. */
    public enum Header { AUTO, YES, NO }

    /**
     * Options.
     *
     * @param header      whether the first line holds column names (AUTO: when any field is not a number)
     * @param labelColumn the label column as a name or a 0-based index; null means "label" when the header
     *                    has such a column, else column 0; the empty string means there is no label column
     * @param delimiter   the field separator
     */
    public record Options(Header header, String labelColumn, char delimiter) {
        public static Options defaults() {
            return new Options(Header.AUTO, null, ',');
        }

        public Options withLabelColumn(String column) {
            return new Options(header, column, delimiter);
        }
    }

    /** A parsed table: {@code rows × featureCount} features, labels (null when there is no label column). */
    public record Table(float[] features, int rows, int featureCount, int[] labels, List<String> featureNames) {
        /** The largest label + 1 (0 without labels). */
        public int labelBound() {
            int max = -1;
            if (labels != null) {
                for (int l : labels) {
                    max = Math.max(max, l);
                }
            }
            return max + 1;
        }

        /** As a classification dataset with the given number of classes (labels checked against it). */
        public Dataset toDataset(Path file, int classes) throws DataException {
            if (labels == null) {
                throw new DataException(file + ": has no label column");
            }
            for (int i = 0; i < rows; i++) {
                if (labels[i] >= classes) {
                    throw new DataException(file + ": label " + labels[i] + " of data row " + (i + 1)
                            + " is outside [0, " + classes + ")");
                }
            }
            return Dataset.classification(features, labels, featureCount, classes);
        }
    }

    private CsvReader() {
    }

    /** Reads a labelled CSV file into a classification dataset; classes = given, or max label + 1 when 0. */
    public static Dataset read(Path file, Options options, int classes) throws IOException {
        Table t = readTable(file, options, true);
        int k = classes > 0 ? classes : Math.max(2, t.labelBound());
        return t.toDataset(file, k);
    }

    /**
     * Reads a CSV file into a table.
     *
     * @param requireLabel when true a missing label column is an error; when false and the label column is
     *                     not named explicitly, a table without a "label" header has features only
     */
    public static Table readTable(Path file, Options options, boolean requireLabel) throws IOException {
        if (!Files.exists(file)) {
            throw new DataException(file + ": file not found");
        }
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": not a regular file");
        }
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            String[] first = null;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (!line.isBlank()) {
                    first = split(line, options.delimiter());
                    break;
                }
            }
            if (first == null) {
                throw new DataException(file + ": is empty (no rows; the data set is empty)");
            }
            boolean header = switch (options.header()) {
                case YES -> true;
                case NO -> false;
                case AUTO -> Arrays.stream(first).anyMatch(f -> !looksNumeric(f));
            };
            int columns = first.length;
            List<String> names = new ArrayList<>();
            for (int c = 0; c < columns; c++) {
                names.add(header ? unquote(first[c]) : "column" + c);
            }
            int labelCol = labelColumn(file, options.labelColumn(), names, header, requireLabel);
            int featureCount = labelCol >= 0 ? columns - 1 : columns;
            if (featureCount <= 0) {
                throw new DataException(file + ": has no feature columns (only " + columns + " column)");
            }
            List<String> featureNames = new ArrayList<>(names);
            if (labelCol >= 0) {
                featureNames.remove(labelCol);
            }
            float[] feats = new float[Math.max(16, featureCount * 1024)];
            int[] labels = labelCol >= 0 ? new int[1024] : null;
            int rows = 0;
            String[] fields = header ? null : first;
            int fieldsLine = lineNo;
            while (true) {
                if (fields == null) {
                    line = r.readLine();
                    if (line == null) {
                        break;
                    }
                    lineNo++;
                    if (line.isBlank()) {
                        continue;
                    }
                    fields = split(line, options.delimiter());
                    fieldsLine = lineNo;
                }
                if (fields.length != columns) {
                    throw new DataException(file + ": line " + fieldsLine + " has " + fields.length
                            + " columns, expected " + columns + " (ragged row)");
                }
                if ((long) (rows + 1) * featureCount > Integer.MAX_VALUE - 16) {
                    throw new DataException(file + ": too many values for one Java array");
                }
                if ((rows + 1) * featureCount > feats.length) {
                    feats = Arrays.copyOf(feats, (int) Math.min(Integer.MAX_VALUE - 16, 2L * feats.length + featureCount));
                }
                if (labels != null && rows == labels.length) {
                    labels = Arrays.copyOf(labels, labels.length * 2);
                }
                int o = rows * featureCount;
                for (int c = 0; c < columns; c++) {
                    String f = fields[c].trim();
                    if (c == labelCol) {
                        labels[rows] = parseLabel(file, fieldsLine, c, names.get(c), f);
                        continue;
                    }
                    feats[o++] = parseFeature(file, fieldsLine, c, names.get(c), f);
                }
                rows++;
                fields = null;
            }
            if (rows == 0) {
                throw new DataException(file + ": has a header but no data rows (the data set is empty)");
            }
            return new Table(Arrays.copyOf(feats, rows * featureCount), rows, featureCount,
                    labels == null ? null : Arrays.copyOf(labels, rows), List.copyOf(featureNames));
        }
    }

    private static int labelColumn(Path file, String spec, List<String> names, boolean header, boolean requireLabel)
            throws DataException {
        if (spec == null) {
            int i = names.indexOf("label");
            if (header && i >= 0) {
                return i;
            }
            return requireLabel ? 0 : -1;
        }
        if (spec.isEmpty()) {
            if (requireLabel) {
                throw new DataException(file + ": a label column is required");
            }
            return -1;
        }
        int byName = header ? names.indexOf(spec) : -1;
        if (byName >= 0) {
            return byName;
        }
        try {
            int idx = Integer.parseInt(spec.trim());
            if (idx < 0 || idx >= names.size()) {
                throw new DataException(file + ": label column index " + idx + " is outside [0, " + names.size() + ")");
            }
            return idx;
        } catch (NumberFormatException e) {
            throw new DataException(file + ": no column named '" + spec + "'" + (header ? " in the header " + names
                    : " (the file has no header line; give the label column as a 0-based index)"));
        }
    }

    private static int parseLabel(Path file, int line, int col, String name, String f) throws DataException {
        double v;
        try {
            v = Double.parseDouble(unquote(f));
        } catch (NumberFormatException e) {
            throw new DataException(at(file, line, col, name) + "label '" + f + "' is not a number");
        }
        if (!(v >= 0) || v != Math.rint(v) || v > 1_000_000) {
            throw new DataException(at(file, line, col, name) + "label '" + f
                    + "' is not a non-negative integer class index");
        }
        return (int) v;
    }

    private static float parseFeature(Path file, int line, int col, String name, String f) throws DataException {
        float v;
        try {
            v = Float.parseFloat(unquote(f));
        } catch (NumberFormatException e) {
            throw new DataException(at(file, line, col, name) + (f.isEmpty() ? "empty field" : "'" + f
                    + "' is not a number"));
        }
        if (!Float.isFinite(v)) {
            throw new DataException(at(file, line, col, name) + "feature value '" + f
                    + "' is not finite (NaN and Inf are not allowed in features)");
        }
        return v;
    }

    private static String at(Path file, int line, int col, String name) {
        return file + ": line " + line + ", column " + (col + 1) + " (" + name + "): ";
    }

    private static boolean looksNumeric(String f) {
        String s = unquote(f.trim());
        if (s.isEmpty()) {
            return false;
        }
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String unquote(String f) {
        String s = f.trim();
        if (s.length() >= 2 && s.charAt(0) == '"' && s.charAt(s.length() - 1) == '"') {
            return s.substring(1, s.length() - 1).trim();
        }
        return s;
    }

    private static String[] split(String line, char delimiter) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == delimiter) {
                out.add(line.substring(start, i));
                start = i + 1;
            }
        }
        out.add(line.substring(start));
        return out.toArray(new String[0]);
    }
}
