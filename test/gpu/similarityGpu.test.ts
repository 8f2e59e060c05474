/**
 * Similarity attribution with the GPU's best scores (attributeBlockGpu) against the CPU engine's
 * attributeBlock, block by block and merged into whole attributions.
 *
 * The inputs are built so that the two backends must agree on every discrete outcome: each
 * output's cosine with holder h's best item is c_(o,h)/‖o‖ for distinct grid values c, so every
 * output's positive scores are ≥ 0.03 apart and away from the threshold, far beyond the GPU's
 * error bound (checked on the CPU scores before comparing). A random rotation makes every
 * product dense, so the GPU's sums really round. Then the counts of attributed and
 * below-threshold outputs and the top lists' holders are equal, and the shares, which are
 * Lipschitz in the scores when their order is fixed, agree within
 * 4·H_k·bestScoreErrorBound(d) / (smallest top score): a max-game Shapley value sums at most k
 * differences of sorted scores divided by the top one, each moved by at most twice the scores' error
 * relative to the top, with weights 1/(k − j + 1) that add up to the harmonic number H_k.
 */
import {
  attributeBlock,
  attributeSimilarity,
  holderScoresOf,
  similarityAttributionOf,
  similarityProblem,
  SimilarityScratch,
  SimilarityTotals,
  type SimilarityBlock,
  type SimilarityProblem,
} from '../../src/engine/attribution/similarity';
import { recognisable } from '../../src/engine/attribution/similaritySplit';
import { bestScoreErrorBound } from '../../src/gpu/attribution/bestScoresShader';
import { attributeBlockGpu, GpuHolderScorer } from '../../src/gpu/attribution/holderScores';
import { GpuContext } from '../../src/gpu/context';
import { describeGpu, testGpu, GPU_TEST_TIMEOUT_MS } from './testDevice';
import { mulberry32 as random } from '../helpers/random';

// SwiftShader on a busy machine is slow: no test may depend on its speed (testDevice.ts).
jest.setTimeout(GPU_TEST_TIMEOUT_MS);

const D = 64;
/** Holders with items; two more have none. */
const HOLDERS = 12;
const HOLDER_COUNT = HOLDERS + 2;
/** Dimensions 0..11 point at holders, 12..39 are the decoys' other halves, 40..63 outputs' noise. */
const DECOY_DIMS = [12, 40];
const NOISE_DIMS = [40, 64];
const THRESHOLD = 0.12;

/** A random orthogonal matrix (Gram–Schmidt on uniform entries), row-major. */
function rotation(next: () => number): Float64Array {
  const q = new Float64Array(D * D);
  for (let r = 0; r < D; r++) {
    for (;;) {
      for (let c = 0; c < D; c++) q[r * D + c] = next() * 2 - 1;
      for (let s = 0; s < r; s++) {
        let dot = 0;
        for (let c = 0; c < D; c++) dot += q[r * D + c] * q[s * D + c];
        for (let c = 0; c < D; c++) q[r * D + c] -= dot * q[s * D + c];
      }
      let norm = 0;
      for (let c = 0; c < D; c++) norm += q[r * D + c] ** 2;
      norm = Math.sqrt(norm);
      if (norm > 1e-3) {
        for (let c = 0; c < D; c++) q[r * D + c] /= norm;
        break;
      }
    }
  }
  return q;
}

function rotate(q: Float64Array, x: Float64Array, scale: number): number[] {
  const out = new Array<number>(D).fill(0);
  for (let r = 0; r < D; r++) {
    let sum = 0;
    for (let c = 0; c < D; c++) sum += q[r * D + c] * x[c];
    out[r] = scale * sum;
  }
  return out;
}

function shuffle<T>(values: T[], next: () => number): T[] {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [values[i], values[j]] = [values[j], values[i]];
  }
  return values;
}

