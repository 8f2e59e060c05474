/**
 * Exact Shapley and Banzhaf values of "sum games" v(S) = f(Σ_{i∈S} w_i) with whole-number
 * weights (weighted voting, saturating scale laws), by dynamic programming over
 * (coalition size, total weight) instead of over the 2^n coalitions.
 *
 *   φ_i = Σ_{k=0}^{n-1} k!(n-1-k)!/n! · Σ_W c_{-i}[k][W] · (f(W + w_i) − f(W))
 *
 * where c_{-i}[k][W] counts the k-player coalitions of the others that weigh W. Players of
 * equal weight are symmetric, so the work is done once per distinct weight (zero-weight players
 * are null players: 0).
 *
 * Numeric strategy (the "counts" path, chosen whenever it is exact):
 *   1. Build the counts c[k][W] of coalitions of ALL players once, in float64 (O(n²·T), T = Σw).
 *      Every entry is a whole number; an addition of whole numbers is exact while its result is
 *      below 2^53. Entries only grow during the build, so if the largest final entry is below
 *      2^53 every intermediate addition was exact. That is checked, not assumed (it always holds
 *      for n ≤ 56, since c[k][W] ≤ C(n, k) ≤ C(56, 28) < 2^53).
 *   2. For each distinct weight a, remove one player of that weight exactly with the inverse
 *      recurrence c_{-i}[k][W] = c[k][W] − c_{-i}[k-1][W-a]: a difference of exact whole numbers
 *      whose true result is a count (≥ 0, ≤ c[k][W]), hence exact too. (In floating point with
 *      rounded counts this recurrence would be unstable; it is only used when exact.)
 *   3. φ_i = Σ_k w(k)·(Σ_W c_{-i}[k][W]·Δ(W)). For monotone 0/1 games (voting) the inner sums
 *      are whole numbers ≤ C(n-1, k), exact for n ≤ 57, and only the n quotients and the n
 *      positive terms of the outer sum round: relative error ≲ 2n·ε. For general f the inner
 *      sums round like any dot product of exact counts with Δ.
 * Otherwise (counts reach 2^53) the "probabilities" path runs forward DPs over the others only,
 * on p[k][W] = P(weight W | a uniformly random k-subset), updated by convex combinations
 * p ← ((m-k)/m)·p[k][W] + (k/m)·p[k-1][W-b]: no subtraction, so no cancellation, error growing
 * like n·ε. Then φ_i = (1/n)·Σ_k Σ_W p[k][W]·Δ(W). The DPs for the d distinct weights share
 * work by divide and conquer (see shapleyFromProbabilities): O(n²·T + d·log d·n·T).
 *
 * Banzhaf is the same without sizes: β_i = (1/2^(n-1)) Σ_W c_{-i}[W]·Δ(W), with counts exact
 * while below 2^53 (always for n ≤ 52), else P(weight W) of a random subset of the others,
 * each included with probability 1/2 (p ← (p[W] + p[W-b])/2: again no cancellation).
 */
import { EngineInputError } from '../errors';
import { shapleyFromSizeSums } from './sizeWeights';
import { checkSaturatingScale, missingQuality } from '../games/saturatingScale';

/** Largest DP table, in float64 cells ((n+1)·(Σw+1) for Shapley): 128 MiB. */
export const MAX_SUM_GAME_CELLS = 2 ** 24;

export type SumGameStrategy = 'auto' | 'counts' | 'probabilities';

export interface SumGameOptions {
  /**
   * 'auto' (default) uses exact counts when they stay below 2^53, else probabilities.
   * 'counts' insists on counts and throws a RangeError when they would not be exact; both
   * explicit choices exist so that tests can compare the two paths.
   */
  strategy?: SumGameStrategy;
  /** Argument name used in input errors (defaults to 'weights'). */
  field?: string;
}

const EXACT_LIMIT = 2 ** 53;

