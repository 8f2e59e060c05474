/**
 * How far a proposed split x of v(N) is from the core: the coalitions S (∅ ≠ S ≠ N) with the
 * largest excess e(S) = v(S) − Σ_{i∈S} xᵢ, what S would gain by leaving with its own value
 * (§7.1 COREGAP). max e ≤ 0 means x is in the core; a positive maximum names the group with
 * the strongest grievance and how large it is.
 *
 * Ties are part of the contract (fewer members first, then the member list that comes first
 * in player order), so they must be found exactly, not up to float noise: with x = (0.1, 0.2,
 * 0.3), {A, B} and {C} have the same excess as the numbers people typed, although
 * 0.1 + 0.2 ≠ 0.3 in float64. So each excess is decided in exact decimal arithmetic, every
 * value and amount read as the decimal it displays as (exact/decimal.ts, as PAYTOTRAIN does).
 * Doing that for all 2^n coalitions would cost a BigInt sum each; instead a float pass over
 * all coalitions (Σx by a subset recurrence, each coalition's members added in a fixed order)
 * keeps only those within 2δ of the float maximum, δ a rigorous bound on the float error
 * (summation, subtraction, and the gap between each float and its decimal), and the exact
 * pass decides among those few: in float64 on whole numbers (each input times 10^d) when that
 * is exact, as it is for amounts and values with a few decimals, else in BigInt decimals. The
 * excess returned is the float64 nearest to the exact one.
 */
import { EngineInputError } from '../errors';
import { compareDecimals, decimalOf, decimalToNumber, subtractDecimals, coefficientAt, type Decimal } from '../exact/decimal';
import { checkTable } from '../games/table';
import { checkFinite } from './exact';

// Module-level aliases: inside jest's vm contexts every global lookup in a hot loop is slow.
const { abs, clz32, max, round, sign } = Math;

export interface CoalitionExcess {
  /** Bit i set when player i is a member. */
  readonly mask: number;
  /** v(S) − x(S), the float64 nearest to its exact decimal value. */
  readonly excess: number;
}

/** The coalition of largest excess, ties broken as the contract says. Needs n ≥ 2. */
export function coreGap(values: ArrayLike<number>, n: number, allocation: ArrayLike<number>): CoalitionExcess {
  return largestExcesses(values, n, allocation, 1)[0];
}

/**
 * The `count` coalitions (∅ ≠ S ≠ N) of largest excess, largest first, ties in the contract's
 * order (fewer members, then member list in player order): the top grievances a task pane can
 * list. `count` is capped at the 2^n − 2 coalitions there are.
 */
export function largestExcesses(values: ArrayLike<number>, n: number, allocation: ArrayLike<number>, count: number): CoalitionExcess[] {
  checkTable(values, n);
  checkFinite(values);
  if (n < 2) throw new EngineInputError('coalitions', undefined, `a core gap needs at least 2 players (a coalition other than ∅ and N), got ${n}`);
  checkAllocation(values, n, allocation);
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`largestExcesses: count must be a whole number ≥ 1, got ${count}`);
  const all = 2 ** n - 1;
  const wanted = Math.min(count, all - 1);

  // Float pass: e[S] with Σx built up from S minus its lowest member.
  const sums = new Float64Array(all + 1);
  const excess = new Float64Array(all + 1);
  let valueBound = 0;
  for (let mask = 0; mask <= all; mask++) valueBound = max(valueBound, abs(values[mask]));
  let allocationBound = 0;
  for (let i = 0; i < n; i++) allocationBound += abs(allocation[i]);
  let best = -Infinity;
  for (let mask = 1; mask < all; mask++) {
    const low = mask & -mask;
    sums[mask] = sums[mask ^ low] + allocation[31 - clz32(low)];
    const e = values[mask] - sums[mask];
    excess[mask] = e;
    if (e > best) best = e;
  }
  let threshold = best;
  if (wanted > 1) {
    const sorted = excess.slice(1, all).sort();
    threshold = sorted[sorted.length - wanted];
  }
  // |float excess − exact decimal excess| ≤ δ: n−1 rounded additions of terms bounded by Σ|x|,
  // one subtraction, and each input within half an ulp of its decimal; doubled for safety.
  const delta = 4 * (n + 2) * 2 ** -53 * (valueBound + allocationBound);
  const floor = threshold - 2 * delta;

  const candidates: number[] = [];
  for (let mask = 1; mask < all; mask++) if (excess[mask] >= floor) candidates.push(mask);
  const exact = scaledExcesses(values, allocation, candidates) ?? decimalExcesses(values, allocation, candidates);
  const byRank = (a: number, b: number): number => exact.compare(b, a) || contractOrder(candidates[a], candidates[b]);
  let ranked: number[];
  if (wanted === 1) {
    let top = 0;
    for (let k = 1; k < candidates.length; k++) if (byRank(k, top) < 0) top = k;
    ranked = [top];
  } else {
    ranked = [...candidates.keys()].sort(byRank).slice(0, wanted);
  }
  return ranked.map((k) => ({ mask: candidates[k], excess: exact.value(k) }));
}