function designedProblem(outputCount: number, seed: number): SimilarityProblem {
  const next = random(seed);
  const q = rotation(next);
  // Items: each holder's own direction, plus 0–3 decoys that lean on it by 0.3, 0.5 or 0.7.
  const itemVectors: Array<{ vector: Float64Array; holder: number }> = [];
  for (let h = 0; h < HOLDERS; h++) {
    const own = new Float64Array(D);
    own[h] = 1;
    itemVectors.push({ vector: own, holder: h });
    const decoys = Math.floor(next() * 4);
    for (let k = 0; k < decoys; k++) {
      const lean = [0.3, 0.5, 0.7][Math.floor(next() * 3)];
      const decoy = new Float64Array(D);
      decoy[h] = lean;
      decoy[DECOY_DIMS[0] + Math.floor(next() * (DECOY_DIMS[1] - DECOY_DIMS[0]))] = Math.sqrt(1 - lean * lean);
      itemVectors.push({ vector: decoy, holder: h });
    }
  }
  shuffle(itemVectors, next);
  const items = itemVectors.flatMap(({ vector }) => rotate(q, vector, 0.5 + next() * 4));
  const holderOfItem = itemVectors.map(({ holder }) => holder);

  const outputs: number[] = [];
  for (let o = 0; o < outputCount; o++) {
    const x = new Float64Array(D);
    if (o % 23 !== 5) {
      // Holder h gets c = (rank − 4) / 8 ∈ {−0.5, …, 0.875}: distinct, a third of them ≤ 0.
      const ranks = shuffle(Array.from({ length: HOLDERS }, (_, k) => k), next);
      // Every 17th output resembles nobody: all c < 0.
      for (let h = 0; h < HOLDERS; h++) x[h] = o % 17 === 3 ? -(ranks[h] + 1) / 8 : (ranks[h] - 4) / 8;
      for (let k = NOISE_DIMS[0]; k < NOISE_DIMS[1]; k++) x[k] = (next() * 2 - 1) * 0.3;
    } // else a zero row
    outputs.push(...rotate(q, x, 0.1 + next() * 10));
  }
  const users = 9;
  return similarityProblem({
    d: D,
    outputs,
    outputCount,
    items,
    itemCount: itemVectors.length,
    holderOfItem,
    holderCount: HOLDER_COUNT,
    weights: Array.from({ length: outputCount }, (_, o) => (o === 7 ? 0 : next() * 3)),
    userOfOutput: Array.from({ length: outputCount }, () => Math.floor(next() * users)),
    userCount: users,
    threshold: THRESHOLD,
    topHolders: 4,
  });
}

/** H_k for the most counted holders of an output. */
const HARMONIC = Array.from({ length: HOLDERS }, (_, k) => 1 / (k + 1)).reduce((a, b) => a + b, 0);

/**
 * Checks on the CPU's scores that the inputs keep every outcome away from the GPU's error, and
 * returns the tolerance of a share.
 */
function shareTolerance(problem: SimilarityProblem): number {
  const error = bestScoreErrorBound(problem.d);
  let smallestTop = Infinity;
  let closest = Infinity;
  for (let o = 0; o < problem.outputCount; o++) {
    const scores = Array.from(holderScoresOf(problem, o)).filter((s) => s > 0);
    for (const s of scores) closest = Math.min(closest, Math.abs(s - THRESHOLD));
    const counted = scores.filter((s) => recognisable(s, THRESHOLD)).sort((a, b) => a - b);
    for (let i = 1; i < counted.length; i++) closest = Math.min(closest, counted[i] - counted[i - 1]);
    if (counted.length > 0) smallestTop = Math.min(smallestTop, counted[counted.length - 1]);
  }
  expect(closest).toBeGreaterThan(1000 * error);
  return (4 * HARMONIC * error) / smallestTop;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  expect(worst).toBeLessThanOrEqual(tolerance);
  return worst;
}