export function sumGameShapley(
  weights: ArrayLike<number>,
  f: (total: number) => number,
  options: SumGameOptions = {},
): Float64Array {
  const field = options.field ?? 'weights';
  const w = checkWholeNumberWeights(weights, field);
  const n = w.length;
  const phi = new Float64Array(n);
  if (n === 0) return phi;
  const total = sumOf(w);
  if ((n + 1) * (total + 1) > MAX_SUM_GAME_CELLS) throw tooLarge(field, n, total);
  const fTab = tabulate(f, total);
  const groups = groupByWeight(w);

  let counts: Float64Array | undefined;
  if (options.strategy !== 'probabilities') {
    counts = countsBySizeAndWeight(w, total);
    if (!allBelow(counts, EXACT_LIMIT)) {
      if (options.strategy === 'counts') throw new RangeError('coalition counts exceed 2^53: counts would not be exact');
      counts = undefined;
    }
  }

  const active = [...groups].filter(([a]) => a > 0); // zero weight: null players, φ = 0
  if (counts) {
    for (const [a, players] of active) {
      const value = shapleyFromCounts(counts, n, total, a, differences(fTab, a));
      for (const i of players) phi[i] = value;
    }
  } else {
    const values = shapleyFromProbabilities(w, active, total, fTab, field);
    active.forEach(([, players], g) => players.forEach((i) => (phi[i] = values[g])));
  }
  return phi;
}

/** Raw Banzhaf values of v(S) = f(Σ_{i∈S} w_i): (1/2^(n-1)) Σ_{S∌i} [v(S∪i) − v(S)]. */
export function sumGameBanzhaf(
  weights: ArrayLike<number>,
  f: (total: number) => number,
  options: SumGameOptions = {},
): Float64Array {
  const field = options.field ?? 'weights';
  const w = checkWholeNumberWeights(weights, field);
  const n = w.length;
  const beta = new Float64Array(n);
  if (n === 0) return beta;
  const total = sumOf(w);
  if (total + 1 > MAX_SUM_GAME_CELLS) throw tooLarge(field, n, total);
  const fTab = tabulate(f, total);

  let counts: Float64Array | undefined;
  if (options.strategy !== 'probabilities') {
    counts = countsByWeight(w, total);
    if (!allBelow(counts, EXACT_LIMIT)) {
      if (options.strategy === 'counts') throw new RangeError('coalition counts exceed 2^53: counts would not be exact');
      counts = undefined;
    }
  }

  const scale = 1 / 2 ** (n - 1);
  for (const [a, players] of groupByWeight(w)) {
    if (a === 0) continue;
    const delta = differences(fTab, a);
    let value: number;
    if (counts) {
      // c_{-i}[W] = c[W] − c_{-i}[W−a], exact for the same reason as in the Shapley case.
      const rest = new Float64Array(total - a + 1);
      let s = 0;
      for (let W = 0; W <= total - a; W++) {
        const x = counts[W] - (W >= a ? rest[W - a] : 0);
        rest[W] = x;
        s += x * delta[W];
      }
      value = s * scale;
    } else {
      // P(weight W) of a uniformly random subset of the others: each one in with probability 1/2.
      const p = new Float64Array(total - a + 1);
      p[0] = 1;
      let reach = 0;
      for (let j = 0; j < n; j++) {
        if (j === players[0]) continue;
        const b = w[j];
        reach = Math.min(reach + b, total - a);
        for (let W = reach; W >= 0; W--) p[W] = 0.5 * (p[W] + (W >= b ? p[W - b] : 0));
      }
      let s = 0;
      for (let W = 0; W <= total - a; W++) s += p[W] * delta[W];
      value = s;
    }
    for (const i of players) beta[i] = value;
  }
  return beta;
}

/**
 * Exact Shapley values of the saturating scale game v(S) = 1 − (1 + D_S/D0)^(−α) for
 * whole-number sizes. Computed as −Shapley(g), g(D) = (1 + D/D0)^(−α): the constant 1 changes
 * no marginal contribution, and differencing g directly keeps full relative precision where
 * 1 − g would round (large D, g tiny).
 */
export function saturatingScaleShapley(sizes: ArrayLike<number>, halfSize: number, alpha: number): Float64Array {
  const p = checkSaturatingScale(sizes, halfSize, alpha);
  const phi = sumGameShapley(p.sizes, (total) => missingQuality(total, halfSize, alpha), { field: 'sizes' });
  for (let i = 0; i < phi.length; i++) phi[i] = 0 - phi[i]; // not -phi[i]: null players keep +0
  return phi;
}

