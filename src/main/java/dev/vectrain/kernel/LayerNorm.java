/*
 * LayerNorm: normalisation of each row over its columns, forward beside backward.
 * Shapes: x, xhat, y, dy, dx (rows x cols) contiguous (ld = cols); gamma, beta, dGamma, dBeta (cols);
 * mean, invStd (rows), saved by forward for backward. Variance by two passes (never E[x²] − μ²); row
 * sums in float lanes, lanes added in order in double. Sequential: rows are short and independent, the
 * layer above decides whether to split rows. It is not a layer: buffers belong to the caller.
 */
package dev.vectrain.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/** Layer normalisation: per-row statistics, per-column affine gamma and beta. */
public final class LayerNorm {
    private static final VectorSpecies<Float> S = Vec.SPECIES;
    private static final int L = Vec.LANES;

    private LayerNorm() {
    }

    private static int size(int rows, int cols) {
        Check.nonNegative("rows", rows);
        Check.nonNegative("cols", cols);
        long size = (long) rows * cols;
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("rows x cols = " + size + " is too large");
        }
        return (int) size;
    }

    /**
     * mean[r], invStd[r] = 1/sqrt(biased var + eps) of row r; xhat = (x − mean)·invStd;
     * y = gamma·xhat + beta. y may alias x.
     */
    public static void forward(int rows, int cols, float[] x, int xOff, float[] gamma, int gOff, float[] beta,
            int bOff, float eps, float[] mean, float[] invStd, float[] xhat, float[] y, int yOff) {
        int size = size(rows, cols);
        Check.range("x", x, xOff, size);
        Check.range("gamma", gamma, gOff, cols);
        Check.range("beta", beta, bOff, cols);
        Check.range("mean", mean, 0, rows);
        Check.range("invStd", invStd, 0, rows);
        Check.range("xhat", xhat, 0, size);
        Check.range("y", y, yOff, size);
        if (cols == 0) {
            return;
        }
        int bound = S.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int xb = xOff + r * cols;
            int hb = r * cols;
            int yb = yOff + r * cols;
            // pass 1: mean
            FloatVector s0 = FloatVector.zero(S);
            FloatVector s1 = FloatVector.zero(S);
            int c = 0;
            for (; c + 2 * L <= cols; c += 2 * L) {
                s0 = s0.add(FloatVector.fromArray(S, x, xb + c));
                s1 = s1.add(FloatVector.fromArray(S, x, xb + c + L));
            }
            for (; c < cols; c += L) {
                VectorMask<Float> m = S.indexInRange(c, cols);
                s0 = s0.add(FloatVector.fromArray(S, x, xb + c, m));
            }
            float mu = Reductions.laneSum(s0.add(s1)) / cols;
            // pass 2: centred sum of squares
            FloatVector vmu = FloatVector.broadcast(S, mu);
            s0 = FloatVector.zero(S);
            s1 = FloatVector.zero(S);
            c = 0;
            for (; c + 2 * L <= cols; c += 2 * L) {
                FloatVector d0 = FloatVector.fromArray(S, x, xb + c).sub(vmu);
                FloatVector d1 = FloatVector.fromArray(S, x, xb + c + L).sub(vmu);
                s0 = d0.fma(d0, s0);
                s1 = d1.fma(d1, s1);
            }
            for (; c < cols; c += L) {
                VectorMask<Float> m = S.indexInRange(c, cols);
                FloatVector d0 = FloatVector.fromArray(S, x, xb + c, m).sub(vmu);
                s0 = s0.add(d0.mul(d0), m);
            }
            double var = (double) Reductions.laneSum(s0.add(s1)) / cols;
            float is = (float) (1.0 / Math.sqrt(var + eps));
            mean[r] = mu;
            invStd[r] = is;
            // pass 3: normalise and apply the affine transform
            FloatVector vis = FloatVector.broadcast(S, is);
            c = 0;
            for (; c < bound; c += L) {
                FloatVector h = FloatVector.fromArray(S, x, xb + c).sub(vmu).mul(vis);
                h.intoArray(xhat, hb + c);
                h.fma(FloatVector.fromArray(S, gamma, gOff + c), FloatVector.fromArray(S, beta, bOff + c))
                        .intoArray(y, yb + c);
            }
            if (c < cols) {
                VectorMask<Float> m = S.indexInRange(c, cols);
                FloatVector h = FloatVector.fromArray(S, x, xb + c, m).sub(vmu).mul(vis);
                h.intoArray(xhat, hb + c, m);
                h.fma(FloatVector.fromArray(S, gamma, gOff + c, m), FloatVector.fromArray(S, beta, bOff + c, m))
                        .intoArray(y, yb + c, m);
            }
        }
    }

    /**
     * dGamma += Σ_r dy·xhat, dBeta += Σ_r dy (accumulate);
     * dx = invStd/cols · (cols·g − Σg − xhat·Σ(g·xhat)) with g = gamma·dy (overwrites dx; may alias dy).
     */
    public static void backward(int rows, int cols, float[] dy, int dyOff, float[] xhat, float[] gamma, int gOff,
            float[] invStd, float[] dGamma, int dgOff, float[] dBeta, int dbOff, float[] dx, int dxOff) {
        int size = size(rows, cols);
        Check.range("dy", dy, dyOff, size);
        Check.range("xhat", xhat, 0, size);
        Check.range("gamma", gamma, gOff, cols);
        Check.range("invStd", invStd, 0, rows);
        Check.range("dGamma", dGamma, dgOff, cols);
        Check.range("dBeta", dBeta, dbOff, cols);
        Check.range("dx", dx, dxOff, size);
        if (cols == 0) {
            return;
        }
        int bound = S.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int db = dyOff + r * cols;
            int hb = r * cols;
            int xb = dxOff + r * cols;
            // pass 1: row sums of g and g·xhat; parameter gradients
            FloatVector sg = FloatVector.zero(S);
            FloatVector sgx = FloatVector.zero(S);
            int c = 0;
            for (; c < bound; c += L) {
                FloatVector d = FloatVector.fromArray(S, dy, db + c);
                FloatVector h = FloatVector.fromArray(S, xhat, hb + c);
                FloatVector g = d.mul(FloatVector.fromArray(S, gamma, gOff + c));
                sg = sg.add(g);
                sgx = g.fma(h, sgx);
                d.fma(h, FloatVector.fromArray(S, dGamma, dgOff + c)).intoArray(dGamma, dgOff + c);
                d.add(FloatVector.fromArray(S, dBeta, dbOff + c)).intoArray(dBeta, dbOff + c);
            }
            if (c < cols) {
                VectorMask<Float> m = S.indexInRange(c, cols);
                FloatVector d = FloatVector.fromArray(S, dy, db + c, m);
                FloatVector h = FloatVector.fromArray(S, xhat, hb + c, m);
                FloatVector g = d.mul(FloatVector.fromArray(S, gamma, gOff + c, m));
                sg = sg.add(g);
                sgx = g.fma(h, sgx);
                d.fma(h, FloatVector.fromArray(S, dGamma, dgOff + c, m)).intoArray(dGamma, dgOff + c, m);
                d.add(FloatVector.fromArray(S, dBeta, dbOff + c, m)).intoArray(dBeta, dbOff + c, m);
            }
            FloatVector vsg = FloatVector.broadcast(S, Reductions.laneSum(sg));
            FloatVector vsgx = FloatVector.broadcast(S, Reductions.laneSum(sgx));
            float n = cols;
            FloatVector k = FloatVector.broadcast(S, invStd[r] / n);
            // pass 2: dx
            c = 0;
            for (; c < bound; c += L) {
                FloatVector g = FloatVector.fromArray(S, dy, db + c).mul(FloatVector.fromArray(S, gamma, gOff + c));
                FloatVector h = FloatVector.fromArray(S, xhat, hb + c);
                h.neg().fma(vsgx, g.mul(n).sub(vsg)).mul(k).intoArray(dx, xb + c);
            }
            if (c < cols) {
                VectorMask<Float> m = S.indexInRange(c, cols);
                FloatVector g = FloatVector.fromArray(S, dy, db + c, m)
                        .mul(FloatVector.fromArray(S, gamma, gOff + c, m));
                FloatVector h = FloatVector.fromArray(S, xhat, hb + c, m);
                h.neg().fma(vsgx, g.mul(n).sub(vsg)).mul(k).intoArray(dx, xb + c, m);
            }
        }
    }
}
