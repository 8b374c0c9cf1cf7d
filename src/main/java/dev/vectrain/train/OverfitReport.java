/*
 * OverfitReport: the verdict of the "overfit one batch" sanity check — did the loss on one small batch
 * fall far enough, from what to what, in how many steps, and a message that says what to check if not.
 */
package dev.vectrain.train;

/**
 * Verdict of {@link Trainer#overfitOneBatch}.
 *
 * @param passed      true when the final loss fell to at most {@code targetRatio} × the initial loss
 * @param initialLoss loss before the first step
 * @param finalLoss   loss after the last step
 * @param steps       steps taken
 * @param message     a human-readable verdict with hints on failure
 */
public record OverfitReport(boolean passed, double initialLoss, double finalLoss, int steps, String message) {
}
