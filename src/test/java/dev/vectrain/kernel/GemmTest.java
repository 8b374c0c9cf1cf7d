/*
 * GemmTest: Gemm against its scalar twin ReferenceGemm (double accumulation) on shapes that hit every
 * edge of the packed path (tile, panel and K-block tails) and the direct path, plus determinism
 * across pool sizes, overwrite-vs-accumulate semantics, argument checks and zero allocation.
 * Tolerance: |got - ref| <= 1e-6·k·max|a|·max|b| + 1e-6·|ref| + 1e-6 (float FMA chains of length k).
 */
package dev.vectrain.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vectrain.parallel.WorkerPool;
import dev.vectrain.reference.ReferenceGemm;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GemmTest {
    enum Variant { NN, NT, TN }

    private static WorkerPool pool1;
    private static WorkerPool pool2;
    private static WorkerPool pool4;

    @BeforeAll
    static void pools() {
        pool1 = new WorkerPool(1);
        pool2 = new WorkerPool(2);
        pool4 = new WorkerPool(4);
    }

    @AfterAll
    static void close() {
        pool1.close();
        pool2.close();
        pool4.close();
    }

    /** One problem: operands stored with the given padding of the leading dimension and offsets. */
    static final class Problem {
        final Variant v;
        final int m;
        final int n;
        final int k;
        final int aOff;
        final int bOff;
        final int cOff;
        final int lda;
        final int ldb;
        final int ldc;
        final float[] a;
        final float[] b;
        final float[] c0;
        float maxA;
        float maxB;

        Problem(Variant v, int m, int n, int k, int pad, int off, long seed) {
            this.v = v;
            this.m = m;
            this.n = n;
            this.k = k;
            Random r = new Random(seed);
            int aRows = v == Variant.TN ? k : m;
            int aCols = v == Variant.TN ? m : k;
            int bRows = v == Variant.NT ? n : k;
            int bCols = v == Variant.NT ? k : n;
            lda = aCols + pad;
            ldb = bCols + pad;
            ldc = n + pad;
            aOff = off;
            bOff = off + 1;
            cOff = off + 2;
            a = new float[aOff + aRows * lda + 3];
            b = new float[bOff + bRows * ldb + 3];
            c0 = new float[cOff + m * ldc + 3];
            for (int i = 0; i < a.length; i++) {
                a[i] = r.nextFloat() * 2 - 1;
                maxA = Math.max(maxA, Math.abs(a[i]));
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = r.nextFloat() * 4 - 2;
                maxB = Math.max(maxB, Math.abs(b[i]));
            }
            for (int i = 0; i < c0.length; i++) {
                c0[i] = r.nextFloat() - 0.5f;
            }
        }

        float[] fast(WorkerPool pool, boolean accumulate) {
            float[] c = c0.clone();
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, Float.NaN);
                }
            }
            switch (v) {
                case NN -> Gemm.nn(pool, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
                case NT -> Gemm.nt(pool, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
                case TN -> Gemm.tn(pool, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            }
            return c;
        }

        float[] reference(boolean accumulate) {
            float[] c = c0.clone();
            switch (v) {
                case NN -> ReferenceGemm.nn(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
                case NT -> ReferenceGemm.nt(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
                case TN -> ReferenceGemm.tn(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            }
            return c;
        }

        void assertAgrees(WorkerPool pool, boolean accumulate) {
            float[] got = fast(pool, accumulate);
            float[] want = reference(accumulate);
            double tolK = 1e-6 * k * maxA * maxB + 1e-6;
            for (int i = 0; i < got.length; i++) {
                double tol = tolK + 1e-6 * Math.abs(want[i]);
                if (!(Math.abs(got[i] - want[i]) <= tol)) {
                    boolean inside = i >= cOff && (i - cOff) / ldc < m && (i - cOff) % ldc < n;
                    fail(this + " acc=" + accumulate + ": element " + i + (inside
                            ? " (row " + (i - cOff) / ldc + ", col " + (i - cOff) % ldc + ")"
                            : " (outside C, must be untouched)") + " got " + got[i] + " want " + want[i]);
                }
            }
        }

        @Override
        public String toString() {
            return v + " " + m + "x" + n + "x" + k + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc + " off=" + aOff;
        }
    }

    private static final int[][] SHAPES = {
        {1, 1, 1}, {1, 1, 1}, {1, 15, 1}, {1, 16, 1}, {1, 17, 1}, {1, 33, 1}, {1, 100, 1}, {3, 70, 5},
        {13, 17, 19}, {9, 49, 257}, {17, 97, 300}, {8, 48, 256}, {7, 47, 513}, {64, 10, 256}, {40, 200, 3},
        {9, 16, 40}, {33, 1, 70}, {21, 7, 600}, {127, 131, 37}, {128, 512, 784}, {784, 512, 128},
        {128, 784, 512}, {128, 10, 256}, {1, 10, 256}, {1, 300, 100}, {3, 40, 70}, {70, 10, 40}, {100, 16, 33},
        {50, 10, 20}, {40, 70, 1}, {40, 70, 2}, {10, 256, 128}, {130, 77, 3}, {5, 1000, 40},
    };

    @Test
    void agreesWithReferenceOnAllShapesVariantsAndModes() {
        long seed = 1;
        for (int[] s : SHAPES) {
            for (Variant v : Variant.values()) {
                // alternate tight and padded storage, zero and non-zero offsets
                int pad = (int) (seed % 3 == 0 ? 0 : seed % 5);
                int off = (int) (seed % 2 == 0 ? 0 : 3 + seed % 7);
                Problem p = new Problem(v, s[0], s[1], s[2], pad, off, seed++);
                WorkerPool pool = seed % 2 == 0 ? pool1 : pool2;
                p.assertAgrees(pool, false);
                p.assertAgrees(pool, true);
            }
        }
    }

    @Test
    void zeroSizesAreNoOpsAndEmptyKZeroesOrKeepsC() {
        for (Variant v : Variant.values()) {
            Problem p = new Problem(v, 5, 6, 0, 1, 2, 7);
            float[] keep = p.fast(pool1, true);
            assertTrue(Arrays.equals(p.c0, keep), v + " k=0 accumulate must leave C alone");
            float[] zero = p.fast(pool1, false);
            for (int i = 0; i < 5; i++) {
                for (int j = 0; j < 6; j++) {
                    assertEquals(0f, zero[p.cOff + i * p.ldc + j], v + " k=0 overwrite gives zeros");
                }
            }
            Problem e = new Problem(v, 0, 6, 4, 1, 0, 8);
            assertTrue(Arrays.equals(e.c0, e.fast(pool1, false)), v + " m=0 is a no-op");
        }
    }

    @Test
    void bitwiseIdenticalForAnyPoolSize() {
        int[][] shapes = {{256, 300, 300}, {131, 77, 523}, {203, 10, 700}, {3, 700, 400}, {14, 600, 300},
            {250, 300, 100}};
        for (int[] s : shapes) {
            for (Variant v : Variant.values()) {
                Problem p = new Problem(v, s[0], s[1], s[2], 1, 1, 99);
                for (boolean acc : new boolean[] {false, true}) {
                    float[] one = p.fast(pool1, acc);
                    float[] two = p.fast(pool2, acc);
                    float[] four = p.fast(pool4, acc);
                    assertTrue(Arrays.equals(one, two), p + " acc=" + acc + ": 1 vs 2 threads differ");
                    assertTrue(Arrays.equals(one, four), p + " acc=" + acc + ": 1 vs 4 threads differ");
                }
            }
        }
    }

    /** Shapes that reach every path of Gemm.path, each with the variants that take it. */
    private static final int[][] PATH_SHAPES = {
        {128, 10, 256}, {1, 10, 256}, {70, 10, 40}, {33, 7, 100}, {50, 10, 20}, {2, 300, 100}, {9, 80, 70},
        {40, 70, 1}, {40, 70, 2}, {10, 256, 128}, {60, 90, 70}, {130, 77, 300}, {300, 430, 333}, {1, 300, 101},
        {1, 700, 600},
    };

    @Test
    void everyPathFollowsItsDocumentedSummationOrderBitwise() {
        java.util.Set<Integer> seen = new java.util.TreeSet<>();
        long seed = 500;
        for (int[] s : PATH_SHAPES) {
            for (Variant v : Variant.values()) {
                boolean ta = v == Variant.TN;
                boolean tb = v == Variant.NT;
                int path = Gemm.path(ta, tb, s[0], s[1], s[2]);
                seen.add(path);
                Problem p = new Problem(v, s[0], s[1], s[2], (int) (seed % 3), (int) (seed % 5), seed++);
                for (boolean acc : new boolean[] {false, true}) {
                    float[] want = p.c0.clone();
                    if (path == Gemm.DOT || path == Gemm.DOT_NN) {
                        ReferenceGemm.laneTree(Vec.LANES, ta, tb, p.m, p.n, p.k, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb,
                                want, p.cOff, p.ldc, acc);
                    } else {
                        ReferenceGemm.inOrderFma(ta, tb, p.m, p.n, p.k, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb, want,
                                p.cOff, p.ldc, acc);
                    }
                    for (WorkerPool pool : new WorkerPool[] {pool1, pool4}) {
                        float[] got = p.fast(pool, acc);
                        assertTrue(Arrays.equals(want, got), p + " path " + path + " acc=" + acc + " threads="
                                + pool.threads() + ": not the documented order");
                    }
                }
            }
        }
        if (Vec.LANES == 16) {   // the narrow paths take n <= LANES: the shapes are chosen for 16 lanes
            assertEquals(java.util.Set.of(Gemm.PACKED, Gemm.DOT, Gemm.DOT_NN, Gemm.ROWS, Gemm.DIRECT, Gemm.NARROW_TN),
                    seen, "PATH_SHAPES should reach every path");
        }
    }

    @Test
    void overwriteIgnoresNanInCAndAccumulateAdds() {
        for (int[] s : new int[][] {{2, 3, 4}, {40, 70, 90}}) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            float[] a = new float[m * k];
            float[] b = new float[k * n];
            Arrays.fill(a, 1f);
            Arrays.fill(b, 0.5f);
            float[] c = new float[m * n];
            Arrays.fill(c, Float.NaN);
            Gemm.nn(pool2, m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
            for (float x : c) {
                assertEquals(0.5f * k, x);
            }
            Arrays.fill(c, 1f);
            Gemm.nn(pool2, m, n, k, a, 0, k, b, 0, n, c, 0, n, true);
            for (float x : c) {
                assertEquals(1f + 0.5f * k, x);
            }
        }
    }

    @Test
    void invalidArgumentsNameTheArgument() {
        float[] a = new float[12];
        float[] b = new float[12];
        float[] c = new float[12];
        expect("m", () -> Gemm.nn(pool1, -1, 3, 4, a, 0, 4, b, 0, 3, c, 0, 3, false));
        expect("n", () -> Gemm.nt(pool1, 3, -1, 4, a, 0, 4, b, 0, 4, c, 0, 3, false));
        expect("k", () -> Gemm.tn(pool1, 3, 3, -2, a, 0, 3, b, 0, 3, c, 0, 3, false));
        expect("a", () -> Gemm.nn(pool1, 3, 3, 4, a, 1, 4, b, 0, 3, c, 0, 3, false));
        expect("lda", () -> Gemm.nn(pool1, 3, 3, 4, a, 0, 3, b, 0, 3, c, 0, 3, false));
        expect("ldb", () -> Gemm.nt(pool1, 3, 3, 4, a, 0, 4, b, 0, 3, c, 0, 3, false));
        expect("ldc", () -> Gemm.tn(pool1, 3, 3, 4, a, 0, 3, b, 0, 3, c, 0, 2, false));
        expect("b", () -> Gemm.nn(pool1, 3, 3, 4, a, 0, 4, null, 0, 3, c, 0, 3, false));
        expect("c", () -> Gemm.nn(pool1, 3, 3, 4, a, 0, 4, b, 0, 3, c, 5, 3, false));
        expect("a", () -> Gemm.nn(pool1, 3, 3, 4, a, -1, 4, b, 0, 3, c, 0, 3, false));
        expect("pool", () -> Gemm.nn(null, 3, 3, 4, a, 0, 4, b, 0, 3, c, 0, 3, false));
    }

    private static void callAll(Problem[] ps, float[][] cs, boolean accumulate) {
        for (int i = 0; i < ps.length; i++) {
            Problem p = ps[i];
            WorkerPool pool = i % 2 == 0 ? pool1 : pool2;
            switch (p.v) {
                case NN -> Gemm.nn(pool, p.m, p.n, p.k, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb, cs[i], p.cOff, p.ldc,
                        accumulate);
                case NT -> Gemm.nt(pool, p.m, p.n, p.k, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb, cs[i], p.cOff, p.ldc,
                        accumulate);
                case TN -> Gemm.tn(pool, p.m, p.n, p.k, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb, cs[i], p.cOff, p.ldc,
                        accumulate);
            }
        }
    }

    private static void expect(String name, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().startsWith(name + " ") || e.getMessage().startsWith(name + ":"),
                "message should name '" + name + "': " + e.getMessage());
    }

    @Test
    void noAllocationAfterWarmUp() {
        Problem[] ps = {
            new Problem(Variant.NN, 64, 96, 64, 0, 0, 5), new Problem(Variant.NT, 60, 90, 70, 1, 1, 6),
            new Problem(Variant.TN, 61, 50, 66, 0, 2, 7), new Problem(Variant.NN, 2, 40, 30, 0, 0, 8),
            new Problem(Variant.NT, 2, 40, 30, 0, 0, 9), new Problem(Variant.NN, 100, 110, 120, 0, 0, 10),
            new Problem(Variant.NN, 37, 10, 70, 0, 0, 11), new Problem(Variant.NT, 37, 10, 70, 1, 0, 12),
            new Problem(Variant.TN, 37, 10, 70, 0, 1, 13),
        };
        float[][] cs = new float[ps.length][];
        for (int i = 0; i < ps.length; i++) {
            cs[i] = ps[i].c0.clone();
        }
        // Warm up through the same small method that is measured, so Gemm's own methods get
        // C2-compiled standalone (a method only ever inlined elsewhere can still run as C1 code,
        // where vector operations allocate); then measure until a round is clean.
        for (int rep = 0; rep < 3000; rep++) {
            callAll(ps, cs, rep % 2 == 0);
        }
        long allocated = KernelTesting.fewestBytesWhenWarm(() -> {
            for (int rep = 0; rep < 20; rep++) {
                callAll(ps, cs, rep % 2 == 0);
            }
        });
        assertEquals(0, allocated, "bytes allocated by warm Gemm calls on the calling thread");
    }
}
