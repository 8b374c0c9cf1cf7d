/*
 * SoftmaxBench: fused softmax cross-entropy forward (loss + probabilities) and backward on
 * (rows x classes) logits. GB/s in the "gigabytes" counter; bytes per call: forward 8·rows·classes
 * (read logits, write probs; the re-read for normalisation is not counted), backward 8·rows·classes. Rows are
 * split between the threads of a pool of `threads`.
 */
package dev.vectrain.bench;

import dev.vectrain.kernel.SoftmaxCrossEntropy;
import dev.vectrain.parallel.WorkerPool;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SoftmaxBench {
    /** rows x classes: an MNIST-sized batch (256x10), a wide L2 case (64x1000) and 4096x1024 (16 MB). */
    @Param({"256x10", "64x1000", "4096x1024"})
    public String shape;

    @Param({"1"})
    public int threads;

    private WorkerPool pool;
    private int rows;
    private int classes;
    private float[] logits;
    private int[] labels;
    private float[] probs;
    private float[] dLogits;

    @Setup
    public void setup() {
        String[] p = shape.split("x");
        rows = Integer.parseInt(p[0]);
        classes = Integer.parseInt(p[1]);
        logits = BenchChecks.random(11, rows * classes, -10, 10);
        labels = new int[rows];
        for (int r = 0; r < rows; r++) {
            labels[r] = (r * 7919) % classes;
        }
        probs = new float[rows * classes];
        dLogits = new float[rows * classes];
        pool = new WorkerPool(threads);
        double loss = SoftmaxCrossEntropy.forward(pool, rows, classes, logits, 0, labels, 0, probs, 0);
        double expected = 0;
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits[r * classes + c]);
            }
            double s = 0;
            for (int c = 0; c < classes; c++) {
                s += Math.exp(logits[r * classes + c] - max);
            }
            expected += Math.log(s) + max - logits[r * classes + labels[r]];
            BenchChecks.close("softmax prob", Math.exp(logits[r * classes] - max) / s, probs[r * classes], 1e-5);
        }
        BenchChecks.close("softmax CE loss", expected / rows, loss, 1e-5);
    }

    @Benchmark
    public double forward(Traffic t) {
        t.add(8L * rows * classes);
        return SoftmaxCrossEntropy.forward(pool, rows, classes, logits, 0, labels, 0, probs, 0);
    }

    @Benchmark
    public float[] backward(Traffic t) {
        SoftmaxCrossEntropy.backward(pool, rows, classes, probs, 0, labels, 0, dLogits, 0);
        t.add(8L * rows * classes);
        return dLogits;
    }

    @TearDown
    public void tearDown() {
        pool.close();
    }
}
