import fc from 'fast-check';
import { purposeShare, type RateSlice } from '../../../src/engine/remuneration/purposeShare';
import { expectEngineError } from './expectEngineError';

// A rightholder's proposal: basic, intermediate and high rates, each tiered by base.
const schedule: RateSlice[] = [
  { purpose: 1, from: 0, rate: 0.02 },
  { purpose: 1, from: 1e6, rate: 0.03 },
  { purpose: 2, from: 0, rate: 0.05 },
  { purpose: 2, from: 1e6, rate: 0.07 },
  { purpose: 2, from: 5e6, rate: 0.1 },
  { purpose: 3, from: 0, rate: 0.1 },
  { purpose: 3, from: 2e6, rate: 0.15 },
];

describe('purposeShare, marginal schedule', () => {
  it('taxes each slice at its own rate', () => {
    // 1 M × 5 % + 2 M × 7 % = 50 000 + 140 000.
    const result = purposeShare(3e6, 2, schedule);
    expect(result.amount).toBe(190_000);
    expect(result.computed).toBe(190_000);
    expect(result.effectiveRate).toBe(190_000 / 3e6);
    expect(result.minimumApplied).toBe(false);
    expect(result.mode).toBe('marginal');
    expect(result.appliedSlice).toBe(1);
    expect(result.slices).toEqual([
      { from: 0, to: 1e6, rate: 0.05, amount: 50_000 },
      { from: 1e6, to: 5e6, rate: 0.07, amount: 140_000 },
      { from: 5e6, to: Infinity, rate: 0.1, amount: 0 },
    ]);
  });

  it('reaches the top slice', () => {
    // 1 M × 5 % + 4 M × 7 % + 2 M × 10 % = 50 000 + 280 000 + 200 000.
    const result = purposeShare(7e6, 2, schedule);
    expect(result.amount).toBe(530_000);
    expect(result.slices.map((s) => s.amount)).toEqual([50_000, 280_000, 200_000]);
    expect(result.appliedSlice).toBe(2);
  });

  it('uses the chosen purpose only', () => {
    // Purpose 1: 1 M × 2 % + 2 M × 3 %; purpose 3: 2 M × 10 % + 1 M × 15 %.
    expect(purposeShare(3e6, 1, schedule).amount).toBe(80_000);
    expect(purposeShare(3e6, 3, schedule).amount).toBe(350_000);
    expect(purposeShare(3e6, 3, schedule).slices).toEqual([
      { from: 0, to: 2e6, rate: 0.1, amount: 200_000 },
      { from: 2e6, to: Infinity, rate: 0.15, amount: 150_000 },
    ]);
  });

  it('is continuous at a slice boundary', () => {
    const at = purposeShare(1e6, 2, schedule);
    expect(at.amount).toBe(50_000);
    expect(at.appliedSlice).toBe(1); // a base equal to `from` is in that slice
    expect(at.slices[1].amount).toBe(0);
    expect(purposeShare(1e6 + 100, 2, schedule).amount).toBe(50_007);
    expect(purposeShare(999_900, 2, schedule).amount).toBe(49_995);
  });

  it('gives 0 on a zero base, and no effective rate', () => {
    const result = purposeShare(0, 2, schedule);
    expect(result.amount).toBe(0);
    expect(result.effectiveRate).toBeNull();
    expect(result.appliedSlice).toBe(0);
  });

  it('accepts rows of different purposes interleaved', () => {
    const interleaved: RateSlice[] = [
      { purpose: 3, from: 0, rate: 0.1 },
      { purpose: 1, from: 0, rate: 0.02 },
      { purpose: 3, from: 2e6, rate: 0.15 },
      { purpose: 1, from: 1e6, rate: 0.03 },
    ];
    expect(purposeShare(3e6, 3, interleaved).amount).toBe(350_000);
    expect(purposeShare(3e6, 1, interleaved).amount).toBe(80_000);
  });
});

describe('purposeShare, bracket schedule', () => {
  it('applies the rate of the highest slice reached to the whole base', () => {
    expect(purposeShare(3e6, 2, schedule, { mode: 'bracket' }).amount).toBe(210_000); // 3 M × 7 %
    expect(purposeShare(7e6, 2, schedule, { mode: 'bracket' }).amount).toBe(700_000); // 7 M × 10 %
    expect(purposeShare(3e6, 3, schedule, { mode: 'bracket' }).amount).toBe(450_000); // 3 M × 15 %
  });

  it('puts a base exactly at `from` in that slice', () => {
    const at = purposeShare(1e6, 2, schedule, { mode: 'bracket' });
    expect(at.amount).toBe(70_000); // 1 M × 7 %, not 5 %
    expect(at.appliedSlice).toBe(1);
    expect(at.slices.map((s) => s.amount)).toEqual([0, 70_000, 0]);
    const below = purposeShare(999_999.99, 2, schedule, { mode: 'bracket' });
    expect(below.amount).toBe(49_999.9995); // × 5 %
    expect(below.appliedSlice).toBe(0);
    expect(purposeShare(5e6, 2, schedule, { mode: 'bracket' }).amount).toBe(500_000);
  });
});

