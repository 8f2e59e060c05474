/**
 * shapley.sample: permutation-sampled Shapley values of a game of the catalogue (gameSpec.ts),
 * giving exactly the numbers of the engine's permutationShapley with the same seed and options,
 * whatever the number of threads, the order in which they finish, and any interruption. With
 * `input.unions` (one union label per player), the sampled Owen value: the engine's Owen sampling
 * (engine/shapley/owenSampling.ts) through the same blocks; there is no GPU kernel for it.
 *
 * Why that holds: a unit is one block of the engine's sampling plan (SAMPLING_BLOCK_SIZE samples,
 * the last one partial when the budget is not a multiple), whose statistics depend only on the
 * game, the seed and the block's index (samplingAccumulator.ts). Blocks that come back early wait
 * until their predecessors are merged, so the merge runs in block order as in the engine, and the
 * engine's stoppingCheck decides after each merge, so a run with a target standard error stops at
 * the same block; blocks handed out beyond it are ignored. The checkpoint is the accumulator of
 * the merged prefix, which restores to the same bits (accumulatorToJSON).
 */
import {
  accumulatorFromJSON,
  accumulatorToJSON,
  createAccumulator,
  estimate,
  mergeBlock,
  permutationsPerSample,
  sampleBlock,
  type SamplingAccumulator,
  type SamplingPlan,
} from '../../engine/shapley/samplingAccumulator';
import { samplingMethod, samplingRun, stoppingCheck, type StoppingRule } from '../../engine/shapley/sampling';
import type { Game } from '../../engine/games/game';
import { MAX_MARGINAL_CONTRIBUTIONS } from '../limits';
import { engineInput, inputError } from './errors';
import { buildGame, resolveGame, validateSampledInput, type GameRequest, type GameSpec } from './gameSpec';
import { isAbsent, optionsRecord, randomSeed } from './shared';
import type { Execution, JobDefinition, JobEnvironment, StoredCheckpoint, WorkerJob, WorkUnit } from './types';

export interface SampleJob {
  readonly game: GameRequest;
  readonly n: number;
  readonly players?: string[];
  /** The union labels as the request gave them (Owen sampling); plan.unions numbers them. */
  readonly unions?: Array<string | number>;
  readonly plan: SamplingPlan;
  readonly rule: StoppingRule;
}

export interface SampleContext {
  kind: 'shapley.sample';
  game: GameSpec;
  plan: SamplingPlan;
}

export interface BlockUnit {
  blockIndex: number;
  samples: number;
}

export interface BlockOutput {
  blockIndex: number;
  samples: number;
  mean: Float64Array;
  m2: Float64Array;
}

const OPTION_NAMES = ['seed', 'maxPermutations', 'targetStandardError', 'minPermutations', 'antithetic'];

/** Engine option names → request paths. */
const OPTION_FIELDS: Readonly<Record<string, string>> = Object.fromEntries(OPTION_NAMES.map((name) => [name, `options.${name}`]));

function validateOptions(x: unknown, n: number, unions: Array<string | number> | undefined): { stored: Record<string, unknown>; plan: SamplingPlan; rule: StoppingRule } {
  const options = optionsRecord(x);
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.includes(key)) throw inputError(`options.${key}`, `is not an option of shapley.sample (${OPTION_NAMES.join(', ')})`);
  }
  if (!isAbsent(options.antithetic) && typeof options.antithetic !== 'boolean') throw inputError('options.antithetic', 'must be true or false');
  const seed = isAbsent(options.seed) ? randomSeed() : options.seed;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
    throw inputError('options.seed', `must be a whole number from 0 to 2^53 − 1, got ${String(seed)}`);
  }
  // The stored options hold the seed drawn for the run, so that a resume repeats the same run.
  const stored: Record<string, unknown> = { seed };
  for (const name of OPTION_NAMES.slice(1)) if (!isAbsent(options[name])) stored[name] = options[name];
  const { plan, rule } = engineInput('options', () => samplingRun({ ...(stored as { seed: number }), unions }), { ...OPTION_FIELDS, unions: 'input.unions' });
  const contributions = rule.maxSamples * permutationsPerSample(plan.antithetic) * n;
  if (contributions > MAX_MARGINAL_CONTRIBUTIONS) {
    const field = isAbsent(options.maxPermutations) ? 'options.targetStandardError' : 'options.maxPermutations';
    throw inputError(field, `${rule.maxSamples * permutationsPerSample(plan.antithetic)} permutations × ${n} players is ${contributions.toExponential(2)} marginal contributions; at most ${MAX_MARGINAL_CONTRIBUTIONS.toExponential(0)} per job`);
  }
  return { stored, plan, rule };
}

export const shapleySample: JobDefinition<SampleJob> = {
  type: 'shapley.sample',

  validate(input, options, env) {
    const { game, n, players, unions } = validateSampledInput('shapley.sample', input, env);
    const { stored, plan, rule } = validateOptions(options, n, unions);
    return { value: { game, n, players, ...(unions ? { unions } : {}), plan, rule }, options: stored };
  },

  start(job, env, checkpoint) {
    return new SampleExecution(job, env, checkpoint);
  },
};

/**
 * Blocks handed out ahead of the merged prefix: enough to keep every thread (or a GPU's batches,
 * or a cluster's workers) busy, with bounded memory.
 */
function blocksAhead(env: JobEnvironment): number {
  return Math.max(2 * env.threads + 2, env.batchUnits ?? 0, env.unitsInFlight ?? 0);
}

