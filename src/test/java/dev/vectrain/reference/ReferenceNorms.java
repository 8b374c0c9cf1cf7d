/*
 * ReferenceNorms: scalar double-precision twins of BatchNorm and LayerNorm, plus double-valued
 * objective helpers for finite-difference checks.
 */
package dev.vectrain.reference;

public final class ReferenceNorms {
    private ReferenceNorms() {
    }

    public static void batchNormForwardTrain(int rows, int cols, float[] x, int xOff, float[] gamma, int gOff,
            float[] beta, int bOff, float eps, float momentum, float[] runMean, int rmOff, float[] runVar, int rvOff,
            float[] mean, float[] invStd, float[] xhat, float[] y, int yOff) {
        if (rows == 0 || cols == 0) {
            return; // the kernels treat empty shapes as no-ops
        }
        for (int c = 0; c < cols; c++) {
            double mu = 0;
            for (int r = 0; r < rows; r++) {
                mu += x[xOff + r * cols + c];
            }
            mu /= rows;
            double q = 0;
            for (int r = 0; r < rows; r++) {
                double d = x[xOff + r * cols + c] - mu;
                q += d * d;
            }
            double var = q / rows;
            double is = 1.0 / Math.sqrt(var + eps);
            mean[c] = (float) mu;
            invStd[c] = (float) is;
            double unbiased = rows > 1 ? q / (rows - 1) : var;
            runMean[rmOff + c] = (float) ((1 - (double) momentum) * runMean[rmOff + c] + momentum * mu);
            runVar[rvOff + c] = (float) ((1 - (double) momentum) * runVar[rvOff + c] + momentum * unbiased);
            for (int r = 0; r < rows; r++) {
                double h = (x[xOff + r * cols + c] - mu) * is;
                xhat[r * cols + c] = (float) h;
                y[yOff + r * cols + c] = (float) (gamma[gOff + c] * h + beta[bOff + c]);
            }
        }
    }

    public static void batchNormForwardInference(int rows, int cols, float[] x, int xOff, float[] gamma, int gOff,
            float[] beta, int bOff, float eps, float[] runMean, int rmOff, float[] runVar, int rvOff, float[] y,
            int yOff) {
        if (rows == 0 || cols == 0) {
            return; // the kernels treat empty shapes as no-ops
        }
        for (int c = 0; c < cols; c++) {
            double is = 1.0 / Math.sqrt((double) runVar[rvOff + c] + eps);
            for (int r = 0; r < rows; r++) {
                y[yOff + r * cols + c] = (float) (gamma[gOff + c] * (x[xOff + r * cols + c] - runMean[rmOff + c]) * is
                        + beta[bOff + c]);
            }
        }
    }

    public static void batchNormBackward(int rows, int cols, float[] dy, int dyOff, float[] xhat, float[] gamma,
            int gOff, float[] invStd, float[] dGamma, int dgOff, float[] dBeta, int dbOff, float[] dx, int dxOff) {
        if (rows == 0 || cols == 0) {
            return; // the kernels treat empty shapes as no-ops
        }
        for (int c = 0; c < cols; c++) {
            double sd = 0;
            double sdh = 0;
            for (int r = 0; r < rows; r++) {
                sd += dy[dyOff + r * cols + c];
                sdh += (double) dy[dyOff + r * cols + c] * xhat[r * cols + c];
            }
            dBeta[dbOff + c] = (float) (dBeta[dbOff + c] + sd);
            dGamma[dgOff + c] = (float) (dGamma[dgOff + c] + sdh);
            double k = (double) gamma[gOff + c] * invStd[c] / rows;
            for (int r = 0; r < rows; r++) {
                dx[dxOff + r * cols + c] = (float) (k * (rows * (double) dy[dyOff + r * cols + c] - sd
                        - xhat[r * cols + c] * sdh));
            }
        }
    }

