/**
 * Exact Shapley and Banzhaf values from a full coalition table (`values[mask]` = v(S), bit i of
 * `mask` set when player i ∈ S), in O(2^n) arithmetic after one O(2^n) pass, with pairwise
 * summation throughout.
 *
 * Why not the textbook loop "for each i, for each S ∌ i, add w(|S|)·(v(S∪i) − v(S))"? It costs
 * n·2^(n-1) scattered reads and accumulates 2^(n-1) terms naively. Instead regroup by coalition:
 *
 *   φ_i = Σ_{S∋i} w(|S|-1)·v(S) − Σ_{S∌i} w(|S|)·v(S)          w(k) = k!(n-k-1)!/n!, w(n) = 0
 *       = Σ_{S∋i} c(S) − B,   c(S) = (w(|S|-1) + w(|S|))·v(S),   B = Σ_S w(|S|)·v(S).
 *
 * The n "sums over masks with bit i set" come out of a single pyramid of pairwise block sums
 * (see `sumsOverBits`), and B need not be summed at all: efficiency Σφ_i = v(N) − v(∅) gives
 * B = (Σ_i Σ_{S∋i} c(S) − v(N) + v(∅)) / n.
 *
 * v(∅) is subtracted first: adding a constant to every v(S) changes no marginal contribution,
 * and a large common offset would otherwise cost precision in the regrouped sums.
 */
import { EngineInputError } from '../errors';
import { checkTable } from '../games/table';

export function exactShapley(values: ArrayLike<number>, n: number): Float64Array {
  checkTable(values, n);
  const phi = new Float64Array(n);
  if (n === 0) return phi;
  const size = 2 ** n;
  const base = values[0];

  // coef[k] = w(k-1) + w(k); w(k) = 1 / (n·C(n-1, k)) with C exact in float64 for n ≤ 30.
  const w = new Float64Array(n + 1);
  let binom = 1;
  for (let k = 0; k < n; k++) {
    w[k] = 1 / (n * binom);
    binom = (binom * (n - 1 - k)) / (k + 1);
  }
  const coef = new Float64Array(n + 1);
  for (let k = 0; k <= n; k++) coef[k] = (k > 0 ? w[k - 1] : 0) + w[k];

  const c = new Float64Array(size);
  for (let mask = 0; mask < size; mask++) {
    const x = values[mask];
    if (!Number.isFinite(x)) throw nonFinite(mask, x);
    c[mask] = coef[popcount(mask)] * (x - base);
  }
  const grand = values[size - 1] - base;

  sumsOverBits(c, n, phi);
  let total = 0;
  for (let i = 0; i < n; i++) total += phi[i];
  const b = (total - grand) / n;
  for (let i = 0; i < n; i++) phi[i] -= b;
  return phi;
}

/**
 * Raw Banzhaf values β_i = (1/2^(n-1)) Σ_{S∌i} [v(S∪i) − v(S)]
 *                        = (2·Σ_{S∋i} v(S) − Σ_S v(S)) / 2^(n-1).
 */
export function exactBanzhaf(values: ArrayLike<number>, n: number): Float64Array {
  checkTable(values, n);
  const beta = new Float64Array(n);
  if (n === 0) return beta;
  const size = 2 ** n;
  const base = values[0];
  const c = new Float64Array(size);
  for (let mask = 0; mask < size; mask++) {
    const x = values[mask];
    if (!Number.isFinite(x)) throw nonFinite(mask, x);
    c[mask] = x - base;
  }
  const total = sumsOverBits(c, n, beta);
  const scale = 1 / 2 ** (n - 1);
  for (let i = 0; i < n; i++) beta[i] = (2 * beta[i] - total) * scale;
  return beta;
}

/**
 * out[b] = Σ_{mask with bit b set} c[mask], and returns Σ_mask c[mask]; destroys c.
 *
 * Level b of the pyramid holds, in c[0 .. 2^(n-b)), the totals of aligned blocks of 2^b masks;
 * the masks of block j have bit b equal to the lowest bit of j, so out[b] is the sum of the odd
 * blocks. Folding neighbours pairwise gives level b+1 in place. Every number is thus a pairwise
 * sum (error O(n·ε) rather than O(2^n·ε)), and the whole job is about 2·2^n additions.
 */
function sumsOverBits(c: Float64Array, n: number, out: Float64Array): number {
  let len = c.length;
  for (let b = 0; b < n; b++) {
    const half = len >>> 1;
    out[b] = sumOddEntries(c, 0, half);
    // In place is safe: c[j] is written only after c[2j] and c[2j+1] have been read.
    for (let j = 0; j < half; j++) c[j] = c[2 * j] + c[2 * j + 1];
    len = half;
  }
  return c[0];
}

/** Pairwise sum of a[start + 2j + 1], j < count. */
function sumOddEntries(a: Float64Array, start: number, count: number): number {
  if (count <= 32) {
    let s = 0;
    for (let j = 0; j < count; j++) s += a[start + 2 * j + 1];
    return s;
  }
  const h = count >>> 1;
  return sumOddEntries(a, start, h) + sumOddEntries(a, start + 2 * h, count - h);
}

function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

function nonFinite(mask: number, x: number): EngineInputError {
  return new EngineInputError('values', mask, `v of coalition mask ${mask} is not a finite number (${x})`);
}
