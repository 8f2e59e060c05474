/**
 * How one AI output is split among rightholders from their best similarity scores (the rule of
 * PARTAGE.SIMILARITYSPLIT, DESIGN.md §3): a score counts when it reaches the threshold (≥) and is
 * above 0, otherwise the holder is not recognisable in the output; the shares are the Shapley
 * values of the max game v(S) = max_{i∈S} sᵢ over the counted scores divided by the top one, so
 * they sum to 1, or are all 0 when no score counts.
 *
 * Dividing by the top score before computing the Shapley values (rather than after) keeps tiny
 * scores (subnormal floats, where halving loses bits) from skewing the split. Holders whose
 * score does not count are left out of the max game: they would get exactly 0 and leave the
 * others' values bitwise unchanged (maxGame.ts), so the split costs O(k log k) for k counted
 * scores, not O(n log n) for n holders.
 *
 * The model as a player (seed 004, DESIGN.md §7.1): with a model score (the output's similarity
 * to what the model makes without any rightholder's contribution) the model is one more player
 * of the max game, never filtered by the threshold: it keeps the part of the output that owes
 * nothing to the recognisable holders. An output where no holder is recognisable goes to the
 * model whole (share 1), whatever its score.
 */
import { EngineInputError } from '../errors';
import { maxGameShapleyInto } from '../shapley/maxGame';

/** Whether a holder's best score counts for an output (the recognisability filter). */
export function recognisable(score: number, threshold: number): boolean {
  return score >= threshold && score > 0;
}

/**
 * Splits one output among `count` counted scores (all above 0) held in scores[0..count): divides
 * them by the top score in place and writes the shares to shares[0..count). `order` is scratch
 * (length ≥ count); on return order[0..count) ranks the scores ascending, ties by position.
 */
export function splitCountedScores(scores: Float64Array, count: number, order: Int32Array, shares: Float64Array): void {
  let top = 0;
  for (let i = 0; i < count; i++) if (scores[i] > top) top = scores[i];
  for (let i = 0; i < count; i++) scores[i] /= top;
  maxGameShapleyInto(scores, count, order, shares);
}

/** A model score must be a finite number ≥ 0 (it is not filtered, so a negative one would mean nothing). */
export function checkModelScore(score: number, field: string, index: number | undefined): number {
  if (typeof score !== 'number' || !Number.isFinite(score) || score < 0) {
    throw new EngineInputError(field, index, `must be a finite similarity score ≥ 0 (the model's own), got ${String(score)}`);
  }
  return score;
}

/**
 * Adds the model to an output's `count` counted scores (scores[count], holder[count] = `model`)
 * and returns the new count; 0 when no holder counts (the output then goes to the model whole).
 */
export function withModel(scores: Float64Array, holder: Int32Array, count: number, modelScore: number, model: number): number {
  if (count === 0) return 0;
  scores[count] = modelScore;
  holder[count] = model;
  return count + 1;
}

/**
 * The shares of one output from every holder's best score (one row of SIMILARITYSPLIT). Scores
 * may be on any non-negative scale (cosines, percentages): the shares do not change when every
 * score is multiplied by the same factor; the threshold is on the scores' scale. With
 * `modelScore` (same scale), one more share at the end: the model's.
 */
export function similaritySplitRow(scores: ArrayLike<number>, threshold = 0, modelScore?: number): Float64Array {
  if (!Number.isFinite(threshold)) throw new EngineInputError('threshold', undefined, `must be a finite number, got ${String(threshold)}`);
  if (modelScore !== undefined) checkModelScore(modelScore, 'modelScores', undefined);
  const n = scores.length;
  const players = modelScore === undefined ? n : n + 1;
  const counted = new Float64Array(players);
  const holder = new Int32Array(players);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const s = scores[i];
    if (typeof s !== 'number' || !Number.isFinite(s)) throw new EngineInputError('scores', i, `must be a finite number, got ${String(s)}`);
    if (recognisable(s, threshold)) {
      counted[count] = s;
      holder[count++] = i;
    }
  }
  const shares = new Float64Array(players);
  if (modelScore !== undefined) {
    if (count === 0) shares[n] = 1;
    count = withModel(counted, holder, count, modelScore, n);
  }
  const split = new Float64Array(count);
  splitCountedScores(counted, count, new Int32Array(count), split);
  for (let k = 0; k < count; k++) shares[holder[k]] = split[k];
  return shares;
}
