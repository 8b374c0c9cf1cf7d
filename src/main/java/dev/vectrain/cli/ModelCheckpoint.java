/*
 * ModelCheckpoint: what the CLI puts in a checkpoint file and takes back out — the trainer's complete
 * TrainerState (architecture, parameters, optimizer state, schedule step, RNG states, data order, epoch
 * counter, early-stopping and plateau state, history), the fitted Standardizer, the per-step learning rates
 * so far, class names and the command line. The file format itself is dev.vectrain.io.Checkpoint.
 */
package dev.vectrain.cli;

import dev.vectrain.data.Standardizer;
import dev.vectrain.io.Checkpoint;
import dev.vectrain.io.CheckpointException;
import dev.vectrain.kernel.Vec;
import dev.vectrain.schedule.ReduceOnPlateau;
import dev.vectrain.train.TrainerState;
import java.nio.file.Path;
import java.util.List;

/** TrainerState + standardizer ⇄ Checkpoint. */
final class ModelCheckpoint {
    static final String MODEL_STATE = "model.state";
    static final String OPTIMIZER = "optimizer";
    static final String OPTIMIZER_STATE = "optimizer.state.";
    static final String OPTIMIZER_COUNTERS = "optimizer.counters";   // steps (schedule step), updates, skipped
    static final String EPOCH = "epoch";
    static final String RNG_SHUFFLE = "rng.shuffle";
    static final String RNG_DROPOUT = "rng.dropout";
    static final String DATA_ORDER = "data.order";
    static final String EARLY_BEST = "early.best_monitored";
    static final String EARLY_COUNTERS = "early.counters";           // best epoch (0-based, -1 none), bad epochs
    static final String EARLY_BEST_VALUES = "early.best_values";
    static final String EARLY_BEST_STATE = "early.best_model_state";
    static final String PLATEAU = "plateau";                         // best, bad epochs, scale
    static final String HISTORY = "history.";
    static final String STATE_VERSION = "trainer_state.version";
    static final String LR_STEPS = "lr.per_step";
    static final String CLASS_NAMES = "classes.names";
    static final String COMMAND = "command";
    static final String SETTINGS = "settings";                       // what must match for an exact resume
    static final String VECTOR_BITS = "vector_bits";                 // the kernels' vector width (sums' lane order)

    private ModelCheckpoint() {
    }

    static Checkpoint of(TrainerState s, Standardizer st, double[] lrSteps, List<String> classNames, String command,
                         String settings) {
        return fill(new Checkpoint(), s, st, lrSteps, classNames, command, settings);
    }

    /**
     * Like {@link #of}, but the checkpoint keeps {@code s}'s arrays instead of copying them: with a trainer's
     * {@code stateView()}, a periodic checkpoint allocates no copy of the weights and optimizer state (which would
     * otherwise be promoted into the old generation at every epoch). Write it at once.
     */
    static Checkpoint sharing(TrainerState s, Standardizer st, double[] lrSteps, List<String> classNames,
                              String command, String settings) {
        return fill(Checkpoint.sharing(), s, st, lrSteps, classNames, command, settings);
    }

