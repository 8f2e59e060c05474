import { nucleolus, type NucleolusKind } from '../engine/shapley/nucleolus';
import { loadHighs } from '../lp/highs';
import { readKeyword } from './cells';
import { readCoalitionTable } from './coalitionTable';
import { invalidValue, withEngineErrors } from './errors';
import { isOmitted, readSingleCell } from './ranges';

/**
 * Most players NUCLEOLUS takes in a sheet. Each LP level enumerates the 2^n excesses and the
 * levels are up to n − 1: a random 16-player game takes ~0.3 s, 20 players ~2 s or more (bench
 * "nucleolus n=16", "nucleolus n=20"), too long for a recalculating cell. The companion's
 * shapley.nucleolus job runs the same code up to 20.
 */
export const MAX_NUCLEOLUS_SHEET_PLAYERS = 16;

const KIND_NAMES: ReadonlyMap<string, NucleolusKind> = new Map([
  ['nucleolus', 'nucleolus'],
  ['prenucleolus', 'prenucleolus'],
  ['pre-nucleolus', 'prenucleolus'],
]);

/**
 * PARTAGE.NUCLEOLUS(coalitions, values, [players], [kind]): [player, value] per player, the
 * nucleolus ("nucleolus", the default: over the imputations) or the pre-nucleolus of the game.
 * Asynchronous: the LP solver (HiGHS in WebAssembly) is loaded on the first call.
 */
export async function NUCLEOLUS(coalitions: unknown, values: unknown, players?: unknown, kind?: unknown): Promise<(string | number)[][]> {
  const table = readCoalitionTable(coalitions, values, players);
  const kindValue = isOmitted(kind) ? 'nucleolus' : readKeyword(readSingleCell(kind, 'kind'), 'kind', KIND_NAMES, ['nucleolus', 'prenucleolus']);
  const n = table.names.length;
  if (n > MAX_NUCLEOLUS_SHEET_PLAYERS) {
    throw invalidValue(
      'coalitions',
      `${n} players: NUCLEOLUS takes at most ${MAX_NUCLEOLUS_SHEET_PLAYERS} in a sheet (it would recalculate for seconds); the companion's shapley.nucleolus job takes up to 20`,
    );
  }
  const solver = await loadHighs();
  const result = withEngineErrors(() => nucleolus(table.values, n, kindValue, solver));
  return table.names.map((name, i) => [name, result.values[i]]);
}
