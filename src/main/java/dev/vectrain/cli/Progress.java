/*
 * Progress: what the user sees while a run trains. On a terminal, a progress bar per epoch (samples/s, loss,
 * ETA) from me.tongfei:progressbar; otherwise (CI, pipes) plain log lines: one per epoch, plus one every
 * ~15 s inside a long epoch. Quiet mode prints nothing here. It does not compute anything about training.
 */
package dev.vectrain.cli;

import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Per-epoch progress reporting. */
abstract class Progress {
    /** A new epoch of {@code samples} samples starts. */
    abstract void startEpoch(int epoch, int epochs, long samples);

    /** {@code rows} more samples were trained; {@code loss} is the last batch's loss. */
    abstract void step(int rows, double loss);

    /** The epoch ended; {@code line} is its summary. */
    abstract void endEpoch(String line);

    /** A message outside the epoch rhythm. */
    abstract void info(String line);

    /** The bar on a terminal, log lines otherwise, nothing but errors when quiet. */
    static Progress create(PrintStream out, boolean quiet, boolean forcePlain) {
        if (quiet) {
            return new Quiet();
        }
        if (!forcePlain && out == System.out && isTerminal()) {
            return new Bar(out);
        }
        return new Plain(out);
    }

    /** Whether stdout is an interactive terminal (JDK 22+: Console.isTerminal; JDK 21: console != null). */
    static boolean isTerminal() {
        java.io.Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    static final class Quiet extends Progress {
        @Override
        void startEpoch(int epoch, int epochs, long samples) {
        }

        @Override
        void step(int rows, double loss) {
        }

        @Override
        void endEpoch(String line) {
        }

        @Override
        void info(String line) {
        }
    }

    static final class Plain extends Progress {
        private final PrintStream out;
        private long samples;
        private long done;
        private long start;
        private long lastPrint;
        private String name = "";

        Plain(PrintStream out) {
            this.out = out;
        }

        @Override
        void startEpoch(int epoch, int epochs, long samples) {
            this.samples = samples;
            this.done = 0;
            this.start = System.nanoTime();
            this.lastPrint = start;
            this.name = "epoch " + epoch + "/" + epochs;
        }

        @Override
        void step(int rows, double loss) {
            done += rows;
            long now = System.nanoTime();
            if (now - lastPrint > 15_000_000_000L) {
                lastPrint = now;
                double s = (now - start) / 1e9;
                double rate = done / s;
                out.printf(Locale.ROOT, "%s  %d/%d samples  loss %.4f  %,.0f samples/s  ETA %.0f s%n", name, done,
                        samples, loss, rate, (samples - done) / Math.max(rate, 1e-9));
                out.flush();
            }
        }

        @Override
        void endEpoch(String line) {
            out.println(line);
            out.flush();
        }

        @Override
        void info(String line) {
            out.println(line);
            out.flush();
        }
    }

    static final class Bar extends Progress {
        private final PrintStream out;
        private ProgressBar bar;
        private long steps;

        Bar(PrintStream out) {
            this.out = out;
        }

        @Override
        void startEpoch(int epoch, int epochs, long samples) {
            close();
            steps = 0;
            bar = new ProgressBarBuilder().setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs))
                    .setInitialMax(samples).setUnit(" rows", 1).showSpeed(new java.text.DecimalFormat("#,##0"))
                    .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(200)
                    .setConsumer(new ConsoleProgressBarConsumer(out)).clearDisplayOnFinish().build();
        }

        @Override
        void step(int rows, double loss) {
            if (bar != null) {
                bar.stepBy(rows);
                if ((steps++ & 7) == 0) {
                    bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f", loss));
                }
            }
        }

        @Override
        void endEpoch(String line) {
            close();
            out.println(line);
            out.flush();
        }

        @Override
        void info(String line) {
            close();
            out.println(line);
        }

        private void close() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }
    }
}
