import { EngineInputError } from '../../../src/engine/errors';
import { tableGame } from '../../../src/engine/games/table';
import { randomPermutation } from '../../../src/engine/random/permutation';
import { seedKey } from '../../../src/engine/random/philox';
import { SAMPLING_BLOCK_SIZE, permutationShapley } from '../../../src/engine/shapley/sampling';
import {
  accumulatorFromJSON,
  accumulatorToJSON,
  createAccumulator,
  estimate,
  mergeBlock,
  sampleBlock,
  type BlockStats,
  type SamplingAccumulator,
  type SamplingPlan,
} from '../../../src/engine/shapley/samplingAccumulator';
import { lcgTable, marginalsAlong, popcount } from './allPermutations';

const n = 7;
const table = lcgTable(n, 4242, -5, 5);

const bitsOf = (x: Float64Array): number[] => Array.from(new Uint32Array(x.buffer, x.byteOffset, 2 * x.length));

function mergeAll(plan: SamplingPlan, blocks: readonly BlockStats[]): SamplingAccumulator {
  const acc = createAccumulator(n, plan);
  for (const block of blocks) mergeBlock(acc, block);
  return acc;
}

/** The samples of blocks [0, blocks) recomputed from randomPermutation and v(mask) directly. */
function samplesByHand(plan: SamplingPlan, count: number, v: (mask: number) => number): number[][] {
  const key = seedKey(plan.seed);
  const rows: number[][] = [];
  for (let s = 0; s < count; s++) {
    const order = Array.from(randomPermutation(key, s, n, new Int32Array(n)));
    const forward = marginalsAlong(order, v);
    if (!plan.antithetic) rows.push(forward);
    else {
      const backward = marginalsAlong([...order].reverse(), v);
      rows.push(forward.map((x, i) => (x + backward[i]) / 2));
    }
  }
  return rows;
}

/** Two-pass mean and sum of squared deviations, the numerically safest textbook way. */
function twoPass(rows: number[][], i: number): { mean: number; m2: number } {
  const mean = rows.reduce((s, r) => s + r[i], 0) / rows.length;
  return { mean, m2: rows.reduce((s, r) => s + (r[i] - mean) ** 2, 0) };
}

describe.each([false, true])('block sampling (antithetic: %s)', (antithetic) => {
  const plan: SamplingPlan = { seed: 31, blockSize: 64, antithetic };
  const blockCount = 10;

  it('gives bit-identical estimates however blocks are spread over workers, if merged in order', () => {
    const single = mergeAll(plan, Array.from({ length: blockCount }, (_, b) => sampleBlock(tableGame(table, n), plan, b)));

    // Two "workers", each with its own game object, computing interleaved blocks backwards.
    const done = new Map<number, BlockStats>();
    const workerA = tableGame(Float64Array.from(table), n);
    const workerB = tableGame(Float64Array.from(table), n);
    for (let b = blockCount - 1; b >= 0; b--) done.set(b, sampleBlock(b % 2 ? workerA : workerB, plan, b));
    const split = mergeAll(plan, Array.from({ length: blockCount }, (_, b) => done.get(b)!));

    expect(bitsOf(split.mean)).toEqual(bitsOf(single.mean));
    expect(bitsOf(split.m2)).toEqual(bitsOf(single.m2));
    expect(bitsOf(estimate(split).standardErrors)).toEqual(bitsOf(estimate(single).standardErrors));
  });

  it('survives a JSON checkpoint mid-run without changing a bit', () => {
    const game = tableGame(table, n);
    const blocks = Array.from({ length: blockCount }, (_, b) => sampleBlock(game, plan, b));
    const straight = mergeAll(plan, blocks);
    const firstHalf = mergeAll(plan, blocks.slice(0, 4));
    const restored = accumulatorFromJSON(JSON.parse(JSON.stringify(accumulatorToJSON(firstHalf))));
    for (const block of blocks.slice(4)) mergeBlock(restored, block);
    expect(bitsOf(restored.mean)).toEqual(bitsOf(straight.mean));
    expect(bitsOf(restored.m2)).toEqual(bitsOf(straight.m2));
    expect(restored.blocks).toBe(blockCount);
    expect(restored.samples).toBe(blockCount * plan.blockSize);
  });

  it('computes the same mean and spread as a two-pass pass over the samples', () => {
    const blocks = Array.from({ length: 3 }, (_, b) => sampleBlock(tableGame(table, n), plan, b));
    const last = sampleBlock(tableGame(table, n), plan, 3, 10);
    const acc = mergeAll(plan, [...blocks, last]);
    const rows = samplesByHand(plan, 3 * 64 + 10, (mask) => table[mask]);
    const result = estimate(acc);
    expect(result.samples).toBe(202);
    expect(result.permutations).toBe(antithetic ? 404 : 202);
    expect(result.marginalContributions).toBe(result.permutations * n);
    for (let i = 0; i < n; i++) {
      const { mean, m2 } = twoPass(rows, i);
      expect(acc.mean[i]).toBeCloseTo(mean, 12);
      expect(acc.m2[i] / m2).toBeCloseTo(1, 12);
      expect(result.standardErrors[i]).toBeCloseTo(Math.sqrt(m2 / 201 / 202), 12);
    }
  });

  it('matches permutationShapley, which runs the same blocks of SAMPLING_BLOCK_SIZE', () => {
    const runPlan: SamplingPlan = { seed: 77, blockSize: SAMPLING_BLOCK_SIZE, antithetic };
    const perSample = antithetic ? 2 : 1;
    const samples = 3 * SAMPLING_BLOCK_SIZE + 5;
    const game = tableGame(table, n);
    const acc = mergeAll(runPlan, [0, 1, 2].map((b) => sampleBlock(game, runPlan, b)));
    mergeBlock(acc, sampleBlock(game, runPlan, 3, 5));
    const run = permutationShapley(game, { seed: 77, maxPermutations: samples * perSample, antithetic });
    expect(bitsOf(run.values)).toEqual(bitsOf(estimate(acc).values));
    expect(bitsOf(run.standardErrors)).toEqual(bitsOf(estimate(acc).standardErrors));
  });
});

