/*
 * TrainingListener: callbacks the trainer makes after every step and at every epoch end, with primitive
 * arguments only (no boxing, no event objects). It is not a logger; the trainer logs through slf4j itself.
 */
package dev.vectrain.train;

/** Receives training events on the training thread. Both methods default to doing nothing. */
public interface TrainingListener {
    /**
     * After every optimizer step.
     *
     * @param step     the step just taken (0-based, counts skipped steps)
     * @param epoch    the epoch it belongs to (0-based)
     * @param loss     the batch's mean loss
     * @param lr       the learning rate used
     * @param gradNorm the pre-clip global gradient norm (non-finite when the step was skipped)
     */
    default void onStep(Trainer trainer, long step, int epoch, double loss, double lr, double gradNorm) {
    }

    /**
     * After epoch {@code epoch} (0-based) finished: validation done, {@code trainer.history()} has its row,
     * early stopping and plateau state updated. A consistent point for {@link Trainer#exportState()}; calling
     * {@link Trainer#requestStop()} here ends the run.
     */
    default void onEpochEnd(Trainer trainer, int epoch) {
    }
}
