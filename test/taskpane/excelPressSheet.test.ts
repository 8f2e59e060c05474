/*
 * What "Insert" and "Update" write to the workbook for a press calculation, and reading it
 * back ("reopening"), against the office-addin-mock workbook of excelMock.ts.
 */
import { ENGINE_VERSION } from '../../src/engine/version';
import { writePressSheet } from '../../src/taskpane/excel/pressSheet';
import { listPressSheets, readActivePressSheet, readPressAmount, readPressSheet, StoredInputsError, PRESS_PROPERTY } from '../../src/taskpane/excel/pressStore';
import { draftFromInputs } from '../../src/taskpane/press/pressModel';
import { validatePress } from '../../src/taskpane/press/validatePress';
import { cell, createExcelMock, getSheet, nameTarget, setCells, workbookState, type SheetState } from './excelMock';
import { fehrInputs, tieredInputs } from './pressFixtures';

const CHF = '"CHF "#,##0.00;-"CHF "#,##0.00';
const EUR = '"EUR "#,##0.00;-"EUR "#,##0.00';
const PERCENT = '0.0##%';
const INPUT_STYLE = { 'fill.color': '#FFCC99', 'font.color': '#3F3F76' };

function namesOf(sheet: SheetState): Record<string, string> {
  return Object.fromEntries(sheet.names.map((n) => [n.name, n.reference]));
}

function formulaAt(sheet: SheetState, address: string): string | undefined {
  return cell(sheet, address)?.formula;
}

/** The cell a name of the sheet points at. */
function named(sheet: SheetState, name: string) {
  const target = nameTarget(sheet, name);
  if (!target) throw new Error(`no name ${name}`);
  expect(target.sheet).toBe(sheet.name);
  return cell(sheet, target.address);
}

