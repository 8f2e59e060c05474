/**
 * GpuBlockSampler against the CPU engine's sampleBlock, block by block and player by player, on
 * random table, weighted-voting and saturating-scale games: plain and antithetic, partial blocks,
 * n = 1, 2, 3, 7, 33 and 300, blocks beyond permutation 2^32, blocks split over several
 * dispatches, 2-D grids and a table split over several bindings. The tolerance is the documented
 * gpuSamplingTolerance (sampleBlocks.ts); the worst ratio seen is logged.
 */
import type { Game } from '../../src/engine/games/game';
import { coverageGame } from '../../src/engine/games/coverage';
import { saturatingScaleGame } from '../../src/engine/games/saturatingScale';
import { tableGame } from '../../src/engine/games/table';
import { votingGame } from '../../src/engine/games/voting';
import { EngineInputError } from '../../src/engine/errors';
import { sampleBlock, type BlockStats, type SamplingPlan } from '../../src/engine/shapley/samplingAccumulator';
import { GpuContext } from '../../src/gpu/context';
import {
  GpuBlockSampler,
  gpuSamplingGameOf,
  gpuSamplingGameOfSpec,
  gpuSamplingTolerance,
  type BlockSamplerOptions,
  type GpuSamplingGame,
  type SamplingGameDescription,
} from '../../src/gpu/shapley/sampleBlocks';
import { describeGpu, testGpu, GPU_TEST_TIMEOUT_MS } from './testDevice';
import { mulberry32 as uniform } from '../helpers/random';

// SwiftShader on a busy machine is slow: no test may depend on its speed (testDevice.ts).
jest.setTimeout(GPU_TEST_TIMEOUT_MS);

/** A game as the engine builds it (the reference) and as described for the GPU. */
interface Case {
  readonly name: string;
  readonly engine: Game;
  readonly description: SamplingGameDescription;
}

function tableCase(n: number, seed: number, offset = 0): Case {
  const u = uniform(seed);
  const values = Float64Array.from({ length: 2 ** n }, () => offset + 100 * (u() + u() * 2 ** -32));
  return { name: `table n=${n}`, engine: tableGame(values, n), description: { type: 'table', n, values } };
}

function votingCase(n: number, seed: number, unit = 1, decimals = 0): Case {
  const u = uniform(seed);
  const weights = Array.from({ length: n }, () => Math.round(unit * (1 + 20 * u()) * 10 ** decimals) / 10 ** decimals);
  const quota = Math.round(0.55 * weights.reduce((a, b) => a + b, 0) * 10 ** decimals) / 10 ** decimals;
  return { name: `voting n=${n} unit=${unit} decimals=${decimals}`, engine: votingGame(weights, quota), description: { type: 'voting', weights, quota } };
}

function saturatingCase(n: number, seed: number, halfSize: number, alpha: number): Case {
  const u = uniform(seed);
  const sizes = Array.from({ length: n }, (_, i) => (i % 11 === 5 ? 0 : Math.floor(1 + 5000 * u() ** 3)));
  return { name: `saturating n=${n} halfSize=${halfSize} alpha=${alpha}`, engine: saturatingScaleGame(sizes, halfSize, alpha), description: { type: 'saturatingScale', sizes, halfSize, alpha } };
}

let worstRatio = 0;

/** Each block's mean and M2 within the documented tolerance of the CPU's, player by player. */
function expectClose(label: string, gpuGame: GpuSamplingGame, got: BlockStats, expected: BlockStats): void {
  expect([label, got.blockIndex, got.samples, got.seed, got.blockSize, got.antithetic]).toEqual([label, expected.blockIndex, expected.samples, expected.seed, expected.blockSize, expected.antithetic]);
  expect(got.mean).toBeInstanceOf(Float64Array);
  expect(got.m2).toBeInstanceOf(Float64Array);
  expect(got.mean).toHaveLength(expected.mean.length);
  const m = expected.samples;
  for (let i = 0; i < expected.mean.length; i++) {
    const meanSquare = (expected.m2[i] + m * expected.mean[i] ** 2) / m;
    const tolerance = gpuSamplingTolerance(gpuGame, m, meanSquare);
    const meanGap = Math.abs(got.mean[i] - expected.mean[i]);
    const m2Gap = Math.abs(got.m2[i] - expected.m2[i]);
    if (tolerance.mean > 0) worstRatio = Math.max(worstRatio, meanGap / tolerance.mean);
    if (tolerance.m2 > 0) worstRatio = Math.max(worstRatio, m2Gap / tolerance.m2);
    if (!(meanGap <= tolerance.mean && m2Gap <= tolerance.m2)) {
      throw new Error(
        `${label}, block ${expected.blockIndex}, player ${i}: mean ${got.mean[i]} vs ${expected.mean[i]} (tolerance ${tolerance.mean}), M2 ${got.m2[i]} vs ${expected.m2[i]} (tolerance ${tolerance.m2})`,
      );
    }
  }
}

