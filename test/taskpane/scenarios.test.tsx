/** @jest-environment jsdom */
/*
 * Scenarios of a partage sheet against the mock workbook: saved in the sheet's custom
 * properties, replaced by name, applied (the sheet rewritten through its own writer, the
 * scenarios kept), deleted; for a deal comparison, a press calculation and a pool distribution
 * (whose scenarios keep the split's parameters, not the log). A damaged scenario is named. And
 * the screen: it follows the active sheet, saves, applies and deletes.
 */
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { readDealSheet, writeDealSheet } from '../../src/taskpane/excel/dealSheet';
import { readPoolSheet, writePoolSheet } from '../../src/taskpane/excel/poolSheet';
import { writePressSheet } from '../../src/taskpane/excel/pressSheet';
import { readPressSheet } from '../../src/taskpane/excel/pressStore';
import type { WorkbookAccess } from '../../src/taskpane/excel/workbook';
import { ScenarioScreen } from '../../src/taskpane/scenarios/ScenarioScreen';
import { applyScenario, deleteScenario, readScenarioSheet, saveScenario, SCENARIO_STORE, ScenarioError, writeComparisonSheet } from '../../src/taskpane/scenarios/scenarioStore';
import { evaluateFormula } from '../../src/workbook/evaluate';
import { modelOfMock } from '../workbook/paneSheets';
import { exampleInputs, offer } from './dealFixtures';
import { cell, createExcelMock, getSheet, workbookState, type ExcelMock } from './excelMock';
import { readmePoolInputs } from './poolFixtures';
import { fehrInputs } from './pressFixtures';


jest.setTimeout(60_000);

const NOW = new Date('2026-12-04T10:00:00Z');

async function dealWorkbook(): Promise<ExcelMock> {
  const mock = createExcelMock(workbookState('Data'));
  await writeDealSheet(mock.context, exampleInputs(), { sourceNotes: 'notes' });
  return mock;
}
const sheetOf = (mock: ExcelMock, name: string) => mock.context.workbook.worksheets.getItem(name);

describe('scenarios of a deal comparison', () => {
  test('saved as the sheet stands, kept in its custom properties, replaced by name, applied, deleted', async () => {
    const mock = await dealWorkbook();
    await saveScenario(mock.context, 'Deals 1', 'our offer', NOW);
    // Their offer: the flat fee at 300k, typed on the sheet (C20 is Offer2_Advance).
    getSheet(mock.state, 'Deals 1').cells.get('C20')!.value = 300000;
    const saved = await saveScenario(mock.context, 'Deals 1', 'their offer', NOW);
    expect(saved.scenarios.map((s) => s.name)).toEqual(['our offer', 'their offer']);
    expect(getSheet(mock.state, 'Deals 1').customProperties.some((p) => p.key === SCENARIO_STORE.key)).toBe(true);
    // Another save under a name in other case replaces it.
    const again = await saveScenario(mock.context, 'Deals 1', 'Their Offer', NOW);
    expect(again.scenarios.map((s) => s.name)).toEqual(['our offer', 'Their Offer']);

    await applyScenario(mock.context, 'Deals 1', 'our offer', 'notes');
    expect(cell(getSheet(mock.state, 'Deals 1'), 'C20')?.value).toBe(250000);
    expect((await readDealSheet(mock.context, sheetOf(mock, 'Deals 1')))?.inputs).toEqual(exampleInputs());
    // The scenarios stay with the sheet after it is rewritten.
    expect((await readScenarioSheet(mock.context, sheetOf(mock, 'Deals 1')))?.scenarios.map((s) => s.name)).toEqual(['our offer', 'Their Offer']);
    await applyScenario(mock.context, 'Deals 1', 'their offer', 'notes');
    expect(cell(getSheet(mock.state, 'Deals 1'), 'C20')?.value).toBe(300000);

    const after = await deleteScenario(mock.context, 'Deals 1', 'OUR OFFER');
    expect(after.scenarios.map((s) => s.name)).toEqual(['Their Offer']);
  });

  test('errors: no name, an unknown scenario, a sheet that is not a partage sheet, a damaged scenario', async () => {
    const mock = await dealWorkbook();
    await expect(saveScenario(mock.context, 'Deals 1', '  ')).rejects.toThrow(new ScenarioError('Give the scenario a name (e.g. "our offer").'));
    await expect(applyScenario(mock.context, 'Deals 1', 'midpoint', 'notes')).rejects.toThrow('No scenario "midpoint" on sheet "Deals 1".');
    await expect(saveScenario(mock.context, 'Data', 'x')).rejects.toThrow('The sheet "Data" is no longer a partage sheet with inputs.');
    await expect(readScenarioSheet(mock.context, sheetOf(mock, 'Data'))).resolves.toBeUndefined();
    await saveScenario(mock.context, 'Deals 1', 'broken', NOW);
    const props = getSheet(mock.state, 'Deals 1').customProperties;
    const parts = props.filter((p) => p.key.startsWith(`${SCENARIO_STORE.key}.`));
    const text = parts.map((p) => p.value).join('').replace('"discountRate":0.08', '"discountRate":"eight"');
    parts.forEach((p, k) => (p.value = text.slice(k * 255, (k + 1) * 255)));
    await expect(applyScenario(mock.context, 'Deals 1', 'broken', 'notes')).rejects.toThrow('The scenario "broken" inputs stored with sheet "Deals 1" cannot be read: discount rate missing');
  });
});