describe('Insert: the Fehr case', () => {
  const setup = async () => {
    const mock = createExcelMock(workbookState('Data'));
    const result = await writePressSheet(mock.context, fehrInputs(), { sourceNotes: 'notes' });
    return { mock, result, sheet: getSheet(mock.state, 'Press 1') };
  };

  test('adds and activates a new sheet "Press 1"', async () => {
    const { mock, result } = await setup();
    expect(result.sheetName).toBe('Press 1');
    expect(mock.state.sheets.map((s) => s.name)).toEqual(['Data', 'Press 1']);
    expect(mock.state.active?.name).toBe('Press 1');
  });

  test('writes the inputs as formatted values, the labels and the sources beside them', async () => {
    const { sheet } = await setup();
    expect(cell(sheet, 'A1')).toMatchObject({ value: 'News in search, Switzerland', format: { 'font.bold': true, 'font.size': 14 } });
    expect(cell(sheet, 'A6')).toMatchObject({ value: 'Search revenue', numberFormat: '@' });
    expect(cell(sheet, 'B6')).toMatchObject({ value: 1e9, numberFormat: CHF, format: INPUT_STYLE });
    expect(cell(sheet, 'C6')?.value).toBe('Fehr (2023): Swiss search market');
    expect(cell(sheet, 'B9')).toMatchObject({ value: 0.55, numberFormat: PERCENT, format: INPUT_STYLE });
    expect(cell(sheet, 'B10')).toMatchObject({ value: 0.7, numberFormat: PERCENT, format: INPUT_STYLE });
    expect(cell(sheet, 'B13')).toMatchObject({ value: 0.4, numberFormat: PERCENT, format: INPUT_STYLE });
    expect(cell(sheet, 'C13')?.value).toBe('Nash bargaining, equal power');
  });

  test('names every input and result, scoped to the sheet', async () => {
    const { sheet } = await setup();
    expect(namesOf(sheet)).toEqual({
      Revenue_1: "='Press 1'!$B$6",
      Revenue: "='Press 1'!$B$6",
      LinkShare: "='Press 1'!$B$9",
      CounterfactualShare: "='Press 1'!$B$10",
      SplitRate: "='Press 1'!$B$13",
      LinkedRevenue: "='Press 1'!$B$17",
      TransferBase: "='Press 1'!$B$18",
      AmountToCulture: "='Press 1'!$B$19",
    });
  });

  test('computes with live PARTAGE formulas on the names, never on addresses', async () => {
    const { sheet } = await setup();
    expect(formulaAt(sheet, 'B7')).toBe('=SUM(Revenue)');
    expect(formulaAt(sheet, 'B16')).toBe('=SUM(Revenue)');
    expect(formulaAt(sheet, 'B17')).toBe('=PARTAGE.TRANSFERBASE(Revenue,LinkShare,1)');
    expect(formulaAt(sheet, 'B18')).toBe('=PARTAGE.TRANSFERBASE(Revenue,LinkShare,CounterfactualShare)');
    expect(formulaAt(sheet, 'B19')).toBe('=TransferBase*SplitRate');
    expect(formulaAt(sheet, 'B20')).toBe('=IF(SUM(Revenue)=0,"",AmountToCulture/SUM(Revenue))');
    expect(cell(sheet, 'B19')).toMatchObject({ numberFormat: CHF, format: { 'font.bold': true } });
    expect(cell(sheet, 'B20')?.numberFormat).toBe(PERCENT);
    expect(cell(sheet, 'A19')?.value).toBe('Amount to culture (P)');
  });

  test('puts each source in a note on its input cell, and each figure’s provenance on its cell', async () => {
    const { sheet } = await setup();
    expect(sheet.notes).toEqual([
      { address: 'B6', text: 'Fehr (2023): Swiss search market' },
      { address: 'B9', text: 'Share of news-related queries' },
      { address: 'B10', text: 'Survey: would not use search without news' },
      { address: 'B13', text: 'Nash bargaining, equal power' },
      { address: 'B18', text: `PARTAGE.TRANSFERBASE: Σ (revenue − deduction) × link share × counterfactual share over the lines; exact decimal arithmetic; engine ${ENGINE_VERSION}.` },
      { address: 'B19', text: `Transfer base × bargaining split (Excel arithmetic on the PARTAGE.TRANSFERBASE figure); engine ${ENGINE_VERSION}.` },
      { address: 'C24', text: `The amount to culture recomputed with one input changed by the step of its column (PARTAGE.TRANSFERBASE); exact decimal arithmetic; engine ${ENGINE_VERSION}.` },
    ]);
  });

  test('writes a sensitivity table of live formulas: each input at −20 %, −10 %, +10 %, +20 %', async () => {
    const { sheet } = await setup();
    expect(['C23', 'D23', 'E23', 'F23'].map((a) => cell(sheet, a)?.value)).toEqual([-0.2, -0.1, 0.1, 0.2]);
    expect(cell(sheet, 'C23')?.numberFormat).toBe('+0%;-0%;0%');
    expect(formulaAt(sheet, 'G23')).toBe('="Change at "&TEXT(C$23,"+0%;-0%")');
    expect(formulaAt(sheet, 'H23')).toBe('="Change at "&TEXT(F$23,"+0%;-0%")');
    expect(cell(sheet, 'I23')?.value).toBe('Swing');
    // Equal swings (every input is a factor of one product) keep the order of the sheet.
    expect(['A24', 'A25', 'A26', 'A27'].map((a) => cell(sheet, a)?.value)).toEqual([
      'Revenue: Search revenue',
      'Share linked to the works',
      'Counterfactual share',
      'Bargaining split',
    ]);
    expect(cell(sheet, 'A28')).toBeUndefined();
    expect(['B24', 'B25', 'B26', 'B27'].map((a) => formulaAt(sheet, a))).toEqual(['=Revenue_1', '=LinkShare', '=CounterfactualShare', '=SplitRate']);
    expect(formulaAt(sheet, 'C24')).toBe('=PARTAGE.TRANSFERBASE(Revenue_1*(1+C$23),LinkShare,CounterfactualShare)*SplitRate');
    expect(formulaAt(sheet, 'F25')).toBe('=PARTAGE.TRANSFERBASE(Revenue,MIN(1,LinkShare*(1+F$23)),CounterfactualShare)*SplitRate');
    expect(formulaAt(sheet, 'D26')).toBe('=PARTAGE.TRANSFERBASE(Revenue,LinkShare,MIN(1,CounterfactualShare*(1+D$23)))*SplitRate');
    expect(formulaAt(sheet, 'E27')).toBe('=TransferBase*MIN(1,SplitRate*(1+E$23))');
    expect(formulaAt(sheet, 'G24')).toBe('=C24-AmountToCulture');
    expect(formulaAt(sheet, 'H24')).toBe('=F24-AmountToCulture');
    expect(formulaAt(sheet, 'I24')).toBe('=ABS(H24-G24)');
    for (const a of ['C24', 'G24', 'I27']) expect(cell(sheet, a)?.numberFormat).toBe(CHF);
  });

  test('draws the tornado as an Excel bar chart over the change columns', async () => {
    const { sheet } = await setup();
    expect(sheet.charts).toEqual([
      {
        name: 'partage tornado',
        type: 'BarClustered',
        source: 'G23:H27',
        seriesBy: 'Columns',
        title: 'Sensitivity of the amount to culture (CHF)',
        position: ['K23', 'R41'],
        series: [
          { xAxisValues: 'A24:A27', overlap: 100, gapWidth: 40 },
          { xAxisValues: 'A24:A27', overlap: 100, gapWidth: 40 },
        ],
        categoryAxis: { reversePlotOrder: true, tickLabelPosition: 'Low' },
        legend: { position: 'Bottom' },
      },
    ]);
  });

  test('keeps the inputs in custom properties of the sheet, in parts of at most 255 characters', async () => {
    const { sheet } = await setup();
    const [header, ...parts] = sheet.customProperties;
    expect(header.key).toBe(PRESS_PROPERTY);
    expect(JSON.parse(header.value)).toEqual({ format: 'partage.press', version: 1, parts: parts.length });
    expect(parts.map((p) => p.key)).toEqual(parts.map((_, k) => `partage.press.${k + 1}`));
    for (const p of parts) expect(p.value.length).toBeLessThanOrEqual(255);
    expect(JSON.parse(parts.map((p) => p.value).join(''))).toEqual({ format: 'partage.press', version: 1, inputs: fehrInputs() });
  });

  test('reopening the sheet restores the wizard’s inputs', async () => {
    const { mock } = await setup();
    const reopened = await readActivePressSheet(mock.context);
    expect(reopened).toEqual({ sheetName: 'Press 1', inputs: fehrInputs(), warnings: [] });
    // And the wizard's form, validated again, gives the same inputs and the report's figures.
    const again = validatePress(draftFromInputs(reopened!.inputs));
    expect(again.inputs).toEqual(fehrInputs());
    expect(again.figures.base).toBe(385e6);
    expect(again.figures.amount).toBe(154e6);
  });
});

