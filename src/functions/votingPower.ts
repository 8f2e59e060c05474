import { banzhafIndex, shapleyShubikIndex } from '../engine/shapley/voting';
import { isEmptyCell, readKeyword } from './cells';
import { invalidValue, withEngineErrors } from './errors';
import { isOmitted, readList, readListNumber, readNumberArgument, readOptionalNumber, readSingleCell, shapeLike } from './ranges';

type PowerIndex = 'shapley' | 'banzhaf';

const INDEX_NAMES: ReadonlyMap<string, PowerIndex> = new Map([
  ['shapley', 'shapley'],
  ['shapley-shubik', 'shapley'],
  ['banzhaf', 'banzhaf'],
]);

/**
 * PARTAGE.VOTINGPOWER(weights, quota, [index], [memberQuota], [blockingMinority]): the power of
 * each member of a weighted voting body (a coalition wins when its weights reach the quota), as a
 * column aligned with `weights` (a row when the weights are a row). Empty weight cells are not
 * members: their result cell is left empty, so the range may run past the last member.
 *
 * Double majorities (DESIGN.md §7.1): with `memberQuota` a winning coalition also needs at least
 * that many members; with `blockingMinority` a coalition wins anyway when fewer than that many
 * members are left outside it (the EU Council: 15 members, 65 % of the population, blocking
 * minority 4). Both are counts of members; omitted, the rule is plain weighted voting.
 */
export function VOTINGPOWER(weights: unknown, quota: unknown, index?: unknown, memberQuota?: unknown, blockingMinority?: unknown): (string | number)[][] {
  const list = readList(weights, 'weights');
  const members: number[] = [];
  const memberWeights: number[] = [];
  list.cells.forEach((cell, i) => {
    if (isEmptyCell(cell)) return;
    members.push(i);
    memberWeights.push(readListNumber(list, i));
  });
  if (members.length === 0) throw invalidValue('weights', 'no members: every cell is empty');
  const quotaValue = readNumberArgument(quota, 'quota');
  const kind = isOmitted(index) ? 'shapley' : readKeyword(readSingleCell(index, 'index'), 'index', INDEX_NAMES, ['shapley', 'banzhaf']);
  const rule = { memberQuota: readOptionalNumber(memberQuota, 'memberQuota'), blockingMinority: readOptionalNumber(blockingMinority, 'blockingMinority') };

  const power = withEngineErrors(
    () => (kind === 'shapley' ? shapleyShubikIndex(memberWeights, quotaValue, rule) : banzhafIndex(memberWeights, quotaValue, { normalised: true, ...rule })),
    { weights: (k) => list.place(members[k]) },
  );
  const out = new Array<number | string>(list.cells.length).fill('');
  members.forEach((row, k) => {
    out[row] = power[k];
  });
  return shapeLike(list, out);
}
