/*
 * SoftmaxCrossEntropy: the fused softmax + cross-entropy loss over integer class labels, forward
 * beside backward. Shapes: logits, probs, dLogits (rows x classes) contiguous; labels (rows).
 * Stable for any finite logits (|z| up to ~1e38): each row is shifted by its maximum before exp, and
 * the loss is computed as log(sum) + max − z[label] in double. NaN in a row's logits surfaces as NaN
 * probabilities and a NaN loss (through exp and the row sum, not through the maximum). exp is VMath.exp
 * (tier-independent). Forward and backward take an optional WorkerPool: rows are split between its threads,
 * and the loss is summed over fixed blocks of ROW_BLOCK rows in block order, so it is bitwise the same for any
 * pool size. It is not a generic softmax layer (no temperature, no masking).
 */
package dev.vectrain.kernel;

import dev.vectrain.parallel.ParallelTask;
import dev.vectrain.parallel.Ranges;
import dev.vectrain.parallel.WorkerPool;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Softmax cross-entropy over rows of logits with integer labels. */
public final class SoftmaxCrossEntropy {
    private static final VectorSpecies<Float> S = Vec.SPECIES;
    private static final int L = Vec.LANES;

    /** ln 2 in double, for the powers of two taken out of the product of row sums. */
    private static final double LN2 = 0.6931471805599453;
    /** Rows per partial loss (one Math.log each); the partials are added in block order. */
    static final int ROW_BLOCK = 64;
    /** Below this many elements the call runs on the caller's thread only. */
    static final int PARALLEL_THRESHOLD = 1 << 15;

    private static final WorkerPool.Key<Task> TASK = new WorkerPool.Key<>(p -> new Task());

    private SoftmaxCrossEntropy() {
    }

