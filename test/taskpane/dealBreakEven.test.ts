/*
 * The deal sheet's break-even revenue, as Excel would compute it from the formulas written on
 * the sheet (evaluated by dealFormula.ts from the mock sheet's cells), against hand-computed
 * cases and a brute-force search over revenue with the engine itself: each offer's payment in
 * one period of revenue R is licencePayments([{ revenue: R, … }]) (a levy: on max(R − E, 0); a
 * tiered share: on purposeShare(R) at 100 %), scanned on a grid, sign changes refined by
 * bisection (a bracket schedule's jump over zero is not a root: no revenue pays the same there).
 */
import fc from 'fast-check';
import { licencePayments } from '../../src/engine/remuneration/licencePayments';
import { purposeShare } from '../../src/engine/remuneration/purposeShare';
import type { DealInputs, Offer } from '../../src/taskpane/deals/dealModel';
import { writeDealSheet } from '../../src/taskpane/excel/dealSheet';
import { evaluateCell } from './dealFormula';
import { offer } from './dealFixtures';
import { createExcelMock, getSheet, workbookState } from './excelMock';

jest.setTimeout(120_000);

const UNITS = 1000;

function inputsFor(a: Offer, b: Offer): DealInputs {
  return {
    title: 'Break-even',
    periods: ['P1', 'P2'],
    revenue: { low: [1, 1], base: [1, 1], high: [1, 1] },
    units: { low: [0, 0], base: [UNITS, 0], high: [0, 0] },
    discountRate: 0,
    offers: [a, b],
    breakEven: [0, 1],
  };
}

/** The sheet's first and last break-even, as Excel would show them. */
async function sheetBreakEven(a: Offer, b: Offer): Promise<{ first: number | string; last: number | string; verdict: string }> {
  const mock = createExcelMock(workbookState('Data'));
  const { sheetName, plan } = await writeDealSheet(mock.context, inputsFor(a, b), { sourceNotes: 'notes' });
  const sheet = getSheet(mock.state, sheetName);
  // Excel computes =TRUE / =FALSE to logicals; the mock stores the formulas only.
  for (const c of sheet.cells.values()) if (c.formula === '=TRUE' || c.formula === '=FALSE') c.value = c.formula === '=TRUE';
  const first = evaluateCell(sheet, plan.breakEven.first);
  const last = evaluateCell(sheet, plan.breakEven.last);
  const verdict = evaluateCell(sheet, plan.breakEven.verdict);
  return { first: first as number | string, last: last as number | string, verdict: verdict as string };
}

/** What the offer pays in one period of revenue R, by the engine. */
function enginePayment(o: Offer, revenue: number): number {
  if (o.kind === 'levy') return licencePayments([{ revenue: Math.max(revenue - o.exemption, 0), rate: o.rate }]).payments[0];
  if (o.schedule !== undefined) {
    const royalties = purposeShare(revenue, 1, o.schedule.map((t) => ({ purpose: 1, ...t })), { mode: o.scheduleMode }).amount;
    return licencePayments([{ revenue: royalties, rate: 1, minimum: o.minimum, unitFee: o.unitFee, units: UNITS }], { advance: o.advance, recoupable: o.recoupable }).payments[0];
  }
  return licencePayments([{ revenue, rate: o.rate, minimum: o.minimum, unitFee: o.unitFee, units: UNITS }], { advance: o.advance, recoupable: o.recoupable }).payments[0];
}

const difference = (a: Offer, b: Offer, r: number): number => enginePayment(a, r) - enginePayment(b, r);
const scale = (a: Offer, b: Offer, r: number): number => 1 + enginePayment(a, r) + enginePayment(b, r);

interface Scan {
  /** Roots where the difference changes sign, refined by bisection. */
  crossings: number[];
  /** The grid points where it is 0. */
  zeros: number[];
  /** The widest gap between grid points the scan stepped over. */
  step: number;
}

/** Grid points: fine near 0, coarser above, past every kink of the offers generated below. */
function grid(): number[] {
  const points: number[] = [];
  for (let r = 0; r < 1e5; r += 200) points.push(r);
  for (let r = 1e5; r < 1e7; r += 20000) points.push(r);
  for (let r = 1e7; r <= 2e8; r += 400000) points.push(r);
  return points;
}
const GRID = grid();

