/*
 * The C reference of the engine's CPU workloads, for `npm run bench` (bench/reference.ts builds
 * it with gcc -O3 in the same run and prints our figure, this one's and the ratio). Each kernel
 * is the engine's own algorithm written plainly in C, on the same inputs (the bench's mulberry32
 * generator, reproduced here bit for bit) — not a cleverer algorithm: the ratio measures how much
 * of the machine our code uses, not which algorithm is best.
 *
 *   exact N RUNS                   exact Shapley of a random 2^N table by size sums (shapley/exact.ts)
 *   sample-table N PERMS RUNS      permutation sampling of a random 2^N table: Philox4x32-10
 *                                  permutations (random/permutation.ts), Welford per block of 256,
 *                                  blocks merged by Chan's formula (shapley/samplingAccumulator.ts)
 *   sample-voting PERMS RUNS       the same on the US Electoral College (weights on stdin)
 *   sample-scale N PERMS RUNS      the same on a saturating-scale game (games/saturatingScale.ts)
 *   similarity M N D RUNS          best score per holder, groups of 4 outputs × 4 items,
 *                                  float32 rows, float64 sums in k order, 256 KiB item tiles,
 *                                  a group's 4 sums as one vector (GCC's vector extension)
 *                                  (attribution/bestHolderScores.ts)
 *
 * Prints one line: the fastest of RUNS runs after a warm-up, in ms, then the values (or a
 * checksum) with 17 significant digits, so that the bench checks the reference computes what
 * the engine does before it compares their speed.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- inputs: the bench's generator (bench/harness.ts mulberry32) ---- */

typedef struct { uint32_t a; } mulberry;

static double mulberry_next(mulberry *g) {
  g->a += 0x6d2b79f5u;
  uint32_t t = g->a;
  t = (t ^ (t >> 15)) * (t | 1u);
  t ^= t + (t ^ (t >> 7)) * (t | 61u);
  return (double)(t ^ (t >> 14)) / 4294967296.0;
}

/* bench/companion.ts randomTable: v(∅) = 0, else next() · 100. */
static double *random_table(int n, uint32_t seed) {
  size_t size = (size_t)1 << n;
  double *values = malloc(size * sizeof(double));
  mulberry g = {seed};
  values[0] = 0;
  for (size_t mask = 1; mask < size; mask++) values[mask] = mulberry_next(&g) * 100;
  return values;
}