    /** Σ w·y of batch norm (training mode) of double x (rows x cols): a scalar objective for finite differences. */
    public static double batchNormObjective(int rows, int cols, double[] x, double[] gamma, double[] beta, double eps,
            float[] w) {
        double obj = 0;
        for (int c = 0; c < cols; c++) {
            double mu = 0;
            for (int r = 0; r < rows; r++) {
                mu += x[r * cols + c];
            }
            mu /= rows;
            double q = 0;
            for (int r = 0; r < rows; r++) {
                double d = x[r * cols + c] - mu;
                q += d * d;
            }
            double is = 1.0 / Math.sqrt(q / rows + eps);
            for (int r = 0; r < rows; r++) {
                obj += w[r * cols + c] * (gamma[c] * (x[r * cols + c] - mu) * is + beta[c]);
            }
        }
        return obj;
    }

    public static void layerNormForward(int rows, int cols, float[] x, int xOff, float[] gamma, int gOff, float[] beta,
            int bOff, float eps, float[] mean, float[] invStd, float[] xhat, float[] y, int yOff) {
        if (cols == 0) {
            return; // the kernel treats empty rows as a no-op
        }
        for (int r = 0; r < rows; r++) {
            double mu = 0;
            for (int c = 0; c < cols; c++) {
                mu += x[xOff + r * cols + c];
            }
            mu /= cols;
            double q = 0;
            for (int c = 0; c < cols; c++) {
                double d = x[xOff + r * cols + c] - mu;
                q += d * d;
            }
            double is = 1.0 / Math.sqrt(q / cols + eps);
            mean[r] = (float) mu;
            invStd[r] = (float) is;
            for (int c = 0; c < cols; c++) {
                double h = (x[xOff + r * cols + c] - mu) * is;
                xhat[r * cols + c] = (float) h;
                y[yOff + r * cols + c] = (float) (gamma[gOff + c] * h + beta[bOff + c]);
            }
        }
    }

    public static void layerNormBackward(int rows, int cols, float[] dy, int dyOff, float[] xhat, float[] gamma,
            int gOff, float[] invStd, float[] dGamma, int dgOff, float[] dBeta, int dbOff, float[] dx, int dxOff) {
        double[] dg = new double[cols];
        double[] db = new double[cols];
        for (int c = 0; c < cols; c++) {
            dg[c] = dGamma[dgOff + c];
            db[c] = dBeta[dbOff + c];
        }
        for (int r = 0; r < rows; r++) {
            double sg = 0;
            double sgh = 0;
            for (int c = 0; c < cols; c++) {
                double d = dy[dyOff + r * cols + c];
                double h = xhat[r * cols + c];
                double g = d * gamma[gOff + c];
                sg += g;
                sgh += g * h;
                dg[c] += d * h;
                db[c] += d;
            }
            for (int c = 0; c < cols; c++) {
                double g = (double) dy[dyOff + r * cols + c] * gamma[gOff + c];
                dx[dxOff + r * cols + c] = (float) (invStd[r] / cols * (cols * g - sg - xhat[r * cols + c] * sgh));
            }
        }
        for (int c = 0; c < cols; c++) {
            dGamma[dgOff + c] = (float) dg[c];
            dBeta[dbOff + c] = (float) db[c];
        }
    }

    /** Σ w·y of layer norm of double x (rows x cols): a scalar objective for finite differences. */
    public static double layerNormObjective(int rows, int cols, double[] x, double[] gamma, double[] beta, double eps,
            float[] w) {
        double obj = 0;
        for (int r = 0; r < rows; r++) {
            double mu = 0;
            for (int c = 0; c < cols; c++) {
                mu += x[r * cols + c];
            }
            mu /= cols;
            double q = 0;
            for (int c = 0; c < cols; c++) {
                double d = x[r * cols + c] - mu;
                q += d * d;
            }
            double is = 1.0 / Math.sqrt(q / cols + eps);
            for (int c = 0; c < cols; c++) {
                obj += w[r * cols + c] * (gamma[c] * (x[r * cols + c] - mu) * is + beta[c]);
            }
        }
        return obj;
    }
}
