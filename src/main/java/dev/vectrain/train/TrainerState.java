/*
 * TrainerState: everything a trainer needs to continue a run bit for bit from an epoch boundary — model
 * architecture and arenas, optimizer state and counters, RNG states, data order, epoch counter, early
 * stopping and plateau state, history. A plain immutable-by-convention value for the checkpoint writer.
 * It is not a file format (dev.vectrain.io owns that) and it copies nothing on access.
 */
package dev.vectrain.train;

import dev.vectrain.schedule.ReduceOnPlateau;

/**
 * Snapshot taken by {@link Trainer#exportState()} and applied by {@link Trainer#restore(TrainerState)}.
 * Arrays are owned by the snapshot (copies of the trainer's); do not modify them. A state from
 * {@link Trainer#stateView()} shares the large arrays with the trainer instead, and is only valid until its next step.
 *
 * @param version          {@link #VERSION} of this layout
 * @param modelSpec        {@code ModelSpec.toString()}; restore checks it matches the trainer's model
 * @param values           trainable parameter values (arena order)
 * @param modelState       non-trainable model state (batch-norm running statistics)
 * @param optimizer        {@code Optimizer.toString()}, informative
 * @param optimizerState   {} (SGD), {velocity} (momentum) or {m, v} (Adam/AdamW), each of arena length
 * @param optimizerSteps   step calls so far (the schedule's step)
 * @param optimizerUpdates applied updates (Adam's t)
 * @param skippedSteps     steps skipped for a non-finite gradient
 * @param epoch            completed epochs
 * @param shuffleRngState  state of the shuffling generator
 * @param dropoutRngStates states of the dropout layers' generators, in layer order
 * @param permutation      the data order of the last epoch (length = training rows), or empty before the first
 * @param bestMonitored    best monitored loss so far (+∞ if none)
 * @param bestEpoch        epoch (0-based) of the best loss, -1 if none
 * @param badEpochs        epochs since the last improvement
 * @param bestValues       parameter values at the best epoch (empty when best weights are not tracked)
 * @param bestModelState   model state at the best epoch (empty when not tracked)
 * @param plateau          reduce-on-plateau state, or null when not configured
 * @param history          per-epoch columns in {@link History.Column} order
 */
public record TrainerState(
        int version,
        String modelSpec,
        float[] values,
        float[] modelState,
        String optimizer,
        float[][] optimizerState,
        long optimizerSteps,
        long optimizerUpdates,
        long skippedSteps,
        int epoch,
        long shuffleRngState,
        long[] dropoutRngStates,
        int[] permutation,
        double bestMonitored,
        int bestEpoch,
        int badEpochs,
        float[] bestValues,
        float[] bestModelState,
        ReduceOnPlateau.State plateau,
        double[][] history) {
    /** Current layout version. */
    public static final int VERSION = 1;
}