class SampleExecution implements Execution {
  readonly context: SampleContext;
  private acc: SamplingAccumulator;
  private readonly arrived = new Map<number, BlockOutput>();
  private nextBlock: number;
  private stoppedBy: 'targetStandardError' | 'maxPermutations' | undefined;
  private largestStandardError = NaN;
  private savedBlocks: number;
  private shownProgress = 0;

  constructor(
    private readonly job: SampleJob,
    private readonly env: JobEnvironment,
    checkpoint: StoredCheckpoint | undefined,
  ) {
    this.context = { kind: 'shapley.sample', game: resolveGame(job.game, env), plan: job.plan };
    this.acc = this.restore(checkpoint) ?? createAccumulator(job.n, job.plan);
    this.savedBlocks = this.acc.blocks;
    this.nextBlock = this.acc.blocks;
    if (this.acc.samples > 0) this.check();
  }

  /** The checkpointed accumulator if it belongs to this run; one of another run is ignored. */
  private restore(checkpoint: StoredCheckpoint | undefined): SamplingAccumulator | undefined {
    if (!checkpoint) return undefined;
    try {
      const acc = accumulatorFromJSON(checkpoint.state);
      const { plan, n } = this.job;
      if (acc.seed !== plan.seed || acc.blockSize !== plan.blockSize || acc.antithetic !== plan.antithetic || acc.n !== n) return undefined;
      if (JSON.stringify(acc.unions ?? null) !== JSON.stringify(plan.unions ?? null)) return undefined;
      // This run's blocks are full but for the last, which ends at maxSamples.
      if (acc.samples !== Math.min(acc.blocks * acc.blockSize, this.job.rule.maxSamples)) return undefined;
      return acc;
    } catch {
      return undefined;
    }
  }

  private check(): void {
    const { stoppedBy, largestStandardError } = stoppingCheck(this.acc, this.job.rule);
    this.stoppedBy = stoppedBy;
    this.largestStandardError = largestStandardError;
  }

  next(): WorkUnit | undefined {
    if (this.stoppedBy) return undefined;
    const { blockSize } = this.job.plan;
    const first = this.nextBlock * blockSize;
    if (first >= this.job.rule.maxSamples) return undefined;
    if (this.nextBlock - this.acc.blocks >= blocksAhead(this.env)) return undefined;
    const unit: BlockUnit = { blockIndex: this.nextBlock, samples: Math.min(blockSize, this.job.rule.maxSamples - first) };
    return { index: this.nextBlock++, payload: unit };
  }

  accept(_unit: WorkUnit, output: unknown): void {
    const block = output as BlockOutput;
    if (this.stoppedBy || block.blockIndex < this.acc.blocks) return;
    this.arrived.set(block.blockIndex, block);
    for (let b = this.arrived.get(this.acc.blocks); b && !this.stoppedBy; b = this.arrived.get(this.acc.blocks)) {
      this.arrived.delete(b.blockIndex);
      mergeBlock(this.acc, { ...this.job.plan, blockIndex: b.blockIndex, samples: b.samples, mean: b.mean, m2: b.m2 });
      this.check();
    }
    if (this.stoppedBy) this.arrived.clear();
  }

  finished(): boolean {
    return this.stoppedBy !== undefined;
  }

  /**
   * The share of the samples the run will need that are merged. With a target standard error the
   * need is extrapolated from the largest error, which falls as 1/√samples: samples × (largest /
   * target)², at least minSamples, at most the budget. Never goes back; below 1 until the end.
   */
  progress(): number {
    if (this.stoppedBy) return 1;
    const { maxSamples, minSamples, targetStandardError: target } = this.job.rule;
    let needed = maxSamples;
    if (target !== undefined && !Number.isNaN(this.largestStandardError)) {
      needed = Math.min(maxSamples, Math.max(minSamples, this.acc.samples * (this.largestStandardError / target) ** 2));
    }
    this.shownProgress = Math.max(this.shownProgress, Math.min(this.acc.samples / needed, 0.999));
    return this.shownProgress;
  }

  checkpoint() {
    if (this.acc.blocks === this.savedBlocks) return undefined;
    this.savedBlocks = this.acc.blocks;
    return { state: accumulatorToJSON(this.acc) };
  }

  result(): Record<string, unknown> {
    const e = estimate(this.acc);
    return {
      method: samplingMethod(this.job.plan),
      game: this.job.game.type,
      seed: this.job.plan.seed,
      ...(this.job.unions ? { unions: this.job.unions } : {}),
      samples: e.samples,
      permutations: e.permutations,
      marginalContributions: e.marginalContributions,
      stoppedBy: this.stoppedBy,
      values: Array.from(e.values),
      standardErrors: Array.from(e.standardErrors),
      ...(this.job.players ? { players: this.job.players } : {}),
    };
  }
}

export const shapleySampleWorker: WorkerJob<{ game: Game; plan: SamplingPlan }> = {
  setup(context) {
    const { game, plan } = context as SampleContext;
    return { game: buildGame(game), plan };
  },
  run(state, payload) {
    const { blockIndex, samples } = payload as BlockUnit;
    const block = sampleBlock(state.game, state.plan, blockIndex, samples);
    const mean = block.mean as Float64Array;
    const m2 = block.m2 as Float64Array;
    const output: BlockOutput = { blockIndex, samples, mean, m2 };
    return { output, transfer: [mean.buffer as ArrayBuffer, m2.buffer as ArrayBuffer] };
  },
};
