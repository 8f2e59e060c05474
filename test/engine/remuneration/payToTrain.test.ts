import fc from 'fast-check';
import { payToTrain, type Holder } from '../../../src/engine/remuneration/payToTrain';
import { expectEngineError } from './expectEngineError';

const counts = (...cs: number[]): Holder[] => cs.map((count) => ({ count }));

describe('payToTrain, hand examples', () => {
  it('splits 100.00 among three equal holders as 33.34, 33.33, 33.33', () => {
    const result = payToTrain(100, counts(1, 1, 1));
    expect(Array.from(result.payouts)).toEqual([33.34, 33.33, 33.33]);
    expect(result.units).toEqual([3334n, 3333n, 3333n]);
    expect(result.totalUnits).toBe(10000n);
    expect(result.total).toBe(100);
    expect(result.decimals).toBe(2);
    expect(result.kept).toEqual([true, true, true]);
    expect(result.roundedUp).toEqual([true, false, false]);
    expect(Array.from(result.quotas)).toEqual([100 / 3, 100 / 3, 100 / 3]);
  });

  it('pays a holder of 200 photos twice a holder of 100 (report §4.3.1)', () => {
    // 1000 × 2/3 = 666.666…, 1000 × 1/3 = 333.333…: the one cent left goes to the larger remainder.
    expect(Array.from(payToTrain(1000, counts(200, 100)).payouts)).toEqual([666.67, 333.33]);
    expect(Array.from(payToTrain(900, counts(200, 100)).payouts)).toEqual([600, 300]);
  });

  it('weights minutes by a price per minute', () => {
    // 120 min exclusive at 6, 30 min short format at 1, 45 min exclusive at 6: claims 720, 30, 270
    // of 1020. In cents: 705 882.35, 29 411.76, 264 705.88 → floors sum to 999 998; the two
    // cents left go to the remainders .88 and .76.
    const result = payToTrain(10_000, [
      { count: 120, weight: 6 },
      { count: 30, weight: 1 },
      { count: 45, weight: 6 },
    ]);
    expect(Array.from(result.payouts)).toEqual([7058.82, 294.12, 2647.06]);
    expect(result.roundedUp).toEqual([false, true, true]);
  });

  it('reads a missing weight, or a null one, as 1', () => {
    const blank = null as unknown as undefined;
    const result = payToTrain(30, [{ count: 1 }, { count: 1, weight: blank }, { count: 1, weight: 1 }], {
      minimumPayout: blank,
      decimals: blank,
    });
    expect(Array.from(result.payouts)).toEqual([10, 10, 10]);
    expect(result.decimals).toBe(2);
  });

  it('accepts fractional counts and weights', () => {
    // 1.5 × 2 = 3 and 0.5 × 2 = 1: three quarters and one quarter.
    expect(Array.from(payToTrain(10, [{ count: 1.5, weight: 2 }, { count: 0.5, weight: 2 }]).payouts)).toEqual([7.5, 2.5]);
  });

  it('gives leftover units on equal remainders to the earlier row', () => {
    // Claims 1, 1, 1, 3 of 6 on 100 cents: 16⅔, 16⅔, 16⅔, 50 → 98 by floors, 2 left.
    expect(Array.from(payToTrain(1, counts(1, 1, 1, 3)).payouts)).toEqual([0.17, 0.17, 0.16, 0.5]);
    expect(Array.from(payToTrain(1, counts(3, 1, 1, 1)).payouts)).toEqual([0.5, 0.17, 0.17, 0.16]);
  });

  it('treats 3 works at weight 0.1 and 1 work at weight 0.3 as equal claims', () => {
    // In binary, 3 × 0.1 exceeds 0.3 and the first holder would always win the cent.
    const a = { count: 3, weight: 0.1 };
    const b = { count: 1, weight: 0.3 };
    expect(Array.from(payToTrain(0.01, [a, b]).payouts)).toEqual([0.01, 0]);
    expect(Array.from(payToTrain(0.01, [b, a]).payouts)).toEqual([0.01, 0]);
  });

  it('rounds to the requested decimals', () => {
    expect(Array.from(payToTrain(10, counts(1, 1, 1), { decimals: 0 }).payouts)).toEqual([4, 3, 3]);
    const fine = payToTrain(1, counts(1, 1, 1), { decimals: 10 });
    expect(fine.units).toEqual([3333333334n, 3333333333n, 3333333333n]);
    expect(Array.from(fine.payouts)).toEqual([0.3333333334, 0.3333333333, 0.3333333333]);
  });

  it('distributes the amount rounded half up as typed, like Excel ROUND', () => {
    // 100.005 is stored slightly below 100.005; read as typed, it rounds to 100.01.
    expect(payToTrain(100.005, counts(1)).total).toBe(100.01);
    expect(payToTrain(100.004, counts(1)).total).toBe(100);
    expect(payToTrain(2.5, counts(1, 1), { decimals: 0 }).totalUnits).toBe(3n);
    expect(Array.from(payToTrain(2.5, counts(1, 1), { decimals: 0 }).payouts)).toEqual([2, 1]);
  });

  it('keeps holders with nothing to claim at 0 when there is no minimum', () => {
    const result = payToTrain(50, [{ count: 0 }, { count: 4, weight: 0 }, { count: 2 }]);
    expect(Array.from(result.payouts)).toEqual([0, 0, 50]);
    expect(result.kept).toEqual([true, true, true]);
  });

  it('pays nothing out of a zero amount', () => {
    const result = payToTrain(0, counts(1, 2));
    expect(Array.from(result.payouts)).toEqual([0, 0]);
    const withMinimum = payToTrain(0, counts(1, 2), { minimumPayout: 5 });
    expect(Array.from(withMinimum.payouts)).toEqual([0, 0]);
    expect(withMinimum.kept).toEqual([false, false]);
  });
});

