/* mlp_c.c — the reference workload of ../../shared/ANCHORS.md in plain C: cblas_sgemm for every
 * forward and backward product, simple serial loops for the rest (bias, ReLU, softmax cross-entropy,
 * global-norm clipping, Adam). It is the "what a careful C programmer writes with OpenBLAS" baseline
 * for vectrain, not a tuned program: only the BLAS calls use threads.
 *
 * MLP 784-512-256-10, ReLU, He-normal init (std sqrt(2/fan_in)), zero biases; Fashion-MNIST scaled to
 * [0,1] then standardized per pixel; softmax CE (mean); gradients clipped to global norm 1.0 exactly as
 * torch.nn.utils.clip_grad_norm_ (coef = min(1, 1/(norm + 1e-6))); Adam lr 1e-3, betas 0.9/0.999,
 * eps 1e-8 with PyTorch's bias-correction form. Parameters, gradients and Adam moments each live in one
 * flat array, so clipping and Adam are one loop each.
 *
 * Build: gcc -O3 -march=native -fno-math-errno -o mlp_c mlp_c.c -lopenblas -lm  (native-bench/run does
 * this; -fno-math-errno lets gcc vectorize sqrtf in the Adam loop, 4x faster at batch 1)
 * Options mirror mlp_torch.py: --batch --threads --epochs | --seconds --warmup --seed --data
 * --init-from FILE (MLPW weights, see mlp_torch.py) --no-shuffle --check-steps N --eval --json.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>

/* cblas prototypes, declared here so any OpenBLAS (Debian's or the 0.3.31 jar's) links without a header */
enum { CblasRowMajor = 101 };
enum { CblasNoTrans = 111, CblasTrans = 112 };
void cblas_sgemm(int order, int ta, int tb, int m, int n, int k, float alpha, const float *a, int lda,
                 const float *b, int ldb, float beta, float *c, int ldc);
void openblas_set_num_threads(int n);
char *openblas_get_corename(void);
char *openblas_get_config(void);

#define D0 784
#define D1 512
#define D2 256
#define D3 10
/* offsets into the flat parameter arena: W1 (D1 x D0), b1, W2 (D2 x D1), b2, W3 (D3 x D2), b3 */
#define OW1 0
#define OB1 (OW1 + D1 * D0)
#define OW2 (OB1 + D1)
#define OB2 (OW2 + D2 * D1)
#define OW3 (OB2 + D2)
#define OB3 (OW3 + D3 * D2)
#define NPARAM (OB3 + D3)

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* seconds since the process started: BENCH_T0_NS (set by the runner just before exec) or /proc */
static double process_age_s(void) {
    const char *t0 = getenv("BENCH_T0_NS");
    if (t0 && *t0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return ((double)ts.tv_sec * 1e9 + ts.tv_nsec - strtod(t0, NULL)) / 1e9;
    }
    char buf[1024];
    FILE *f = fopen("/proc/self/stat", "r");
    if (!f || !fgets(buf, sizeof buf, f)) { if (f) fclose(f); return -1; }
    fclose(f);
    char *p = strrchr(buf, ')');
    unsigned long long start = 0;
    for (int field = 2; p && *p; p++)
        if (*p == ' ' && ++field == 22) { start = strtoull(p + 1, NULL, 10); break; }
    double up = 0;
    f = fopen("/proc/uptime", "r");
    if (f) { if (fscanf(f, "%lf", &up) != 1) up = 0; fclose(f); }
    return up - (double)start / sysconf(_SC_CLK_TCK);
}

/* ---- data ---- */
static uint8_t *read_idx(const char *dir, const char *stem, int *dims, int ndim_expect) {
    char path[4096], cmd[4200];
    snprintf(path, sizeof path, "%s/%s", dir, stem);
    FILE *f = fopen(path, "rb");
    int piped = 0;
    if (!f) {
        snprintf(path, sizeof path, "%s/%s.gz", dir, stem);
        if (access(path, R_OK) != 0) {
            fprintf(stderr, "mlp_c: %s[.gz] not found in %s (apt-get install dataset-fashion-mnist)\n", stem, dir);
            exit(2);
        }
        snprintf(cmd, sizeof cmd, "gzip -dc '%s'", path);
        f = popen(cmd, "r");
        piped = 1;
    }
    unsigned char h[16];
    size_t hl = 4 + 4 * (size_t)ndim_expect;
    if (!f || fread(h, 1, hl, f) != hl || h[3] != ndim_expect) {
        fprintf(stderr, "mlp_c: %s is not an IDX file with %d dimensions\n", path, ndim_expect);
        exit(2);
    }
    size_t n = 1;
    for (int i = 0; i < ndim_expect; i++) {
        dims[i] = (h[4 + 4 * i] << 24) | (h[5 + 4 * i] << 16) | (h[6 + 4 * i] << 8) | h[7 + 4 * i];
        n *= (size_t)dims[i];
    }
    uint8_t *data = malloc(n);
    if (!data || fread(data, 1, n, f) != n) { fprintf(stderr, "mlp_c: %s is truncated\n", path); exit(2); }
    if (piped) pclose(f); else fclose(f);
    return data;
}

