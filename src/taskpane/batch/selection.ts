/**
 * The batch runner's inputs from the sheet: the selected range (in Excel) or cells pasted into
 * the pane (anywhere; Excel copies cells as tab-separated text), read into games.
 *
 * Layouts (a header row is optional except for membership matrices):
 *   coalition table   two columns [coalition, value] ("A,B" / "A+B" / "{A; B}", empty or ∅ for
 *                     the empty coalition), or a membership matrix: a header row of player names
 *                     then 0/1 columns, the value in the last column. Parsed by the same code as
 *                     PARTAGE.SHAPLEY (src/functions/coalitionTable.ts).
 *   voting            [name, weight] or one column of weights.
 *   saturating scale  [name, size] or one column of catalogue sizes.
 */
import { isEmptyCell, parseNumberText, readNumber, readText, type Cell } from '../../functions/cells';
import { readCoalitionTable } from '../../functions/coalitionTable';
import { FunctionError } from '../../functions/errors';
import type { WorkbookAccess } from '../excel/workbook';
import { readSelection } from '../excel/rangeReader';

export type Grid = Cell[][];

/** A problem with the cells read, naming the row (and column) of the selection. */
export class SelectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectionError';
  }
}

export interface SelectedCells {
  /** "Sheet1!A1:B8", or "pasted cells". */
  source: string;
  grid: Grid;
}

export const PASTED = 'pasted cells';

/** The selected range's values. */
export async function readSelectedCells(workbook: WorkbookAccess): Promise<SelectedCells> {
  const content = await workbook.run((context) => readSelection(context));
  return { source: content.address, grid: content.values as Grid };
}

/**
 * Cells pasted as text: rows by line, cells by tab (what Excel puts on the clipboard). A line
 * without a tab, as typed by hand, splits at its last run of spaces into two cells ("A,B  80"), so
 * two-column layouts can be typed. Trailing empty lines are dropped; rows are padded to the same
 * width with empty cells.
 */
export function gridFromText(text: string): Grid {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length === 0) throw new SelectionError('Nothing pasted: paste cells copied from Excel, one row per line.');
  const rows = lines.map((line) => {
    if (line.includes('\t')) return line.split('\t').map((cell) => cell.trim());
    const match = /^(.*\S)\s+(\S+)\s*$/.exec(line);
    return match ? [match[1].trim(), match[2]] : [line.trim()];
  });
  const width = Math.max(...rows.map((r) => r.length));
  return rows.map((r) => [...r, ...new Array<string>(width - r.length).fill('')]);
}

function isNumberCell(cell: Cell): boolean {
  return typeof cell === 'number' || (typeof cell === 'string' && parseNumberText(cell) !== undefined);
}

/** A first row whose last cell is text that is not a number: a header. */
function hasHeader(grid: Grid): boolean {
  const last = grid[0][grid[0].length - 1];
  return grid.length > 1 && typeof last === 'string' && !isEmptyCell(last) && !isNumberCell(last);
}

function checkShape(grid: Grid): void {
  if (grid.length === 0 || grid[0].length === 0) throw new SelectionError('The selection is empty.');
}

/**
 * Rewrites the functions' places ("coalitions, row 3", "values, row 2", "players, column 2") as
 * places in the selection, whose first data row is `firstDataRow` (1-based).
 */
function inSelection(message: string, firstDataRow: number): string {
  return message
    .replace(/^(coalitions|values)(?:, row (\d+))?(?:, column (\d+))?/, (_all, _arg: string, row?: string, column?: string) => {
      if (row === undefined) return 'selection';
      return `selection, row ${Number(row) + firstDataRow - 1}${column === undefined ? '' : `, column ${column}`}`;
    })
    .replace(/^players(?:, (?:row|column) (\d+))?/, (_all, index?: string) => (index === undefined ? 'header row' : `header row, column ${index}`));
}

export interface TableFromCells {
  players: string[];
  values: number[];
}

export function tableFromGrid(grid: Grid): TableFromCells {
  checkShape(grid);
  const width = grid[0].length;
  if (width < 2) throw new SelectionError('A coalition table needs two columns (coalition, value), or a header row of player names with 0/1 columns and the value last.');
  const header = hasHeader(grid);
  if (width > 2 && !header) {
    throw new SelectionError(`${width} columns: a membership matrix needs a header row naming the ${width - 1} players, with the value column last.`);
  }
  const rows = header ? grid.slice(1) : grid;
  const coalitions = rows.map((r) => r.slice(0, width - 1));
  const values = rows.map((r) => [r[width - 1]]);
  const players = width > 2 ? [grid[0].slice(0, width - 1)] : null;
  try {
    const table = readCoalitionTable(coalitions, values, players);
    return { players: table.names, values: Array.from(table.values) };
  } catch (error) {
    if (error instanceof FunctionError) throw new SelectionError(inSelection(error.message, header ? 2 : 1));
    throw error;
  }
}

export interface WeightedPlayers {
  players: string[];
  /** Weights (voting) or catalogue sizes (saturating scale), one per player. */
  amounts: number[];
}

/**
 * [name, amount] rows or one column of amounts; rows whose amount is empty are skipped (a range
 * may run past the data); unnamed players are called "Player k".
 */
export function weightedPlayersFromGrid(grid: Grid, what: 'weight' | 'size'): WeightedPlayers {
  checkShape(grid);
  const width = grid[0].length;
  if (width > 2) throw new SelectionError(`Select two columns (name, ${what}) or one column of ${what}s; the selection has ${width}.`);
  const header = hasHeader(grid);
  const first = header ? 1 : 0;
  const players: string[] = [];
  const amounts: number[] = [];
  const seen = new Map<string, number>();
  for (let r = first; r < grid.length; r++) {
    const row = grid[r];
    const amountCell = row[width - 1];
    const place = `selection, row ${r + 1}`;
    if (isEmptyCell(amountCell)) {
      if (width === 2 && !isEmptyCell(row[0])) throw new SelectionError(`${place}: "${readText(row[0])}" has no ${what}`);
      continue;
    }
    let amount: number;
    try {
      amount = readNumber(amountCell, place);
    } catch (error) {
      throw new SelectionError(error instanceof Error ? error.message : String(error));
    }
    if (amount < 0) throw new SelectionError(`${place}: a ${what} must not be negative, got ${amount}`);
    const name = width === 2 && !isEmptyCell(row[0]) ? readText(row[0]) : `Player ${players.length + 1}`;
    const key = name.toLowerCase();
    if (seen.has(key)) throw new SelectionError(`${place}: "${name}" repeats row ${seen.get(key)! + 1}; give each player one row`);
    seen.set(key, r);
    players.push(name);
    amounts.push(amount);
  }
  if (players.length === 0) throw new SelectionError(`No ${what}s found in the selection.`);
  return { players, amounts };
}

/** The usual simple-majority quota for voting weights: more than half the total. */
export function majorityQuota(weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.every(Number.isInteger) ? Math.floor(total / 2) + 1 : total / 2;
}
