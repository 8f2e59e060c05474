import fc from 'fast-check';
import { licencePayments, type LicencePeriod } from '../../../src/engine/remuneration/licencePayments';
import { nearestDouble, rat, type Rational } from '../../helpers/rational';
import { expectEngineError } from './expectEngineError';

const periods = (revenue: number[], rate: number | number[], extra: Partial<LicencePeriod>[] = []): LicencePeriod[] =>
  revenue.map((r, t) => ({ revenue: r, rate: Array.isArray(rate) ? rate[t] : rate, ...extra[t] }));

describe('licencePayments, hand-computed schedules', () => {
  it('recoups an advance over three periods', () => {
    // royalties 100, 200, 300, 400; advance 500: recouped 100, 200, 200 (balance 400, 200, 0),
    // paid 0 + 500, 0, 100, 400.
    const result = licencePayments(periods([1000, 2000, 3000, 4000], 0.1), { advance: 500 });
    expect(Array.from(result.payments)).toEqual([500, 0, 100, 400]);
    expect(Array.from(result.royalties)).toEqual([100, 200, 300, 400]);
    expect(Array.from(result.recouped)).toEqual([100, 200, 200, 0]);
    expect(Array.from(result.unrecouped)).toEqual([400, 200, 0, 0]);
    expect(result.total).toBe(1000);
  });

  it('pays the minimum where it binds, on top of the advance in period 1, and not where royalties exceed it', () => {
    // Same schedule, minimum 50: max(0, 50) + 500, max(0, 50), max(100, 50), max(400, 50).
    const withMinimum = periods([1000, 2000, 3000, 4000], 0.1, Array(4).fill({ minimum: 50 }));
    expect(Array.from(licencePayments(withMinimum, { advance: 500 }).payments)).toEqual([550, 50, 100, 400]);
    // Without an advance the minimum of 50 never binds: royalties are 100 and more.
    expect(Array.from(licencePayments(withMinimum).payments)).toEqual([100, 200, 300, 400]);
    // A minimum of 250 binds in periods 1 and 2 only.
    const higher = periods([1000, 2000, 3000, 4000], 0.1, Array(4).fill({ minimum: 250 }));
    expect(Array.from(licencePayments(higher).payments)).toEqual([250, 250, 300, 400]);
  });

  it('applies one rate per period', () => {
    expect(Array.from(licencePayments(periods([1000, 1000, 1000], [0.1, 0.15, 0.2])).payments)).toEqual([100, 150, 200]);
  });

  it('adds a non-recoupable upfront fee to period 1 only', () => {
    // 100 + 500, then 200: the fee is not taken back from royalties.
    const result = licencePayments(periods([1000, 2000], 0.1), { advance: 500, recoupable: false });
    expect(Array.from(result.payments)).toEqual([600, 200]);
    expect(Array.from(result.recouped)).toEqual([0, 0]);
    expect(Array.from(result.unrecouped)).toEqual([0, 0]);
  });

  it('charges a fee per output, with per-period minimums', () => {
    // 5 % of 1000 + 0.002 × 10,000 = 70; 0 + 0.002 × 25,000 = 50, below the minimum 60.
    const result = licencePayments([
      { revenue: 1000, rate: 0.05, unitFee: 0.002, units: 10_000, minimum: 60 },
      { revenue: 0, rate: 0.05, unitFee: 0.002, units: 25_000, minimum: 60 },
    ]);
    expect(Array.from(result.payments)).toEqual([70, 60]);
  });

  it('recoups an advance from unit fees too, and leaves it unrecouped when royalties run short', () => {
    // royalties 30, 30; advance 100: nothing paid after the advance, 40 still to recoup.
    const result = licencePayments(
      [
        { revenue: 0, rate: 0, unitFee: 0.5, units: 60 },
        { revenue: 0, rate: 0, unitFee: 0.5, units: 60 },
      ],
      { advance: 100 },
    );
    expect(Array.from(result.payments)).toEqual([100, 0]);
    expect(Array.from(result.unrecouped)).toEqual([70, 40]);
  });

  it('computes on the decimals typed: 30 % of 0.1 is 0.03, and ten of them total 0.3', () => {
    const result = licencePayments(periods(Array(10).fill(0.1), 0.3));
    expect(result.payments[0]).toBe(0.03);
    expect(result.total).toBe(0.3);
  });

  it('reads omitted (null) optional fields as 0 and recoupable as TRUE', () => {
    const blank = null as unknown as undefined;
    const result = licencePayments([{ revenue: 100, rate: 0.5, minimum: blank, unitFee: blank, units: blank }], { advance: blank, recoupable: blank });
    expect(Array.from(result.payments)).toEqual([50]);
  });
});