function expectSameBlock(gpuBlock: SimilarityBlock, cpuBlock: SimilarityBlock, share: number, score: number, totalWeight: number): void {
  expect([gpuBlock.from, gpuBlock.to, gpuBlock.attributed, gpuBlock.belowThreshold]).toEqual([cpuBlock.from, cpuBlock.to, cpuBlock.attributed, cpuBlock.belowThreshold]);
  const vector = share * Math.max(1, totalWeight);
  expectClose(gpuBlock.market, cpuBlock.market, vector);
  expectClose(gpuBlock.users, cpuBlock.users, vector);
  expect([gpuBlock.head.user, gpuBlock.head.weight]).toEqual([cpuBlock.head.user, cpuBlock.head.weight]);
  expectClose(gpuBlock.head.sums, cpuBlock.head.sums, vector);
  expect(gpuBlock.tail === null).toBe(cpuBlock.tail === null);
  if (gpuBlock.tail && cpuBlock.tail) {
    expect([gpuBlock.tail.user, gpuBlock.tail.weight]).toEqual([cpuBlock.tail.user, cpuBlock.tail.weight]);
    expectClose(gpuBlock.tail.sums, cpuBlock.tail.sums, vector);
  }
  expect(Array.from(gpuBlock.tops.outputs)).toEqual(Array.from(cpuBlock.tops.outputs));
  expect(Array.from(gpuBlock.tops.counts)).toEqual(Array.from(cpuBlock.tops.counts));
  expect(Array.from(gpuBlock.tops.holders)).toEqual(Array.from(cpuBlock.tops.holders));
  expectClose(gpuBlock.tops.shares, cpuBlock.tops.shares, share);
  expectClose(gpuBlock.tops.scores, cpuBlock.tops.scores, score);
}

