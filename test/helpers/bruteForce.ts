/**
 * Reference Shapley and Banzhaf values computed straight from their definitions, for tests:
 * Shapley as the average over all n! orders of each player's marginal contribution, Banzhaf as
 * the average over all 2^(n-1) coalitions of the others. Deliberately naive (n ≤ 8) and shares
 * no code with the engine's algorithms, so that agreement means something.
 *
 * Coalitions are bitmasks: player i belongs to `mask` when bit i is set.
 */
import type { Game } from '../../src/engine/games/game';
import { Rational, factorial, lcm, ratFromNumber } from './rational';

export const MAX_BRUTE_FORCE_PLAYERS = 8;

function checkSize(n: number): void {
  if (!Number.isInteger(n) || n < 0 || n > MAX_BRUTE_FORCE_PLAYERS) {
    throw new RangeError(`brute force handles 0..${MAX_BRUTE_FORCE_PLAYERS} players, got ${n}`);
  }
}

/** Calls `visit` once with every ordering of 0..n-1 (Heap's algorithm; the array is reused). */
export function forEachPermutation(n: number, visit: (order: readonly number[]) => void): void {
  checkSize(n);
  const a = Array.from({ length: n }, (_, i) => i);
  const c = new Array<number>(n).fill(0);
  visit(a);
  let i = 0;
  while (i < n) {
    if (c[i] < i) {
      const j = i % 2 === 0 ? 0 : c[i];
      [a[j], a[i]] = [a[i], a[j]];
      visit(a);
      c[i]++;
      i = 0;
    } else {
      c[i] = 0;
      i++;
    }
  }
}

/** The members of a coalition mask, ascending. */
export function membersOf(mask: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (mask & (1 << i)) out.push(i);
  return out;
}

/** v(S) for every mask, evaluated once (the permutation loops then only look values up). */
export function tabulate<T>(n: number, v: (mask: number) => T): T[] {
  checkSize(n);
  return Array.from({ length: 1 << n }, (_, mask) => v(mask));
}

/** Tabulates a Game through its reference `value` (not its walker). */
export function tabulateGame(game: Game): Float64Array {
  return Float64Array.from(tabulate(game.n, (mask) => game.value(membersOf(mask, game.n))));
}

/** Shapley values in floating point: mean marginal contribution over all n! orders. */
export function bruteForceShapley(n: number, v: (mask: number) => number): Float64Array {
  const table = tabulate(n, v);
  const sums = new Float64Array(n);
  let orders = 0;
  forEachPermutation(n, (order) => {
    let mask = 0;
    for (const p of order) {
      const next = mask | (1 << p);
      sums[p] += table[next] - table[mask];
      mask = next;
    }
    orders++;
  });
  return sums.map((s) => s / orders);
}

/**
 * Exact Shapley values: the same average over all n! orders, in BigInt rationals. Values are
 * brought to a common denominator first so the n·n! additions are plain BigInt additions.
 */
export function bruteForceShapleyExact(n: number, v: (mask: number) => Rational | number): Rational[] {
  const { numerators, den } = commonDenominator(tabulate(n, v));
  const sums = new Array<bigint>(n).fill(0n);
  forEachPermutation(n, (order) => {
    let mask = 0;
    for (const p of order) {
      const next = mask | (1 << p);
      sums[p] += numerators[next] - numerators[mask];
      mask = next;
    }
  });
  const orders = factorial(n);
  return sums.map((s) => new Rational(s, orders * den));
}

/**
 * Exact Owen values with a priori unions (`unionOf[i]` is player i's union): the average, over
 * every order of the n players in which each union's members stand together, of each player's
 * marginal contribution. Walks all n! orders and keeps the consistent ones, so it shares
 * nothing with an algorithm that builds such orders (n ≤ 8).
 */
export function bruteForceOwenExact(n: number, unionOf: readonly number[], v: (mask: number) => Rational | number): Rational[] {
  if (unionOf.length !== n) throw new RangeError(`unionOf needs ${n} entries, got ${unionOf.length}`);
  const { numerators, den } = commonDenominator(tabulate(n, v));
  const sums = new Array<bigint>(n).fill(0n);
  let orders = 0n;
  forEachPermutation(n, (order) => {
    // Consistent: once a union has been left, none of its members comes again.
    const closed = new Set<number>();
    for (let k = 1; k < n; k++) {
      if (unionOf[order[k]] !== unionOf[order[k - 1]]) {
        closed.add(unionOf[order[k - 1]]);
        if (closed.has(unionOf[order[k]])) return;
      }
    }
    let mask = 0;
    for (const p of order) {
      const next = mask | (1 << p);
      sums[p] += numerators[next] - numerators[mask];
      mask = next;
    }
    orders++;
  });
  return sums.map((s) => new Rational(s, orders * den));
}

/** Exact raw Banzhaf values: (1/2^(n-1)) Σ_{S ∌ i} [v(S ∪ {i}) − v(S)]. */
export function bruteForceBanzhafExact(n: number, v: (mask: number) => Rational | number): Rational[] {
  const { numerators, den } = commonDenominator(tabulate(n, v));
  const out: Rational[] = [];
  for (let i = 0; i < n; i++) {
    let s = 0n;
    for (let mask = 0; mask < 1 << n; mask++) {
      if (mask & (1 << i)) continue;
      s += numerators[mask | (1 << i)] - numerators[mask];
    }
    out.push(new Rational(s, den * (1n << BigInt(n - 1))));
  }
  return out;
}

/** Number of coalitions of the others that player i turns from losing to winning. */
export function bruteForceSwings(n: number, wins: (mask: number) => boolean): number[] {
  const table = tabulate(n, wins);
  const swings = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    for (let mask = 0; mask < 1 << n; mask++) {
      if (!(mask & (1 << i)) && !table[mask] && table[mask | (1 << i)]) swings[i]++;
    }
  }
  return swings;
}

/** Shapley values of a Game by permutations, through its reference `value`. */
export function bruteForceGameShapley(game: Game): Float64Array {
  const table = tabulateGame(game);
  return bruteForceShapley(game.n, (mask) => table[mask]);
}

/**
 * Plays every order through the game's walker and checks each reported value against the
 * reference `value` of the same coalition. Returns the largest absolute discrepancy.
 */
export function maxWalkerDiscrepancy(game: Game, orders: ReadonlyArray<readonly number[]>): number {
  const walker = game.walker();
  let worst = 0;
  for (const order of orders) {
    const members: number[] = [];
    worst = Math.max(worst, Math.abs(walker.reset() - game.value(members)));
    for (const p of order) {
      const got = walker.add(p);
      members.push(p);
      worst = Math.max(worst, Math.abs(got - game.value(members)));
    }
  }
  return worst;
}

function commonDenominator(values: ReadonlyArray<Rational | number>): { numerators: bigint[]; den: bigint } {
  const rs = values.map((x) => (typeof x === 'number' ? ratFromNumber(x) : x));
  let den = 1n;
  for (const r of rs) den = lcm(den, r.den);
  return { numerators: rs.map((r) => r.num * (den / r.den)), den };
}
