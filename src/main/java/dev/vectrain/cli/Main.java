/*
 * Main: the entry point of the vectrain command-line tool (`java --add-modules jdk.incubator.vector -jar
 * vectrain-*-cli.jar SUBCOMMAND ...`, or scripts/train). It wires picocli to the subcommands and turns every
 * failure into one line on stderr and an exit code: 0 success, 1 a run or check that failed, 2 bad input
 * (options, files, checkpoints). Stack traces only with --debug.
 */
package dev.vectrain.cli;

import dev.vectrain.data.DataException;
import dev.vectrain.data.OutOfHeapException;
import dev.vectrain.io.CheckpointException;
import dev.vectrain.optim.NonFiniteGradientException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Command-line entry point. */
@Command(name = "vectrain", mixinStandardHelpOptions = true, version = "vectrain 0.1.0",
        description = "Pure-Java SIMD CPU training of dense networks.%n"
                + "Run 'vectrain SUBCOMMAND --help' for the options of each subcommand.",
        subcommands = {TrainCommand.class, EvalCommand.class, PredictCommand.class, OverfitCheckCommand.class,
                LrFindCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_BAD_INPUT = 2;

    PrintStream out = System.out;
    PrintStream err = System.err;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: train, eval, predict, "
                + "overfit-check or lr-find");
    }

    public static void main(String[] args) {
        int rc = run(args, System.out, System.err);
        System.out.flush();
        System.exit(rc);
    }

    /** Runs one command line with the given streams and returns the exit code (used by tests in-process). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        boolean debug = Arrays.asList(args).contains("--debug");
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            err.println("vectrain: error: the JDK Vector API module is not enabled; run java with "
                    + "--add-modules jdk.incubator.vector (scripts/train does)");
            return EXIT_BAD_INPUT;
        }
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");   // plots are drawn off-screen, also on desktops
        }
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", debug ? "debug" : "warn");
        }
        Main main = new Main();
        main.out = out;
        main.err = err;
        CommandLine cl = new CommandLine(main);
        cl.setOverwrittenOptionsAllowed(true);   // a later option wins, so wrappers can pass defaults first
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        cl.setParameterExceptionHandler((ex, a) -> {
            String name = ex.getCommandLine().getCommandName();
            String qualified = ex.getCommandLine().getCommandSpec().qualifiedName();
            err.println(qualified + ": error: " + oneLine(ex.getMessage()) + " (see '" + qualified + " --help')");
            if (debug) {
                ex.printStackTrace(err);
            }
            return name.isEmpty() ? EXIT_BAD_INPUT : EXIT_BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            String who = commandLine.getCommandSpec().qualifiedName();
            Failure f = describe(ex);
            err.println(who + ": error: " + f.message);
            if (debug) {
                ex.printStackTrace(err);
            } else if (f.internal) {
                err.println(who + ": (run again with --debug for the stack trace)");
            }
            return f.code;
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            // picocli passes Errors through; loading and model building report their own sizes (see Heap)
            err.println("vectrain: error: out of Java heap; " + Heap.advice(0) + ", or use a smaller --batch / model");
            if (debug) {
                e.printStackTrace(err);
            }
            return EXIT_FAILED;
        }
    }

    private record Failure(String message, int code, boolean internal) {
    }

    private static Failure describe(Throwable ex) {
        Throwable e = ex;
        if (e instanceof UncheckedIOException u && u.getCause() != null) {
            e = u.getCause();
        }
        if (e instanceof CliException c) {
            return new Failure(c.getMessage(), c.exitCode(), false);
        }
        if (e instanceof OutOfHeapException o) {
            return new Failure(Heap.message(o), EXIT_BAD_INPUT, false);
        }
        if (e instanceof DataException || e instanceof CheckpointException) {
            return new Failure(e.getMessage(), EXIT_BAD_INPUT, false);
        }
        if (e instanceof NoSuchFileException n) {
            return new Failure(n.getFile() + ": file not found", EXIT_BAD_INPUT, false);
        }
        if (e instanceof AccessDeniedException a) {
            return new Failure(a.getFile() + ": permission denied", EXIT_BAD_INPUT, false);
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException a) {
            return new Failure(a.getFile() + ": already exists and is not a directory", EXIT_BAD_INPUT, false);
        }
        if (e instanceof NonFiniteGradientException n) {
            return new Failure("training diverged: " + n.getMessage() + "; lower --lr or add --clip-norm",
                    EXIT_FAILED, false);
        }
        if (e instanceof IOException io) {
            return new Failure("I/O error: " + io.getMessage(), EXIT_FAILED, false);
        }
        if (e instanceof IllegalArgumentException ia) {
            return new Failure(ia.getMessage(), EXIT_BAD_INPUT, false);
        }
        return new Failure("internal error: " + e, EXIT_FAILED, true);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.strip().replace(System.lineSeparator(), "; ").replace("\n", "; ");
    }
}