describe('purposeShare, flat rates', () => {
  it('applies one rate to every purpose', () => {
    for (const purpose of [1, 2, 3] as const) {
      const result = purposeShare(385e6, purpose, 0.4);
      expect(result.amount).toBe(154e6);
      expect(result.effectiveRate).toBe(0.4);
      expect(result.slices).toEqual([{ from: 0, to: Infinity, rate: 0.4, amount: 154e6 }]);
    }
    expect(purposeShare(1000, 2, [0.04]).amount).toBe(40);
  });

  it('picks the rate of the purpose from three', () => {
    const rates = [0.02, 0.05, 0.1];
    expect(purposeShare(1000, 1, rates).amount).toBe(20);
    expect(purposeShare(1000, 2, rates).amount).toBe(50);
    expect(purposeShare(1000, 3, rates).amount).toBe(100);
    // Flat rates are the same in both modes.
    expect(purposeShare(1000, 3, rates, { mode: 'bracket' }).amount).toBe(100);
  });

  it('is exact: 0.7 × 0.1 is 0.07, not 0.06999999999999999', () => {
    expect(purposeShare(0.7, 1, 0.1).amount).toBe(0.07);
  });
});

describe('purposeShare, minimum guarantee', () => {
  it('raises the amount to the minimum and says so', () => {
    const result = purposeShare(3e6, 1, schedule, { minimum: 100_000 });
    expect(result.amount).toBe(100_000);
    expect(result.computed).toBe(80_000);
    expect(result.minimumApplied).toBe(true);
    expect(result.effectiveRate).toBe(100_000 / 3e6);
  });

  it('does not apply when the computed share reaches it', () => {
    const equal = purposeShare(3e6, 1, schedule, { minimum: 80_000 });
    expect(equal.amount).toBe(80_000);
    expect(equal.minimumApplied).toBe(false);
    const below = purposeShare(3e6, 1, schedule, { minimum: 50_000, mode: 'bracket' });
    expect(below.amount).toBe(90_000); // 3 M × 3 %
    expect(below.minimumApplied).toBe(false);
  });

  it('is the whole amount on a zero base', () => {
    const result = purposeShare(0, 3, 0.1, { minimum: 25_000 });
    expect(result.amount).toBe(25_000);
    expect(result.computed).toBe(0);
    expect(result.minimumApplied).toBe(true);
    expect(result.effectiveRate).toBeNull();
  });
});

describe('purposeShare against an independent computation', () => {
  // Integer froms and bases, rates in thousandths: the exact amount is an integer over 1000.
  const scheduleArbitrary = fc
    .uniqueArray(fc.integer({ min: 1, max: 1e6 }), { maxLength: 5 })
    .chain((cuts) =>
      fc.tuple(
        fc.constant([0, ...cuts.sort((a, b) => a - b)]),
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: cuts.length + 1, maxLength: cuts.length + 1 }),
      ),
    );

  it('matches the slice-by-slice sum (marginal) and the bracket rate (bracket)', () => {
    fc.assert(
      fc.property(scheduleArbitrary, fc.integer({ min: 0, max: 2e6 }), ([froms, milli], base) => {
        const rows = froms.map((from, k) => ({ purpose: 2, from, rate: milli[k] / 1000 }));
        let marginal = 0n;
        let bracket = 0n;
        for (let k = 0; k < froms.length; k++) {
          const to = k + 1 < froms.length ? froms[k + 1] : Infinity;
          if (base > froms[k]) marginal += BigInt(Math.min(base, to) - froms[k]) * BigInt(milli[k]);
          if (base >= froms[k]) bracket = BigInt(base) * BigInt(milli[k]);
        }
        expect(purposeShare(base, 2, rows).amount).toBe(Number(marginal) / 1000);
        expect(purposeShare(base, 2, rows, { mode: 'bracket' }).amount).toBe(Number(bracket) / 1000);
      }),
    );
  });

  it('never decreases with the base in marginal mode', () => {
    fc.assert(
      fc.property(scheduleArbitrary, fc.integer({ min: 0, max: 2e6 }), fc.integer({ min: 0, max: 2e6 }), ([froms, milli], a, b) => {
        const rows = froms.map((from, k) => ({ purpose: 1, from, rate: milli[k] / 1000 }));
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(purposeShare(low, 1, rows).amount).toBeLessThanOrEqual(purposeShare(high, 1, rows).amount);
      }),
    );
  });
});