/* per-pixel mean / population std of x/255 over the training set (double), then float32 (x/255-m)/s */
static float *standardize(const uint8_t *raw, int n, const double *mean, const double *std) {
    float *x = malloc(sizeof(float) * (size_t)n * D0);
    for (size_t i = 0; i < (size_t)n; i++)
        for (int j = 0; j < D0; j++)
            x[i * D0 + j] = (float)((raw[i * D0 + j] / 255.0 - mean[j]) / std[j]);
    return x;
}

/* ---- random numbers: splitmix64 + Box-Muller (deterministic per seed) ---- */
static uint64_t rng_state;
static uint64_t rng_next(void) {
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static double rng_uniform(void) { return ((rng_next() >> 11) + 0.5) * (1.0 / 9007199254740992.0); }
static double rng_normal(void) {
    return sqrt(-2.0 * log(rng_uniform())) * cos(6.283185307179586 * rng_uniform());
}
static void shuffle(int *perm, int n) {
    for (int i = n - 1; i > 0; i--) {
        int j = (int)(rng_next() % (uint64_t)(i + 1));
        int t = perm[i]; perm[i] = perm[j]; perm[j] = t;
    }
}

/* ---- model state ---- */
static float *P, *G, *M, *V;          /* parameters, gradients, Adam moments: NPARAM each */
static float *X, *H1, *H2, *Z, *D2b, *D1b; /* (B,784) (B,512) (B,256) (B,10) (B,256) (B,512) */
static int *Y;
static long adam_t;

static void load_weights(const char *path) {
    FILE *f = fopen(path, "rb");
    int32_t h[6];
    char magic[4];
    if (!f || fread(magic, 1, 4, f) != 4 || memcmp(magic, "MLPW", 4) || fread(h, 4, 6, f) != 6 ||
        h[0] != 1 || h[1] != 4 || h[2] != D0 || h[3] != D1 || h[4] != D2 || h[5] != D3 ||
        fread(P, sizeof(float), NPARAM, f) != NPARAM || fgetc(f) != EOF) {
        fprintf(stderr, "mlp_c: %s is not an MLPW v1 784-512-256-10 weights file\n", path);
        exit(2);
    }
    fclose(f);
}

static void init_weights(void) {
    const int fan_in[3] = {D0, D1, D2}, off[3] = {OW1, OW2, OW3}, cnt[3] = {D1 * D0, D2 * D1, D3 * D2};
    memset(P, 0, sizeof(float) * NPARAM);
    for (int l = 0; l < 3; l++) {
        double s = sqrt(2.0 / fan_in[l]);
        for (int i = 0; i < cnt[l]; i++) P[off[l] + i] = (float)(s * rng_normal());
    }
}

/* out(B,n) = in(B,k) . W(n,k)^T + b, optionally ReLU */
static void dense_forward(int B, int n, int k, const float *in, int w, int b, float *out, int relu) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, n, k, 1.0f, in, k, P + w, k, 0.0f, out, n);
    for (int r = 0; r < B; r++) {
        float *o = out + (size_t)r * n;
        const float *bias = P + b;
        if (relu) for (int j = 0; j < n; j++) { float v = o[j] + bias[j]; o[j] = v > 0 ? v : 0; }
        else for (int j = 0; j < n; j++) o[j] += bias[j];
    }
}

/* dW(n,k) = dOut(B,n)^T . in(B,k); db = column sums of dOut */
static void dense_param_grads(int B, int n, int k, const float *dout, const float *in, int w, int b) {
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n, k, B, 1.0f, dout, n, in, k, 0.0f, G + w, k);
    float *db = G + b;
    memset(db, 0, sizeof(float) * n);
    for (int r = 0; r < B; r++)
        for (int j = 0; j < n; j++) db[j] += dout[(size_t)r * n + j];
}

