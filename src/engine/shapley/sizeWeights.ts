import { rationalToNumber } from '../exact/rationalToNumber';

/**
 * φ = Σ_k D[k]·k!(n−1−k)!/n!, where D[k] is a player's total marginal contribution to the
 * coalitions of k others: the last step of every exact Shapley method that groups marginal
 * contributions by coalition size (full tables, weighted-sum games).
 *
 * When every D[k] is a whole number below 2^53 (integer tables, counts of swings in a voting
 * body), the sum is formed exactly and rounded once, so a published value such as 7/30 comes
 * out as the float64 nearest to it. Otherwise it is summed in floating point, dividing by
 * C(n−1, k) and by n once at the end, so that short decimals still come out exact where the
 * quotients are.
 */
export function shapleyFromSizeSums(D: ArrayLike<number>, n: number): number {
  let whole = true;
  for (let k = 0; k < n; k++) if (!Number.isSafeInteger(D[k])) whole = false;
  if (whole) {
    const factorials = [1n];
    for (let k = 1; k <= n; k++) factorials.push(factorials[k - 1] * BigInt(k));
    let numerator = 0n;
    for (let k = 0; k < n; k++) numerator += BigInt(D[k]) * factorials[k] * factorials[n - 1 - k];
    return rationalToNumber(numerator, factorials[n]);
  }
  // C(n−1, k) by the multiplicative recurrence, exact in float64 for the n ≤ 56 that reach here
  // with whole-number binomials below 2^53; beyond, within 2k·ε, which is all a weight needs.
  let binomial = 1;
  let phi = 0;
  for (let k = 0; k < n; k++) {
    phi += D[k] / binomial;
    binomial = (binomial * (n - 1 - k)) / (k + 1);
  }
  return phi / n;
}
