/*
 * TrainerBuilder: the fluent configuration of a Trainer — loss, optimizer, learning-rate schedule,
 * clipping, batch size, epochs, shuffling, seed, threads, early stopping, reduce-on-plateau, non-finite
 * policy, listeners. It only collects settings; build() allocates everything the trainer will ever use.
 */
package dev.vectrain.train;

import dev.vectrain.loss.Loss;
import dev.vectrain.nn.Model;
import dev.vectrain.optim.Clipping;
import dev.vectrain.optim.NonFinitePolicy;
import dev.vectrain.optim.Optimizer;
import dev.vectrain.parallel.WorkerPool;
import dev.vectrain.schedule.ReduceOnPlateau;
import dev.vectrain.schedule.Schedule;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Settings for a {@link Trainer}; obtain with {@link Trainer#builder(Model)}. */
public final class TrainerBuilder {
    final Model model;
    Loss loss = Loss.softmaxCrossEntropy();
    Optimizer optimizer = Optimizer.adam();
    Schedule schedule = Schedule.constant(1e-3);
    Clipping clipping = Clipping.none();
    NonFinitePolicy nonFinitePolicy = NonFinitePolicy.FAIL;
    int batchSize = 32;
    int evalBatchSize = 0;
    int epochs = 10;
    boolean shuffle = true;
    long seed = 1L;
    int threads = WorkerPool.defaultThreads();
    int patience = -1;
    double minDelta = 0.0;
    boolean restoreBest = true;
    ReduceOnPlateau plateau;
    final List<TrainingListener> listeners = new ArrayList<>();

    TrainerBuilder(Model model) {
        this.model = Objects.requireNonNull(model, "model");
    }

    /** The loss (default softmax cross-entropy). */
    public TrainerBuilder loss(Loss loss) {
        this.loss = Objects.requireNonNull(loss, "loss");
        return this;
    }

    /** The update rule (default Adam). */
    public TrainerBuilder optimizer(Optimizer optimizer) {
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        return this;
    }

    /** A constant learning rate (default 1e-3). */
    public TrainerBuilder learningRate(double lr) {
        return schedule(Schedule.constant(lr));
    }

    /** A learning-rate schedule over optimizer steps. */
    public TrainerBuilder schedule(Schedule schedule) {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        return this;
    }

    /** Gradient clipping (default none). */
    public TrainerBuilder clipping(Clipping clipping) {
        this.clipping = Objects.requireNonNull(clipping, "clipping");
        return this;
    }

    /** What to do with a non-finite gradient (default FAIL). */
    public TrainerBuilder nonFinitePolicy(NonFinitePolicy policy) {
        this.nonFinitePolicy = Objects.requireNonNull(policy, "policy");
        return this;
    }

    /**
     * Rows per step (default 32). Mini-batch: any B; full batch: B = training rows; pure SGD: B = 1.
     * The last batch of an epoch may be smaller.
     */
    public TrainerBuilder batchSize(int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be > 0, found " + batchSize);
        }
        this.batchSize = batchSize;
        return this;
    }

    /** Rows per evaluation batch (default max(batchSize, 256)). */
    public TrainerBuilder evalBatchSize(int rows) {
        if (rows <= 0) {
            throw new IllegalArgumentException("evalBatchSize must be > 0, found " + rows);
        }
        this.evalBatchSize = rows;
        return this;
    }

    /** Total epochs {@link Trainer#fit} runs to (default 10). */
    public TrainerBuilder epochs(int epochs) {
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs must be >= 0, found " + epochs);
        }
        this.epochs = epochs;
        return this;
    }

    /** Shuffle the training rows every epoch (default true). */
    public TrainerBuilder shuffle(boolean shuffle) {
        this.shuffle = shuffle;
        return this;
    }

    /** Seed of shuffling and dropout (default 1). */
    public TrainerBuilder seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Threads of the trainer's own worker pool, the caller included (default WorkerPool.defaultThreads()). */
    public TrainerBuilder threads(int threads) {
        if (threads <= 0) {
            throw new IllegalArgumentException("threads must be > 0, found " + threads);
        }
        this.threads = threads;
        return this;
    }

    /**
     * Stop after {@code patience} epochs in which the validation loss (training loss without a validation set)
     * did not fall by more than {@code minDelta}; the best weights are restored when the run ends.
     */
    public TrainerBuilder earlyStopping(int patience, double minDelta) {
        if (patience < 1 || !(minDelta >= 0)) {
            throw new IllegalArgumentException("need patience >= 1 and minDelta >= 0, found " + patience + ", "
                    + minDelta);
        }
        this.patience = patience;
        this.minDelta = minDelta;
        return this;
    }

    /** Whether early stopping restores the best weights at the end (default true). */
    public TrainerBuilder restoreBestWeights(boolean restore) {
        this.restoreBest = restore;
        return this;
    }

    /** Multiply the learning rate by {@code factor} after {@code patience} epochs without improvement. */
    public TrainerBuilder reduceOnPlateau(double factor, int patience, double minDelta, double minScale) {
        this.plateau = new ReduceOnPlateau(factor, patience, minDelta, minScale);
        return this;
    }

    /** Adds a listener (called in the order added). */
    public TrainerBuilder listener(TrainingListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** Allocates the trainer: pool, layer buffers, optimizer state, batch buffers, best-weights copy. */
    public Trainer build() {
        return new Trainer(this);
    }
}