/* dIn(B,k) = dOut(B,n) . W(n,k), then times ReLU'(in) (in = ReLU output, > 0 where active) */
static void dense_input_grad_relu(int B, int n, int k, const float *dout, int w, const float *act, float *din) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, k, n, 1.0f, dout, n, P + w, k, 0.0f, din, k);
    for (size_t i = 0; i < (size_t)B * k; i++) if (act[i] <= 0) din[i] = 0;
}

/* one training step on the B rows already gathered into X/Y; returns the mean loss before the update */
static double train_step(int B) {
    dense_forward(B, D1, D0, X, OW1, OB1, H1, 1);
    dense_forward(B, D2, D1, H1, OW2, OB2, H2, 1);
    dense_forward(B, D3, D2, H2, OW3, OB3, Z, 0);
    /* softmax cross-entropy, mean over rows; Z becomes dLoss/dZ = (softmax - onehot) / B */
    double loss = 0;
    for (int r = 0; r < B; r++) {
        float *z = Z + (size_t)r * D3;
        float mx = z[0];
        for (int j = 1; j < D3; j++) if (z[j] > mx) mx = z[j];
        double s = 0;
        for (int j = 0; j < D3; j++) s += exp((double)(z[j] - mx));
        loss += log(s) - (double)(z[Y[r]] - mx);
        for (int j = 0; j < D3; j++) z[j] = (float)(exp((double)(z[j] - mx)) / s) / B;
        z[Y[r]] -= 1.0f / B;
    }
    loss /= B;
    dense_param_grads(B, D3, D2, Z, H2, OW3, OB3);
    dense_input_grad_relu(B, D3, D2, Z, OW3, H2, D2b);
    dense_param_grads(B, D2, D1, D2b, H1, OW2, OB2);
    dense_input_grad_relu(B, D2, D1, D2b, OW2, H1, D1b);
    dense_param_grads(B, D1, D0, D1b, X, OW1, OB1);
    /* clip by global norm 1.0 (as torch.nn.utils.clip_grad_norm_), folded into Adam as one scalar.
     * The sum of squares keeps 16 float lanes per 4096-element chunk (so gcc vectorizes it without
     * -ffast-math) and adds chunks in double. */
    const float *restrict g = G;
    float *restrict p = P, *restrict m = M, *restrict v = V;
    double ss = 0;
    for (int c = 0; c < NPARAM; c += 4096) {
        int end = c + 4096 < NPARAM ? c + 4096 : NPARAM, i = c;
        float lane[16] = {0};
        for (; i + 16 <= end; i += 16)
            for (int l = 0; l < 16; l++) lane[l] += g[i + l] * g[i + l];
        for (; i < end; i++) lane[0] += g[i] * g[i];
        for (int l = 0; l < 16; l++) ss += lane[l];
    }
    float coef = (float)(1.0 / (sqrt(ss) + 1e-6));
    if (coef > 1.0f) coef = 1.0f;
    adam_t++;
    const float b1 = 0.9f, b2 = 0.999f, lr = 1e-3f, eps = 1e-8f;
    const float bc1 = 1.0f - powf(b1, (float)adam_t), bc2 = 1.0f - powf(b2, (float)adam_t);
    const float step = lr / bc1, rbc2 = 1.0f / sqrtf(bc2);
    for (int i = 0; i < NPARAM; i++) {
        float gi = g[i] * coef;
        m[i] = b1 * m[i] + (1 - b1) * gi;
        v[i] = b2 * v[i] + (1 - b2) * gi * gi;
        p[i] -= step * m[i] / (sqrtf(v[i]) * rbc2 + eps);
    }
    return loss;
}

static void gather(const float *xs, const uint8_t *ys, const int *idx, int B) {
    for (int r = 0; r < B; r++) {
        memcpy(X + (size_t)r * D0, xs + (size_t)idx[r] * D0, sizeof(float) * D0);
        Y[r] = ys[idx[r]];
    }
}

static double test_accuracy(const float *xs, const uint8_t *ys, int n, int maxB) {
    int correct = 0;
    for (int s = 0; s < n; s += maxB) {
        int B = n - s < maxB ? n - s : maxB;
        memcpy(X, xs + (size_t)s * D0, sizeof(float) * D0 * B);
        dense_forward(B, D1, D0, X, OW1, OB1, H1, 1);
        dense_forward(B, D2, D1, H1, OW2, OB2, H2, 1);
        dense_forward(B, D3, D2, H2, OW3, OB3, Z, 0);
        for (int r = 0; r < B; r++) {
            int best = 0;
            for (int j = 1; j < D3; j++) if (Z[r * D3 + j] > Z[r * D3 + best]) best = j;
            correct += best == ys[s + r];
        }
    }
    return (double)correct / n;
}

