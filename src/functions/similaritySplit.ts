import { maxGameShapley } from '../engine/shapley/maxGame';
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
    const counted = new Float64Array(width);
    let top = 0;
    for (let c = 0; c < width; c++) {
      const cell = row[c];
      if (isEmptyCell(cell)) continue;
      const s = readNumber(cell, placeOf('scores', r, c));
      if (s >= floor && s > 0) {
        counted[c] = s;
        if (s > top) top = s;
      }
    }
    if (top === 0) return new Array<number>(width).fill(0);
    // The max game scales with its scores, so the shares are the Shapley values of the scores
    // divided by the top one. Dividing before rather than after keeps tiny scores (subnormal
    // floats, where halving loses bits) from skewing the split.
    for (let c = 0; c < width; c++) counted[c] /= top;
    return Array.from(withEngineErrors(() => maxGameShapley(counted), { scores: (c) => placeOf('scores', r, c) }));
  });
}