describe('payToTrain, minimum payout', () => {
  it('redistributes the dropped share, re-checking after each drop', () => {
    // Claims 40, 21, 20, 19 of 100, minimum 20.5: the 19 is dropped; then the 20 gets
    // 100 × 20/81 = 24.69 ≥ 20.5 and stays, although its first quota (20) was below.
    // Cents: 4938.27, 2592.59, 2469.13 → one cent left, to the .59.
    const result = payToTrain(100, counts(40, 21, 20, 19), { minimumPayout: 20.5 });
    expect(result.kept).toEqual([true, true, true, false]);
    expect(Array.from(result.payouts)).toEqual([49.38, 25.93, 24.69, 0]);
    expect(result.quotas[3]).toBe(0);
    expect(result.quotas[0]).toBe(4000 / 81);
  });

  it('drops equal claims together', () => {
    // 50 and five 10s, minimum 12: each 10 gets 10 < 12. Dropping them one at a time would keep
    // three (10/80 × 100 = 12.5); equal claims are treated alike, so all five go.
    const result = payToTrain(100, counts(10, 50, 10, 10, 10, 10), { minimumPayout: 12 });
    expect(result.kept).toEqual([false, true, false, false, false, false]);
    expect(Array.from(result.payouts)).toEqual([0, 100, 0, 0, 0, 0]);
  });

  it('keeps a holder whose quota equals the minimum exactly', () => {
    const result = payToTrain(90, counts(1, 1, 1), { minimumPayout: 30 });
    expect(result.kept).toEqual([true, true, true]);
    expect(Array.from(result.payouts)).toEqual([30, 30, 30]);
  });

  it('drops holders with a zero claim under any positive minimum', () => {
    const result = payToTrain(50, [{ count: 0 }, { count: 2 }], { minimumPayout: 0.01 });
    expect(result.kept).toEqual([false, true]);
    expect(Array.from(result.payouts)).toEqual([0, 50]);
  });

  it('refuses a minimum that nobody can reach', () => {
    // Three equal holders share 10 at best: 3.33 each < 5, and they stand or fall together.
    expectEngineError(() => payToTrain(10, counts(1, 1, 1), { minimumPayout: 5 }), 'minimumPayout', undefined, /3\.33/);
    expectEngineError(() => payToTrain(10, counts(1), { minimumPayout: 10.01 }), 'minimumPayout', undefined);
  });
});

// Properties over amounts with up to four decimals, integer counts and weights with up to three
// decimals: the test knows every input as an exact integer and recomputes with BigInt.
interface Case {
  amountUnits: number; // amount × 10^4
  decimals: number; // 0..4
  holders: { count: number; weightN: number; weightK: number }[];
  minimumCents: number; // minimum × 100
}

