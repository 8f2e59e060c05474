/*
 * writeShapleyResults (called by the batch runner) and findLatestShapleyTable (used by the
 * distribution screen), against the office-addin-mock workbook.
 */
import { findLatestShapleyTable, nextShapleyNumber, writeShapleyResults, type ShapleyResultForSheet } from '../../src/taskpane/excel/shapleyResults';
import { cell, createExcelMock, emptySheet, getSheet, workbookState } from './excelMock';

const NOW = new Date('2025-03-14T09:26:53Z');

function sampled(): ShapleyResultForSheet {
  return {
    game: 'News corpus, saturating scale',
    players: ['Le Temps', 'NZZ', 'Tamedia'],
    values: [10, 30, 60],
    standardErrors: [0.5, 1, 2],
    method: 'permutation sampling (antithetic)',
    seed: 42,
    permutations: 1000,
    stoppedBy: 'target standard error 0.5',
    backend: 'webgpu (NVIDIA H100)',
    engineVersion: '0.1.0',
    jobId: 'job-7',
    elapsedMs: 1234,
  };
}

describe('writeShapleyResults', () => {
  test('the mock refuses to read what was not loaded, as Excel does', () => {
    const mock = createExcelMock(workbookState('Data'));
    const sheet = mock.context.workbook.worksheets.getActiveWorksheet();
    expect(sheet.name).toBe('Error, property was not loaded');
  });

  test('writes a table partageShapley1 on a new sheet "Shapley 1", with live share and interval formulas', async () => {
    const mock = createExcelMock(workbookState('Data'));
    const out = await writeShapleyResults(mock.context, sampled(), { now: NOW });
    expect(out).toEqual({ sheetName: 'Shapley 1', tableName: 'partageShapley1' });
    const sheet = getSheet(mock.state, 'Shapley 1');
    expect(mock.state.active).toBe(sheet);
    expect(mock.state.tables.map((t) => [t.name, t.sheet.name, t.address, t.hasHeaders])).toEqual([['partageShapley1', 'Shapley 1', 'A3:F6', true]]);
    expect(cell(sheet, 'A1')?.value).toBe('Shapley values: News corpus, saturating scale');
    expect(['A3', 'B3', 'C3', 'D3', 'E3', 'F3'].map((a) => cell(sheet, a)?.value)).toEqual(['Player', 'Value', 'Share', 'Standard error', '95 % low', '95 % high']);
    for (const [row, player, value, se] of [
      [4, 'Le Temps', 10, 0.5],
      [5, 'NZZ', 30, 1],
      [6, 'Tamedia', 60, 2],
    ] as const) {
      expect(cell(sheet, `A${row}`)).toMatchObject({ value: player, numberFormat: '@' });
      expect(cell(sheet, `B${row}`)).toMatchObject({ value, numberFormat: '#,##0.00####' });
      expect(cell(sheet, `C${row}`)).toMatchObject({ formula: '=[@Value]/SUM([Value])', numberFormat: '0.00%' });
      expect(cell(sheet, `D${row}`)).toMatchObject({ value: se, numberFormat: '#,##0.00####' });
      expect(cell(sheet, `E${row}`)?.formula).toBe('=[@Value]-1.96*[@[Standard error]]');
      expect(cell(sheet, `F${row}`)?.formula).toBe('=[@Value]+1.96*[@[Standard error]]');
    }
  });

  test('writes the metadata a counterpart needs to re-run it beside the table', async () => {
    const mock = createExcelMock(workbookState('Data'));
    await writeShapleyResults(mock.context, sampled(), { now: NOW });
    const sheet = getSheet(mock.state, 'Shapley 1');
    const rows: Array<[unknown, unknown]> = [];
    for (let r = 3; r <= 16; r++) rows.push([cell(sheet, `H${r}`)?.value, cell(sheet, `I${r}`)?.formula ?? cell(sheet, `I${r}`)?.value]);
    expect(rows).toEqual([
      ['Game', 'News corpus, saturating scale'],
      ['Method', 'permutation sampling (antithetic)'],
      ['Players', 3],
      ['Seed', 42],
      ['Samples', '—'],
      ['Permutations', 1000],
      ['Stopping rule', 'target standard error 0.5'],
      ['Backend', 'webgpu (NVIDIA H100)'],
      ['Engine version', '0.1.0'],
      ['Job id', 'job-7'],
      ['Elapsed (ms)', 1234],
      ['Written', '2025-03-14T09:26:53.000Z'],
      ['Uncertainty', '95 % interval: value ± 1.96 × standard error (normal approximation); see partageShapley1[Standard error]'],
      ['Sum of values', '=SUM(partageShapley1[Value])'],
    ]);
    // Text stays text (a version "0.1.0" or a job id must not become a number or a date).
    expect(cell(sheet, 'I11')?.numberFormat).toBe('@');
    expect(cell(sheet, 'I6')?.numberFormat).toBe('General');
  });

  test('puts the provenance of the values (method, seed, samples, backend, engine) in a note on the first value, or its prompt', async () => {
    const mock = createExcelMock(workbookState('Data'));
    await writeShapleyResults(mock.context, sampled(), { now: NOW, sourceNotes: 'notes' });
    expect(getSheet(mock.state, 'Shapley 1').notes).toEqual([
      {
        address: 'B4',
        text: 'Shapley values of News corpus, saturating scale: permutation sampling (antithetic); seed 42; 1,000 permutations; backend webgpu (NVIDIA H100); engine 0.1.0. The full record is beside the table.',
      },
    ]);
    const exact = createExcelMock(workbookState('Data'));
    await writeShapleyResults(exact.context, { ...sampled(), method: 'exact (bitmask)', standardErrors: undefined, seed: undefined, permutations: undefined }, { now: NOW });
    expect(cell(getSheet(exact.state, 'Shapley 1'), 'B4')?.prompt).toMatchObject({ showPrompt: true, title: 'Source', message: 'Shapley values of News corpus, saturating scale: exact (bitmask); backend webgpu (NVIDIA H100); engine 0.1.0. The full record is beside the table.' });
  });

  test('adds a clustered bar chart of the values', async () => {
    const mock = createExcelMock(workbookState('Data'));
    await writeShapleyResults(mock.context, sampled(), { now: NOW });
    expect(getSheet(mock.state, 'Shapley 1').charts).toEqual([
      {
        name: 'partageShapley1 chart',
        type: 'BarClustered',
        source: 'A3:B6',
        seriesBy: 'Columns',
        title: 'Shapley values: News corpus, saturating scale',
        position: ['H18', 'M33'],
        series: [{}, {}],
        categoryAxis: { reversePlotOrder: true },
        legend: { visible: false },
      },
    ]);
  });

  test('an exact result has standard errors of 0 shown as "0 (exact)", and says so in the metadata', async () => {
    const mock = createExcelMock(workbookState('Data'));
    const exact = { ...sampled(), method: 'exact (bitmask)', standardErrors: undefined, seed: undefined, permutations: undefined, stoppedBy: undefined };
    await writeShapleyResults(mock.context, exact, { now: NOW });
    const sheet = getSheet(mock.state, 'Shapley 1');
    for (const row of [4, 5, 6]) expect(cell(sheet, `D${row}`)).toMatchObject({ value: 0, numberFormat: '0;-0;"0 (exact)"' });
    expect(cell(sheet, 'I6')?.value).toBe('—');
    expect(cell(sheet, 'I15')?.value).toBe('None: exact values (standard error 0)');
  });

  test('numbers past the sheets and tables already there', async () => {
    const state = workbookState('Data', 'Shapley 1');
    state.tables.push({ name: 'partageShapley3', sheet: state.sheets[0], address: 'K1:L2', hasHeaders: true });
    state.tables.push({ name: 'Sales', sheet: state.sheets[0], address: 'N1:O2', hasHeaders: true });
    const mock = createExcelMock(state);
    expect(await writeShapleyResults(mock.context, sampled(), { now: NOW })).toEqual({ sheetName: 'Shapley 4', tableName: 'partageShapley4' });
    expect(nextShapleyNumber(['partageShapley9', 'partageShapleyX'], ['shapley 12', 'Shapley'])).toBe(13);
  });

  test('refuses inconsistent results, naming the argument', async () => {
    const mock = createExcelMock(workbookState('Data'));
    await expect(writeShapleyResults(mock.context, { ...sampled(), values: [1, 2] })).rejects.toThrow('writeShapleyResults: values has 2 entries but players has 3');
    await expect(writeShapleyResults(mock.context, { ...sampled(), standardErrors: [1] })).rejects.toThrow('standardErrors has 1 entries but players has 3');
    await expect(writeShapleyResults(mock.context, { ...sampled(), standardErrors: [1, -1, 1] })).rejects.toThrow('standardErrors, item 2: expected a finite number ≥ 0, got -1');
    await expect(writeShapleyResults(mock.context, { ...sampled(), values: [1, NaN, 2] })).rejects.toThrow('values, item 2');
    await expect(writeShapleyResults(mock.context, { ...sampled(), players: ['a', ' ', 'c'] })).rejects.toThrow('players, item 2: a player needs a name');
    expect(mock.state.sheets.map((s) => s.name)).toEqual(['Data']);
  });
});

describe('findLatestShapleyTable', () => {
  test('reads the players and shares of the table with the highest number', async () => {
    const mock = createExcelMock(workbookState('Data'));
    expect(await findLatestShapleyTable(mock.context)).toBeUndefined();
    await writeShapleyResults(mock.context, { ...sampled(), players: ['Old'], values: [1], standardErrors: [0] }, { now: NOW });
    await writeShapleyResults(mock.context, sampled(), { now: NOW });
    // Excel computes the share formulas; the mock stores what it would show: value / Σ values.
    const sheet = getSheet(mock.state, 'Shapley 2');
    [10, 30, 60].forEach((v, i) => (sheet.cells.get(`C${4 + i}`)!.value = v / 100));
    mock.state.sheets.push(emptySheet('Other'));
    expect(await findLatestShapleyTable(mock.context)).toEqual({
      tableName: 'partageShapley2',
      sheetName: 'Shapley 2',
      players: ['Le Temps', 'NZZ', 'Tamedia'],
      shares: [0.1, 0.3, 0.6],
    });
  });
});
