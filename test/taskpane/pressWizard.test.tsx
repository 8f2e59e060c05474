/** @jest-environment jsdom */
/*
 * The press wizard as a user drives it: steps, running figures, validation messages naming
 * the row, Insert disabled with its reason, Insert and Update against the mock workbook, and
 * reopening a press sheet. Expected figures are the report's case worked by hand.
 */
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { writePressSheet } from '../../src/taskpane/excel/pressSheet';
import type { WorkbookAccess } from '../../src/taskpane/excel/workbook';
import { PressWizard } from '../../src/taskpane/press/PressWizard';
import { cell, createExcelMock, getSheet, workbookState, type ExcelMock } from './excelMock';
import { fehrInputs, tieredInputs } from './pressFixtures';

// jsdom lacks ResizeObserver, which Fluent's MessageBar uses to reflow its actions.

const text = (element: Element | null): string => (element?.textContent ?? '').replace(/\s+/g, ' ').trim();

function workbookOn(mock: ExcelMock, version = '1.18'): WorkbookAccess & { activated: Array<() => void> } {
  const activated: Array<() => void> = [];
  const [major, minor] = version.split('.').map(Number);
  return {
    available: true,
    supports: (v) => {
      const [a, b] = v.split('.').map(Number);
      return a < major || (a === major && b <= minor);
    },
    run: (batch) => batch(mock.context),
    onSheetActivated: (handler) => {
      activated.push(handler);
      return () => activated.splice(activated.indexOf(handler), 1);
    },
    activated,
  };
}

const outsideExcel: WorkbookAccess = {
  available: false,
  supports: () => false,
  run: () => Promise.reject(new Error('not in Excel')),
};

function renderWizard(workbook: WorkbookAccess) {
  const user = userEvent.setup();
  render(
    <FluentProvider theme={webLightTheme}>
      <PressWizard workbook={workbook} />
    </FluentProvider>,
  );
  return user;
}

const figure = (): string => screen.getByTestId('running-figure-value').textContent ?? '';
const field = (testId: string): HTMLInputElement => screen.getByTestId(testId) as HTMLInputElement;

async function typeInto(user: ReturnType<typeof userEvent.setup>, testId: string, text: string): Promise<void> {
  await user.clear(field(testId));
  await user.type(field(testId), text);
}

describe('press wizard outside Excel', () => {
  test('works as a calculator and says why it cannot insert', async () => {
    const user = renderWizard(outsideExcel);
    const insert = screen.getByTestId('press-insert');
    expect((insert).getAttribute('aria-disabled')).toBe('true');
    expect(text(screen.getByTestId('press-insert-reason'))).toContain('Open this pane in Excel to insert the calculation');
    expect((insert).getAttribute('aria-describedby')).toBe('press-insert-reason');
    await typeInto(user, 'press-lines-0-amount', '1 bn');
    expect(figure()).toBe('CHF 1,000,000,000.00');
    await user.click(insert);
    expect(screen.queryByTestId('press-status')).toBeNull();
  });
});

describe('press wizard: the Fehr case step by step', () => {
  test('shows the running figure of each step: 1 bn → 550 M → 385 M → 154 M', async () => {
    const user = renderWizard(outsideExcel);
    expect(text(screen.getByTestId('press-step-title'))).toContain('Step 1 of 5: Revenue lines');
    expect(figure()).toBe('—');
    await typeInto(user, 'press-lines-0-amount', "1'000'000'000");
    expect(text(screen.getByTestId('running-figure-label'))).toContain('Revenue');
    expect(figure()).toBe('CHF 1,000,000,000.00');

    await user.click(screen.getByTestId('press-next'));
    expect(text(screen.getByTestId('press-step-title'))).toContain('Step 2 of 5: Share linked to the works');
    expect(document.activeElement).toBe(screen.getByTestId('press-step-title'));
    await typeInto(user, 'press-link-share', '55');
    expect(text(screen.getByTestId('running-figure-label'))).toContain('Linked to the works');
    expect(figure()).toBe('CHF 550,000,000.00');

    await user.click(screen.getByTestId('press-next'));
    await typeInto(user, 'press-counterfactual-share', '70 %');
    expect(text(screen.getByTestId('running-figure-label'))).toContain('Transfer base (A)');
    // 1000 × 0.55 × 0.70 = 385: the report's printed "345" is a typo.
    expect(figure()).toBe('CHF 385,000,000.00');

    await user.click(screen.getByTestId('press-next'));
    await typeInto(user, 'press-split-rate', '40');
    expect(text(screen.getByTestId('running-figure-label'))).toContain('Amount to culture (P)');
    expect(figure()).toBe('CHF 154,000,000.00');
    expect(text(screen.getByTestId('running-figure-detail'))).toContain('15.4 % of revenue');

    await user.click(screen.getByTestId('press-next'));
    expect(text(screen.getByTestId('press-step-title'))).toContain('Step 5 of 5: Review and insert');
    const chain = within(screen.getByTestId('press-chain'));
    expect(text(chain.getByText('Transfer base (A)').closest('tr'))).toContain('CHF 385,000,000.00');
    // −20 % of any factor: 154 M × 0.8 = 123.2 M; +20 %: 184.8 M.
    expect(text(screen.getByTestId('press-sensitivity-revenue-0'))).toContain('CHF 123,200,000.00');
    expect(text(screen.getByTestId('press-sensitivity-revenue-0'))).toContain('CHF 184,800,000.00');
    // Back returns to the split step with its value kept.
    await user.click(screen.getByTestId('press-back'));
    expect(field('press-split-rate').value).toBe('40');
  });

  test('the currency chosen formats every figure', async () => {
    const user = renderWizard(outsideExcel);
    await user.selectOptions(screen.getByTestId('press-currency'), 'EUR');
    await typeInto(user, 'press-lines-0-amount', '2500');
    expect(figure()).toBe('EUR 2,500.00');
  });
});

