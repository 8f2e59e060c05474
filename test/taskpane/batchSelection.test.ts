/**
 * The batch runner's inputs from cells: pasted text, the selected range of the (mock) workbook,
 * and the games read from them, with problems reported at their row of the selection. Expected
 * tables are laid out here by hand in mask order (bit i ↔ the i-th player met).
 */
import { gridFromText, majorityQuota, readSelectedCells, SelectionError, tableFromGrid, weightedPlayersFromGrid } from '../../src/taskpane/batch/selection';
import type { WorkbookAccess } from '../../src/taskpane/excel/workbook';
import { createExcelMock, getSheet, setCells, workbookState } from './excelMock';

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SelectionError);
    return (error as Error).message;
  }
  throw new Error('expected a SelectionError');
}

describe('gridFromText', () => {
  test('tab-separated rows as Excel copies them, CRLF or LF, trailing blank lines dropped, rows padded', () => {
    expect(gridFromText('A\t10\r\nA,B\t30\r\n\tx\ty\r\n\r\n')).toEqual([
      ['A', '10', ''],
      ['A,B', '30', ''],
      ['', 'x', 'y'],
    ]);
  });

  test('lines typed by hand split at their last run of spaces', () => {
    expect(gridFromText('A, B   80\nC 5\n∅')).toEqual([
      ['A, B', '80'],
      ['C', '5'],
      ['∅', ''],
    ]);
  });

  test('nothing pasted is an error', () => {
    expect(errorOf(() => gridFromText('\n  \n'))).toMatch(/^Nothing pasted/);
  });
});

describe('tableFromGrid', () => {
  test('two columns of labels and values, any order, with a header; v(∅) defaults to 0', () => {
    const table = tableFromGrid(gridFromText('Coalition\tValue\nB\t30\nA\t50\nA+B\t100'));
    expect(table).toEqual({ players: ['B', 'A'], values: [0, 30, 50, 100] });
  });

  test('a membership matrix: header of player names, 0/1 cells, value last', () => {
    const grid = [
      ['Le Temps', 'NZZ', 'Tamedia', 'v'],
      [0, 0, 0, 0],
      [1, 0, 0, 10],
      [0, 1, 0, 20],
      [1, 1, 0, 40],
      [0, 0, 1, 5],
      [1, 0, 1, 15],
      [0, 1, 1, 25],
      [1, 1, 1, 60],
    ];
    expect(tableFromGrid(grid)).toEqual({ players: ['Le Temps', 'NZZ', 'Tamedia'], values: [0, 10, 20, 40, 5, 15, 25, 60] });
  });

  test('problems name their row in the selection (counting the header)', () => {
    expect(errorOf(() => tableFromGrid(gridFromText('Coalition\tValue\nA\t1\nB\tlots\nA,B\t3')))).toBe('selection, row 3: expected a number, got the text "lots"');
    expect(errorOf(() => tableFromGrid(gridFromText('A\t1\nB\t2')))).toMatch(/^selection: missing \{A, B\}; all 2\^2 = 4 coalitions/);
    expect(errorOf(() => tableFromGrid([[1, 0, 5]]))).toMatch(/membership matrix needs a header row naming the 2 players/);
    expect(errorOf(() => tableFromGrid([['A'], ['B']]))).toMatch(/needs two columns/);
  });
});

describe('weightedPlayersFromGrid', () => {
  test('names and weights with a header; empty rows skipped', () => {
    expect(weightedPlayersFromGrid(gridFromText('Member\tSeats\nBoard A\t4\n\t\nBoard B\t3'), 'weight')).toEqual({ players: ['Board A', 'Board B'], amounts: [4, 3] });
  });

  test('one column of sizes: players are numbered', () => {
    expect(weightedPlayersFromGrid([[1200], [300], ['60']], 'size')).toEqual({ players: ['Player 1', 'Player 2', 'Player 3'], amounts: [1200, 300, 60] });
  });

  test('refuses negatives, repeated names, missing amounts and wide ranges, naming the row', () => {
    expect(errorOf(() => weightedPlayersFromGrid([['A', -1]], 'weight'))).toBe('selection, row 1: a weight must not be negative, got -1');
    expect(errorOf(() => weightedPlayersFromGrid([['A', 1], ['a', 2]], 'weight'))).toBe('selection, row 2: "a" repeats row 1; give each player one row');
    expect(errorOf(() => weightedPlayersFromGrid([['A', 1], ['B', '']], 'size'))).toBe('selection, row 2: "B" has no size');
    expect(errorOf(() => weightedPlayersFromGrid([['A', 1, 2]], 'size'))).toMatch(/two columns \(name, size\) or one column of sizes; the selection has 3/);
    expect(errorOf(() => weightedPlayersFromGrid([['Name', 'Weight']], 'weight'))).toMatch(/expected a number, got the text "Weight"/);
  });
});

test('majorityQuota: more than half of whole-number weights; half of fractional ones', () => {
  expect(majorityQuota([4, 3, 2, 1])).toBe(6);
  expect(majorityQuota([3, 2, 2])).toBe(4);
  expect(majorityQuota([0.5, 0.25])).toBe(0.375);
});

test('readSelectedCells reads the selected range of the workbook with its address', async () => {
  const mock = createExcelMock(workbookState('Games'));
  const sheet = getSheet(mock.state, 'Games');
  setCells(sheet, 'B2', [
    ['Coalition', 'Value'],
    ['A', 50],
    ['B', 30],
    ['A,B', 100],
  ]);
  mock.state.selection = { sheet, address: 'B2:C5' };
  const workbook: WorkbookAccess = { available: true, supports: () => true, run: (batch) => batch(mock.context) };
  const cells = await readSelectedCells(workbook);
  expect(cells.source).toMatch(/^'?Games'?!B2:C5$/);
  expect(tableFromGrid(cells.grid)).toEqual({ players: ['A', 'B'], values: [0, 50, 30, 100] });
});
