/** @jest-environment jsdom */
/*
 * The compare-methods screen against the mock workbook: the Box 3 sample, its preview checked
 * against values computed here independently (brute force over orders and coalitions, the
 * pre-nucleolus by hand), the core verdicts (Box 3's core is empty: every method leaves some
 * group better off alone), validation messages naming the line, a method whose core check
 * fails shown with its message, Insert, and reopening on the written sheet.
 */
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CompareScreen } from '../../src/taskpane/compare/CompareScreen';
import type { WorkbookAccess } from '../../src/taskpane/excel/workbook';
import { bruteForceBanzhafExact, bruteForceShapleyExact } from '../helpers/bruteForce';
import { nearestDouble } from '../helpers/rational';
import { cell, createExcelMock, getSheet, setCells, workbookState, type ExcelMock } from './excelMock';


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
      <CompareScreen workbook={workbook} />
    </FluentProvider>,
  );
  return { user, view };
}

// Box 3 of the report, in mask order (bit 0 = A, bit 1 = B, bit 2 = C).
const BOX3 = [0, 50, 40, 80, 30, 80, 60, 100];
const v = (mask: number): number => BOX3[mask];
const NAMES = ['A', 'B', 'C'];

/** The coalition with the largest excess, ties to fewer members then the earlier member list. */
function largestExcess(x: readonly number[]): { coalition: string; excess: number } {
  const n = x.length;
  let best: { mask: number; excess: number } | undefined;
  const members = (mask: number) => NAMES.filter((_, i) => (mask >> i) & 1);
  for (let mask = 1; mask < (1 << n) - 1; mask++) {
    const excess = v(mask) - members(mask).reduce((s, name) => s + x[NAMES.indexOf(name)], 0);
    if (best === undefined || excess > best.excess + 1e-9) best = { mask, excess };
    else if (Math.abs(excess - best.excess) <= 1e-9) {
      const a = members(mask);
      const b = members(best.mask);
      if (a.length < b.length || (a.length === b.length && a.join(',') < b.join(','))) best = { mask, excess };
    }
  }
  return { coalition: members(best!.mask).join(','), excess: best!.excess };
}

function shown(method: string): number[] {
  return screen.getAllByTestId(`compare-value-${method}`).map((c) => Number(c.getAttribute('data-value')));
}

