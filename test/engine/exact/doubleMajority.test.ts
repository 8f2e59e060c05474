import fc from 'fast-check';
import { EngineInputError } from '../../../src/engine/errors';
import { doubleMajorityBody, quotaBySize } from '../../../src/engine/games/doubleMajority';
import { banzhafIndex, shapleyShubikIndex } from '../../../src/engine/shapley/voting';
import { sizeWeightGameBanzhaf, sizeWeightGameShapley, thresholdGameBanzhaf, thresholdGameShapley } from '../../../src/engine/shapley/sumGame';
import { EU27_BLOCKING_MINORITY, EU27_MEMBER_QUOTA, EU27_POPULATION_2024_THOUSANDS, EU27_POPULATION_SHARE } from '../../../bench/euCouncil';
import { bruteForceSwings, forEachPermutation, membersOf } from '../../helpers/bruteForce';
import { Rational, factorial, nearestDouble } from '../../helpers/rational';
import { expectAllClose } from './expectClose';

/** The rule as the definition states it, written independently of the engine. */
function winsByDefinition(weights: readonly number[], quota: number, memberQuota: number, blockingMinority: number) {
  return (members: readonly number[]): boolean => {
    const weight = members.reduce((s, i) => s + weights[i], 0);
    const outside = weights.length - members.length;
    return (weight >= quota && members.length >= memberQuota) || outside < blockingMinority;
  };
}

/** Shapley–Shubik by all n! orders: pivot counts, then one exact fraction per member. */
function shapleyShubikByPermutations(n: number, wins: (members: readonly number[]) => boolean): number[] {
  const pivots = new Array<number>(n).fill(0);
  forEachPermutation(n, (order) => {
    if (wins([])) return; // every order wins from the start: no pivot
    for (let k = 1; k <= n; k++) {
      if (wins(order.slice(0, k))) {
        pivots[order[k - 1]]++;
        return;
      }
    }
  });
  const orders = factorial(n);
  return pivots.map((p) => nearestDouble(new Rational(BigInt(p), orders)));
}

function normalisedBanzhafByEnumeration(n: number, wins: (members: readonly number[]) => boolean): number[] {
  const swings = bruteForceSwings(n, (mask) => wins(membersOf(mask, n)));
  const total = swings.reduce((a, b) => a + b, 0);
  return swings.map((s) => s / total);
}

// A board of four voting by revenue and by head: 60 of 100 and at least 3 members. Winning:
// ABC, ABD, ACD, ABCD (BCD has only 50). By hand: A is pivotal in the 6 orders ending with A and
// in 2 of the 6 orders of each winning triple (as its third member): 12/24; B, C, D 4/24 each.
// Swings: A 4 (BC, BD, CD, BCD), B, C, D 2 each: normalised Banzhaf 0.4, 0.2, 0.2, 0.2.
const BOARD = [50, 30, 15, 5];

