/*
 * The sheets the pane writes, computed by spreadsheet engines (paneSheets.ts: LibreOffice for
 * Excel's own formulas and the native forms of TRANSFERBASE, PURPOSESHARE and LICENCEPAYMENTS,
 * our adapters for the other PARTAGE functions): the live formulas give the figures worked out
 * by hand, and when an input changes, the sheet's figures move as they should; the comparison
 * sheet of scenarios too (each column from its own inputs, the differences following the
 * Baseline cell).
 */
import { writeCompareSheet } from '../../src/taskpane/excel/compareSheet';
import { writeDealSheet } from '../../src/taskpane/excel/dealSheet';
import { writePoolSheet } from '../../src/taskpane/excel/poolSheet';
import { writePressSheet } from '../../src/taskpane/excel/pressSheet';
import { saveScenario, writeComparisonSheet } from '../../src/taskpane/scenarios/scenarioStore';
import { sheetNamed, type WorkbookModel } from '../../src/workbook/model';
import { readXlsx, writeXlsx } from '../../src/workbook/xlsxFile';
import { createExcelMock, getSheet, workbookState } from '../taskpane/excelMock';
import { exampleInputs, offer } from '../taskpane/dealFixtures';
import { readmePoolInputs } from '../taskpane/poolFixtures';
import { fehrInputs, tieredInputs } from '../taskpane/pressFixtures';
import { LIBREOFFICE_TIMEOUT_MS, recalculateWithLibreOffice, requireLibreOffice } from './libreoffice';
import { computedByEngines, modelOfMock, valueAt } from './paneSheets';

jest.setTimeout(4 * LIBREOFFICE_TIMEOUT_MS);
beforeAll(() => requireLibreOffice());

const near = (x: unknown, y: number): boolean => typeof x === 'number' && Math.abs(x - y) <= 1e-6 * Math.max(1, Math.abs(y));

/** LibreOffice again, after an input of the computed copy was changed. */
async function recalculated(model: WorkbookModel): Promise<WorkbookModel> {
  return readXlsx(await recalculateWithLibreOffice(await writeXlsx(model)));
}

describe('the deal comparison sheet', () => {
  // The catalogue example with a tiered share (8 % to 500k, 10 % to 1M, 12 % above) before the levy.
  const inputs = exampleInputs();
  inputs.offers.splice(5, 0, offer({ name: 'Tiered', kind: 'share', schedule: [{ from: 0, rate: 0.08 }, { from: 500000, rate: 0.1 }, { from: 1000000, rate: 0.12 }], scheduleMode: 'marginal' }));
  // Base scenario, by hand (revenue 400k, 600k, 800k, 950k, 1.1M; units 30M…80M).
  const BASE: number[][] = [
    [40000, 60000, 80000, 95000, 110000],
    [250000, 0, 0, 0, 0],
    [150000, 0, 66000, 114000, 132000],
    [60000, 60000, 64000, 76000, 88000],
    [60000, 90000, 120000, 140000, 160000],
    [32000, 50000, 70000, 85000, 102000],
    // The levy: 2 % of 100k, 300k, 500k, 650k, 800k above the 300k exemption.
    [2000, 6000, 10000, 13000, 16000],
  ];
  const columns = ['B', 'C', 'D', 'E', 'F', 'G', 'H'];

  test('payments, totals, NPV, cumulative payments and the break-even, computed by LibreOffice on the native formulas', async () => {
    const mock = createExcelMock(workbookState('Data'));
    const { sheetName, plan } = await writeDealSheet(mock.context, inputs, { sourceNotes: 'notes' });
    const computed = await computedByEngines(modelOfMock(mock.state));
    const at = (a: string) => valueAt(computed, sheetName, a);
    const { first, total, npv } = plan.blocks.base;
    BASE.forEach((payments, k) => {
      payments.forEach((p, t) => expect([`${columns[k]}${first + t}`, near(at(`${columns[k]}${first + t}`), p)]).toEqual([`${columns[k]}${first + t}`, true]));
      expect(near(at(`${columns[k]}${total}`), payments.reduce((s, x) => s + x, 0))).toBe(true);
      // Excel's NPV: the first payment discounted once, at 8 %.
      expect(near(at(`${columns[k]}${npv}`), payments.reduce((s, x, t) => s + x / 1.08 ** (t + 1), 0))).toBe(true);
    });
    expect(near(at(`C${plan.cumulative.last}`), 250000)).toBe(true);
    expect(near(at(`D${plan.cumulative.first + 2}`), 216000)).toBe(true);
    // 10 % of R = the 250k upfront fee at R = 2.5M; above it the share pays more.
    expect(near(at(plan.breakEven.first), 2500000)).toBe(true);
    expect(at(plan.breakEven.verdict)).toBe('Revenue share 10 % and Flat fee pay the same at a first-period revenue of 2,500,000.00; above it, Revenue share 10 % pays more.');
  });

  test('a revenue of the forecast changed: the payments, totals and the chart’s cumulative sums follow', async () => {
    const mock = createExcelMock(workbookState('Data'));
    const { sheetName, plan } = await writeDealSheet(mock.context, inputs, { sourceNotes: 'notes' });
    const computed = await computedByEngines(modelOfMock(mock.state));
    // 2027 base revenue 400k → 500k (C7).
    sheetNamed(computed, sheetName)!.cells.get('C7')!.value = 500000;
    const moved = await recalculated(computed);
    const at = (a: string) => valueAt(moved, sheetName, a);
    const { first, total } = plan.blocks.base;
    expect(near(at(`B${first}`), 50000)).toBe(true);
    expect(near(at(`B${total}`), 395000)).toBe(true);
    // The advance is recouped all the same: the 12 % offer's total is 12 % of the revenue, 474k.
    expect(near(at(`D${total}`), 474000)).toBe(true);
    // The tiered share: 8 % of 500k = 40k in 2027.
    expect(near(at(`G${first}`), 40000)).toBe(true);
    expect(near(at(`B${plan.cumulative.last}`), 395000)).toBe(true);
  });
});

