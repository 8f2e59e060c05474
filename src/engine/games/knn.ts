/**
 * K-nearest-neighbour utility (Jia et al. 2019): the worth of a set S of training points is
 * how well an unweighted KNN classifier trained on S labels the test points,
 *
 *   v(S) = mean over test points t of (1/K) · #{ j ≤ min(K, |S|) : label of the j-th nearest
 *          point of S to t equals t's label },
 *
 * with Euclidean distance and ties broken by training index (lower index = nearer).
 */
import { EngineInputError } from '../errors';
import type { Game } from './game';

export interface LabelledPoints {
  readonly features: ReadonlyArray<ArrayLike<number>>;
  readonly labels: ArrayLike<number>;
}

export interface KnnProblem {
  readonly trainSize: number;
  readonly testSize: number;
  readonly k: number;
  /** rank[t·N + i]: position (0 = nearest) of training point i for test point t. */
  readonly rank: Int32Array;
  /** order[t·N + r]: training point at position r for test point t. */
  readonly order: Int32Array;
  /** match[t·N + i] = 1 when training point i has test point t's label. */
  readonly match: Uint8Array;
}

/** Validates the data ('train', 'test' with the row, 'k') and sorts neighbours once. */
export function knnProblem(train: LabelledPoints, test: LabelledPoints, k: number): KnnProblem {
  if (!Number.isInteger(k) || k < 1) throw new EngineInputError('k', undefined, `must be a whole number ≥ 1, got ${k}`);
  const dim = checkPoints(train, 'train', undefined);
  checkPoints(test, 'test', dim);
  if (test.features.length === 0) throw new EngineInputError('test', undefined, 'needs at least one test point');
  const N = train.features.length;
  const T = test.features.length;
  const rank = new Int32Array(T * N);
  const order = new Int32Array(T * N);
  const match = new Uint8Array(T * N);
  const dist = new Float64Array(N);
  const idx = Array.from({ length: N }, (_, i) => i);
  for (let t = 0; t < T; t++) {
    const x = test.features[t];
    for (let i = 0; i < N; i++) {
      const y = train.features[i];
      let d = 0;
      for (let c = 0; c < dim; c++) d += (x[c] - y[c]) ** 2;
      dist[i] = d; // squared distance: same order as the distance
      match[t * N + i] = train.labels[i] === test.labels[t] ? 1 : 0;
    }
    for (let i = 0; i < N; i++) idx[i] = i;
    idx.sort((a, b) => dist[a] - dist[b] || a - b);
    for (let r = 0; r < N; r++) {
      order[t * N + r] = idx[r];
      rank[t * N + idx[r]] = r;
    }
  }
  return { trainSize: N, testSize: T, k, rank, order, match };
}

export function knnGame(train: LabelledPoints, test: LabelledPoints, k: number): Game {
  const p = knnProblem(train, test, k);
  const { trainSize: N, testSize: T, rank, match } = p;
  const K = k;
  // Utility = (matches among the K nearest, summed over test points) / (K·T): integer counts
  // keep `value` and the walker bit-identical.
  const scale = 1 / (K * T);
  return {
    n: N,
    value(coalition) {
      let matches = 0;
      const ranks: number[] = [];
      for (let t = 0; t < T; t++) {
        ranks.length = 0;
        for (let j = 0; j < coalition.length; j++) ranks.push(rank[t * N + coalition[j]]);
        ranks.sort((a, b) => a - b);
        for (let j = 0; j < Math.min(K, ranks.length); j++) matches += match[t * N + p.order[t * N + ranks[j]]];
      }
      return matches * scale;
    },
    walker() {
      // Per test point, the ranks of the current K nearest members, sorted ascending.
      const best = new Int32Array(T * K);
      const size = new Int32Array(T);
      let matches = 0;
      return {
        reset() {
          size.fill(0);
          matches = 0;
          return 0;
        },
        add(player) {
          for (let t = 0; t < T; t++) {
            const r = rank[t * N + player];
            const row = t * K;
            let m = size[t];
            if (m === K) {
              const last = best[row + K - 1];
              if (r > last) continue; // not among the K nearest
              matches -= match[t * N + p.order[t * N + last]];
              m--;
            } else {
              size[t] = m + 1;
            }
            let j = m;
            while (j > 0 && best[row + j - 1] > r) {
              best[row + j] = best[row + j - 1];
              j--;
            }
            best[row + j] = r;
            matches += match[t * N + player];
          }
          return matches * scale;
        },
      };
    },
  };
}

function checkPoints(points: LabelledPoints, field: string, dim: number | undefined): number {
  const { features, labels } = points;
  if (features.length !== labels.length) {
    throw new EngineInputError(field, undefined, `has ${features.length} feature rows but ${labels.length} labels`);
  }
  for (let i = 0; i < features.length; i++) {
    const row = features[i];
    if (dim === undefined) dim = row.length;
    if (row.length !== dim) throw new EngineInputError(field, i, `has ${row.length} features, expected ${dim}`);
    for (let c = 0; c < row.length; c++) {
      if (typeof row[c] !== 'number' || !Number.isFinite(row[c])) {
        throw new EngineInputError(field, i, `feature ${c + 1} is not a finite number (${String(row[c])})`);
      }
    }
    if (typeof labels[i] !== 'number' || Number.isNaN(labels[i])) {
      throw new EngineInputError(field, i, `label is not a number (${String(labels[i])})`);
    }
  }
  return dim ?? 0;
}