async function compare(
  gpu: GpuContext,
  c: Case,
  plan: SamplingPlan,
  blocks: ReadonlyArray<{ blockIndex: number; samples: number }>,
  options?: BlockSamplerOptions,
): Promise<void> {
  const gpuGame = gpuSamplingGameOfSpec(c.description);
  if (!gpuGame) throw new Error(`${c.name} has no GPU form`);
  const sampler = GpuBlockSampler.create(gpu, gpuGame, plan, options);
  try {
    const got = await sampler.sample(blocks);
    expect(got).toHaveLength(blocks.length);
    const label = `${c.name} ${plan.antithetic ? 'antithetic' : 'plain'}`;
    blocks.forEach(({ blockIndex, samples }, k) => expectClose(label, gpuGame, got[k], sampleBlock(c.engine, plan, blockIndex, samples)));
  } finally {
    sampler.destroy();
  }
}

describeGpu('GpuBlockSampler', () => {
  afterAll(() => console.log(`sampling: largest |gpu − cpu| / documented tolerance = ${worstRatio.toFixed(3)}`), GPU_TEST_TIMEOUT_MS);

  it('matches sampleBlock on table games of 1, 2, 3 and 7 players, plain and antithetic, with partial blocks', async () => {
    const gpu = await testGpu();
    for (const n of [1, 2, 3, 7]) {
      for (const antithetic of [false, true]) {
        const plan = { seed: 1000 + n, blockSize: 24, antithetic };
        await compare(gpu, tableCase(n, 7 * n), plan, [
          { blockIndex: 0, samples: 24 },
          { blockIndex: 1, samples: 24 },
          { blockIndex: 5, samples: 13 },
          { blockIndex: 2, samples: 1 },
        ]);
      }
    }
  });

  it('keeps the small differences of a table of large values (float-float values)', async () => {
    const gpu = await testGpu();
    // v = 10^7 + up to 100: f32 values would be off by ~0.5, i.e. ~1 % of each contribution.
    await compare(gpu, tableCase(6, 3, 1e7), { seed: 5, blockSize: 32, antithetic: false }, [{ blockIndex: 3, samples: 32 }]);
    await compare(gpu, tableCase(6, 3, 1e7), { seed: 5, blockSize: 32, antithetic: true }, [{ blockIndex: 3, samples: 32 }]);
  });

  it('matches sampleBlock on weighted voting: 3, 7, 33 and 300 members, decimal weights, weights past 2^32', async () => {
    const gpu = await testGpu();
    const cases = [votingCase(3, 1), votingCase(7, 2, 1, 2), votingCase(33, 3, 1e9, 3), votingCase(300, 4)];
    for (const c of cases) {
      for (const antithetic of [false, true]) {
        await compare(gpu, c, { seed: 77, blockSize: 16, antithetic }, [
          { blockIndex: 0, samples: 16 },
          { blockIndex: 9, samples: 16 },
          { blockIndex: 4, samples: 7 },
        ]);
      }
    }
  });

  it('matches sampleBlock on saturating scale games: 2, 33 and 300 catalogues, small and large alpha', async () => {
    const gpu = await testGpu();
    const cases = [saturatingCase(2, 1, 100, 1), saturatingCase(33, 2, 50_000, 0.5), saturatingCase(300, 3, 1000, 1), saturatingCase(300, 4, 10, 3)];
    for (const c of cases) {
      for (const antithetic of [false, true]) {
        await compare(gpu, c, { seed: 2 ** 40 + 9, blockSize: 16, antithetic }, [
          { blockIndex: 0, samples: 16 },
          { blockIndex: 3, samples: 11 },
        ]);
      }
    }
  });

  it('draws the right permutations for blocks beyond permutation 2^32', async () => {
    const gpu = await testGpu();
    const blockSize = 24;
    const first = Math.floor(2 ** 32 / blockSize); // this block crosses 2^32
    await compare(gpu, tableCase(5, 11), { seed: Number.MAX_SAFE_INTEGER, blockSize, antithetic: false }, [
      { blockIndex: first, samples: blockSize },
      { blockIndex: 2 ** 40, samples: 5 },
    ]);
  });

  it('splits blocks over several dispatches and merges them (Chan et al.), with 2-D grids', async () => {
    const gpu = await testGpu();
    const blocks = [
      { blockIndex: 0, samples: 40 },
      { blockIndex: 1, samples: 40 },
      { blockIndex: 7, samples: 23 },
    ];
    // 9 slots per dispatch: every block spans several dispatches, some dispatches several blocks.
    await compare(gpu, votingCase(33, 8), { seed: 3, blockSize: 40, antithetic: true }, blocks, { maxSlotsPerDispatch: 9 });
    await compare(gpu, saturatingCase(33, 9, 100, 1), { seed: 3, blockSize: 40, antithetic: false }, blocks, { maxSlotsPerDispatch: 9, maxWorkgroupsPerDimension: 12 });
    // Beyond 64 players the permutations live in the scratch buffer: 6 slots of 300 players fit
    // a 7,200-byte scratch.
    await compare(gpu, tableCase(7, 15), { seed: 3, blockSize: 40, antithetic: true }, blocks, { maxScratchBytes: 7 * 4 * 6 });
    await compare(gpu, votingCase(300, 14), { seed: 3, blockSize: 40, antithetic: true }, blocks, { maxScratchBytes: 300 * 4 * 6 });
    // One-sample blocks of 300 players: 60 segments, 18,000 (segment, player) reductions.
    const many = Array.from({ length: 60 }, (_, b) => ({ blockIndex: b, samples: 1 }));
    await compare(gpu, votingCase(300, 10), { seed: 4, blockSize: 1, antithetic: false }, many, { maxWorkgroupsPerDimension: 100 });
  });

  it('binds a table larger than one storage binding as several buffers', async () => {
    const gpu = await testGpu();
    // 2^7 coalitions × 8 bytes = 1 KiB; 256-byte bindings: 4 parts (and 9 slots of 7 players each).
    await compare(gpu, tableCase(7, 12), { seed: 6, blockSize: 20, antithetic: true }, [{ blockIndex: 2, samples: 20 }], { maxStorageBytes: 256 });
    await compare(gpu, tableCase(7, 12), { seed: 6, blockSize: 20, antithetic: false }, [{ blockIndex: 2, samples: 20 }], { maxStorageBytes: 512 });
  });

  it('runs concurrent requests one after another, and games of no players', async () => {
    const gpu = await testGpu();
    const c = votingCase(40, 16);
    const gpuGame = gpuSamplingGameOfSpec(c.description)!;
    const plan = { seed: 21, blockSize: 8, antithetic: false };
    const sampler = GpuBlockSampler.create(gpu, gpuGame, plan);
    try {
      // Different sizes, so that the second request grows the scratch the first is using.
      const [a, b] = await Promise.all([sampler.sample([{ blockIndex: 0, samples: 8 }]), sampler.sample(Array.from({ length: 30 }, (_, k) => ({ blockIndex: k, samples: 8 })))]);
      expectClose('concurrent a', gpuGame, a[0], sampleBlock(c.engine, plan, 0));
      b.forEach((block, k) => expectClose('concurrent b', gpuGame, block, sampleBlock(c.engine, plan, k)));
    } finally {
      sampler.destroy();
    }
    const empty = gpuSamplingGameOfSpec({ type: 'table', n: 0, values: [3] } as SamplingGameDescription)!;
    const none = GpuBlockSampler.create(gpu, empty, plan);
    try {
      const [block] = await none.sample([{ blockIndex: 2, samples: 3 }]);
      expect(block).toEqual(sampleBlock(tableGame(new Float64Array([3]), 0), plan, 2, 3));
    } finally {
      none.destroy();
    }
  });

  it('reports its throughput (marginal contributions per second)', async () => {
    const gpu = await testGpu();
    const c = votingCase(200, 13);
    const gpuGame = gpuSamplingGameOfSpec(c.description)!;
    const plan = { seed: 9, blockSize: 256, antithetic: false };
    const sampler = GpuBlockSampler.create(gpu, gpuGame, plan);
    try {
      await sampler.sample([{ blockIndex: 0, samples: 1 }]);
      const blocks = Array.from({ length: 16 }, (_, b) => ({ blockIndex: b, samples: 256 }));
      const started = performance.now();
      const got = await sampler.sample(blocks);
      const seconds = (performance.now() - started) / 1000;
      console.log(`sampling on ${gpu.adapter.name}: voting n=200, ${16 * 256} permutations in ${(seconds * 1000).toFixed(0)} ms = ${((16 * 256 * 200) / seconds).toExponential(2)} contributions/s`);
      expectClose('throughput run', gpuGame, got[15], sampleBlock(c.engine, plan, 15));
    } finally {
      sampler.destroy();
    }
  });

  it('refuses bad blocks and plans, naming the argument', async () => {
    const gpu = await testGpu();
    const gpuGame = gpuSamplingGameOfSpec(tableCase(3, 1).description)!;
    expect(() => GpuBlockSampler.create(gpu, gpuGame, { seed: -1, blockSize: 4, antithetic: false })).toThrow(/^seed/);
    expect(() => GpuBlockSampler.create(gpu, gpuGame, { seed: 1, blockSize: 0, antithetic: false })).toThrow(/^blockSize/);
    const sampler = GpuBlockSampler.create(gpu, gpuGame, { seed: 1, blockSize: 4, antithetic: false });
    try {
      await expect(sampler.sample([{ blockIndex: 0, samples: 5 }])).rejects.toThrow(/^samples, item 1: a block holds 1 to 4 samples, got 5/);
      await expect(sampler.sample([{ blockIndex: 0, samples: 1 }, { blockIndex: -1, samples: 1 }])).rejects.toThrow(/^blockIndex, item 2/);
      await expect(sampler.sample([{ blockIndex: 2 ** 52, samples: 4 }])).rejects.toThrow(EngineInputError);
      expect(await sampler.sample([])).toEqual([]);
    } finally {
      sampler.destroy();
    }
    await expect(sampler.sample([{ blockIndex: 0, samples: 1 }])).rejects.toThrow(/destroyed/);
  });
});