describe('the comparison sheet', () => {
  test('a deal comparison’s scenarios side by side: inputs, key figures by PARTAGE formulas on each column, differences against the Baseline cell, a chart', async () => {
    const mock = await dealWorkbook();
    await saveScenario(mock.context, 'Deals 1', 'our offer', NOW);
    getSheet(mock.state, 'Deals 1').cells.get('B19')!.value = 0.12;
    await saveScenario(mock.context, 'Deals 1', 'their offer', NOW);
    const { sheetName } = await writeComparisonSheet(mock.context, 'Deals 1', 'our offer', 'notes');
    expect(sheetName).toBe('Scenarios 1');
    const sheet = getSheet(mock.state, sheetName);
    expect(cell(sheet, 'A1')?.value).toBe('Scenarios of “Deals 1” (deal comparison)');
    expect(['A3', 'B3'].map((a) => cell(sheet, a)?.value)).toEqual(['Baseline', 'our offer']);
    expect(['A5', 'B5', 'C5'].map((a) => cell(sheet, a)?.value)).toEqual(['Input', 'our offer', 'their offer']);
    // Inputs: 15 revenues (3 scenarios × 5 periods) from row 6, 15 units, the discount rate (36), then the offers' terms.
    expect(['A6', 'B6', 'A20', 'B20', 'A21', 'A36', 'B36'].map((a) => cell(sheet, a)?.value)).toEqual(['Revenue low, 2027', 200000, 'Revenue high, 2031', 2200000, 'Units low, 2027', 'Discount rate', 0.08]);
    expect(['A37', 'B37', 'C37'].map((a) => cell(sheet, a)?.value)).toEqual(['Revenue share 10 %: revenue share', 0.1, 0.12]);
    expect(cell(sheet, 'B39')?.formula).toBe('=TRUE');
    const names = sheet.names.map((n) => [n.name, n.reference]);
    expect(names).toEqual([['Baseline', "='Scenarios 1'!$B$3"]]);
    // Key figures: each offer's total in the three forecast scenarios and its base NPV, on the column's own cells.
    // 15 + 15 + 1 + 27 input rows (five offers of five terms, the levy's two) from row 6; a blank row; the header.
    const header = 6 + 15 + 15 + 1 + 27 + 1;
    expect(cell(sheet, `A${header}`)?.value).toBe('Key figure');
    expect(cell(sheet, `A${header + 2}`)?.value).toBe('Revenue share 10 %: total, base');
    expect(cell(sheet, `C${header + 2}`)?.formula).toBe('=SUM(PARTAGE.LICENCEPAYMENTS(C11:C15,C37,C38,C40,C41,C26:C30,C39))');
    expect(cell(sheet, `B${header + 4}`)?.formula).toBe('=NPV(B36,PARTAGE.LICENCEPAYMENTS(B11:B15,B37,B38,B40,B41,B26:B30,B39))');
    // The levy's revenue above its exemption.
    const levy = 6 + 15 + 15 + 1 + 25;
    expect(cell(sheet, `A${levy}`)?.value).toBe('Commons levy 2 %: levy rate');
    const figures = 6 * 4;
    const difference = header + figures + 2;
    expect(cell(sheet, `A${difference}`)?.value).toBe('Difference against the baseline');
    expect(cell(sheet, `C${difference + 2}`)?.formula).toBe(`=IFERROR(C${header + 2}-INDEX($B${header + 2}:$C${header + 2},MATCH(Baseline,$B$5:$C$5,0)),"")`);
    expect(sheet.charts).toEqual([expect.objectContaining({ name: 'partage scenarios', type: 'ColumnClustered', source: `B${header}:C${header + 12}` })]);
    expect(sheet.customProperties.some((p) => p.key === 'partage.scenarioComparison')).toBe(true);
    // On the comparison sheet, the scenarios are those of the sheet it compares.
    await expect(readScenarioSheet(mock.context, mock.context.workbook.worksheets.getItem(sheetName))).resolves.toMatchObject({ sheetName: 'Deals 1', kind: 'deal' });
  });

  test('a tiered share and the levy: the column formulas give the hand-computed totals (through verify’s evaluator and our adapters)', async () => {
    const mock = await dealWorkbook();
    const tiered = exampleInputs();
    tiered.offers.splice(5, 0, offer({ name: 'Tiered', kind: 'share', schedule: [{ from: 0, rate: 0.08 }, { from: 500000, rate: 0.1 }, { from: 1000000, rate: 0.12 }], scheduleMode: 'marginal' }));
    await writeDealSheet(mock.context, tiered, { sheetName: 'Deals 1', sourceNotes: 'notes' });
    await saveScenario(mock.context, 'Deals 1', 'tiered', NOW);
    const { sheetName } = await writeComparisonSheet(mock.context, 'Deals 1', 'tiered', 'notes');
    const model = modelOfMock(mock.state);
    const sheet = model.sheets.find((x) => x.name === sheetName)!;
    const rowOf = (label: string) => [...sheet.cells].find(([a, c]) => a.startsWith('A') && c.value === label)![0].slice(1);
    const value = async (label: string) => (await evaluateFormula(sheet.cells.get(`B${rowOf(label)}`)!.formula!, { model, sheet: sheetName }))[0][0];
    // 8 % to 500k, 10 % to 1M, 12 % above, on 400k, 600k, 800k, 950k, 1.1M: 32k + 50k + 70k + 85k + 102k.
    await expect(value('Tiered: total, base')).resolves.toBe(339000);
    // The levy: 2 % of 100k, 300k, 500k, 650k, 800k above the 300k exemption.
    await expect(value('Commons levy 2 %: total, base')).resolves.toBe(47000);
    await expect(value('Advance + 12 %: total, base')).resolves.toBe(462000);
  });

  test('no scenario, or a baseline that is not one: refused with the reason', async () => {
    const mock = await dealWorkbook();
    await expect(writeComparisonSheet(mock.context, 'Deals 1', 'x', 'notes')).rejects.toThrow('Sheet "Deals 1" has no scenario to compare: save one first.');
    await saveScenario(mock.context, 'Deals 1', 'our offer', NOW);
    await expect(writeComparisonSheet(mock.context, 'Deals 1', 'midpoint', 'notes')).rejects.toThrow('No scenario "midpoint" on sheet "Deals 1" to take as baseline.');
  });
});