describe('Insert: lines with deductions, per-line shares, a purpose schedule', () => {
  const setup = async () => {
    const state = workbookState('Data', 'Press 1');
    const mock = createExcelMock(state);
    const result = await writePressSheet(mock.context, tieredInputs(), { sourceNotes: 'notes' });
    return { mock, result, sheet: getSheet(mock.state, result.sheetName) };
  };

  test('takes the next free sheet name', async () => {
    const { result, mock } = await setup();
    expect(result.sheetName).toBe('Press 2');
    expect(mock.state.sheets.map((s) => s.name)).toEqual(['Data', 'Press 1', 'Press 2']);
  });

  test('has one column per line input and names each cell and each column', async () => {
    const { sheet } = await setup();
    expect(['A5', 'B5', 'C5', 'D5', 'E5'].map((a) => cell(sheet, a)?.value)).toEqual(['Revenue line', 'Revenue', 'Deduction', 'Share linked to the works', 'Source']);
    expect(named(sheet, 'Revenue_1')).toMatchObject({ value: 800e6, numberFormat: EUR });
    expect(named(sheet, 'Revenue_2')).toMatchObject({ value: 200e6, numberFormat: EUR });
    expect(named(sheet, 'Deduction_1')?.value).toBe(80e6);
    expect(named(sheet, 'Deduction_2')?.value).toBe(0);
    expect(named(sheet, 'LinkShare_1')).toMatchObject({ value: 0.3, numberFormat: PERCENT });
    expect(named(sheet, 'LinkShare_2')?.value).toBe(0.1);
    expect(nameTarget(sheet, 'Revenue')?.address).toBe('B6:B7');
    expect(nameTarget(sheet, 'Deductions')?.address).toBe('C6:C7');
    expect(nameTarget(sheet, 'LinkShare')?.address).toBe('D6:D7');
    expect(named(sheet, 'CounterfactualShare')?.value).toBe(0.5);
    expect(named(sheet, 'Purpose')?.value).toBe('specialised');
    expect(named(sheet, 'MinimumAmount')).toMatchObject({ value: 5e6, numberFormat: EUR });
    expect(named(sheet, 'ScheduleMode')?.value).toBe('marginal');
    const schedule = nameTarget(sheet, 'RateSchedule')!.address;
    const [first] = schedule.split(':');
    const row = Number(first.slice(1));
    expect(schedule).toBe(`A${row}:C${row + 2}`);
    expect([0, 1, 2].map((k) => ['A', 'B', 'C'].map((c) => cell(sheet, `${c}${row + k}`)?.value))).toEqual([
      ['generalist', 0, 0.02],
      ['specialised', 0, 0.05],
      ['specialised', 50e6, 0.08],
    ]);
    expect(nameTarget(sheet, 'Rate_3')?.address).toBe(`C${row + 2}`);
    // The per-line share's note goes on each of its cells.
    expect(sheet.notes.filter((n) => n.text === 'Share of answers citing press').map((n) => n.address)).toEqual(['D6', 'D7']);
  });

  test('passes the deductions to TRANSFERBASE and computes P with PURPOSESHARE on the schedule', async () => {
    const { sheet } = await setup();
    const base = nameTarget(sheet, 'TransferBase')!.address;
    expect(formulaAt(sheet, base)).toBe('=PARTAGE.TRANSFERBASE(Revenue,LinkShare,CounterfactualShare,Deductions)');
    expect(formulaAt(sheet, nameTarget(sheet, 'LinkedRevenue')!.address)).toBe('=PARTAGE.TRANSFERBASE(Revenue,LinkShare,1,Deductions)');
    expect(formulaAt(sheet, nameTarget(sheet, 'AmountToCulture')!.address)).toBe(
      '=PARTAGE.PURPOSESHARE(TransferBase,Purpose,RateSchedule,MinimumAmount,ScheduleMode)',
    );
  });

  test('sensitivity formulas replace one value inside its column, and are sorted by swing', async () => {
    const { sheet } = await setup();
    // The sensitivity rows: column A below the header row (the one with "Swing").
    const header = Number([...sheet.cells.entries()].find(([, c]) => c.value === 'Swing')![0].slice(1));
    const rows = new Map<string, number>();
    for (const [address, c] of sheet.cells) {
      const row = Number(address.slice(1));
      if (/^A\d+$/.test(address) && row > header) rows.set(String(c.value), row);
    }
    const at = (label: string, column: string): string | undefined => formulaAt(sheet, `${column}${rows.get(label)}`);
    expect(at('Revenue: Subscriptions', 'C')).toBe(
      `=PARTAGE.PURPOSESHARE(PARTAGE.TRANSFERBASE(IF(ROW(Revenue)=ROW(Revenue_1),MAX(Deduction_1,Revenue_1*(1+C$${header})),Revenue),LinkShare,CounterfactualShare,Deductions),Purpose,RateSchedule,MinimumAmount,ScheduleMode)`,
    );
    expect(at('Deduction: Subscriptions', 'F')).toBe(
      `=PARTAGE.PURPOSESHARE(PARTAGE.TRANSFERBASE(Revenue,LinkShare,CounterfactualShare,IF(ROW(Deductions)=ROW(Deduction_1),MIN(Revenue_1,Deduction_1*(1+F$${header})),Deductions)),Purpose,RateSchedule,MinimumAmount,ScheduleMode)`,
    );
    expect(at('Share linked to the works: API', 'E')).toBe(
      `=PARTAGE.PURPOSESHARE(PARTAGE.TRANSFERBASE(Revenue,IF(ROW(LinkShare)=ROW(LinkShare_2),MIN(1,LinkShare_2*(1+E$${header})),LinkShare),CounterfactualShare,Deductions),Purpose,RateSchedule,MinimumAmount,ScheduleMode)`,
    );
    expect(at('Rate, specialised from 50,000,000', 'D')).toBe(
      `=PARTAGE.PURPOSESHARE(TransferBase,Purpose,IF((ROW(RateSchedule)=ROW(Rate_3))*(COLUMN(RateSchedule)=COLUMN(Rate_3)),MIN(1,Rate_3*(1+D$${header})),RateSchedule),MinimumAmount,ScheduleMode)`,
    );
    expect(at('Minimum guarantee', 'C')).toBe(`=PARTAGE.PURPOSESHARE(TransferBase,Purpose,RateSchedule,MinimumAmount*(1+C$${header}),ScheduleMode)`);
    // API has no deduction: no row for it. Purpose 1's rate cannot move the amount: no row.
    expect([...rows.keys()].sort()).toEqual(
      [
        'Counterfactual share',
        'Deduction: Subscriptions',
        'Minimum guarantee',
        'Rate, specialised from 0',
        'Rate, specialised from 50,000,000',
        'Revenue: API',
        'Revenue: Subscriptions',
        'Share linked to the works: API',
        'Share linked to the works: Subscriptions',
      ].sort(),
    );
    // Sorted by swing. Base = (720 M × 0.3 + 200 M × 0.1) × 0.5 = 118 M, all in the 8 % slice
    // whatever the step. Subscriptions' revenue ±20 % moves its net (the deduction stays) by
    // ±160 M, the base by ±24 M: swing 48 M × 8 % = 3.84 M. The counterfactual share moves the
    // base by ±23.6 M: swing 3.776 M. The minimum (5 M) never binds: swing 0, last.
    const order = [...rows.entries()].sort((a, b) => a[1] - b[1]).map(([label]) => label);
    expect(order.slice(0, 2)).toEqual(['Revenue: Subscriptions', 'Counterfactual share']);
    expect(order[order.length - 1]).toBe('Minimum guarantee');
  });

  test('reopening restores the inputs', async () => {
    const { mock, sheet } = await setup();
    const reopened = await readPressSheet(mock.context, (mock.context.workbook.worksheets.getItem(sheet.name) as unknown) as Excel.Worksheet);
    expect(reopened).toEqual({ sheetName: 'Press 2', inputs: tieredInputs(), warnings: [] });
    expect(validatePress(draftFromInputs(reopened!.inputs)).inputs).toEqual(tieredInputs());
  });
});

