/** @jest-environment jsdom */
/*
 * The distribution screen against the mock workbook: reading the selected holders range, the
 * amount linked to a press sheet, the preview (worked by hand: claims 180, 300, 80 of 560 share
 * 154 M as 49.5 M, 82.5 M, 22 M), the Shapley comparison matched by name, and Insert.
 */
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { dataRowsAddress, DistributionScreen } from '../../src/taskpane/distribution/DistributionScreen';
import { writePressSheet } from '../../src/taskpane/excel/pressSheet';
import { writeShapleyResults } from '../../src/taskpane/excel/shapleyResults';
import type { WorkbookAccess } from '../../src/taskpane/excel/workbook';
import { cell, createExcelMock, getSheet, setCells, workbookState, type ExcelMock } from './excelMock';
import { fehrInputs } from './pressFixtures';


const text = (element: Element | null): string => (element?.textContent ?? '').replace(/\s+/g, ' ').trim();

function workbookOn(mock: ExcelMock): WorkbookAccess {
  return { available: true, supports: () => true, run: (batch) => batch(mock.context) };
}

async function workbookWithEverything(): Promise<ExcelMock> {
  const mock = createExcelMock(workbookState('Holders'));
  const holders = getSheet(mock.state, 'Holders');
  setCells(holders, 'A1', [
    ['Holder', 'Articles', 'Weight'],
    ['Le Temps', 120, 1.5],
    ['NZZ', 300, 1],
    ['Ringier', 80, 1],
  ]);
  await writePressSheet(mock.context, fehrInputs(), { sourceNotes: 'notes' });
  // What Excel computes on the press sheet: 1e9 × 0.55 × 0.70 × 0.40.
  getSheet(mock.state, 'Press 1').cells.get('B19')!.value = 154e6;
  await writeShapleyResults(mock.context, {
    game: 'Swiss news corpus',
    players: ['le temps ', 'NZZ', 'Tamedia'],
    values: [1, 3, 6],
    method: 'exact',
    backend: 'cpu',
    engineVersion: '0.1.0',
  });
  [0.1, 0.3, 0.6].forEach((share, i) => (getSheet(mock.state, 'Shapley 1').cells.get(`C${4 + i}`)!.value = share));
  mock.state.active = holders;
  mock.state.selection = { sheet: holders, address: 'A1:C4' };
  return mock;
}

function renderScreen(workbook: WorkbookAccess) {
  const user = userEvent.setup();
  render(
    <FluentProvider theme={webLightTheme}>
      <DistributionScreen workbook={workbook} />
    </FluentProvider>,
  );
  return user;
}

test('dataRowsAddress drops the header row', () => {
  expect(dataRowsAddress('Holders!A1:C4', true)).toBe("'Holders'!A2:C4");
  expect(dataRowsAddress("'My holders'!B3:C9", false)).toBe("'My holders'!B3:C9");
  expect(dataRowsAddress('Holders!A1:C1', true)).toBeUndefined();
  expect(dataRowsAddress('A1:C4', true)).toBeUndefined();
});

test('outside Excel, says why nothing can be read or inserted', () => {
  renderScreen({ available: false, supports: () => false, run: () => Promise.reject(new Error('no')) });
  expect(screen.getByTestId('distribution-insert').getAttribute('aria-disabled')).toBe('true');
  expect(text(screen.getByTestId('distribution-insert-reason'))).toBe('Open this pane in Excel to read a holders range and insert the distribution');
  expect((screen.getByTestId('distribution-use-selection') as HTMLButtonElement).disabled).toBe(true);
});

