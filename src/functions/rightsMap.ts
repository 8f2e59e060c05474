import { rightsMap, type OwnershipRow, type WorkAmount } from '../engine/remuneration/rightsMap';
import { isEmptyCell, parseNumberText, readNumber, readText, type Cell } from './cells';
import { foldName } from './coalitionTable';
import { FunctionError, invalidValue, placeOf, withEngineErrors } from './errors';
import { readGrid, readOptionalNumber, type Grid } from './ranges';

/**
 * PARTAGE.RIGHTSMAP(amounts, ownership, [decimals]): amounts attributed to works ([work,
 * amount] rows) passed on to their rightholders ([work, rightholder, share] rows), one row
 * [rightholder, amount] per rightholder in order of first appearance in `ownership`, rounded to
 * `decimals` (default 2) so that they sum exactly to the total. Work and rightholder names are
 * trimmed and compared ignoring case (the first spelling is shown); each table may start with a
 * text header row; blank rows are skipped.
 */
export function RIGHTSMAP(amounts: unknown, ownership: unknown, decimals?: unknown): (string | number)[][] {
  const amountGrid = readTable(amounts, 'amounts', 2, '[work, amount]');
  const ownershipGrid = readTable(ownership, 'ownership', 3, '[work, rightholder, share]');
  const decimalsValue = readOptionalNumber(decimals, 'decimals');

  const works = new Map<string, string>(); // folded → the spelling passed to the engine
  const canonical = (name: string, names: Map<string, string>): string => {
    const key = foldName(name);
    const known = names.get(key);
    if (known !== undefined) return known;
    names.set(key, name);
    return name;
  };

  const workAmounts: WorkAmount[] = [];
  const amountRows: number[] = [];
  forEachDataRow(amountGrid, 2, (row, r) => {
    const place = placeOf('amounts', r);
    if (isEmptyCell(row[0])) throw invalidValue(place, 'empty work name');
    const work = canonical(readText(row[0]), works);
    workAmounts.push({ work, amount: readNumber(row[1], place) });
    amountRows.push(r);
  });

  const holders = new Map<string, string>();
  const rows: OwnershipRow[] = [];
  const ownershipRows: number[] = [];
  const owned = new Set<string>();
  forEachDataRow(ownershipGrid, 3, (row, r) => {
    const place = placeOf('ownership', r);
    if (isEmptyCell(row[0])) throw invalidValue(place, 'empty work name');
    if (isEmptyCell(row[1])) throw invalidValue(place, `empty rightholder name for "${readText(row[0])}"`);
    const work = canonical(readText(row[0]), works);
    rows.push({ work, rightholder: canonical(readText(row[1]), holders), share: readNumber(row[2], place) });
    ownershipRows.push(r);
    owned.add(work);
  });
  if (rows.length === 0) throw invalidValue('ownership', 'no rows [work, rightholder, share]');

  workAmounts.forEach(({ work, amount }, k) => {
    if (amount !== 0 && !owned.has(work)) {
      throw new FunctionError('#N/A', `${placeOf('amounts', amountRows[k])}: "${work}" has no owner in ownership`);
    }
  });

  const result = withEngineErrors(() => rightsMap(workAmounts, rows, { decimals: decimalsValue }), {
    amounts: (k) => placeOf('amounts', amountRows[k]),
    ownership: (k) => placeOf('ownership', ownershipRows[k]),
  });
  return result.rightholders.map((name, h) => [name, result.amounts[h]]);
}

function readTable(value: unknown, argument: string, columns: number, layout: string): Grid {
  const grid = readGrid(value, argument);
  if (grid[0].length !== columns) {
    throw invalidValue(argument, `expected ${columns} columns ${layout}, got ${grid[0].length} column${grid[0].length === 1 ? '' : 's'}`);
  }
  return grid;
}

/**
 * Calls `visit` for every row that is not blank, skipping a first row whose last (number)
 * column holds text that is not a number: a header.
 */
function forEachDataRow(grid: Grid, columns: number, visit: (row: Cell[], r: number) => void): void {
  grid.forEach((row, r) => {
    if (row.every((cell) => isEmptyCell(cell))) return;
    const last = row[columns - 1];
    if (r === 0 && typeof last === 'string' && !isEmptyCell(last) && parseNumberText(last) === undefined) return;
    visit(row, r);
  });
}