describe('scenarios of a press calculation and of a pool distribution', () => {
  test('a press scenario restores the split rate typed over', async () => {
    const mock = createExcelMock(workbookState('Data'));
    await writePressSheet(mock.context, fehrInputs(), { sourceNotes: 'notes' });
    const found = await saveScenario(mock.context, 'Press 1', 'report', NOW);
    expect(found.kind).toBe('press');
    getSheet(mock.state, 'Press 1').cells.get('B13')!.value = 0.5;
    expect((await readPressSheet(mock.context, sheetOf(mock, 'Press 1')))?.inputs.split).toMatchObject({ rate: 0.5 });
    await applyScenario(mock.context, 'Press 1', 'report', 'notes');
    expect((await readPressSheet(mock.context, sheetOf(mock, 'Press 1')))?.inputs).toEqual(fehrInputs());
  });

  test('a pool scenario keeps the parameters, not the log: applied, it splits the log the sheet holds', async () => {
    const inputs = readmePoolInputs();
    const mock = createExcelMock(workbookState('Data'));
    await writePoolSheet(mock.context, inputs, ['A', 'B', 'C'], { sourceNotes: 'notes' });
    const saved = await saveScenario(mock.context, 'Pools 1', 'pool of 100', NOW);
    expect(saved.kind).toBe('pool');
    expect(saved.scenarios[0].inputs).not.toHaveProperty('usage');
    // The pool raised to 250 on the sheet, then the scenario applied: 100 again, on the same log.
    const pool = await readPoolSheet(mock.context, sheetOf(mock, 'Pools 1'));
    await writePoolSheet(mock.context, { ...pool!.inputs, amount: 250 }, ['A', 'B', 'C'], { sheetName: 'Pools 1', sourceNotes: 'notes' });
    await applyScenario(mock.context, 'Pools 1', 'pool of 100', 'notes');
    expect((await readPoolSheet(mock.context, sheetOf(mock, 'Pools 1')))?.inputs).toEqual(inputs);
  });
});