static void usage(void) {
    fprintf(stderr, "usage: mlp_c [--batch B] [--threads T] [--epochs E | --seconds S] [--warmup N] [--seed N]\n"
                    "             [--data DIR] [--init-from FILE] [--no-shuffle] [--check-steps N] [--eval] [--json]\n");
    exit(2);
}

int main(int argc, char **argv) {
    int batch = 128, threads = 1, epochs = 0, warmup = -1, check_steps = 0, no_shuffle = 0, eval = 0, json = 0;
    double seconds = 5.0;
    unsigned long long seed = 42;
    const char *data = "/usr/share/datasets/fashion-mnist", *init_from = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
#define ARG(name) (!strcmp(a, name) && (more || (usage(), 0)))
        if (ARG("--batch")) batch = atoi(argv[++i]);
        else if (ARG("--threads")) threads = atoi(argv[++i]);
        else if (ARG("--epochs")) epochs = atoi(argv[++i]);
        else if (ARG("--seconds")) seconds = atof(argv[++i]);
        else if (ARG("--warmup")) warmup = atoi(argv[++i]);
        else if (ARG("--seed")) seed = strtoull(argv[++i], NULL, 10);
        else if (ARG("--data")) data = argv[++i];
        else if (ARG("--init-from")) init_from = argv[++i];
        else if (ARG("--check-steps")) check_steps = atoi(argv[++i]);
        else if (!strcmp(a, "--no-shuffle")) no_shuffle = 1;
        else if (!strcmp(a, "--eval")) eval = 1;
        else if (!strcmp(a, "--json")) json = 1;
        else usage();
    }
    if (batch < 1 || threads < 1) usage();
    if (warmup < 0) warmup = batch == 1 ? 100 : 20;
    openblas_set_num_threads(threads);
    rng_state = seed;

    int dtr[3], dte[3], ltr[1], lte[1];
    uint8_t *rtr = read_idx(data, "train-images-idx3-ubyte", dtr, 3);
    uint8_t *ytr = read_idx(data, "train-labels-idx1-ubyte", ltr, 1);
    uint8_t *rte = read_idx(data, "t10k-images-idx3-ubyte", dte, 3);
    uint8_t *yte = read_idx(data, "t10k-labels-idx1-ubyte", lte, 1);
    int n = dtr[0], nte = dte[0];
    if (dtr[1] * dtr[2] != D0 || ltr[0] != n || dte[1] * dte[2] != D0 || lte[0] != nte) {
        fprintf(stderr, "mlp_c: unexpected IDX shapes in %s\n", data);
        return 2;
    }
    double *mean = calloc(D0, sizeof(double)), *std = calloc(D0, sizeof(double));
    for (size_t i = 0; i < (size_t)n; i++) for (int j = 0; j < D0; j++) mean[j] += rtr[i * D0 + j];
    for (int j = 0; j < D0; j++) mean[j] /= 255.0 * n;
    for (size_t i = 0; i < (size_t)n; i++)
        for (int j = 0; j < D0; j++) { double d = rtr[i * D0 + j] / 255.0 - mean[j]; std[j] += d * d; }
    for (int j = 0; j < D0; j++) { std[j] = sqrt(std[j] / n); if (std[j] < 1e-8) std[j] = 1.0; }
    float *xtr = standardize(rtr, n, mean, std), *xte = standardize(rte, nte, mean, std);
    free(rtr); free(rte);

    P = calloc(NPARAM, sizeof(float)); G = calloc(NPARAM, sizeof(float));
    M = calloc(NPARAM, sizeof(float)); V = calloc(NPARAM, sizeof(float));
    int maxB = batch > 1000 ? batch : 1000; /* buffers also serve the test-set evaluation */
    X = malloc(sizeof(float) * (size_t)maxB * D0); H1 = malloc(sizeof(float) * (size_t)maxB * D1);
    H2 = malloc(sizeof(float) * (size_t)maxB * D2); Z = malloc(sizeof(float) * (size_t)maxB * D3);
    D2b = malloc(sizeof(float) * (size_t)maxB * D2); D1b = malloc(sizeof(float) * (size_t)maxB * D1);
    Y = malloc(sizeof(int) * (size_t)maxB);
    int *perm = malloc(sizeof(int) * (size_t)n);
    if (init_from) load_weights(init_from); else init_weights();

    /* a batch stream over reshuffled epochs; the final partial batch of an epoch is used as it is */
    int pos = n;
    long cap = 1024, nl = 0;
    double *losses = malloc(sizeof(double) * cap);