describe('press wizard: validation', () => {
  test('a bad amount shows its message once the field is left, and Next stays with focus on it', async () => {
    const user = renderWizard(outsideExcel);
    await typeInto(user, 'press-lines-0-amount', 'abc');
    expect(screen.queryByText('Revenue line 1: amount must be a number ≥ 0')).toBeNull();
    await user.tab();
    expect(screen.getByText('Revenue line 1: amount must be a number ≥ 0')).toBeTruthy();
    expect((field('press-lines-0-amount')).getAttribute('aria-invalid')).toBe('true');
    await user.click(screen.getByTestId('press-next'));
    expect(text(screen.getByTestId('press-step-title'))).toContain('Step 1 of 5');
    expect(document.activeElement).toBe(field('press-lines-0-amount'));
    expect(text(screen.getByTestId('press-insert-reason'))).toContain('Open this pane in Excel to insert the calculation');
  });

  test('names the row of a second line and of a per-line share', async () => {
    const user = renderWizard(outsideExcel);
    await typeInto(user, 'press-lines-0-amount', '100');
    await user.click(screen.getByTestId('press-add-line'));
    expect(text(screen.getByTestId('press-line-1'))).toContain('Revenue line 2');
    await user.click(screen.getByTestId('press-next'));
    expect(screen.getByText('Revenue line 2: amount is required')).toBeTruthy();
    await typeInto(user, 'press-lines-1-amount', '50');
    await user.click(screen.getByTestId('press-next'));
    await user.click(screen.getByTestId('press-link-perLine'));
    await typeInto(user, 'press-lines-0-linkShare', '50');
    await typeInto(user, 'press-lines-1-linkShare', '150');
    await user.tab();
    expect(screen.getByText('Revenue line 2: share linked to the works must be a percentage from 0 % to 100 %')).toBeTruthy();
  });

  test('with a workbook, Insert names the problems until they are fixed', async () => {
    const mock = createExcelMock(workbookState('Data'));
    const user = renderWizard(workbookOn(mock));
    await waitFor(() => expect(text(screen.getByTestId('press-insert-reason'))).toContain('Fix these 4 problems first: Revenue line 1: amount is required; Share linked to the works: is required; Counterfactual share: is required; …'));
    expect((screen.getByTestId('press-insert')).getAttribute('aria-disabled')).toBe('true');
    await typeInto(user, 'press-lines-0-amount', '1 bn');
    await user.click(screen.getByTestId('press-step-split'));
    await typeInto(user, 'press-split-rate', '40');
    expect(text(screen.getByTestId('press-insert-reason'))).toContain(
      'Fix these 2 problems first: Share linked to the works: is required; Counterfactual share: is required',
    );
  });
});