describe('double majorities (VOTINGPOWER memberQuota, blockingMinority)', () => {
  test('a board of four by hand: Shapley–Shubik 1/2, 1/6 ×3; Banzhaf 0.4, 0.2 ×3', () => {
    expect(Array.from(shapleyShubikIndex(BOARD, 60, { memberQuota: 3 }))).toEqual([1 / 2, 1 / 6, 1 / 6, 1 / 6]);
    expectAllClose(banzhafIndex(BOARD, 60, { memberQuota: 3 }), [0.4, 0.2, 0.2, 0.2], 1e-15);
    // A blocking minority of 2: any three members win (fewer than 2 left out), so all are alike.
    expectAllClose(shapleyShubikIndex(BOARD, 60, { memberQuota: 3, blockingMinority: 2 }), [0.25, 0.25, 0.25, 0.25], 1e-15);
    expectAllClose(banzhafIndex(BOARD, 60, { memberQuota: 3, blockingMinority: 2 }), [0.25, 0.25, 0.25, 0.25], 1e-15);
  });

  test('small bodies: Shapley–Shubik equals all n! orders exactly, Banzhaf equals enumerated swings', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 7 }).chain((w) => {
          const total = w.reduce((a, b) => a + b, 0);
          return fc.tuple(
            fc.constant(w),
            fc.integer({ min: 1, max: Math.max(1, total) }),
            fc.integer({ min: 0, max: w.length }),
            fc.integer({ min: 1, max: w.length }),
          );
        }),
        ([w, quota, memberQuota, blockingMinority]) => {
          fc.pre(quota <= w.reduce((a, b) => a + b, 0));
          const wins = winsByDefinition(w, quota, memberQuota, blockingMinority);
          const rule = { memberQuota, blockingMinority };
          expect(Array.from(shapleyShubikIndex(w, quota, rule))).toEqual(shapleyShubikByPermutations(w.length, wins));
          expectAllClose(banzhafIndex(w, quota, rule), normalisedBanzhafByEnumeration(w.length, wins), 1e-14);
        },
      ),
      { numRuns: 150 },
    );
  });

  test('n = 8 with a decimal quota and the rule of the EU Council scaled down', () => {
    const w = [17.6, 13.5, 11.5, 9.4, 6.6, 3.8, 3.6, 2.7];
    const quota = 0.65 * w.reduce((a, b) => a + b, 0);
    const wins = winsByDefinition(w, quota, 5, 3);
    const rule = { memberQuota: 5, blockingMinority: 3 };
    expect(Array.from(shapleyShubikIndex(w, quota, rule))).toEqual(shapleyShubikByPermutations(8, wins));
    expectAllClose(banzhafIndex(w, quota, rule), normalisedBanzhafByEnumeration(8, wins), 1e-14);
  });

  test('the defaults are plain weighted voting, number for number', () => {
    const w = [9, 3, 11, 6, 55, 9, 7, 3, 3, 29, 16, 4, 4, 20];
    for (const rule of [{ memberQuota: 0 }, { memberQuota: 1 }, { blockingMinority: 1 }, { memberQuota: 1, blockingMinority: 1 }]) {
      expect(Array.from(shapleyShubikIndex(w, 90, rule))).toEqual(Array.from(shapleyShubikIndex(w, 90)));
      expect(Array.from(banzhafIndex(w, 90, rule))).toEqual(Array.from(banzhafIndex(w, 90)));
    }
  });

  test('quota by size: ∅ and N keep the quota; too few members never win; too few outside always do', () => {
    const body = doubleMajorityBody([1, 1, 1, 1, 1, 1], 2, { memberQuota: 3, blockingMinority: 2 });
    expect(Array.from(quotaBySize(body))).toEqual([2, Infinity, Infinity, 2, 2, 0, 2]);
  });

  test('the general (size, weight) programme: counts and probabilities agree with brute force', () => {
    // A member of weight 0 still counts as a member, so it is not a null player here.
    const w = [5, 4, 4, 3, 2, 0, 1];
    const theta = [13, Infinity, Infinity, 12, 12, 10, 0, 13];
    const wins = (members: readonly number[]) => members.reduce((s, i) => s + w[i], 0) >= theta[members.length];
    const ss = shapleyShubikByPermutations(7, wins);
    expect(ss[5]).toBeGreaterThan(0);
    const bz = bruteForceSwings(7, (mask) => wins(membersOf(mask, 7))).map((s) => s / 2 ** 6);
    for (const strategy of ['auto', 'counts', 'probabilities'] as const) {
      expectAllClose(thresholdGameShapley(w, theta, { strategy }), ss, 1e-14);
      expectAllClose(thresholdGameBanzhaf(w, theta, { strategy }), bz, 1e-14);
    }
    const lose = () => 0;
    const byQuota = (t: number) => (t >= 12 ? 1 : 0);
    const rule = (size: number) => (size === 1 || size === 2 ? lose : size === 5 ? (t: number) => (t >= 10 ? 1 : 0) : size === 6 ? () => 1 : size === 7 ? (t: number) => (t >= 13 ? 1 : 0) : size === 0 ? (t: number) => (t >= 13 ? 1 : 0) : byQuota);
    for (const strategy of ['counts', 'probabilities'] as const) {
      expectAllClose(sizeWeightGameShapley(w, rule, { strategy }), ss, 1e-14);
      expectAllClose(sizeWeightGameBanzhaf(w, rule, { strategy }), bz, 1e-14);
    }
  });

  test('past 52 members (no exact tail sums) the general programme takes over: counts and probabilities agree', () => {
    const w = Array.from({ length: 54 }, (_, i) => 1 + ((i * 7) % 5));
    const total = w.reduce((a, b) => a + b, 0);
    const rule = { memberQuota: 30, blockingMinority: 10 };
    const body = doubleMajorityBody(w, 0.6 * total, rule);
    const theta = quotaBySize(body);
    const auto = shapleyShubikIndex(w, 0.6 * total, rule);
    expectAllClose(auto, thresholdGameShapley(body.weights, theta, { strategy: 'probabilities' }), 1e-12);
    expectAllClose(banzhafIndex(w, 0.6 * total, { ...rule, normalised: false }), thresholdGameBanzhaf(body.weights, theta, { strategy: 'probabilities' }), 1e-12);
    expect(auto.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  }, 120_000);

  test('rule errors name the argument', () => {
    const expectInputError = (run: () => unknown, field: string, fragment: string) => {
      let caught: unknown;
      try {
        run();
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(EngineInputError);
      expect((caught as EngineInputError).field).toBe(field);
      expect((caught as EngineInputError).detail).toContain(fragment);
    };
    expectInputError(() => shapleyShubikIndex(BOARD, 60, { memberQuota: 5 }), 'memberQuota', 'more than the 4 members');
    expectInputError(() => shapleyShubikIndex(BOARD, 60, { memberQuota: -1 }), 'memberQuota', 'at least 0');
    expectInputError(() => shapleyShubikIndex(BOARD, 60, { memberQuota: 0.55 }), 'memberQuota', 'whole number of members');
    expectInputError(() => banzhafIndex(BOARD, 60, { blockingMinority: 0 }), 'blockingMinority', 'at least 1');
    expectInputError(() => banzhafIndex(BOARD, 60, { blockingMinority: 2.5 }), 'blockingMinority', 'whole number');
    expectInputError(() => banzhafIndex(BOARD, 60, { blockingMinority: 5 }), 'blockingMinority', 'more than the 4 members');
    expectInputError(() => banzhafIndex(BOARD, 60, { blockingMinority: NaN }), 'blockingMinority', 'must be a number');
  });
});