/**
 * Checks that weights are finite non-negative whole numbers (`field`, index) and returns them.
 * Exported for the voting and saturating-scale front ends, which scale before calling.
 */
export function checkWholeNumberWeights(weights: ArrayLike<number>, field: string): Float64Array {
  const w = new Float64Array(weights.length);
  for (let i = 0; i < weights.length; i++) {
    const x = weights[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new EngineInputError(field, i, `must be a number, got ${String(x)}`);
    if (x < 0) throw new EngineInputError(field, i, `must not be negative, got ${x}`);
    if (!Number.isInteger(x)) throw new EngineInputError(field, i, `must be a whole number for the exact method, got ${x}`);
    w[i] = x;
  }
  return w;
}

/** c[k·(T+1) + W] = number of k-player coalitions of weight W (k = 0..n). */
function countsBySizeAndWeight(w: Float64Array, total: number): Float64Array {
  const n = w.length;
  const stride = total + 1;
  const c = new Float64Array((n + 1) * stride);
  c[0] = 1;
  let reach = 0;
  for (let j = 0; j < n; j++) {
    const b = w[j];
    // Descending k and W so that each player is counted at most once (0/1 knapsack order).
    for (let k = j; k >= 0; k--) {
      const src = k * stride;
      const dst = src + stride + b;
      for (let W = reach; W >= 0; W--) c[dst + W] += c[src + W];
    }
    reach += b;
  }
  return c;
}

/** c[W] = number of coalitions of weight W. */
function countsByWeight(w: Float64Array, total: number): Float64Array {
  const c = new Float64Array(total + 1);
  c[0] = 1;
  let reach = 0;
  for (let j = 0; j < w.length; j++) {
    const b = w[j];
    for (let W = reach; W >= 0; W--) c[W + b] += c[W];
    reach += b;
  }
  return c;
}

function shapleyFromCounts(c: Float64Array, n: number, total: number, a: number, delta: Float64Array): number {
  const stride = total + 1;
  const top = total - a; // the others weigh at most this
  let prev = new Float64Array(top + 1); // c_{-i}[k-1][·]
  let row = new Float64Array(top + 1); // c_{-i}[k][·]
  // inner[k] = Σ_W c_{-i}[k][W]·Δ(W): the total marginal contribution over k-player coalitions.
  const inner = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const src = k * stride;
    let sum = 0;
    for (let W = 0; W <= top; W++) {
      const x = c[src + W] - (k > 0 && W >= a ? prev[W - a] : 0);
      row[W] = x;
      sum += x * delta[W];
    }
    inner[k] = sum;
    const t = prev;
    prev = row;
    row = t;
  }
  return shapleyFromSizeSums(inner, n);
}

/**
 * The probability path. Each group needs the law of a random k-subset of everyone but one of
 * its members. Rather than one forward DP per group (O(d·n²·T)), share work by divide and
 * conquer over the groups: the root table holds everyone except one representative per group;
 * a node for groups [l, r) holds the root plus the representatives outside [l, r), and each
 * child adds the other half's representatives. A leaf then holds exactly "everyone but one of
 * its weight". Cost O(n²·T + d·log d·n·T); memory (⌈log₂ d⌉ + 1) tables of n·(T+1).
 */