describe('the press sheet', () => {
  test('the report’s case: transfer base 385 M, 154 M to the press, and the sensitivity table', async () => {
    const mock = createExcelMock(workbookState('Data'));
    const { sheetName } = await writePressSheet(mock.context, fehrInputs(), { sourceNotes: 'notes' });
    const computed = await computedByEngines(modelOfMock(mock.state));
    const at = (a: string) => valueAt(computed, sheetName, a);
    expect(near(at('B18'), 385e6)).toBe(true);
    expect(near(at('B19'), 154e6)).toBe(true);
    expect(near(at('B20'), 0.154)).toBe(true);
    // Revenue −20 %: 800 M × 0.55 × 0.7 × 0.4 = 123.2 M; +20 %: 184.8 M; the swing 61.6 M.
    expect(near(at('C24'), 123.2e6)).toBe(true);
    expect(near(at('F24'), 184.8e6)).toBe(true);
    expect(near(at('G24'), -30.8e6)).toBe(true);
    expect(near(at('I24'), 61.6e6)).toBe(true);
    // The split at +10 %: 385 M × 0.44.
    expect(near(at('E27'), 169.4e6)).toBe(true);
  });

  test('lines with deductions and a purpose schedule with a minimum: 118 M, then 2.5 M + 8 % of 68 M', async () => {
    const mock = createExcelMock(workbookState('Data'));
    const { sheetName } = await writePressSheet(mock.context, tieredInputs(), { sourceNotes: 'notes' });
    const model = modelOfMock(mock.state);
    const computed = await computedByEngines(model);
    const named = (n: string) => {
      const ref = model.names.find((x) => x.name === n && x.scope === sheetName)!.ref;
      return valueAt(computed, sheetName, ref.split('!').pop()!.replace(/\$/g, ''));
    };
    // (800 M − 80 M) × 0.3 × 0.5 + 200 M × 0.1 × 0.5.
    expect(near(named('TransferBase'), 118e6)).toBe(true);
    expect(near(named('AmountToCulture'), 7.94e6)).toBe(true);
  });
});

