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

/**
 * The shares of one output from every holder's best score (one row of SIMILARITYSPLIT). Scores
 * may be on any non-negative scale (cosines, percentages): the shares do not change when every
 * score is multiplied by the same factor; the threshold is on the scores' scale.
 */
export function similaritySplitRow(scores: ArrayLike<number>, threshold = 0): Float64Array {
  if (!Number.isFinite(threshold)) throw new EngineInputError('threshold', undefined, `must be a finite number, got ${String(threshold)}`);
  const n = scores.length;
  const counted = new Float64Array(n);
  const holder = new Int32Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const s = scores[i];
    if (typeof s !== 'number' || !Number.isFinite(s)) throw new EngineInputError('scores', i, `must be a finite number, got ${String(s)}`);
    if (recognisable(s, threshold)) {
      counted[count] = s;
      holder[count++] = i;
    }
  }
  const split = new Float64Array(count);
  splitCountedScores(counted, count, new Int32Array(count), split);
  const shares = new Float64Array(n);
  for (let k = 0; k < count; k++) shares[holder[k]] = split[k];
  return shares;
}
