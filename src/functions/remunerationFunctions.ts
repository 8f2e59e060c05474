import { payToTrain, type Holder } from '../engine/remuneration/payToTrain';
import {
  purposeShare,
  type Purpose,
  type PurposeRates,
  type PurposeShareMode,
  type RateSlice,
} from '../engine/remuneration/purposeShare';
import { transferBase, type RevenueLine } from '../engine/remuneration/transferBase';
import { describeCell, isEmptyCell, parseNumberText, readKeyword, readNumber, type Cell } from './cells';
import { invalidValue, placeOf, withEngineErrors, type Place } from './errors';
import {
  isOmitted,
  readGrid,
  readList,
  readListNumber,
  readNumberArgument,
  readOptionalNumber,
  readSingleCell,
  shapeLike,
  type List,
} from './ranges';

/**
 * An optional argument that goes with a list of rows: left out, one value for every row, or
 * its own list of the same length (one value per row).
 */
export type Aligned = { kind: 'omitted' } | { kind: 'single'; cell: Cell } | { kind: 'list'; list: List };

export function readAligned(value: unknown, argument: string, rows: List): Aligned {
  if (isOmitted(value)) return { kind: 'omitted' };
  const list = readList(value, argument);
  if (list.cells.length === 1 && (rows.cells.length !== 1 || list.orientation === 'value')) {
    return { kind: 'single', cell: list.cells[0] };
  }
  if (list.cells.length !== rows.cells.length) {
    throw invalidValue(
      argument,
      `has ${list.cells.length} values but ${rows.argument} has ${rows.cells.length}: give one value for all, or one per ${rows.argument} row`,
    );
  }
  return { kind: 'list', list };
}

export function alignedCellIsEmpty(aligned: Aligned, i: number): boolean {
  return aligned.kind !== 'list' || isEmptyCell(aligned.list.cells[i]);
}

/**
 * The number of an aligned argument for row i. `emptyAs` is what an empty cell means, or
 * undefined when an empty cell is an error.
 */
export function alignedNumber(aligned: Aligned, argument: string, i: number, emptyAs?: number): number | undefined {
  if (aligned.kind === 'omitted') return undefined;
  const cell = aligned.kind === 'single' ? aligned.cell : aligned.list.cells[i];
  if (emptyAs !== undefined && isEmptyCell(cell)) return emptyAs;
  return aligned.kind === 'single' ? readNumber(cell, argument) : readListNumber(aligned.list, i);
}

/** Engine index k (of the rows we passed) → the user's place in that argument. */
export function alignedPlace(aligned: Aligned, argument: string, rowOf: readonly number[]): (k: number) => Place {
  return (k) => (aligned.kind === 'list' ? aligned.list.place(rowOf[k]) : argument);
}

/**
 * PARTAGE.TRANSFERBASE(revenue, [linkShare], [counterfactualShare], [deductions]): step A,
 * Σ (revenueᵢ − deductionᵢ) × linkShareᵢ × counterfactualShareᵢ over the revenue rows.
 * Each optional argument is one value for all rows or one per row; left out, the shares are 1
 * and the deduction 0. An empty deductions cell means no deduction; an empty share cell is an
 * error (an unknown share is not 100 %). A row empty in every argument is skipped.
 */
export function TRANSFERBASE(revenue: unknown, linkShare?: unknown, counterfactualShare?: unknown, deductions?: unknown): number {
  const revenueList = readList(revenue, 'revenue');
  const link = readAligned(linkShare, 'linkShare', revenueList);
  const counterfactual = readAligned(counterfactualShare, 'counterfactualShare', revenueList);
  const deduction = readAligned(deductions, 'deductions', revenueList);

  const lines: RevenueLine[] = [];
  const rowOf: number[] = [];
  revenueList.cells.forEach((cell, i) => {
    if (isEmptyCell(cell) && alignedCellIsEmpty(link, i) && alignedCellIsEmpty(counterfactual, i) && alignedCellIsEmpty(deduction, i)) {
      return;
    }
    lines.push({
      revenue: readListNumber(revenueList, i),
      linkShare: alignedNumber(link, 'linkShare', i),
      counterfactualShare: alignedNumber(counterfactual, 'counterfactualShare', i),
      deduction: alignedNumber(deduction, 'deductions', i, 0),
    });
    rowOf.push(i);
  });

  const result = withEngineErrors(() => transferBase(lines), {
    revenue: (k) => revenueList.place(rowOf[k]),
    linkShare: alignedPlace(link, 'linkShare', rowOf),
    counterfactualShare: alignedPlace(counterfactual, 'counterfactualShare', rowOf),
    deductions: alignedPlace(deduction, 'deductions', rowOf),
  });
  return result.base;
}

const PURPOSE_NAMES: ReadonlyMap<string, Purpose> = new Map<string, Purpose>([
  ['generalist', 1],
  ['specialised', 2],
  ['specialized', 2],
  ['competing', 3],
]);
const PURPOSE_HELP = '1 (generalist), 2 (specialised) or 3 (competing)';

/** 1, 2, 3 (as numbers or text) or the purpose's name, case-insensitively. */
function readPurpose(cell: Cell, place: Place): Purpose {
  const number = typeof cell === 'number' ? cell : typeof cell === 'string' ? parseNumberText(cell) : undefined;
  if (number === 1 || number === 2 || number === 3) return number;
  const named = typeof cell === 'string' ? PURPOSE_NAMES.get(cell.trim().toLowerCase()) : undefined;
  if (named !== undefined) return named;
  throw invalidValue(place, `expected ${PURPOSE_HELP}, got ${describeCell(cell)}`);
}

