/** @jest-environment jsdom */
/*
 * The Share screen. In Excel (the mock workbook holding the hand-worked workbook of
 * test/workbook/fixtures.ts, as Office.js shows it: PARTAGE.* formulas, spilled ranges, names
 * scoped to their sheets): Verify figures reads the open workbook and finds every figure
 * matching, then a figure edited by hand differing; Make a copy writes the copy (10 figures,
 * 9 native) and opens it in Excel as a real .xlsx. Outside Excel: the buttons say why they are
 * off, and a saved file chosen here is verified and copied.
 */
import { webcrypto } from 'node:crypto';
import { TextDecoder, TextEncoder } from 'node:util';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { readBlob, ShareScreen } from '../../src/taskpane/share/ShareScreen';
import type { WorkbookAccess } from '../../src/taskpane/excel/workbook';
import { canonicalPartageFormula } from '../../src/workbook/formula';
import { sheetNamed, type WorkbookModel } from '../../src/workbook/model';
import { readXlsx, writeXlsx } from '../../src/workbook/xlsxFile';
import { negotiationWorkbook } from '../workbook/fixtures';
import { createExcelMock, emptySheet, type ExcelMock, type WorkbookState } from './excelMock';

// jsdom lacks what the browser and Node have: Web Crypto's digest, the text codecs, object URLs.
Object.defineProperty(globalThis, 'crypto', { value: webcrypto, configurable: true });
Object.assign(globalThis, { TextEncoder, TextDecoder });
const objectUrls: Blob[] = [];
URL.createObjectURL = (blob: Blob) => {
  objectUrls.push(blob);
  return `blob:copy-${objectUrls.length}`;
};
URL.revokeObjectURL = () => undefined;

jest.setTimeout(120_000);

/** The workbook as Office.js shows it in Excel with the add-in. */
function stateOf(model: WorkbookModel): WorkbookState {
  const sheets = model.sheets.map((s) => {
    const sheet = emptySheet(s.name);
    for (const [address, c] of s.cells) {
      sheet.cells.set(address, {
        value: c.value === null ? '' : typeof c.value === 'object' ? c.value.error : c.value,
        format: {},
        ...(c.formula ? { formula: canonicalPartageFormula(c.formula) } : {}),
        ...(c.arrayRef ? { spill: c.arrayRef } : {}),
      });
    }
    sheet.names = model.names.filter((n) => n.scope === s.name).map((n) => ({ name: n.name, reference: n.ref, comment: '' }));
    return sheet;
  });
  return { sheets, tables: [], active: sheets[0], syncs: 0, names: model.names.filter((n) => n.scope === undefined).map((n) => ({ name: n.name, reference: n.ref, comment: '' })) };
}

function workbookOn(mock: ExcelMock, opened: string[] = []): WorkbookAccess {
  return {
    available: true,
    supports: () => true,
    run: (batch) => batch(mock.context),
    createWorkbook: async (base64) => {
      opened.push(base64);
    },
  };
}
const OUTSIDE: WorkbookAccess = { available: false, supports: () => false, run: () => Promise.reject(new Error('no')) };

function renderScreen(workbook: WorkbookAccess) {
  const user = userEvent.setup();
  render(
    <FluentProvider theme={webLightTheme}>
      <ShareScreen workbook={workbook} />
    </FluentProvider>,
  );
  return { user };
}

const verdicts = (testId: string) => within(screen.getByTestId(testId)).getAllByTestId(`${testId}-verdict`).map((b) => b.textContent);

