/*
 * The copy for the other side, recalculated by a real spreadsheet engine (LibreOffice headless,
 * every formula recomputed on loading): every native formula gives the engine's value. The
 * copy's cached values are blanked before LibreOffice opens it, so that what it saves is its
 * own computation. Cases: the hand-worked workbook of fixtures.ts, and random LICENCEPAYMENTS,
 * PURPOSESHARE and TRANSFERBASE calls (fast-check) whose expected values are our functions'
 * own (the adapters Excel calls), each case a block of one sheet, one LibreOffice run for all.
 * Also the evaluator `verify` uses, against LibreOffice on the formulas it claims to evaluate.
 */
import fc from 'fast-check';
import { callFunction, FUNCTIONS } from '../../src/functions/registry';
import { makeCopy } from '../../src/workbook/copy';
import { evaluateFormula } from '../../src/workbook/evaluate';
import { sheetNamed, type CellValue, type ModelCell, type WorkbookModel } from '../../src/workbook/model';
import { readXlsx, writeXlsx } from '../../src/workbook/xlsxFile';
import { ADVANCE_PAYMENTS, LEVY_PAYMENTS, MINIMUM_PAYMENTS, negotiationWorkbook } from './fixtures';
import { LIBREOFFICE_TIMEOUT_MS, recalculateWithLibreOffice, requireLibreOffice } from './libreoffice';

jest.setTimeout(2 * LIBREOFFICE_TIMEOUT_MS);

const close = (a: unknown, b: number): boolean => typeof a === 'number' && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

/** The copy with every formula's cached value blanked, through LibreOffice, read back. */
async function copiedAndRecalculated(model: WorkbookModel): Promise<WorkbookModel> {
  const { model: copy } = await makeCopy(model);
  for (const sheet of copy.sheets) for (const cell of sheet.cells.values()) if (cell.formula !== undefined) cell.value = null;
  return readXlsx(await recalculateWithLibreOffice(await writeXlsx(copy)));
}

beforeAll(() => requireLibreOffice());

