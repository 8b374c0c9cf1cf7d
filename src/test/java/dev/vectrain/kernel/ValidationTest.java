/* Invalid calls are refused with an IllegalArgumentException whose message names the bad argument. */
package dev.vectrain.kernel;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectrain.parallel.WorkerPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ValidationTest {
    private static void refused(String mustContain, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(mustContain), "message '" + e.getMessage() + "' should name " + mustContain);
    }

    private final float[] a = new float[10];
    private final float[] b = new float[10];

    @Test
    void negativeSizes() {
        refused("n", () -> Elementwise.axpy(-1, 1f, a, 0, b, 0));
        refused("n", () -> Elementwise.scale(-1, 1f, a, 0));
        refused("n", () -> Activations.reluForward(-3, a, 0, b, 0));
        refused("n", () -> Reductions.sum(-1, a, 0));
        refused("n", () -> Mse.forward(-1, a, 0, b, 0));
        refused("rows", () -> Bias.addRows(-1, 2, a, 0, b, 0, 2));
        refused("cols", () -> Bias.columnSums(2, -2, a, 0, 2, b, 0, false));
        refused("rows", () -> LayerNorm.forward(-1, 2, a, 0, a, 0, a, 0, 1e-5f, a, a, b, 0));
        refused("classes", () -> SoftmaxCrossEntropy.forward(1, -1, a, 0, new int[1], 0, b, 0));
        refused("classes", () -> SoftmaxCrossEntropy.forward(1, 0, a, 0, new int[1], 0, b, 0));
        refused("slices", () -> Reductions.l2Norm(new WorkerPool(1), a, new int[1], new int[1], -1));
    }

    @Test
    void offsetsPastTheEnd() {
        refused("y", () -> Elementwise.axpy(5, 1f, a, 0, b, 6));
        refused("x", () -> Elementwise.axpy(5, 1f, a, 6, b, 0));
        refused("dst", () -> Elementwise.copy(5, a, 0, b, 7));
        refused("x offset", () -> Elementwise.fill(1, 0f, a, -1));
        refused("dx", () -> Activations.geluBackward(5, a, 0, null, 0, b, 0, new float[4], 0));
        refused("dy", () -> Activations.tanhBackward(5, null, 0, a, 0, b, 6, a, 0));
        refused("out", () -> Reductions.argmaxRows(2, 5, a, 0, new int[2], 1));
        refused("target", () -> Mse.backward(5, a, 0, b, 8, a, 0));
        refused("probs", () -> SoftmaxCrossEntropy.forward(2, 5, a, 0, new int[2], 0, b, 1));
        refused("invStd", () -> BatchNorm.backward(null, 2, 5, a, 0, a, 0, b, 0, b, new float[4], new float[20], b, 0,
                b, 0, a, 0));
        refused("work", () -> BatchNorm.forwardTrain(null, 2, 5, a, 0, b, 0, b, 0, 1e-5f, 0.1f, b, 0, b, 0, b, b,
                new float[19], a, 0));
        refused("work", () -> BatchNorm.backward(null, 2, 5, a, 0, a, 0, b, 0, b, b, new float[19], b, 0, b, 0, a, 0));
        refused("mean", () -> LayerNorm.forward(2, 5, a, 0, b, 0, b, 0, 1e-5f, new float[1], b, a, 0));
        refused("x", () -> LayerNorm.backward(2, 5, a, 0, new float[9], 0, b, 0, b, b, b, b, 0, b, 0, a, 0));
        refused("work", () -> LayerNorm.backward(2, 5, a, 0, a, 0, b, 0, b, b, new float[9], b, 0, b, 0, a, 0));
        refused("lengths[1]", () -> Reductions.l2Norm(new WorkerPool(1), a, new int[] {0, 5}, new int[] {3, 6}, 2));
    }

    @Test
    void leadingDimensionTooSmall() {
        refused("ldx", () -> Bias.addRows(2, 5, a, 0, b, 0, 4));
        refused("ldx", () -> Bias.columnSums(2, 5, a, 0, 4, b, 0, true));
        refused("x", () -> Bias.addRows(3, 4, a, 0, b, 0, 4));
    }

    @Test
    void nullArrays() {
        refused("x", () -> Elementwise.scale(1, 1f, null, 0));
        refused("src", () -> Elementwise.copy(1, null, 0, b, 0));
        refused("bias", () -> Bias.addRows(1, 1, null, 0, b, 0, 1));
        refused("y", () -> Reductions.dot(1, a, 0, null, 0));
        refused("labels", () -> SoftmaxCrossEntropy.backward(1, 2, a, 0, null, 0, b, 0));
        refused("gamma", () -> BatchNorm.forwardInference(1, 2, a, 0, null, 0, b, 0, 1e-5f, b, 0, b, 0, a, 0));
        refused("pool", () -> Reductions.sumOfSquares(null, 1, a, 0));
        refused("pool", () -> Reductions.l2Norm(null, a, new int[1], new int[1], 1));
        refused("offsets", () -> Reductions.l2Norm(new WorkerPool(1), a, null, new int[1], 1));
    }

    @Test
    void labelOutOfRangeNamesRowAndLabel() {
        int[] labels = {1, 3, 7};
        refused("row 2 has label 7", () -> SoftmaxCrossEntropy.forward(3, 4, new float[12], 0, labels, 0,
                new float[12], 0));
        refused("row 0 has label -1", () -> SoftmaxCrossEntropy.backward(1, 4, a, 0, new int[] {-1}, 0, b, 0));
    }
}
