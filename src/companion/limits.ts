/**
 * Every cap of the companion service in one place, each with the reason for its value. The
 * server refuses a request over a cap with a 4xx naming the field and the limit; the job
 * definitions (src/companion/jobs) apply the caps on job inputs, so that a job submitted
 * without HTTP (tests, scripts) meets the same ones.
 *
 * Guiding figures, measured on one core of a 2024 laptop-class CPU (see the runner's report and
 * `npm run bench`): exact Shapley reads the 2^n table once per player at ~6 ns per mask; a
 * sampled marginal contribution costs 10–60 ns (table lookup to saturating-scale power); the
 * similarity kernel runs ~1–2·10^9 output·item·dimension products per second.
 */
import os from 'node:os';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/**
 * Largest JSON request body. An inline coalition table of 2^20 values printed with up to 17
 * significant digits is ~20–25 MiB, so 2^20 (the largest table a sheet can reasonably hold,
 * DESIGN.md §4) fits; anything larger comes as an uploaded dataset, streamed to disk.
 */
export const MAX_JSON_BODY_BYTES = 32 * MiB;

/**
 * Largest uploaded dataset. A float64 table for n = 26 is 512 MiB; an embedding file of
 * 2^20 × 512 float32 is 2 GiB plus its header, hence the extra MiB. Uploads are streamed to disk,
 * so this bounds disk use, not memory.
 */
export const MAX_UPLOAD_BYTES = 2 * GiB + MiB;

/**
 * Most players for exact Shapley from a table on the CPU. The table is 2^n float64 (n = 26:
 * 512 MiB, held twice while a dataset is copied into shared memory) and the work n·2^n mask reads
 * (n = 26: ~10 s on one core, seconds on all). n = 27 doubles both for a value few negotiations
 * need; sampling covers larger games.
 */
export const MAX_EXACT_PLAYERS = 26;

/**
 * Most players of a sampled game. A block of 256 permutations costs 256·n marginal contributions
 * (n = 10^5: ~0.5–1.5 s, the coarsest unit of work and of cancellation), and the result lists a
 * value and a standard error per player (~4 MB of JSON at 10^5).
 */
export const MAX_SAMPLED_PLAYERS = 100_000;

/**
 * Most marginal contributions (permutations × players) one sampled job may ask for. 10^12 is
 * roughly a day on 8 cores for the cheapest games: a larger request is almost certainly a typo
 * in maxPermutations, and a target standard error alone is already capped by the engine's
 * PERMUTATION_CAP.
 */
export const MAX_MARGINAL_CONTRIBUTIONS = 1e12;

/**
 * Most (training point, test point) pairs of a KNN utility game. The engine sorts every training
 * point for every test point once and keeps 9 bytes per pair, in every worker thread that samples
 * the game: 10^7 pairs is 90 MB per thread.
 */
export const MAX_KNN_PAIRS = 10_000_000;

/**
 * Most (output, item) pairs of a similarity attribution. 2·10^11 is M = 2·10^5 outputs against
 * N = 10^6 catalogue items; with MAX_SIMILARITY_PRODUCTS below it mainly stops low-dimensional
 * jobs whose per-pair bookkeeping, not the dot products, would take hours.
 */
export const MAX_SIMILARITY_PAIRS = 2e11;

/**
 * Most output·item·dimension products of a similarity attribution: 2·10^13 is ~1–3 hours on 8
 * cores at the measured kernel rate, the most a batch left running over a lunch break or an
 * evening should need. The benchmark case (2,000 × 50,000 × 512 = 5.1·10^10) is 400×
 * smaller.
 */
export const MAX_SIMILARITY_PRODUCTS = 2e13;

/** Most holders listed per output as its top holders: a summary, not a dump of the shares. */
export const MAX_TOP_HOLDERS = 50;

/**
 * Most outputs whose top holders are returned inline in the result. Beyond it the result lists
 * the first ones and says how many were left out: 10^4 outputs × a few holders is ~1 MB of JSON,
 * what a taskpane can display and a status request can carry.
 */
export const MAX_INLINE_OUTPUT_TOPS = 10_000;

/**
 * Share of the machine's physical memory one job's estimate may take. Two jobs run at once by
 * default (DEFAULT_MAX_CONCURRENT_JOBS), so two large jobs together stay under half the memory,
 * leaving the rest to Excel, the browser and the operating system.
 */
export const JOB_MEMORY_FRACTION = 0.25;

export function jobMemoryLimitBytes(totalMemory: number = os.totalmem()): number {
  return Math.floor(totalMemory * JOB_MEMORY_FRACTION);
}

/**
 * Jobs running at once; others wait 'queued'. Every job already spreads over all threads, so
 * more concurrency would not add throughput, only memory; 2 lets a short job overtake a long one.
 */
export const DEFAULT_MAX_CONCURRENT_JOBS = 2;

/** Most jobs waiting in the queue: a client looping on POST /v1/jobs cannot fill the disk. */
export const MAX_QUEUED_JOBS = 1_000;

/** Human-readable size for refusal messages ("512 MiB"). */
export function formatBytes(bytes: number): string {
  if (bytes >= GiB) return `${(bytes / GiB).toFixed(1)} GiB`;
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(0)} MiB`;
  return `${bytes} bytes`;
}