const caseArbitrary: fc.Arbitrary<Case> = fc.record({
  amountUnits: fc.integer({ min: 0, max: 1e12 }),
  decimals: fc.integer({ min: 0, max: 4 }),
  holders: fc.array(
    fc.record({
      count: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 10_000 })),
      weightN: fc.oneof(fc.constant(1), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 100_000 })),
      weightK: fc.integer({ min: 0, max: 3 }),
    }),
    { minLength: 1, maxLength: 25 },
  ),
  minimumCents: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1e6 })),
});

function inputsOf(c: Case): { amount: number; holders: Holder[] } {
  return {
    amount: c.amountUnits / 1e4,
    holders: c.holders.map((h) => ({ count: h.count, weight: h.weightN / 10 ** h.weightK })),
  };
}

/** Claims as integers at the common scale 10^-3. */
function claimsOf(c: Case): bigint[] {
  return c.holders.map((h) => BigInt(h.count) * BigInt(h.weightN) * 10n ** BigInt(3 - h.weightK));
}

/** The amount in units of 10^-decimals, rounded half up. */
function totalUnitsOf(c: Case): bigint {
  const shift = 10n ** BigInt(4 - c.decimals);
  return (BigInt(c.amountUnits) * 2n + shift) / (2n * shift);
}

/**
 * The kept set by the literal procedure: while the smallest claims still in get less than the
 * minimum, drop them (all holders with that claim) and recompute. Null: nobody is left.
 */
function keptByDropping(u: bigint[], totalUnits: bigint, minimumCents: number, decimals: number): boolean[] | null {
  const kept = u.map(() => true);
  // Quota in units T·u/U against a minimum of minimumCents·10^(decimals−2) units.
  const minimumNum = BigInt(minimumCents) * 10n ** BigInt(Math.max(decimals - 2, 0));
  const minimumDen = 10n ** BigInt(Math.max(2 - decimals, 0));
  for (;;) {
    const inside = u.filter((_, i) => kept[i]);
    if (inside.length === 0) return totalUnits === 0n ? kept : null;
    const total = inside.reduce((a, b) => a + b, 0n);
    const smallest = inside.reduce((a, b) => (b < a ? b : a));
    if (total > 0n && totalUnits * smallest * minimumDen >= minimumNum * total) return kept;
    if (total === 0n && minimumNum === 0n) return kept;
    u.forEach((x, i) => {
      if (x === smallest) kept[i] = false;
    });
  }
}

