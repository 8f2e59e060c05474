/*
 * What "Insert sheet" writes for a comparison of methods, and reading it back ("reopening"),
 * against the office-addin-mock workbook of excelMock.ts. Formula texts, names, formats, notes,
 * the chart and the stored inputs are written out here by hand from the layout the sheet
 * promises (coalition table from row 7, the allocations two rows below it).
 */
import { ENGINE_VERSION } from '../../src/engine/version';
import { COMPARE_CHART_NAME, COMPARE_STORE, readActiveCompareSheet, readCompareSheet, writeCompareSheet } from '../../src/taskpane/excel/compareSheet';
import type { CompareInputs } from '../../src/taskpane/compare/compareModel';
import { StoredSheetError } from '../../src/taskpane/excel/sheetStore';
import { cell, createExcelMock, getSheet, nameTarget, workbookState, type SheetState } from './excelMock';

/** Box 3 of the report, v in mask order (bit 0 = A, bit 1 = B, bit 2 = C). */
function box3(): CompareInputs {
  return { title: 'Box 3', source: 'Box 3 example', players: ['A', 'B', 'C'], values: [0, 50, 40, 80, 30, 80, 60, 100] };
}

function withUnions(): CompareInputs {
  return { ...box3(), title: 'Unions', unions: ['Images', 'Images', 'Art'] };
}

const ARGS = 'Coalitions,Values,Players';

function names(sheet: SheetState): Record<string, string> {
  return Object.fromEntries(sheet.names.map((n) => [n.name, n.reference]));
}

async function inserted(inputs: CompareInputs, sourceNotes: 'notes' | 'prompts' = 'notes') {
  const mock = createExcelMock(workbookState('Data'));
  const result = await writeCompareSheet(mock.context, inputs, { sourceNotes });
  return { mock, result, sheet: getSheet(mock.state, result.sheetName) };
}

