/*
 * NormBench: batch norm (train forward, backward) and layer norm (forward, backward) on (rows x cols)
 * batches, on a pool of `threads`. GB/s in the "gigabytes" counter, counting compulsory bytes per
 * call: forward 8·rows·cols (read x, write y: neither norm stores xhat), backward 12·rows·cols (read dy and x,
 * write dx). Re-reads (batch norm's statistics pass over x, its backward's second pass over dy and x) are not
 * counted, nor the pooled layer-norm backward's second read of dy and x.
 */
package dev.vectrain.bench;

import dev.vectrain.kernel.BatchNorm;
import dev.vectrain.kernel.LayerNorm;
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
public class NormBench {
    /** rows x cols: 64x256 (64 KB per array, L2) and 4096x1024 (16 MB per array, memory). */
    @Param({"64x256", "4096x1024"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private int rows;
    private int cols;
    private float[] x;
    private float[] gamma;
    private float[] beta;
    private float[] runMean;
    private float[] runVar;
    private float[] mean;
    private float[] invStd;
    private float[] work;
    private float[] y;
    private float[] dy;
    private float[] dx;
    private float[] dGamma;
    private float[] dBeta;
    private WorkerPool pool;

    @Setup
    public void setup() {
        String[] p = shape.split("x");
        rows = Integer.parseInt(p[0]);
        cols = Integer.parseInt(p[1]);
        int size = rows * cols;
        x = BenchChecks.random(7, size, -2, 3);
        gamma = BenchChecks.random(8, cols, 0.5, 1.5);
        beta = BenchChecks.random(9, cols, -1, 1);
        dy = BenchChecks.random(10, size, -1, 1);
        runMean = new float[cols];
        runVar = new float[cols];
        int stats = Math.max(rows, cols);
        mean = new float[stats];
        invStd = new float[stats];
        work = new float[BatchNorm.workLength(cols)];
        y = new float[size];
        dx = new float[size];
        dGamma = new float[cols];
        dBeta = new float[cols];
        pool = new WorkerPool(threads);
        BatchNorm.forwardTrain(pool, rows, cols, x, 0, gamma, 0, beta, 0, 1e-5f, 0.1f, runMean, 0, runVar, 0, mean,
                invStd, work, y, 0);
        for (int c = 0; c < cols; c += Math.max(1, cols / 7)) {
            double mu = 0;
            for (int r = 0; r < rows; r++) {
                mu += x[r * cols + c];
            }
            mu /= rows;
            double q = 0;
            for (int r = 0; r < rows; r++) {
                q += (x[r * cols + c] - mu) * (x[r * cols + c] - mu);
            }
            double is = 1 / Math.sqrt(q / rows + 1e-5);
            BenchChecks.close("batch norm mean", mu, mean[c], 1e-5);
            BenchChecks.close("batch norm y", gamma[c] * (x[c] - mu) * is + beta[c], y[c], 1e-4);
        }
        LayerNorm.forward(rows, cols, x, 0, gamma, 0, beta, 0, 1e-5f, mean, invStd, y, 0);
        double mu = 0;
        for (int c = 0; c < cols; c++) {
            mu += x[c];
        }
        BenchChecks.close("layer norm mean", mu / cols, mean[0], 1e-5);
    }

    @TearDown
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    public float[] batchNormForwardTrain(Traffic t) {
        BatchNorm.forwardTrain(pool, rows, cols, x, 0, gamma, 0, beta, 0, 1e-5f, 0.1f, runMean, 0, runVar, 0, mean,
                invStd, work, y, 0);
        t.add(8L * rows * cols);
        return y;
    }

    @Benchmark
    public float[] batchNormBackward(Traffic t) {
        BatchNorm.backward(pool, rows, cols, dy, 0, x, 0, gamma, 0, mean, invStd, work, dGamma, 0, dBeta, 0, dx, 0);
        t.add(12L * rows * cols);
        return dx;
    }

    @Benchmark
    public float[] layerNormForward(Traffic t) {
        LayerNorm.forward(pool, rows, cols, x, 0, gamma, 0, beta, 0, 1e-5f, mean, invStd, y, 0);
        t.add(8L * rows * cols);
        return y;
    }

    @Benchmark
    public float[] layerNormBackward(Traffic t) {
        LayerNorm.backward(pool, rows, cols, dy, 0, x, 0, gamma, 0, mean, invStd, work, dGamma, 0, dBeta, 0, dx, 0);
        t.add(12L * rows * cols);
        return dx;
    }
}
