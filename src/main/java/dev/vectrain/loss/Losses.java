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

    static final class SoftmaxCrossEntropyLoss implements Loss {
        static final SoftmaxCrossEntropyLoss INSTANCE = new SoftmaxCrossEntropyLoss();

        @Override
        public boolean usesLabels() {
            return true;
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

        @Override
        public String name() {
            return "softmax_cross_entropy";
        }

        @Override
        public String toString() {
            return name();
        }
    }

    static final class MseLoss implements Loss {
        static final MseLoss INSTANCE = new MseLoss();

        @Override
        public boolean usesLabels() {
            return false;
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

        @Override
        public String name() {
            return "mse";
        }

        @Override
        public String toString() {
            return name();
        }
    }

    static final class BceLoss implements Loss {
        static final BceLoss INSTANCE = new BceLoss();

        @Override
        public boolean usesLabels() {
            return false;
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

        @Override
        public String name() {
            return "bce_with_logits";
        }

        @Override
        public String toString() {
            return name();
        }
    }
}
