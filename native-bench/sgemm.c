/*
 * sgemm.c: the OpenBLAS side of the vectrain GEMM comparison. Times cblas_sgemm (row-major) on the
 * shapes and transposes given on the command line and prints the median GFLOP/s of each. It first
 * checks every transpose against a naive loop on a small odd shape (exits 1 on a mismatch).
 * It is not a BLAS test suite. Build: gcc -O3 -march=native sgemm.c -lopenblas -lm
 * Usage: sgemm [--threads N] [--samples S] [--min-ms T] MxNxK:op ...   (op = nn | nt | tn)
 */
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

extern char *openblas_get_config(void);
extern char *openblas_get_corename(void);
extern void openblas_set_num_threads(int);
extern int openblas_get_num_threads(void);

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

/* CPU seconds of the whole process (all threads): on a shared machine, flops per CPU-second per
 * thread is a steadier figure than wall time when other processes steal the cores. */
static double cpu(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static float *rnd(size_t n, unsigned *seed) {
    float *x = aligned_alloc(64, ((n * sizeof(float)) + 63) / 64 * 64);
    for (size_t i = 0; i < n; i++) {
        *seed = *seed * 1664525u + 1013904223u;
        x[i] = (float)((*seed >> 8) * (1.0 / 16777216.0)) * 2.0f - 1.0f;
    }
    return x;
}

/* C(m×n) = op(A)·op(B) with row-major storage: nn (A m×k, B k×n), nt (B n×k), tn (A k×m). */
static void run(const char *op, int m, int n, int k, const float *a, const float *b, float *c) {
    int ta = op[0] == 't', tb = op[1] == 't';
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, 1.0f, a,
                ta ? m : k, b, tb ? k : n, 0.0f, c, n);
}

static int validate(void) {
    const char *ops[] = {"nn", "nt", "tn"};
    int m = 37, n = 41, k = 29;
    unsigned seed = 7;
    float *a = rnd((size_t)m * k, &seed), *b = rnd((size_t)k * n, &seed), *c = rnd((size_t)m * n, &seed);
    for (int o = 0; o < 3; o++) {
        int ta = ops[o][0] == 't', tb = ops[o][1] == 't';
        run(ops[o], m, n, k, a, b, c);
        double maxErr = 0, sum = 0, refSum = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (double)(ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
                }
                maxErr = fmax(maxErr, fabs(s - c[i * n + j]));
                sum += c[i * n + j];
                refSum += s;
            }
        }
        printf("validate %s %dx%dx%d checksum=%.6f reference=%.6f max_abs_err=%.2e\n", ops[o], m, n, k, sum, refSum,
               maxErr);
        if (maxErr > 1e-4) {
            fprintf(stderr, "sgemm: %s disagrees with the naive loop\n", ops[o]);
            return 1;
        }
    }
    free(a);
    free(b);
    free(c);
    return 0;
}

static int cmp(const void *x, const void *y) {
    double d = *(const double *)x - *(const double *)y;
    return d < 0 ? -1 : d > 0;
}

int main(int argc, char **argv) {
    int threads = 1, samples = 15;
    double minMs = 30;
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
        if (i + 1 >= argc) break;
        if (!strcmp(argv[i], "--threads")) threads = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--samples")) samples = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--min-ms")) minMs = atof(argv[i + 1]);
        else { fprintf(stderr, "unknown option %s\n", argv[i]); return 2; }
    }
    openblas_set_num_threads(threads);
    printf("openblas config='%s' core=%s threads=%d\n", openblas_get_config(), openblas_get_corename(),
           openblas_get_num_threads());
    if (validate()) return 1;
    for (; i < argc; i++) {
        int m, n, k;
        char op[3] = "nn";
        if (sscanf(argv[i], "%dx%dx%d:%2s", &m, &n, &k, op) < 3) {
            fprintf(stderr, "bad shape %s\n", argv[i]);
            return 2;
        }
        unsigned seed = 1;
        float *a = rnd((size_t)m * k, &seed), *b = rnd((size_t)k * n, &seed), *c = rnd((size_t)m * n, &seed);
        double flops = 2.0 * m * n * k;
        int reps = 1;
        for (;;) { /* warm up and size one sample to >= minMs */
            double t0 = now();
            for (int r = 0; r < reps; r++) run(op, m, n, k, a, b, c);
            double dt = now() - t0;
            if (dt * 1e3 >= minMs) break;
            reps = dt <= 0 ? reps * 10 : (int)(reps * fmin(10.0, 1.2 * minMs / (dt * 1e3))) + 1;
        }
        double *g = malloc(sizeof(double) * samples), *gc = malloc(sizeof(double) * samples);
        for (int s = 0; s < samples; s++) {
            double t0 = now(), c0 = cpu();
            for (int r = 0; r < reps; r++) run(op, m, n, k, a, b, c);
            g[s] = flops * reps / (now() - t0) / 1e9;
            gc[s] = flops * reps / ((cpu() - c0) / threads) / 1e9;
        }
        qsort(g, samples, sizeof(double), cmp);
        qsort(gc, samples, sizeof(double), cmp);
        printf("sgemm shape=%dx%dx%d:%s threads=%d gflops=%.1f min=%.1f max=%.1f cpu_gflops=%.1f\n", m, n, k, op,
               threads, g[samples / 2], g[0], g[samples - 1], gc[samples / 2]);
        free(gc);
        fflush(stdout);
        free(g);
        free(a);
        free(b);
        free(c);
    }
    return 0;
}
