import { describeCell, isEmptyCell, parseNumberText, readNumber, type Cell } from './cells';
import { invalidValue, placeOf, type Place } from './errors';

/** A range as Excel passes it to a matrix parameter: rows of cells, all rows the same length. */
export type Grid = Cell[][];

/** What our functions give back to Excel: a number, or rows of numbers and text. */
export type ExcelResult = number | string | (number | string)[][];

/**
 * An optional argument that was left out. Excel passes null (or undefined) for an omitted
 * argument, but a reference to an empty cell arrives as "" for a scalar parameter and as
 * [[""]] (or [[null]]) for a matrix one; a user who points an optional argument at an empty
 * input cell means "not given", so all of these count as omitted.
 */
export function isOmitted(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) {
    if (value.length === 0) return true;
    if (value.length !== 1 || !Array.isArray(value[0])) return false;
    const row = value[0] as unknown[];
    return row.length === 0 || (row.length === 1 && isEmptyCell(row[0] as Cell));
  }
  return false;
}

function checkCell(value: unknown, place: Place): Cell {
  if (value === undefined) return null;
  if (value === null || typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  // Linked data types (stocks, geography, entities) arrive as objects because the generated
  // metadata allows custom data for `any` parameters; none of our inputs can be one.
  throw invalidValue(place, 'expected a number, text or TRUE/FALSE, got a data type or object');
}

/**
 * Any argument as rows of cells: a single value becomes a 1×1 range. Checks the shape once so
 * later code can index freely. A flat list ([1, 2, 3]) is refused: Excel never sends one, and
 * from the CLI it would be ambiguous between a row and a column.
 */
export function readGrid(value: unknown, argument: string): Grid {
  if (!Array.isArray(value)) return [[checkCell(value, argument)]];
  if (value.length === 0) throw invalidValue(argument, 'expected a range, got an empty array');
  const rows = value as unknown[];
  const first = rows[0];
  if (!Array.isArray(first)) {
    throw invalidValue(argument, 'expected a range given as rows of cells, e.g. [[1], [2]] for a column or [[1, 2]] for a row');
  }
  const width = first.length;
  if (width === 0) throw invalidValue(argument, 'expected a range, got an empty row');
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    if (!Array.isArray(row)) {
      throw invalidValue(placeOf(argument, r), 'expected a row of cells (every row of a range is an array)');
    }
    if (row.length !== width) {
      throw invalidValue(placeOf(argument, r), `has ${row.length} cells but row 1 has ${width} (a range is rectangular)`);
    }
    for (let c = 0; c < width; c++) {
      const cell = row[c];
      // Fast path for the common types; only odd values pay for the full check. undefined is
      // replaced by null in place, which spares copying a million-row range.
      if (typeof cell !== 'number' && typeof cell !== 'string') row[c] = checkCell(cell, placeOf(argument, r, width > 1 ? c : undefined));
    }
  }
  return rows as Grid;
}

/** A single-value argument: a value or a 1×1 range. */
export function readSingleCell(value: unknown, argument: string): Cell {
  const grid = readGrid(value, argument);
  if (grid.length !== 1 || grid[0].length !== 1) {
    throw invalidValue(argument, `expected a single value, got a range of ${grid.length} rows × ${grid[0].length} columns`);
  }
  return grid[0][0];
}

/** A required number given as a single value. */
export function readNumberArgument(value: unknown, argument: string): number {
  return readNumber(readSingleCell(value, argument), argument);
}

/** An optional number; undefined when omitted. */
export function readOptionalNumber(value: unknown, argument: string): number | undefined {
  return isOmitted(value) ? undefined : readNumberArgument(value, argument);
}

/**
 * A one-dimensional argument. A column is the normal form (one item per row); a single row is
 * accepted too, because people lay out a few voters or holders across a header line, and the
 * result then comes back as a row. A plain value is a list of one.
 */
export interface List {
  readonly argument: string;
  readonly cells: Cell[];
  readonly orientation: 'column' | 'row' | 'value';
  /** How a message names item i: "weights, row 3" (column), "weights, column 3" (row), "weights" (value). */
  place(index: number): Place;
}

export function readList(value: unknown, argument: string): List {
  const grid = readGrid(value, argument);
  const rows = grid.length;
  const columns = grid[0].length;
  if (!Array.isArray(value)) {
    return { argument, cells: [grid[0][0]], orientation: 'value', place: () => argument };
  }
  if (columns === 1) {
    const cells = new Array<Cell>(rows);
    for (let r = 0; r < rows; r++) cells[r] = grid[r][0];
    return { argument, cells, orientation: 'column', place: (i) => placeOf(argument, i) };
  }
  if (rows === 1) {
    return { argument, cells: grid[0].slice(), orientation: 'row', place: (i) => `${argument}, column ${i + 1}` };
  }
  throw invalidValue(argument, `expected one column (or one row), got a range of ${rows} rows × ${columns} columns`);
}

/**
 * Item i of a list as a number. When the first item is text that is not a number it is most
 * likely a header caught in the range, and the message says so.
 */
export function readListNumber(list: List, index: number): number {
  const cell = list.cells[index];
  if (index === 0 && list.cells.length > 1 && typeof cell === 'string' && !isEmptyCell(cell) && parseNumberText(cell) === undefined) {
    throw invalidValue(list.place(index), `expected a number, got the text ${describeCell(cell)} (leave headers out of the range)`);
  }
  return readNumber(cell, list.place(index));
}

/** Lays out one result per list item in the list's own orientation. */
export function shapeLike(list: List, values: readonly (number | string)[]): (number | string)[][] {
  if (list.orientation === 'row') return [values.slice()];
  return values.map((v) => [v]);
}
