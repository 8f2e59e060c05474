import fc from 'fast-check';
import { coreGap, largestExcesses } from '../../../src/engine/shapley/coreGap';
import { bruteForceShapleyExact, membersOf } from '../../helpers/bruteForce';
import { Rational, nearestDouble, ratFromNumber } from '../../helpers/rational';
import { expectEngineError } from '../remuneration/expectEngineError';

// Report box 3 (CSPLA seed report): holders A, B, C are bits 0, 1, 2.
const BOX3 = Float64Array.from([0, 50, 40, 80, 30, 80, 60, 100]);

/**
 * Every coalition ∅ ≠ S ≠ N with its exact excess, sorted as the contract orders them: larger
 * excess first, then fewer members, then the member list that comes first lexicographically.
 * The inputs of these tests are dyadic numbers with short decimals, whose exact binary value is
 * the decimal the engine reads.
 */
function rankedByHand(values: ArrayLike<number>, n: number, x: readonly number[]): { members: number[]; excess: Rational }[] {
  const rows: { members: number[]; excess: Rational }[] = [];
  for (let mask = 1; mask < 2 ** n - 1; mask++) {
    const members = membersOf(mask, n);
    let excess = ratFromNumber(values[mask]);
    for (const i of members) excess = excess.sub(ratFromNumber(x[i]));
    rows.push({ members, excess });
  }
  const lexicographic = (a: number[], b: number[]): number => {
    for (let k = 0; k < Math.min(a.length, b.length); k++) if (a[k] !== b[k]) return a[k] - b[k];
    return a.length - b.length;
  };
  return rows.sort((a, b) => b.excess.compare(a.excess) || a.members.length - b.members.length || lexicographic(a.members, b.members));
}

const maskOf = (members: readonly number[]): number => members.reduce((a, p) => a | (1 << p), 0);

/** Integer tables and allocations in quarters summing to v(N): small ranges, so ties are frequent. */
const gameAndAllocation = fc.integer({ min: 2, max: 7 }).chain((n) =>
  fc
    .tuple(
      fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 2 ** n, maxLength: 2 ** n }),
      fc.array(fc.integer({ min: -40, max: 40 }), { minLength: n - 1, maxLength: n - 1 }),
    )
    .map(([v, quarters]) => {
      const values = Float64Array.from(v);
      const x = quarters.map((q) => q / 4);
      x.push(values[2 ** n - 1] - x.reduce((a, b) => a + b, 0));
      return { n, values, x };
    }),
);