describe('Source notes where the host lacks notes (ExcelApi < 1.18)', () => {
  test('go into the input cells’ prompts, and stay in the Source column', async () => {
    const mock = createExcelMock(workbookState('Data'));
    const inputs = fehrInputs();
    inputs.lines[0].source = 'x'.repeat(300);
    await writePressSheet(mock.context, inputs, { sourceNotes: 'prompts' });
    const sheet = getSheet(mock.state, 'Press 1');
    expect(sheet.notes).toEqual([]);
    expect(cell(sheet, 'B6')?.prompt).toEqual({ showPrompt: true, title: 'Source', message: 'x'.repeat(255) });
    expect(cell(sheet, 'C6')?.value).toBe('x'.repeat(300));
    expect(cell(sheet, 'B9')?.prompt).toEqual({ showPrompt: true, title: 'Source', message: 'Share of news-related queries' });
  });
});

describe('Reopening a sheet that was edited', () => {
  const setup = async () => {
    const mock = createExcelMock(workbookState('Data'));
    await writePressSheet(mock.context, fehrInputs(), { sourceNotes: 'notes' });
    return { mock, sheet: getSheet(mock.state, 'Press 1') };
  };

  test('shows the values, labels and sources as they now stand in the sheet', async () => {
    const { mock, sheet } = await setup();
    setCells(sheet, 'A6', [['Search revenue 2025', 1.2e9, 'Updated estimate']]);
    setCells(sheet, 'B9', [[0.6, 'Newer query log']]);
    setCells(sheet, 'B13', [[0.45]]);
    const reopened = await readActivePressSheet(mock.context);
    const expected = fehrInputs();
    expected.lines[0] = { label: 'Search revenue 2025', revenue: 1.2e9, deduction: 0, source: 'Updated estimate' };
    expected.link = { perLine: false, share: 0.6, source: 'Newer query log' };
    expected.split = { kind: 'bargaining', rate: 0.45, source: 'Nash bargaining, equal power' };
    expect(reopened).toEqual({ sheetName: 'Press 1', inputs: expected, warnings: [] });
  });

  test('keeps the stored value of a cell that no longer holds a valid input, and says so', async () => {
    const { mock, sheet } = await setup();
    setCells(sheet, 'B9', [['about half']]);
    setCells(sheet, 'B10', [[1.5]]);
    const reopened = await readActivePressSheet(mock.context);
    expect(reopened?.inputs).toEqual(fehrInputs());
    expect(reopened?.warnings).toEqual([
      'LinkShare holds "about half", not a share from 0 to 1: its stored value is shown',
      'CounterfactualShare holds 1.5, not a share from 0 to 1: its stored value is shown',
    ]);
  });

  test('is not a press sheet when the sheet has no stored inputs', async () => {
    const { mock } = await setup();
    mock.state.active = getSheet(mock.state, 'Data');
    expect(await readActivePressSheet(mock.context)).toBeUndefined();
  });

  test('reports damaged stored inputs by sheet', async () => {
    const { mock, sheet } = await setup();
    sheet.customProperties[1].value = '{"format":"partage.press","version":1,"inputs":{"title":3';
    await expect(readActivePressSheet(mock.context)).rejects.toThrow(StoredInputsError);
    await expect(readActivePressSheet(mock.context)).rejects.toThrow('The press inputs stored with sheet "Press 1" cannot be read: the stored text is not JSON');
    sheet.customProperties.splice(2);
    await expect(readActivePressSheet(mock.context)).rejects.toThrow(/part 2 of \d+ is missing/);
  });
});

