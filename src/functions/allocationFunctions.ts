import { coreGap } from '../engine/shapley/coreGap';
import { leaveOneOut } from '../engine/shapley/leaveOneOut';
import { owenValue } from '../engine/shapley/owen';
import { describeCell, isEmptyCell, parseNumberText, readText, type Cell } from './cells';
import { coalitionLabel, foldName, readCoalitionTable, type CoalitionTable } from './coalitionTable';
import { FunctionError, invalidValue, placeOf, withEngineErrors } from './errors';
import { readGrid, readList, readListNumber } from './ranges';

/**
 * PARTAGE.OWEN(coalitions, values, unions): the Owen value with a priori unions, one row
 * [player, union, value] per row of `unions`, in its order. `unions` has two columns
 * [player, union] naming every player of the table exactly once (names compared as in the
 * table: trimmed, ignoring case); a first row whose player is not a player of the table and
 * whose cells are text is a header.
 */
export function OWEN(coalitions: unknown, values: unknown, unions: unknown): (string | number)[][] {
  if (readGrid(coalitions, 'coalitions')[0].length > 1) {
    throw invalidValue(
      'coalitions',
      'OWEN reads a column of coalition labels such as A,B; a membership matrix would need player names, which OWEN does not take: write the coalitions as labels',
    );
  }
  const table = readCoalitionTable(coalitions, values, undefined);
  const partition = readUnions(unions, table);
  const phi = withEngineErrors(() => owenValue(table.values, table.names.length, partition.members));
  return partition.rows.map(({ player, union }) => [table.names[player], partition.unionNames[union], phi[player]]);
}

/** PARTAGE.LEAVEONEOUT(coalitions, values, [players]): [player, v(N) − v(N∖{player})] per player. */
export function LEAVEONEOUT(coalitions: unknown, values: unknown, players?: unknown): (string | number)[][] {
  const table = readCoalitionTable(coalitions, values, players);
  const loo = withEngineErrors(() => leaveOneOut(table.values, table.names.length));
  return table.names.map((name, i) => [name, loo[i]]);
}

/**
 * PARTAGE.COREGAP(coalitions, values, allocation, [players]): the coalition (∅ ≠ S ≠ N) with
 * the largest excess v(S) − Σ_{i∈S} xᵢ under the proposed split `allocation` (one amount per
 * player, in the order SHAPLEY lists them, summing to v(N)), as one row [coalition, excess];
 * the coalition is written as its members in player order joined by ",". Excess ≤ 0: the split
 * is in the core.
 */
export function COREGAP(coalitions: unknown, values: unknown, allocation: unknown, players?: unknown): (string | number)[][] {
  const table = readCoalitionTable(coalitions, values, players);
  const n = table.names.length;
  const list = readList(allocation, 'allocation');
  if (list.cells.length !== n) {
    throw invalidValue(
      'allocation',
      `has ${list.cells.length} amounts but the coalition table has ${n} players (${table.names.join(', ')}): give one amount per player, in the order SHAPLEY lists them`,
    );
  }
  const x = list.cells.map((_, i) => readListNumber(list, i));
  const gap = withEngineErrors(() => coreGap(table.values, n, x), { allocation: (i) => list.place(i) });
  return [[coalitionLabel(gap.mask, table.names), gap.excess]];
}

interface Partition {
  /** Player indices of each union, in order of first appearance. */
  members: number[][];
  /** As first written: text trimmed, a number kept a number (stage 1, 2, 3). */
  unionNames: (string | number)[];
  /** The rows of `unions` that name a player, in order. */
  rows: { player: number; union: number }[];
}

function readUnions(unions: unknown, table: CoalitionTable): Partition {
  const grid = readGrid(unions, 'unions');
  if (grid[0].length !== 2) {
    throw invalidValue('unions', `expected two columns [player, union], got ${grid[0].length} column${grid[0].length === 1 ? '' : 's'}`);
  }
  const names = table.names;
  const playerOf = new Map(names.map((name, i) => [foldName(name), i]));
  const rowOfPlayer = new Array<number>(names.length).fill(-1);
  const unionOf = new Map<string, number>();
  const partition: Partition = { members: [], unionNames: [], rows: [] };

  grid.forEach(([playerCell, unionCell], r) => {
    if (isEmptyCell(playerCell) && isEmptyCell(unionCell)) return;
    const place = placeOf('unions', r);
    const playerName = readText(playerCell);
    const player = playerOf.get(foldName(playerName));
    if (r === 0 && player === undefined && isLabel(playerCell) && isLabel(unionCell)) return; // header
    if (isEmptyCell(playerCell)) throw invalidValue(place, `empty player name (union ${describeCell(unionCell)})`);
    if (player === undefined) {
      throw invalidValue(place, `"${playerName}" is not a player of the coalition table (${names.join(', ')})`);
    }
    if (rowOfPlayer[player] !== -1) {
      throw invalidValue(place, `"${names[player]}" is already listed in unions row ${rowOfPlayer[player] + 1}: each player belongs to exactly one union`);
    }
    if (isEmptyCell(unionCell)) throw invalidValue(place, `"${names[player]}" has an empty union`);
    rowOfPlayer[player] = r;
    const unionName = readText(unionCell);
    const key = foldName(unionName);
    let union = unionOf.get(key);
    if (union === undefined) {
      union = partition.members.length;
      unionOf.set(key, union);
      partition.members.push([]);
      partition.unionNames.push(typeof unionCell === 'number' ? unionCell : unionName);
    }
    partition.members[union].push(player);
    partition.rows.push({ player, union });
  });

  const missing = names.filter((_, i) => rowOfPlayer[i] === -1);
  if (missing.length > 0) {
    const list = missing.map((name) => `"${name}"`).join(', ');
    throw new FunctionError(
      '#N/A',
      `unions: ${list} of the coalition table ${missing.length === 1 ? 'is' : 'are'} in no union; list every player once as [player, union]`,
    );
  }
  return partition;
}

/** Text that is not a number: what a header cell looks like. */
function isLabel(cell: Cell): boolean {
  return typeof cell === 'string' && !isEmptyCell(cell) && parseNumberText(cell) === undefined;
}