    private static Checkpoint fill(Checkpoint c, TrainerState s, Standardizer st, double[] lrSteps,
                                   List<String> classNames, String command, String settings) {
        c.put(Checkpoint.ARCHITECTURE, s.modelSpec())
                .put(Checkpoint.STANDARDIZER_MEAN, st.mean()).put(Checkpoint.STANDARDIZER_STD, st.std())
                .put(Checkpoint.PARAMETERS, s.values()).put(MODEL_STATE, s.modelState())
                .putLong(STATE_VERSION, s.version())
                .put(OPTIMIZER, s.optimizer())
                .put(OPTIMIZER_COUNTERS, new long[] {s.optimizerSteps(), s.optimizerUpdates(), s.skippedSteps()});
        for (int i = 0; i < s.optimizerState().length; i++) {
            c.put(OPTIMIZER_STATE + i, s.optimizerState()[i]);
        }
        c.putLong(EPOCH, s.epoch()).putLong(RNG_SHUFFLE, s.shuffleRngState()).put(RNG_DROPOUT, s.dropoutRngStates())
                .put(DATA_ORDER, s.permutation()).putDouble(EARLY_BEST, s.bestMonitored())
                .put(EARLY_COUNTERS, new long[] {s.bestEpoch(), s.badEpochs()})
                .put(EARLY_BEST_VALUES, s.bestValues()).put(EARLY_BEST_STATE, s.bestModelState());
        if (s.plateau() != null) {
            c.put(PLATEAU, new double[] {s.plateau().best(), s.plateau().badEpochs(), s.plateau().scale()});
        }
        for (int i = 0; i < s.history().length; i++) {
            c.put(HISTORY + i, s.history()[i]);
        }
        c.put(LR_STEPS, lrSteps);
        if (classNames != null) {
            c.put(CLASS_NAMES, String.join("\n", classNames));
        }
        c.put(COMMAND, command);
        c.put(SETTINGS, settings);
        c.putLong(VECTOR_BITS, Vec.SPECIES.vectorBitSize());
        return c;
    }

    static Standardizer standardizer(Path file, Checkpoint c) throws CheckpointException {
        try {
            return Standardizer.of(c.floats(Checkpoint.STANDARDIZER_MEAN), c.floats(Checkpoint.STANDARDIZER_STD));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file + ": bad standardizer in the checkpoint: " + e.getMessage());
        }
    }

    static TrainerState state(Path file, Checkpoint c) throws CheckpointException {
        try {
            long[] opt = c.longs(OPTIMIZER_COUNTERS);
            int nState = 0;
            while (c.has(OPTIMIZER_STATE + nState)) {
                nState++;
            }
            float[][] optState = new float[nState][];
            for (int i = 0; i < nState; i++) {
                optState[i] = c.floats(OPTIMIZER_STATE + i);
            }
            int nHist = 0;
            while (c.has(HISTORY + nHist)) {
                nHist++;
            }
            double[][] hist = new double[nHist][];
            for (int i = 0; i < nHist; i++) {
                hist[i] = c.doubles(HISTORY + i);
            }
            ReduceOnPlateau.State plateau = null;
            if (c.has(PLATEAU)) {
                double[] p = c.doubles(PLATEAU);
                plateau = new ReduceOnPlateau.State(p[0], (int) p[1], p[2]);
            }
            long[] early = c.longs(EARLY_COUNTERS);
            return new TrainerState((int) c.getLong(STATE_VERSION), c.string(Checkpoint.ARCHITECTURE),
                    c.floats(Checkpoint.PARAMETERS), c.floats(MODEL_STATE), c.string(OPTIMIZER), optState, opt[0], opt[1],
                    opt[2], (int) c.getLong(EPOCH), c.getLong(RNG_SHUFFLE), c.longs(RNG_DROPOUT), c.ints(DATA_ORDER),
                    c.getDouble(EARLY_BEST), (int) early[0], (int) early[1], c.floats(EARLY_BEST_VALUES),
                    c.floats(EARLY_BEST_STATE), plateau, hist);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new CheckpointException(file + ": the checkpoint lacks training state (" + e.getMessage() + ")");
        }
    }

    static double[] lrSteps(Checkpoint c) {
        return c.has(LR_STEPS) ? c.doubles(LR_STEPS) : new double[0];
    }

    static List<String> classNames(Checkpoint c) {
        return c.has(CLASS_NAMES) ? List.of(c.string(CLASS_NAMES).split("\n")) : null;
    }

    /** The architecture text without initializer names, which do not matter once weights exist. */
    static String architectureKey(String spec) {
        return spec.replaceAll(",init=[^,()]*(\\([^)]*\\))?", "");
    }
}
