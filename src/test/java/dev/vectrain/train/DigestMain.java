/*
 * DigestMain: trains a small model with every layer kind for two epochs and prints a digest of the final
 * weights' bits. A cold child JVM (interpreter, C1) and a warm test JVM (C2) must print the same digest,
 * which is what makes a checkpoint resumed in a new process bitwise reproducible.
 */
package dev.vectrain.train;

import dev.vectrain.data.Dataset;
import dev.vectrain.nn.Model;
import dev.vectrain.optim.Clipping;
import dev.vectrain.optim.Optimizer;
import java.util.Arrays;

final class DigestMain {
    private DigestMain() {
    }

    static int digest() {
        Dataset train = Synthetic.blobs(160, 12, 3, 1.0, 0.1, 31);
        Model m = Model.builder(12).dense(24).batchNorm().gelu().dropout(0.1f).dense(16).layerNorm().tanh()
                .dense(12).sigmoid().dense(8).leakyRelu(0.1f).dense(3).seed(3).build();
        try (Trainer t = Trainer.builder(m).optimizer(Optimizer.adamW(0.01)).learningRate(3e-3)
                .clipping(Clipping.byGlobalNorm(1.0)).batchSize(16).epochs(2).seed(5).threads(2).build()) {
            t.fit(train, train);
        }
        return Arrays.hashCode(m.parameters().values()) * 31 + Arrays.hashCode(m.parameters().state());
    }

    public static void main(String[] args) {
        System.out.println("digest=" + digest());
    }
}
