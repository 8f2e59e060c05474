import { poolSplit, type PoolMode } from '../engine/remuneration/poolSplit';
import { isEmptyCell, parseNumberText, readKeyword, readNumber, readText, type Cell } from './cells';
import { foldName } from './coalitionTable';
import { FunctionError, invalidValue, placeOf, withEngineErrors } from './errors';
import { isOmitted, readGrid, readList, readListNumber, readOptionalNumber, readSingleCell } from './ranges';

const MODES: ReadonlyMap<string, PoolMode> = new Map<string, PoolMode>([
  ['market', 'market'],
  ['market-centric', 'market'],
  ['user', 'user'],
  ['user-centric', 'user'],
  ['artist', 'artist'],
  ['artist-centric', 'artist'],
]);

/**
 * PARTAGE.POOLSPLIT(amount, usage, [mode], [threshold], [boost], [decimals], [userCap]): a pool
 * shared by use. `usage` has three or four columns [user, holder, plays, (activePlays)], may
 * start with a text header row, and may hold blank rows. User and holder names are trimmed and
 * compared ignoring case (the first spelling is shown). Returns [holder, amount] for every holder
 * in order of first appearance.
 */
export function POOLSPLIT(
  amount: unknown,
  usage: unknown,
  mode?: unknown,
  threshold?: unknown,
  boost?: unknown,
  decimals?: unknown,
  userCap?: unknown,
): (string | number)[][] {
  const amountValue = readNumber(readSingleCell(amount, 'amount'), 'amount');
  const grid = readGrid(usage, 'usage');
  const width = grid[0].length;
  if (width !== 3 && width !== 4) {
    throw invalidValue('usage', `expected three or four columns [user, holder, plays, (activePlays)], got ${width} column${width === 1 ? '' : 's'}`);
  }
  const modeValue = isOmitted(mode) ? undefined : readKeyword(readSingleCell(mode, 'mode'), 'mode', MODES, ['market', 'user', 'artist']);
  const [minPlays, minUsers] = readThreshold(threshold);
  const boostValue = readOptionalNumber(boost, 'boost');
  const decimalsValue = readOptionalNumber(decimals, 'decimals');
  const cap = readOptionalNumber(userCap, 'userCap');
  // #NUM!, as the contract says: a cap is a number of plays, and none can be ≤ 0.
  if (cap !== undefined && cap <= 0) throw new FunctionError('#NUM!', `userCap: expected a number of plays > 0, got ${cap}`);

  const rows = grid.length;
  const users = new Int32Array(rows);
  const holders = new Int32Array(rows);
  const plays = new Float64Array(rows);
  const active = new Float64Array(rows);
  const rowOf = new Int32Array(rows);
  const userIds = new NameIds();
  const holderIds = new NameIds();
  let n = 0;
  for (let r = 0; r < rows; r++) {
    const row = grid[r];
    const p = row[2];
    if (typeof p !== 'number') {
      if (row.every((cell) => isEmptyCell(cell))) continue;
      if (r === 0 && typeof p === 'string' && !isEmptyCell(p) && parseNumberText(p) === undefined) continue;
    }
    if (isEmptyCell(row[0])) throw invalidValue(placeOf('usage', r), 'empty user');
    if (isEmptyCell(row[1])) throw invalidValue(placeOf('usage', r), 'empty holder');
    users[n] = userIds.idOf(row[0]);
    holders[n] = holderIds.idOf(row[1]);
    plays[n] = typeof p === 'number' ? p : readNumber(p, placeOf('usage', r, 2));
    if (width === 4) {
      const a = row[3];
      active[n] = typeof a === 'number' ? a : isEmptyCell(a) ? 0 : readNumber(a, placeOf('usage', r, 3));
    }
    rowOf[n] = r;
    n++;
  }
  if (n === 0) throw invalidValue('usage', 'no rows [user, holder, plays]');

  const result = withEngineErrors(
    () =>
      poolSplit(
        amountValue,
        { users: users.subarray(0, n), holders: holders.subarray(0, n), plays: plays.subarray(0, n), activePlays: active.subarray(0, n) },
        { mode: modeValue, minPlays, minUsers, boost: boostValue, decimals: decimalsValue, userCap: cap },
      ),
    {
      plays: (k) => placeOf('usage', rowOf[k], 2),
      activePlays: (k) => placeOf('usage', rowOf[k], 3),
    },
  );
  return holderIds.names.map((name, h) => [name, result.amounts[h]]);
}

/** Nothing, minimum plays, or [minimum plays, minimum distinct users] in a row or a column. */
function readThreshold(value: unknown): [number | undefined, number | undefined] {
  if (isOmitted(value)) return [undefined, undefined];
  const list = readList(value, 'threshold');
  if (list.cells.length > 2) {
    throw invalidValue('threshold', `expected minimum plays, or two values [minimum plays, minimum distinct users]; got ${list.cells.length} values`);
  }
  const minPlays = readListNumber(list, 0);
  const minUsers = list.cells.length === 2 ? readListNumber(list, 1) : undefined;
  return [minPlays, minUsers];
}

/**
 * Dense ids in order of first appearance. A million-row log repeats a few thousand names, so
 * the raw cell value is looked up first and only a new spelling pays for trimming and folding.
 */
class NameIds {
  readonly names: string[] = [];
  private readonly byText = new Map<string, number>();
  private readonly byNumber = new Map<number, number>();
  private readonly byFolded = new Map<string, number>();

  idOf(cell: Cell): number {
    if (typeof cell === 'string') {
      const known = this.byText.get(cell);
      if (known !== undefined) return known;
      const id = this.fold(cell);
      this.byText.set(cell, id);
      return id;
    }
    if (typeof cell === 'number') {
      const known = this.byNumber.get(cell);
      if (known !== undefined) return known;
      const id = this.fold(cell);
      this.byNumber.set(cell, id);
      return id;
    }
    return this.fold(cell);
  }

  private fold(cell: Cell): number {
    const text = readText(cell);
    const key = foldName(text);
    let id = this.byFolded.get(key);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(text);
      this.byFolded.set(key, id);
    }
    return id;
  }
}