describe('payToTrain properties', () => {
  it('sums exactly to the rounded amount and rounds each quota by largest remainder', () => {
    fc.assert(
      fc.property(caseArbitrary, (c) => {
        const u = claimsOf(c);
        const { amount, holders } = inputsOf(c);
        const minimumPayout = c.minimumCents / 100;
        const T = totalUnitsOf(c);
        if (u.every((x) => x === 0n)) {
          expectEngineError(() => payToTrain(amount, holders, { decimals: c.decimals, minimumPayout }), 'counts', undefined);
          return;
        }
        const expectedKept = keptByDropping(u, T, c.minimumCents, c.decimals);
        if (expectedKept === null) {
          expectEngineError(() => payToTrain(amount, holders, { decimals: c.decimals, minimumPayout }), 'minimumPayout', undefined);
          return;
        }
        const result = payToTrain(amount, holders, { decimals: c.decimals, minimumPayout });
        expect(result.kept).toEqual(expectedKept);
        expect(result.totalUnits).toBe(T);
        expect(result.units.reduce((a, b) => a + b, 0n)).toBe(T);

        const D = u.reduce((a, x, i) => (expectedKept[i] ? a + x : a), 0n);
        const floors = u.map((x, i) => (expectedKept[i] && D > 0n ? (T * x) / D : 0n));
        const remainders = u.map((x, i) => (expectedKept[i] && D > 0n ? (T * x) % D : 0n));
        const scale = 10 ** c.decimals;
        result.units.forEach((units, i) => {
          // Within one unit of the exact quota, from below by the floor.
          expect(units === floors[i] || units === floors[i] + 1n).toBe(true);
          expect(result.roundedUp[i]).toBe(units === floors[i] + 1n);
          if (units > floors[i]) expect(remainders[i] > 0n).toBe(true);
          if (!expectedKept[i]) expect(units).toBe(0n);
          // Both operands are exact, so IEEE division is the nearest float64 to the payout.
          expect(result.payouts[i]).toBe(Number(units) / scale);
        });
        // No holder left at its floor has a larger remainder (or an equal one and an earlier
        // row) than a holder that got the extra unit.
        for (let i = 0; i < u.length; i++) {
          if (!result.roundedUp[i]) continue;
          for (let j = 0; j < u.length; j++) {
            if (!expectedKept[j] || result.roundedUp[j]) continue;
            expect(remainders[i] > remainders[j] || (remainders[i] === remainders[j] && i < j)).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never pays a larger claim less, and favours the earlier of equal claims by at most a unit', () => {
    fc.assert(
      fc.property(caseArbitrary, (c) => {
        const u = claimsOf(c);
        fc.pre(u.some((x) => x > 0n));
        const { amount, holders } = inputsOf(c);
        // Without a minimum every claim is kept, which isolates the rounding.
        const result = payToTrain(amount, holders, { decimals: c.decimals });
        for (let i = 0; i < u.length; i++) {
          for (let j = 0; j < u.length; j++) {
            if (u[i] > u[j]) expect(result.units[i] >= result.units[j]).toBe(true);
            if (u[i] === u[j] && i < j) {
              expect(result.units[i] - result.units[j] === 0n || result.units[i] - result.units[j] === 1n).toBe(true);
            }
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('drops monotonely: smaller claims first, and fewer holders under a higher minimum', () => {
    fc.assert(
      fc.property(caseArbitrary, fc.integer({ min: 0, max: 1e6 }), (c, extraCents) => {
        const u = claimsOf(c);
        fc.pre(u.some((x) => x > 0n));
        const { amount, holders } = inputsOf(c);
        const run = (cents: number) => {
          try {
            return payToTrain(amount, holders, { decimals: c.decimals, minimumPayout: cents / 100 });
          } catch {
            return null;
          }
        };
        const low = run(c.minimumCents);
        const high = run(c.minimumCents + extraCents);
        if (low === null) {
          expect(high).toBeNull();
          return;
        }
        for (let i = 0; i < u.length; i++) {
          for (let j = 0; j < u.length; j++) {
            if (!low.kept[i] && u[j] <= u[i]) expect(low.kept[j]).toBe(false);
          }
          if (high !== null && high.kept[i]) expect(low.kept[i]).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('payToTrain input errors', () => {
  it('checks the amount', () => {
    expectEngineError(() => payToTrain(-1, counts(1)), 'amount', undefined);
    expectEngineError(() => payToTrain(NaN, counts(1)), 'amount', undefined);
    expectEngineError(() => payToTrain(Infinity, counts(1)), 'amount', undefined);
  });

  it('names the row of a bad count or weight', () => {
    expectEngineError(() => payToTrain(10, counts(1, 2, -3)), 'counts', 2, /≥ 0/);
    expectEngineError(() => payToTrain(10, counts(1, NaN)), 'counts', 1);
    expectEngineError(() => payToTrain(10, [{ count: 1 }, { count: 1, weight: -0.5 }]), 'weights', 1);
    expectEngineError(() => payToTrain(10, [{ count: 1, weight: Infinity }]), 'weights', 0);
  });

  it('needs someone with a positive claim', () => {
    expectEngineError(() => payToTrain(10, []), 'counts', undefined);
    expectEngineError(() => payToTrain(10, [{ count: 0 }, { count: 3, weight: 0 }]), 'counts', undefined, /0/);
  });

  it('checks decimals and the minimum payout', () => {
    for (const decimals of [-1, 11, 1.5, NaN]) {
      expectEngineError(() => payToTrain(10, counts(1), { decimals }), 'decimals', undefined);
    }
    expectEngineError(() => payToTrain(10, counts(1), { minimumPayout: -1 }), 'minimumPayout', undefined);
    expectEngineError(() => payToTrain(10, counts(1), { minimumPayout: NaN }), 'minimumPayout', undefined);
  });
});
