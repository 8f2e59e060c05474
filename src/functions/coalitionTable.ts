import { describeCell, isEmptyCell, parseNumberText, readNumber, readText, type Cell } from './cells';
import { FunctionError, invalidValue, placeOf, type Place } from './errors';
import { isOmitted, readGrid, readList, type Grid } from './ranges';

/**
 * Largest game a sheet can hold: 2^20 = 1,048,576 coalitions is Excel's row limit. Bigger
 * tables go to the companion from a file.
 */
export const MAX_SHEET_PLAYERS = 20;

/** A complete coalition table: `values[mask]` = v(S), bit i of mask ↔ `names[i]`. */
export interface CoalitionTable {
  readonly names: string[];
  readonly values: Float64Array;
}

/**
 * Reads SHAPLEY/BANZHAF input: coalitions as labels ("A,B", "A+B", "{A; B}", "A;B", and ""
 * / "{}" / "∅" for the empty coalition) or as a 0/1 membership matrix whose columns are named
 * by `players`; `values` one number per row.
 *
 * Rules worth knowing (README reference):
 * - A range with two or more columns is a membership matrix; a single column is labels, unless
 *   `players` names exactly one player and every filled cell is 0/1/TRUE/FALSE.
 * - Names are trimmed and matched case-insensitively; the first spelling seen is displayed.
 * - A row whose coalition and value are both empty is skipped, so a range may run past the data.
 * - v(∅) is 0 when the table leaves it out; every other coalition must be there (#N/A names the
 *   missing ones). A coalition given twice is fine with the same value, #VALUE! otherwise.
 */
export function readCoalitionTable(coalitions: unknown, values: unknown, players: unknown): CoalitionTable {
  const grid = readGrid(coalitions, 'coalitions');
  const valueCells = readValueColumn(values, grid.length);
  const playerList = isOmitted(players) ? undefined : readList(players, 'players');

  const membership =
    grid[0].length > 1 ||
    (playerList !== undefined && playerList.cells.filter((c) => !isEmptyCell(c)).length === 1 && looksLikeMembership(grid));

  const index = new PlayerIndex();
  const masks = new Int32Array(grid.length);
  if (membership) {
    if (playerList === undefined) {
      throw invalidValue(
        'players',
        `a coalitions range with ${grid[0].length} columns is a membership matrix: give the names of its ${grid[0].length} columns in players`,
      );
    }
    readMembershipPlayers(playerList.cells, playerList.place, grid[0].length, index);
    readMembershipMasks(grid, valueCells, masks);
  } else {
    if (playerList !== undefined) {
      playerList.cells.forEach((cell, i) => {
        if (isEmptyCell(cell)) return;
        const name = readText(cell);
        if (/[,;+{}]/.test(name)) {
          throw invalidValue(playerList.place(i), `"${name}" contains , ; + { or }, which coalition labels use between names`);
        }
        index.declare(name, playerList.place(i));
      });
      index.closed = true;
    }
    readLabelMasks(grid, valueCells, masks, index);
  }

  const n = index.names.length;
  if (n === 0) throw invalidValue('coalitions', 'no players found: every row is blank or the empty coalition');
  return fillTable(masks, valueCells, index.names);
}

const BLANK_ROW = -1;

function readValueColumn(values: unknown, height: number): Cell[] {
  const grid = readGrid(values, 'values');
  if (grid[0].length !== 1) {
    throw invalidValue('values', `expected one column, got ${grid[0].length} columns`);
  }
  if (grid.length !== height) {
    throw invalidValue('values', `has ${grid.length} rows but coalitions has ${height}: give one value per coalition row`);
  }
  const cells = new Array<Cell>(height);
  for (let r = 0; r < height; r++) cells[r] = grid[r][0];
  return cells;
}

function looksLikeMembership(grid: Grid): boolean {
  let filled = 0;
  for (const row of grid) {
    const cell = row[0];
    if (isEmptyCell(cell)) continue;
    if (membershipBit(cell) === undefined) return false;
    filled++;
  }
  return filled > 0;
}

/** 1 / 0 for a membership cell, undefined when the cell is not one. Empty means "not a member". */
function membershipBit(cell: Cell): 0 | 1 | undefined {
  if (cell === 1 || cell === true) return 1;
  if (cell === 0 || cell === false) return 0;
  if (isEmptyCell(cell)) return 0;
  if (typeof cell === 'string') {
    const text = cell.trim().toLowerCase();
    if (text === 'true') return 1;
    if (text === 'false') return 0;
    const number = parseNumberText(text);
    if (number === 1) return 1;
    if (number === 0) return 0;
  }
  return undefined;
}