describeGpu('attributeBlockGpu', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  }, GPU_TEST_TIMEOUT_MS);

  test('blocks agree with the engine: counts and top holders exactly, shares and totals within the bound', async () => {
    const problem = designedProblem(150, 2024);
    const share = shareTolerance(problem);
    const score = bestScoreErrorBound(D);
    let totalWeight = 0;
    for (const w of problem.weights) totalWeight += w;
    const scorer = GpuHolderScorer.create(gpu, problem, { maxChunkItems: 17 });
    try {
      expect(scorer.chunkSizes.length).toBeGreaterThan(1);
      const cpuScratch = new SimilarityScratch(problem);
      const gpuScratch = new SimilarityScratch(problem);
      let attributed = 0;
      let below = 0;
      for (const size of [16, 7, 150]) {
        for (let from = 0; from < problem.outputCount; from += size) {
          const to = Math.min(problem.outputCount, from + size);
          const cpuBlock = attributeBlock(problem, from, to, cpuScratch);
          const gpuBlock = await attributeBlockGpu(scorer, problem, from, to, gpuScratch);
          expectSameBlock(gpuBlock, cpuBlock, share, score, totalWeight);
          if (size === 150) {
            attributed = cpuBlock.attributed;
            below = cpuBlock.belowThreshold;
          }
        }
      }
      // The inputs exercise both outcomes: zero rows and outputs resembling nobody are below.
      expect(attributed).toBeGreaterThan(100);
      expect(below).toBeGreaterThanOrEqual(6 + 8);
    } finally {
      scorer.destroy();
    }
  });

  test('whole attributions merged from GPU blocks match attributeSimilarity', async () => {
    const problem = designedProblem(97, 7);
    const share = shareTolerance(problem);
    const blockOutputs = 12;
    const scorer = GpuHolderScorer.create(gpu, problem, { maxPassOutputs: 8 });
    try {
      const totals = new SimilarityTotals(problem.holderCount, Math.min(problem.outputCount, problem.topOutputs));
      const scratch = new SimilarityScratch(problem);
      for (let from = 0; from < problem.outputCount; from += blockOutputs) {
        totals.add(await attributeBlockGpu(scorer, problem, from, Math.min(problem.outputCount, from + blockOutputs), scratch));
      }
      const gpuResult = similarityAttributionOf(totals);
      const cpuResult = attributeSimilarity(problem, blockOutputs);
      expect([gpuResult.attributed, gpuResult.belowThreshold]).toEqual([cpuResult.attributed, cpuResult.belowThreshold]);
      let totalWeight = 0;
      for (const w of problem.weights) totalWeight += w;
      expectClose(gpuResult.market, cpuResult.market, share * totalWeight);
      expectClose(gpuResult.user, cpuResult.user, share * 9);
      expect(gpuResult.tops.map((t) => Array.from(t.holders))).toEqual(cpuResult.tops.map((t) => Array.from(t.holders)));
      // Holders with no items get nothing on either backend.
      for (const h of [HOLDERS, HOLDERS + 1]) expect([gpuResult.market[h], gpuResult.user[h]]).toEqual([0, 0]);
    } finally {
      scorer.destroy();
    }
  });

  test('with model scores (the model as a player): the split after the GPU scores is the engine\'s, model slot and top-list model shares included', async () => {
    const plain = designedProblem(110, 99);
    // The model's score of each output sits halfway between two of its counted holders' scores
    // (or below all of them, or above), so it is ≥ 0.015 from every score the GPU computes: the
    // order of the max game is the same on both backends. Outputs nobody reaches go to the model.
    const modelScores = new Float64Array(plain.outputCount);
    for (let o = 0; o < plain.outputCount; o++) {
      const counted = Array.from(holderScoresOf(plain, o))
        .filter((s) => recognisable(s, THRESHOLD))
        .sort((a, b) => a - b);
      const k = o % (counted.length + 1);
      modelScores[o] = counted.length === 0 ? 0.4 : k === 0 ? counted[0] / 2 : k === counted.length ? Math.min(1, counted[k - 1] + 0.05) : (counted[k - 1] + counted[k]) / 2;
    }
    const problem: SimilarityProblem = { ...plain, modelScores };
    // One more player: H_13 in place of H_12 in the bound (the top score only grows).
    const share = shareTolerance(plain) * (1 + 1 / (HOLDERS + 1) / HARMONIC);
    const score = bestScoreErrorBound(D);
    let totalWeight = 0;
    for (const w of problem.weights) totalWeight += w;
    const scorer = GpuHolderScorer.create(gpu, problem, { maxChunkItems: 23 });
    try {
      const cpuScratch = new SimilarityScratch(problem);
      const gpuScratch = new SimilarityScratch(problem);
      for (const size of [16, 9]) {
        for (let from = 0; from < problem.outputCount; from += size) {
          const to = Math.min(problem.outputCount, from + size);
          const cpuBlock = attributeBlock(problem, from, to, cpuScratch);
          const gpuBlock = await attributeBlockGpu(scorer, problem, from, to, gpuScratch);
          expect(cpuBlock.market).toHaveLength(HOLDER_COUNT + 1);
          expectSameBlock(gpuBlock, cpuBlock, share, score, totalWeight);
          expectClose(gpuBlock.tops.model!, cpuBlock.tops.model!, share);
        }
      }
      const totals = new SimilarityTotals(problem.holderCount, Math.min(problem.outputCount, problem.topOutputs), true);
      for (let from = 0; from < problem.outputCount; from += 16) {
        totals.add(await attributeBlockGpu(scorer, problem, from, Math.min(problem.outputCount, from + 16), gpuScratch));
      }
      const gpuResult = similarityAttributionOf(totals);
      const cpuResult = attributeSimilarity(problem, 16);
      expectClose([gpuResult.model!.market, gpuResult.model!.user], [cpuResult.model!.market, cpuResult.model!.user], share * totalWeight);
      expectClose(gpuResult.market, cpuResult.market, share * totalWeight);
      // Every output's weight is shared out, to holders or to the model.
      const shared = Array.from(cpuResult.market).reduce((a, b) => a + b, 0) + cpuResult.model!.market;
      expect(shared).toBeCloseTo(totalWeight, 9);
      expect(cpuResult.belowThreshold).toBeGreaterThan(0);
    } finally {
      scorer.destroy();
    }
  });

  test('refuses a scorer made for another problem', async () => {
    const problem = designedProblem(4, 1);
    const other = designedProblem(4, 2);
    const scorer = GpuHolderScorer.create(gpu, other);
    try {
      await expect(attributeBlockGpu(scorer, problem, 0, 4)).rejects.toThrow('another problem');
    } finally {
      scorer.destroy();
    }
  });
});