describe('numerical soundness', () => {
  it('keeps the spread of contributions that sit on a large common offset', () => {
    // Every marginal contribution is 10^9 plus noise below 1: Σx² − (Σx)²/m would lose the
    // spread entirely in double precision (10^18 has an ulp of 128).
    // Noise on a grid of 2^-16 so that 10^9·k + noise is exact in a double (k ≤ 7 < 2^3).
    const noise = lcgTable(n, 99).map((x) => Math.round(x * 2 ** 16) / 2 ** 16);
    const values = new Float64Array(2 ** n);
    for (let mask = 0; mask < values.length; mask++) values[mask] = 1e9 * popcount(mask) + noise[mask];
    const plan: SamplingPlan = { seed: 5, blockSize: 100, antithetic: false };
    const acc = mergeAll(plan, Array.from({ length: 5 }, (_, b) => sampleBlock(tableGame(values, n), plan, b)));
    // The offset cancels exactly in the noise-only game, so its spread is the reference.
    const rows = samplesByHand(plan, 500, (mask) => noise[mask]);
    for (let i = 0; i < n; i++) {
      const { m2 } = twoPass(rows, i);
      expect(acc.m2[i] / m2).toBeGreaterThan(1 - 1e-6);
      expect(acc.m2[i] / m2).toBeLessThan(1 + 1e-6);
    }
  });
});

describe('mergeBlock guards the order and the plan', () => {
  const plan: SamplingPlan = { seed: 1, blockSize: 8, antithetic: false };
  const game = tableGame(table, n);
  const field = (call: () => unknown): string | undefined => {
    try {
      call();
    } catch (e) {
      expect(e).toBeInstanceOf(EngineInputError);
      return (e as EngineInputError).field;
    }
    return undefined;
  };

  it('refuses a block out of order', () => {
    expect(field(() => mergeBlock(createAccumulator(n, plan), sampleBlock(game, plan, 1)))).toBe('block');
  });

  it('refuses anything after a partial block', () => {
    const acc = mergeBlock(createAccumulator(n, plan), sampleBlock(game, plan, 0, 3));
    expect(acc.complete).toBe(true);
    expect(field(() => mergeBlock(acc, sampleBlock(game, plan, 1)))).toBe('block');
  });

  it.each([
    ['seed', { ...plan, seed: 2 }],
    ['block size', { ...plan, blockSize: 9 }],
    ['antithetic flag', { ...plan, antithetic: true }],
  ])('refuses a block with another %s', (_what, other) => {
    expect(field(() => mergeBlock(createAccumulator(n, plan), sampleBlock(game, other, 0)))).toBe('block');
  });

  it('refuses a block for another number of players', () => {
    const smaller = tableGame(lcgTable(3, 1), 3);
    expect(field(() => mergeBlock(createAccumulator(n, plan), sampleBlock(smaller, plan, 0)))).toBe('block');
  });

  it.each([
    ['blockIndex', () => sampleBlock(game, plan, -1)],
    ['blockIndex', () => sampleBlock(game, plan, 0.5)],
    ['samples', () => sampleBlock(game, plan, 0, 0)],
    ['samples', () => sampleBlock(game, plan, 0, 9)],
    ['blockSize', () => sampleBlock(game, { ...plan, blockSize: 0 }, 0)],
    ['seed', () => sampleBlock(game, { ...plan, seed: -3 }, 0)],
    ['blockIndex', () => sampleBlock(game, plan, 2 ** 53 / 8)],
    ['players', () => createAccumulator(-1, plan)],
  ])('sampleBlock / createAccumulator reject a bad %s', (name, call) => {
    expect(field(call)).toBe(name);
  });
});

describe('accumulatorFromJSON', () => {
  const plan: SamplingPlan = { seed: 3, blockSize: 16, antithetic: true };
  const good = accumulatorToJSON(mergeAll(plan, [sampleBlock(tableGame(table, n), plan, 0), sampleBlock(tableGame(table, n), plan, 1, 4)]));

  it('restores what accumulatorToJSON wrote', () => {
    const acc = accumulatorFromJSON(JSON.parse(JSON.stringify(good)));
    expect(acc).toMatchObject({ seed: 3, blockSize: 16, antithetic: true, n, blocks: 2, samples: 20, complete: true });
    expect(Array.from(acc.mean)).toEqual(good.mean);
  });

  it.each([
    ['not an object', null],
    ['another format', { ...good, format: 'something-else' }],
    ['a missing mean', { ...good, mean: undefined }],
    ['a short m2', { ...good, m2: good.m2.slice(1) }],
    ['a non-number in mean', { ...good, mean: [null, ...good.mean.slice(1)] }],
    ['samples that do not fit the blocks', { ...good, samples: 40 }],
    ['a negative block count', { ...good, blocks: -1 }],
    ['a bad seed', { ...good, seed: 1.5 }],
  ])('rejects %s', (_what, json) => {
    expect(() => accumulatorFromJSON(json)).toThrow(EngineInputError);
  });
});