describe('Box 3', () => {
  // Independent expectations. Shapley and Banzhaf by brute force; leave-one-out and pro rata by
  // their definitions. The pre-nucleolus by hand: the excesses pair up as e(A) = 50 − x_A with
  // e(B,C) = x_A − 40, e(B) = 40 − x_B with e(A,C) = x_B − 20, e(C) = 30 − x_C with
  // e(A,B) = x_C − 20; the largest can be no lower than 10 (at x_B = 30), then the remaining
  // pairs are levelled at 5 by x_A = 45, x_C = 25.
  const shapley = bruteForceShapleyExact(3, v).map(nearestDouble);
  const banzhafRaw = bruteForceBanzhafExact(3, v).map(nearestDouble);
  const scale = (x: number[]) => x.map((y) => (y * 100) / x.reduce((a, b) => a + b, 0));
  const looRaw = NAMES.map((_, i) => v(7) - v(7 & ~(1 << i)));
  const expected: Record<string, number[]> = {
    shapley,
    banzhaf: scale(banzhafRaw),
    leaveOneOut: scale(looRaw),
    nucleolus: [45, 30, 25],
    proRata: scale([50, 40, 30]),
  };

  test('the printed averages are not the Shapley values: 45, 30, 25', () => {
    expect(shapley).toEqual([45, 30, 25]);
    expect(looRaw).toEqual([40, 20, 20]);
  });

  test('one click fills the sample; the preview gives every method, with the pre-nucleolus and why', async () => {
    const { user } = renderScreen(OUTSIDE);
    await user.click(screen.getByTestId('compare-example'));
    const preview = await screen.findByTestId('compare-preview');
    expect(within(preview).getAllByRole('heading').map(text)).toEqual(['Preview: 3 players, v(N) = 100', 'Core check (COREGAP)']);
    expect(screen.getAllByTestId('compare-method-title').map(text)).toEqual([
      'Shapley',
      'Banzhaf (scaled to v(N))',
      'Leave-one-out (scaled to v(N))',
      'Pre-nucleolus',
      'Pro rata of stand-alone values',
    ]);
    expect(text(screen.getByTestId('compare-nucleolus-kind'))).toBe(
      'The stand-alone values sum to 120, more than v(N) = 100: no split gives every player at least its stand-alone value (no imputation), so the pre-nucleolus is shown.',
    );
    for (const [method, values] of Object.entries(expected)) {
      shown(method).forEach((x, i) => expect({ method, i, x: Number(x.toFixed(9)) }).toEqual({ method, i, x: Number(values[i].toFixed(9)) }));
    }
  });

  test('the core is empty: every method’s largest excess is positive, and the verdicts say who would gain', async () => {
    const { user } = renderScreen(OUTSIDE);
    await user.click(screen.getByTestId('compare-example'));
    await screen.findByTestId('compare-preview');
    for (const [method, values] of Object.entries(expected)) {
      const gap = largestExcess(values);
      expect(gap.excess).toBeGreaterThan(0);
      const excess = Number(screen.getByTestId(`compare-excess-${method}`).getAttribute('data-value'));
      expect({ method, excess: Number(excess.toFixed(9)) }).toEqual({ method, excess: Number(gap.excess.toFixed(9)) });
    }
    // Worked by hand from the allocations above.
    expect(screen.getAllByRole('listitem').map(text)).toEqual([
      'Shapley: B would gain 10 alone',
      'Banzhaf (scaled to v(N)): B would gain 10 alone',
      'Leave-one-out (scaled to v(N)): B would gain 15 alone',
      'Pre-nucleolus: B would gain 10 alone',
      'Pro rata of stand-alone values: A,C would gain 13.3333 alone',
    ]);
  });

  test('outside Excel the screen says why nothing can be inserted', async () => {
    const { user } = renderScreen(OUTSIDE);
    await user.click(screen.getByTestId('compare-example'));
    expect(screen.getByTestId('compare-insert').getAttribute('aria-disabled')).toBe('true');
    expect(text(screen.getByTestId('compare-insert-reason'))).toBe('Open this pane in Excel to insert the calculation');
  });
});

