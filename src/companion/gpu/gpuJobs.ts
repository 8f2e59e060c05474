/**
 * The GPU half of the job types that have WGSL kernels: the counterpart of workerJobs.ts for the
 * WebGPU backend. A GPU job takes the same context and unit payloads as the worker threads and
 * returns outputs of the same shape, so a job's Execution merges them without knowing where they
 * ran; that is what lets the runner send a failed batch to the CPU and still finish the job.
 *
 * Unlike a thread, the GPU wants many units at once (thousands of sampling blocks, hundreds of
 * similarity outputs) to fill its cores: `run` takes a batch and the runner sizes batches.
 */
import { attributeScoredBlock, SimilarityScratch, type SimilarityBlock } from '../../engine/attribution/similarity';
import { GROUP_OUTPUTS } from '../../engine/attribution/bestHolderScores';
import type { GpuContext } from '../../gpu/context';
import { GpuHolderScorer } from '../../gpu/attribution/holderScores';
import { exactShapleyOfTableGpu } from '../../gpu/shapley/exactTable';
import { GpuBlockSampler, gpuSamplingGameOfSpec } from '../../gpu/shapley/sampleBlocks';
import type { ExactContext, ExactUnit } from '../jobs/shapleyExact';
import type { BlockOutput, BlockUnit, SampleContext } from '../jobs/shapleySample';
import { similarityOutputsPerUnit, type SimilarityContext, type SimilarityUnit } from '../jobs/similarity';

export interface GpuJob<State = unknown> {
  /**
   * Why this input must run on the CPU threads although the job type has kernels (a method no
   * kernel implements), checked before setup; undefined when the GPU may take it.
   */
  cpuOnly?(context: unknown): string | undefined;
  /**
   * Prepares the GPU for a job (uploads its data); undefined when this input has no kernel (a
   * game without one), and the job then runs on the CPU threads.
   */
  setup(gpu: GpuContext, context: unknown): State | undefined;
  /** Outputs in payload order, shaped as the worker thread's outputs for the same payloads. */
  run(state: State, payloads: readonly unknown[]): Promise<unknown[]>;
  /** Most units worth sending in one batch (device memory, not time: the runner adapts that). */
  maxBatch(state: State): number;
  dispose(state: State): void;
}

const exactGpu: GpuJob<{ gpu: GpuContext; context: ExactContext }> = {
  setup(gpu, context) {
    return { gpu, context: context as ExactContext };
  },
  async run({ gpu, context }, payloads) {
    const units = payloads as ExactUnit[];
    const players: number[] = [];
    for (const { from, to } of units) for (let i = from; i < to; i++) players.push(i);
    // One upload of the table serves every player of the batch.
    const phi = await exactShapleyOfTableGpu(gpu, context.values, context.n, players);
    let offset = 0;
    return units.map(({ from, to }) => {
      const values = phi.slice(offset, offset + to - from);
      offset += to - from;
      return values;
    });
  },
  maxBatch() {
    return Number.MAX_SAFE_INTEGER;
  },
  dispose() {},
};

/** Blocks per sampling batch at most: 2^16 blocks of 256 samples is 1.7·10^7 permutations. */
const MAX_SAMPLING_BATCH = 2 ** 16;

const sampleGpu: GpuJob<GpuBlockSampler> = {
  cpuOnly(context) {
    // The kernels draw plain permutations only (counter word 3 = 0); Owen sampling's consistent
    // orders (engine/shapley/owenSampling.ts) have no kernel yet.
    return (context as SampleContext).plan.unions ? 'Owen sampling (unions) has no GPU kernel' : undefined;
  },
  setup(gpu, context) {
    const { game, plan } = context as SampleContext;
    if (plan.unions) return undefined;
    const gpuGame = gpuSamplingGameOfSpec(game);
    return gpuGame && GpuBlockSampler.create(gpu, gpuGame, plan);
  },
  async run(sampler, payloads) {
    const units = payloads as BlockUnit[];
    const blocks = await sampler.sample(units);
    return blocks.map((block): BlockOutput => ({ blockIndex: block.blockIndex, samples: block.samples, mean: block.mean as Float64Array, m2: block.m2 as Float64Array }));
  },
  maxBatch() {
    return MAX_SAMPLING_BATCH;
  },
  dispose(sampler) {
    sampler.destroy();
  },
};

interface SimilarityGpuState {
  context: SimilarityContext;
  scorer: GpuHolderScorer;
  scratch: SimilarityScratch;
}

/** Best-score entries (outputs × holders) one similarity batch may hold: 256 MiB of float64. */
const SIMILARITY_BATCH_ENTRIES = 2 ** 25;

const similarityGpu: GpuJob<SimilarityGpuState> = {
  setup(gpu, context) {
    const { problem } = context as SimilarityContext;
    return { context: context as SimilarityContext, scorer: GpuHolderScorer.create(gpu, problem), scratch: new SimilarityScratch(problem) };
  },
  async run({ context, scorer, scratch }, payloads) {
    const { problem } = context;
    const units = payloads as SimilarityUnit[];
    const outputs: SimilarityBlock[] = [];
    // Consecutive units share one GPU pass; each is then split and totalled by the engine exactly
    // as a worker thread would, from its own slice of the best scores.
    for (let start = 0; start < units.length; ) {
      let end = start + 1;
      while (end < units.length && units[end].from === units[end - 1].to) end++;
      const from = units[start].from;
      const best = await scorer.scoreBlock(from, units[end - 1].to);
      for (let u = start; u < end; u++) {
        const unit = units[u];
        outputs.push(attributeScoredBlock(problem, unit.from, unit.to, repack(best, unit.from - from, unit.to - unit.from, problem.holderCount), scratch));
      }
      start = end;
    }
    return outputs;
  },
  maxBatch({ context }) {
    const { holderCount, itemCount, d } = context.problem;
    const outputs = Math.max(GROUP_OUTPUTS, Math.floor(SIMILARITY_BATCH_ENTRIES / Math.max(1, holderCount)));
    return Math.max(1, Math.floor(outputs / similarityOutputsPerUnit(itemCount, d, holderCount)));
  },
  dispose({ scorer }) {
    scorer.destroy();
  },
};

/**
 * The best scores of `count` outputs starting `offset` outputs into a batch, laid out as the
 * engine lays out a block of its own (groups of GROUP_OUTPUTS lanes, zero lanes past the end).
 */
function repack(best: Float64Array, offset: number, count: number, holders: number): Float64Array {
  const lanes = GROUP_OUTPUTS;
  if (offset % lanes === 0 && count % lanes === 0) {
    const start = (offset / lanes) * holders * lanes;
    return best.subarray(start, start + (count / lanes) * holders * lanes);
  }
  const out = new Float64Array(Math.ceil(count / lanes) * holders * lanes);
  for (let r = 0; r < count; r++) {
    const source = ((r + offset) >> 2) * holders * lanes + ((r + offset) & 3);
    const target = (r >> 2) * holders * lanes + (r & 3);
    for (let h = 0; h < holders; h++) out[target + h * lanes] = best[source + h * lanes];
  }
  return out;
}

export const GPU_JOBS: Readonly<Record<string, GpuJob<any>>> = {
  'shapley.exact': exactGpu,
  'shapley.sample': sampleGpu,
  'attribution.similarity': similarityGpu,
};
