import fc from 'fast-check';
import { EngineInputError } from '../../../src/engine/errors';
import { votingBody, votingGame } from '../../../src/engine/games/voting';
import { banzhafIndex, shapleyShubikIndex } from '../../../src/engine/shapley/voting';
import { sumGameBanzhaf, sumGameShapley } from '../../../src/engine/shapley/sumGame';
import { bruteForceGameShapley, bruteForceShapleyExact, bruteForceSwings, forEachPermutation, maxWalkerDiscrepancy } from '../../helpers/bruteForce';
import { Rational, binomial, factorial, nearestDouble, rat } from '../../helpers/rational';
import { expectAllClose } from './expectClose';

const weightOf = (weights: readonly number[], mask: number) => weights.reduce((s, w, i) => s + (mask & (1 << i) ? w : 0), 0);

// EEC Council of Ministers 1958: France, Germany, Italy 4; Belgium, Netherlands 2; Luxembourg 1;
// qualified majority 12 of 17. Published: Shapley–Shubik 7/30 ×3, 3/20 ×2, 0 (Luxembourg is a
// dummy); normalised Banzhaf 5/21 ×3, 3/21 ×2, 0.
const EEC = [4, 4, 4, 2, 2, 1];

// US Electoral College 2012–2020 (2010 census): 50 states + DC, alphabetical by state name.
const ELECTORAL_COLLEGE = [
  9, 3, 11, 6, 55, 9, 7, 3, 3, 29, 16, 4, 4, 20, 11, 6, 6, 8, 8, 4, 10, 11, 16, 10, 6, 10, 3, 5, 6, 4, 14, 5, 29, 15, 3, 18, 7,
  7, 20, 4, 9, 3, 11, 38, 6, 3, 13, 12, 5, 10, 3,
];