describe('Update: rewriting a press sheet in place', () => {
  test('replaces cells, names, notes, chart and stored inputs, keeping the sheet and the names others use', async () => {
    const mock = createExcelMock(workbookState('Data'));
    await writePressSheet(mock.context, fehrInputs(), { sourceNotes: 'notes' });
    // Another sheet uses the result, as a distribution sheet would.
    setCells(getSheet(mock.state, 'Data'), 'A1', [["='Press 1'!AmountToCulture"]]);
    const sheetBefore = getSheet(mock.state, 'Press 1');
    mock.state.active = getSheet(mock.state, 'Data');

    const result = await writePressSheet(mock.context, tieredInputs(), { sheetName: 'Press 1', sourceNotes: 'notes' });

    expect(result.sheetName).toBe('Press 1');
    expect(mock.state.sheets.map((s) => s.name)).toEqual(['Data', 'Press 1']);
    const sheet = getSheet(mock.state, 'Press 1');
    expect(sheet).toBe(sheetBefore);
    expect(mock.state.active).toBe(sheet);
    // Exactly the new layout's cells: nothing of the old sheet is left over.
    expect(new Set(sheet.cells.keys())).toEqual(new Set(result.plan.cells.map((c) => c.address)));
    expect(sheet.names.map((n) => n.name).sort()).toEqual(result.plan.names.map((n) => n.name).sort());
    expect(nameTarget(sheet, 'AmountToCulture')?.address).toBe(result.plan.names.find((n) => n.name === 'AmountToCulture')?.address);
    expect(sheet.charts).toHaveLength(1);
    expect(sheet.notes.map((n) => n.text)).not.toContain('Nash bargaining, equal power');
    expect(sheet.notes.map((n) => n.text)).toContain('Panel survey');
    expect(await readPressSheet(mock.context, (mock.context.workbook.worksheets.getItem('Press 1') as unknown) as Excel.Worksheet)).toEqual({
      sheetName: 'Press 1',
      inputs: tieredInputs(),
      warnings: [],
    });

    // Back to the shorter inputs: the parts the longer JSON needed are removed.
    const longer = sheet.customProperties.length;
    await writePressSheet(mock.context, fehrInputs(), { sheetName: 'Press 1', sourceNotes: 'notes' });
    expect(sheet.customProperties.length).toBeLessThan(longer);
    expect((await readActivePressSheet(mock.context))?.inputs).toEqual(fehrInputs());
  });
});

