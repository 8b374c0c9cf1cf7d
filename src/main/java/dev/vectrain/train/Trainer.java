/*
 * Trainer: the training loop — shuffle (seeded permutation), gather a mini-batch, forward, loss, backward,
 * one fused optimizer update (clip + schedule folded in), and at every epoch end validation, history,
 * early stopping, reduce-on-plateau and listeners. Mini-batch, full batch and pure SGD share this one path.
 * Everything is allocated in the constructor; steps and evaluation batches allocate nothing. It owns its
 * worker pool (close it). It is not thread-safe: one thread drives a trainer; inference for other threads
 * goes through Predictor / SharedPredictor.
 */
package dev.vectrain.train;

import dev.vectrain.data.Dataset;
import dev.vectrain.init.Rng;
import dev.vectrain.kernel.Vec;
import dev.vectrain.loss.Loss;
import dev.vectrain.nn.Model;
import dev.vectrain.nn.Parameters;
import dev.vectrain.nn.Sequential;
import dev.vectrain.optim.Updater;
import dev.vectrain.parallel.WorkerPool;
import dev.vectrain.schedule.ReduceOnPlateau;
import dev.vectrain.schedule.Schedule;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a {@link Model} in place. Typical use:
 * <pre>{@code
 * try (Trainer t = Trainer.builder(model).optimizer(Optimizer.adam()).learningRate(1e-3)
 *         .clipping(Clipping.byGlobalNorm(1.0)).batchSize(128).epochs(10).earlyStopping(3, 1e-4).build()) {
 *     History h = t.fit(train, validation);
 * }
 * }</pre>
 */
