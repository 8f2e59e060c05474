/*
 * What "Insert sheet" writes for a pool distribution, and reading it back ("reopening"),
 * against the office-addin-mock workbook of excelMock.ts. Formula texts, names, formats, notes,
 * charts and the stored inputs are written out here by hand from the layout the sheet promises
 * (inputs in B6:B11, the models from row 14, then the winners and losers, the charts, the log).
 */
import { ENGINE_VERSION } from '../../src/engine/version';
import {
  POOL_CHANGE_CHART_NAME,
  POOL_CHART_NAME,
  POOL_STORE,
  readActivePoolSheet,
  readPoolSheet,
  writePoolSheet,
} from '../../src/taskpane/excel/poolSheet';
import { StoredSheetError } from '../../src/taskpane/excel/sheetStore';
import type { PoolInputs } from '../../src/taskpane/pools/poolModel';
import { cell, createExcelMock, getSheet, setCells, workbookState, type SheetState } from './excelMock';
import { readmePoolInputs } from './poolFixtures';

const example = readmePoolInputs;

const HOLDERS = ['A', 'B', 'C'];
const OPTIONS = 'Threshold,Boost,Decimals,UserCap';

function names(sheet: SheetState): Record<string, string> {
  return Object.fromEntries(sheet.names.map((n) => [n.name, n.reference]));
}

/** The stored JSON, reassembled here from the header and its numbered parts. */
function stored(sheet: SheetState): { format: string; version: number; inputs: Record<string, unknown> } {
  const header = JSON.parse(sheet.customProperties.find((p) => p.key === 'partage.pools')!.value) as { parts: number };
  let text = '';
  for (let k = 1; k <= header.parts; k++) text += sheet.customProperties.find((p) => p.key === `partage.pools.${k}`)!.value;
  return JSON.parse(text) as { format: string; version: number; inputs: Record<string, unknown> };
}

async function inserted(inputs: PoolInputs = example(), holders: string[] = HOLDERS, sourceNotes: 'notes' | 'prompts' = 'notes') {
  const mock = createExcelMock(workbookState('Data'));
  const result = await writePoolSheet(mock.context, inputs, holders, { sourceNotes });
  return { mock, result, sheet: getSheet(mock.state, result.sheetName) };
}