describe('licencePayments, errors name the field and the period', () => {
  it.each([
    ['revenue', { revenue: -1, rate: 0.1 }, /≥ 0/],
    ['revenue', { revenue: NaN, rate: 0.1 }, /finite/],
    ['rate', { revenue: 1, rate: 1.2 }, /between 0 and 1.*0\.12/],
    ['rate', { revenue: 1, rate: -0.1 }, /negative/],
    ['rate', { revenue: 1, rate: Infinity }, /share/],
    ['minimum', { revenue: 1, rate: 0.1, minimum: -5 }, /≥ 0/],
    ['unitFee', { revenue: 1, rate: 0.1, unitFee: -0.1 }, /≥ 0/],
    ['units', { revenue: 1, rate: 0.1, units: -3 }, /≥ 0/],
  ])('%s in period 2', (field, bad, detail) => {
    expectEngineError(() => licencePayments([{ revenue: 1, rate: 0.1 }, bad as LicencePeriod]), field, 1, detail);
  });

  it('advance, recoupable and an empty schedule', () => {
    expectEngineError(() => licencePayments([{ revenue: 1, rate: 0.1 }], { advance: -1 }), 'advance', undefined, /≥ 0/);
    expectEngineError(() => licencePayments([{ revenue: 1, rate: 0.1 }], { recoupable: 'yes' as unknown as boolean }), 'recoupable', undefined, /TRUE or FALSE/);
    expectEngineError(() => licencePayments([]), 'revenue', undefined, /at least one period/);
  });

  it('an overflowing payment', () => {
    expectEngineError(() => licencePayments([{ revenue: 1e308, rate: 1, unitFee: 1e308, units: 10 }]), 'revenue', 0, /largest representable/);
  });
});

/** Test-side schedule in exact rationals, written period by period from the contract. */
function referenceSchedule(rows: { revenue: Rational; rate: Rational; minimum: Rational }[], advance: Rational, recoupable: boolean): Rational[] {
  let balance = recoupable ? advance : rat(0);
  return rows.map((row, t) => {
    const royalties = row.rate.mul(row.revenue);
    const recouped = balance.compare(royalties) < 0 ? balance : royalties;
    balance = balance.sub(recouped);
    const left = royalties.sub(recouped);
    const paid = left.compare(row.minimum) < 0 ? row.minimum : left;
    return t === 0 ? paid.add(advance) : paid;
  });
}

const cents = fc.integer({ min: 0, max: 10_000_000 });
const schedule = fc.record({
  rows: fc.array(fc.record({ revenue: cents, rate: fc.integer({ min: 0, max: 1000 }), minimum: fc.integer({ min: 0, max: 100_000 }) }), {
    minLength: 1,
    maxLength: 24,
  }),
  advance: cents,
  recoupable: fc.boolean(),
});

describe('licencePayments, properties', () => {
  it('agrees with an exact rational schedule, and never pays below the minimum', () => {
    fc.assert(
      fc.property(schedule, ({ rows, advance, recoupable }) => {
        // revenue and minimum in cents, the rate in tenths of a percent.
        const input = rows.map((r) => ({ revenue: r.revenue / 100, rate: r.rate / 1000, minimum: r.minimum / 100 }));
        const result = licencePayments(input, { advance: advance / 100, recoupable });
        const expected = referenceSchedule(
          rows.map((r) => ({ revenue: rat(r.revenue, 100), rate: rat(r.rate, 1000), minimum: rat(r.minimum, 100) })),
          rat(advance, 100),
          recoupable,
        );
        expected.forEach((x, t) => expect(result.payments[t]).toBe(nearestDouble(x)));
        input.forEach((p, t) => expect(result.payments[t]).toBeGreaterThanOrEqual(p.minimum));
      }),
    );
  });

  it('a recoupable advance does not change the total once the horizon recoups it (minimum 0)', () => {
    fc.assert(
      fc.property(schedule, ({ rows, advance }) => {
        const input = rows.map((r) => ({ revenue: r.revenue / 100, rate: r.rate / 1000 }));
        // Σ royalties exactly, in units of 10^-5: cents × tenths of a percent.
        const royalties = rows.reduce((s, r) => s + BigInt(r.revenue) * BigInt(r.rate), 0n);
        const advanceUnits = BigInt(advance) * 1000n;
        fc.pre(royalties >= advanceUnits);
        const without = licencePayments(input).total;
        expect(licencePayments(input, { advance: advance / 100 }).total).toBe(without);
      }),
    );
  });

  it('an advance not yet recouped leaves the total at the advance (the royalties were all kept)', () => {
    fc.assert(
      fc.property(schedule, ({ rows, advance }) => {
        const input = rows.map((r) => ({ revenue: r.revenue / 100, rate: r.rate / 1000 }));
        const royalties = rows.reduce((s, r) => s + BigInt(r.revenue) * BigInt(r.rate), 0n);
        fc.pre(royalties < BigInt(advance) * 1000n);
        expect(licencePayments(input, { advance: advance / 100 }).total).toBe(advance / 100);
      }),
    );
  });
});

describe('licencePayments, length', () => {
  it('ten years of months add up to the cent', () => {
    // 120 months of 1234.56 at 7 %: 86.4192 each, 10,370.304 in all.
    const result = licencePayments(periods(Array(120).fill(1234.56), 0.07));
    expect(result.total).toBe(10370.304);
  });
});