describe('EU-27 Council (Eurostat 1 January 2024, thousands)', () => {
  const names = Object.keys(EU27_POPULATION_2024_THOUSANDS);
  const population = Object.values(EU27_POPULATION_2024_THOUSANDS);
  const total = population.reduce((a, b) => a + b, 0);
  const quota = EU27_POPULATION_SHARE * total;
  const rule = { memberQuota: EU27_MEMBER_QUOTA, blockingMinority: EU27_BLOCKING_MINORITY };
  const n = population.length;

  /**
   * Swings of member i by coalition size, counted from the definition: a forward count of the
   * coalitions of the OTHERS by (size, population) (no removal of i from a count of everyone),
   * then, for each (k, W), whether T loses and T ∪ {i} wins under the Council's rule.
   */
  function swingsBySize(i: number): number[] {
    const others = population.filter((_, j) => j !== i);
    const top = others.reduce((a, b) => a + b, 0);
    const rows = Array.from({ length: n }, () => new Float64Array(top + 1));
    rows[0][0] = 1;
    let reach = 0;
    others.forEach((b, j) => {
      for (let k = j; k >= 0; k--) {
        const from = rows[k];
        const to = rows[k + 1];
        for (let W = reach; W >= 0; W--) if (from[W] !== 0) to[W + b] += from[W];
      }
      reach += b;
    });
    const wins = (size: number, weight: number) => (size >= EU27_MEMBER_QUOTA && weight >= quota) || n - size < EU27_BLOCKING_MINORITY;
    const a = population[i];
    return rows.map((row, k) => {
      let s = 0;
      for (let W = 0; W <= top; W++) if (row[W] !== 0 && !wins(k, W) && wins(k + 1, W + a)) s += row[W];
      return s;
    });
  }

  test('indices sum to 1 and never decrease with population', () => {
    const ss = shapleyShubikIndex(population, quota, rule);
    const bz = banzhafIndex(population, quota, rule);
    for (const power of [ss, bz]) {
      expect(power.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      const order = names.map((_, i) => i).sort((x, y) => population[y] - population[x]);
      for (let r = 1; r < n; r++) expect(power[order[r]]).toBeLessThanOrEqual(power[order[r - 1]]);
      expect(Math.min(...power)).toBeGreaterThan(0);
    }
  });

  test('Germany, Spain and Malta: Shapley–Shubik and raw Banzhaf from swing counts by size', () => {
    const ss = shapleyShubikIndex(population, quota, rule);
    const raw = banzhafIndex(population, quota, { ...rule, normalised: false });
    for (const name of ['Germany', 'Spain', 'Malta']) {
      const i = names.indexOf(name);
      const swings = swingsBySize(i);
      let numerator = 0n;
      for (let k = 0; k < n; k++) numerator += BigInt(swings[k]) * factorial(k) * factorial(n - 1 - k);
      expectAllClose([ss[i]], [new Rational(numerator, factorial(n)).toNumber()], 1e-15);
      expectAllClose([raw[i]], [swings.reduce((a, b) => a + b, 0) / 2 ** (n - 1)], 1e-15);
    }
  }, 300_000);
});