describe('Insert: the README log', () => {
  test('adds and activates "Pools 1", then "Pools 2"', async () => {
    const { mock, result } = await inserted();
    expect(result.sheetName).toBe('Pools 1');
    expect(mock.state.active?.name).toBe('Pools 1');
    const again = await writePoolSheet(mock.context, example(), HOLDERS, { sourceNotes: 'notes' });
    expect(again.sheetName).toBe('Pools 2');
    expect(mock.state.sheets.map((s) => s.name)).toEqual(['Data', 'Pools 1', 'Pools 2']);
  });

  test('the inputs as named, editable cells, scoped to the sheet', async () => {
    const { sheet } = await inserted();
    expect(cell(sheet, 'A1')).toMatchObject({ value: 'Pool distribution: March', format: { 'font.bold': true, 'font.size': 14 } });
    expect(cell(sheet, 'A3')?.value).toBe(`Usage log from README example, 5 rows; engine ${ENGINE_VERSION}.`);
    expect(['A6', 'A7', 'A8', 'A9', 'A10', 'A11'].map((a) => cell(sheet, a)?.value)).toEqual([
      'Pool amount',
      'Threshold: minimum plays per holder',
      'Threshold: minimum distinct users per holder',
      'Boost (artist-centric)',
      'Cap per user, in plays (empty: none)',
      'Decimals',
    ]);
    expect(['B6', 'B7', 'B8', 'B9', 'B10', 'B11'].map((a) => cell(sheet, a)?.value)).toEqual([100, 5, 2, 2, '', 2]);
    expect(cell(sheet, 'B6')).toMatchObject({ numberFormat: '#,##0.00', format: { 'fill.color': '#FFCC99', 'font.color': '#3F3F76' } });
    expect(cell(sheet, 'B10')).toMatchObject({ numberFormat: 'General', format: { 'fill.color': '#FFCC99' } });
    expect(names(sheet)).toEqual({
      PoolAmount: "='Pools 1'!$B$6",
      Threshold: "='Pools 1'!$B$7:$B$8",
      Boost: "='Pools 1'!$B$9",
      UserCap: "='Pools 1'!$B$10",
      Decimals: "='Pools 1'!$B$11",
      Holders: "='Pools 1'!$A$15:$A$17",
      Market: "='Pools 1'!$B$15:$B$17",
      UserCentric: "='Pools 1'!$C$15:$C$17",
      ArtistCentric: "='Pools 1'!$D$15:$D$17",
      UserGain: "='Pools 1'!$E$15:$E$17",
      ArtistGain: "='Pools 1'!$F$15:$F$17",
      Usage: "='Pools 1'!$A$75:$D$79",
    });
  });

  test('the three models as live POOLSPLIT formulas, side by side', async () => {
    const { sheet } = await inserted();
    expect(['A14', 'B14', 'C14', 'D14', 'E14', 'F14'].map((a) => cell(sheet, a)?.value)).toEqual([
      'Holder',
      'Market-centric',
      'User-centric',
      'Artist-centric',
      'User − market',
      'Artist − market',
    ]);
    expect(cell(sheet, 'A14')?.format).toMatchObject({ 'font.bold': true, 'fill.color': '#D9E1F2' });
    // The market formula spills the holders and their amounts.
    expect(cell(sheet, 'A15')?.formula).toBe(`=PARTAGE.POOLSPLIT(PoolAmount,Usage,"market",${OPTIONS})`);
    expect(cell(sheet, 'C15')).toMatchObject({ formula: `=INDEX(PARTAGE.POOLSPLIT(PoolAmount,Usage,"user",${OPTIONS}),0,2)`, numberFormat: '#,##0.00' });
    expect(cell(sheet, 'D15')).toMatchObject({ formula: `=INDEX(PARTAGE.POOLSPLIT(PoolAmount,Usage,"artist",${OPTIONS}),0,2)`, numberFormat: '#,##0.00' });
    for (const a of ['A16', 'A17', 'B15', 'B16', 'B17', 'C16', 'C17', 'D16', 'D17']) expect(cell(sheet, a)?.formula).toBeUndefined();
    expect(cell(sheet, 'B17')?.numberFormat).toBe('#,##0.00');
    expect(cell(sheet, 'D17')?.numberFormat).toBe('#,##0.00');
    // Winners and losers per holder with Excel's own subtraction.
    expect([15, 16, 17].map((r) => [cell(sheet, `E${r}`)?.formula, cell(sheet, `F${r}`)?.formula])).toEqual([
      ['=C15-B15', '=D15-B15'],
      ['=C16-B16', '=D16-B16'],
      ['=C17-B17', '=D17-B17'],
    ]);
    expect(cell(sheet, 'E16')?.numberFormat).toBe('+#,##0.00;-#,##0.00;0.00');
    expect(cell(sheet, 'A18')?.value).toBe('Total');
    expect(['B18', 'C18', 'D18', 'E18', 'F18'].map((a) => cell(sheet, a)?.formula)).toEqual(['=SUM(B15:B17)', '=SUM(C15:C17)', '=SUM(D15:D17)', '=SUM(E15:E17)', '=SUM(F15:F17)']);
    expect(cell(sheet, 'B18')?.format).toMatchObject({ 'font.bold': true, 'fill.color': '#E2EFDA' });
  });

  test('the biggest winner and loser of each choice, and every holder ranked with SORTBY', async () => {
    const { sheet, result } = await inserted();
    expect(result.plan.winners).toEqual({ winnerRow: 22, gainRow: 23, loserRow: 24, lossRow: 25, betterRow: 26, worseRow: 27, rankedHeader: 30 });
    expect(cell(sheet, 'A20')?.value).toBe('Winners and losers against market-centric');
    expect([cell(sheet, 'B21')?.value, cell(sheet, 'C21')?.value]).toEqual(['User-centric', 'Artist-centric']);
    expect(['A22', 'A23', 'A24', 'A25', 'A26', 'A27'].map((a) => cell(sheet, a)?.value)).toEqual([
      'Biggest winner',
      'Its gain',
      'Biggest loser',
      'Its loss',
      'Holders better off',
      'Holders worse off',
    ]);
    expect(cell(sheet, 'B22')).toMatchObject({ formula: '=IF(MAX(UserGain)>0,INDEX(Holders,MATCH(MAX(UserGain),UserGain,0)),"no one gains")', format: { 'fill.color': '#E2EFDA' } });
    expect(cell(sheet, 'B23')).toMatchObject({ formula: '=MAX(UserGain)', numberFormat: '+#,##0.00;-#,##0.00;0.00' });
    expect(cell(sheet, 'B24')?.formula).toBe('=IF(MIN(UserGain)<0,INDEX(Holders,MATCH(MIN(UserGain),UserGain,0)),"no one loses")');
    expect(cell(sheet, 'B25')?.formula).toBe('=MIN(UserGain)');
    expect(cell(sheet, 'B26')?.formula).toBe('=COUNTIF(UserGain,">0")');
    expect(cell(sheet, 'B27')?.formula).toBe('=COUNTIF(UserGain,"<0")');
    expect(cell(sheet, 'C22')?.formula).toBe('=IF(MAX(ArtistGain)>0,INDEX(Holders,MATCH(MAX(ArtistGain),ArtistGain,0)),"no one gains")');
    expect(cell(sheet, 'C25')?.formula).toBe('=MIN(ArtistGain)');
    expect(cell(sheet, 'A29')?.value).toBe('Every holder, largest gain first');
    expect(['A30', 'B30', 'D30', 'E30'].map((a) => cell(sheet, a)?.value)).toEqual(['Holder', 'User − market', 'Holder', 'Artist − market']);
    expect(cell(sheet, 'A31')?.formula).toBe('=SORTBY(CHOOSE({1,2},Holders,UserGain),UserGain,-1)');
    expect(cell(sheet, 'D31')?.formula).toBe('=SORTBY(CHOOSE({1,2},Holders,ArtistGain),ArtistGain,-1)');
    expect(['B31', 'B33', 'E31', 'E33'].map((a) => cell(sheet, a)?.numberFormat)).toEqual(Array(4).fill('+#,##0.00;-#,##0.00;0.00'));
  });

  test('two clustered column charts: the models by holder, and the changes', async () => {
    const { sheet } = await inserted();
    expect(sheet.charts).toHaveLength(2);
    expect(sheet.charts[0]).toMatchObject({
      name: POOL_CHART_NAME,
      type: 'ColumnClustered',
      source: 'B14:D17',
      seriesBy: 'Columns',
      title: 'The pool by distribution model',
      position: ['A35', 'F52'],
      legend: { position: 'Bottom' },
    });
    expect(sheet.charts[0].series.map((s) => s.xAxisValues)).toEqual(['A15:A17', 'A15:A17', 'A15:A17']);
    expect(sheet.charts[1]).toMatchObject({ name: POOL_CHANGE_CHART_NAME, source: 'E14:F17', title: 'Gain or loss against market-centric', position: ['A54', 'F71'] });
    expect(sheet.charts[1].series.map((s) => s.xAxisValues)).toEqual(['A15:A17', 'A15:A17']);
  });

  test('the log at the bottom, as input cells under Usage', async () => {
    const { sheet } = await inserted();
    expect(cell(sheet, 'A73')?.value).toBe('Usage log (one row per user and holder)');
    expect(['A74', 'B74', 'C74', 'D74'].map((a) => cell(sheet, a)?.value)).toEqual(['User', 'Holder', 'Plays', 'Active plays']);
    const rows = [75, 76, 77, 78, 79].map((r) => ['A', 'B', 'C', 'D'].map((c) => cell(sheet, `${c}${r}`)?.value));
    expect(rows).toEqual(example().usage);
    expect(cell(sheet, 'A75')).toMatchObject({ numberFormat: '@', format: { 'fill.color': '#FFCC99', 'font.color': '#3F3F76' } });
    expect(cell(sheet, 'C79')?.numberFormat).toBe('General');
    expect(cell(sheet, 'A80')).toBeUndefined();
  });

  test('notes on the inputs and on every model, with the engine version', async () => {
    const { sheet } = await inserted();
    expect(sheet.notes.map((n) => n.address)).toEqual(['B7', 'B9', 'B10', 'A15', 'C15', 'D15', 'E15', 'F15', 'A31']);
    for (const n of sheet.notes) expect(n.text).toMatch(new RegExp(`Engine ${ENGINE_VERSION.replace(/\./g, '\\.')}\\.$`));
    expect(sheet.notes.find((n) => n.address === 'A15')?.text).toMatch(/^PARTAGE\.POOLSPLIT, market-centric/);
    expect(sheet.notes.find((n) => n.address === 'D15')?.text).toMatch(/artist-centric \(Deezer and Universal\)/);
  });

  test('without notes (ExcelApi < 1.18) the same texts are input prompts', async () => {
    const { sheet } = await inserted(example(), HOLDERS, 'prompts');
    expect(sheet.notes).toEqual([]);
    expect(cell(sheet, 'C15')?.prompt).toMatchObject({ showPrompt: true, title: 'Source' });
    expect(cell(sheet, 'C15')?.prompt?.message).toMatch(/^PARTAGE\.POOLSPLIT, user-centric/);
  });

  test('no decimals: whole amounts; a cap: written into UserCap', async () => {
    const { sheet } = await inserted({ ...example(), decimals: 0, userCap: 5 });
    expect(cell(sheet, 'B6')?.numberFormat).toBe('#,##0');
    expect(cell(sheet, 'C15')?.numberFormat).toBe('#,##0');
    expect(cell(sheet, 'E15')?.numberFormat).toBe('+#,##0;-#,##0;0');
    expect(cell(sheet, 'B10')?.value).toBe(5);
  });

  test('the inputs are stored in the sheet’s custom properties', async () => {
    const { sheet } = await inserted();
    expect(sheet.customProperties[0].key).toBe('partage.pools');
    expect(stored(sheet)).toEqual({ format: POOL_STORE.key, version: 1, inputs: { ...example(), usageRows: 5 } });
  });
});

