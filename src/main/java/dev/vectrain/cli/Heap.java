/*
 * Heap: what the command-line tool says when the Java heap is too small — one line naming what was being
 * loaded or built, its size, the maximum heap and how to raise it (VECTRAIN_JAVA_OPTS, which scripts/train
 * passes to java) — and the wrappers that turn an OutOfMemoryError while loading data or building the model
 * into that line (exit 2, before any output file exists). It does not choose JVM flags; scripts/lib-jdk.sh does.
 */
package dev.vectrain.cli;

import dev.vectrain.data.OutOfHeapException;
import dev.vectrain.nn.LayerSpec;
import dev.vectrain.nn.ModelSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** Out-of-heap messages of the CLI. */
final class Heap {
    private static final long MIB = 1024L * 1024;
    /** Floats per parameter a training run keeps: values, gradients, two Adam moments, the best-epoch copy. */
    private static final int FLOATS_PER_PARAMETER = 5;

    private Heap() {
    }

    /** Loads something that may not fit. */
    interface Load<T> {
        T get() throws IOException;
    }

    /** "the maximum Java heap is N MiB; raise it, e.g. VECTRAIN_JAVA_OPTS=-XmxMm scripts/train …". */
    static String advice(long neededBytes) {
        return "the maximum Java heap is " + OutOfHeapException.mib(Runtime.getRuntime().maxMemory()) + "; "
                + raise(neededBytes);
    }

    /** The one line for a reader's OutOfHeapException (its message already names file, size and maximum heap). */
    static String message(OutOfHeapException e) {
        return e.getMessage() + "; " + raise(e.bytes());
    }

    /** How to raise the heap, to at least twice the current maximum and two times {@code neededBytes} above it. */
    private static String raise(long neededBytes) {
        long max = Runtime.getRuntime().maxMemory();
        long suggest = Math.max(2 * max, max + 2 * Math.max(neededBytes, 0));
        long mib = (suggest + 64 * MIB - 1) / (64 * MIB) * 64;
        return "raise it, e.g. VECTRAIN_JAVA_OPTS=-Xmx" + mib + "m scripts/train … (or java -Xmx" + mib + "m … -jar …)";
    }

    /** Runs {@code load}; an OutOfMemoryError becomes one line naming {@code data} and its size on disk. */
    static <T> T loading(Path data, Load<T> load) throws IOException {
        try {
            return load.get();
        } catch (OutOfMemoryError e) {
            long size = diskSize(data);
            throw new CliException("not enough Java heap to load " + (data == null ? "the default data" : data)
                    + (size > 0 ? String.format(Locale.ROOT, " (%.1f MiB on disk)", size / (double) MIB) : "")
                    + "; " + advice(size));
        }
    }

    /** Runs {@code build}; an OutOfMemoryError becomes one line naming the model and its estimated size. */
    static <T> T building(ModelSpec spec, int batch, Supplier<T> build) {
        try {
            return build.get();
        } catch (OutOfMemoryError e) {
            long params = parameters(spec);
            long bytes = 4L * (FLOATS_PER_PARAMETER * params + activations(spec, batch));
            throw new CliException(String.format(Locale.ROOT, "not enough Java heap to build the model [%s] "
                    + "(%,d parameters: about %.1f MiB with gradients, optimizer state and buffers for batch %d); %s",
                    spec, params, bytes / (double) MIB, batch, advice(bytes)));
        }
    }

    /** Weights and biases of the dense layers (normalization layers add little). */
    static long parameters(ModelSpec spec) {
        long n = 0;
        for (int i = 0; i < spec.layers().size(); i++) {
            if (spec.layers().get(i) instanceof LayerSpec.DenseSpec d) {
                n += (long) d.units() * spec.inputSizeOf(i) + (d.bias() ? d.units() : 0);
            }
        }
        return n;
    }

    /** Floats of activation buffers: outputs and input gradients of every layer for a training and an evaluation batch. */
    private static long activations(ModelSpec spec, int batch) {
        long widths = spec.inputSize();
        for (int i = 0; i < spec.layers().size(); i++) {
            widths += spec.layers().get(i).outputSize(spec.inputSizeOf(i));
        }
        return 2L * widths * (batch + Math.max(batch, 256L));
    }

    private static long diskSize(Path data) {
        try {
            if (data == null) {
                return -1;
            }
            if (Files.isDirectory(data)) {
                try (Stream<Path> s = Files.list(data)) {
                    return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
                }
            }
            return Files.size(data);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