test('Update says so when its sheet has gone', async () => {
  const mock = createExcelMock(workbookState('Data'));
  await writePressSheet(mock.context, fehrInputs(), { sourceNotes: 'notes' });
  getSheet(mock.state, 'Press 1').name = 'Renamed';
  await expect(writePressSheet(mock.context, fehrInputs(), { sheetName: 'Press 1', sourceNotes: 'notes' })).rejects.toThrow(
    'The press sheet "Press 1" is no longer in the workbook (renamed or deleted?): reopen the wizard on it, or start a new calculation',
  );
});

test('Update from a host with notes removes the prompts a host without them had written', async () => {
  const mock = createExcelMock(workbookState('Data'));
  await writePressSheet(mock.context, fehrInputs(), { sourceNotes: 'prompts' });
  await writePressSheet(mock.context, fehrInputs(), { sheetName: 'Press 1', sourceNotes: 'notes' });
  const sheet = getSheet(mock.state, 'Press 1');
  expect([...sheet.cells.values()].filter((c) => c.prompt !== undefined)).toEqual([]);
  // Four sources, and the provenance of the transfer base, the amount and the sensitivity table.
  expect(sheet.notes).toHaveLength(7);
});

describe('Press sheets seen from elsewhere', () => {
  test('listPressSheets finds them; readPressAmount reads the computed amount', async () => {
    const mock = createExcelMock(workbookState('Data'));
    await writePressSheet(mock.context, fehrInputs(), { sourceNotes: 'notes' });
    await writePressSheet(mock.context, tieredInputs(), { sourceNotes: 'notes' });
    expect(await listPressSheets(mock.context)).toEqual([
      { sheetName: 'Press 1', title: 'News in search, Switzerland', currency: 'CHF' },
      { sheetName: 'Press 2', title: 'Chat assistant, EU', currency: 'EUR' },
    ]);
    // Before Excel has calculated, the amount is not a number yet.
    expect(await readPressAmount(mock.context, 'Press 1')).toBeUndefined();
    // What Excel would show: 1e9 × 0.55 × 0.70 × 0.40.
    getSheet(mock.state, 'Press 1').cells.get('B19')!.value = 154e6;
    expect(await readPressAmount(mock.context, 'Press 1')).toBe(154e6);
  });
});
