/* fma_own.c — the FP32 FMA peak of this machine, for the "FLOP limit" column of native-bench/run when
 * the GEMM helper's fma_peak.c is not there: each of T threads runs 24 independent AVX-512 FMA chains
 * (enough to cover 4-cycle latency on 2 FMA pipes); each thread times its own CPU time after a common
 * start line, the rates are summed; best of 5 trials of about 30 ms.
 * Build: gcc -O2 -mavx512f -pthread -o fma_own fma_own.c     Run: fma_own THREADS
 * Prints one line: fma_own threads=T gflops=<best GFLOP/s summed over threads>
 */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define ITERS 4000000L /* 3 GFLOP per thread and trial */

/* this thread's CPU time: the peak is a property of the core, so time another process takes from
 * this thread on a shared machine must not lower it */
static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static pthread_barrier_t start_line;
static volatile float sink;

/* 24 named accumulators, so they live in registers (an array would be kept on the stack) */
#define ALL(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) \
               X(12) X(13) X(14) X(15) X(16) X(17) X(18) X(19) X(20) X(21) X(22) X(23)
#define DECL(i) __m512 c##i = _mm512_set1_ps((float)i);
#define STEP(i) c##i = _mm512_fmadd_ps(c##i, a, b);
#define SUM(i) s = _mm512_add_ps(s, c##i);

static void *chains(void *arg) {
    double *rate = arg;
    __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f), s = _mm512_setzero_ps();
    ALL(DECL)
    pthread_barrier_wait(&start_line);
    double t0 = now_s();
    for (long it = 0; it < ITERS; it++) {
        ALL(STEP)
        __asm__ volatile("" ::: "memory");
    }
    *rate = 2.0 * 16 * 24 * ITERS / (now_s() - t0) / 1e9;
    ALL(SUM)
    sink = _mm512_reduce_add_ps(s);
    return NULL;
}

int main(int argc, char **argv) {
    int t = argc > 1 ? atoi(argv[1]) : 1;
    if (t < 1) { fprintf(stderr, "usage: fma_own THREADS\n"); return 2; }
    pthread_t th[256];
    double best = 0;
    double rate[256];
    if (t > 256) t = 256;
    for (int trial = 0; trial < 5; trial++) {
        pthread_barrier_init(&start_line, NULL, (unsigned)t);
        for (int i = 0; i < t; i++) pthread_create(&th[i], NULL, chains, &rate[i]);
        double gf = 0;
        for (int i = 0; i < t; i++) { pthread_join(th[i], NULL); gf += rate[i]; }
        pthread_barrier_destroy(&start_line);
        if (gf > best) best = gf;
    }
    printf("fma_own threads=%d gflops=%.1f\n", t, best);
    return 0;
}
