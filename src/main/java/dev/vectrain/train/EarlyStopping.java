/*
 * EarlyStopping: patience/min-delta bookkeeping on the monitored loss plus the preallocated copy of the
 * best weights (values and model state) that is restored when a run ends. Package-private, owned by one
 * Trainer. It decides nothing about learning rates (ReduceOnPlateau does).
 */
package dev.vectrain.train;

import dev.vectrain.nn.Parameters;

final class EarlyStopping {
    final int patience;          // Integer.MAX_VALUE: never stop, only track the best
    final double minDelta;
    final boolean restoreBest;
    final float[] bestValues;    // (size) or empty
    final float[] bestState;     // (stateSize) or empty
    double best = Double.POSITIVE_INFINITY;
    int bestEpoch = -1;
    int badEpochs;

    EarlyStopping(int patience, double minDelta, boolean restoreBest, Parameters p) {
        this.patience = patience;
        this.minDelta = minDelta;
        this.restoreBest = restoreBest;
        this.bestValues = new float[restoreBest ? p.size() : 0];
        this.bestState = new float[restoreBest ? p.stateSize() : 0];
    }

    /** Records epoch {@code epoch}'s monitored loss; copies the weights when it improved. */
    void observe(int epoch, double monitored, Parameters p) {
        if (monitored < best - minDelta) {
            best = monitored;
            bestEpoch = epoch;
            badEpochs = 0;
            if (restoreBest) {
                p.copyTo(bestValues, bestState);
            }
        } else {
            badEpochs++;
        }
    }

    boolean shouldStop() {
        return badEpochs >= patience;
    }

    /** Puts the best weights back; returns false when there is nothing to restore. */
    boolean restore(Parameters p) {
        if (!restoreBest || bestEpoch < 0) {
            return false;
        }
        p.copyFrom(bestValues, bestState);
        return true;
    }

    void reset() {
        best = Double.POSITIVE_INFINITY;
        bestEpoch = -1;
        badEpochs = 0;
    }
}