describe('Insert: Box 3', () => {
  test('adds and activates "Compare 1", then "Compare 2"', async () => {
    const { mock, result } = await inserted(box3());
    expect(result.sheetName).toBe('Compare 1');
    expect(mock.state.active?.name).toBe('Compare 1');
    const again = await writeCompareSheet(mock.context, box3(), { sourceNotes: 'notes' });
    expect(again.sheetName).toBe('Compare 2');
    expect(mock.state.sheets.map((s) => s.name)).toEqual(['Data', 'Compare 1', 'Compare 2']);
  });

  test('copies the coalition table by size, as editable input values', async () => {
    const { sheet } = await inserted(box3());
    const rows = [7, 8, 9, 10, 11, 12, 13, 14].map((r) => [cell(sheet, `A${r}`)?.value, cell(sheet, `B${r}`)?.value]);
    expect(rows).toEqual([
      ['∅', 0],
      ['A', 50],
      ['B', 40],
      ['C', 30],
      ['A,B', 80],
      ['A,C', 80],
      ['B,C', 60],
      ['A,B,C', 100],
    ]);
    expect(cell(sheet, 'A8')?.numberFormat).toBe('@');
    expect(cell(sheet, 'B8')).toMatchObject({ numberFormat: 'General', format: { 'fill.color': '#FFCC99', 'font.color': '#3F3F76' } });
    expect(cell(sheet, 'A1')).toMatchObject({ value: 'Compare methods: Box 3', format: { 'font.bold': true, 'font.size': 14 } });
    expect(cell(sheet, 'A3')?.value).toBe(`Coalition table from Box 3 example; engine ${ENGINE_VERSION}.`);
  });

  test('names the inputs, scoped to the sheet', async () => {
    const { sheet } = await inserted(box3());
    expect(names(sheet)).toEqual({
      Coalitions: "='Compare 1'!$A$7:$A$14",
      Values: "='Compare 1'!$B$7:$B$14",
      GrandValue: "='Compare 1'!$B$14",
      NucleolusKind: "='Compare 1'!$B$18",
      Players: "='Compare 1'!$A$21:$A$23",
      StandAlone: "='Compare 1'!$B$21:$B$23",
    });
    expect(nameTarget(sheet, 'Unions')).toBeUndefined();
  });

  test('decides nucleolus or pre-nucleolus live, and says why', async () => {
    const { sheet } = await inserted(box3());
    expect(cell(sheet, 'B17')?.formula).toBe('=GrandValue');
    expect(cell(sheet, 'B18')?.formula).toBe('=IF(SUM(StandAlone)>GrandValue,"prenucleolus","nucleolus")');
    expect(cell(sheet, 'C18')?.formula).toBe(
      '="The stand-alone values sum to "&ROUND(SUM(StandAlone),6)&IF(NucleolusKind="prenucleolus",", more than v(N) = "&ROUND(GrandValue,6)&": no split gives every player at least its stand-alone value (no imputation), so the pre-nucleolus is shown.",", at most v(N) = "&ROUND(GrandValue,6)&": the nucleolus over imputations is shown.")',
    );
  });

  test('one live formula per method, side by side, with the players and their stand-alone values', async () => {
    const { sheet } = await inserted(box3());
    expect(['A20', 'B20', 'C20', 'D20', 'E20', 'G20'].map((a) => cell(sheet, a)?.value)).toEqual([
      'Player',
      'Stand-alone v({i})',
      'Shapley',
      'Banzhaf (scaled to v(N))',
      'Leave-one-out (scaled to v(N))',
      'Pro rata of stand-alone values',
    ]);
    expect(cell(sheet, 'F20')?.formula).toBe('=IF(NucleolusKind="prenucleolus","Pre-nucleolus","Nucleolus")');
    expect(['A21', 'A22', 'A23'].map((a) => cell(sheet, a)?.value)).toEqual(['A', 'B', 'C']);
    expect(cell(sheet, 'B22')?.formula).toBe('=INDEX(Values,MATCH(A22,Coalitions,0))');
    expect(cell(sheet, 'C21')?.formula).toBe(`=INDEX(PARTAGE.SHAPLEY(${ARGS}),0,2)`);
    expect(cell(sheet, 'D21')?.formula).toBe(`=LET(x,INDEX(PARTAGE.BANZHAF(${ARGS}),0,2),IF(SUM(x)=0,x,x*GrandValue/SUM(x)))`);
    expect(cell(sheet, 'E21')?.formula).toBe(`=LET(x,INDEX(PARTAGE.LEAVEONEOUT(${ARGS}),0,2),IF(SUM(x)=0,x,x*GrandValue/SUM(x)))`);
    expect(cell(sheet, 'F21')?.formula).toBe(`=INDEX(PARTAGE.NUCLEOLUS(${ARGS},NucleolusKind),0,2)`);
    expect(cell(sheet, 'G21')?.formula).toBe('=IF(SUM(StandAlone)=0,StandAlone,GrandValue*StandAlone/SUM(StandAlone))');
    // The spilled cells carry the format, not a formula of their own.
    expect(cell(sheet, 'C22')).toMatchObject({ numberFormat: '#,##0.00' });
    expect(cell(sheet, 'C22')?.formula).toBeUndefined();
    expect(cell(sheet, 'C24')?.formula).toBe('=SUM(C21:C23)');
    expect(cell(sheet, 'D25')?.formula).toBe(`=SUM(INDEX(PARTAGE.BANZHAF(${ARGS}),0,2))`);
    expect(cell(sheet, 'E25')?.formula).toBe(`=SUM(INDEX(PARTAGE.LEAVEONEOUT(${ARGS}),0,2))`);
    expect(cell(sheet, 'C25')).toBeUndefined();
  });

  test('each method has its COREGAP coalition, excess and verdict in words', async () => {
    const { sheet, result } = await inserted(box3());
    expect(cell(sheet, 'A27')?.value).toBe('Coalition with the largest excess');
    expect(cell(sheet, 'C27')?.formula).toBe('=INDEX(PARTAGE.COREGAP(Coalitions,Values,C21:C23,Players),1,1)');
    expect(cell(sheet, 'C28')).toMatchObject({ formula: '=INDEX(PARTAGE.COREGAP(Coalitions,Values,C21:C23,Players),1,2)', numberFormat: '#,##0.00' });
    expect(cell(sheet, 'C29')?.formula).toBe('=IFERROR(IF(C28<=0,"stable",C27&" would gain "&ROUND(C28,6)&" alone"),"no verdict: see the COREGAP cells above")');
    expect(cell(sheet, 'G27')?.formula).toBe('=INDEX(PARTAGE.COREGAP(Coalitions,Values,G21:G23,Players),1,1)');
    expect(result.plan.methodRanges.map((m) => [m.method, m.range, m.excess])).toEqual([
      ['shapley', 'C21:C23', 'C28'],
      ['banzhaf', 'D21:D23', 'D28'],
      ['leaveOneOut', 'E21:E23', 'E28'],
      ['nucleolus', 'F21:F23', 'F28'],
      ['proRata', 'G21:G23', 'G28'],
    ]);
  });

  test('notes give the function, the method and the engine version', async () => {
    const { sheet } = await inserted(box3());
    const notes = Object.fromEntries(sheet.notes.map((n) => [n.address, n.text]));
    expect(Object.keys(notes).sort()).toEqual(['C21', 'C28', 'D21', 'D28', 'E21', 'E28', 'F21', 'F28', 'G21', 'G28']);
    expect(notes.C21).toMatch(/^PARTAGE\.SHAPLEY: exact Shapley value/);
    expect(notes.E21).toMatch(/^PARTAGE\.LEAVEONEOUT: v\(N\) − v\(N∖\{i\}\), scaled here to v\(N\)/);
    expect(notes.F21).toMatch(/^PARTAGE\.NUCLEOLUS: .*pre-nucleolus when no imputation exists/);
    expect(notes.G21).toMatch(/^Excel formula: v\(N\) × v\(\{i\}\)/);
    for (const text of Object.values(notes)) expect(text).toContain(`Engine ${ENGINE_VERSION}.`);
    expect(notes.C28).toMatch(/^PARTAGE\.COREGAP: /);
  });

  test('without notes (ExcelApi < 1.18) the sources go in the cells’ prompts', async () => {
    const { sheet } = await inserted(box3(), 'prompts');
    expect(sheet.notes).toEqual([]);
    expect(cell(sheet, 'C21')?.prompt).toEqual({ showPrompt: true, title: 'Source', message: expect.stringMatching(/^PARTAGE\.SHAPLEY: /) });
  });

  test('a clustered column chart of the methods by player', async () => {
    const { sheet } = await inserted(box3());
    expect(sheet.charts).toHaveLength(1);
    expect(sheet.charts[0]).toMatchObject({
      name: COMPARE_CHART_NAME,
      type: 'ColumnClustered',
      source: 'C20:G23',
      seriesBy: 'Columns',
      title: 'Allocation of v(N) by method',
      position: ['A31', 'G49'],
      legend: { position: 'Bottom' },
    });
    expect(sheet.charts[0].series.map((s) => s.xAxisValues)).toEqual(['A21:A23', 'A21:A23', 'A21:A23', 'A21:A23', 'A21:A23']);
  });

  test('stores the inputs in the sheet’s custom properties', async () => {
    const { sheet } = await inserted(box3());
    const header = sheet.customProperties.find((p) => p.key === COMPARE_STORE.key);
    expect(JSON.parse(header!.value)).toEqual({ format: 'partage.compare', version: 1, parts: 1 });
    const text = sheet.customProperties.filter((p) => p.key.startsWith(`${COMPARE_STORE.key}.`)).map((p) => p.value).join('');
    expect(JSON.parse(text)).toEqual({ format: 'partage.compare', version: 1, inputs: box3() });
  });
});