/**
 * Player names → bits. Lookups go to the exact spelling first (one Map.get per name, the hot
 * path over a million rows) and fall back to the case-folded name only for spellings not seen
 * before, which are few. (Hashing the label text in place to avoid the substrings measured no
 * faster, so the simple version stays.)
 */
class PlayerIndex {
  readonly names: string[] = [];
  private readonly firstPlace: Place[] = [];
  private readonly exact = new Map<string, number>();
  private readonly folded = new Map<string, number>();
  /** When `players` was given, labels may only use its names. */
  closed = false;

  declare(name: string, place: Place): void {
    const key = foldName(name);
    const previous = this.folded.get(key);
    if (previous !== undefined) {
      throw invalidValue(place, `"${name}" repeats "${this.names[previous]}" (${this.firstPlace[previous]}); names are compared ignoring case`);
    }
    this.add(name, key, place);
  }

  /** The bit of a trimmed name found in coalitions row `row`. */
  bitOf(name: string, row: number): number {
    const known = this.exact.get(name);
    if (known !== undefined) return known;
    const key = foldName(name);
    let bit = this.folded.get(key);
    if (bit === undefined) {
      const place = placeOf('coalitions', row);
      if (this.closed) throw invalidValue(place, `"${name}" is not one of players (${this.names.join(', ')})`);
      if (/[{}]/.test(name)) throw invalidValue(place, `"${name}": unbalanced braces in a coalition label`);
      bit = this.add(name, key, place);
    }
    this.exact.set(name, bit);
    return bit;
  }

  private add(name: string, key: string, place: Place): number {
    if (this.names.length === MAX_SHEET_PLAYERS) {
      throw invalidValue(
        place,
        `"${name}" would be player ${MAX_SHEET_PLAYERS + 1}; a table in a sheet allows at most ${MAX_SHEET_PLAYERS} players (2^${MAX_SHEET_PLAYERS} coalitions)`,
      );
    }
    const bit = this.names.length;
    this.names.push(name);
    this.firstPlace.push(place);
    this.exact.set(name, bit);
    this.folded.set(key, bit);
    return bit;
  }
}