public final class Trainer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    private static final long DROPOUT_SEED_SALT = 0x6A09E667F3BCC909L;

    private final Model model;
    private final Parameters params;
    private final Loss loss;
    private final Schedule schedule;
    private final int batchSize;
    private final int epochs;
    private final boolean shuffle;
    private final WorkerPool pool;
    private final Sequential net;
    private final Predictor evaluator;
    private final Updater updater;
    private final ReduceOnPlateau plateau;      // null when not configured
    private final EarlyStopping early;          // null when not configured
    private final TrainingListener[] listeners;
    private final Rng shuffleRng;
    private final int width;
    private final float[] batchX;               // (batchSize, inputSize) gathered features
    private final int[] batchLabels;            // (batchSize) gathered labels
    private final float[] batchTargets;         // (batchSize, outputSize) gathered targets
    private final float[] dOut;                 // (batchSize, outputSize) loss gradient
    private final Evaluation validationResult = new Evaluation();
    private final History history = new History();
    private int[] permutation = new int[0];     // (training rows) data order of the current epoch
    private int epoch;
    private int currentEpoch;
    private volatile boolean stopRequested;
    private double lastLoss = Double.NaN;
    private double lastLr = Double.NaN;

    Trainer(TrainerBuilder b) {
        this.model = b.model;
        this.params = model.parameters();
        this.loss = b.loss;
        this.schedule = b.schedule;
        this.batchSize = b.batchSize;
        this.epochs = b.epochs;
        this.shuffle = b.shuffle;
        this.width = model.outputSize();
        this.pool = new WorkerPool(b.threads);
        this.net = model.newNetwork(batchSize, b.seed ^ DROPOUT_SEED_SALT);
        int evalBatch = b.evalBatchSize > 0 ? b.evalBatchSize : Math.max(batchSize, 256);
        this.evaluator = new Predictor(model, loss, evalBatch, pool, false);
        this.updater = new Updater(b.optimizer, b.clipping, b.nonFinitePolicy, params, pool);
        this.plateau = b.plateau == null ? null : b.plateau.freshCopy();
        this.early = b.patience > 0 ? new EarlyStopping(b.patience, b.minDelta, b.restoreBest, params) : null;
        this.listeners = b.listeners.toArray(new TrainingListener[0]);
        this.shuffleRng = new Rng(b.seed);
        this.batchX = new float[batchSize * model.inputSize()];
        this.batchLabels = new int[batchSize];
        this.batchTargets = new float[batchSize * width];
        this.dOut = new float[batchSize * width + Vec.LANES];   // (batchSize, width) + one vector: see Dense.y
    }

    /** Starts configuring a trainer for {@code model}. */
    public static TrainerBuilder builder(Model model) {
        return new TrainerBuilder(model);
    }

    /**
     * Trains epochs {@link #epoch()} … {@code epochs − 1} on {@code train}, validating on {@code validation}
     * (may be null) after each. Stops early on patience or {@link #requestStop()}; then, if early stopping is
     * configured, restores the best weights — also when an exception ends the run.
     *
     * @return the history (live object, also {@link #history()})
     */
    public History fit(Dataset train, Dataset validation) {
        checkData(model, loss, train, "train");
        if (validation != null) {
            checkData(model, loss, validation, "validation");
        }
        int n = train.rows();
        if (n == 0) {
            throw new IllegalArgumentException("train has no rows");
        }
        if (permutation.length != n) {
            if (permutation.length != 0) {
                throw new IllegalArgumentException("restored data order has " + permutation.length
                        + " rows but train has " + n);
            }
            permutation = new int[n];
            for (int i = 0; i < n; i++) {
                permutation[i] = i;
            }
        }
        stopRequested = false;
        try {
            if (early != null && early.shouldStop()) {
                return history;
            }
            while (epoch < epochs && !stopRequested) {
                runEpoch(train, validation);
                if (early != null && early.shouldStop()) {
                    LOG.info("early stopping after epoch {}: no improvement for {} epochs (best epoch {})",
                            epoch, early.badEpochs, early.bestEpoch + 1);
                    break;
                }
            }
        } finally {
            if (early != null && early.restore(params)) {
                LOG.info("restored the weights of epoch {} (monitored loss {})", early.bestEpoch + 1, early.best);
            }
        }
        return history;
    }

    /** {@link #fit(Dataset, Dataset)} without a validation set (early stopping then watches the training loss). */
    public History fit(Dataset train) {
        return fit(train, null);
    }

    private void runEpoch(Dataset train, Dataset validation) {
        int n = train.rows();
        currentEpoch = epoch;
        if (shuffle) {
            shuffleRng.shuffle(permutation, n);
        }
        long skippedBefore = updater.skipped();
        long start = System.nanoTime();
        double lossSum = 0;
        double normSum = 0;
        int applied = 0;
        int appliedRows = 0;
        int seen = 0;
        for (int r = 0; r < n && !stopRequested; r += batchSize) {
            int rows = Math.min(batchSize, n - r);
            gather(train, r, rows);
            double l = train.isClassification()
                    ? step(batchX, 0, batchLabels, 0, rows)
                    : step(batchX, 0, batchTargets, 0, rows);
            seen += rows;
            if (!updater.lastSkipped()) {
                lossSum += l * rows;
                normSum += updater.lastNorm();
                applied++;
                appliedRows += rows;
            }
        }
        double seconds = (System.nanoTime() - start) * 1e-9;
        double trainLoss = applied == 0 ? Double.NaN : lossSum / appliedRows;
        double valLoss = Double.NaN;
        double valAcc = Double.NaN;
        if (validation != null && validation.rows() > 0) {
            evaluator.evaluate(validation, validationResult);
            valLoss = validationResult.loss();
            valAcc = validationResult.accuracy();
        }
        history.add(trainLoss, valLoss, valAcc, lastLr, applied == 0 ? Double.NaN : normSum / applied, seconds,
                seen / Math.max(seconds, 1e-9), updater.skipped() - skippedBefore);
        double monitored = validation != null && validation.rows() > 0 ? valLoss : trainLoss;
        if (early != null) {
            early.observe(epoch, monitored, params);
        }
        if (plateau != null && plateau.observe(monitored)) {
            LOG.info("validation loss plateaued: learning-rate scale now {}", plateau.scale());
        }
        int finished = epoch;
        epoch++;
        if (LOG.isInfoEnabled()) {
            LOG.info(String.format("epoch %d/%d: train loss %.5f, val loss %.5f, val acc %.4f, lr %.3g, %.2f s, %.0f samples/s",
                    epoch, epochs, trainLoss, valLoss, valAcc, lastLr, seconds, seen / Math.max(seconds, 1e-9)));
        }
        for (TrainingListener l : listeners) {
            l.onEpochEnd(this, finished);
        }
    }

    /** Copies rows permutation[r0 …] into the batch buffers; the dataset decodes and standardizes the features. */
    private void gather(Dataset d, int r0, int rows) {
        d.gatherRows(permutation, r0, rows, batchX, 0);
        for (int i = 0; i < rows; i++) {
            int src = permutation[r0 + i];
            if (d.isClassification()) {
                batchLabels[i] = d.labels()[src];
            } else {
                System.arraycopy(d.targets(), src * width, batchTargets, i * width, width);
            }
        }
    }

    /**
     * One training step on {@code rows ≤ batchSize} rows with class labels: zero grads, forward, loss,
     * backward, fused update at the scheduled learning rate. Allocates nothing.
     *
     * @return the batch's mean loss (before the update)
     * @throws dev.vectrain.optim.NonFiniteGradientException under the FAIL policy (weights unchanged)
     */
    public double step(float[] features, int featuresOff, int[] labels, int labelsOff, int rows) {
        if (!loss.usesLabels()) {
            throw new IllegalArgumentException(loss.name() + " needs float targets, not int labels");
        }
        return doStep(features, featuresOff, labels, labelsOff, null, 0, rows);
    }

    /** One training step on {@code rows} rows with float targets (rows × outputSize). See the label variant. */
    public double step(float[] features, int featuresOff, float[] targets, int targetsOff, int rows) {
        if (loss.usesLabels()) {
            throw new IllegalArgumentException(loss.name() + " needs int labels, not float targets");
        }
        return doStep(features, featuresOff, null, 0, targets, targetsOff, rows);
    }

    private double doStep(float[] x, int xOff, int[] labels, int lOff, float[] targets, int tOff, int rows) {
        if (rows <= 0 || rows > batchSize) {
            throw new IllegalArgumentException("rows must be in [1, batchSize = " + batchSize + "], found " + rows);
        }
        params.zeroGrads();
        float[] out = net.forward(pool, x, xOff, rows);
        double l = loss.forwardBackward(rows, width, out, 0, labels, lOff, targets, tOff, dOut);
        net.backward(pool, dOut, rows);
        long step = updater.steps();
        double lr = schedule.at(step) * (plateau == null ? 1.0 : plateau.scale());
        lastLr = lr;
        lastLoss = l;
        double norm = updater.step(lr);
        for (TrainingListener t : listeners) {
            t.onStep(this, step, currentEpoch, l, lr, norm);
        }
        return l;
    }

    /** Mean loss and accuracy of the model on {@code data} (evaluation mode, trainer's pool). */
    public Evaluation evaluate(Dataset data) {
        return evaluator.evaluate(data, new Evaluation());
    }

    /** Like {@link #evaluate(Dataset)} into a reused result; allocates nothing. */
    public Evaluation evaluate(Dataset data, Evaluation into) {
        return evaluator.evaluate(data, into);
    }

    /** A new serial inference handle for another thread (see {@link Predictor}). */
    public Predictor newPredictor(int maxBatch) {
        return Predictor.of(model, loss, maxBatch);
    }

    /**
     * The "overfit one batch" check: trains up to {@code maxSteps} steps on the first {@code rows} rows of
     * {@code data} (≤ batchSize) and passes when the loss falls to {@code targetRatio} × its initial value or
     * below. The model, optimizer and counters are put back afterwards, so it can run before {@link #fit}.
     */
    public OverfitReport overfitOneBatch(Dataset data, int rows, int maxSteps, double targetRatio) {
        checkData(model, loss, data, "data");
        if (rows <= 0 || rows > Math.min(batchSize, data.rows())) {
            throw new IllegalArgumentException("rows must be in [1, min(batchSize, data rows)], found " + rows);
        }
        TrainerState saved = exportState();
        try {
            return OverfitCheck.run(this, evaluator, data, rows, maxSteps, targetRatio, schedule.at(0) == 0.0);
        } finally {
            restore(saved);
        }
    }

    /** Asks the running {@link #fit} to stop after the current step (callable from listeners or other threads). */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * The full state at the current point; call it between epochs (e.g. from
     * {@link TrainingListener#onEpochEnd}) for an exact resume. Allocates copies.
     */
    public TrainerState exportState() {
        return state(true);
    }

    /**
     * The same state as {@link #exportState()}, but its parameter, optimizer, data-order and best-weight arrays
     * are the trainer's own live buffers, not copies (megabytes for a real model): use it at once — e.g. to
     * write a checkpoint from {@link TrainingListener#onEpochEnd} — and neither keep nor change it; the next
     * step changes those arrays. Small parts (counters, RNG states, history) are still copies.
     */
    public TrainerState stateView() {
        return state(false);
    }

    private TrainerState state(boolean copy) {
        return new TrainerState(TrainerState.VERSION, model.spec().toString(), copy(params.values(), copy),
                copy(params.state(), copy), updater.optimizer().toString(),
                copy ? updater.exportState() : updater.liveState(), updater.steps(),
                updater.updates(), updater.skipped(), epoch, shuffleRng.state(), net.dropoutStates(),
                copy ? permutation.clone() : permutation,
                early == null ? Double.POSITIVE_INFINITY : early.best,
                early == null ? -1 : early.bestEpoch,
                early == null ? 0 : early.badEpochs,
                early == null ? new float[0] : copy(early.bestValues, copy),
                early == null ? new float[0] : copy(early.bestState, copy),
                plateau == null ? null : plateau.state(),
                history.columns());
    }

    private static float[] copy(float[] a, boolean copy) {
        return copy ? a.clone() : a;
    }

    /**
     * Continues from {@code state}: the next {@link #fit} with the same data and settings produces bitwise the
     * weights an uninterrupted run would have.
     *
     * @throws IllegalArgumentException when the state does not fit this trainer's model or optimizer
     */
    public void restore(TrainerState state) {
        Objects.requireNonNull(state, "state");
        if (state.version() != TrainerState.VERSION) {
            throw new IllegalArgumentException("trainer state version " + state.version() + ", expected "
                    + TrainerState.VERSION);
        }
        if (!state.modelSpec().equals(model.spec().toString())) {
            throw new IllegalArgumentException("state is for model '" + state.modelSpec() + "', this trainer trains '"
                    + model.spec() + "'");
        }
        if (!state.optimizer().equals(updater.optimizer().toString())) {
            throw new IllegalArgumentException("state was written by " + state.optimizer() + ", this trainer runs "
                    + updater.optimizer());
        }
        params.copyFrom(state.values(), state.modelState());
        updater.restore(state.optimizerSteps(), state.optimizerUpdates(), state.skippedSteps(), state.optimizerState());
        epoch = state.epoch();
        currentEpoch = epoch;
        shuffleRng.setState(state.shuffleRngState());
        net.restoreDropoutStates(state.dropoutRngStates());
        permutation = state.permutation().clone();
        if (early != null) {
            early.best = state.bestMonitored();
            early.bestEpoch = state.bestEpoch();
            early.badEpochs = state.badEpochs();
            if (early.restoreBest && state.bestValues().length == early.bestValues.length) {
                System.arraycopy(state.bestValues(), 0, early.bestValues, 0, early.bestValues.length);
                System.arraycopy(state.bestModelState(), 0, early.bestState, 0, early.bestState.length);
            }
        }
        if (plateau != null) {
            if (state.plateau() != null) {
                plateau.restore(state.plateau());
            } else {
                plateau.reset();
            }
        }
        history.replaceWith(History.fromColumns(state.history()));
    }

    static void checkData(Model model, Loss loss, Dataset d, String name) {
        Objects.requireNonNull(d, name);
        if (d.featureCount() != model.inputSize()) {
            throw new IllegalArgumentException(name + " has " + d.featureCount() + " features, the model takes "
                    + model.inputSize());
        }
        if (loss.usesLabels() != d.isClassification()) {
            throw new IllegalArgumentException(loss.name() + " needs " + (loss.usesLabels() ? "class labels" : "float targets")
                    + " but " + name + " has " + (d.isClassification() ? "class labels" : "float targets"));
        }
        if (d.isClassification() && d.classes() > model.outputSize()) {
            throw new IllegalArgumentException(name + " has " + d.classes() + " classes, the model outputs "
                    + model.outputSize());
        }
        if (!d.isClassification() && d.targetCount() != model.outputSize()) {
            throw new IllegalArgumentException(name + " has " + d.targetCount() + " targets per row, the model outputs "
                    + model.outputSize());
        }
    }

    /** The per-epoch record (live). */
    public History history() {
        return history;
    }

    /** The model being trained (live). */
    public Model model() {
        return model;
    }

    /** Completed epochs. */
    public int epoch() {
        return epoch;
    }

    /** Optimizer steps taken (the schedule's step). */
    public long globalStep() {
        return updater.steps();
    }

    /** Steps skipped for a non-finite gradient. */
    public long skippedSteps() {
        return updater.skipped();
    }

    /** Loss of the last step. */
    public double lastLoss() {
        return lastLoss;
    }

    /** Learning rate of the last step. */
    public double lastLearningRate() {
        return lastLr;
    }

    /** Pre-clip gradient norm of the last step. */
    public double lastGradNorm() {
        return updater.lastNorm();
    }

    /** Rows per training step. */
    public int batchSize() {
        return batchSize;
    }

    /** The trainer's own pool. */
    public WorkerPool pool() {
        return pool;
    }

    /** Stops the worker threads. */
    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "Trainer[" + model + ", " + updater.optimizer() + ", " + schedule + ", " + updater.clipping()
                + ", batch " + batchSize + ", epochs " + epochs + ", threads " + pool.threads() + "]";
    }
}
