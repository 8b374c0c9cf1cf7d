/*
 * NonFinitePolicy: what an update does when the gradient norm is NaN or infinite. Either way the check
 * happens before any weight or moment changes.
 */
package dev.vectrain.optim;

/** Reaction to a non-finite global gradient norm. */
public enum NonFinitePolicy {
    /** Throw {@link NonFiniteGradientException} naming the step; weights stay as they were. */
    FAIL,
    /** Leave weights and optimizer state untouched, count the skipped step, and go on. */
    SKIP
}