    private static void check(int rows, int classes, float[] a, String aName, int aOff, int[] labels, int labOff,
            float[] b, String bName, int bOff) {
        Check.nonNegative("rows", rows);
        Check.nonNegative("classes", classes);
        if (rows > 0) {
            Check.positive("classes", classes);
        }
        long size = (long) rows * classes;
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("rows x classes = " + size + " is too large");
        }
        Check.range(aName, a, aOff, (int) size);
        Check.range("labels", labels, labOff, rows);
        Check.range(bName, b, bOff, (int) size);
        for (int r = 0; r < rows; r++) {
            int lab = labels[labOff + r];
            if (lab < 0 || lab >= classes) {
                throw new IllegalArgumentException("labels: row " + r + " has label " + lab + ", outside [0, "
                        + classes + ")");
            }
        }
    }

    /**
     * probs = softmax(logits) row by row; returns the mean over rows of −log probs[r, labels[r]]
     * (0 when rows == 0). probs may alias logits (same array and offset). Runs on the caller's thread.
     */
    public static double forward(int rows, int classes, float[] logits, int lOff, int[] labels, int labOff,
            float[] probs, int pOff) {
        return forward(null, rows, classes, logits, lOff, labels, labOff, probs, pOff);
    }

    /**
     * As {@link #forward(int, int, float[], int, int[], int, float[], int)}, rows split between the threads of
     * pool (which may be null) when there are at least PARALLEL_THRESHOLD elements; bitwise the same result for
     * any pool size.
     */
    public static double forward(WorkerPool pool, int rows, int classes, float[] logits, int lOff, int[] labels,
            int labOff, float[] probs, int pOff) {
        check(rows, classes, logits, "logits", lOff, labels, labOff, probs, "probs", pOff);
        if (rows == 0) {
            return 0.0;
        }
        int blocks = (rows + ROW_BLOCK - 1) / ROW_BLOCK;
        if (!parallel(pool, rows, classes) || blocks < 2) {
            double loss = 0;
            boolean fromMemory = fromMemory(rows, classes);
            for (int b = 0; b < blocks; b++) {
                loss += blockLoss(b * ROW_BLOCK, Math.min(rows, (b + 1) * ROW_BLOCK), classes, logits, lOff,
                        labels, labOff, probs, pOff, fromMemory);
            }
            return loss / rows;
        }
        return pool.resource(TASK).run(pool, false, rows, classes, logits, lOff, labels, labOff, probs, pOff) / rows;
    }

    /**
     * Whether a (rows x classes) batch takes softmaxRowFromMemory: rows of whole vectors, and at least
     * LayerNorm.FROM_MEMORY_ELEMENTS elements (logits and probs 16 MB, half of this machine's L3), where the batch
     * streams from memory.
     */
    static boolean fromMemory(int rows, int classes) {
        return classes % L == 0 && (long) rows * classes >= LayerNorm.FROM_MEMORY_ELEMENTS;
    }

    private static boolean parallel(WorkerPool pool, int rows, int classes) {
        return pool != null && pool.threads() > 1 && (long) rows * classes >= PARALLEL_THRESHOLD;
    }

    /**
     * Softmax of rows [r0, r1); returns Σ of their log(sum) + max − z[label]. The row sums are multiplied into
     * one double renormalised by exact powers of two, so the block takes a single Math.log. Rows go through
     * softmaxRowFromMemory where fromMemory (see fromMemory(rows, classes), decided by the whole batch), else through
     * softmaxRow: the same bits either way.
     */
    static double blockLoss(int r0, int r1, int classes, float[] logits, int lOff, int[] labels, int labOff,
            float[] probs, int pOff, boolean fromMemory) {
        double shift = 0;
        double product = 1.0;
        long powersOfTwo = 0;
        float max = rowMax(classes, logits, lOff + r0 * classes);
        for (int r = r0; r < r1; r++) {
            int lb = lOff + r * classes;
            // read before the row is written: probs may alias logits
            float labelLogit = logits[lb + labels[labOff + r]];
            // the next row's maximum is taken in this row's exp loop; the last row's loop takes its own again
            int nb = r + 1 < r1 ? lb + classes : lb;
            long nextMaxAndSum = fromMemory
                    ? softmaxRowFromMemory(classes, logits, lb, max, nb, probs, pOff + r * classes)
                    : softmaxRow(classes, logits, lb, max, nb, probs, pOff + r * classes);
            float sum = FloatPair.low(nextMaxAndSum);
            shift += (double) max - labelLogit;
            // sum is in [1, classes]: product stays finite, and dividing it by 2^e is exact
            product *= sum;
            int e = Math.getExponent(product);
            product *= Double.longBitsToDouble((long) (Double.MAX_EXPONENT - e) << 52);
            powersOfTwo += e;
            max = FloatPair.high(nextMaxAndSum);
        }
        return Math.log(product) + powersOfTwo * LN2 + shift;
    }

    /**
     * The maximum of one row by compare and blend (two lane operations per vector; lanewise MAX with Java's NaN and
     * −0.0 rules compiles to several instructions), in one accumulator, lanes past the row read as −∞: the same
     * lane order as the next-row maximum in softmaxRow, so every row's maximum comes out the same, first in its
     * block or not. A NaN is not picked up by it, but exp(NaN − max) is NaN, so the row sum, all of its
     * probabilities and the loss still come out NaN.
     */
    private static float rowMax(int classes, float[] logits, int lb) {
        FloatVector none = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        FloatVector mx = none;
        int lastFull = classes - L;
        for (int c = 0; c < classes; c += L) {
            FloatVector z = c <= lastFull ? FloatVector.fromArray(S, logits, lb + c)
                    : none.blend(FloatVector.fromArray(S, logits, lb + c, S.indexInRange(c, classes)),
                            S.indexInRange(c, classes));
            mx = mx.blend(z, z.compare(VectorOperators.GT, mx));
        }
        return mx.reduceLanes(VectorOperators.MAX);
    }

    /**
     * One row, its maximum given: probs = exp(z − max) / sum; returns the maximum of the row at nb (high half, see
     * rowMax) and this row's sum (low half), see FloatPair. The next row's maximum is taken in the exp loop: that
     * loop is compute-bound, and with the next row's loads in it the memory works while it computes (JMH, one thread,
     * two rounds: 16384x1024 20.8, 22.7 → 23.5, 24.2 GB/s, 64x256 30.4, 30.2 → 34.1, 33.1; KERNEL-RESULTS session
     * 9). Full vectors store without a mask too (two store sites of one vector, no phi). nb may be lb (the last
     * row): its loads come before this row's stores at each position, so probs may alias logits.
     * <p>
     * The scaling loop takes four vectors per step, so that C2 neither unrolls it nor peels its first step into a
     * pre-loop (see LayerNorm.normalizeRowFromMemory): JMH, one thread, three forks, two rounds: 16384x1024 23.3,
     * 23.3 → 25.9, 25.8 GB/s; 64x1000 36.3 → 36.2; 64x256 35.9, 35.8 → 34.3, 34.7 (KERNEL-RESULTS session 10).
     * <p>
     * The row's loops are one method on purpose, larger than C2 inlines into a hot caller (FreqInlineSize, 325
     * bytes of bytecode; this method is 646): compiled on its own, it keeps the hoisted exp constants and masks in
     * registers. Inlined into the row loop, next to that loop's double accumulators, C2 reloaded constants and
     * spilled a mask inside the exp loop, and the forward ran at 13-15 GB/s instead of 21-23 (4096x1024, one
     * thread).
     * <p>
     * One exp loop, so VMath.exp has a single call site that C2 inlines (see Activations); the lane sum is written
     * out, as a call to a helper after the inlined exp would not be inlined and would box the vector.
     */
    private static long softmaxRow(int classes, float[] logits, int lb, float max, int nb, float[] probs, int pb) {
        int bound = S.loopBound(classes);
        int c;
        FloatVector vm = FloatVector.broadcast(S, max);
        FloatVector none = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        FloatVector s0 = FloatVector.zero(S);
        FloatVector mx = none;
        int lastFull = classes - L;
        for (c = 0; c < classes; c += L) {
            // full vectors load without a mask (see Activations); in the last, partial one the lanes past the row
            // read −∞, whose exp is 0: the sum needs no masked add into its accumulator
            VectorMask<Float> m = S.indexInRange(c, classes);
            boolean full = c <= lastFull;
            FloatVector zn = full ? FloatVector.fromArray(S, logits, nb + c)
                    : none.blend(FloatVector.fromArray(S, logits, nb + c, m), m);
            mx = mx.blend(zn, zn.compare(VectorOperators.GT, mx));
            FloatVector z = full ? FloatVector.fromArray(S, logits, lb + c)
                    : none.blend(FloatVector.fromArray(S, logits, lb + c, m), m);
            FloatVector e = VMath.exp(z.sub(vm));
            if (full) {
                e.intoArray(probs, pb + c);
            } else {
                e.intoArray(probs, pb + c, m);
            }
            s0 = s0.add(e);
        }
        if (L >= 16) {
            s0 = s0.add(s0.rearrange(Reductions.SWAP8));
        }
        if (L >= 8) {
            s0 = s0.add(s0.rearrange(Reductions.SWAP4));
        }
        if (L >= 4) {
            s0 = s0.add(s0.rearrange(Reductions.SWAP2));
        }
        s0 = s0.add(s0.rearrange(Reductions.SWAP1));
        float sum = s0.lane(0);

        FloatVector inv = FloatVector.broadcast(S, (float) (1.0 / sum));
        int bound4 = classes & -(4 * L);
        for (c = 0; c < bound4; c += 4 * L) {
            FloatVector.fromArray(S, probs, pb + c).mul(inv).intoArray(probs, pb + c);
            FloatVector.fromArray(S, probs, pb + c + L).mul(inv).intoArray(probs, pb + c + L);
            FloatVector.fromArray(S, probs, pb + c + 2 * L).mul(inv).intoArray(probs, pb + c + 2 * L);
            FloatVector.fromArray(S, probs, pb + c + 3 * L).mul(inv).intoArray(probs, pb + c + 3 * L);
        }
        // the full vectors left plain, not in the masked loop: masked there, 64x1000 ran 8-11 % slower (JMH)
        for (; c < bound; c += L) {
            FloatVector.fromArray(S, probs, pb + c).mul(inv).intoArray(probs, pb + c);
        }
        if (c < classes) {
            VectorMask<Float> m = S.indexInRange(c, classes);
            FloatVector.fromArray(S, probs, pb + c, m).mul(inv).intoArray(probs, pb + c, m);
        }
        return FloatPair.of(mx.reduceLanes(VectorOperators.MAX), sum);
    }

    /**
     * softmaxRow for batches from memory (fromMemory): rows of whole vectors (classes a multiple of L), the same
     * operations in the same order, so the same bits, but an exp loop whose exit test, c + L <= classes, C2 does not
     * take for a counted loop. It then neither unrolls that loop by four nor peels its first step into a pre-loop (nor
     * hoists its range checks): one vector per step, each row's first vector in the same code as the rest.
     * softmaxRow's counted loop, so compiled, streams slower from memory, as layer norm's normalise loop did (see
     * LayerNorm.normalizeRowFromMemory), and this one is slower in cache. JMH, one thread, jars alternated, two forks,
     * two rounds, GB/s, with this form at every size: 16384x1024 26.3, 29.2 → 31.9, 32.6; 4096x1024 29.9, 31.2 →
     * 33.8, 34.8; but 1024x1024 42.4, 42.7 → 39.9, 41.3 and 64x1024 46.6, 47.2 → 40.4, 41.0. As kept (fromMemory):
     * 16384x1024 25.4, 25.9 → 32.2, 33.2, two threads 42.2, 49.4 → 57.7, 59.9; 4096x1024 30.1, 33.5 → 35.6, 36.4;
     * 1024x1024 41.2, 42.4 → 41.7, 43.8 (KERNEL-RESULTS, session 12). With the partial last vector of other widths
     * inside, the same loop form lost 6 % at 1024x1024 and 14 % at 64x1024 in a probe (a branch per vector, not
     * unrolled), so those rows keep softmaxRow at every size.
     * <p>
     * The lane sum and the scaling loops repeat softmaxRow's rather than calling a shared helper: without them this
     * method (467 bytes) would fall under FreqInlineSize and be inlined into blockLoss, which softmaxRow's comment
     * measured slower, and a vector handed to a helper C2 leaves out of line is boxed.
     */
    private static long softmaxRowFromMemory(int classes, float[] logits, int lb, float max, int nb, float[] probs,
            int pb) {
        FloatVector vm = FloatVector.broadcast(S, max);
        FloatVector s0 = FloatVector.zero(S);
        FloatVector mx = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int c;
        for (c = 0; c + L <= classes; c += L) {
            FloatVector zn = FloatVector.fromArray(S, logits, nb + c);
            mx = mx.blend(zn, zn.compare(VectorOperators.GT, mx));
            FloatVector e = VMath.exp(FloatVector.fromArray(S, logits, lb + c).sub(vm));
            e.intoArray(probs, pb + c);
            s0 = s0.add(e);
        }
        if (L >= 16) {
            s0 = s0.add(s0.rearrange(Reductions.SWAP8));
        }
        if (L >= 8) {
            s0 = s0.add(s0.rearrange(Reductions.SWAP4));
        }
        if (L >= 4) {
            s0 = s0.add(s0.rearrange(Reductions.SWAP2));
        }
        s0 = s0.add(s0.rearrange(Reductions.SWAP1));
        float sum = s0.lane(0);

        FloatVector inv = FloatVector.broadcast(S, (float) (1.0 / sum));
        int bound4 = classes & -(4 * L);
        for (c = 0; c < bound4; c += 4 * L) {
            FloatVector.fromArray(S, probs, pb + c).mul(inv).intoArray(probs, pb + c);
            FloatVector.fromArray(S, probs, pb + c + L).mul(inv).intoArray(probs, pb + c + L);
            FloatVector.fromArray(S, probs, pb + c + 2 * L).mul(inv).intoArray(probs, pb + c + 2 * L);
            FloatVector.fromArray(S, probs, pb + c + 3 * L).mul(inv).intoArray(probs, pb + c + 3 * L);
        }
        for (; c < classes; c += L) {
            FloatVector.fromArray(S, probs, pb + c).mul(inv).intoArray(probs, pb + c);
        }
        return FloatPair.of(mx.reduceLanes(VectorOperators.MAX), sum);
    }

    /**
     * dLogits = (probs − onehot(labels)) / rows; dLogits may alias probs (same array and offset). Runs on the
     * caller's thread.
     */
    public static void backward(int rows, int classes, float[] probs, int pOff, int[] labels, int labOff,
            float[] dLogits, int dOff) {
        backward(null, rows, classes, probs, pOff, labels, labOff, dLogits, dOff);
    }

    /** As {@link #backward(int, int, float[], int, int[], int, float[], int)}, rows split between pool's threads. */
    public static void backward(WorkerPool pool, int rows, int classes, float[] probs, int pOff, int[] labels,
            int labOff, float[] dLogits, int dOff) {
        check(rows, classes, probs, "probs", pOff, labels, labOff, dLogits, "dLogits", dOff);
        if (rows == 0) {
            return;
        }
        if (!parallel(pool, rows, classes) || rows < 2) {
            backwardRows(0, rows, rows, classes, probs, pOff, labels, labOff, dLogits, dOff);
            return;
        }
        pool.resource(TASK).run(pool, true, rows, classes, probs, pOff, labels, labOff, dLogits, dOff);
    }

    /**
     * Rows [r0, r1) of the backward pass over a batch of {@code rows}. Rows of at least one vector go as one loop over
     * the whole range (rows are contiguous), the label entries fixed as their vector passes; narrower rows go row by
     * row.
     */
    private static void backwardRows(int r0, int r1, int rows, int classes, float[] probs, int pOff, int[] labels,
            int labOff, float[] dLogits, int dOff) {
        if (classes >= L) {
            backwardFlat(r0, r1, rows, classes, probs, pOff, labels, labOff, dLogits, dOff);
            return;
        }
        float inv = 1f / rows;
        VectorMask<Float> m = S.indexInRange(0, classes);
        for (int r = r0; r < r1; r++) {
            int pb = pOff + r * classes;
            int db = dOff + r * classes;
            int lab = labels[labOff + r];
            float pl = probs[pb + lab];
            FloatVector.fromArray(S, probs, pb, m).mul(inv).intoArray(dLogits, db, m);
            dLogits[db + lab] = (pl - 1f) * inv;
        }
    }

    /**
     * backwardRows for rows of at least one vector: dLogits = probs / rows over the range as one loop, and where a
     * vector holds a row's label entry (one or two of them: a vector spans at most two rows), that entry is read
     * before the vector is stored and written as (p − 1) / rows after it, so dLogits may alias probs. One loop
     * instead of one per row: a Java loop over a 1024-float row streams 10-15 % slower than one loop over the array
     * (its entry and exit each row), see KERNEL-RESULTS session 9.
     */
    private static void backwardFlat(int r0, int r1, int rows, int classes, float[] probs, int pOff, int[] labels,
            int labOff, float[] dLogits, int dOff) {
        float inv = 1f / rows;
        int n = (r1 - r0) * classes;
        int pb = pOff + r0 * classes;
        int db = dOff + r0 * classes;
        int r = r0;
        int g = labels[labOff + r0]; // the next label entry, relative to pb; Integer.MAX_VALUE after the last
        int lastFull = n - L;
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = i <= lastFull ? FloatVector.fromArray(S, probs, pb + i)
                    : FloatVector.fromArray(S, probs, pb + i, m);
            if (g - i >= L) {
                v.mul(inv).intoArray(dLogits, db + i, m);
                continue;
            }
            int ga = g;
            float pa = probs[pb + ga];
            r++;
            g = labelEntry(r, r0, r1, classes, labels, labOff);
            int gb = g;
            boolean second = g - i < L;
            float pbv = second ? probs[pb + gb] : 0f;
            if (second) {
                r++;
                g = labelEntry(r, r0, r1, classes, labels, labOff);
            }
            v.mul(inv).intoArray(dLogits, db + i, m);
            dLogits[db + ga] = (pa - 1f) * inv;
            if (second) {
                dLogits[db + gb] = (pbv - 1f) * inv;
            }
        }
    }

    /** Row r's label entry relative to row r0's start, or Integer.MAX_VALUE when r is past the range. */
    private static int labelEntry(int r, int r0, int r1, int classes, int[] labels, int labOff) {
        return r < r1 ? (r - r0) * classes + labels[labOff + r] : Integer.MAX_VALUE;
    }

    /**
     * The per-pool task: the call's arguments in fields. Forward: thread w takes a contiguous range of row
     * blocks and writes each block's loss into partials[block], which the caller adds in block order.
     * Backward: a contiguous range of rows. partials grows, never shrinks.
     */
    private static final class Task implements ParallelTask {
        private double[] partials = new double[16];
        private boolean backward;
        private int rows;
        private int classes;
        private float[] in;
        private int inOff;
        private int[] labels;
        private int labOff;
        private float[] out;
        private int outOff;

        double run(WorkerPool pool, boolean backward, int rows, int classes, float[] in, int inOff, int[] labels,
                int labOff, float[] out, int outOff) {
            pool.claim();
            try {
                int blocks = (rows + ROW_BLOCK - 1) / ROW_BLOCK;
                if (!backward && partials.length < blocks) {
                    partials = new double[Math.max(blocks, 2 * partials.length)];
                }
                this.backward = backward;
                this.rows = rows;
                this.classes = classes;
                this.in = in;
                this.inOff = inOff;
                this.labels = labels;
                this.labOff = labOff;
                this.out = out;
                this.outOff = outOff;
                pool.execute(this);
                double loss = 0;
                for (int b = 0; !backward && b < blocks; b++) {
                    loss += partials[b];
                }
                return loss;
            } finally {
                this.in = null;
                this.labels = null;
                this.out = null;
                pool.release();
            }
        }

        @Override
        public void run(int worker, int workers) {
            if (backward) {
                int r0 = Ranges.start(rows, worker, workers);
                int r1 = Ranges.end(rows, worker, workers);
                backwardRows(r0, r1, rows, classes, in, inOff, labels, labOff, out, outOff);
                return;
            }
            int blocks = (rows + ROW_BLOCK - 1) / ROW_BLOCK;
            int b1 = Ranges.end(blocks, worker, workers);
            boolean fromMemory = fromMemory(rows, classes);
            for (int b = Ranges.start(blocks, worker, workers); b < b1; b++) {
                partials[b] = blockLoss(b * ROW_BLOCK, Math.min(rows, (b + 1) * ROW_BLOCK), classes, in, inOff,
                        labels, labOff, out, outOff, fromMemory);
            }
        }
    }
}