/* bench/companion.ts randomMatrix: next() · 2 − 1 as float32. */
static float *random_matrix(size_t rows, size_t cols, uint32_t seed) {
  float *out = malloc(rows * cols * sizeof(float));
  mulberry g = {seed};
  for (size_t k = 0; k < rows * cols; k++) out[k] = (float)(mulberry_next(&g) * 2 - 1);
  return out;
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

typedef void (*workload)(void *state);

/* One warm-up, then the fastest of `runs` runs (a shared host's bursts only add time). */
static double fastest_ms(workload work, void *state, int runs) {
  work(state);
  double fastest = INFINITY;
  for (int r = 0; r < runs; r++) {
    double start = now_ms();
    work(state);
    double ms = now_ms() - start;
    if (ms < fastest) fastest = ms;
  }
  return fastest;
}

/* ---- exact Shapley by size sums ---- */

typedef struct { int n; const double *values; double *phi; } exact_state;

static void exact_work(void *p) {
  exact_state *s = p;
  int n = s->n;
  size_t size = (size_t)1 << n;
  double by_size[64];
  for (int i = 0; i < n; i++) {
    memset(by_size, 0, sizeof by_size);
    size_t bit = (size_t)1 << i;
    for (size_t start = 0; start < size; start += 2 * bit)
      for (size_t mask = start; mask < start + bit; mask++)
        by_size[__builtin_popcountll(mask)] += s->values[mask + bit] - s->values[mask];
    /* shapleyFromSizeSums, floating-point branch. */
    double binomial = 1, phi = 0;
    for (int k = 0; k < n; k++) {
      phi += by_size[k] / binomial;
      binomial = binomial * (n - 1 - k) / (k + 1);
    }
    s->phi[i] = phi / n;
  }
}

/* ---- Philox4x32-10 permutations (random/permutation.ts, word for word) ---- */

static inline void philox(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3, uint32_t k0, uint32_t k1, uint32_t out[4]) {
  for (int round = 0; round < 10; round++) {
    if (round > 0) {
      k0 += 0x9e3779b9u;
      k1 += 0xbb67ae85u;
    }
    uint64_t p0 = (uint64_t)0xd2511f53u * c0;
    uint64_t p1 = (uint64_t)0xcd9e8d57u * c2;
    uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0;
    uint32_t hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

static inline void draw_permutation(uint32_t k0, uint32_t k1, uint64_t index, int n, int *order) {
  uint32_t words[4];
  for (int i = 0; i < n; i++) order[i] = i;
  unsigned used = 0;
  for (int j = n - 1; j >= 1; j--) {
    unsigned slot = used & 3;
    if (slot == 0) philox((uint32_t)index, (uint32_t)(index >> 32), used >> 2, 0, k0, k1, words);
    used++;
    uint32_t r = (uint32_t)(((uint64_t)words[slot] * (uint32_t)(j + 1)) >> 32);
    int tmp = order[j];
    order[j] = order[r];
    order[r] = tmp;
  }
}

/* ---- games: a walker adds players one at a time and returns v of the coalition so far ---- */

enum game_kind { TABLE, VOTING, SCALE };

typedef struct {
  enum game_kind kind;
  int n;
  const double *values; /* TABLE: 2^n values; VOTING: weights; SCALE: sizes */
  double quota, half_size, alpha;
} game;

typedef struct { game g; uint64_t seed; long samples; double *mean, *m2; } sample_state;

static void sample_work(void *p) {
  sample_state *s = p;
  const game *g = &s->g;
  int n = g->n;
  uint32_t k0 = (uint32_t)s->seed, k1 = (uint32_t)(s->seed >> 32);
  int *order = malloc(n * sizeof(int));
  double *bmean = malloc(n * sizeof(double)), *bm2 = malloc(n * sizeof(double));
  memset(s->mean, 0, n * sizeof(double));
  memset(s->m2, 0, n * sizeof(double));
  long done = 0;
  for (long first = 0; first < s->samples; first += 256) {
    long samples = s->samples - first < 256 ? s->samples - first : 256;
    memset(bmean, 0, n * sizeof(double));
    memset(bm2, 0, n * sizeof(double));
    for (long t = 0; t < samples; t++) {
      draw_permutation(k0, k1, (uint64_t)(first + t), n, order);
      double inverse = 1.0 / (double)(t + 1);
      uint64_t mask = 0;
      double total = 0, previous = g->kind == TABLE ? g->values[0] : 0;
      for (int k = 0; k < n; k++) {
        int player = order[k];
        double current;
        if (g->kind == TABLE) {
          mask |= (uint64_t)1 << player;
          current = g->values[mask];
        } else if (g->kind == VOTING) {
          total += g->values[player];
          current = total >= g->quota ? 1 : 0;
        } else {
          total += g->values[player];
          current = 1 - pow(1 + total / g->half_size, -g->alpha);
        }
        double x = current - previous;
        previous = current;
        double before = bmean[player];
        double d = x - before;
        double after = before + d * inverse;
        bmean[player] = after;
        bm2[player] += d * (x - after);
      }
    }
    if (done == 0) {
      memcpy(s->mean, bmean, n * sizeof(double));
      memcpy(s->m2, bm2, n * sizeof(double));
    } else {
      double all = (double)(done + samples);
      double share = samples / all, cross = (double)done * samples / all;
      for (int i = 0; i < n; i++) {
        double delta = bmean[i] - s->mean[i];
        s->mean[i] += delta * share;
        s->m2[i] += bm2[i] + delta * delta * cross;
      }
    }
    done += samples;
  }
  free(order);
  free(bmean);
  free(bm2);
}

/* ---- similarity: best score per holder ---- */

typedef struct { int m, n, d, holders; const float *rows, *items; const int *holder_of; double *best; } similarity_state;

/* The 4 outputs of a group as one vector of doubles (AVX2's width): a sum per lane. */
typedef double lanes4 __attribute__((vector_size(32)));

/* Raises a holder's 4 best scores by one item's 4 dot products. */
static inline void raise_scores(double *b, lanes4 sums) {
  for (int lane = 0; lane < 4; lane++)
    if (sums[lane] > b[lane]) b[lane] = sums[lane];
}

static void similarity_work(void *p) {
  similarity_state *s = p;
  int d = s->d, groups = s->m / 4, holders = s->holders;
  size_t stride = (size_t)holders * 4;
  memset(s->best, 0, groups * stride * sizeof(double));
  /* Each group's rows as float64, interleaved (rows[4k + lane]), as the engine's kernel takes them. */
  lanes4 *rows = aligned_alloc(32, (size_t)groups * d * sizeof(lanes4));
  for (int g = 0; g < groups; g++)
    for (int k = 0; k < d; k++)
      for (int lane = 0; lane < 4; lane++) rows[(size_t)g * d + k][lane] = s->rows[((size_t)g * 4 + lane) * d + k];
  int tile = 2 * (256 * 1024 / (8 * d));
  if (tile < 2) tile = 2;
  for (int from = 0; from < s->n; from += tile) {
    int to = from + tile < s->n ? from + tile : s->n;
    for (int g = 0; g < groups; g++) {
      const lanes4 *r = rows + (size_t)g * d;
      double *best = s->best + g * stride;
      int j = from;
      /* 4 items at a time: 4 vector sums, as the engine's kernel (assembly/holderScores.ts). */
      for (; j + 3 < to; j += 4) {
        const float *x = s->items + (size_t)j * d, *y = x + d, *z = y + d, *w = z + d;
        lanes4 sx = {0}, sy = {0}, sz = {0}, sw = {0};
        for (int k = 0; k < d; k++) {
          lanes4 a = r[k];
          sx += a * (double)x[k];
          sy += a * (double)y[k];
          sz += a * (double)z[k];
          sw += a * (double)w[k];
        }
        raise_scores(best + (size_t)s->holder_of[j] * 4, sx);
        raise_scores(best + (size_t)s->holder_of[j + 1] * 4, sy);
        raise_scores(best + (size_t)s->holder_of[j + 2] * 4, sz);
        raise_scores(best + (size_t)s->holder_of[j + 3] * 4, sw);
      }
      for (; j < to; j++) {
        const float *x = s->items + (size_t)j * d;
        lanes4 sx = {0};
        for (int k = 0; k < d; k++) sx += r[k] * (double)x[k];
        raise_scores(best + (size_t)s->holder_of[j] * 4, sx);
      }
    }
  }
  free(rows);
}

static void print_values(double ms, const double *values, int count) {
  printf("%.6f", ms);
  for (int i = 0; i < count; i++) printf(" %.17g", values[i]);
  printf("\n");
}

static int usage(void) {
  fprintf(stderr, "usage: kernels exact N RUNS | sample-table N PERMS RUNS | sample-voting PERMS RUNS (weights and quota on stdin) | sample-scale N PERMS RUNS | similarity M N D RUNS\n");
  return 2;
}

int main(int argc, char **argv) {
  if (argc < 2) return usage();
  const char *what = argv[1];
  if (strcmp(what, "exact") == 0 && argc == 4) {
    int n = atoi(argv[2]);
    exact_state s = {n, random_table(n, 1), malloc(n * sizeof(double))};
    double ms = fastest_ms(exact_work, &s, atoi(argv[3]));
    print_values(ms, s.phi, n);
    return 0;
  }
  if (strcmp(what, "sample-table") == 0 && argc == 5) {
    int n = atoi(argv[2]);
    sample_state s = {{TABLE, n, random_table(n, 2), 0, 0, 0}, 7, atol(argv[3]), malloc(n * sizeof(double)), malloc(n * sizeof(double))};
    double ms = fastest_ms(sample_work, &s, atoi(argv[4]));
    print_values(ms, s.mean, n);
    return 0;
  }
  if (strcmp(what, "sample-voting") == 0 && argc == 4) {
    int n;
    double quota;
    if (scanf("%d %lf", &n, &quota) != 2) return usage();
    double *weights = malloc(n * sizeof(double));
    for (int i = 0; i < n; i++)
      if (scanf("%lf", &weights[i]) != 1) return usage();
    sample_state s = {{VOTING, n, weights, quota, 0, 0}, 7, atol(argv[2]), malloc(n * sizeof(double)), malloc(n * sizeof(double))};
    double ms = fastest_ms(sample_work, &s, atoi(argv[3]));
    print_values(ms, s.mean, n);
    return 0;
  }
  if (strcmp(what, "sample-scale") == 0 && argc == 5) {
    int n = atoi(argv[2]);
    /* bench/run.ts: sizes 1 + (i · 7919 mod 5000), half size 100,000, alpha 0.5. */
    double *sizes = malloc(n * sizeof(double));
    for (int i = 0; i < n; i++) sizes[i] = 1 + (double)(((long)i * 7919) % 5000);
    sample_state s = {{SCALE, n, sizes, 0, 100000, 0.5}, 7, atol(argv[3]), malloc(n * sizeof(double)), malloc(n * sizeof(double))};
    double ms = fastest_ms(sample_work, &s, atoi(argv[4]));
    print_values(ms, s.mean, n);
    return 0;
  }
  if (strcmp(what, "similarity") == 0 && argc == 6) {
    int m = atoi(argv[2]), n = atoi(argv[3]), d = atoi(argv[4]), holders = 500;
    int *holder_of = malloc(n * sizeof(int));
    for (int j = 0; j < n; j++) holder_of[j] = j % holders;
    similarity_state s = {m, n, d, holders, random_matrix(m, d, 11), random_matrix(n, d, 12), holder_of, malloc((size_t)m * holders * sizeof(double))};
    double ms = fastest_ms(similarity_work, &s, atoi(argv[5]));
    /* A checksum of the best scores: the same sum, in the same order, as the bench's. */
    double sum = 0;
    for (size_t k = 0; k < (size_t)m * holders; k++) sum += s.best[k];
    print_values(ms, &sum, 1);
    return 0;
  }
  return usage();
}
