/*
 * Loss: a training objective on a batch of model outputs — mean softmax cross-entropy over int labels,
 * mean squared error or mean binary cross-entropy with logits over float targets — computed by the
 * fused, numerically stable kernels. A Loss is stateless and thread-safe; the caller owns every buffer.
 * It is not a metric collector (accuracy lives in the trainer's evaluation).
 */
package dev.vectrain.loss;

import java.util.Locale;

/**
 * Mean loss of {@code rows} outputs of width {@code width} (row-major at {@code out[oOff...]}).
 * Classification losses read {@code labels[lOff + r]}; regression losses read the row-major
 * {@code targets[tOff...]} of the same shape as the output. The unused one may be null.
 */
public interface Loss {
    /** True when the loss reads int class labels, false when it reads float targets. */
    boolean usesLabels();

    /**
     * The mean loss.
     *
     * @param scratch at least {@code rows·width} floats the loss may overwrite (e.g. softmax probabilities)
     */
    double forward(int rows, int width, float[] out, int oOff, int[] labels, int lOff, float[] targets, int tOff,
                   float[] scratch);

    /**
     * The mean loss, and its gradient with respect to the outputs written to {@code grad[0, rows·width)}.
     */
    double forwardBackward(int rows, int width, float[] out, int oOff, int[] labels, int lOff, float[] targets,
                           int tOff, float[] grad);

    /** Stable name, readable by {@link #parse}: {@code softmax_cross_entropy}, {@code mse}, {@code bce_with_logits}. */
    String name();

    /** Softmax cross-entropy over int labels; the model outputs logits. */
    static Loss softmaxCrossEntropy() {
        return Losses.SoftmaxCrossEntropyLoss.INSTANCE;
    }

    /** Mean squared error over all output elements. */
    static Loss mse() {
        return Losses.MseLoss.INSTANCE;
    }

    /** Binary cross-entropy with logits over all output elements (targets in [0, 1]). */
    static Loss bceWithLogits() {
        return Losses.BceLoss.INSTANCE;
    }

    /** Reads a {@link #name()} (also accepts {@code cross_entropy}, {@code ce}, {@code bce}). */
    static Loss parse(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "softmax_cross_entropy", "cross_entropy", "ce" -> softmaxCrossEntropy();
            case "mse" -> mse();
            case "bce_with_logits", "bce" -> bceWithLogits();
            default -> throw new IllegalArgumentException("unknown loss '" + name
                    + "'; expected softmax_cross_entropy, mse or bce_with_logits");
        };
    }
}
