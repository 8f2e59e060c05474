/**
 * Power indices of a weighted voting body (v(S) = 1 when Σ_{i∈S} w_i ≥ quota), exact by the
 * dynamic programme over whole-number weights; a double-majority rule (doubleMajority.ts: enough
 * members too, or too few left to block) is a quota per coalition size, handled by the same
 * programme (sumGame.ts, thresholdGame*).
 */
import { doubleMajorityBody, quotaBySize, type DoubleMajorityRule } from '../games/doubleMajority';
import { thresholdGameBanzhaf, thresholdGameShapley } from './sumGame';

/** Shapley–Shubik index: the probability that i is pivotal in a random order. Sums to 1. */
export function shapleyShubikIndex(weights: ArrayLike<number>, quota: number, rule: DoubleMajorityRule = {}): Float64Array {
  const body = doubleMajorityBody(weights, quota, rule);
  return thresholdGameShapley(body.weights, quotaBySize(body));
}

/**
 * Banzhaf index: raw = (number of coalitions of the others that i swings) / 2^(n-1);
 * normalised (the default, as in most of the voting-power literature) = raw / Σ raw, so that
 * it sums to 1. Σ raw > 0 always here: ∅ loses (quota > 0, blockingMinority ≤ n) and N wins
 * (quota ≤ Σw, memberQuota ≤ n).
 */
export function banzhafIndex(
  weights: ArrayLike<number>,
  quota: number,
  options: { normalised?: boolean } & DoubleMajorityRule = {},
): Float64Array {
  const body = doubleMajorityBody(weights, quota, options);
  const raw = thresholdGameBanzhaf(body.weights, quotaBySize(body));
  if (options.normalised === false) return raw;
  let sum = 0;
  for (let i = 0; i < raw.length; i++) sum += raw[i];
  return raw.map((x) => x / sum);
}
