/** @jest-environment jsdom */
/*
 * The pool distribution screen against the mock workbook: the worked example, its three models
 * and its winners and losers checked against the hand computation of the README log (and the
 * test-side reference of poolReference.ts), validation messages naming the line, the row or the
 * field, the size limit, Insert, and reopening on the written sheet.
 */
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { WorkbookAccess } from '../../src/taskpane/excel/workbook';
import { PoolScreen } from '../../src/taskpane/pools/PoolScreen';
import { cell, createExcelMock, getSheet, setCells, workbookState, type ExcelMock } from './excelMock';
import { referenceSplit, type Row } from './poolReference';


jest.setTimeout(60_000);

const text = (element: Element | null): string => (element?.textContent ?? '').replace(/\s+/g, ' ').trim();

function workbookOn(mock: ExcelMock): WorkbookAccess {
  return { available: true, supports: () => true, run: (batch) => batch(mock.context) };
}

const OUTSIDE: WorkbookAccess = { available: false, supports: () => false, run: () => Promise.reject(new Error('no')) };

function renderScreen(workbook: WorkbookAccess) {
  const user = userEvent.setup();
  const view = render(
    <FluentProvider theme={webLightTheme}>
      <PoolScreen workbook={workbook} />
    </FluentProvider>,
  );
  return { user, view };
}

const values = (id: string): number[] => screen.getAllByTestId(id).map((c) => Number(c.getAttribute('data-value')));

/** The message of the Fluent field around the control `id`. */
function fieldMessage(id: string): string {
  const field = screen.getByTestId(id).closest('.fui-Field');
  return text(field?.querySelector('.fui-Field__validationMessage') ?? null);
}

const README_LOG: Row[] = [
  ['U1', 'A', 6, 2],
  ['U1', 'B', 2, 0],
  ['U2', 'A', 1, 0],
  ['U2', 'C', 1, 1],
  ['U3', 'B', 10, 0],
];

describe('the worked example', () => {
  test('the three models side by side, as worked by hand and by the reference', async () => {
    const { user } = renderScreen(OUTSIDE);
    await user.click(screen.getByTestId('pools-example'));
    await screen.findByTestId('pools-preview');
    expect(text(screen.getByRole('heading', { name: /^Preview/ }))).toBe('Preview: 100.00 among 3 holders');
    expect(screen.getAllByTestId('pools-holder').map(text)).toEqual(['A', 'B', 'C']);
    // By hand (see poolModel.test.ts): C is below the threshold {5, 2}.
    expect(values('pools-amount-market')).toEqual([36.84, 63.16, 0]);
    expect(values('pools-amount-user')).toEqual([58.33, 41.67, 0]);
    expect(values('pools-amount-artist')).toEqual([40.91, 54.55, 4.54]);
    for (const mode of ['market', 'user', 'artist'] as const) {
      expect(values(`pools-amount-${mode}`)).toEqual(referenceSplit(README_LOG, mode, { amount: 100, minPlays: 5, minUsers: 2, boost: 2 }).amounts);
    }
  });

  test('the winners and losers of each choice', async () => {
    const { user } = renderScreen(OUTSIDE);
    await user.click(screen.getByTestId('pools-example'));
    await screen.findByTestId('pools-preview');
    // 58.33 − 36.84, 41.67 − 63.16, 0; 40.91 − 36.84, 54.55 − 63.16, 4.54 − 0.
    expect(values('pools-change-user')).toEqual([21.49, -21.49, 0]);
    expect(values('pools-change-artist')).toEqual([4.07, -8.61, 4.54]);
    expect(screen.getAllByTestId('pools-change-user').map(text)).toEqual(['+21.49', '−21.49', '0.00']);
    expect(text(screen.getByTestId('pools-extremes-user'))).toBe('User-centric: A gains most (+21.49); B loses most (−21.49).');
    expect(text(screen.getByTestId('pools-extremes-artist'))).toBe('Artist-centric: C gains most (+4.54); B loses most (−8.61).');
  });

  test('with one user, user-centric is market-centric: no one gains, no one loses', async () => {
    const { user } = renderScreen(OUTSIDE);
    await user.click(screen.getByTestId('pools-example'));
    await user.clear(screen.getByTestId('pools-usage'));
    await user.click(screen.getByTestId('pools-usage'));
    await user.paste('U1\tA\t3\t0\nU1\tB\t1\t0');
    // The example's threshold {5 plays, 2 users} would leave every holder of this log out.
    await user.clear(screen.getByTestId('pools-min-plays'));
    await user.clear(screen.getByTestId('pools-min-users'));
    await waitFor(() => expect(values('pools-change-user')).toEqual([0, 0]));
    expect(text(screen.getByTestId('pools-extremes-user'))).toBe('User-centric: no one gains; no one loses.');
  });

  test('outside Excel the screen says why nothing can be inserted', async () => {
    const { user } = renderScreen(OUTSIDE);
    await user.click(screen.getByTestId('pools-example'));
    expect(screen.getByTestId('pools-insert').getAttribute('aria-disabled')).toBe('true');
    expect(text(screen.getByTestId('pools-insert-reason'))).toBe('Open this pane in Excel to insert the calculation');
  });
});