describe('the copy in LibreOffice', () => {
  test('the hand-worked workbook: every native formula gives the figure worked out by hand', async () => {
    const back = await copiedAndRecalculated(negotiationWorkbook());
    const value = (sheet: string, address: string): CellValue | undefined => sheetNamed(back, sheet)!.cells.get(address)?.value;
    const press: [string, number][] = [
      ['B4', 385000000],
      ['B6', 154000000],
      ['B12', 67000000],
      ['B13', 77000000],
      ['B14', 115500000],
      ['B16', 20000000],
    ];
    for (const [a, expected] of press) expect([a, close(value('Press', a), expected)]).toEqual([a, true]);
    for (const [column, payments] of [['B', ADVANCE_PAYMENTS], ['C', MINIMUM_PAYMENTS], ['D', LEVY_PAYMENTS]] as const) {
      payments.forEach((p, t) => expect([`${column}${10 + t}`, close(value('Deals', `${column}${10 + t}`), p)]).toEqual([`${column}${10 + t}`, true]));
    }
    // Excel's own SUM over the native payments, and the SHAPLEY values kept as values.
    expect(value('Deals', 'B15')).toBe(462000);
    expect([value('Shapley', 'D2'), value('Shapley', 'E2'), value('Shapley', 'E3')]).toEqual(['A', 45, 35]);
    // The formulas are native: nothing of partage is left outside the About sheet.
    for (const sheet of back.sheets.filter((s) => s.name !== 'About these figures')) {
      for (const cell of sheet.cells.values()) expect(cell.formula ?? '').not.toMatch(/PARTAGE/i);
    }
    // The copy's inputs stay live: the bracket mode cell and the names are there.
    expect(back.names.find((n) => n.name === 'Mode')).toMatchObject({ scope: 'Press' });
  });

  test('random LICENCEPAYMENTS, PURPOSESHARE and TRANSFERBASE calls: the native formulas give the functions’ values', async () => {
    const cells = new Map<string, ModelCell>();
    const put = (address: string, value: CellValue, formula?: string, arrayRef?: string): void => {
      cells.set(address, { value, ...(formula ? { formula } : {}), ...(arrayRef ? { arrayRef } : {}) });
    };
    const expected: { address: string; value: number }[] = [];
    const money = fc.integer({ min: 0, max: 2_000_000 }).map((x) => x / 4);
    const rate = fc.integer({ min: 0, max: 40 }).map((x) => x / 100);
    const licence = fc.record({
      revenue: fc.array(money, { minLength: 1, maxLength: 8 }),
      perPeriodRate: fc.boolean(),
      rates: fc.array(rate, { minLength: 8, maxLength: 8 }),
      advance: fc.option(money, { nil: undefined }),
      minimum: fc.option(fc.integer({ min: 0, max: 100000 }), { nil: undefined }),
      fee: fc.option(fc.integer({ min: 0, max: 20 }).map((x) => x / 1000), { nil: undefined }),
      units: fc.array(fc.integer({ min: 0, max: 5_000_000 }), { minLength: 8, maxLength: 8 }),
      recoupable: fc.option(fc.boolean(), { nil: undefined }),
    });
    let row = 1;
    for (const c of fc.sample(licence, { numRuns: 30, seed: 20261204 })) {
      const T = c.revenue.length;
      const col = (letter: string, xs: number[]): string => {
        xs.forEach((x, t) => put(`${letter}${row + t}`, x));
        return `${letter}${row}:${letter}${row + T - 1}`;
      };
      const revenue = col('A', c.revenue);
      const rateRef = c.perPeriodRate ? col('B', c.rates.slice(0, T)) : (put(`B${row}`, c.rates[0]), `B${row}`);
      const scalar = (letter: string, x: number | boolean | undefined): string => (x === undefined ? '' : (put(`${letter}${row}`, x), `${letter}${row}`));
      const advance = scalar('C', c.advance);
      const minimum = scalar('D', c.minimum);
      const fee = scalar('E', c.fee);
      const units = c.fee === undefined ? '' : col('F', c.units.slice(0, T));
      const recoupable = scalar('G', c.recoupable);
      const args = [revenue, rateRef, advance, minimum, fee, units, recoupable];
      while (args.length > 2 && args[args.length - 1] === '') args.pop();
      const grid = (ref: string): CellValue[][] | undefined => {
        if (ref === '') return undefined;
        const [a, b = a] = ref.split(':');
        const letter = a[0];
        const [r1, r2] = [Number(a.slice(1)), Number(b.slice(1))];
        return Array.from({ length: r2 - r1 + 1 }, (_, k) => [cells.get(`${letter}${r1 + k}`)!.value]);
      };
      const payments = callFunction(FUNCTIONS.LICENCEPAYMENTS, args.map(grid)) as number[][];
      payments.forEach(([p], t) => {
        put(`H${row + t}`, p, t === 0 ? `=_xldudf_PARTAGE_LICENCEPAYMENTS(${args.join(',')})` : undefined, t === 0 ? `H${row}:H${row + T - 1}` : undefined);
        expected.push({ address: `H${row + t}`, value: p });
      });
      row += 10;
    }
    const schedule = fc.record({
      base: money,
      purposes: fc.uniqueArray(fc.constantFrom(1, 2, 3), { minLength: 1, maxLength: 3 }),
      slices: fc.array(fc.tuple(fc.uniqueArray(fc.integer({ min: 1, max: 400 }).map((x) => x * 1000), { maxLength: 3 }), fc.array(rate, { minLength: 4, maxLength: 4 })), { minLength: 3, maxLength: 3 }),
      byName: fc.boolean(),
      mode: fc.constantFrom(undefined, 'marginal', 'bracket'),
      minimum: fc.option(fc.integer({ min: 0, max: 50000 }), { nil: undefined }),
    });
    for (const c of fc.sample(schedule, { numRuns: 30, seed: 7 })) {
      put(`A${row}`, c.base);
      const purpose = c.purposes[0];
      put(`B${row}`, c.byName ? ['generalist', 'specialised', 'competing'][purpose - 1] : purpose);
      put(`C${row}`, 'Purpose');
      put(`D${row}`, 'From');
      put(`E${row}`, 'Rate');
      let r = row + 1;
      c.purposes.forEach((p, i) => {
        const [starts, rates] = c.slices[i];
        [0, ...[...starts].sort((x, y) => x - y)].forEach((from, j) => {
          put(`C${r}`, p);
          put(`D${r}`, from);
          put(`E${r}`, rates[j]);
          r++;
        });
      });
      const scheduleRef = `C${row}:E${r - 1}`;
      if (c.mode !== undefined) put(`F${row}`, c.mode);
      if (c.minimum !== undefined) put(`G${row}`, c.minimum);
      const args = [`A${row}`, `B${row}`, scheduleRef, c.minimum !== undefined ? `G${row}` : '', c.mode !== undefined ? `F${row}` : ''];
      while (args[args.length - 1] === '') args.pop();
      const table: CellValue[][] = [];
      for (let k = row; k < r; k++) table.push(['C', 'D', 'E'].map((l) => cells.get(`${l}${k}`)!.value));
      const value = callFunction(FUNCTIONS.PURPOSESHARE, [[[c.base]], [[cells.get(`B${row}`)!.value]], table, c.minimum !== undefined ? [[c.minimum]] : undefined, c.mode !== undefined ? [[c.mode]] : undefined]) as number;
      put(`H${row}`, value, `=_xldudf_PARTAGE_PURPOSESHARE(${args.join(',')})`);
      expected.push({ address: `H${row}`, value });
      row = r + 1;
    }
    const transfer = fc.record({
      revenue: fc.array(money, { minLength: 1, maxLength: 5 }),
      link: fc.array(rate, { minLength: 5, maxLength: 5 }),
      counterfactual: rate,
      deductions: fc.option(fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 5, maxLength: 5 }), { nil: undefined }),
    });
    for (const c of fc.sample(transfer, { numRuns: 15, seed: 11 })) {
      const T = c.revenue.length;
      c.revenue.forEach((x, t) => put(`A${row + t}`, x));
      c.link.slice(0, T).forEach((x, t) => put(`B${row + t}`, x));
      put(`C${row}`, c.counterfactual);
      c.deductions?.slice(0, T).forEach((x, t) => put(`D${row + t}`, Math.min(x, c.revenue[t])));
      const last = row + T - 1;
      const args = [`A${row}:A${last}`, `B${row}:B${last}`, `C${row}`, ...(c.deductions ? [`D${row}:D${last}`] : [])];
      const column = (l: string): CellValue[][] => Array.from({ length: T }, (_, t) => [cells.get(`${l}${row + t}`)!.value]);
      const value = callFunction(FUNCTIONS.TRANSFERBASE, [column('A'), column('B'), [[c.counterfactual]], c.deductions ? column('D') : undefined]) as number;
      put(`H${row}`, value, `=_xldudf_PARTAGE_TRANSFERBASE(${args.join(',')})`);
      expected.push({ address: `H${row}`, value });
      row += 7;
    }
    const back = await copiedAndRecalculated({ sheets: [{ name: 'Random', cells }], names: [] });
    const sheet = sheetNamed(back, 'Random')!;
    const wrong = expected.filter((e) => !close(sheet.cells.get(e.address)?.value, e.value)).map((e) => `${e.address}: LibreOffice ${JSON.stringify(sheet.cells.get(e.address)?.value)}, partage ${e.value} (${cells.get(e.address)?.formula ?? ''})`);
    expect(wrong).toEqual([]);
    expect(expected.length).toBeGreaterThan(100);
  });
});