function scan(a: Offer, b: Offer): Scan {
  const crossings: number[] = [];
  const zeros: number[] = [];
  let previous = 0;
  let previousAt = 0;
  let step = 0;
  for (const r of GRID) {
    const d = difference(a, b, r);
    if (d === 0) zeros.push(r);
    if (previous !== 0 && d !== 0 && Math.sign(d) !== Math.sign(previous)) {
      let lo = previousAt;
      let hi = r;
      for (let i = 0; i < 200 && hi - lo > 1e-9 * Math.max(1, hi); i++) {
        const mid = (lo + hi) / 2;
        if (Math.sign(difference(a, b, mid)) === Math.sign(previous)) lo = mid;
        else hi = mid;
      }
      // A root where the difference goes through 0; a jump of a bracket schedule only steps over it.
      if (Math.abs(difference(a, b, lo) - difference(a, b, hi)) <= 1e-6 * scale(a, b, hi)) crossings.push((lo + hi) / 2);
    }
    if (d !== 0) {
      step = Math.max(step, r - previousAt);
      previous = d;
      previousAt = r;
    }
  }
  return { crossings, zeros, step: Math.max(step, 400000) };
}

const close = (x: number, y: number, tol = 1e-6): boolean => Math.abs(x - y) <= tol * Math.max(1, Math.abs(x), Math.abs(y));

describe('break-even by hand', () => {
  const share10 = offer({ name: 'Share', kind: 'share', rate: 0.1 });
  test('10 % share vs a 50,000 flat fee: 0.1 R = 50,000 at R = 500,000', async () => {
    await expect(sheetBreakEven(share10, offer({ name: 'Flat', kind: 'flat', advance: 50000, recoupable: false }))).resolves.toMatchObject({ first: 500000, last: 500000 });
  });
  test('10 % share vs 8 % with a 30,000 minimum: the minimum binds, 0.1 R = 30,000 at R = 300,000', async () => {
    const r = await sheetBreakEven(share10, offer({ name: 'MG', kind: 'minimum', rate: 0.08, minimum: 30000 }));
    expect(r.first).toBeCloseTo(300000, 6);
    expect(r.last).toBeCloseTo(300000, 6);
  });
  test('10 % share vs 12 % with a recoupable 150,000 advance: the advance acts as a floor, the share never catches up', async () => {
    await expect(sheetBreakEven(share10, offer({ name: 'Adv', kind: 'advance', rate: 0.12, advance: 150000 }))).resolves.toMatchObject({ first: "never", last: "never" });
  });
  test('a 100 upfront fee vs 10 % with a minimum of 200: never', async () => {
    await expect(sheetBreakEven(offer({ name: 'Flat', kind: 'flat', advance: 100, recoupable: false }), offer({ name: 'MG', kind: 'minimum', rate: 0.1, minimum: 200 }))).resolves.toMatchObject({
      first: 'never',
      last: 'never',
    });
  });
  test('max(0.1 R, 100) vs 0.05 R + 60 (a mix with a 60 upfront fee) cross twice: at 800 and 1,200', async () => {
    const r = await sheetBreakEven(offer({ name: 'MG', kind: 'minimum', rate: 0.1, minimum: 100 }), offer({ name: 'Mix', kind: 'mix', rate: 0.05, advance: 60, recoupable: false }));
    expect(r.first).toBeCloseTo(800, 6);
    expect(r.last).toBeCloseTo(1200, 6);
  });
  test('a 2 % levy above 300,000 vs a 1 % share: both pay 0 at 0, and again at 0.02 (R − 300,000) = 0.01 R, R = 600,000', async () => {
    const r = await sheetBreakEven(offer({ name: 'Levy', kind: 'levy', rate: 0.02, exemption: 300000 }), offer({ name: 'Share', kind: 'share', rate: 0.01 }));
    expect(r.first).toBe(0);
    expect(r.last).toBeCloseTo(600000, 6);
  });
  test('two identical offers pay the same from 0 on: first 0, last "unbounded"', async () => {
    await expect(sheetBreakEven(share10, { ...share10, name: 'Same' })).resolves.toMatchObject({ first: 0, last: "unbounded" });
  });
  test('a fee of 0.5 per output (1,000 units: 500) vs a 10 % share: R = 5,000', async () => {
    const r = await sheetBreakEven(offer({ name: 'Fee', kind: 'perOutput', unitFee: 0.5 }), share10);
    expect(r.first).toBeCloseTo(5000, 6);
  });
  test('the verdict in words: where they cross and who pays more above', async () => {
    const r = await sheetBreakEven(share10, offer({ name: 'Flat', kind: 'flat', advance: 50000, recoupable: false }));
    expect(r.verdict).toBe('Share and Flat pay the same at a first-period revenue of 500,000.00; above it, Share pays more.');
    const never = await sheetBreakEven(share10, offer({ name: 'Adv', kind: 'advance', rate: 0.12, advance: 150000 }));
    expect(never.verdict).toBe('Share and Adv never pay the same: Adv always pays more.');
  });
});