describe('the comparison of scenarios', () => {
  test('two deal scenarios: each column’s totals from its own inputs, the differences against the Baseline cell, which can be changed', async () => {
    const mock = createExcelMock(workbookState('Data'));
    await writeDealSheet(mock.context, exampleInputs(), { sourceNotes: 'notes' });
    await saveScenario(mock.context, 'Deals 1', 'our offer');
    // Their offer: a 12 % share (B19 is Offer1_Rate).
    getSheet(mock.state, 'Deals 1').cells.get('B19')!.value = 0.12;
    await saveScenario(mock.context, 'Deals 1', 'their offer');
    const { sheetName } = await writeComparisonSheet(mock.context, 'Deals 1', 'our offer', 'notes');
    const computed = await computedByEngines(modelOfMock(mock.state));
    const sheet = sheetNamed(computed, sheetName)!;
    const rowOf = (label: string, after = 0): number => {
      for (const [a, c] of sheet.cells) if (a.startsWith('A') && c.value === label && Number(a.slice(1)) > after) return Number(a.slice(1));
      throw new Error(`no row ${label}`);
    };
    const total = rowOf('Revenue share 10 %: total, base');
    // 10 % and 12 % of the base forecast's 3.85 M.
    expect([valueAt(computed, sheetName, `B${total}`), valueAt(computed, sheetName, `C${total}`)]).toEqual([385000, 462000]);
    const flat = rowOf('Flat fee: total, base');
    expect([valueAt(computed, sheetName, `B${flat}`), valueAt(computed, sheetName, `C${flat}`)]).toEqual([250000, 250000]);
    const difference = rowOf('Revenue share 10 %: total, base', total);
    expect(near(valueAt(computed, sheetName, `B${difference}`), 0)).toBe(true);
    expect(near(valueAt(computed, sheetName, `C${difference}`), 77000)).toBe(true);
    // The other side's offer as baseline: the differences turn round.
    sheet.cells.get('B3')!.value = 'their offer';
    const moved = await recalculated(computed);
    expect(near(valueAt(moved, sheetName, `B${difference}`), -77000)).toBe(true);
    expect(near(valueAt(moved, sheetName, `C${difference}`), 0)).toBe(true);
  });

  test('two press scenarios: the transfer base and the amount of each column by native formulas, live', async () => {
    const mock = createExcelMock(workbookState('Data'));
    await writePressSheet(mock.context, fehrInputs(), { sourceNotes: 'notes' });
    await saveScenario(mock.context, 'Press 1', 'report');
    // The split raised to 50 % (B13 is SplitRate).
    getSheet(mock.state, 'Press 1').cells.get('B13')!.value = 0.5;
    await saveScenario(mock.context, 'Press 1', 'publishers');
    const { sheetName } = await writeComparisonSheet(mock.context, 'Press 1', 'report', 'notes');
    const computed = await computedByEngines(modelOfMock(mock.state));
    const sheet = sheetNamed(computed, sheetName)!;
    const find = (label: string, after = 0): number => Number([...sheet.cells].find(([a, c]) => a.startsWith('A') && c.value === label && Number(a.slice(1)) > after)![0].slice(1));
    const base = find('Transfer base (A)');
    const amount = find('Amount to culture (P)');
    expect(['B', 'C'].map((c) => near(valueAt(computed, sheetName, `${c}${base}`), 385e6))).toEqual([true, true]);
    expect(['B', 'C'].map((c) => valueAt(computed, sheetName, `${c}${amount}`))).toEqual([154e6, 192.5e6]);
    expect(near(valueAt(computed, sheetName, `C${find('Amount to culture (P)', amount)}`), 38.5e6)).toBe(true);
    // The link share of the second column lowered to 50 %: LibreOffice recomputes its native formulas.
    const link = find('Share linked to the works');
    sheet.cells.get(`C${link}`)!.value = 0.5;
    const moved = await recalculated(computed);
    expect(near(valueAt(moved, sheetName, `C${base}`), 350e6)).toBe(true);
    expect(near(valueAt(moved, sheetName, `C${amount}`), 175e6)).toBe(true);
  });
});

