/**
 * The GPU's best holder scores (GpuHolderScorer) against the CPU engine's bestHolderScores on the
 * same unit rows, within bestScoreErrorBound(d): ragged sizes around the 64 × 128 workgroup tile
 * and the 16-dimension step, several item chunks and output passes, blocks that start off the
 * group of 4, holders without items, zero rows, negative similarities, holders listed in runs
 * and shuffled, and one-hot rows whose scores are exact.
 */
import { bestHolderScores, GROUP_OUTPUTS } from '../../src/engine/attribution/bestHolderScores';
import { plainArrays, similarityProblem, type ArrayAllocator, type SimilarityProblem, type SimilaritySpec } from '../../src/engine/attribution/similarity';
import { bestScoreErrorBound } from '../../src/gpu/attribution/bestScoresShader';
import { BEST_BUFFER_BYTES, GpuHolderScorer, type GpuHolderScorerOptions } from '../../src/gpu/attribution/holderScores';
import { GpuContext } from '../../src/gpu/context';
import { describeGpu, testGpu, GPU_TEST_TIMEOUT_MS } from './testDevice';
import { mulberry32 as random } from '../helpers/random';

// SwiftShader on a busy machine is slow: no test may depend on its speed (testDevice.ts).
jest.setTimeout(GPU_TEST_TIMEOUT_MS);

interface Case {
  m: number;
  n: number;
  d: number;
  holders: number;
  seed: number;
  /** Items listed holder by holder (runs), rather than shuffled. */
  sorted?: boolean;
  /** Rows set to zero. */
  zeroOutputs?: number[];
  zeroItems?: number[];
  users?: number;
}

function spec({ m, n, d, holders, seed, sorted, zeroOutputs = [], zeroItems = [], users }: Case): SimilaritySpec {
  const next = random(seed);
  const outputs = Array.from({ length: m * d }, () => next() * 2 - 1);
  const items = Array.from({ length: n * d }, () => next() * 2 - 1);
  for (const o of zeroOutputs) outputs.fill(0, o * d, o * d + d);
  for (const j of zeroItems) items.fill(0, j * d, j * d + d);
  // The last holder never gets an item; with sorted items each holder gets a run.
  const used = Math.max(1, holders - 1);
  const holderOfItem = Array.from({ length: n }, (_, j) => (sorted ? Math.floor((j * used) / n) : Math.floor(next() * used)));
  const userOfOutput = users ? Array.from({ length: m }, () => Math.floor(next() * users)) : undefined;
  return { d, outputs, outputCount: m, items, itemCount: n, holderOfItem, holderCount: holders, userOfOutput, userCount: users };
}

/** The engine's scores of the outputs at sequence positions [from, to), in its layout. */
function cpuScores(problem: SimilarityProblem, from: number, to: number): Float64Array {
  const { d, holderCount } = problem;
  const groups = Math.ceil((to - from) / GROUP_OUTPUTS);
  const rows = new Float32Array(groups * GROUP_OUTPUTS * d);
  for (let p = from; p < to; p++) {
    const o = problem.sequence[p];
    rows.set(problem.outputs.subarray(o * d, o * d + d), (p - from) * d);
  }
  const best = new Float64Array(groups * GROUP_OUTPUTS * holderCount);
  bestHolderScores(rows, groups, d, problem.items, problem.itemCount, problem.holderOfItem, holderCount, best);
  return best;
}

