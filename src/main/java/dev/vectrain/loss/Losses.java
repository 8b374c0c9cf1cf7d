/*
 * Losses: the three Loss implementations as thin adapters over the kernels SoftmaxCrossEntropy, Mse and
 * BceWithLogits. Package-private; users go through the factories on Loss.
 */
package dev.vectrain.loss;

import dev.vectrain.kernel.BceWithLogits;
import dev.vectrain.kernel.Mse;
import dev.vectrain.kernel.SoftmaxCrossEntropy;

final class Losses {
    private Losses() {
    }

    /** The name and label use every loss shares; subclasses add only the kernel calls. */
    private abstract static class Named implements Loss {
        private final String name;
        private final boolean labels;

        Named(String name, boolean labels) {
            this.name = name;
            this.labels = labels;
        }

        @Override
        public boolean usesLabels() {
            return labels;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static final class SoftmaxCrossEntropyLoss extends Named {
        static final SoftmaxCrossEntropyLoss INSTANCE = new SoftmaxCrossEntropyLoss();

        private SoftmaxCrossEntropyLoss() {
            super("softmax_cross_entropy", true);
        }

        @Override
        public double forward(int rows, int width, float[] out, int oOff, int[] labels, int lOff, float[] targets,
                              int tOff, float[] scratch) {
            return SoftmaxCrossEntropy.forward(rows, width, out, oOff, labels, lOff, scratch, 0);
        }

        @Override
        public double forwardBackward(int rows, int width, float[] out, int oOff, int[] labels, int lOff,
                                      float[] targets, int tOff, float[] grad) {
            double loss = SoftmaxCrossEntropy.forward(rows, width, out, oOff, labels, lOff, grad, 0);
            SoftmaxCrossEntropy.backward(rows, width, grad, 0, labels, lOff, grad, 0);
            return loss;
        }
    }

    static final class MseLoss extends Named {
        static final MseLoss INSTANCE = new MseLoss();

        private MseLoss() {
            super("mse", false);
        }

        @Override
        public double forward(int rows, int width, float[] out, int oOff, int[] labels, int lOff, float[] targets,
                              int tOff, float[] scratch) {
            return Mse.forward(rows * width, out, oOff, targets, tOff);
        }

        @Override
        public double forwardBackward(int rows, int width, float[] out, int oOff, int[] labels, int lOff,
                                      float[] targets, int tOff, float[] grad) {
            double loss = Mse.forward(rows * width, out, oOff, targets, tOff);
            Mse.backward(rows * width, out, oOff, targets, tOff, grad, 0);
            return loss;
        }
    }

    static final class BceLoss extends Named {
        static final BceLoss INSTANCE = new BceLoss();

        private BceLoss() {
            super("bce_with_logits", false);
        }

        @Override
        public double forward(int rows, int width, float[] out, int oOff, int[] labels, int lOff, float[] targets,
                              int tOff, float[] scratch) {
            return BceWithLogits.forward(rows * width, out, oOff, targets, tOff);
        }

        @Override
        public double forwardBackward(int rows, int width, float[] out, int oOff, int[] labels, int lOff,
                                      float[] targets, int tOff, float[] grad) {
            double loss = BceWithLogits.forward(rows * width, out, oOff, targets, tOff);
            BceWithLogits.backward(rows * width, out, oOff, targets, tOff, grad, 0);
            return loss;
        }
    }
}