describe('purposeShare input errors', () => {
  it('checks the base', () => {
    expectEngineError(() => purposeShare(-1, 1, 0.1), 'base', undefined, /≥ 0/);
    expectEngineError(() => purposeShare(NaN, 1, 0.1), 'base', undefined);
    expectEngineError(() => purposeShare(Infinity, 1, 0.1), 'base', undefined);
  });

  it('checks the purpose', () => {
    for (const purpose of [0, 4, 1.5, NaN]) {
      expectEngineError(() => purposeShare(100, purpose as 1, 0.1), 'purpose', undefined, /generalist/);
    }
  });

  it('refuses a rate above 1 instead of dividing it by 100', () => {
    expectEngineError(() => purposeShare(100, 1, 40), 'rates', undefined, /40 % is 0\.4/);
    expectEngineError(() => purposeShare(100, 1, [0.02, 5, 0.1]), 'rates', 1, /40 % is 0\.4/);
    expectEngineError(() => purposeShare(100, 1, [{ purpose: 1, from: 0, rate: 2 }]), 'rates', 0, /40 % is 0\.4/);
  });

  it('names the bad entry of three rates even when another purpose is asked for', () => {
    expectEngineError(() => purposeShare(100, 1, [0.02, 0.05, -0.1]), 'rates', 2, /negative/);
    expectEngineError(() => purposeShare(100, 3, [NaN, 0.05, 0.1]), 'rates', 0);
  });

  it('wants one rate or three', () => {
    expectEngineError(() => purposeShare(100, 1, [0.1, 0.2]), 'rates', undefined, /three/);
    expectEngineError(() => purposeShare(100, 1, [0.1, 0.2, 0.3, 0.4]), 'rates', undefined);
    expectEngineError(() => purposeShare(100, 1, []), 'rates', undefined);
    expectEngineError(() => purposeShare(100, 1, NaN), 'rates', undefined);
  });

  it('names the schedule row that is wrong', () => {
    const ok = { purpose: 1, from: 0, rate: 0.1 };
    expectEngineError(() => purposeShare(100, 1, [ok, { purpose: 4, from: 10, rate: 0.1 }]), 'rates', 1, /1, 2 or 3/);
    expectEngineError(() => purposeShare(100, 1, [ok, { purpose: 1, from: -10, rate: 0.1 }]), 'rates', 1, /from/);
    expectEngineError(() => purposeShare(100, 1, [ok, { purpose: 1, from: NaN, rate: 0.1 }]), 'rates', 1);
    expectEngineError(() => purposeShare(100, 1, [ok, { purpose: 1, from: 10, rate: NaN }]), 'rates', 1);
    expectEngineError(() => purposeShare(100, 1, [ok, 0.2 as unknown as RateSlice]), 'rates', 1);
  });

  it('wants each purpose to start at 0 with strictly increasing froms, in order', () => {
    const p2 = { purpose: 2, from: 0, rate: 0.1 };
    expectEngineError(() => purposeShare(100, 2, [p2, { purpose: 1, from: 50, rate: 0.1 }]), 'rates', 1, /start at 0/);
    expectEngineError(
      () => purposeShare(100, 2, [p2, { purpose: 2, from: 50, rate: 0.1 }, { purpose: 2, from: 50, rate: 0.2 }]),
      'rates',
      2,
      /already has a slice from 50/,
    );
    expectEngineError(
      () => purposeShare(100, 2, [p2, { purpose: 2, from: 50, rate: 0.1 }, { purpose: 2, from: 20, rate: 0.2 }]),
      'rates',
      2,
      /increasing/,
    );
    expectEngineError(() => purposeShare(100, 2, [p2, { purpose: 2, from: 0, rate: 0.2 }]), 'rates', 1, /already/);
  });

  it('says when the schedule has no rows for the purpose', () => {
    expectEngineError(() => purposeShare(100, 3, schedule.filter((r) => r.purpose !== 3)), 'rates', undefined, /purpose 3/);
  });

  it('checks the minimum and the mode', () => {
    expectEngineError(() => purposeShare(100, 1, 0.1, { minimum: -1 }), 'minimum', undefined);
    expectEngineError(() => purposeShare(100, 1, 0.1, { minimum: NaN }), 'minimum', undefined);
    expectEngineError(() => purposeShare(100, 1, 0.1, { mode: 'progressive' as 'marginal' }), 'mode', undefined, /marginal/);
  });
});