test('from the selected holders and a press sheet’s amount: preview, Shapley comparison, insert', async () => {
  const mock = await workbookWithEverything();
  const user = renderScreen(workbookOn(mock));
  await waitFor(() => expect(text(screen.getByTestId('distribution-compare').closest('span,div'))).toContain('partageShapley1'));
  expect(text(screen.getByTestId('distribution-insert-reason'))).toContain('Holders: read a range first');

  await user.click(screen.getByTestId('distribution-use-selection'));
  await waitFor(() => expect((screen.getByTestId('distribution-holders-address') as HTMLInputElement).value).toBe('Holders!A1:C4'));
  expect(text(screen.getByTestId('distribution-holders-summary'))).toBe('3 holders, with weights');

  await user.click(screen.getByLabelText('The amount to culture of a press sheet (linked live)'));
  await waitFor(() => expect(text(screen.getByTestId('distribution-total'))).toBe('Total paid: CHF 154,000,000.00'));
  // Claims 120 × 1.5 = 180, 300, 80 of 560.
  expect(text(screen.getByTestId('distribution-preview-0'))).toBe('Le TempsCHF 49,500,000.0010 %CHF 15,400,000.00');
  expect(text(screen.getByTestId('distribution-preview-1'))).toBe('NZZCHF 82,500,000.0030 %CHF 46,200,000.00');
  expect(text(screen.getByTestId('distribution-preview-2'))).toBe('RingierCHF 22,000,000.00not found—');
  expect(text(screen.getByTestId('distribution-compare').closest('span,div'))).toContain('2 of 3 holders found');

  expect(screen.getByTestId('distribution-insert').hasAttribute('aria-disabled')).toBe(false);
  await user.click(screen.getByTestId('distribution-insert'));
  await waitFor(() => expect(text(screen.getByTestId('distribution-status'))).toContain('The distribution is on sheet "Distribution 1".'));
  const sheet = getSheet(mock.state, 'Distribution 1');
  expect(cell(sheet, 'B4')?.formula).toBe("='Press 1'!AmountToCulture");
  expect(sheet.names.find((n) => n.name === 'Counts')?.reference).toBe("='Holders'!$B$2:$B$4");
  expect(cell(sheet, 'D9')?.formula).toBe('=PARTAGE.PAYTOTRAIN(Amount,Counts,Weights,MinimumPayout,Decimals)');
  expect(cell(sheet, 'E9')?.formula).toBe('=IFERROR(INDEX(partageShapley1[Share],MATCH(TRIM(A9),TRIM(partageShapley1[Player]),0)),"")');
});

test('a typed amount, validated, and no comparison when unticked', async () => {
  const mock = await workbookWithEverything();
  const user = renderScreen(workbookOn(mock));
  await user.type(screen.getByTestId('distribution-holders-address'), 'A1:B4');
  await user.click(screen.getByTestId('distribution-read-range'));
  await waitFor(() => expect(text(screen.getByTestId('distribution-holders-summary'))).toBe('3 holders, no weights (each work counts 1)'));
  await user.type(screen.getByTestId('distribution-amount'), 'lots');
  expect(text(screen.getByTestId('distribution-insert-reason'))).toBe('Amount: must be a number ≥ 0');
  await user.clear(screen.getByTestId('distribution-amount'));
  await user.type(screen.getByTestId('distribution-amount'), '1000');
  await user.clear(screen.getByTestId('distribution-decimals'));
  await user.type(screen.getByTestId('distribution-decimals'), '11');
  expect(text(screen.getByTestId('distribution-insert-reason'))).toBe('Decimals: must be a whole number from 0 to 10');
  await user.clear(screen.getByTestId('distribution-decimals'));
  await user.type(screen.getByTestId('distribution-decimals'), '0');
  await waitFor(() => expect(screen.getByTestId('distribution-compare')).toBeTruthy());
  await user.click(screen.getByTestId('distribution-compare'));
  // 1000 by counts 120, 300, 80 to whole units: 240, 600, 160.
  expect(text(screen.getByTestId('distribution-preview-0'))).toBe('Le TempsCHF 240.00');
  expect(text(screen.getByTestId('distribution-total'))).toBe('Total paid: CHF 1,000.00');
  await user.click(screen.getByTestId('distribution-insert'));
  await waitFor(() => expect(text(screen.getByTestId('distribution-status'))).toContain('Distribution 1'));
  const sheet = getSheet(mock.state, 'Distribution 1');
  expect(cell(sheet, 'B4')?.value).toBe(1000);
  expect(cell(sheet, 'B6')?.value).toBe(0);
  expect(cell(sheet, 'C9')?.formula).toBe('=PARTAGE.PAYTOTRAIN(Amount,Counts,,MinimumPayout,Decimals)');
  expect(cell(sheet, 'D8')).toBeUndefined();
});
