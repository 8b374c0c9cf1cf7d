/*
 * NonFiniteGradientException: thrown by the FAIL policy when the gradient norm is NaN or infinite. It
 * carries the step number and the norm; weights were not modified.
 */
package dev.vectrain.optim;

/** The gradient of step {@link #step()} had a non-finite global norm; no weight was changed. */
public final class NonFiniteGradientException extends ArithmeticException {
    private static final long serialVersionUID = 1L;
    private final long step;
    private final double norm;

    /** @param step the optimizer step (0-based) @param norm the offending norm */
    public NonFiniteGradientException(long step, double norm) {
        super("non-finite gradient norm " + norm + " at step " + step + "; weights left unchanged"
                + " (check the learning rate, the inputs for NaN, or use NonFinitePolicy.SKIP)");
        this.step = step;
        this.norm = norm;
    }

    /** The step whose gradient was non-finite. */
    public long step() {
        return step;
    }

    /** The non-finite norm (NaN or ±∞). */
    public double norm() {
        return norm;
    }
}