describe('shapleyShubikIndex', () => {
  it('gives the published EEC 1958 values, confirmed by brute force', () => {
    const published = [rat(7, 30), rat(7, 30), rat(7, 30), rat(3, 20), rat(3, 20), rat(0)];
    const brute = bruteForceShapleyExact(6, (mask) => (weightOf(EEC, mask) >= 12 ? 1 : 0));
    expect(brute.map(String)).toEqual(published.map(String));
    expectAllClose(shapleyShubikIndex(EEC, 12), published, 1e-15);
  });

  it('rounds each index once: integer swing counts give the float64 nearest to the exact fraction', () => {
        const exact = bruteForceShapleyExact(6, (mask) => (weightOf(EEC, mask) >= 12 ? 1 : 0));
    expect(Array.from(shapleyShubikIndex(EEC, 12))).toEqual(exact.map(nearestDouble));
  });

  it('matches brute force on random small bodies', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 7 }).chain((w) =>
          fc.tuple(fc.constant(w), fc.integer({ min: 1, max: Math.max(1, w.reduce((a, b) => a + b, 0)) })),
        ).filter(([w, q]) => q <= w.reduce((a, b) => a + b, 0)),
        ([w, q]) => {
          const expected = bruteForceShapleyExact(w.length, (mask) => (weightOf(w, mask) >= q ? 1 : 0));
          expectAllClose(shapleyShubikIndex(w, q), expected, 1e-13);
          // The game itself agrees with the closed form (ties the DP to v).
          expectAllClose(bruteForceGameShapley(votingGame(w, q)), expected, 1e-13);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('matches exact rationals for the 51-member Electoral College to 1e-13', () => {
    // Reference: for each distinct weight a, count pivotal coalitions of the others by size with
    // a forward DP (not the engine's removal recurrence), capped at weight q−1 since heavier
    // coalitions can never be pivotal. Counts ≤ C(50, k) < 2^53, so number arithmetic is exact
    // here (asserted); the weighting by k!(n−1−k)!/n! is done in BigInt rationals.
    const w = ELECTORAL_COLLEGE;
    const n = w.length;
    const q = 270;
    expect(n).toBe(51);
    expect(w.reduce((a, b) => a + b, 0)).toBe(538);
    const reference = new Map<number, Rational>();
    for (let self = 0; self < n; self++) {
      const a = w[self];
      if (reference.has(a)) continue;
      const cnt = Array.from({ length: n }, () => new Array<number>(q).fill(0));
      cnt[0][0] = 1;
      let seen = 0;
      for (let j = 0; j < n; j++) {
        if (j === self) continue;
        seen++;
        for (let k = seen; k >= 1; k--) for (let W = q - 1; W >= w[j]; W--) cnt[k][W] += cnt[k - 1][W - w[j]];
      }
      let phi = Rational.ZERO;
      for (let k = 0; k < n; k++) {
        let pivotal = 0;
        for (let W = Math.max(0, q - a); W < q; W++) pivotal += cnt[k][W];
        expect(Number.isSafeInteger(pivotal)).toBe(true);
        phi = phi.add(new Rational(BigInt(pivotal) * factorial(k) * factorial(n - 1 - k), factorial(n)));
      }
      reference.set(a, phi);
    }
    const got = shapleyShubikIndex(w, q);
    for (let i = 0; i < n; i++) {
      const want = reference.get(w[i])!.toNumber();
      expect(Math.abs(got[i] - want) / want).toBeLessThan(1e-13);
    }
    expect(Math.abs(got.reduce((s, x) => s + x, 0) - 1)).toBeLessThan(1e-13);
  });

  it('agrees between the exact-count and probability strategies', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 40 }), fc.double({ min: 0.01, max: 1, noNaN: true }), (w, frac) => {
        const total = w.reduce((a, b) => a + b, 0);
        fc.pre(total > 0);
        const q = Math.max(1, Math.ceil(frac * total));
        const f = (t: number) => (t >= q ? 1 : 0);
        expectAllClose(sumGameShapley(w, f, { strategy: 'counts' }), sumGameShapley(w, f, { strategy: 'probabilities' }), 1e-13);
        expectAllClose(sumGameBanzhaf(w, f, { strategy: 'counts' }), sumGameBanzhaf(w, f, { strategy: 'probabilities' }), 1e-13);
      }),
      { numRuns: 40 },
    );
  });

  it('stays exact beyond 2^53 coalitions: one large voter among 79 unit voters', () => {
    // Counts reach C(80, 40) > 2^53, so the probability path runs. Closed form: the large voter
    // (weight 30, quota 60) is pivotal when 30..59 unit voters precede it, and its position
    // among the 80 is uniform: 30/80. The unit voters share the rest equally.
    const w = [30, ...new Array<number>(79).fill(1)];
    expect(() => sumGameShapley(w, (t) => (t >= 60 ? 1 : 0), { strategy: 'counts' })).toThrow(RangeError);
    const phi = shapleyShubikIndex(w, 60);
    expect(Math.abs(phi[0] - 30 / 80)).toBeLessThan(1e-14);
    for (let i = 1; i < 80; i++) expect(Math.abs(phi[i] - 50 / 80 / 79)).toBeLessThan(1e-15);
  });

  it('scales decimal weights to whole numbers', () => {
    expectAllClose(shapleyShubikIndex([0.4, 0.4, 0.2], 0.6), shapleyShubikIndex([4, 4, 2], 6), 0);
    expectAllClose(shapleyShubikIndex([0.000004, 0.000001], 0.000005), [0.5, 0.5], 0);
    // Summed in floating point, 0.1 + 0.2 = 0.30000000000000004: still a quota of 3 tenths.
    expectAllClose(shapleyShubikIndex([0.1, 0.2, 0.3], 0.1 + 0.2), shapleyShubikIndex([1, 2, 3], 3), 0);
    // A quota between whole numbers means the next one up ("two thirds" of 3 = 2).
    expectAllClose(shapleyShubikIndex([1, 1, 1], (2 / 3) * 3 - 1e-9), shapleyShubikIndex([1, 1, 1], 2), 0);
    expect(votingBody([1, 1, 1], 1.5).quota).toBe(2);
  });

  it('rejects bad bodies with the argument and row', () => {
    const failure = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(EngineInputError);
        const err = e as EngineInputError;
        return [err.field, err.index];
      }
      throw new Error('expected an EngineInputError');
    };
    expect(failure(() => shapleyShubikIndex([3, -1, 2], 3))).toEqual(['weights', 1]);
    expect(failure(() => shapleyShubikIndex([3, NaN], 3))).toEqual(['weights', 1]);
    expect(failure(() => shapleyShubikIndex([1.2345678, 1], 1))).toEqual(['weights', 0]);
    expect(failure(() => shapleyShubikIndex([3, 1], 0))).toEqual(['quota', undefined]);
    expect(failure(() => shapleyShubikIndex([3, 1], -2))).toEqual(['quota', undefined]);
    expect(failure(() => banzhafIndex([3, 1], 4.5))).toEqual(['quota', undefined]);
    expect(failure(() => votingGame([3, 1], 5))).toEqual(['quota', undefined]);
    expect(failure(() => shapleyShubikIndex([], 1))).toEqual(['quota', undefined]);
    expect(failure(() => shapleyShubikIndex(new Array(5000).fill(1000), 10))).toEqual(['weights', undefined]);
  });
});

