/*
 * What "Insert sheet" writes for a multi-stage allocation, and reading it back, against the
 * office-addin-mock workbook. Addresses are worked out by hand from the layout (inputs from row
 * 7; the results one row below the longest input table).
 */
import { ENGINE_VERSION } from '../../src/engine/version';
import { MULTISTAGE_CHART_NAME, MULTISTAGE_STORE, readActiveMultiStageSheet, writeMultiStageSheet } from '../../src/taskpane/excel/multiStageSheet';
import type { MultiStageInputs } from '../../src/taskpane/multistage/multiStageModel';
import { cell, createExcelMock, getSheet, workbookState, type SheetState } from './excelMock';

/** Two stages: data (Archive, Library) and model (Lab); v in mask order, bit 0 = Archive. */
function pipeline(): MultiStageInputs {
  return {
    title: 'Small pipeline',
    contributors: [
      { name: 'Archive', stage: 'Data' },
      { name: 'Library', stage: 'Data' },
      { name: 'Lab', stage: 'Model' },
    ],
    coalitions: { kind: 'table', values: [0, 0, 0, 0, 10, 40, 30, 60], source: 'typed in the pane' },
    ownership: [
      { work: 'Archive', rightholder: 'Le Monde', share: 0.6 },
      { work: 'Archive', rightholder: 'Ringier', share: 0.4 },
      { work: 'Library', rightholder: 'CMO', share: 1 },
      { work: 'Lab', rightholder: 'Lab', share: 1 },
    ],
    decimals: 2,
  };
}

function sampled(): MultiStageInputs {
  return {
    ...pipeline(),
    coalitions: {
      kind: 'sampled',
      file: 'pipeline.npy',
      jobId: 'job-7',
      seed: 42,
      permutations: 20000,
      values: [15.2, 10.1, 34.7],
      standardErrors: [0.1, 0.2, 0.3],
      engineVersion: '0.1.0',
      backend: 'cpu',
      contributors: ['Archive', 'Library', 'Lab'],
    },
  };
}

function names(sheet: SheetState): Record<string, string> {
  return Object.fromEntries(sheet.names.map((n) => [n.name, n.reference]));
}

async function inserted(inputs: MultiStageInputs) {
  const mock = createExcelMock(workbookState('Data'));
  const result = await writeMultiStageSheet(mock.context, inputs, { sourceNotes: 'notes' });
  return { mock, result, sheet: getSheet(mock.state, result.sheetName) };
}

