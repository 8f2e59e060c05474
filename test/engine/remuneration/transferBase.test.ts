import fc from 'fast-check';
import { transferBase, type RevenueLine } from '../../../src/engine/remuneration/transferBase';
import { purposeShare } from '../../../src/engine/remuneration/purposeShare';
import { expectEngineError } from './expectEngineError';

describe('transferBase: the Fehr-style press chain (report §4.2.2)', () => {
  // CHF 1 bn of market revenue, 55 % linked to news, 70 % who would not use the service
  // without the content. The report prints 345 M for the last step; 1000 × 0.55 × 0.70 = 385.
  const fehr: RevenueLine = { revenue: 1e9, linkShare: 0.55, counterfactualShare: 0.7 };

  it('gives a base of CHF 385 M, not the printed 345 M', () => {
    // 10^9 × 55/100 × 70/100 in integers.
    const expected = (10n ** 9n * 55n * 70n) / 10n ** 4n;
    expect(expected).toBe(385_000_000n);
    const result = transferBase([fehr]);
    expect(result.base).toBe(Number(expected));
    expect(result.base).not.toBe(345e6);
    expect(Array.from(result.lineBases)).toEqual([385e6]);
    expect(result.steps).toEqual({
      revenue: 1e9,
      deductions: 0,
      afterDeductions: 1e9,
      linked: 550e6,
      counterfactual: 385e6,
    });
  });

  it('gives CHF 154 M after the 40 % split, 15.4 % of revenue (the report rounds to "about 16 %")', () => {
    const { base, steps } = transferBase([fehr]);
    const share = purposeShare(base, 1, 0.4);
    expect(share.amount).toBe(Number((385_000_000n * 40n) / 100n));
    expect(share.amount).toBe(154e6);
    // Both are exact integers, so IEEE division gives the float64 nearest to 154/1000.
    expect(share.amount / steps.revenue).toBe(0.154);
  });

  it('takes negotiated deductions off before the shares', () => {
    // 10 % agency commission off the advertising revenue: 900 × 0.55 × 0.70 = 346.5, × 0.4 = 138.6.
    const result = transferBase([{ ...fehr, deduction: 1e8 }]);
    expect(result.base).toBe(346.5e6);
    expect(result.steps).toEqual({
      revenue: 1e9,
      deductions: 1e8,
      afterDeductions: 9e8,
      linked: 495e6,
      counterfactual: 346.5e6,
    });
    expect(purposeShare(result.base, 1, 0.4).amount).toBe(138.6e6);
  });

  it('sums several revenue lines, each with its own shares', () => {
    // Advertising: (600 − 60) × 0.55 × 0.70 = 207.9 M; subscriptions: 400 × 0.30 × 0.50 = 60 M.
    const result = transferBase([
      { revenue: 600e6, deduction: 60e6, linkShare: 0.55, counterfactualShare: 0.7 },
      { revenue: 400e6, linkShare: 0.3, counterfactualShare: 0.5 },
    ]);
    expect(Array.from(result.lineBases)).toEqual([207.9e6, 60e6]);
    expect(result.base).toBe(267.9e6);
    expect(result.steps).toEqual({
      revenue: 1000e6,
      deductions: 60e6,
      afterDeductions: 940e6,
      linked: 297e6 + 120e6,
      counterfactual: 267.9e6,
    });
  });
});

