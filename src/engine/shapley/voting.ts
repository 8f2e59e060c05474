/**
 * Power indices of a weighted voting body (v(S) = 1 when Σ_{i∈S} w_i ≥ quota), exact by the
 * sum-game dynamic programme over whole-number weights.
 */
import { votingBody } from '../games/voting';
import { sumGameBanzhaf, sumGameShapley } from './sumGame';

/** Shapley–Shubik index: the probability that i is pivotal in a random order. Sums to 1. */
export function shapleyShubikIndex(weights: ArrayLike<number>, quota: number): Float64Array {
  const body = votingBody(weights, quota);
  const q = body.quota;
  return sumGameShapley(body.weights, (total) => (total >= q ? 1 : 0));
}

/**
 * Banzhaf index: raw = (number of coalitions of the others that i swings) / 2^(n-1);
 * normalised (the default, as in most of the voting-power literature) = raw / Σ raw, so that
 * it sums to 1. Σ raw > 0 always here: ∅ loses (quota > 0) and N wins (quota ≤ Σw).
 */
export function banzhafIndex(
  weights: ArrayLike<number>,
  quota: number,
  options: { normalised?: boolean } = {},
): Float64Array {
  const body = votingBody(weights, quota);
  const q = body.quota;
  const raw = sumGameBanzhaf(body.weights, (total) => (total >= q ? 1 : 0));
  if (options.normalised === false) return raw;
  let sum = 0;
  for (let i = 0; i < raw.length; i++) sum += raw[i];
  return raw.map((x) => x / sum);
}