function maxDifference(a: Float64Array, b: Float64Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

async function gpuScores(gpu: GpuContext, problem: SimilarityProblem, from: number, to: number, options?: GpuHolderScorerOptions): Promise<Float64Array> {
  const scorer = GpuHolderScorer.create(gpu, problem, options);
  try {
    return await scorer.scoreBlock(from, to);
  } finally {
    scorer.destroy();
  }
}

describeGpu('GpuHolderScorer', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  }, GPU_TEST_TIMEOUT_MS);

  test('the documented tolerance: under 2e-6 up to d = 256, 2.8e-6 at d = 512', () => {
    expect(bestScoreErrorBound(130)).toBeLessThan(2e-6);
    expect(bestScoreErrorBound(256)).toBeLessThan(2e-6);
    expect(bestScoreErrorBound(512)).toBeLessThan(2.9e-6);
  });

  test('ragged sizes: M ∈ {1, 5, 37}, N ∈ {1, 3, 129}, d ∈ {1, 3, 64, 130}', async () => {
    let positives = 0;
    let seed = 1;
    for (const m of [1, 5, 37]) {
      for (const n of [1, 3, 129]) {
        for (const d of [1, 3, 64, 130]) {
          const problem = similarityProblem(spec({ m, n, d, holders: 5, seed: seed++ }));
          const expected = cpuScores(problem, 0, m);
          const actual = await gpuScores(gpu, problem, 0, m);
          const difference = maxDifference(actual, expected);
          expect({ m, n, d, difference, within: difference <= bestScoreErrorBound(d) }).toEqual({ m, n, d, difference, within: true });
          positives += expected.filter((x) => x > 0.1).length;
          // Lanes past the block's end stay 0.
          for (let lane = m % GROUP_OUTPUTS || GROUP_OUTPUTS; lane < GROUP_OUTPUTS; lane++) {
            for (let h = 0; h < 5; h++) expect(actual[((Math.ceil(m / 4) - 1) * 5 + h) * 4 + lane]).toBe(0);
          }
        }
      }
    }
    // Scores well above 0 were compared, not only the clamped ones.
    expect(positives).toBeGreaterThan(500);
  });

  test('several item chunks and output passes, blocks starting off the group of 4, users reordering the outputs', async () => {
    const problem = similarityProblem(spec({ m: 83, n: 300, d: 37, holders: 9, seed: 77, users: 6 }));
    const tolerance = bestScoreErrorBound(37);
    for (const [from, to] of [
      [0, 83],
      [3, 70],
      [81, 83],
    ]) {
      const expected = cpuScores(problem, from, to);
      for (const options of [{ maxChunkItems: 50 }, { maxChunkItems: 128, maxPassOutputs: 8 }, { maxChunkItems: 299, maxPassOutputs: 4 }, {}]) {
        const scorer = GpuHolderScorer.create(gpu, problem, options);
        try {
          if (options.maxChunkItems === 50) expect(scorer.chunkSizes).toEqual([50, 50, 50, 50, 50, 50]);
          if (options.maxChunkItems === 299) expect(scorer.chunkSizes).toEqual([299, 1]);
          expect(maxDifference(await scorer.scoreBlock(from, to), expected)).toBeLessThanOrEqual(tolerance);
        } finally {
          scorer.destroy();
        }
      }
    }
  });

  test('items listed in runs of one holder (folded before the atomics) across tiles and chunks', async () => {
    for (const [n, holders] of [
      [1000, 4],
      [700, 90],
      [256, 257],
    ]) {
      const problem = similarityProblem(spec({ m: 70, n, d: 20, holders, seed: n, sorted: true }));
      const expected = cpuScores(problem, 0, 70);
      expect(maxDifference(await gpuScores(gpu, problem, 0, 70, { maxChunkItems: 333 }), expected)).toBeLessThanOrEqual(bestScoreErrorBound(20));
    }
  });

  test('zero rows, holders without items and negative similarities score 0', async () => {
    const problem = similarityProblem(spec({ m: 9, n: 40, d: 16, holders: 6, seed: 5, zeroOutputs: [0, 4, 8], zeroItems: [1, 2, 39] }));
    const expected = cpuScores(problem, 0, 9);
    const actual = await gpuScores(gpu, problem, 0, 9);
    expect(maxDifference(actual, expected)).toBeLessThanOrEqual(bestScoreErrorBound(16));
    for (let h = 0; h < 6; h++) {
      expect(actual[h * 4]).toBe(0); // output 0 is a zero row
      expect(actual[(2 * 6 + h) * 4]).toBe(0); // output 8
    }
    for (let r = 0; r < 9; r++) expect(actual[((r >> 2) * 6 + 5) * 4 + (r & 3)]).toBe(0); // holder 5 has no item

    // Every item the opposite of an output: all similarities ≤ 0.
    const d = 8;
    const next = random(11);
    const outputs = Array.from({ length: 6 * d }, () => next() * 2 - 1);
    const negative = similarityProblem({ d, outputs, outputCount: 6, items: outputs.map((x) => -x), itemCount: 6, holderOfItem: [0, 1, 2, 0, 1, 2], holderCount: 3 });
    const opposite = await gpuScores(gpu, negative, 0, 6);
    // Outputs may still be positively correlated with others' opposites: compare with the engine.
    expect(maxDifference(opposite, cpuScores(negative, 0, 6))).toBeLessThanOrEqual(bestScoreErrorBound(d));
    const self = similarityProblem({ d: 3, outputs: [1, 0, 0, 0, 1, 0], outputCount: 2, items: [-1, 0, 0, 0, -2, 0], itemCount: 2, holderOfItem: [0, 1], holderCount: 2 });
    expect(Array.from(await gpuScores(gpu, self, 0, 2))).toEqual(new Array(8).fill(0));
  });

  test('one-hot rows: exact scores', async () => {
    // Output o is e_(o mod d) + e_((o + 1) mod d) scaled to unit length; item j is e_(j mod d):
    // every cosine is 0 or exactly the f32 of 1/√2, whatever the order of the sum.
    const d = 40;
    const m = 70;
    const n = 200;
    const outputs = new Array<number>(m * d).fill(0);
    for (let o = 0; o < m; o++) {
      outputs[o * d + (o % d)] = 1;
      outputs[o * d + ((o + 1) % d)] = 1;
    }
    const items = new Array<number>(n * d).fill(0);
    for (let j = 0; j < n; j++) items[j * d + (j % d)] = 1;
    const holderOfItem = Array.from({ length: n }, (_, j) => j % 7);
    const problem = similarityProblem({ d, outputs, outputCount: m, items, itemCount: n, holderOfItem, holderCount: 8 });
    const actual = await gpuScores(gpu, problem, 0, m);
    const half = Math.fround(Math.SQRT1_2);
    const expected = new Float64Array(Math.ceil(m / 4) * 4 * 8);
    for (let o = 0; o < m; o++) {
      for (let j = 0; j < n; j++) {
        const k = j % d;
        if (k === o % d || k === (o + 1) % d) expected[((o >> 2) * 8 + holderOfItem[j]) * 4 + (o & 3)] = half;
      }
    }
    expect(Array.from(actual)).toEqual(Array.from(expected));
  });

  test('rows in shared memory, as the companion prepares them', async () => {
    const shared: ArrayAllocator = {
      float32: (length) => new Float32Array(new SharedArrayBuffer(4 * length)),
      float64: (length) => new Float64Array(new SharedArrayBuffer(8 * length)),
      int32: (length) => new Int32Array(new SharedArrayBuffer(4 * length)),
    };
    const c = { m: 13, n: 150, d: 24, holders: 4, seed: 3 };
    const problem = similarityProblem(spec(c), shared);
    expect(problem.items.buffer).toBeInstanceOf(SharedArrayBuffer);
    const expected = cpuScores(similarityProblem(spec(c), plainArrays), 0, 13);
    expect(maxDifference(await gpuScores(gpu, problem, 0, 13, { maxChunkItems: 100 }), expected)).toBeLessThanOrEqual(bestScoreErrorBound(24));
  });

  test('no items, or no holders: all zeros without a dispatch', async () => {
    const empty = similarityProblem({ d: 4, outputs: new Array(20).fill(1), outputCount: 5, items: [], itemCount: 0, holderOfItem: [], holderCount: 3 });
    expect(Array.from(await gpuScores(gpu, empty, 0, 5))).toEqual(new Array(2 * 4 * 3).fill(0));
    const none = similarityProblem({ d: 4, outputs: new Array(20).fill(1), outputCount: 5, items: [], itemCount: 0, holderOfItem: [], holderCount: 0 });
    expect((await gpuScores(gpu, none, 1, 5)).length).toBe(0);
  });

  test('passes sized by the holder count; bad arguments refused by name', async () => {
    const holders = 2 ** 20;
    const many = similarityProblem({ d: 4, outputs: new Array(4 * 300).fill(1), outputCount: 300, items: [1, 0, 0, 0], itemCount: 1, holderOfItem: [holders - 1], holderCount: holders });
    const scorer = GpuHolderScorer.create(gpu, many);
    // 4 outputs × 2^20 holders × 4 bytes per group: BEST_BUFFER_BYTES / 2^24 groups.
    expect(scorer.passOutputs).toBe(Math.min(BEST_BUFFER_BYTES, gpu.limits.maxStorageBufferBindingSize, gpu.limits.maxBufferSize) / 2 ** 24 * 4);
    await expect(scorer.scoreBlock(0, 301)).rejects.toThrow('scoreBlock: outputs [0, 301) of 300');
    await expect(scorer.scoreBlock(2, 2)).rejects.toThrow(RangeError);
    await expect(scorer.scoreBlock(0.5, 2)).rejects.toThrow(RangeError);
    scorer.destroy();
    await expect(scorer.scoreBlock(0, 1)).rejects.toThrow('destroyed');

    const small = similarityProblem(spec({ m: 4, n: 4, d: 4, holders: 2, seed: 1 }));
    expect(() => GpuHolderScorer.create(gpu, small, { maxChunkItems: 0 })).toThrow('maxChunkItems');
    expect(() => GpuHolderScorer.create(gpu, small, { maxPassOutputs: 6 })).toThrow('maxPassOutputs must be a multiple of 4');
    expect(() => GpuHolderScorer.create(gpu, small, { maxPassOutputs: 2.5 })).toThrow('maxPassOutputs');
  });
});
