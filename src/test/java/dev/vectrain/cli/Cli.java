/*
 * Cli: test helper that runs the command line in-process with captured streams, and writes small
 * synthetic data sets (Gaussian blobs) as CSV.
 */
package dev.vectrain.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

final class Cli {
    private Cli() {
    }

    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static Result run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        PrintStream po = new PrintStream(o, true, StandardCharsets.UTF_8);
        PrintStream pe = new PrintStream(e, true, StandardCharsets.UTF_8);
        int code = Main.run(args, po, pe);
        return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    /** {@code rows} rows of {@code features} features around {@code classes} well separated centres. */
    static Path blobs(Path file, int rows, int features, int classes, long seed) throws IOException {
        Random r = new Random(seed);
        double[][] centre = new double[classes][features];
        for (double[] c : centre) {
            for (int j = 0; j < features; j++) {
                c[j] = r.nextGaussian() * 3;
            }
        }
        StringBuilder b = new StringBuilder("label");
        for (int j = 0; j < features; j++) {
            b.append(",f").append(j);
        }
        b.append('\n');
        for (int i = 0; i < rows; i++) {
            int k = i % classes;
            b.append(k);
            for (int j = 0; j < features; j++) {
                b.append(',').append(String.format(Locale.ROOT, "%.5f", centre[k][j] + r.nextGaussian()));
            }
            b.append('\n');
        }
        Files.writeString(file, b.toString());
        return file;
    }
}