describe('break-even with a tiered share (a PURPOSESHARE schedule)', () => {
  const tiered = (mode: 'marginal' | 'bracket', name = 'Tiered') => offer({ name, kind: 'share', schedule: [{ from: 0, rate: 0.05 }, { from: 100000, rate: 0.1 }], scheduleMode: mode });
  const flat = (fee: number) => offer({ name: 'Flat', kind: 'flat', advance: fee, recoupable: false });
  test('marginal 5 % to 100,000 then 10 % vs a 10,000 fee: 5,000 + 0.1 (R − 100,000) = 10,000 at R = 150,000', async () => {
    const r = await sheetBreakEven(tiered('marginal'), flat(10000));
    expect(r.first).toBeCloseTo(150000, 6);
    expect(r.last).toBeCloseTo(150000, 6);
  });
  test('bracket: 0.1 R = 12,000 at R = 120,000, past the jump at 100,000', async () => {
    const r = await sheetBreakEven(tiered('bracket'), flat(12000));
    expect(r.first).toBeCloseTo(120000, 6);
    expect(r.last).toBeCloseTo(120000, 6);
  });
  test('bracket vs a 7,500 fee: the jump from 5,000 to 10,000 at 100,000 steps over it, never the same', async () => {
    const r = await sheetBreakEven(tiered('bracket'), flat(7500));
    expect(r).toEqual({ first: 'never', last: 'never', verdict: 'Tiered and Flat never pay the same: the one that pays more changes where a bracket schedule jumps.' });
  });
  test('a one-slice schedule of 10 % is the 10 % share: the same from 0 on', async () => {
    const one = offer({ name: 'One', kind: 'share', schedule: [{ from: 0, rate: 0.1 }], scheduleMode: 'marginal' });
    await expect(sheetBreakEven(one, offer({ name: 'Share', kind: 'share', rate: 0.1 }))).resolves.toMatchObject({ first: 0, last: 'unbounded' });
  });
  test('an advance recouped from a tiered share with a minimum: max(f(R), 20,000 + 5,000) vs 12 % of R', async () => {
    // f(R) = 5,000 + 0.1 (R − 100,000) reaches 25,000 at 300,000, where 12 % pays 36,000; 0.12 R = 25,000 at 208,333.33.
    const mg = offer({ name: 'MG', kind: 'mix', advance: 20000, minimum: 5000, recoupable: true, schedule: [{ from: 0, rate: 0.05 }, { from: 100000, rate: 0.1 }], scheduleMode: 'marginal' });
    const r = await sheetBreakEven(mg, offer({ name: 'Share', kind: 'share', rate: 0.12 }));
    expect(r.first).toBeCloseTo(25000 / 0.12, 6);
    expect(r.last).toBeCloseTo(25000 / 0.12, 6);
  });
});

const amount = fc.integer({ min: 0, max: 500 }).map((x) => x * 100);
const rate = fc.integer({ min: 0, max: 50 }).map((x) => x / 100);
const plainOffer: fc.Arbitrary<Offer> = fc
  .record({
    kind: fc.constantFrom('share', 'flat', 'advance', 'minimum', 'perOutput', 'levy', 'mix' as const),
    rate,
    advance: amount,
    recoupable: fc.boolean(),
    minimum: amount,
    unitFee: fc.integer({ min: 0, max: 20 }).map((x) => x / 10),
    exemption: amount,
  })
  .map((o) => {
    // The terms each kind uses, the others 0, as the pane's validation makes them.
    const z = { rate: 0, advance: 0, minimum: 0, unitFee: 0, exemption: 0 };
    switch (o.kind) {
      case 'share':
        return offer({ name: 'x', kind: o.kind, rate: o.rate });
      case 'flat':
        return offer({ name: 'x', kind: o.kind, ...z, advance: o.advance, minimum: o.minimum, recoupable: false });
      case 'advance':
        return offer({ name: 'x', kind: o.kind, rate: o.rate, advance: o.advance, recoupable: o.recoupable });
      case 'minimum':
        return offer({ name: 'x', kind: o.kind, rate: o.rate, minimum: o.minimum });
      case 'perOutput':
        return offer({ name: 'x', kind: o.kind, unitFee: o.unitFee });
      case 'levy':
        return offer({ name: 'x', kind: o.kind, rate: o.rate, exemption: o.exemption });
      default:
        return offer({ name: 'x', kind: 'mix', rate: o.rate, advance: o.advance, recoupable: o.recoupable, minimum: o.minimum, unitFee: o.unitFee });
    }
  });