describe('transferBase', () => {
  it('counts a whole line when shares are omitted and deducts nothing by default', () => {
    const result = transferBase([{ revenue: 250 }, { revenue: 750, linkShare: 0.5 }]);
    expect(result.base).toBe(625);
    expect(result.steps.linked).toBe(625);
    expect(result.steps.deductions).toBe(0);
    // A blank optional argument may arrive as null.
    const blank = null as unknown as undefined;
    expect(transferBase([{ revenue: 100, linkShare: blank, counterfactualShare: blank, deduction: blank }]).base).toBe(100);
  });

  it('is exact where float arithmetic is not', () => {
    // In float64, 0.1 + 0.2 is 0.30000000000000004 and 0.7 × 0.1 is 0.06999999999999999.
    expect(transferBase([{ revenue: 0.1 }, { revenue: 0.2 }]).base).toBe(0.3);
    expect(transferBase([{ revenue: 0.1, linkShare: 0.7 }]).base).toBe(0.07);
  });

  it('accepts zero revenue, zero shares and a deduction equal to the revenue', () => {
    const result = transferBase([
      { revenue: 0 },
      { revenue: 100, deduction: 100 },
      { revenue: 100, linkShare: 0 },
      { revenue: 100, linkShare: 1, counterfactualShare: 1 },
    ]);
    expect(Array.from(result.lineBases)).toEqual([0, 0, 0, 100]);
    expect(result.base).toBe(100);
  });

  const lineArbitrary = fc.record({
    cents: fc.integer({ min: 0, max: 1e7 }),
    deductionCents: fc.integer({ min: 0, max: 1e7 }),
    link: fc.integer({ min: 0, max: 10000 }),
    counterfactual: fc.integer({ min: 0, max: 10000 }),
  });

  it('equals the exactly computed sum, rounded once', () => {
    // Amounts in cents and shares in hundredths of a percent make the exact base an integer
    // over 10^10; kept below 2^53, its nearest float64 is an IEEE division away.
    fc.assert(
      fc.property(fc.array(lineArbitrary, { minLength: 1, maxLength: 8 }), (raw) => {
        const lines = raw.map((l) => {
          const deduction = Math.min(l.deductionCents, l.cents);
          return { cents: l.cents, deduction, link: l.link, counterfactual: l.counterfactual };
        });
        let exact = 0n;
        for (const l of lines) exact += BigInt(l.cents - l.deduction) * BigInt(l.link) * BigInt(l.counterfactual);
        fc.pre(exact <= 2n ** 53n);
        const result = transferBase(
          lines.map((l) => ({
            revenue: l.cents / 100,
            deduction: l.deduction / 100,
            linkShare: l.link / 10000,
            counterfactualShare: l.counterfactual / 10000,
          })),
        );
        expect(result.base).toBe(Number(exact) / 1e10);
      }),
    );
  });

  it('does not depend on the order of the lines', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            revenue: fc.double({ min: 0, max: 1e12, noNaN: true }),
            linkShare: fc.double({ min: 0, max: 1, noNaN: true }),
            counterfactualShare: fc.double({ min: 0, max: 1, noNaN: true }),
          }),
          { minLength: 2, maxLength: 10 },
        ),
        (lines) => {
          const reversed = [...lines].reverse();
          expect(transferBase(reversed).base).toBe(transferBase(lines).base);
          expect(Array.from(transferBase(reversed).lineBases).reverse()).toEqual(Array.from(transferBase(lines).lineBases));
        },
      ),
    );
  });
});

describe('transferBase input errors', () => {
  it('needs at least one line', () => {
    expectEngineError(() => transferBase([]), 'revenue', undefined);
  });

  it('names the row of a revenue that is not a finite amount ≥ 0', () => {
    expectEngineError(() => transferBase([{ revenue: 1 }, { revenue: NaN }]), 'revenue', 1, /finite/);
    expectEngineError(() => transferBase([{ revenue: Infinity }]), 'revenue', 0, /finite/);
    expectEngineError(() => transferBase([{ revenue: 1 }, { revenue: 2 }, { revenue: -5 }]), 'revenue', 2, /≥ 0/);
    expectEngineError(() => transferBase([{ revenue: '12' as unknown as number }]), 'revenue', 0);
  });

  it('names the row of a bad deduction', () => {
    expectEngineError(() => transferBase([{ revenue: 10 }, { revenue: 10, deduction: 11 }]), 'deductions', 1, /exceeds the revenue/);
    expectEngineError(() => transferBase([{ revenue: 10, deduction: -1 }]), 'deductions', 0, /≥ 0/);
    expectEngineError(() => transferBase([{ revenue: 10, deduction: NaN }]), 'deductions', 0);
  });

  it('refuses a share above 1 instead of dividing it by 100', () => {
    expectEngineError(() => transferBase([{ revenue: 1e9 }, { revenue: 1e9, linkShare: 55 }]), 'linkShare', 1, /55 % is 0\.55/);
    expectEngineError(() => transferBase([{ revenue: 1e9, counterfactualShare: 70 }]), 'counterfactualShare', 0, /55 % is 0\.55/);
    expectEngineError(() => transferBase([{ revenue: 1e9, linkShare: 1.0000001 }]), 'linkShare', 0);
  });

  it('names the row of a negative or non-finite share', () => {
    expectEngineError(() => transferBase([{ revenue: 1, linkShare: -0.1 }]), 'linkShare', 0, /negative/);
    expectEngineError(() => transferBase([{ revenue: 1 }, { revenue: 1, counterfactualShare: NaN }]), 'counterfactualShare', 1);
    expectEngineError(() => transferBase([{ revenue: 1, linkShare: -Infinity }]), 'linkShare', 0);
  });

  it('refuses a total beyond the float64 range', () => {
    expectEngineError(() => transferBase([{ revenue: Number.MAX_VALUE }, { revenue: Number.MAX_VALUE }]), 'revenue', undefined);
  });
});