describe('Reopening', () => {
  test('restores the inputs as stored', async () => {
    const { mock } = await inserted();
    const found = await readActivePoolSheet(mock.context);
    expect(found).toEqual({ sheetName: 'Pools 1', inputs: example(), warnings: [] });
  });

  test('takes over what was edited in the sheet: amount, threshold, cap and a cell of the log', async () => {
    const { mock, sheet } = await inserted();
    setCells(sheet, 'B6', [[250]]);
    setCells(sheet, 'B7', [[3], [1]]);
    setCells(sheet, 'B10', [[1000]]);
    setCells(sheet, 'C79', [[12]]);
    const found = await readPoolSheet(mock.context, mock.context.workbook.worksheets.getItem('Pools 1'));
    expect(found?.warnings).toEqual([]);
    expect(found?.inputs).toEqual({ ...example(), amount: 250, minPlays: 3, minUsers: 1, userCap: 1000, usage: [...example().usage.slice(0, 4), ['U3', 'B', 12, 0]] });
  });

  test('a cell that is no longer a number keeps its stored value, with a warning', async () => {
    const { mock, sheet } = await inserted();
    setCells(sheet, 'B9', [['lots']]);
    const found = await readActivePoolSheet(mock.context);
    expect(found?.inputs.boost).toBe(2);
    expect(found?.warnings).toEqual(['Boost holds "lots", not a number: the stored 2 is shown']);
  });

  test('Update rewrites the sheet in place, resized to the holders', async () => {
    const { mock, sheet } = await inserted();
    const more: PoolInputs = { ...example(), usage: [...example().usage, ['U4', 'D', 3, 0]] };
    const result = await writePoolSheet(mock.context, more, ['A', 'B', 'C', 'D'], { sheetName: 'Pools 1', sourceNotes: 'notes' });
    expect(result.sheetName).toBe('Pools 1');
    expect(mock.state.sheets.map((s) => s.name)).toEqual(['Data', 'Pools 1']);
    expect(sheet.charts.map((c) => c.source)).toEqual(['B14:D18', 'E14:F18']);
    expect(names(sheet).Holders).toBe("='Pools 1'!$A$15:$A$18");
    expect(names(sheet).Usage).toBe("='Pools 1'!$A$77:$D$82");
    expect(sheet.notes).toHaveLength(9);
    expect((await readActivePoolSheet(mock.context))?.inputs).toEqual(more);
  });

  test('a long log is not copied into the properties: it is read back from the sheet', async () => {
    const usage: PoolInputs['usage'] = Array.from({ length: 1500 }, (_, k) => [`U${k}`, `H${k % 4}`, 1 + (k % 5)]);
    const inputs: PoolInputs = { ...example(), usage, minPlays: 0, minUsers: 0 };
    const { mock, sheet } = await inserted(inputs, ['H0', 'H1', 'H2', 'H3']);
    expect(stored(sheet).inputs.usage).toBeUndefined();
    expect(stored(sheet).inputs.usageRows).toBe(1500);
    expect(names(sheet).Usage).toBe("='Pools 1'!$A$77:$C$1576");
    expect(cell(sheet, 'C1576')?.value).toBe(5);
    expect((await readActivePoolSheet(mock.context))?.inputs).toEqual(inputs);
  }, 60_000);

  test('a sheet of another kind is not a pool sheet; a damaged store says so', async () => {
    const mock = createExcelMock(workbookState('Data'));
    await expect(readActivePoolSheet(mock.context)).resolves.toBeUndefined();
    mock.state.sheets[0].customProperties.push({ key: 'partage.pools', value: JSON.stringify({ format: 'partage.pools', version: 9, parts: 1 }) });
    await expect(readActivePoolSheet(mock.context)).rejects.toThrow(StoredSheetError);
    await expect(readActivePoolSheet(mock.context)).rejects.toThrow(
      'The pool distribution inputs stored with sheet "Data" cannot be read: they were written by another partage (format version 9); update the add-in',
    );
  });
});
