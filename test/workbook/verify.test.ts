/*
 * `verify` on workbooks made here (fixtures.ts: saved values worked out by hand): untouched, a
 * figure edited by hand, an input edited after the fact, a missing input, a formula it does not
 * know; the same through a real .xlsx written with ExcelJS the way Excel writes it (`_xldudf_`
 * names, array formulas, sheet-scoped names); and a copy for the other side, through its About
 * sheet and digests.
 */
import { createHash } from 'node:crypto';
import { makeCopy } from '../../src/workbook/copy';
import { sheetNamed, type WorkbookModel } from '../../src/workbook/model';
import { verifyWorkbook, type FigureReport } from '../../src/workbook/verify';
import { readXlsx, writeXlsx } from '../../src/workbook/xlsxFile';
import { negotiationWorkbook } from './fixtures';

const FIGURES = ['Press!B4', 'Press!B6', 'Press!B12', 'Press!B13', 'Press!B14', 'Press!B16', 'Deals!B10:B14', 'Deals!C10:C14', 'Deals!D10:D14', 'Shapley!D2:E3'];

const verdicts = (figures: FigureReport[]): Record<string, string> => Object.fromEntries(figures.map((f) => [f.where, f.verdict]));
const byPlace = (figures: FigureReport[], where: string): FigureReport => figures.find((f) => f.where === where)!;
const setValue = (model: WorkbookModel, sheet: string, address: string, value: number): void => {
  sheetNamed(model, sheet)!.cells.get(address)!.value = value;
};

describe('partage verify, on a workbook with partage formulas', () => {
  test('untouched: every figure matches, recomputed from the inputs in the file', async () => {
    const report = await verifyWorkbook(negotiationWorkbook());
    expect(report.kind).toBe('original');
    expect(report.figures.map((f) => f.where)).toEqual(FIGURES);
    expect(report.figures.every((f) => f.verdict === 'matches')).toBe(true);
    expect(report.allMatch).toBe(true);
    expect(byPlace(report.figures, 'Deals!B10:B14')).toMatchObject({ functions: 'PARTAGE.LICENCEPAYMENTS', detail: '5 values recomputed from the inputs in the file' });
  });

  test('saved as a real .xlsx (ExcelJS, _xldudf_ names, array formulas, sheet-scoped names) and read back: the same', async () => {
    const model = await readXlsx(await writeXlsx(negotiationWorkbook()));
    expect(sheetNamed(model, 'Deals')!.cells.get('B10')).toMatchObject({ formula: '=_xldudf_PARTAGE_LICENCEPAYMENTS(RevenueBase,Rate,Advance)', arrayRef: 'B10:B14', value: 150000 });
    // A payment of 0 is a saved value like any other (ExcelJS alone drops it).
    expect(sheetNamed(model, 'Deals')!.cells.get('B11')?.value).toBe(0);
    expect(model.names.filter((n) => n.name === 'Rate').map((n) => n.scope).sort()).toEqual(['Deals', 'Press']);
    const report = await verifyWorkbook(model);
    expect(report.allMatch).toBe(true);
    expect(report.figures).toHaveLength(FIGURES.length);
  });

  test('a figure edited by hand differs, by how much and where; the others still match', async () => {
    const model = negotiationWorkbook();
    setValue(model, 'Shapley', 'E2', 47);
    const report = await verifyWorkbook(model);
    expect(report.allMatch).toBe(false);
    expect(byPlace(report.figures, 'Shapley!D2:E3')).toEqual({
      where: 'Shapley!D2:E3',
      functions: 'PARTAGE.SHAPLEY',
      verdict: 'differs',
      detail: 'differs by up to 2 (E2: the file shows 47, the inputs give 45)',
      difference: 2,
    });
    expect(Object.values(verdicts(report.figures)).filter((v) => v === 'matches')).toHaveLength(FIGURES.length - 1);
  });

  test('an input edited after the fact: the figures computed from it differ', async () => {
    const model = negotiationWorkbook();
    // 2028's revenue 600k → 650k, the payments not recomputed: 12 % is 78k, so 48k + 78k + 24k recoup the advance.
    setValue(model, 'Deals', 'B3', 650000);
    const report = await verifyWorkbook(model);
    expect(verdicts(report.figures)).toMatchObject({ 'Deals!B10:B14': 'differs', 'Deals!C10:C14': 'matches', 'Deals!D10:D14': 'differs', 'Press!B4': 'matches', 'Shapley!D2:E3': 'matches' });
    expect(byPlace(report.figures, 'Deals!B10:B14').detail).toBe('differs by up to 6000 (B12: the file shows 66000, the inputs give 72000)');
    // The 8 % share: 52k, still under the 60k minimum: unchanged; the levy: 2 % of 350k.
    expect(byPlace(report.figures, 'Deals!D10:D14').detail).toBe('differs by up to 1000 (D11: the file shows 6000, the inputs give 7000)');
  });

  test('a missing input: not checkable, naming it', async () => {
    const model = negotiationWorkbook();
    model.names = model.names.filter((n) => n.name !== 'Advance');
    const report = await verifyWorkbook(model);
    expect(byPlace(report.figures, 'Deals!B10:B14')).toMatchObject({ verdict: 'not checkable', detail: 'the name Advance is not defined in the file' });
    expect(report.allMatch).toBe(false);
  });

  test('a formula the tool does not know: not checkable, naming the function', async () => {
    const model = negotiationWorkbook();
    sheetNamed(model, 'Press')!.cells.get('B4')!.formula = '=_xldudf_PARTAGE_TRANSFERBASE(OFFSET(Revenue,0,0),LinkShare,CounterfactualShare)';
    const report = await verifyWorkbook(model);
    expect(byPlace(report.figures, 'Press!B4')).toMatchObject({ verdict: 'not checkable', detail: 'uses OFFSET, which partage verify does not evaluate' });
  });

  test('inputs that no longer make a complete table: the result (#VALUE!) has not the shape the file holds', async () => {
    const model = negotiationWorkbook();
    const shapley = sheetNamed(model, 'Shapley')!;
    shapley.cells.set('A5', { value: 'C' });
    shapley.cells.set('B5', { value: 10 });
    shapley.cells.get('D2')!.formula = '=_xldudf_PARTAGE_SHAPLEY(A2:A5,B2:B5)';
    const report = await verifyWorkbook(model);
    // A, B, A,B and C is not a complete table over three players: #VALUE! against the file's 2 × 2 values.
    expect(byPlace(report.figures, 'Shapley!D2:E3')).toMatchObject({ verdict: 'differs', detail: 'the file holds 2×2 values, the inputs give 1×1' });
  });
});

