import { checkModelScore, similaritySplitRow } from '../engine/attribution/similaritySplit';
import { isEmptyCell, readNumber } from './cells';
import { invalidValue, placeOf, withEngineErrors } from './errors';
import { isOmitted, readGrid, readList, readListNumber, readOptionalNumber, type List } from './ranges';

/**
 * PARTAGE.SIMILARITYSPLIT(scores, [threshold], [modelScores]): one row per AI output, one column
 * per rightholder (their best similarity to that output). Returns the same shape of shares: the
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
 *
 * `modelScores` (seed 004: the model as a player): one score per row of `scores` (a column, or a
 * row) or one value for all rows, on the scores' scale, ≥ 0 (an empty cell is 0): the output's
 * similarity to what the model makes without any rightholder. The model is then one more player
 * of each row's max game, not filtered by the threshold, and the result gains a last column, the
 * model's share; a row where no holder reaches the threshold goes to the model (share 1).
 */
export function SIMILARITYSPLIT(scores: unknown, threshold?: unknown, modelScores?: unknown): (string | number)[][] {
  const grid = readGrid(scores, 'scores');
  const floor = readOptionalNumber(threshold, 'threshold') ?? 0;
  const model = isOmitted(modelScores) ? undefined : modelScoresOf(readList(modelScores, 'modelScores'), grid.length);
  const width = grid[0].length + (model ? 1 : 0);

  return grid.map((row, r) => {
    if (row.every((cell) => isEmptyCell(cell))) return new Array<string>(width).fill('');
    // An empty cell is "no similarity measured": a score of 0, which never counts.
    const scores = row.map((cell, c) => (isEmptyCell(cell) ? 0 : readNumber(cell, placeOf('scores', r, c))));
    const modelScore = model?.(r);
    return Array.from(withEngineErrors(() => similaritySplitRow(scores, floor, modelScore), { scores: (c) => placeOf('scores', r, c) }));
  });
}

/** The model's score of row r: one value for all rows, or one per row. Read when the row is. */
function modelScoresOf(list: List, rows: number): (r: number) => number {
  const perRow = list.cells.length !== 1;
  if (perRow && list.cells.length !== rows) {
    throw invalidValue('modelScores', `must hold one score per row of scores (${rows}) or one score for all, got ${list.cells.length}`);
  }
  return (r) => {
    const i = perRow ? r : 0;
    const score = isEmptyCell(list.cells[i]) ? 0 : readListNumber(list, i);
    return withEngineErrors(() => checkModelScore(score, 'modelScores', i), { modelScores: (k) => list.place(k) });
  };
}