describe('gpuSamplingGameOf / gpuSamplingGameOfSpec', () => {
  it('recognises table, voting and saturating-scale descriptions and scales voting weights to whole numbers', () => {
    const table = gpuSamplingGameOfSpec({ type: 'table', n: 2, values: new Float64Array([0, 1, 2, 4]) } as SamplingGameDescription);
    expect(table).toMatchObject({ type: 'table', n: 2, scale: 1 / 8 });
    const voting = gpuSamplingGameOfSpec({ type: 'voting', weights: [0.1, 0.2, 2 ** 33], quota: 0.3 } as SamplingGameDescription);
    // Scaled by 10: 1, 2 and 10·2^33 = 20·2^32, i.e. (low, high) words (0, 20).
    expect(voting).toMatchObject({ type: 'voting', n: 3, quota: 3, total: 3 + 10 * 2 ** 33 });
    expect(Array.from((voting as { weights: Uint32Array }).weights)).toEqual([1, 0, 2, 0, 0, 20]);
    const saturating = gpuSamplingGameOfSpec({ type: 'saturatingScale', sizes: [10, 30], halfSize: 20, alpha: 2 } as SamplingGameDescription);
    expect(saturating).toMatchObject({ type: 'saturatingScale', n: 2, total: 2, alpha: 2 });
  });

  it('leaves other games, and saturating scales outside f32’s reach, to the CPU', () => {
    expect(gpuSamplingGameOfSpec({ type: 'coverage' })).toBeUndefined();
    expect(gpuSamplingGameOfSpec({ type: 'knn' })).toBeUndefined();
    expect(gpuSamplingGameOfSpec({ type: 'saturatingScale', sizes: [1e40, 1], halfSize: 1, alpha: 1 } as SamplingGameDescription)).toBeUndefined();
    expect(gpuSamplingGameOfSpec({ type: 'saturatingScale', sizes: [1e-40, 1], halfSize: 1, alpha: 1 } as SamplingGameDescription)).toBeUndefined();
    expect(gpuSamplingGameOf(coverageGame(2, [{ weight: 1, coveredBy: [0, 1] }]))).toBeUndefined();
  });

  it('reads an engine game’s description, when it carries one of the right size', () => {
    const values = new Float64Array([0, 1, 2, 4]);
    const described = Object.assign(tableGame(values, 2), { description: { type: 'table', n: 2, values } });
    expect(gpuSamplingGameOf(described)).toMatchObject({ type: 'table', n: 2 });
    const mismatched = Object.assign(tableGame(values, 2), { description: { type: 'voting', weights: [1, 2, 3], quota: 2 } });
    expect(gpuSamplingGameOf(mismatched)).toBeUndefined();
  });

  it('refuses invalid descriptions with the engine’s errors', () => {
    expect(() => gpuSamplingGameOfSpec({ type: 'table', n: 2, values: [0, 1, 2] } as SamplingGameDescription)).toThrow(/^values: a table of 2 players needs/);
    expect(() => gpuSamplingGameOfSpec({ type: 'table', n: 1, values: [0, Infinity] } as SamplingGameDescription)).toThrow(/^values, item 2/);
    expect(() => gpuSamplingGameOfSpec({ type: 'voting', weights: [1, -1], quota: 1 } as SamplingGameDescription)).toThrow(/^weights, item 2/);
    expect(() => gpuSamplingGameOfSpec({ type: 'saturatingScale', sizes: [1], halfSize: 0, alpha: 1 } as SamplingGameDescription)).toThrow(/^halfSize/);
  });
});
