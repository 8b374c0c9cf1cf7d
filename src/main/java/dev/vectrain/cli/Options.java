/*
 * Options: the option groups the subcommands share (data, model, optimization, run), their picocli
 * converters (every bad value becomes one message naming the option), and the translation of option values
 * into library objects (ModelSpec, Optimizer, Schedule, Clipping). Nothing here trains.
 */
package dev.vectrain.cli;

import dev.vectrain.data.CsvReader;
import dev.vectrain.init.Initializer;
import dev.vectrain.nn.LayerSpec;
import dev.vectrain.nn.ModelSpec;
import dev.vectrain.optim.Clipping;
import dev.vectrain.optim.Optimizer;
import dev.vectrain.schedule.Schedule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** Option groups (picocli mixins) and converters. */
final class Options {
    private Options() {
    }

    // ---- choices -----------------------------------------------------------------------------------

    enum ActivationChoice { RELU, LEAKY_RELU, TANH, SIGMOID, GELU }

    enum InitChoice { AUTO, HE, HE_NORMAL, XAVIER, XAVIER_NORMAL, SMALL, ZEROS }

    enum OptimizerChoice { SGD, MOMENTUM, NESTEROV, ADAM, ADAMW }

    enum ScheduleChoice { CONSTANT, STEP, COSINE, WARMUP_COSINE, PLATEAU }

    /** Parses enum choices written in lower case with '-' or '_' (e.g. warmup-cosine, leaky_relu). */
    abstract static class ChoiceConverter<E extends Enum<E>> implements ITypeConverter<E> {
        private final Class<E> type;

        ChoiceConverter(Class<E> type) {
            this.type = type;
        }

        @Override
        public E convert(String value) {
            String key = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            for (E e : type.getEnumConstants()) {
                if (e.name().equals(key)) {
                    return e;
                }
            }
            throw new TypeConversionException("unknown value '" + value + "'; expected one of "
                    + Arrays.stream(type.getEnumConstants()).map(Options::display).collect(Collectors.joining(", ")));
        }
    }

    static String display(Enum<?> e) {
        String n = e.name().toLowerCase(Locale.ROOT);
        return e instanceof ActivationChoice ? n : n.replace('_', '-');
    }

    static final class ActivationConverter extends ChoiceConverter<ActivationChoice> {
        ActivationConverter() {
            super(ActivationChoice.class);
        }
    }

    static final class InitConverter extends ChoiceConverter<InitChoice> {
        InitConverter() {
            super(InitChoice.class);
        }
    }

    static final class OptimizerConverter extends ChoiceConverter<OptimizerChoice> {
        OptimizerConverter() {
            super(OptimizerChoice.class);
        }
    }

    static final class ScheduleConverter extends ChoiceConverter<ScheduleChoice> {
        ScheduleConverter() {
            super(ScheduleChoice.class);
        }
    }

    /** Hidden layer sizes (a single option value, so picocli does not treat it as a repeated option). */
    record Layers(int[] sizes) {
    }