describe('the Share screen in Excel', () => {
  test('Verify figures: every figure of the open workbook matches; one edited by hand differs, saying where and by how much', async () => {
    const mock = createExcelMock(stateOf(negotiationWorkbook()));
    const { user } = renderScreen(workbookOn(mock));
    await user.click(screen.getByTestId('share-verify'));
    await waitFor(() => expect(screen.getByTestId('share-report-summary').textContent).toBe('10 figures — 10 match, 0 differ, 0 not checkable.'));
    expect(within(screen.getByTestId('share-report')).getAllByTestId('share-report-where').map((w) => w.textContent)).toContain('Deals!B10:B14');
    mock.state.sheets.find((s) => s.name === 'Shapley')!.cells.get('E2')!.value = 47;
    await user.click(screen.getByTestId('share-verify'));
    await waitFor(() => expect(screen.getByTestId('share-report-summary').textContent).toBe('10 figures — 9 match, 1 differ, 0 not checkable.'));
    expect(verdicts('share-report')[9]).toBe('differs');
    expect(within(screen.getByTestId('share-report')).getAllByTestId('share-report-detail')[9].textContent).toBe('differs by up to 2 (E2: the file shows 47, the inputs give 45)');
  });

  test('Make a copy: the counts, a download, and the copy opened in Excel is an .xlsx with native formulas and the About sheet', async () => {
    const mock = createExcelMock(stateOf(negotiationWorkbook()));
    const opened: string[] = [];
    const { user } = renderScreen(workbookOn(mock, opened));
    await user.click(screen.getByTestId('share-copy'));
    const made = await screen.findByTestId('share-copy-made');
    expect(made.textContent).toContain('10 figures: 9 as native Excel formulas, 1 as values');
    expect(screen.getByTestId('share-copy-download').getAttribute('download')).toBe('for the other side.xlsx');
    await user.click(screen.getByTestId('share-copy-open'));
    await waitFor(() => expect(opened).toHaveLength(1));
    const copy = await readXlsx(Buffer.from(opened[0], 'base64'));
    expect(sheetNamed(copy, 'About these figures')).toBeDefined();
    expect(sheetNamed(copy, 'Press')!.cells.get('B4')?.formula).toBe('=SUMPRODUCT(Revenue*LinkShare*CounterfactualShare)');
    expect(copy.names.find((n) => n.name === 'RevenueBase')).toMatchObject({ scope: 'Deals' });
  });
});

describe('the Share screen outside Excel', () => {
  test('the buttons for the open workbook say why they are off', () => {
    renderScreen(OUTSIDE);
    expect(screen.getByTestId('share-reason').textContent).toBe('Open this pane in Excel to copy or verify the open workbook; a saved file can be checked below.');
    expect(screen.getByTestId('share-copy').getAttribute('aria-disabled')).toBe('true');
  });

  test('a saved file is verified; its copy is made for download; a copy chosen is checked through its About sheet', async () => {
    const { user } = renderScreen(OUTSIDE);
    const bytes = await writeXlsx(negotiationWorkbook());
    const file = new File([bytes as Uint8Array<ArrayBuffer>], 'negotiation.xlsx');
    fireEvent.change(screen.getByTestId('share-file-input'), { target: { files: [file] } });
    await waitFor(() => expect(screen.getByTestId('share-file-report-summary').textContent).toBe('10 figures — 10 match, 0 differ, 0 not checkable.'));
    expect(screen.getByTestId('share-file-name').textContent).toBe('negotiation.xlsx');
    await user.click(screen.getByTestId('share-file-copy'));
    const link = await screen.findByTestId('share-file-copy-download');
    expect(link.getAttribute('download')).toBe('negotiation - for the other side.xlsx');
    const copyBlob = objectUrls[objectUrls.length - 1];
    const copied = new File([await readBlob(copyBlob)], 'copy.xlsx');
    fireEvent.change(screen.getByTestId('share-file-input'), { target: { files: [copied] } });
    await waitFor(() => expect(screen.getByTestId('share-file-report-summary').textContent).toBe('A copy for the other side: 10 figures — 10 match, 0 differ, 0 not checkable.'));
    expect(screen.getByTestId('share-file-copy').getAttribute('aria-disabled')).toBe('true');
  });

  test('a file that is not a workbook: the reason', async () => {
    renderScreen(OUTSIDE);
    fireEvent.change(screen.getByTestId('share-file-input'), { target: { files: [new File(['not a zip'], 'notes.xlsx')] } });
    const status = await screen.findByTestId('share-status');
    expect(status.textContent).toMatch(/^Could not read the filenot a readable \.xlsx workbook/);
  });
});