describe('with unions', () => {
  test('copies the unions in player order, names them, and adds the Owen column before pro rata', async () => {
    const { sheet } = await inserted(withUnions());
    expect([7, 8, 9].map((r) => [cell(sheet, `D${r}`)?.value, cell(sheet, `E${r}`)?.value])).toEqual([
      ['A', 'Images'],
      ['B', 'Images'],
      ['C', 'Art'],
    ]);
    expect(names(sheet).Unions).toBe("='Compare 1'!$D$7:$E$9");
    expect(cell(sheet, 'G20')?.value).toBe('Owen (a priori unions)');
    expect(cell(sheet, 'G21')?.formula).toBe('=INDEX(PARTAGE.OWEN(Coalitions,Values,Unions),0,3)');
    expect(cell(sheet, 'H20')?.value).toBe('Pro rata of stand-alone values');
    expect(cell(sheet, 'G27')?.formula).toBe('=INDEX(PARTAGE.COREGAP(Coalitions,Values,G21:G23,Players),1,1)');
    expect(sheet.charts[0].source).toBe('C20:H23');
    expect(sheet.charts[0].series).toHaveLength(6);
  });
});

describe('reopening and Update', () => {
  test('reads the stored inputs back, with the values edited in the sheet', async () => {
    const { mock, sheet } = await inserted(withUnions());
    sheet.cells.get('B13')!.value = 65; // v(B,C), edited by a counterpart
    sheet.cells.get('E9')!.value = 'Abstract art';
    const found = await readActiveCompareSheet(mock.context);
    expect(found?.sheetName).toBe('Compare 1');
    expect(found?.warnings).toEqual([]);
    expect(found?.inputs).toEqual({ ...withUnions(), values: [0, 50, 40, 80, 30, 80, 65, 100], unions: ['Images', 'Images', 'Abstract art'] });
  });

  test('a value cell that no longer holds a number keeps its stored value, with a warning naming it', async () => {
    const { mock, sheet } = await inserted(box3());
    sheet.cells.get('B12')!.value = 'n/a';
    const found = await readCompareSheet(mock.context, mock.context.workbook.worksheets.getItem('Compare 1'));
    expect(found?.inputs.values).toEqual(box3().values);
    expect(found?.warnings).toEqual(['Values row 6 (A,C) holds "n/a", not a number: its stored value is shown']);
  });

  test('a sheet without stored inputs is not a compare sheet', async () => {
    const mock = createExcelMock(workbookState('Data'));
    await expect(readActiveCompareSheet(mock.context)).resolves.toBeUndefined();
  });

  test('damaged stored inputs are reported with the sheet’s name', async () => {
    const { mock, sheet } = await inserted(box3());
    sheet.customProperties.find((p) => p.key === 'partage.compare.1')!.value = '{"format":"partage.compare","version":1,"inputs":{"title":"x"}}';
    const reading = readActiveCompareSheet(mock.context);
    await expect(reading).rejects.toThrow(StoredSheetError);
    await expect(readActiveCompareSheet(mock.context)).rejects.toThrow('The compare methods inputs stored with sheet "Compare 1" cannot be read: title or source missing');
  });

  test('Update rewrites the sheet in place: no stale cells, notes or charts, names re-pointed', async () => {
    const { mock } = await inserted(withUnions());
    const smaller: CompareInputs = { title: 'Two', source: 'pasted cells', players: ['X', 'Y'], values: [0, 1, 2, 4] };
    const result = await writeCompareSheet(mock.context, smaller, { sheetName: 'Compare 1', sourceNotes: 'notes' });
    expect(result.sheetName).toBe('Compare 1');
    expect(mock.state.sheets.map((s) => s.name)).toEqual(['Data', 'Compare 1']);
    const sheet = getSheet(mock.state, 'Compare 1');
    expect(cell(sheet, 'D7')).toBeUndefined(); // the unions are gone
    expect(cell(sheet, 'H21')).toBeUndefined(); // the old pro-rata column
    expect(cell(sheet, 'C29')).toBeUndefined(); // the old verdicts
    expect(names(sheet)).toEqual({
      Coalitions: "='Compare 1'!$A$7:$A$10",
      Values: "='Compare 1'!$B$7:$B$10",
      GrandValue: "='Compare 1'!$B$10",
      NucleolusKind: "='Compare 1'!$B$14",
      Players: "='Compare 1'!$A$17:$A$18",
      StandAlone: "='Compare 1'!$B$17:$B$18",
    });
    expect(sheet.charts.map((c) => c.source)).toEqual(['C16:G18']);
    expect(sheet.notes.map((n) => n.address).sort()).toEqual(['C17', 'C23', 'D17', 'D23', 'E17', 'E23', 'F17', 'F23', 'G17', 'G23']);
    const found = await readActiveCompareSheet(mock.context);
    expect(found?.inputs).toEqual(smaller);
  });

  test('Update of a sheet that was deleted says so', async () => {
    const mock = createExcelMock(workbookState('Data'));
    await expect(writeCompareSheet(mock.context, box3(), { sheetName: 'Compare 9', sourceNotes: 'notes' })).rejects.toThrow('The sheet "Compare 9" is no longer in the workbook');
  });
});