describe('partage verify, on a copy for the other side', () => {
  test('the copy: native formulas for TRANSFERBASE, PURPOSESHARE and LICENCEPAYMENTS, values for SHAPLEY; every figure matches, digests checked', async () => {
    const { model, figures } = await makeCopy(negotiationWorkbook());
    expect(figures.map((f) => [`${f.figure.sheet}!${f.figure.range}`, f.inCopy])).toEqual([
      ...FIGURES.slice(0, -1).map((w) => [w, 'native formula']),
      ['Shapley!D2:E3', 'values (Excel has no function equivalent to PARTAGE.SHAPLEY)'],
    ]);
    const report = await verifyWorkbook(await readXlsx(await writeXlsx(model)));
    expect(report.kind).toBe('copy');
    expect(report.figures.map((f) => [f.where, f.verdict])).toEqual(FIGURES.map((w) => [w, 'matches']));
    expect(report.figures[0].detail).toBe('recomputed from the inputs in the file; digest checked');
  });

  test('an input of the copy changed: its figures differ, the digest says the inputs are no longer those', async () => {
    const { model } = await makeCopy(negotiationWorkbook());
    setValue(model, 'Press', 'B2', 0.6);
    const report = await verifyWorkbook(model);
    const base = byPlace(report.figures, 'Press!B4');
    expect(base.verdict).toBe('differs');
    expect(base.detail).toMatch(/^its inputs are no longer those the figure was computed from \(digest [0-9a-f]{12}…, the About sheet says [0-9a-f]{12}…\); differs by up to 35000000 \(B4: the file shows 385000000, the inputs give 420000000\)$/);
    expect(byPlace(report.figures, 'Deals!B10:B14').verdict).toBe('matches');
  });

  test('a value of the copy edited by hand differs, its digest still checked', async () => {
    const { model } = await makeCopy(negotiationWorkbook());
    setValue(model, 'Shapley', 'E3', 30);
    const report = await verifyWorkbook(model);
    expect(byPlace(report.figures, 'Shapley!D2:E3')).toMatchObject({ verdict: 'differs', detail: 'differs by up to 5 (E3: the file shows 30, the inputs give 35)' });
  });

  test('a copy of a copy is refused', async () => {
    const { model } = await makeCopy(negotiationWorkbook());
    await expect(makeCopy(model)).rejects.toThrow('This workbook already has a sheet "About these figures": it is a copy; copy the original instead.');
  });
});

describe('the About sheet of the copy', () => {
  test('one row per figure: where, function, formula, inputs, value, method, seed, engine version, digest, what the copy holds', async () => {
    const { model } = await makeCopy(negotiationWorkbook());
    const about = sheetNamed(model, 'About these figures')!;
    const row = (r: number) => ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J'].map((c) => about.cells.get(`${c}${r}`)?.value);
    expect(row(4)).toEqual(['Figure', 'Function', 'Formula in the original', 'Inputs', 'Value', 'Method', 'Seed', 'Engine version', 'SHA-256 of function and inputs', 'In this copy']);
    const levy = row(13);
    expect(levy.slice(0, 7)).toEqual([
      'Deals!D10:D14',
      'PARTAGE.LICENCEPAYMENTS',
      '=PARTAGE.LICENCEPAYMENTS(IF(RevenueBase>Exemption,RevenueBase-Exemption,0),LevyRate)',
      'IF(RevenueBase>Exemption,RevenueBase-Exemption,0); LevyRate',
      '5×1: 2000; 6000; 10000; 13000; 16000',
      'exact decimal arithmetic',
      'none (deterministic)',
    ]);
    expect(levy[8]).toMatch(/^[0-9a-f]{64}$/);
    expect(levy[9]).toBe('native formula');
    expect(row(14)[9]).toBe('values (Excel has no function equivalent to PARTAGE.SHAPLEY)');
  });

  test('the digest is SHA-256 of the function’s name and its arguments as the adapter receives them', async () => {
    const { model } = await makeCopy(negotiationWorkbook());
    const digest = sheetNamed(model, 'About these figures')!.cells.get('I5')?.value;
    // Press!B4: TRANSFERBASE(Revenue, LinkShare, CounterfactualShare) = ([[1e9]], [[0.55]], [[0.7]]), deductions omitted.
    const expected = createHash('sha256').update(JSON.stringify(['TRANSFERBASE', [[[1000000000]], [[0.55]], [[0.7]], null]])).digest('hex');
    expect(digest).toBe(expected);
  });
});