    /** "512,256" → {512, 256}; "none" or "" → no hidden layer. */
    static final class LayersConverter implements ITypeConverter<Layers> {
        @Override
        public Layers convert(String value) {
            String v = value.trim();
            if (v.isEmpty() || v.equalsIgnoreCase("none")) {
                return new Layers(new int[0]);
            }
            String[] parts = v.split(",", -1);
            int[] out = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    out[i] = Integer.parseInt(parts[i].trim());
                } catch (NumberFormatException e) {
                    out[i] = -1;
                }
                if (out[i] <= 0 || out[i] > 1 << 20) {
                    throw new TypeConversionException("'" + value + "' is not a comma-separated list of positive "
                            + "integers (hidden layer sizes, e.g. 512,256; 'none' for no hidden layer)");
                }
            }
            return new Layers(out);
        }
    }

    /** "128" → 128, "full" → 0 (the whole training set per step). */
    static final class BatchConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            if (value.trim().equalsIgnoreCase("full")) {
                return 0;
            }
            try {
                int b = Integer.parseInt(value.trim());
                if (b > 0) {
                    return b;
                }
            } catch (NumberFormatException e) {
                // fall through
            }
            throw new TypeConversionException("'" + value + "' is not a positive batch size or 'full'");
        }
    }

    // ---- option groups -----------------------------------------------------------------------------

    /** Where the data comes from. */
    static final class DataOptions {
        @Option(names = "--data", paramLabel = "DIR|FILE", description = "Training data: a directory with IDX files "
                + "(train-images-idx3-ubyte[.gz], train-labels-…, t10k-… as the test set) or train.csv/test.csv, "
                + "or one CSV / IDX image file. Default: Fashion-MNIST from /usr/share/datasets/fashion-mnist, "
                + "else the sample bundled in the jar.")
        Path data;

        @Option(names = "--test", paramLabel = "FILE", description = "Test set file (CSV or IDX images), when it is "
                + "not next to the training data.")
        Path test;

        @Option(names = "--label-column", paramLabel = "NAME|INDEX", description = "CSV label column by header name "
                + "or 0-based index (default: the column named 'label', else column 0).")
        String labelColumn;

        @Option(names = "--classes", paramLabel = "N", defaultValue = "0", description = "Number of classes "
                + "(default: largest training label + 1; 10 for Fashion-MNIST).")
        int classes;

        CsvReader.Options csv() {
            return CsvReader.Options.defaults().withLabelColumn(labelColumn);
        }
    }

    /** The architecture. */
    static final class ModelOptions {
        @Option(names = "--layers", paramLabel = "N,N,…", defaultValue = "512,256", converter = LayersConverter.class,
                description = "Hidden layer sizes (default: ${DEFAULT-VALUE}); 'none' for softmax regression.")
        Layers layers;

        @Option(names = "--activation", paramLabel = "NAME", defaultValue = "relu", converter = ActivationConverter.class,
                description = "relu | leaky_relu | tanh | sigmoid | gelu (default: ${DEFAULT-VALUE}).")
        ActivationChoice activation;

        @Option(names = "--leaky-slope", paramLabel = "A", defaultValue = "0.01",
                description = "Negative slope of leaky_relu (default: ${DEFAULT-VALUE}).")
        float leakySlope;

        @Option(names = "--batchnorm", description = "Batch normalization after every hidden dense layer.")
        boolean batchnorm;

        @Option(names = "--layernorm", description = "Layer normalization after every hidden dense layer.")
        boolean layernorm;

        @Option(names = "--dropout", paramLabel = "P", defaultValue = "0", description = "Dropout probability after "
                + "every hidden activation, in [0, 1) (default: ${DEFAULT-VALUE}).")
        float dropout;

        @Option(names = "--init", paramLabel = "NAME", defaultValue = "auto", converter = InitConverter.class,
                description = "Weight init: auto (He for ReLU-family, Xavier for tanh/sigmoid) | he | he-normal | "
                        + "xavier | xavier-normal | small (normal σ 0.01) | zeros (default: ${DEFAULT-VALUE}).")
        InitChoice init;

        void validate() {
            if (!(dropout >= 0 && dropout < 1)) {
                throw new CliException("--dropout must be in [0, 1), found " + dropout);
            }
            if (!(leakySlope >= 0 && leakySlope < 1)) {
                throw new CliException("--leaky-slope must be in [0, 1), found " + leakySlope);
            }
        }

        Initializer initializer() {
            return switch (init) {
                case AUTO -> null;
                case HE -> Initializer.heUniform();
                case HE_NORMAL -> Initializer.heNormal();
                case XAVIER -> Initializer.xavierUniform();
                case XAVIER_NORMAL -> Initializer.xavierNormal();
                case SMALL -> Initializer.normal(0.01);
                case ZEROS -> Initializer.zeros();
            };
        }

        /** dense → [batch norm] → [layer norm] → activation → [dropout] per hidden layer, then dense(classes). */
        ModelSpec spec(int inputs, int classes) {
            validate();
            Initializer in = initializer();
            List<LayerSpec> l = new ArrayList<>();
            for (int h : layers.sizes()) {
                l.add(new LayerSpec.DenseSpec(h, true, in));
                if (batchnorm) {
                    l.add(new LayerSpec.BatchNormSpec(0.1f, 1e-5f));
                }
                if (layernorm) {
                    l.add(new LayerSpec.LayerNormSpec(1e-5f));
                }
                l.add(switch (activation) {
                    case RELU -> new LayerSpec.ActivationSpec(dev.vectrain.nn.Activation.Kind.RELU, 0f);
                    case LEAKY_RELU -> new LayerSpec.ActivationSpec(dev.vectrain.nn.Activation.Kind.LEAKY_RELU, leakySlope);
                    case TANH -> new LayerSpec.ActivationSpec(dev.vectrain.nn.Activation.Kind.TANH, 0f);
                    case SIGMOID -> new LayerSpec.ActivationSpec(dev.vectrain.nn.Activation.Kind.SIGMOID, 0f);
                    case GELU -> new LayerSpec.ActivationSpec(dev.vectrain.nn.Activation.Kind.GELU, 0f);
                });
                if (dropout > 0) {
                    l.add(new LayerSpec.DropoutSpec(dropout));
                }
            }
            l.add(new LayerSpec.DenseSpec(classes, true, in));
            return new ModelSpec(inputs, l);
        }
    }

    /** Optimizer, learning rate, schedule, clipping, batch. */
    static final class OptimOptions {
        @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "adam", converter = OptimizerConverter.class,
                description = "sgd | momentum | nesterov | adam | adamw (default: ${DEFAULT-VALUE}).")
        OptimizerChoice optimizer;

        @Option(names = "--lr", paramLabel = "LR", defaultValue = "0.001",
                description = "Learning rate (peak rate for schedules; default: ${DEFAULT-VALUE}).")
        double lr;

        @Option(names = "--momentum", paramLabel = "MU", defaultValue = "0.9",
                description = "Momentum of momentum/nesterov (default: ${DEFAULT-VALUE}).")
        double momentum;

        @Option(names = "--weight-decay", paramLabel = "L", description = "Weight decay: L2 for sgd/momentum/nesterov/"
                + "adam, decoupled for adamw (default: 0; 0.01 for adamw).")
        Double weightDecay;

        // Cosine decay to --min-lr over the run is the default: with a constant 0.001 the validation loss of the
        // default MLP bottoms out by epoch 4 and early stopping then restores weights 1-2 points less accurate.
        @Option(names = "--schedule", paramLabel = "NAME", defaultValue = "cosine", converter = ScheduleConverter.class,
                description = "constant | step | cosine | warmup-cosine | plateau (default: ${DEFAULT-VALUE}, from --lr "
                        + "down to --min-lr over all epochs).")
        ScheduleChoice schedule;

        @Option(names = "--step-size", paramLabel = "EPOCHS", defaultValue = "3",
                description = "step: multiply the rate by --gamma every this many epochs (default: ${DEFAULT-VALUE}).")
        int stepSize;

        @Option(names = "--gamma", paramLabel = "G", defaultValue = "0.5",
                description = "step: decay factor (default: ${DEFAULT-VALUE}).")
        double gamma;

        @Option(names = "--warmup", paramLabel = "EPOCHS", defaultValue = "1",
                description = "warmup-cosine: linear warmup length in epochs, may be fractional (default: ${DEFAULT-VALUE}).")
        double warmup;

        @Option(names = "--min-lr", paramLabel = "LR", defaultValue = "0",
                description = "cosine/warmup-cosine: final rate; plateau: lowest rate (default: ${DEFAULT-VALUE}).")
        double minLr;

        @Option(names = "--plateau-patience", paramLabel = "EPOCHS", defaultValue = "2",
                description = "plateau: epochs without validation improvement before the rate drops (default: ${DEFAULT-VALUE}).")
        int plateauPatience;

        @Option(names = "--plateau-factor", paramLabel = "F", defaultValue = "0.5",
                description = "plateau: factor applied to the rate (default: ${DEFAULT-VALUE}).")
        double plateauFactor;

        @Option(names = "--clip-norm", paramLabel = "N", description = "Clip the global gradient norm to N (default: off).")
        Double clipNorm;

        @Option(names = "--clip-value", paramLabel = "V", description = "Clip every gradient element to [-V, V] (default: off).")
        Double clipValue;

        @Option(names = "--batch", paramLabel = "N|full", defaultValue = "128", converter = BatchConverter.class,
                description = "Mini-batch size; 1 = pure SGD; 'full' = the whole training set (default: ${DEFAULT-VALUE}).")
        int batch;

        void validate() {
            positiveFinite("--lr", lr);
            if (!(momentum >= 0 && momentum < 1)) {
                throw new CliException("--momentum must be in [0, 1), found " + momentum);
            }
            if (weightDecay != null && !(weightDecay >= 0 && Double.isFinite(weightDecay))) {
                throw new CliException("--weight-decay must be >= 0, found " + weightDecay);
            }
            if (stepSize <= 0) {
                throw new CliException("--step-size must be a positive number of epochs, found " + stepSize);
            }
            if (!(gamma > 0 && gamma <= 1)) {
                throw new CliException("--gamma must be in (0, 1], found " + gamma);
            }
            if (!(warmup >= 0 && Double.isFinite(warmup))) {
                throw new CliException("--warmup must be >= 0 epochs, found " + warmup);
            }
            if (!(minLr >= 0 && minLr <= lr)) {
                throw new CliException("--min-lr must be in [0, --lr], found " + minLr);
            }
            if (plateauPatience < 0) {
                throw new CliException("--plateau-patience must be >= 0, found " + plateauPatience);
            }
            if (!(plateauFactor > 0 && plateauFactor < 1)) {
                throw new CliException("--plateau-factor must be in (0, 1), found " + plateauFactor);
            }
            if (clipNorm != null) {
                positiveFinite("--clip-norm", clipNorm);
            }
            if (clipValue != null) {
                positiveFinite("--clip-value", clipValue);
            }
        }

        Optimizer optimizer() {
            Optimizer o = switch (optimizer) {
                case SGD -> Optimizer.sgd();
                case MOMENTUM -> Optimizer.momentum(momentum);
                case NESTEROV -> Optimizer.nesterov(momentum);
                case ADAM -> Optimizer.adam();
                case ADAMW -> Optimizer.adamW(weightDecay == null ? 0.01 : weightDecay);
            };
            if (optimizer != OptimizerChoice.ADAMW && weightDecay != null && weightDecay > 0) {
                o = o.withWeightDecay(weightDecay);
            }
            return o;
        }

        Clipping clipping() {
            Clipping c = Clipping.none();
            if (clipNorm != null) {
                c = c.andByGlobalNorm(clipNorm);
            }
            if (clipValue != null) {
                c = c.andByValue(clipValue);
            }
            return c;
        }

        int batchSize(int trainRows) {
            return batch == 0 ? trainRows : Math.min(batch, trainRows);
        }

        /** The schedule over optimizer steps for a run of {@code epochs} epochs of {@code stepsPerEpoch} steps. */
        Schedule schedule(int epochs, long stepsPerEpoch) {
            long total = Math.max(1, epochs * stepsPerEpoch);
            return switch (schedule) {
                case CONSTANT, PLATEAU -> Schedule.constant(lr);
                case STEP -> Schedule.byEpoch(Schedule.stepDecay(lr, gamma, stepSize), stepsPerEpoch);
                case COSINE -> Schedule.cosine(lr, total, minLr);
                case WARMUP_COSINE -> Schedule.warmupCosine(lr, Math.min(total, Math.round(warmup * stepsPerEpoch)),
                        total, minLr);
            };
        }

        String describe() {
            StringBuilder b = new StringBuilder(optimizer().toString()).append(", lr ").append(lr)
                    .append(", schedule ").append(display(schedule));
            switch (schedule) {
                case STEP -> b.append(" (×").append(gamma).append(" every ").append(stepSize).append(" epochs)");
                case COSINE -> b.append(" (to ").append(minLr).append(")");
                case WARMUP_COSINE -> b.append(" (warmup ").append(warmup).append(" epochs, to ").append(minLr).append(")");
                case PLATEAU -> b.append(" (×").append(plateauFactor).append(" after ").append(plateauPatience)
                        .append(" epochs without improvement)");
                default -> { }
            }
            if (clipNorm != null) {
                b.append(", clip-norm ").append(clipNorm);
            }
            if (clipValue != null) {
                b.append(", clip-value ").append(clipValue);
            }
            return b.toString();
        }
    }

    /** Seed, threads, verbosity. */
    static final class RunOptions {
        @Option(names = "--seed", paramLabel = "S", defaultValue = "42",
                description = "Seed of the split, initialization, shuffling and dropout (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: the machine's cores).")
        Integer threads;

        @Option(names = "--debug", description = "Print stack traces on errors and debug logging.")
        boolean debug;

        @Option(names = "--quiet", description = "Print only errors and the final result.")
        boolean quiet;

        int threads() {
            if (threads == null) {
                return dev.vectrain.parallel.WorkerPool.defaultThreads();
            }
            if (threads <= 0 || threads > 4096) {
                throw new CliException("--threads must be a positive number, found " + threads);
            }
            return threads;
        }
    }

    static void positiveFinite(String option, double v) {
        if (!(v > 0 && Double.isFinite(v))) {
            throw new CliException(option + " must be a positive number, found " + v);
        }
    }

}