describe('press wizard: Insert, Update and reopening', () => {
  test('inserts the sheet, then updates the same sheet in place', async () => {
    const mock = createExcelMock(workbookState('Data'));
    const user = renderWizard(workbookOn(mock));
    await user.click(screen.getByTestId('press-example'));
    expect((screen.getByTestId('press-insert')).hasAttribute('aria-disabled')).toBe(false);
    expect(text(screen.getByTestId('press-insert'))).toContain('Insert sheet');
    await user.click(screen.getByTestId('press-insert'));
    await waitFor(() => expect(text(screen.getByTestId('press-status'))).toContain('Inserted'));
    expect(text(screen.getByTestId('press-status'))).toContain('The calculation is on sheet "Press 1"');
    const sheet = getSheet(mock.state, 'Press 1');
    expect(cell(sheet, 'B6')?.value).toBe(1e9);
    expect(cell(sheet, 'B9')?.value).toBe(0.55);
    // Four sources, and the provenance of three figures.
    expect(sheet.notes).toHaveLength(7);
    expect(text(screen.getByTestId('press-insert'))).toContain('Update "Press 1"');

    await typeInto(user, 'press-lines-0-amount', '2 bn');
    await user.click(screen.getByTestId('press-insert'));
    await waitFor(() => expect(text(screen.getByTestId('press-status'))).toContain('Updated'));
    expect(mock.state.sheets.map((s) => s.name)).toEqual(['Data', 'Press 1']);
    expect(cell(sheet, 'B6')?.value).toBe(2e9);
  });

  test('without notes (ExcelApi 1.12 only), the sources go into cell prompts', async () => {
    const mock = createExcelMock(workbookState('Data'));
    const user = renderWizard(workbookOn(mock, '1.12'));
    await user.click(screen.getByTestId('press-example'));
    await user.click(screen.getByTestId('press-insert'));
    await waitFor(() => expect(text(screen.getByTestId('press-status'))).toContain('Inserted'));
    const sheet = getSheet(mock.state, 'Press 1');
    expect(sheet.notes).toEqual([]);
    expect(cell(sheet, 'B9')?.prompt?.message).toBe('Share of queries linked to news content');
  });

  test('refuses to insert on Excel without ExcelApi 1.12, saying why', async () => {
    const mock = createExcelMock(workbookState('Data'));
    renderWizard(workbookOn(mock, '1.11'));
    expect(text(screen.getByTestId('press-insert-reason'))).toContain('This version of Excel lacks ExcelApi 1.12');
  });

  test('opened on a press sheet, loads its inputs and offers Update', async () => {
    const mock = createExcelMock(workbookState('Data'));
    await writePressSheet(mock.context, fehrInputs(), { sourceNotes: 'notes' });
    const user = renderWizard(workbookOn(mock));
    await waitFor(() => expect(text(screen.getByTestId('press-insert'))).toContain('Update "Press 1"'));
    expect(text(screen.getByTestId('press-mode'))).toContain('Editing sheet "Press 1"');
    expect(field('press-title').value).toBe('News in search, Switzerland');
    expect(field('press-lines-0-label').value).toBe('Search revenue');
    expect(field('press-lines-0-amount').value).toBe('1,000,000,000');
    expect(field('press-lines-0-source').value).toBe('Fehr (2023): Swiss search market');
    await user.click(screen.getByTestId('press-step-review'));
    expect(figure()).toBe('CHF 154,000,000.00');
    // New calculation leaves the sheet alone and inserts a new one.
    await user.click(screen.getByTestId('press-new'));
    expect(text(screen.getByTestId('press-insert'))).toContain('Insert sheet');
  });

  test('activating another press sheet offers it without replacing the form', async () => {
    const mock = createExcelMock(workbookState('Data'));
    await writePressSheet(mock.context, tieredInputs(), { sourceNotes: 'notes' });
    mock.state.active = getSheet(mock.state, 'Data');
    const workbook = workbookOn(mock);
    const user = renderWizard(workbook);
    await typeInto(user, 'press-lines-0-amount', '5');
    mock.state.active = getSheet(mock.state, 'Press 1');
    await act(async () => {
      for (const handler of workbook.activated) handler();
    });
    await waitFor(() => expect(text(screen.getByTestId('press-offer'))).toContain('Sheet "Press 1" holds a press calculation.'));
    expect(field('press-lines-0-amount').value).toBe('5');
    await user.click(screen.getByTestId('press-offer-edit'));
    expect(field('press-lines-0-amount').value).toBe('800,000,000');
    expect(text(screen.getByTestId('press-insert'))).toContain('Update "Press 1"');
  });
});

describe('press wizard: purpose tier', () => {
  test('a schedule with a minimum: running figure and the row named in its message', async () => {
    const user = renderWizard(outsideExcel);
    await typeInto(user, 'press-lines-0-amount', '1 bn');
    await user.click(screen.getByTestId('press-step-link'));
    await typeInto(user, 'press-link-share', '55');
    await user.click(screen.getByTestId('press-step-counterfactual'));
    await typeInto(user, 'press-counterfactual-share', '70');
    await user.click(screen.getByTestId('press-step-split'));
    await user.click(screen.getByLabelText('Purpose tier: a rate schedule and a minimum'));
    await user.selectOptions(screen.getByTestId('press-split-purpose'), '2');
    await user.selectOptions(screen.getByTestId('press-split-schedule-0-purpose'), '2');
    await typeInto(user, 'press-split-schedule-0-rate', '10');
    await user.click(screen.getByTestId('press-add-slice'));
    await typeInto(user, 'press-split-schedule-1-from', '100 M');
    await typeInto(user, 'press-split-schedule-1-rate', '20');
    // Marginal: 100 M × 10 % + 285 M × 20 % = 67 M.
    expect(figure()).toBe('CHF 67,000,000.00');
    await user.click(screen.getByLabelText('Bracket: the whole base at the rate of the highest slice reached'));
    // Bracket: 385 M × 20 % = 77 M.
    expect(figure()).toBe('CHF 77,000,000.00');
    await typeInto(user, 'press-split-minimum', '80 M');
    expect(figure()).toBe('CHF 80,000,000.00');
    expect(text(screen.getByTestId('running-figure-detail'))).toContain('the minimum guarantee applies');
    await typeInto(user, 'press-split-schedule-1-from', '0');
    await user.click(screen.getByTestId('press-next'));
    expect(screen.getByText('Rate schedule row 2: purpose 2 already has a slice from 0')).toBeTruthy();
    expect(document.activeElement).toBe(field('press-split-schedule-1-rate'));
  });
});