describe('validation', () => {
  test('a bad value names its line of the pasted cells', async () => {
    const { user } = renderScreen(OUTSIDE);
    await user.click(screen.getByTestId('compare-table'));
    await user.paste('A\t1\nB\tlots\nA,B\t3');
    await waitFor(() => expect(text(screen.getByText(/^Pasted cells, line 2/))).toBe('Pasted cells, line 2: expected a number, got the text "lots"'));
  });

  test('a missing coalition is named', async () => {
    const { user } = renderScreen(OUTSIDE);
    await user.click(screen.getByTestId('compare-table'));
    await user.paste('A\t1\nB\t2');
    await waitFor(() =>
      expect(text(screen.getByText(/^Pasted cells: missing/))).toBe('Pasted cells: missing {A, B}; all 2^2 = 4 coalitions of A, B are needed (v(∅) may be left out, it is then 0)'),
    );
  });

  test('unions: a stranger and a repeated player are named with their line; a player without a union is named', async () => {
    const { user } = renderScreen(OUTSIDE);
    await user.click(screen.getByTestId('compare-example'));
    const unions = screen.getByTestId('compare-unions');
    await user.click(unions);
    await user.paste('Images: A, B\nOthers: D');
    expect(text(screen.getByText(/^Unions, line 2/))).toBe('Unions, line 2: "D" is not a player of the coalition table (A, B, C)');
    await user.clear(unions);
    await user.paste('Images: A, B\nOthers: C, A');
    expect(text(screen.getByText(/^Unions, line 2/))).toBe('Unions, line 2: "A" is already in union "Images" (line 1); each player belongs to one union');
    await user.clear(unions);
    await user.paste('Images: A, B');
    expect(text(screen.getByText(/^Unions:/))).toBe('Unions: "C" has no union; give every player of the table one');
    expect(screen.queryByTestId('compare-preview')).toBeNull();
  });

  test('a method whose core check fails shows the function’s message', async () => {
    // Two duplicate catalogues: leave-one-out gives both 0, which is no split of v(N) = 10.
    const { user } = renderScreen(OUTSIDE);
    await user.click(screen.getByTestId('compare-table'));
    await user.paste('A\t10\nB\t10\nA,B\t10');
    await screen.findByTestId('compare-preview');
    expect(shown('leaveOneOut')).toEqual([0, 0]);
    expect(text(screen.getByTestId('compare-verdict-leaveOneOut'))).toMatch(/^Leave-one-out \(scaled to v\(N\)\): core check: #VALUE! /);
    // Shapley splits 5, 5: each catalogue alone is worth 10, so A (the first) would gain 5.
    expect(text(screen.getByTestId('compare-verdict-shapley'))).toBe('Shapley: A would gain 5 alone');
  });
});

describe('with the workbook', () => {
  test('from the selection, with unions: Insert writes the sheet; reopening the screen edits it', async () => {
    const mock = createExcelMock(workbookState('Data'));
    const data = getSheet(mock.state, 'Data');
    setCells(data, 'A1', [['Coalition', 'Value'], ['A', 50], ['B', 40], ['C', 30], ['A,B', 80], ['A,C', 80], ['B,C', 60], ['A,B,C', 100]]);
    mock.state.selection = { sheet: data, address: 'A1:B8' };
    const { user, view } = renderScreen(workbookOn(mock));
    await user.click(screen.getByTestId('compare-use-selection'));
    await screen.findByTestId('compare-preview');
    expect(text(screen.getByText(/^From the selection/))).toBe('From the selection Data!A1:B8; paste cells here instead to replace it.');
    await user.click(screen.getByTestId('compare-unions'));
    await user.paste('Landscapes and portraits: A, B\nAbstract: C');
    // Owen with unions {A, B}, {C}, by hand: the unions' game gives {A,B} 75 and C 25; inside
    // {A,B}, A gets (50 + (100 − 60))/2 = 45 and B gets (40 + (100 − 70))/2 = 30.
    await waitFor(() => expect(shown('owen')).toEqual([45, 30, 25]));
    await user.click(screen.getByTestId('compare-insert'));
    await waitFor(() => expect(text(screen.getByTestId('compare-status'))).toContain('The comparison is on sheet "Compare 1"'));
    const sheet = getSheet(mock.state, 'Compare 1');
    expect(cell(sheet, 'A1')?.value).toBe('Compare methods: Coalition table (Data!A1:B8)');
    expect(cell(sheet, 'G21')?.formula).toBe('=INDEX(PARTAGE.OWEN(Coalitions,Values,Unions),0,3)');
    expect(text(screen.getByTestId('compare-insert'))).toBe('Update "Compare 1"');

    view.unmount();
    renderScreen(workbookOn(mock));
    await waitFor(() => expect(text(screen.getByTestId('compare-mode'))).toBe('Editing sheet "Compare 1": Update rewrites it in place.'));
    expect((screen.getByTestId('compare-unions') as HTMLTextAreaElement).value).toBe('A\tLandscapes and portraits\nB\tLandscapes and portraits\nC\tAbstract');
    expect((screen.getByTestId('compare-table') as HTMLTextAreaElement).value.split('\n').slice(0, 3)).toEqual(['Coalition\tValue', '∅\t0', 'A\t50']);
    await screen.findByTestId('compare-preview');
    expect(shown('shapley')).toEqual([45, 30, 25]);
  });
});