#define NEXT_BATCH(Bv) do { \
        if (pos >= n) { for (int i_ = 0; i_ < n; i_++) perm[i_] = i_; if (!no_shuffle) shuffle(perm, n); pos = 0; } \
        Bv = n - pos < batch ? n - pos : batch; gather(xtr, ytr, perm + pos, Bv); pos += Bv; } while (0)
#define RECORD(l) do { if (nl == cap) losses = realloc(losses, sizeof(double) * (cap *= 2)); losses[nl++] = (l); } while (0)
    int B;
    NEXT_BATCH(B);
    double first_loss = train_step(B);
    double ttfs = process_age_s();
    RECORD(first_loss);
    long steps = 0, samples = 0;
    double dt = 0, epoch_loss[256];
    int nep = 0;
    if (check_steps) {
        while (nl < check_steps) { NEXT_BATCH(B); RECORD(train_step(B)); }
    } else {
        for (int i = 0; i < warmup; i++) { NEXT_BATCH(B); RECORD(train_step(B)); }
        if (epochs) {
            pos = n; /* start timing at a fresh epoch */
            double t0 = now_s();
            for (int e = 0; e < epochs; e++) {
                double tot = 0;
                do { NEXT_BATCH(B); double l = train_step(B); RECORD(l); tot += l * B; samples += B; steps++; } while (pos < n);
                if (nep < 256) epoch_loss[nep++] = tot / n;
            }
            dt = now_s() - t0;
        } else {
            double t0 = now_s();
            while (dt < seconds) { NEXT_BATCH(B); RECORD(train_step(B)); samples += B; steps++; dt = now_s() - t0; }
        }
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double acc = eval ? test_accuracy(xte, yte, nte, maxB) : -1;
    long w = nl / 4;
    long w2 = 2048 / batch > 10 ? 2048 / batch : 10;
    if (w > w2) w = w2;
    if (w < 1) w = 1;
    double head = 0, tail = 0;
    for (long i = 0; i < w; i++) { head += losses[i]; tail += losses[nl - 1 - i]; }
    head /= w; tail /= w;
    int ok = tail < head;
    const char *core = openblas_get_corename(), *cfg = openblas_get_config();

    printf(json ? "{\"system\": \"c\", \"batch\": %d, \"threads\": %d, \"first_loss\": %.9g, \"ttfs_ms\": %.1f"
                : "system: c\nbatch: %d\nthreads: %d\nfirst_loss: %.9g\nttfs_ms: %.1f",
           batch, threads, first_loss, ttfs * 1000);
    const char *sep = json ? ", " : "\n";
    if (check_steps) {
        printf(json ? "%s\"losses\": [" : "%slosses:", sep);
        for (long i = 0; i < nl; i++) printf(json ? "%s%.9g" : "%s%.9g", i ? (json ? ", " : " ") : (json ? "" : " "), losses[i]);
        if (json) printf("]");
    } else {
        printf(json ? "%s\"steps\": %ld, \"samples\": %ld, \"seconds\": %.3f, \"samples_per_s\": %.1f, \"steps_per_s\": %.1f, "
                      "\"loss_head\": %.4f, \"loss_tail\": %.4f, \"loss_ok\": %s"
                    : "%ssteps: %ld\nsamples: %ld\nseconds: %.3f\nsamples_per_s: %.1f\nsteps_per_s: %.1f\n"
                      "loss_head: %.4f\nloss_tail: %.4f\nloss_ok: %s",
               sep, steps, samples, dt, samples / dt, steps / dt, head, tail, ok ? "true" : "false");
        if (nep) {
            printf(json ? "%s\"epoch_losses\": [" : "%sepoch_losses:", sep);
            for (int e = 0; e < nep; e++) printf(json ? "%s%.4f" : "%s%.4f", e ? (json ? ", " : " ") : (json ? "" : " "), epoch_loss[e]);
            if (json) printf("]");
        }
    }
    if (eval) printf(json ? "%s\"test_accuracy\": %.4f" : "%stest_accuracy: %.4f", sep, acc);
    printf(json ? "%s\"blas_core\": \"%s\", \"blas_config\": \"%s\", \"peak_rss_mib\": %.1f}\n"
                : "%sblas_core: %s\nblas_config: %s\npeak_rss_mib: %.1f\n",
           sep, core, cfg, ru.ru_maxrss / 1024.0);
    if (!check_steps && !ok) { fprintf(stderr, "mlp_c: FAILED validation: loss did not decrease\n"); return 1; }
    return 0;
}