describe('validation', () => {
  test('a bad row names its line of the pasted log', async () => {
    const { user } = renderScreen(OUTSIDE);
    await user.click(screen.getByTestId('pools-example'));
    await user.clear(screen.getByTestId('pools-usage'));
    await user.click(screen.getByTestId('pools-usage'));
    await user.paste('User\tHolder\tPlays\tActive\nU1\tA\t6\t2\nU2\tB\t3\t5');
    await waitFor(() =>
      expect(fieldMessage('pools-usage')).toBe('#VALUE! Usage log, line 3, column 4 (active plays): activePlays 5 exceeds plays 3: active plays are some of the plays'),
    );
    expect(screen.queryByTestId('pools-preview')).toBeNull();
    expect(text(screen.getByTestId('pools-insert-reason'))).toBe('Open this pane in Excel to insert the calculation');
  });

  test('the parameters: a cap of 0 and a boost below 1 on their own fields', async () => {
    const { user } = renderScreen(OUTSIDE);
    await user.click(screen.getByTestId('pools-example'));
    await user.type(screen.getByTestId('pools-user-cap'), '0');
    expect(fieldMessage('pools-user-cap')).toBe('#NUM! userCap: expected a number of plays > 0, got 0');
    await user.clear(screen.getByTestId('pools-user-cap'));
    await user.clear(screen.getByTestId('pools-boost'));
    await user.type(screen.getByTestId('pools-boost'), '0.5');
    expect(fieldMessage('pools-boost')).toBe('#VALUE! boost: expected a finite number ≥ 1 (2: a boosted play counts twice), got 0.5');
    await user.clear(screen.getByTestId('pools-min-users'));
    await user.type(screen.getByTestId('pools-min-users'), 'two');
    expect(fieldMessage('pools-min-users')).toBe('Threshold, minimum distinct users: expected a number, got "two"');
  });

  test('a log too large for a sheet: the pane says so', async () => {
    const { user } = renderScreen(OUTSIDE);
    await user.click(screen.getByTestId('pools-example'));
    const lines = Array.from({ length: 100_001 }, (_, k) => `U${k}\tH${k % 5}\t1`).join('\n');
    await user.clear(screen.getByTestId('pools-usage'));
    await user.click(screen.getByTestId('pools-usage'));
    await user.paste(lines);
    await waitFor(() => expect(fieldMessage('pools-usage')).toMatch(/^The log has 100,001 rows: too large for a sheet written by the pane \(at most 100,000\)\./));
    expect(text(screen.getByTestId('pools-rows'))).toBe('100,001 log rows');
  }, 120_000);
});

describe('with the workbook', () => {
  test('from the selection: Insert writes the sheet; reopening the screen edits it', async () => {
    const mock = createExcelMock(workbookState('Data'));
    const data = getSheet(mock.state, 'Data');
    setCells(data, 'A1', [['User', 'Holder', 'Plays'], ['U1', 'A', 6], ['U1', 'B', 2], ['U2', 'A', 1], ['U2', 'C', 1], ['U3', 'B', 10]]);
    mock.state.selection = { sheet: data, address: 'A1:C6' };
    const { user, view } = renderScreen(workbookOn(mock));
    await user.click(screen.getByTestId('pools-amount'));
    await user.paste('90');
    await user.click(screen.getByTestId('pools-use-selection'));
    await screen.findByTestId('pools-preview');
    expect(text(screen.getByText(/^From the selection/))).toBe('From the selection Data!A1:C6; paste cells here instead to replace it.');
    // No threshold: market 90 × 7/20 = 31.5, 90 × 12/20 = 54, 90 × 1/20 = 4.5; user 30 per user:
    // A 30 × 6/8 + 15 = 37.5, B 30 × 2/8 + 30 = 37.5, C 15; artist with every holder boosted and
    // no active plays is market-centric.
    expect(values('pools-amount-market')).toEqual([31.5, 54, 4.5]);
    expect(values('pools-amount-user')).toEqual([37.5, 37.5, 15]);
    expect(values('pools-amount-artist')).toEqual([31.5, 54, 4.5]);
    await user.click(screen.getByTestId('pools-insert'));
    await waitFor(() => expect(text(screen.getByTestId('pools-status'))).toContain('The pool distribution is on sheet "Pools 1"'), { timeout: 20_000 });
    const sheet = getSheet(mock.state, 'Pools 1');
    expect(cell(sheet, 'A1')?.value).toBe('Pool distribution: Usage log (Data!A1:C6)');
    expect(cell(sheet, 'B6')?.value).toBe(90);
    expect(cell(sheet, 'A15')?.formula).toBe('=PARTAGE.POOLSPLIT(PoolAmount,Usage,"market",Threshold,Boost,Decimals,UserCap)');
    expect(sheet.names.find((n) => n.name === 'Usage')?.reference).toBe("='Pools 1'!$A$75:$C$79");
    expect(text(screen.getByTestId('pools-insert'))).toBe('Update "Pools 1"');

    view.unmount();
    setCells(sheet, 'B6', [[120]]);
    renderScreen(workbookOn(mock));
    await waitFor(() => expect(text(screen.getByTestId('pools-mode'))).toBe('Editing sheet "Pools 1": Update rewrites it in place.'), { timeout: 20_000 });
    expect((screen.getByTestId('pools-amount') as HTMLInputElement).value).toBe('120');
    expect((screen.getByTestId('pools-usage') as HTMLTextAreaElement).value.split('\n')).toEqual(['User\tHolder\tPlays', 'U1\tA\t6', 'U1\tB\t2', 'U2\tA\t1', 'U2\tC\t1', 'U3\tB\t10']);
    await screen.findByTestId('pools-preview');
    expect(values('pools-amount-market')).toEqual([42, 72, 6]);
  });
});