/** Exact excesses of the candidates: compare(a, b) is the sign of e(a) − e(b); value(k) the nearest float64. */
interface ExactExcesses {
  compare(a: number, b: number): number;
  value(k: number): number;
}

/**
 * The usual case, at float speed: every amount and candidate value is a decimal of at most 15
 * significant digits with at most d decimals, so that all of them times 10^d are whole numbers
 * and their sums stay below 2^53, hence exact in float64. (Two distinct decimals of at most 15
 * digits never round to the same float64, so a float64 x with round(x·10^d)/10^d = x, the
 * quotient being correctly rounded, is exactly the decimal round(x·10^d)·10^-d it displays.)
 * Undefined when that does not hold: long decimals, huge magnitudes.
 */
function scaledExcesses(values: ArrayLike<number>, allocation: ArrayLike<number>, candidates: readonly number[]): ExactExcesses | undefined {
  const n = allocation.length;
  let places = 0;
  for (let i = 0; i < n; i++) places = max(places, -decimalOf(allocation[i]).exponent);
  for (;;) {
    if (places > 15) return undefined;
    const scale = 10 ** places; // exact for places ≤ 22
    const scaled = (x: number): number | undefined => {
      const whole = round(x * scale);
      return abs(whole) < 1e15 && whole / scale === x ? whole : undefined;
    };
    const amounts = new Float64Array(n);
    let bound = 0;
    let ok = true;
    for (let i = 0; i < n && ok; i++) {
      const whole = scaled(allocation[i]);
      if (whole === undefined) ok = false;
      else {
        amounts[i] = whole;
        bound += abs(whole);
      }
    }
    if (!ok) return undefined;
    const out = new Float64Array(candidates.length);
    let retry = false;
    for (let k = 0; k < candidates.length && !retry; k++) {
      const mask = candidates[k];
      const v = scaled(values[mask]);
      if (v === undefined) {
        // More decimals in this value than in the amounts: try with its own.
        const needed = -decimalOf(values[mask]).exponent;
        if (needed <= places) return undefined;
        places = needed;
        retry = true;
        break;
      }
      if (abs(v) + bound >= 2 ** 53) return undefined;
      let sum = 0;
      for (let rest = mask; rest !== 0; rest &= rest - 1) sum += amounts[31 - clz32(rest & -rest)];
      out[k] = v - sum;
    }
    if (retry) continue;
    return { compare: (a, b) => sign(out[a] - out[b]), value: (k) => out[k] / scale };
  }
}

/** The general case: exact decimal (BigInt) arithmetic on every candidate. */
function decimalExcesses(values: ArrayLike<number>, allocation: ArrayLike<number>, candidates: readonly number[]): ExactExcesses {
  const n = allocation.length;
  const decimals = Array.from({ length: n }, (_, i) => decimalOf(allocation[i]));
  const exponent = Math.min(...decimals.map((d) => d.exponent));
  const coefficients = decimals.map((d) => coefficientAt(d, exponent));
  const exact: Decimal[] = candidates.map((mask) => {
    let total = 0n;
    for (let rest = mask; rest !== 0; rest &= rest - 1) total += coefficients[31 - clz32(rest & -rest)];
    return subtractDecimals(decimalOf(values[mask]), { coefficient: total, exponent });
  });
  return { compare: (a, b) => compareDecimals(exact[a], exact[b]), value: (k) => decimalToNumber(exact[k]) };
}

/**
 * The §7.1 tie order: fewer members first; among equal sizes, the sorted member lists compared
 * lexicographically, i.e. the coalition holding the lowest player where the two differ.
 */
export function contractOrder(a: number, b: number): number {
  const size = popcount(a) - popcount(b);
  if (size !== 0) return size;
  if (a === b) return 0;
  const differ = a ^ b;
  return (a & differ & -differ) !== 0 ? -1 : 1;
}

/**
 * An allocation shares out v(N): Σxᵢ = v(N) within 1e-9 of the larger of |v(N)| and Σ|xᵢ| (the
 * second scale matters when v(N) = 0 and the amounts are not).
 */
function checkAllocation(values: ArrayLike<number>, n: number, allocation: ArrayLike<number>): void {
  if (allocation.length !== n) {
    throw new EngineInputError('allocation', undefined, `has ${allocation.length} amounts for ${n} players: give one amount per player`);
  }
  let sum = 0;
  let scale = 0;
  for (let i = 0; i < n; i++) {
    const x = allocation[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new EngineInputError('allocation', i, `must be a finite number, got ${String(x)}`);
    sum += x;
    scale += abs(x);
  }
  const grand = values[2 ** n - 1];
  if (abs(sum - grand) > 1e-9 * max(abs(grand), scale)) {
    throw new EngineInputError(
      'allocation',
      undefined,
      `sums to ${sum} but v(N) = ${grand}: an allocation must share out exactly v(N) (within 1e-9 relative)`,
    );
  }
}

function popcount(x: number): number {
  let count = 0;
  for (let rest = x; rest !== 0; rest &= rest - 1) count++;
  return count;
}