/** The cells a sheet-scoped name covers, as addresses. */
function namedCells(model: WorkbookModel, sheet: string, name: string): string[] {
  const ref = model.names.find((n) => n.name === name && n.scope === sheet)!.ref;
  const [from, to = from] = ref.split('!').pop()!.replace(/\$/g, '').split(':');
  const column = from.replace(/\d+$/, '');
  const [r1, r2] = [Number(from.replace(/^[A-Z]+/, '')), Number(to.replace(/^[A-Z]+/, ''))];
  return from.replace(/\d+$/, '') === to.replace(/\d+$/, '') ? Array.from({ length: r2 - r1 + 1 }, (_, k) => `${column}${r1 + k}`) : [from];
}

describe('the pool distribution sheet', () => {
  test('the README’s log with the threshold {5, 2}: the three models, each holder’s gain or loss, the biggest winner', async () => {
    const mock = createExcelMock(workbookState('Data'));
    const { sheetName, plan } = await writePoolSheet(mock.context, readmePoolInputs(), ['A', 'B', 'C'], { sourceNotes: 'notes' });
    const model = modelOfMock(mock.state);
    const computed = await computedByEngines(model);
    const column = (name: string) => namedCells(model, sheetName, name).map((a) => valueAt(computed, sheetName, a));
    // Market: C (1 play, 1 user) is out, 7 : 12. User-centric: U1, U2, U3 carry 100/3 each: A 100/3 × (6/8 + 1), B 100/3 × (2/8 + 1).
    // Artist-centric (README): 40.91, 54.55, 4.54.
    expect(column('Market')).toEqual([36.84, 63.16, 0]);
    expect(column('UserCentric')).toEqual([58.33, 41.67, 0]);
    expect(column('ArtistCentric')).toEqual([40.91, 54.55, 4.54]);
    expect(column('UserGain').map((x) => Number((x as number).toFixed(2)))).toEqual([21.49, -21.49, 0]);
    expect(column('ArtistGain').map((x) => Number((x as number).toFixed(2)))).toEqual([4.07, -8.61, 4.54]);
    expect(valueAt(computed, sheetName, `B${plan.table.total}`)).toBe(100);
    // The biggest winner of user-centric against market-centric, by MAX and MATCH.
    const winner = valueAt(computed, sheetName, `B${plan.winners.winnerRow}`);
    expect(String(winner)).toMatch(/^A\b/);
  });
});

describe('the compare-methods sheet', () => {
  test('the report’s Box 3: Shapley 45, 30, 25; pro rata of the stand-alone values; the empty core shows in the verdicts', async () => {
    const mock = createExcelMock(workbookState('Data'));
    const { sheetName, plan } = await writeCompareSheet(mock.context, { title: 'Box 3', source: 'Box 3', players: ['A', 'B', 'C'], values: [0, 50, 40, 80, 30, 80, 60, 100] }, { sourceNotes: 'notes' });
    const computed = await computedByEngines(modelOfMock(mock.state));
    const values = (range: string) => {
      const [from, to] = range.split(':');
      const column = from.replace(/\d+$/, '');
      return Array.from({ length: Number(to.slice(column.length)) - Number(from.slice(column.length)) + 1 }, (_, k) => valueAt(computed, sheetName, `${column}${Number(from.slice(column.length)) + k}`) as number);
    };
    const method = (m: string) => plan.methodRanges.find((r) => r.method === m)!;
    expect(values(method('shapley').range).map((x) => Number(x.toFixed(9)))).toEqual([45, 30, 25]);
    // v(N) × v({i}) / Σ v({j}) = 100 × 50, 40, 30 / 120.
    expect(values(method('proRata').range).map((x) => Number(x.toFixed(9)))).toEqual([41.666666667, 33.333333333, 25]);
    // Shapley: {A,C} (80 − 70) and {B} (40 − 30) both gain 10; no split of 100 is stable (v(A) + v(B) + v(C) = 120).
    expect(valueAt(computed, sheetName, method('shapley').excess)).toBeCloseTo(10, 9);
    expect(String(valueAt(computed, sheetName, method('shapley').verdict))).toMatch(/ would gain 10 alone$/);
    for (const m of plan.methodRanges) expect([m.method, valueAt(computed, sheetName, m.verdict)]).not.toEqual([m.method, 'stable']);
  });
});
