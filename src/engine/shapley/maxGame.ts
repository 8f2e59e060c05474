/**
 * Shapley values of the max game v(S) = max_{i∈S} s_i (v(∅) = 0), Littlechild–Owen (1973):
 * with scores sorted ascending s_(1) ≤ … ≤ s_(n) and s_(0) = 0,
 *
 *   φ_(j) = Σ_{k ≤ j} (s_(k) − s_(k−1)) / (n − k + 1).
 *
 * Why: v = Σ_k (s_(k) − s_(k−1))·u_k where u_k(S) = 1 when S contains any of the n − k + 1
 * players ranked k or above; u_k is shared equally among them. O(n log n) for the sort.
 * Tied scores give a zero increment, so tied players get exactly the same value.
 *
 * Players scoring 0 add nothing and change no one else's value (they rank first, every increment
 * up to them is 0, and n − k + 1 for the others counts only players ranked at or above them), so
 * callers with many zero scores may pass only the positive ones: the values are bitwise the same.
 */
import { checkScores } from '../games/maxGame';

export function maxGameShapley(scores: ArrayLike<number>): Float64Array {
  const s = checkScores(scores);
  const phi = new Float64Array(s.length);
  maxGameShapleyInto(s, s.length, new Int32Array(s.length), phi);
  return phi;
}

/**
 * The same values without allocating, for hot loops (one call per AI output in a similarity
 * attribution). Reads s[0..n), which must be finite and non-negative (not checked here: see
 * checkScores); writes phi[0..n). `order` is scratch of length ≥ n; on return order[0..n) lists
 * the players by ascending score, ties by ascending index (callers use it to rank players).
 */
export function maxGameShapleyInto(s: Float64Array, n: number, order: Int32Array, phi: Float64Array): void {
  const sorted = order.subarray(0, n);
  for (let i = 0; i < n; i++) sorted[i] = i;
  sorted.sort((a, b) => s[a] - s[b] || a - b);
  let previous = 0;
  let acc = 0;
  for (let k = 0; k < n; k++) {
    const i = sorted[k];
    acc += (s[i] - previous) / (n - k);
    previous = s[i];
    phi[i] = acc;
  }
}
