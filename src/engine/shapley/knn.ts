/**
 * Exact Shapley values of the KNN utility (see games/knn.ts), Jia et al. 2019, "Efficient
 * task-specific data valuation for nearest neighbor algorithms", Theorem 1. For one test point,
 * with the training points sorted by distance α_1 (nearest) … α_N:
 *
 *   s_{α_N} = 1[y_{α_N} = y_test] / N
 *   s_{α_i} = s_{α_{i+1}} + (1[y_{α_i} = y_test] − 1[y_{α_{i+1}} = y_test]) / K · min(K, i) / i
 *
 * The first line silently assumes N ≥ K. In general the farthest point adds 1[match]/K exactly
 * when fewer than K points precede it, which a random order gives with probability
 * min(K, N)/N, so we start from s_{α_N} = 1[match] · min(K, N) / (K·N) (equal to the paper's
 * value when N ≥ K; for N < K every point then gets 1[match]/K, as the game is additive).
 *
 * O(N log N) per test point; the values for several test points are averaged, as the utility is.
 */
import { knnProblem, type LabelledPoints } from '../games/knn';

export function knnShapley(train: LabelledPoints, test: LabelledPoints, k: number): Float64Array {
  const { trainSize: N, testSize: T, order, match } = knnProblem(train, test, k);
  const phi = new Float64Array(N);
  if (N === 0) return phi;
  for (let t = 0; t < T; t++) {
    const base = t * N;
    // 1-based position i ↔ order[base + i - 1].
    const hit = (i: number) => match[base + order[base + i - 1]];
    let s = (hit(N) * Math.min(k, N)) / (k * N);
    phi[order[base + N - 1]] += s;
    for (let i = N - 1; i >= 1; i--) {
      s += ((hit(i) - hit(i + 1)) / k) * (Math.min(k, i) / i);
      phi[order[base + i - 1]] += s;
    }
  }
  for (let i = 0; i < N; i++) phi[i] /= T;
  return phi;
}