/** How names are compared (players, unions, works): case-insensitively, after Unicode normalisation. */
export function foldName(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

function readMembershipPlayers(cells: Cell[], place: (i: number) => Place, width: number, index: PlayerIndex): void {
  if (cells.length !== width) {
    throw invalidValue('players', `has ${cells.length} names but the membership matrix has ${width} columns`);
  }
  cells.forEach((cell, i) => {
    if (isEmptyCell(cell)) throw invalidValue(place(i), 'empty player name (every column of the membership matrix needs one)');
    index.declare(readText(cell), place(i));
  });
}

function readMembershipMasks(grid: Grid, valueCells: Cell[], masks: Int32Array): void {
  const width = grid[0].length;
  for (let r = 0; r < grid.length; r++) {
    const row = grid[r];
    let mask = 0;
    let blank = true;
    for (let c = 0; c < width; c++) {
      const cell = row[c];
      if (!isEmptyCell(cell)) blank = false;
      const bit = membershipBit(cell);
      if (bit === undefined) {
        throw invalidValue(
          placeOf('coalitions', r, width > 1 ? c : undefined),
          `expected 1/0 or TRUE/FALSE in a membership matrix, got ${describeCell(cell)}`,
        );
      }
      if (bit === 1) mask |= 1 << c;
    }
    masks[r] = blank && isEmptyCell(valueCells[r]) ? BLANK_ROW : mask;
  }
}

function readLabelMasks(grid: Grid, valueCells: Cell[], masks: Int32Array, index: PlayerIndex): void {
  for (let r = 0; r < grid.length; r++) {
    const cell = grid[r][0];
    if (typeof cell === 'string') {
      masks[r] = labelMask(cell, r, index);
      if (masks[r] === 0 && isEmptyCell(valueCells[r]) && cell.trim() === '') masks[r] = BLANK_ROW;
    } else if (typeof cell === 'number') {
      // A player may be called 1, 2, 3: the label is the number as displayed.
      masks[r] = 1 << index.bitOf(String(cell), r);
    } else if (cell === null) {
      masks[r] = isEmptyCell(valueCells[r]) ? BLANK_ROW : 0;
    } else {
      throw invalidValue(
        placeOf('coalitions', r),
        `${describeCell(cell)} is not a coalition label; TRUE/FALSE cells form a membership matrix, which needs the player names in players`,
      );
    }
  }
}

const COMMA = 44;
const SEMICOLON = 59;
const PLUS = 43;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

function isSpace(code: number): boolean {
  return code <= 32 || code === 0xa0 || code === 0x202f || code === 0x2007 || code === 0x2009 || code === 0x3000;
}

/**
 * The bitmask of a label, scanned once by hand: it finds the separators, trims each name and
 * catches empty names ("A,,B") in the same pass, with no regex and no intermediate array per
 * row: it runs for up to a million rows (2^20 labels of 20 players parse in about a second).
 */
function labelMask(text: string, row: number, index: PlayerIndex): number {
  let start = 0;
  let end = text.length;
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  if (end - start >= 2 && text.charCodeAt(start) === OPEN_BRACE && text.charCodeAt(end - 1) === CLOSE_BRACE) {
    start++;
    end--;
    while (start < end && isSpace(text.charCodeAt(start))) start++;
    while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  }
  if (start === end) return 0;
  if (end - start === 1 && text.charCodeAt(start) === 0x2205 /* ∅ */) return 0;

  let mask = 0;
  let from = start;
  for (let i = start; i <= end; i++) {
    const code = i < end ? text.charCodeAt(i) : COMMA;
    if (code !== COMMA && code !== SEMICOLON && code !== PLUS) continue;
    let a = from;
    let b = i;
    while (a < b && isSpace(text.charCodeAt(a))) a++;
    while (b > a && isSpace(text.charCodeAt(b - 1))) b--;
    if (a === b) {
      throw invalidValue(placeOf('coalitions', row), `empty player name in ${describeCell(text)}`);
    }
    const bit = index.bitOf(text.slice(a, b), row);
    const flag = 1 << bit;
    if ((mask & flag) !== 0) {
      throw invalidValue(placeOf('coalitions', row), `"${index.names[bit]}" appears twice in ${describeCell(text)}`);
    }
    mask |= flag;
    from = i + 1;
  }
  return mask;
}

const MISSING_LISTED = 5;

function fillTable(masks: Int32Array, valueCells: Cell[], names: string[]): CoalitionTable {
  const n = names.length;
  const size = 2 ** n;
  const values = new Float64Array(size);
  const rowOf = new Int32Array(size).fill(-1);
  for (let r = 0; r < masks.length; r++) {
    const mask = masks[r];
    if (mask === BLANK_ROW) continue;
    const value = readValue(valueCells[r], r);
    const earlier = rowOf[mask];
    if (earlier === -1) {
      rowOf[mask] = r;
      values[mask] = value;
    } else if (values[mask] !== value) {
      throw invalidValue(
        `coalitions, rows ${earlier + 1} and ${r + 1}`,
        `${coalitionName(mask, names)} is given twice with different values (${values[mask]} and ${value})`,
      );
    }
  }

  const missing: number[] = [];
  let missingCount = 0;
  for (let mask = 1; mask < size; mask++) {
    if (rowOf[mask] !== -1) continue;
    if (missing.length < MISSING_LISTED) missing.push(mask);
    missingCount++;
  }
  if (missingCount > 0) {
    const listed = missing.map((m) => coalitionName(m, names)).join(', ');
    const more = missingCount > missing.length ? ` and ${missingCount - missing.length} more` : '';
    throw new FunctionError(
      '#N/A',
      `coalitions: missing ${listed}${more}; all 2^${n} = ${size} coalitions of ${names.join(', ')} are needed (v(∅) may be left out, it is then 0)`,
    );
  }
  return { names, values };
}

function readValue(cell: Cell, row: number): number {
  if (row === 0 && typeof cell === 'string' && !isEmptyCell(cell) && parseNumberText(cell) === undefined) {
    throw invalidValue(placeOf('values', row), `expected a number, got the text ${describeCell(cell)} (leave headers out of the range)`);
  }
  return readNumber(cell, placeOf('values', row));
}

/** "{A, C}" in player order, "∅" for the empty coalition. */
export function coalitionName(mask: number, names: readonly string[]): string {
  if (mask === 0) return '∅';
  const members: string[] = [];
  for (let i = 0; i < names.length; i++) if ((mask & (1 << i)) !== 0) members.push(names[i]);
  return `{${members.join(', ')}}`;
}

/** "A,C": the members in player order joined by ",", the label form the table reads back. */
export function coalitionLabel(mask: number, names: readonly string[]): string {
  const members: string[] = [];
  for (let i = 0; i < names.length; i++) if ((mask & (1 << i)) !== 0) members.push(names[i]);
  return members.join(',');
}
