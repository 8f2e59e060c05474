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
 * The value may also depend on the coalition's size, v(S) = f_{|S|}(Σ_{i∈S} w_i) (double
 * majorities: enough weight AND enough members; sizeWeightGameShapley/Banzhaf): the same DP,
 * since the counts are by size already, with Δ_k(W) = f_{k+1}(W + w_i) − f_k(W) in place of Δ(W).
 * Sizes sharing one f share its table, so a rule with three regimes (too few members, the
 * weight quota applies, too few left to block) costs three tables, not n + 1.
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
  return sizeWeightGameShapley(weights, () => f, options);
}

/**
 * v(S) = f_k(Σ_{i∈S} w_i) with k = |S|: `fOfSize(k)` gives f_k (k = 0..n), and sizes for which
 * it returns the same function object share one table. With one function for every size this is
 * sumGameShapley, number for number.
 */
export function sizeWeightGameShapley(
  weights: ArrayLike<number>,
  fOfSize: (size: number) => (total: number) => number,
  options: SumGameOptions = {},
): Float64Array {
  const field = options.field ?? 'weights';
  const w = checkWholeNumberWeights(weights, field);
  const n = w.length;
  const phi = new Float64Array(n);
  if (n === 0) return phi;
  const total = sumOf(w);
  if ((n + 1) * (total + 1) > MAX_SUM_GAME_CELLS) throw tooLarge(field, n, total);
  const fRows = tabulateBySize(fOfSize, n, total);
  const groups = groupByWeight(w);

  let counts: Float64Array | undefined;
  if (options.strategy !== 'probabilities') {
    counts = countsBySizeAndWeight(w, total);
    if (!allBelow(counts, EXACT_LIMIT)) {
      if (options.strategy === 'counts') throw new RangeError('coalition counts exceed 2^53: counts would not be exact');
      counts = undefined;
    }
  }

  // Zero weight: null players (φ = 0), unless the rule counts members.
  const sizeFree = fRows.every((row) => row === fRows[0]);
  const active = [...groups].filter(([a]) => a > 0 || !sizeFree);
  if (counts) {
    for (const [a, players] of active) {
      const value = shapleyFromSizeSums(marginalsBySize(counts, n, total, a, fRows), n);
      for (const i of players) phi[i] = value;
    }
  } else {
    const values = shapleyFromProbabilities(w, active, total, fRows, field);
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
 * Raw Banzhaf values of v(S) = f_{|S|}(Σ_{i∈S} w_i) (see sizeWeightGameShapley). When every size
 * has the same f this is sumGameBanzhaf; otherwise the counts by size are needed:
 * β_i = (1/2^(n-1)) Σ_k Σ_W c_{-i}[k][W]·Δ_k(W), exact while the counts are below 2^53, else
 * from P(size k, weight W) of a random subset of the others (each in with probability 1/2).
 */
export function sizeWeightGameBanzhaf(
  weights: ArrayLike<number>,
  fOfSize: (size: number) => (total: number) => number,
  options: SumGameOptions = {},
): Float64Array {
  const field = options.field ?? 'weights';
  const w = checkWholeNumberWeights(weights, field);
  const n = w.length;
  const beta = new Float64Array(n);
  if (n === 0) return beta;
  const first = fOfSize(0);
  let sizeFree = true;
  for (let k = 1; k <= n; k++) if (fOfSize(k) !== first) sizeFree = false;
  if (sizeFree) return sumGameBanzhaf(w, first, options);
  const total = sumOf(w);
  if ((n + 1) * (total + 1) > MAX_SUM_GAME_CELLS) throw tooLarge(field, n, total);
  const fRows = tabulateBySize(fOfSize, n, total);

  let counts: Float64Array | undefined;
  if (options.strategy !== 'probabilities') {
    counts = countsBySizeAndWeight(w, total);
    if (!allBelow(counts, EXACT_LIMIT)) {
      if (options.strategy === 'counts') throw new RangeError('coalition counts exceed 2^53: counts would not be exact');
      counts = undefined;
    }
  }
  const scale = 1 / 2 ** (n - 1);
  for (const [a, players] of groupByWeight(w)) {
    let value = 0;
    if (counts) {
      const inner = marginalsBySize(counts, n, total, a, fRows);
      let s = 0;
      for (let k = 0; k < n; k++) s += inner[k];
      value = s * scale;
    } else {
      // p[k][W] = P(a random subset of the others, each in with probability 1/2, has k members
      // weighing W): p[k][W] ← (p[k][W] + p[k−1][W−b]) / 2, descending k and W.
      const stride = total + 1;
      const p = new Float64Array(n * stride);
      p[0] = 1;
      let reach = 0;
      let m = 0;
      for (let j = 0; j < n; j++) {
        if (j === players[0]) continue;
        const b = w[j];
        m++;
        reach = Math.min(reach + b, total - a);
        for (let k = m; k >= 0; k--) {
          const row = k * stride;
          for (let W = reach; W >= 0; W--) p[row + W] = 0.5 * (p[row + W] + (k > 0 && W >= b ? p[row - stride + W - b] : 0));
        }
      }
      for (let k = 0; k < n; k++) {
        const cur = fRows[k];
        const next = fRows[k + 1];
        const row = k * stride;
        for (let W = 0; W <= total - a; W++) value += p[row + W] * (next[W + a] - cur[W]);
      }
    }
    for (const i of players) beta[i] = value;
  }
  return beta;
}

/**
 * Weighted voting with a quota per coalition size: v(S) = 1 ⟺ Σ_{i∈S} w_i ≥ θ_{|S|}
 * (`thresholds` θ_0..θ_n; Infinity or anything above Σw: that size never wins; ≤ 0: it always
 * does). Plain weighted voting has θ_k = quota for every k; a double majority (doubleMajority.ts)
 * has three regimes. The marginal contribution of a player of weight a to the k-coalitions of
 * the others is then a difference of two tail counts,
 *
 *   D[k] = #{T ⊆ N∖i, |T| = k, w_T ≥ θ_{k+1} − a} − #{…, w_T ≥ θ_k},
 *
 * and tail counts of the others come from those of everyone without building c_{−i}: from
 * C(x, y) = (1 + y·x^a)·C_{−i}(x, y), c_{−i}[k][W] = Σ_j (−1)^j c[k−j][W − j·a], so
 * tail_{−i}[k](x) = Σ_{j=0}^{k} (−1)^j tail[k−j](x − j·a). With the tails of c tabulated once,
 * each (weight, size) costs O(k), not O(Σw): the whole index is the O(n²·Σw) count of
 * coalitions. Every term is a whole number and every partial sum is at most 2^n in magnitude,
 * so for n ≤ 52 (and counts below 2^53) D[k] is exact, and the results are the same float64
 * numbers as the general programme's (both round the same exact D[k] once). Otherwise this falls
 * back to sizeWeightGameShapley/Banzhaf.
 */
export function thresholdGameShapley(weights: ArrayLike<number>, thresholds: ArrayLike<number>, options: SumGameOptions = {}): Float64Array {
  const field = options.field ?? 'weights';
  const w = checkWholeNumberWeights(weights, field);
  checkThresholds(thresholds, w.length);
  const tails = options.strategy === 'probabilities' ? undefined : exactTails(w, field);
  if (!tails) return sizeWeightGameShapley(w, thresholdRules(thresholds), options);
  const n = w.length;
  const phi = new Float64Array(n);
  const sizeFree = Array.prototype.every.call(thresholds, (x: number) => x === thresholds[0]);
  for (const [a, players] of groupByWeight(w)) {
    if (a === 0 && sizeFree) continue; // a null player, unless the rule counts members
    const value = shapleyFromSizeSums(thresholdMarginals(tails, n, a, thresholds), n);
    for (const i of players) phi[i] = value;
  }
  return phi;
}

/** Raw Banzhaf values of the same games: Σ_k D[k] / 2^(n−1) (see thresholdGameShapley). */
export function thresholdGameBanzhaf(weights: ArrayLike<number>, thresholds: ArrayLike<number>, options: SumGameOptions = {}): Float64Array {
  const field = options.field ?? 'weights';
  const w = checkWholeNumberWeights(weights, field);
  checkThresholds(thresholds, w.length);
  const tails = options.strategy === 'probabilities' ? undefined : exactTails(w, field);
  if (!tails) return sizeWeightGameBanzhaf(w, thresholdRules(thresholds), options);
  const n = w.length;
  const beta = new Float64Array(n);
  const scale = 1 / 2 ** (n - 1);
  const sizeFree = Array.prototype.every.call(thresholds, (x: number) => x === thresholds[0]);
  for (const [a, players] of groupByWeight(w)) {
    if (a === 0 && sizeFree) continue; // a null player, unless the rule counts members
    const inner = thresholdMarginals(tails, n, a, thresholds);
    let swings = 0;
    for (let k = 0; k < n; k++) swings += inner[k];
    for (const i of players) beta[i] = swings * scale;
  }
  return beta;
}

/** Most players for which the alternating tail sums stay below 2^53. */
const MAX_TAIL_PLAYERS = 52;

interface Tails {
  /** tail[k·(T+1) + x] = number of k-player coalitions weighing at least x (x = 0..T). */
  readonly tail: Float64Array;
  readonly total: number;
}

function exactTails(w: Float64Array, field: string): Tails | undefined {
  const n = w.length;
  if (n > MAX_TAIL_PLAYERS) return undefined;
  const total = sumOf(w);
  if ((n + 1) * (total + 1) > MAX_SUM_GAME_CELLS) throw tooLarge(field, n, total);
  const tail = countsBySizeAndWeight(w, total);
  if (!allBelow(tail, EXACT_LIMIT)) return undefined;
  // Suffix sums in place: each is at most C(n, k), so exact too.
  for (let k = 0, row = 0; k <= n; k++, row += total + 1) {
    for (let W = total - 1; W >= 0; W--) tail[row + W] += tail[row + W + 1];
  }
  return { tail, total };
}

function checkThresholds(thresholds: ArrayLike<number>, n: number): void {
  if (thresholds.length !== n + 1) throw new RangeError(`thresholds: ${thresholds.length} given for the ${n + 1} sizes 0..${n}`);
  for (let k = 0; k <= n; k++) if (Number.isNaN(thresholds[k])) throw new RangeError(`thresholds[${k}] is not a number`);
}

function thresholdMarginals(tails: Tails, n: number, a: number, thresholds: ArrayLike<number>): Float64Array {
  const { tail, total } = tails;
  const stride = total + 1;
  // tail_{−i}[k](x) by the alternating sum; below 0 every coalition qualifies, above T none.
  const othersAtLeast = (k: number, x: number): number => {
    let s = 0;
    for (let j = 0; j <= k; j++) {
      const z = x - j * a;
      if (z > total) continue;
      const t = tail[(k - j) * stride + (z <= 0 ? 0 : z)];
      s += j % 2 === 0 ? t : -t;
    }
    return s;
  };
  const theta = (k: number): number => {
    const x = thresholds[k];
    return x > total ? total + 1 : x <= 0 ? 0 : Math.ceil(x);
  };
  const inner = new Float64Array(n);
  for (let k = 0; k < n; k++) inner[k] = othersAtLeast(k, theta(k + 1) - a) - othersAtLeast(k, theta(k));
  return inner;
}

/** θ_k as the rules of sizeWeightGameShapley: one shared function per distinct threshold. */
function thresholdRules(thresholds: ArrayLike<number>): (size: number) => (total: number) => number {
  const rules = new Map<number, (total: number) => number>();
  for (let k = 0; k < thresholds.length; k++) {
    const q = thresholds[k];
    if (!rules.has(q)) rules.set(q, (total) => (total >= q ? 1 : 0));
  }
  return (size) => rules.get(thresholds[size])!;
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

/**
 * c[k·(T+1) + W] = number of k-player coalitions of weight W (k = 0..n). Players are added
 * lightest first (the counts do not depend on the order): then after j players the k-coalitions
 * weigh between the k lightest (the first k added) and the k heaviest (the last k), and only that
 * band of each row is touched, a fraction of the (n+1)·(T+1) table.
 */
function countsBySizeAndWeight(w: Float64Array, total: number): Float64Array {
  const n = w.length;
  const stride = total + 1;
  const c = new Float64Array((n + 1) * stride);
  const sorted = Float64Array.from(w).sort();
  const prefix = new Float64Array(n + 1); // prefix[k] = the k lightest
  for (let j = 0; j < n; j++) prefix[j + 1] = prefix[j] + sorted[j];
  c[0] = 1;
  for (let j = 0; j < n; j++) {
    const b = sorted[j];
    // Descending k so that row k is still the old one when row k+1 reads it.
    for (let k = j; k >= 0; k--) {
      const src = k * stride;
      const dst = src + stride + b;
      const lo = prefix[k];
      for (let W = prefix[j] - prefix[j - k]; W >= lo; W--) c[dst + W] += c[src + W];
    }
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

/**
 * D[k] = Σ_W c_{-i}[k][W]·Δ_k(W): the total marginal contribution of a player of weight a to the
 * k-player coalitions of the others, with c_{-i} peeled off the counts of everyone exactly.
 */
function marginalsBySize(c: Float64Array, n: number, total: number, a: number, fRows: readonly Float64Array[]): Float64Array {
  const stride = total + 1;
  const top = total - a; // the others weigh at most this
  let prev = new Float64Array(top + 1); // c_{-i}[k-1][·]
  let row = new Float64Array(top + 1); // c_{-i}[k][·]
  const inner = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const src = k * stride;
    const cur = fRows[k];
    const next = fRows[k + 1];
    let sum = 0;
    for (let W = 0; W <= top; W++) {
      const x = c[src + W] - (k > 0 && W >= a ? prev[W - a] : 0);
      row[W] = x;
      sum += x * (next[W + a] - cur[W]);
    }
    inner[k] = sum;
    const t = prev;
    prev = row;
    row = t;
  }
  return inner;
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
  fRows: readonly Float64Array[],
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
      values[l] = expectedDifference(law, stride, fRows, groups[l][0]);
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

/** φ = (1/n)·Σ_k E[f_{k+1}(W + a) − f_k(W)] over the n sizes k = 0..n−1 of a random coalition of others. */
function expectedDifference(law: SubsetLaw, stride: number, fRows: readonly Float64Array[], a: number): number {
  const n = law.m + 1;
  const top = stride - 1 - a;
  const p = law.p;
  let phi = 0;
  for (let k = 0; k < n; k++) {
    const row = k * stride;
    const cur = fRows[k];
    const next = fRows[k + 1];
    let inner = 0;
    for (let W = 0; W <= top; W++) inner += p[row + W] * (next[W + a] - cur[W]);
    phi += inner;
  }
  return phi / n;
}

/** f_k tabulated over 0..total for k = 0..n; sizes with the same function share one table. */
function tabulateBySize(fOfSize: (size: number) => (total: number) => number, n: number, total: number): Float64Array[] {
  const tables = new Map<(total: number) => number, Float64Array>();
  const rows: Float64Array[] = [];
  for (let k = 0; k <= n; k++) {
    const f = fOfSize(k);
    let t = tables.get(f);
    if (!t) tables.set(f, (t = tabulate(f, total)));
    rows.push(t);
  }
  return rows;
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
