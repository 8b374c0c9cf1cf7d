/*
 * Evaluation: the result of evaluating a model on a dataset — mean loss, accuracy and row count. Mutable
 * so that a caller can reuse one instance and evaluate without allocating. It is not thread-safe.
 */
package dev.vectrain.train;

/** Mean loss and accuracy over some rows; accuracy is NaN for regression with MSE. */
public final class Evaluation {
    private double loss = Double.NaN;
    private double accuracy = Double.NaN;
    private int rows;

    /** Mean loss over the rows. */
    public double loss() {
        return loss;
    }

    /** Fraction of correct predictions (argmax for softmax, sign for BCE), NaN for MSE. */
    public double accuracy() {
        return accuracy;
    }

    /** Number of rows evaluated. */
    public int rows() {
        return rows;
    }

    void set(double loss, double accuracy, int rows) {
        this.loss = loss;
        this.accuracy = accuracy;
        this.rows = rows;
    }

    @Override
    public String toString() {
        return "Evaluation[loss=" + loss + ", accuracy=" + accuracy + ", rows=" + rows + "]";
    }
}