describe('the evaluator of verify, against LibreOffice', () => {
  test('each formula it evaluates gives LibreOffice’s value, on LibreOffice’s inputs', async () => {
    const cells = new Map<string, ModelCell>();
    const inputs: [string, CellValue][] = [
      ['A1', 2],
      ['A2', -3.5],
      ['A3', 10],
      ['B1', 4],
      ['B2', 0],
      ['B3', 'text'],
      ['C1', true],
    ];
    for (const [a, v] of inputs) cells.set(a, { value: v });
    const formulas: [string, string, string?][] = [
      ['D1', '=A1*2+B1'],
      ['D2', '=IF(A1>B1,"yes","no")'],
      ['D3', '=SUM(A1:A3,1)'],
      ['D4', '=MIN(A1:A3,5)'],
      ['D5', '=MAX(A1:B3)'],
      ['D6', '=ROUND(A2/3,2)'],
      ['D7', '=ABS(A2)+ROUND(-2.5,0)'],
      ['D8', '=AND(A1>0,A2<0)'],
      ['D9', '=NOT(C1)'],
      ['D10', '=INDEX(A1:A3,2)'],
      ['D11', '="x"&A1&B3'],
      ['D12', '=-A1^2'],
      ['D13', '=5%*A3'],
      ['D14', '=A1/B2'],
      ['D15', '=OR(B2,C1)'],
      ['D16', '=A3-A1*A2^2/4'],
      ['D17', '=B3>A1'],
      ['D18', '=IF(B2,1,2)+TRUE'],
      ['D19', '=NPV(0.08,A1:A3,5)'],
      ['E1', '=IF(A1:A3>1,A1:A3-1,0)', 'E1:E3'],
      ['F1', '=A1:A3*B1:B3', 'F1:F3'],
      ['G1', '=TRANSPOSE(A1:A3)', 'G1:I1'],
      ['G2', '=A1:A3+{1,2}', 'G2:H4'],
      ['J1', '=IF(ROW(A1:A3)=ROW(A2),A1:A3*10,A1:A3)', 'J1:J3'],
      ['K1', '=(ROW(A1:B3)=ROW(A3))*(COLUMN(A1:B3)=COLUMN(B3))', 'K1:L3'],
    ];
    for (const [a, f, ref] of formulas) cells.set(a, { value: null, formula: f, ...(ref ? { arrayRef: ref } : {}) });
    const back = readXlsx(await recalculateWithLibreOffice(await writeXlsx({ sheets: [{ name: 'S', cells }], names: [] })));
    const model = await back;
    const sheet = sheetNamed(model, 'S')!;
    for (const [a, f, ref] of formulas) {
      const ours = await evaluateFormula(f, { model, sheet: 'S' });
      const box = ref ?? a;
      const [from, to = from] = box.split(':');
      const col0 = from.charCodeAt(0);
      const row0 = Number(from.slice(1));
      const theirs = Array.from({ length: Number(to.slice(1)) - row0 + 1 }, (_, r) =>
        Array.from({ length: to.charCodeAt(0) - col0 + 1 }, (_, c) => sheet.cells.get(`${String.fromCharCode(col0 + c)}${row0 + r}`)?.value ?? null),
      );
      // Numbers to 12 significant digits: the two engines may sum in another order.
      const rounded = (m: unknown[][]) => m.map((row) => row.map((v) => (typeof v === 'number' ? Number(v.toPrecision(12)) : v)));
      expect([f, rounded(ours)]).toEqual([f, rounded(theirs)]);
    }
  });
});
