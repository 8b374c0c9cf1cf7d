/*
 * fma_peak.c: measures the FP32 FMA peak of this machine, the ceiling GEMM figures are compared to.
 * Each thread runs a loop of 24 independent AVX-512 FMA chains (distinct start values so the compiler cannot merge
 * them; enough to cover latency x ports)
 * and the program prints GFLOP/s for 1 and 2 threads (pthreads). It is not a memory benchmark.
 * Build: gcc -O3 -march=native fma_peak.c -lpthread
 */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define ITERS 200000000L

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static volatile float sink;

static void *work(void *arg) {
    long iters = *(long *)arg;
    __m512 x = _mm512_set1_ps(0.999999f), y = _mm512_set1_ps(1e-7f);
    __m512 a0 = _mm512_set1_ps(1.00f), a1 = _mm512_set1_ps(1.01f), a2 = _mm512_set1_ps(1.02f), a3 =
           _mm512_set1_ps(1.03f), a4 = _mm512_set1_ps(1.04f), a5 = _mm512_set1_ps(1.05f), a6 =
           _mm512_set1_ps(1.06f), a7 = _mm512_set1_ps(1.07f), a8 = _mm512_set1_ps(1.08f), a9 =
           _mm512_set1_ps(1.09f), a10 = _mm512_set1_ps(1.10f), a11 = _mm512_set1_ps(1.11f), a12 =
           _mm512_set1_ps(1.12f), a13 = _mm512_set1_ps(1.13f), a14 = _mm512_set1_ps(1.14f), a15 =
           _mm512_set1_ps(1.15f), a16 = _mm512_set1_ps(1.16f), a17 = _mm512_set1_ps(1.17f), a18 =
           _mm512_set1_ps(1.18f), a19 = _mm512_set1_ps(1.19f), a20 = _mm512_set1_ps(1.20f), a21 =
           _mm512_set1_ps(1.21f), a22 = _mm512_set1_ps(1.22f), a23 = _mm512_set1_ps(1.23f);
    for (long i = 0; i < iters; i++) {
        a0 = _mm512_fmadd_ps(a0, x, y); a1 = _mm512_fmadd_ps(a1, x, y); a2 = _mm512_fmadd_ps(a2, x, y);
        a3 = _mm512_fmadd_ps(a3, x, y); a4 = _mm512_fmadd_ps(a4, x, y); a5 = _mm512_fmadd_ps(a5, x, y);
        a6 = _mm512_fmadd_ps(a6, x, y); a7 = _mm512_fmadd_ps(a7, x, y); a8 = _mm512_fmadd_ps(a8, x, y);
        a9 = _mm512_fmadd_ps(a9, x, y); a10 = _mm512_fmadd_ps(a10, x, y); a11 = _mm512_fmadd_ps(a11, x, y);
        a12 = _mm512_fmadd_ps(a12, x, y); a13 = _mm512_fmadd_ps(a13, x, y); a14 = _mm512_fmadd_ps(a14, x, y);
        a15 = _mm512_fmadd_ps(a15, x, y); a16 = _mm512_fmadd_ps(a16, x, y); a17 = _mm512_fmadd_ps(a17, x, y);
        a18 = _mm512_fmadd_ps(a18, x, y); a19 = _mm512_fmadd_ps(a19, x, y); a20 = _mm512_fmadd_ps(a20, x, y);
        a21 = _mm512_fmadd_ps(a21, x, y); a22 = _mm512_fmadd_ps(a22, x, y); a23 = _mm512_fmadd_ps(a23, x, y);
    }
    __m512 s = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)),
                             _mm512_add_ps(_mm512_add_ps(a4, a5), _mm512_add_ps(a6, a7)));
    s = _mm512_add_ps(s, _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(a8, a9), _mm512_add_ps(a10, a11)),
                                       _mm512_add_ps(_mm512_add_ps(a12, a13), _mm512_add_ps(a14, a15))));
    s = _mm512_add_ps(s, _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(a16, a17), _mm512_add_ps(a18, a19)),
                                       _mm512_add_ps(_mm512_add_ps(a20, a21), _mm512_add_ps(a22, a23))));
    sink = _mm512_reduce_add_ps(s);
    return NULL;
}

static double peak(int threads, long iters) {
    pthread_t t[64];
    double t0 = now();
    for (int i = 0; i < threads; i++) pthread_create(&t[i], NULL, work, &iters);
    for (int i = 0; i < threads; i++) pthread_join(t[i], NULL);
    double dt = now() - t0;
    return 2.0 * 16 * 24 * (double)iters * threads / dt / 1e9;
}

int main(int argc, char **argv) {
    long iters = argc > 1 ? atol(argv[1]) : ITERS / 4;
    peak(1, iters / 10); /* warm up clocks */
    for (int threads = 1; threads <= 2; threads++) {
        double best = 0;
        for (int r = 0; r < 3; r++) {
            double g = peak(threads, iters);
            if (g > best) best = g;
        }
        printf("fma_peak threads=%d gflops=%.1f\n", threads, best);
    }
    return 0;
}
