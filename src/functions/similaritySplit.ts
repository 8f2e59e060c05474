import { similaritySplitRow } from '../engine/attribution/similaritySplit';
import { isEmptyCell, readNumber } from './cells';
import { placeOf, withEngineErrors } from './errors';
import { readGrid, readOptionalNumber } from './ranges';

/**
 * PARTAGE.SIMILARITYSPLIT(scores, [threshold]): one row per AI output, one column per
 * rightholder (their best similarity to that output). Returns the same shape of shares: the
 * Shapley values of the max game v(S) = max_{i∈S} sᵢ divided by the row's largest score, so
 * each row sums to 1, or is all 0 when no score reaches the threshold.
 *
 * A score counts when it reaches `threshold` (≥; default 0) and is above 0; below that the
 * holder is not recognisable in the output and the score is treated as 0. An empty cell is
 * "no similarity measured" and also counts as 0. Scores are not limited to [−1, 1]: the shares
 * do not change when every score of a row is multiplied by the same factor, so cosine
 * similarities, percentages or any non-negative similarity scale give the same split (the
 * threshold must be on the same scale). A row with no score at all (every cell empty) gives an
 * empty row, so the range may run past the last output.
 */
export function SIMILARITYSPLIT(scores: unknown, threshold?: unknown): (string | number)[][] {
  const grid = readGrid(scores, 'scores');
  const floor = readOptionalNumber(threshold, 'threshold') ?? 0;
  const width = grid[0].length;

  return grid.map((row, r) => {
    if (row.every((cell) => isEmptyCell(cell))) return new Array<string>(width).fill('');
    // An empty cell is "no similarity measured": a score of 0, which never counts.
    const scores = row.map((cell, c) => (isEmptyCell(cell) ? 0 : readNumber(cell, placeOf('scores', r, c))));
    return Array.from(withEngineErrors(() => similaritySplitRow(scores, floor), { scores: (c) => placeOf('scores', r, c) }));
  });
}