/** A schedule of 1–3 slices from 0, at increasing amounts, marginal or bracket. */
const tiers = fc
  .record({
    starts: fc.uniqueArray(fc.integer({ min: 1, max: 60 }).map((x) => x * 5000), { maxLength: 2 }),
    rates: fc.array(rate, { minLength: 3, maxLength: 3 }),
    mode: fc.constantFrom('marginal' as const, 'bracket' as const),
  })
  .map(({ starts, rates, mode }) => ({ schedule: [0, ...starts.sort((x, y) => x - y)].map((from, i) => ({ from, rate: rates[i] })), scheduleMode: mode }));
const tieredOffer: fc.Arbitrary<Offer> = fc.tuple(plainOffer, tiers).map(([o, t]) =>
  o.kind === 'levy' || o.kind === 'flat' || o.kind === 'perOutput' ? o : { ...o, rate: 0, ...t },
);
const anyOffer: fc.Arbitrary<Offer> = fc.oneof(plainOffer, tieredOffer);

describe('break-even against a brute-force search with the engine', () => {
  test('the sheet’s lowest and highest break-even are roots, with no crossing below or above them; "never" when none', async () => {
    // Kinks lie below (advance + minimum + fees) / 1 % < 2e8, where the grid ends.
    await fc.assert(
      fc.asyncProperty(anyOffer, anyOffer, async (a, b) => {
        const { first, last } = await sheetBreakEven({ ...a, name: 'A' }, { ...b, name: 'B' });
        const bf = scan(a, b);
        const roots = [...bf.crossings, ...bf.zeros].sort((x, y) => x - y);
        if (first === 'never') {
          expect(last).toBe('never');
          expect(roots).toEqual([]);
          return;
        }
        expect(typeof first).toBe('number');
        const f = first as number;
        expect(f).toBeGreaterThanOrEqual(0);
        expect(Math.abs(difference(a, b, f))).toBeLessThanOrEqual(1e-6 * scale(a, b, f));
        if (last === 'unbounded') {
          // The same at every revenue past the kinks: equal at the end of the grid and beyond.
          for (const r of [2e8, 1e9]) expect(Math.abs(difference(a, b, r))).toBeLessThanOrEqual(1e-6 * scale(a, b, r));
          for (const r of roots) expect(r >= f - bf.step || close(r, f)).toBe(true);
          return;
        }
        expect(typeof last).toBe('number');
        const l = last as number;
        expect(l).toBeGreaterThanOrEqual(f);
        // Each is where the engine's payments are equal…
        expect(Math.abs(difference(a, b, l))).toBeLessThanOrEqual(1e-6 * scale(a, b, l));
        // …and the brute force finds no crossing or grid zero below the first or above the last.
        for (const r of roots) {
          expect(r >= f - bf.step || close(r, f)).toBe(true);
          expect(r <= l + bf.step || close(r, l)).toBe(true);
        }
      }),
      { numRuns: 100, seed: 20261203 },
    );
  });

  test('offers whose difference crosses zero: the lowest crossing is the sheet’s break-even', async () => {
    await fc.assert(
      fc.asyncProperty(anyOffer, anyOffer, async (a, b) => {
        const bf = scan(a, b);
        fc.pre(bf.crossings.length > 0 && bf.zeros.length === 0 && difference(a, b, 0) !== 0);
        const { first } = await sheetBreakEven({ ...a, name: 'A' }, { ...b, name: 'B' });
        expect(typeof first).toBe('number');
        expect(close(first as number, bf.crossings[0], 1e-6)).toBe(true);
      }),
      { numRuns: 40, seed: 7 },
    );
  });
});