describe('the Scenarios screen', () => {
  function renderScreen(workbook: WorkbookAccess) {
    const user = userEvent.setup();
    render(
      <FluentProvider theme={webLightTheme}>
        <ScenarioScreen workbook={workbook} />
      </FluentProvider>,
    );
    return { user };
  }

  test('outside Excel it says where to open it', () => {
    renderScreen({ available: false, supports: () => false, run: () => Promise.reject(new Error('no')) });
    expect(screen.getByTestId('scenarios-reason').textContent).toBe('Open this pane in Excel on a press, deal or pool sheet to keep its scenarios.');
  });

  test('on a deal sheet: save two, apply one, delete one; on another sheet it says so', async () => {
    const mock = await dealWorkbook();
    let activated: (() => void) | undefined;
    const workbook: WorkbookAccess = {
      available: true,
      supports: () => true,
      run: (batch) => batch(mock.context),
      onSheetActivated: (handler) => {
        activated = handler;
        return () => undefined;
      },
    };
    const { user } = renderScreen(workbook);
    await waitFor(() => expect(screen.getByTestId('scenarios-sheet').textContent).toBe('Sheet “Deals 1”, a deal comparison: no scenario yet.'));
    await user.type(screen.getByTestId('scenarios-name'), 'our offer');
    await user.click(screen.getByTestId('scenarios-save'));
    await waitFor(() => expect(screen.getByTestId('scenarios-status').textContent).toBe('Saved“our offer” keeps the inputs of “Deals 1” as they stand.'));
    getSheet(mock.state, 'Deals 1').cells.get('B19')!.value = 0.15;
    await user.type(screen.getByTestId('scenarios-name'), 'their offer');
    await user.click(screen.getByTestId('scenarios-save'));
    await waitFor(() => expect(screen.getAllByTestId('scenarios-row-name').map((e) => e.textContent)).toEqual(['our offer', 'their offer']));
    await user.click(within(screen.getAllByTestId('scenarios-row')[0]).getByTestId('scenarios-apply'));
    await waitFor(() => expect(screen.getByTestId('scenarios-status').textContent).toBe('Applied“Deals 1” now holds the inputs of “our offer”.'));
    expect(cell(getSheet(mock.state, 'Deals 1'), 'B19')?.value).toBe(0.1);
    await user.click(within(screen.getAllByTestId('scenarios-row')[1]).getByTestId('scenarios-delete'));
    await waitFor(() => expect(screen.getAllByTestId('scenarios-row-name').map((e) => e.textContent)).toEqual(['our offer']));
    await user.click(screen.getByTestId('scenarios-compare'));
    await waitFor(() => expect(screen.getByTestId('scenarios-status').textContent).toBe('ComparedSheet “Scenarios 1”: the 1 scenarios side by side, live, with their differences against “our offer” and a chart.'));
    expect(mock.state.sheets.map((s) => s.name)).toContain('Scenarios 1');
    mock.state.active = getSheet(mock.state, 'Data');
    activated!();
    await waitFor(() => expect(screen.getByTestId('scenarios-none').textContent).toMatch(/^The active sheet is not a press calculation/));
  });
});