function shapleyFromProbabilities(
  w: Float64Array,
  groups: ReadonlyArray<readonly [number, readonly number[]]>,
  total: number,
  fTab: Float64Array,
  field: string,
): Float64Array {
  const n = w.length;
  const d = groups.length;
  const values = new Float64Array(d);
  if (d === 0) return values;
  const stride = total + 1;
  const levels = Math.ceil(Math.log2(d)) + 1;
  if (levels * n * stride > MAX_PROBABILITY_CELLS) throw tooLarge(field, n, total);
  const buffers = Array.from({ length: levels }, () => new Float64Array(n * stride));

  const isRepresentative = new Uint8Array(n);
  for (const [, players] of groups) isRepresentative[players[0]] = 1;
  const root: SubsetLaw = { p: buffers[0], m: 0, reach: 0 };
  root.p[0] = 1;
  for (let j = 0; j < n; j++) if (!isRepresentative[j]) addPlayer(root, w[j], stride);

  const visit = (l: number, r: number, level: number, law: SubsetLaw): void => {
    if (r - l === 1) {
      values[l] = expectedDifference(law, stride, fTab, groups[l][0]);
      return;
    }
    const mid = (l + r) >>> 1;
    for (const [from, to, lo, hi] of [[mid, r, l, mid], [l, mid, mid, r]]) {
      const child: SubsetLaw = { p: buffers[level + 1], m: law.m, reach: law.reach };
      child.p.set(law.p);
      for (let g = from; g < to; g++) addPlayer(child, groups[g][0], stride);
      visit(lo, hi, level + 1, child);
    }
  };
  visit(0, d, 0, root);
  return values;
}

/** p[k·stride + W] = P(weight W) for a uniformly random k-subset of the m players added. */
interface SubsetLaw {
  p: Float64Array;
  m: number;
  reach: number;
}

const MAX_PROBABILITY_CELLS = 2 ** 25;

/**
 * A random k-subset of m players contains the new one with probability k/m, and is otherwise
 * a random k-subset of the previous m−1: p[k][W] ← ((m−k)/m)·p[k][W] + (k/m)·p[k−1][W−b].
 * Convex combinations of non-negative numbers: no cancellation. Descending k so that row k−1 is
 * still the old one when row k reads it.
 */
function addPlayer(law: SubsetLaw, b: number, stride: number): void {
  const p = law.p;
  const m = ++law.m;
  const reach = (law.reach = Math.min(law.reach + b, stride - 1));
  for (let k = m; k >= 1; k--) {
    const keep = (m - k) / m;
    const take = k / m;
    const row = k * stride;
    const below = row - stride;
    let W = reach;
    for (; W >= b; W--) p[row + W] = keep * p[row + W] + take * p[below + W - b];
    for (; W >= 0; W--) p[row + W] *= keep;
  }
}

/** φ = (1/n)·Σ_k E[f(W + a) − f(W)] over the n sizes k = 0..n−1 of a random coalition of others. */
function expectedDifference(law: SubsetLaw, stride: number, fTab: Float64Array, a: number): number {
  const n = law.m + 1;
  const top = stride - 1 - a;
  const delta = differences(fTab, a);
  const p = law.p;
  let phi = 0;
  for (let k = 0; k < n; k++) {
    const row = k * stride;
    let inner = 0;
    for (let W = 0; W <= top; W++) inner += p[row + W] * delta[W];
    phi += inner;
  }
  return phi / n;
}

function tabulate(f: (total: number) => number, total: number): Float64Array {
  const t = new Float64Array(total + 1);
  for (let W = 0; W <= total; W++) {
    const y = f(W);
    if (!Number.isFinite(y)) throw new RangeError(`f(${W}) is not a finite number (${y})`);
    t[W] = y;
  }
  return t;
}

/** Δ(W) = f(W + a) − f(W) for W = 0..T−a. */
function differences(fTab: Float64Array, a: number): Float64Array {
  const top = fTab.length - 1 - a;
  const d = new Float64Array(top + 1);
  for (let W = 0; W <= top; W++) d[W] = fTab[W + a] - fTab[W];
  return d;
}

/** Players by weight, in order of first appearance. */
function groupByWeight(w: Float64Array): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < w.length; i++) {
    const g = groups.get(w[i]);
    if (g) g.push(i);
    else groups.set(w[i], [i]);
  }
  return groups;
}

function allBelow(a: Float64Array, limit: number): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] >= limit) return false;
  return true;
}

function sumOf(w: Float64Array): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i];
  return s;
}

function tooLarge(field: string, n: number, total: number): EngineInputError {
  return new EngineInputError(
    field,
    undefined,
    `${n} players whose whole-number weights add up to ${total} are too many for the exact method ` +
      `(it needs a table of (players+1)·(total+1) ≤ ${MAX_SUM_GAME_CELLS} cells); use coarser units or sampling`,
  );
}
