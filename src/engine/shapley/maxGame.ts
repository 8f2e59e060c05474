/**
 * Shapley values of the max game v(S) = max_{i∈S} s_i (v(∅) = 0), Littlechild–Owen (1973):
 * with scores sorted ascending s_(1) ≤ … ≤ s_(n) and s_(0) = 0,
 *
 *   φ_(j) = Σ_{k ≤ j} (s_(k) − s_(k−1)) / (n − k + 1).
 *
 * Why: v = Σ_k (s_(k) − s_(k−1))·u_k where u_k(S) = 1 when S contains any of the n − k + 1
 * players ranked k or above; u_k is shared equally among them. O(n log n) for the sort.
 * Tied scores give a zero increment, so tied players get exactly the same value.
 */
import { checkScores } from '../games/maxGame';

export function maxGameShapley(scores: ArrayLike<number>): Float64Array {
  const s = checkScores(scores);
  const n = s.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => s[a] - s[b] || a - b);
  const phi = new Float64Array(n);
  let previous = 0;
  let acc = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k];
    acc += (s[i] - previous) / (n - k);
    previous = s[i];
    phi[i] = acc;
  }
  return phi;
}