describe('Insert: a coalition table', () => {
  test('adds "Multi-stage 1" with the stages, coalition values and ownership as named inputs', async () => {
    const { sheet, result } = await inserted(pipeline());
    expect(result.sheetName).toBe('Multi-stage 1');
    expect([7, 8, 9].map((r) => [cell(sheet, `A${r}`)?.value, cell(sheet, `B${r}`)?.value])).toEqual([
      ['Archive', 'Data'],
      ['Library', 'Data'],
      ['Lab', 'Model'],
    ]);
    expect([7, 8, 9, 10, 11, 12, 13, 14].map((r) => [cell(sheet, `D${r}`)?.value, cell(sheet, `E${r}`)?.value])).toEqual([
      ['∅', 0],
      ['Archive', 0],
      ['Library', 0],
      ['Lab', 10],
      ['Archive,Library', 0],
      ['Archive,Lab', 40],
      ['Library,Lab', 30],
      ['Archive,Library,Lab', 60],
    ]);
    expect([7, 8, 9, 10].map((r) => [cell(sheet, `G${r}`)?.value, cell(sheet, `H${r}`)?.value, cell(sheet, `I${r}`)?.value])).toEqual([
      ['Archive', 'Le Monde', 0.6],
      ['Archive', 'Ringier', 0.4],
      ['Library', 'CMO', 1],
      ['Lab', 'Lab', 1],
    ]);
    expect(cell(sheet, 'I7')).toMatchObject({ numberFormat: '0.00%', format: { 'fill.color': '#FFCC99' } });
    expect(cell(sheet, 'B3')).toMatchObject({ value: 2, numberFormat: '0' });
    expect(names(sheet)).toEqual({
      Decimals: "='Multi-stage 1'!$B$3",
      Unions: "='Multi-stage 1'!$A$7:$B$9",
      Coalitions: "='Multi-stage 1'!$D$7:$D$14",
      Values: "='Multi-stage 1'!$E$7:$E$14",
      Ownership: "='Multi-stage 1'!$G$7:$I$10",
      Contributors: "='Multi-stage 1'!$A$18:$A$20",
      OwenStages: "='Multi-stage 1'!$B$18:$B$20",
      OwenValues: "='Multi-stage 1'!$C$18:$C$20",
    });
  });

  test('live OWEN, SUMIF by stage and RIGHTSMAP formulas on the names', async () => {
    const { sheet, result } = await inserted(pipeline());
    expect(['A17', 'B17', 'C17'].map((a) => cell(sheet, a)?.value)).toEqual(['Contributor', 'Stage', 'Owen value']);
    expect(cell(sheet, 'A18')?.formula).toBe('=PARTAGE.OWEN(Coalitions,Values,Unions)');
    expect(['C18', 'C19', 'C20'].map((a) => cell(sheet, a)?.numberFormat)).toEqual(['#,##0.00', '#,##0.00', '#,##0.00']);
    expect(cell(sheet, 'C21')?.formula).toBe('=SUM(OwenValues)');
    expect([18, 19].map((r) => [cell(sheet, `E${r}`)?.value, cell(sheet, `F${r}`)?.formula])).toEqual([
      ['Data', '=SUMIF(OwenStages,E18,OwenValues)'],
      ['Model', '=SUMIF(OwenStages,E19,OwenValues)'],
    ]);
    expect(cell(sheet, 'F20')?.formula).toBe('=SUM(F18:F19)');
    expect(cell(sheet, 'H18')?.formula).toBe('=PARTAGE.RIGHTSMAP(HSTACK(Contributors,OwenValues),Ownership,Decimals)');
    expect(cell(sheet, 'I21')?.numberFormat).toBe('#,##0.00');
    expect(cell(sheet, 'I22')?.formula).toBe('=SUM(I18:I21)');
    expect(result.plan.rightholderCount).toBe(4);
    expect(result.plan.stageRows).toEqual([
      { stage: 'Data', address: 'F18' },
      { stage: 'Model', address: 'F19' },
    ]);
  });

  test('notes on the figures, and a column chart of the stage totals', async () => {
    const { sheet } = await inserted(pipeline());
    const notes = Object.fromEntries(sheet.notes.map((n) => [n.address, n.text]));
    expect(Object.keys(notes).sort()).toEqual(['C18', 'F18', 'I18']);
    expect(notes.C18).toBe(
      `PARTAGE.OWEN: exact Owen value with the stages as a priori unions (stages arrive in random order, the contributors of each together, in random order). Engine ${ENGINE_VERSION}.`,
    );
    expect(notes.F18).toMatch(/^Excel SUMIF/);
    expect(notes.I18).toMatch(/^PARTAGE\.RIGHTSMAP: .*Engine /);
    expect(sheet.charts).toHaveLength(1);
    expect(sheet.charts[0]).toMatchObject({
      name: MULTISTAGE_CHART_NAME,
      type: 'ColumnClustered',
      source: 'F17:F19',
      title: 'Owen value by stage',
      position: ['A24', 'F40'],
    });
    expect(sheet.charts[0].series.map((s) => s.xAxisValues)).toEqual(['E18:E19']);
  });

  test('stores the inputs; reopening restores them with the sheet’s edits', async () => {
    const { mock, sheet } = await inserted(pipeline());
    const text = sheet.customProperties.filter((p) => p.key.startsWith(`${MULTISTAGE_STORE.key}.`)).map((p) => p.value).join('');
    expect(JSON.parse(text)).toEqual({ format: 'partage.multistage', version: 1, inputs: pipeline() });
    sheet.cells.get('E14')!.value = 70;
    sheet.cells.get('I7')!.value = 0.5;
    sheet.cells.get('I8')!.value = 0.5;
    sheet.cells.get('B3')!.value = 0;
    const found = await readActiveMultiStageSheet(mock.context);
    const expected = pipeline();
    (expected.coalitions as { values: number[] }).values[7] = 70;
    expected.ownership[0].share = 0.5;
    expected.ownership[1].share = 0.5;
    expected.decimals = 0;
    expect(found).toEqual({ sheetName: 'Multi-stage 1', inputs: expected, warnings: [] });
  });

  test('Update rewrites in place', async () => {
    const { mock } = await inserted(pipeline());
    await writeMultiStageSheet(mock.context, sampled(), { sheetName: 'Multi-stage 1', sourceNotes: 'notes' });
    const sheet = getSheet(mock.state, 'Multi-stage 1');
    expect(mock.state.sheets).toHaveLength(2);
    expect(cell(sheet, 'E7')).toBeUndefined(); // the coalition table is gone
    expect(names(sheet).Values).toBeUndefined();
    expect(sheet.charts).toHaveLength(1);
    await expect(readActiveMultiStageSheet(mock.context)).resolves.toMatchObject({ inputs: sampled() });
  });
});

describe('Insert: Owen values sampled on the companion', () => {
  test('writes the sampled values with their standard errors and a note saying how they were made', async () => {
    const { sheet } = await inserted(sampled());
    expect(cell(sheet, 'D6')?.value).toBe('From the file "pipeline.npy", valued on the companion (too large for a sheet): see the note on the Owen values.');
    expect(names(sheet)).toEqual({
      Decimals: "='Multi-stage 1'!$B$3",
      Unions: "='Multi-stage 1'!$A$7:$B$9",
      Ownership: "='Multi-stage 1'!$G$7:$I$10",
      Contributors: "='Multi-stage 1'!$A$14:$A$16",
      OwenStages: "='Multi-stage 1'!$B$14:$B$16",
      OwenValues: "='Multi-stage 1'!$C$14:$C$16",
    });
    expect([14, 15, 16].map((r) => ['A', 'B', 'C', 'D'].map((c) => cell(sheet, `${c}${r}`)?.value))).toEqual([
      ['Archive', 'Data', 15.2, 0.1],
      ['Library', 'Data', 10.1, 0.2],
      ['Lab', 'Model', 34.7, 0.3],
    ]);
    expect(cell(sheet, 'C13')?.value).toBe('Owen value (sampled)');
    expect(sheet.notes.find((n) => n.address === 'C14')?.text).toBe(
      'Owen value sampled on the companion (shapley.sample with unions): file "pipeline.npy", job job-7, seed 42, 20,000 permutations, backend cpu, engine 0.1.0. Re-run the job with the same seed to check.',
    );
    expect(cell(sheet, 'F14')?.formula).toBe('=SUMIF(OwenStages,E14,OwenValues)');
    expect(cell(sheet, 'H14')?.formula).toBe('=PARTAGE.RIGHTSMAP(HSTACK(Contributors,OwenValues),Ownership,Decimals)');
  });
});
