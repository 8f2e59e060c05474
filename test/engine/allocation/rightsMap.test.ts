import fc from 'fast-check';
import { rightsMap, type OwnershipRow } from '../../../src/engine/remuneration/rightsMap';
import { rat, Rational } from '../../helpers/rational';
import { expectEngineError } from '../remuneration/expectEngineError';

const own = (work: string, rightholder: string, share: number): OwnershipRow => ({ work, rightholder, share });

describe('rightsMap', () => {
  const amounts = [
    { work: 'Novel', amount: 100 },
    { work: 'Photos', amount: 50 },
  ];
  const ownership = [
    own('Novel', 'Heir A', 0.3333),
    own('Novel', 'Heir B', 0.3333),
    own('Novel', 'Heir C', 0.3334),
    own('Photos', 'Agency', 0.6),
    own('Photos', 'Heir A', 0.4),
  ];

  it('passes each work on by its shares, rightholders in order of first appearance', () => {
    // By hand: Heir A 33.33 + 20, Heir B 33.33, Heir C 33.34, Agency 30.
    const result = rightsMap(amounts, ownership);
    expect(result.rightholders).toEqual(['Heir A', 'Heir B', 'Heir C', 'Agency']);
    expect(Array.from(result.amounts)).toEqual([53.33, 33.33, 33.34, 30]);
    expect(result.total).toBe(150);
  });

  it('rounds by largest remainder so the column sums to the rounded total', () => {
    // Whole units: 53.33 → 53, 33.33 → 33, 33.34 → 33, 30; one unit left goes to the largest
    // remainder, Heir C's .34.
    const result = rightsMap(amounts, ownership, { decimals: 0 });
    expect(Array.from(result.amounts)).toEqual([53, 33, 34, 30]);
    expect(result.units).toEqual([53n, 33n, 34n, 30n]);
    expect(result.totalUnits).toBe(150n);
  });

  it('breaks equal remainders in favour of the earlier rightholder (typed thirds within 1e-9 of 1)', () => {
    const third = 1 / 3; // 0.3333333333333333: the three sum to 0.9999999999999999
    const result = rightsMap([{ work: 'W', amount: 100 }], [own('W', 'X', third), own('W', 'Y', third), own('W', 'Z', third)]);
    expect(Array.from(result.amounts)).toEqual([33.34, 33.33, 33.33]);
  });

  it('adds the shares of a rightholder listed twice on a work, and lists owners of unpaid works with 0', () => {
    const result = rightsMap(
      [{ work: 'Song', amount: 10 }],
      [own('Song', 'Author', 0.25), own('Other', 'Label', 1), own('Song', 'Publisher', 0.5), own('Song', 'Author', 0.25)],
    );
    expect(result.rightholders).toEqual(['Author', 'Label', 'Publisher']);
    expect(Array.from(result.amounts)).toEqual([5, 0, 5]);
  });

  it('allows a work with amount 0 and no owner, and rounds the total half up', () => {
    const result = rightsMap(
      [{ work: 'A', amount: 0.005 }, { work: 'Unowned', amount: 0 }],
      [own('A', 'P', 0.5), own('A', 'Q', 0.5)],
    );
    expect(result.total).toBe(0.01);
    expect(Array.from(result.amounts)).toEqual([0.01, 0]);
  });

  it('sums exactly to the total and stays within one unit of each exact claim (random cents and percent shares)', () => {
    const input = fc
      .array(
        fc.record({
          cents: fc.integer({ min: 0, max: 10_000_000 }),
          // percent shares of one work: cut points of 0..100
          cuts: fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 0, maxLength: 4 }),
          owners: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 5, maxLength: 5 }),
        }),
        { minLength: 1, maxLength: 8 },
      )
      .chain((works) => fc.tuple(fc.constant(works), fc.integer({ min: 0, max: 4 })));
    fc.assert(
      fc.property(input, ([works, decimals]) => {
        const amountRows = works.map((w, k) => ({ work: `W${k}`, amount: w.cents / 100 }));
        const rows: OwnershipRow[] = [];
        const exactClaims = new Map<string, Rational>();
        works.forEach((w, k) => {
          const cuts = [0, ...[...w.cuts].sort((a, b) => a - b), 100];
          for (let j = 0; j + 1 < cuts.length; j++) {
            const percent = cuts[j + 1] - cuts[j];
            const holder = `H${w.owners[j]}`;
            rows.push(own(`W${k}`, holder, percent / 100));
            const claim = rat(w.cents * percent, 10_000); // cents × percent / 100, in currency units
            exactClaims.set(holder, (exactClaims.get(holder) ?? Rational.ZERO).add(claim));
          }
        });
        const result = rightsMap(amountRows, rows, { decimals });
        const totalCents = works.reduce((s, w) => s + w.cents, 0);
        // Σ cents rounded half up to `decimals`.
        const unit = 10 ** (2 - Math.min(decimals, 2));
        const expectedTotal = decimals >= 2 ? BigInt(totalCents) * 10n ** BigInt(decimals - 2) : BigInt(Math.floor((totalCents + unit / 2) / unit));
        expect(result.totalUnits).toBe(expectedTotal);
        expect(result.units.reduce((a, b) => a + b, 0n)).toBe(expectedTotal);
        const scale = rat(10n ** BigInt(decimals));
        result.rightholders.forEach((holder, h) => {
          const quota = (exactClaims.get(holder) ?? Rational.ZERO).mul(scale);
          const gap = quota.sub(rat(result.units[h]));
          expect(gap.compare(rat(-1))).toBeGreaterThan(0);
          expect(gap.compare(rat(1))).toBeLessThan(0);
          expect(result.amounts[h]).toBe(Number(result.units[h]) / 10 ** decimals);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('names the work and the row at fault', () => {
    expectEngineError(() => rightsMap([{ work: 'A', amount: -1 }], [own('A', 'P', 1)]), 'amounts', 0, /"A" must be a finite number ≥ 0/);
    expectEngineError(() => rightsMap([{ work: 'A', amount: 1 }, { work: 'A', amount: 2 }], [own('A', 'P', 1)]), 'amounts', 1, /"A" is listed twice/);
    expectEngineError(() => rightsMap([{ work: 'A', amount: 1 }, { work: 'B', amount: 2 }], [own('A', 'P', 1)]), 'amounts', 1, /"B" has no owner/);
    expectEngineError(() => rightsMap([{ work: 'A', amount: 1 }], [own('A', 'P', 1.5), own('A', 'Q', -0.5)]), 'ownership', 1, /share of "Q" in "A"/);
    expectEngineError(() => rightsMap([{ work: 'A', amount: 1 }], [own('B', 'P', 1), own('A', 'P', 0.5), own('A', 'Q', 0.4)]), 'ownership', 1, /shares of "A" sum to 0.9, not 1/);
    expectEngineError(() => rightsMap([{ work: 'A', amount: 1 }], [own('A', 'P', 0.5), own('A', 'Q', 0.500000002)]), 'ownership', 0, /sum to 1.000000002/);
    expect(Array.from(rightsMap([{ work: 'A', amount: 1 }], [own('A', 'P', 0.5), own('A', 'Q', 0.4999999995)]).amounts)).toEqual([0.5, 0.5]);
    expectEngineError(() => rightsMap([{ work: 'A', amount: 1 }], [own('A', 'P', 1)], { decimals: 11 }), 'decimals', undefined, /integer from 0 to 10/);
  });
});