const MODE_NAMES: ReadonlyMap<string, PurposeShareMode> = new Map<string, PurposeShareMode>([
  ['marginal', 'marginal'],
  ['bracket', 'bracket'],
]);

/**
 * `rates` by shape: one cell is one rate for every purpose; three cells in a row or a column
 * are the rates of purposes 1, 2, 3; a range of three columns with two or more rows is a
 * schedule [purpose, from, rate], whose first row may be a header (its from and rate cells are
 * text). A single row of three numbers is read as three rates, not as a one-row schedule
 * (such a schedule would be one flat rate for one purpose only); a single row starting with a
 * purpose's name ("competing", 0, 0.1) can only be a schedule row and is read as one.
 */
function readRates(value: unknown): { rates: PurposeRates; placeOfIndex: (k: number) => Place } {
  const grid = readGrid(value, 'rates');
  const rows = grid.length;
  const columns = grid[0].length;
  if (rows === 1 && columns === 1) {
    return { rates: readNumber(grid[0][0], 'rates'), placeOfIndex: () => 'rates' };
  }
  const hasHeader = columns === 3 && isHeaderRow(grid[0]);
  const oneScheduleRow = rows === 1 && columns === 3 && isPurposeName(grid[0][0]);
  if ((rows === 1 && columns === 3 && !hasHeader && !oneScheduleRow) || (rows === 3 && columns === 1)) {
    const place = (k: number): Place => (rows === 1 ? `rates, column ${k + 1}` : placeOf('rates', k));
    const cells = rows === 1 ? grid[0] : grid.map((row) => row[0]);
    return { rates: cells.map((cell, k) => readNumber(cell, place(k))), placeOfIndex: place };
  }
  if (columns !== 3) {
    throw invalidValue(
      'rates',
      `expected one rate, three rates (one per purpose, in a row or a column) or a schedule of three columns [purpose, from, rate]; got ${rows} rows × ${columns} columns`,
    );
  }
  const slices: RateSlice[] = [];
  const rowOf: number[] = [];
  for (let r = hasHeader ? 1 : 0; r < rows; r++) {
    const row = grid[r];
    if (row.every((cell) => isEmptyCell(cell))) continue;
    slices.push({
      purpose: readPurpose(row[0], placeOf('rates', r, 0)),
      from: readNumber(row[1], placeOf('rates', r, 1)),
      rate: readNumber(row[2], placeOf('rates', r, 2)),
    });
    rowOf.push(r);
  }
  if (slices.length === 0) throw invalidValue('rates', 'the schedule has no rows [purpose, from, rate] below its header');
  return { rates: slices, placeOfIndex: (k) => placeOf('rates', rowOf[k]) };
}

function isPurposeName(cell: Cell): boolean {
  return typeof cell === 'string' && PURPOSE_NAMES.has(cell.trim().toLowerCase());
}

function isHeaderRow(row: Cell[]): boolean {
  const isLabel = (cell: Cell): boolean => typeof cell === 'string' && !isEmptyCell(cell) && parseNumberText(cell) === undefined;
  return isLabel(row[1]) && isLabel(row[2]);
}

/**
 * PARTAGE.PURPOSESHARE(base, purpose, rates, [minimum], [mode]): step P, the amount of the base
 * that goes to culture for the AI system's intended purpose, at least `minimum`.
 */
export function PURPOSESHARE(base: unknown, purpose: unknown, rates: unknown, minimum?: unknown, mode?: unknown): number {
  const baseValue = readNumberArgument(base, 'base');
  const purposeValue = readPurpose(readSingleCell(purpose, 'purpose'), 'purpose');
  const { rates: rateValues, placeOfIndex } = readRates(rates);
  const minimumValue = readOptionalNumber(minimum, 'minimum');
  const modeValue = isOmitted(mode) ? undefined : readKeyword(readSingleCell(mode, 'mode'), 'mode', MODE_NAMES, ['marginal', 'bracket']);
  const result = withEngineErrors(
    () => purposeShare(baseValue, purposeValue, rateValues, { minimum: minimumValue, mode: modeValue }),
    { rates: placeOfIndex },
  );
  return result.amount;
}

/**
 * PARTAGE.PAYTOTRAIN(amount, counts, [weights], [minimumPayout], [decimals]): step R, the
 * amount split pro rata to count × weight, rounded to `decimals` (default 2) so that the
 * payouts sum exactly to the amount. One payout per row of counts (a row when counts is a
 * row); a row empty in counts and weights is skipped and its result cell left empty.
 */
export function PAYTOTRAIN(amount: unknown, counts: unknown, weights?: unknown, minimumPayout?: unknown, decimals?: unknown): (string | number)[][] {
  const amountValue = readNumberArgument(amount, 'amount');
  const countList = readList(counts, 'counts');
  const weight = readAligned(weights, 'weights', countList);
  const minimumValue = readOptionalNumber(minimumPayout, 'minimumPayout');
  const decimalsValue = readOptionalNumber(decimals, 'decimals');

  const holders: Holder[] = [];
  const rowOf: number[] = [];
  countList.cells.forEach((cell, i) => {
    if (isEmptyCell(cell) && alignedCellIsEmpty(weight, i)) return;
    holders.push({ count: readListNumber(countList, i), weight: alignedNumber(weight, 'weights', i) });
    rowOf.push(i);
  });

  const result = withEngineErrors(
    () => payToTrain(amountValue, holders, { minimumPayout: minimumValue, decimals: decimalsValue }),
    { counts: (k) => countList.place(rowOf[k]), weights: alignedPlace(weight, 'weights', rowOf) },
  );
  const out = new Array<number | string>(countList.cells.length).fill('');
  rowOf.forEach((row, k) => {
    out[row] = result.payouts[k];
  });
  return shapeLike(countList, out);
}