describe('banzhafIndex', () => {
  it('gives the published normalised EEC 1958 values, confirmed by counting swings', () => {
    const swings = bruteForceSwings(6, (mask) => weightOf(EEC, mask) >= 12);
    // Luxembourg never swings, so every swing comes twice (with and without it).
    expect(swings).toEqual([10, 10, 10, 6, 6, 0]);
    expectAllClose(banzhafIndex(EEC, 12), [5 / 21, 5 / 21, 5 / 21, 3 / 21, 3 / 21, 0], 1e-15);
    expectAllClose(banzhafIndex(EEC, 12, { normalised: true }), [5 / 21, 5 / 21, 5 / 21, 3 / 21, 3 / 21, 0], 1e-15);
    expectAllClose(banzhafIndex(EEC, 12, { normalised: false }), swings.map((s) => s / 32), 1e-15);
  });

  it('counts swings exactly on random small bodies', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 8 }), fc.nat(), (w, x) => {
        const total = w.reduce((a, b) => a + b, 0);
        fc.pre(total > 0);
        const q = 1 + (x % total);
        const swings = bruteForceSwings(w.length, (mask) => weightOf(w, mask) >= q);
        const sum = swings.reduce((a, b) => a + b, 0);
        expectAllClose(banzhafIndex(w, q, { normalised: false }), swings.map((s) => s / 2 ** (w.length - 1)), 1e-15);
        expectAllClose(banzhafIndex(w, q), swings.map((s) => s / sum), 1e-14);
      }),
      { numRuns: 80 },
    );
  });

  it('stays exact beyond 2^53 coalitions (80 voters)', () => {
    // Large voter: swings when 30..59 of the 79 unit voters are in. A unit voter: when the
    // others weigh exactly 59 (29 units with the large voter, or 59 without).
    const w = [30, ...new Array<number>(79).fill(1)];
    const two79 = 2n ** 79n;
    let big = 0n;
    for (let s = 30; s <= 59; s++) big += binomial(79, s);
    const unit = binomial(78, 29) + binomial(78, 59);
    const raw = banzhafIndex(w, 60, { normalised: false });
    expect(Math.abs(raw[0] / rat(big, two79).toNumber() - 1)).toBeLessThan(1e-13);
    for (let i = 1; i < 80; i++) expect(Math.abs(raw[i] / rat(unit, two79).toNumber() - 1)).toBeLessThan(1e-13);
  });
});

describe('votingGame', () => {
  it('walks the same values as it evaluates', () => {
    const game = votingGame([0.1, 0.2, 0.3, 0.15], 0.45);
    const orders: number[][] = [];
    forEachPermutation(4, (o) => orders.push([...o]));
    expect(maxWalkerDiscrepancy(game, orders)).toBe(0);
    // 0.1 + 0.2 + 0.15 = 0.45 exactly in tenths-and-hundredths, so it wins.
    expect(game.value([0, 1, 3])).toBe(1);
    expect(game.value([2, 3])).toBe(1);
    expect(game.value([0, 2])).toBe(0);
  });
});