describe('coreGap', () => {
  it('finds the largest excess with the contract tie rule, like a plain enumeration', () => {
    fc.assert(
      fc.property(gameAndAllocation, ({ n, values, x }) => {
        const [best] = rankedByHand(values, n, x);
        expect(coreGap(values, n, x)).toEqual({ mask: maskOf(best.members), excess: nearestDouble(best.excess) });
      }),
      { numRuns: 300 },
    );
  }, 120_000);

  it('lists the top coalitions in the same order as a plain enumeration', () => {
    fc.assert(
      fc.property(gameAndAllocation, fc.integer({ min: 1, max: 8 }), ({ n, values, x }, count) => {
        const expected = rankedByHand(values, n, x)
          .slice(0, count)
          .map((r) => ({ mask: maskOf(r.members), excess: nearestDouble(r.excess) }));
        expect(largestExcesses(values, n, x, count)).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  it('on report box 3, the Shapley split (45, 30, 25) leaves {B} 10 better off alone (tie with {A, C}: fewer members first)', () => {
    const phi = bruteForceShapleyExact(3, (mask) => BOX3[mask]).map(nearestDouble);
    expect(phi).toEqual([45, 30, 25]);
    // Excesses by hand: A 5, B 10, C 5, AB 5, AC 10, BC 5.
    expect(coreGap(BOX3, 3, phi)).toEqual({ mask: 0b010, excess: 10 });
    expect(largestExcesses(BOX3, 3, phi, 2)).toEqual([
      { mask: 0b010, excess: 10 },
      { mask: 0b101, excess: 10 },
    ]);
  });

  it('on report box 3, every split leaves some group better off alone (the core is empty)', () => {
    // The three pair constraints add up to 2·v(N) ≥ 220 > 200, so the largest excess is at least
    // 20/3 for every split of 100; a grid of splits in steps of 2.5 (exact in float64).
    let smallest = Infinity;
    for (let a = -20; a <= 120; a += 2.5) {
      for (let b = -20; b <= 120; b += 2.5) {
        const x = [a, b, 100 - a - b];
        const gap = coreGap(BOX3, 3, x);
        const [best] = rankedByHand(BOX3, 3, x);
        expect(gap).toEqual({ mask: maskOf(best.members), excess: nearestDouble(best.excess) });
        expect(gap.excess).toBeGreaterThanOrEqual(20 / 3);
        smallest = Math.min(smallest, gap.excess);
      }
    }
    expect(smallest).toBeGreaterThan(0);
  });

  it('puts the Shapley value of a convex game in the core (largest excess ≤ 0)', () => {
    // Non-negative combinations of unanimity games are convex; their Shapley value is in the core.
    const convexGame = fc.integer({ min: 2, max: 6 }).chain((n) =>
      fc.array(fc.tuple(fc.integer({ min: 1, max: 2 ** n - 1 }), fc.integer({ min: 0, max: 50 })), { minLength: 1, maxLength: 6 }).map((terms) => {
        const values = new Float64Array(2 ** n);
        for (const [t, c] of terms) for (let mask = 0; mask < 2 ** n; mask++) if ((mask & t) === t) values[mask] += c;
        return { n, values };
      }),
    );
    fc.assert(
      fc.property(convexGame, ({ n, values }) => {
        const phi = bruteForceShapleyExact(n, (mask) => values[mask]).map((r) => r.toNumber());
        expect(coreGap(values, n, phi).excess).toBeLessThanOrEqual(1e-9 * Math.max(1, values[2 ** n - 1]));
      }),
      { numRuns: 100 },
    );
    // v(S) = |S|²: Shapley gives n each; {A} and N∖{A} both miss by n − 1, fewer members first.
    const n = 6;
    const square = Float64Array.from({ length: 2 ** n }, (_, m) => membersOf(m, n).length ** 2);
    expect(coreGap(square, n, new Array(n).fill(n))).toEqual({ mask: 1, excess: -(n - 1) });
  });

  it('decides ties on the typed decimals, not on float sums', () => {
    // x = (0.1, 0.1, 0.1, 0.3): {A, B} and {C, D} both have excess 1.8 exactly, but in float64
    // 2.2 − (0.1 + 0.3) is 1.8000000000000003 > 2 − (0.1 + 0.1) = 1.8.
    const values = new Float64Array(16);
    values[0b0011] = 2;
    values[0b1100] = 2.2;
    values[0b1111] = 0.6;
    expect(2.2 - (0.1 + 0.3)).toBeGreaterThan(2 - (0.1 + 0.1));
    expect(coreGap(values, 4, [0.1, 0.1, 0.1, 0.3])).toEqual({ mask: 0b0011, excess: 1.8 });
  });

  it('decides ties exactly when the amounts have too many digits for scaled float arithmetic', () => {
    // A fifth player with x = 1/3 (0.3333333333333333, 16 decimals) forces the BigInt path; the
    // tie between {A, B} and {C, D} (1.8 each) must still go to {A, B}.
    const values = new Float64Array(32);
    values[0b00011] = 2;
    values[0b01100] = 2.2;
    const x = [0.1, 0.1, 0.1, 0.3, 1 / 3];
    values[0b11111] = x.reduce((a, b) => a + b, 0);
    expect(coreGap(values, 5, x)).toEqual({ mask: 0b00011, excess: 1.8 });
    // Thirds: each singleton has excess 0.5 − 0.3333333333333333 = 0.1666666666666667 exactly.
    const thirds = Float64Array.from([0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 1]);
    expect(coreGap(thirds, 3, [1 / 3, 1 / 3, 1 / 3])).toEqual({ mask: 0b001, excess: Number('0.1666666666666667') });
  });

  it('reads values with more decimals than the amounts exactly too', () => {
    // Box 3 with v(B) = 40.5 and v(A, C) = 80.5: {B} and {A, C} tie at 10.5 under (45, 30, 25).
    const values = Float64Array.from(BOX3);
    values[0b010] = 40.5;
    values[0b101] = 80.5;
    expect(coreGap(values, 3, [45, 30, 25])).toEqual({ mask: 0b010, excess: 10.5 });
    expect(largestExcesses(values, 3, [45, 30, 25], 3)).toEqual([
      { mask: 0b010, excess: 10.5 },
      { mask: 0b101, excess: 10.5 },
      { mask: 0b001, excess: 5 },
    ]);
  });

  it('handles 20 players where every coalition ties (additive game, its own split)', () => {
    const n = 20;
    const w = Array.from({ length: n }, (_, i) => i + 1);
    const values = new Float64Array(2 ** n);
    for (let mask = 1; mask < 2 ** n; mask++) {
      const low = mask & -mask;
      values[mask] = values[mask ^ low] + w[31 - Math.clz32(low)];
    }
    expect(coreGap(values, n, w)).toEqual({ mask: 1, excess: 0 });
  }, 120_000);

  it('names the input at fault', () => {
    expectEngineError(() => coreGap(Float64Array.from([0, 5]), 1, [5]), 'coalitions', undefined, /at least 2 players/);
    expectEngineError(() => coreGap(BOX3, 3, [45, 30]), 'allocation', undefined, /has 2 amounts for 3 players/);
    expectEngineError(() => coreGap(BOX3, 3, [45, 30, 24]), 'allocation', undefined, /sums to 99 but v\(N\) = 100/);
    expectEngineError(() => coreGap(BOX3, 3, [45, NaN, 25]), 'allocation', 1, /finite number/);
    expect(coreGap(BOX3, 3, [45, 30, 25 + 5e-8]).mask).toBe(0b010); // within 1e-9 relative of v(N)
    expect(() => largestExcesses(BOX3, 3, [45, 30, 25], 0)).toThrow(RangeError);
    expect(largestExcesses(BOX3, 3, [45, 30, 25], 100)).toHaveLength(6); // capped at 2^n − 2
  });
});
