import { EngineInputError } from '../errors';
import { walkOrder, type Game } from '../games/game';
import { PermutationBatches, permutationsPerDraw } from '../random/permutationBatches';
import { seedKey } from '../random/philox';
import { ENGINE_VERSION } from '../version';
import { consistentOrderScratch, drawConsistentOrder, unionStructure, type ConsistentOrderScratch, type UnionStructure } from './owenSampling';

/**
 * Permutation sampling as a sequence of fixed-size blocks, so that the work can be spread over
 * threads (or machines, or a GPU) and checkpointed, and still give the same bits.
 *
 * Sample s (s = 0, 1, 2...) walks permutation number s of the seed (randomPermutation), and in
 * antithetic mode also its reverse; with unions (Owen sampling) it walks consistent order number
 * s instead (owenSampling.ts, which documents the recipe). Block b holds samples [b·blockSize, (b+1)·blockSize). A
 * block's statistics depend only on (game, seed, blockSize, antithetic, b), so any thread may
 * compute any block. Merging the blocks into an accumulator strictly in block order
 * (mergeBlock enforces it) then performs the same floating-point operations in the same order
 * however the blocks were computed, hence bit-identical estimates. Merging partial merges
 * (A = blocks 0..3, B = blocks 4..7, then A + B) would NOT be bit-identical; hand blocks, not
 * accumulators, between threads.
 *
 * Numerics: within a block, each player's mean and sum of squared deviations (M2) follow
 * Welford's update; blocks are combined with Chan, Golub & LeVeque's pairwise update. Both
 * avoid the cancellation of the textbook Σx² − (Σx)²/m when the mean is large compared with
 * the spread (e.g. payoffs in euros, spread in cents).
 */

/** What determines the samples: the same plan gives the same block statistics everywhere. */
export interface SamplingPlan {
  /** Integer in [0, 2^53 − 1]; the Philox key is seedKey(seed). */
  readonly seed: number;
  /** Samples per block; the result depends on it, so it belongs to the run's identity. */
  readonly blockSize: number;
  /** A sample is a permutation and its reverse, averaged (see sampleBlock). */
  readonly antithetic: boolean;
  /**
   * Owen sampling: unions[i] is player i's a priori union, numbered 0, 1, 2... by first
   * appearance (unionIndices), and the samples walk orders consistent with the unions. Absent:
   * plain Shapley sampling.
   */
  readonly unions?: readonly number[];
}

/** Per-player statistics of one block (or of the first `samples` samples of one block). */
export interface BlockStats extends SamplingPlan {
  readonly blockIndex: number;
  /** blockSize for a full block; fewer only for the last block of a run. */
  readonly samples: number;
  /** mean[i]: average over the block's samples of player i's marginal contribution. */
  readonly mean: ArrayLike<number>;
  /** m2[i]: Σ over the block's samples of (contribution − mean[i])². */
  readonly m2: ArrayLike<number>;
}

/** Blocks 0..blocks-1 merged in order. Plain data: see accumulatorToJSON for checkpoints. */
export interface SamplingAccumulator extends SamplingPlan {
  readonly n: number;
  /** Number of blocks merged, i.e. the index of the next block mergeBlock accepts. */
  blocks: number;
  samples: number;
  /** Set once a partial block is merged: its successors' samples would not be contiguous. */
  complete: boolean;
  readonly mean: Float64Array;
  readonly m2: Float64Array;
}

export interface SamplingEstimate {
  /** Estimated Shapley (or, with unions, Owen) value of each player: the mean marginal contribution. */
  readonly values: Float64Array;
  /** sqrt(sample variance / samples) per player; NaN with fewer than 2 samples. */
  readonly standardErrors: Float64Array;
  readonly samples: number;
  /** Permutations walked: samples, or 2·samples in antithetic mode. */
  readonly permutations: number;
  /** Marginal contributions evaluated: permutations · n. */
  readonly marginalContributions: number;
}

export function permutationsPerSample(antithetic: boolean): number {
  return antithetic ? 2 : 1;
}

function checkPlan(plan: SamplingPlan): Uint32Array {
  const key = seedKey(plan.seed);
  if (!Number.isInteger(plan.blockSize) || plan.blockSize < 1 || plan.blockSize > Number.MAX_SAFE_INTEGER) {
    throw new EngineInputError('blockSize', undefined, `must be a whole number ≥ 1, got ${plan.blockSize}`);
  }
  return key;
}

/** The plan's unions packed for n players, or undefined for plain Shapley sampling. */
function structureOf(plan: SamplingPlan, n: number): UnionStructure | undefined {
  if (plan.unions === undefined || plan.unions === null) return undefined;
  if (!Array.isArray(plan.unions)) throw new EngineInputError('unions', undefined, 'must list the union of each player');
  return unionStructure(plan.unions, n);
}

/** The plan's own fields, without `unions` when there are none, so that plain plans stay as they were. */
function planFields(plan: SamplingPlan, unions: UnionStructure | undefined): SamplingPlan {
  const fields = { seed: plan.seed, blockSize: plan.blockSize, antithetic: plan.antithetic };
  return unions ? { ...fields, unions: unions.unionOf } : fields;
}

/**
 * Samples `samples` (default: all blockSize) samples of block `blockIndex` and returns their
 * per-player mean and M2.
 *
 * Plain: a sample is the vector of marginal contributions v(P ∪ {i}) − v(P) of one permutation,
 * P being the players before i. Antithetic: a sample is the average of that vector for a
 * permutation and for its reverse (Mitchell et al. 2022). The pair's two halves are negatively
 * correlated, so treating them as two independent samples would overstate the precision;
 * averaging them first keeps the standard error honest.
 *
 * With unions, the permutation is the consistent order of the same index (owenSampling.ts) and
 * the means estimate the Owen value; everything else is the same.
 *
 * Each sample's contributions sum to v(N) − v(∅), so the means do too, up to rounding.
 */
export function sampleBlock(game: Game, plan: SamplingPlan, blockIndex: number, samples: number = plan.blockSize): BlockStats {
  const key = checkPlan(plan);
  const { blockSize, antithetic } = plan;
  if (!Number.isInteger(blockIndex) || blockIndex < 0) {
    throw new EngineInputError('blockIndex', undefined, `must be a whole number ≥ 0, got ${blockIndex}`);
  }
  if (!Number.isInteger(samples) || samples < 1 || samples > blockSize) {
    throw new EngineInputError('samples', undefined, `a block holds 1 to ${blockSize} samples, got ${samples}`);
  }
  const first = blockIndex * blockSize;
  if (first + samples - 1 > Number.MAX_SAFE_INTEGER) {
    throw new EngineInputError('blockIndex', undefined, `block ${blockIndex} runs past permutation 2^53 − 1`);
  }
  const n = game.n;
  const unions = structureOf(plan, n);
  const mean = new Float64Array(n);
  const m2 = new Float64Array(n);
  if (antithetic) sampleAntithetic(game, key[0], key[1], first, samples, unions, mean, m2);
  else samplePlain(game, key[0], key[1], first, samples, unions, mean, m2);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(mean[i]) || !Number.isFinite(m2[i])) {
      throw new EngineInputError('values', undefined, `the game gave a value that is not a finite number, or marginal contributions too large to square (player ${i + 1})`);
    }
  }
  return { ...planFields(plan, unions), blockIndex, samples, mean, m2 };
}

// The two loops below are the hot path: typed arrays, no allocation, one walker per block.

/**
 * The samples' orders: plain permutations are drawn a run at a time (PermutationBatches, the
 * WebAssembly kernel where there is one), consistent orders one at a time. at(s) gives the
 * offset of sample s's order in `current`.
 */
class SampleOrders {
  private readonly batches: PermutationBatches | undefined;
  private readonly perDraw: number;
  private readonly order: Int32Array;
  private readonly scratch: ConsistentOrderScratch | undefined;
  private orders: Int32Array;

  constructor(private readonly n: number, private readonly k0: number, private readonly k1: number, private readonly first: number, private readonly samples: number, private readonly unions: UnionStructure | undefined) {
    this.batches = unions === undefined ? new PermutationBatches(n, k0, k1) : undefined;
    this.perDraw = permutationsPerDraw(n);
    this.order = new Int32Array(n);
    this.orders = this.order;
    this.scratch = unions && consistentOrderScratch(unions);
  }

  /** Offset of sample s's order in `current` (valid until the next call). */
  at(s: number): number {
    if (this.batches === undefined) {
      drawConsistentOrder(this.k0, this.k1, this.first + s, this.unions!, this.order, this.scratch!);
      return 0;
    }
    const within = s % this.perDraw;
    if (within === 0) this.orders = this.batches.draw(this.first + s, Math.min(this.perDraw, this.samples - s));
    return within * this.n;
  }

  get current(): Int32Array {
    return this.orders;
  }
}

function samplePlain(game: Game, k0: number, k1: number, first: number, samples: number, unions: UnionStructure | undefined, mean: Float64Array, m2: Float64Array): void {
  const n = game.n;
  const walker = game.walker();
  const orders = new SampleOrders(n, k0, k1, first, samples, unions);
  const values = new Float64Array(n + 1);
  for (let s = 0; s < samples; s++) {
    const at = orders.at(s);
    const order = orders.current;
    // Welford's update divides by the sample count; one reciprocal per sample instead of a
    // division per contribution is a measurable share of the hot loop.
    const inverseCount = 1 / (s + 1);
    walkOrder(walker, order, at, n, values);
    for (let k = 0; k < n; k++) {
      const player = order[at + k];
      const x = values[k + 1] - values[k];
      const before = mean[player];
      const d = x - before;
      const after = before + d * inverseCount;
      mean[player] = after;
      m2[player] += d * (x - after);
    }
  }
}

function sampleAntithetic(game: Game, k0: number, k1: number, first: number, samples: number, unions: UnionStructure | undefined, mean: Float64Array, m2: Float64Array): void {
  const n = game.n;
  const walker = game.walker();
  const orders = new SampleOrders(n, k0, k1, first, samples, unions);
  const forward = new Float64Array(n);
  const values = new Float64Array(n + 1);
  const reversed = new Int32Array(n);
  for (let s = 0; s < samples; s++) {
    const at = orders.at(s);
    const order = orders.current;
    const inverseCount = 1 / (s + 1);
    walkOrder(walker, order, at, n, values);
    for (let k = 0; k < n; k++) forward[order[at + k]] = values[k + 1] - values[k];
    for (let k = 0; k < n; k++) reversed[k] = order[at + n - 1 - k];
    walkOrder(walker, reversed, 0, n, values);
    for (let k = 0; k < n; k++) {
      const player = reversed[k];
      const x = (forward[player] + (values[k + 1] - values[k])) / 2;
      const before = mean[player];
      const d = x - before;
      const after = before + d * inverseCount;
      mean[player] = after;
      m2[player] += d * (x - after);
    }
  }
}

export function createAccumulator(n: number, plan: SamplingPlan): SamplingAccumulator {
  checkPlan(plan);
  if (!Number.isInteger(n) || n < 0) {
    throw new EngineInputError('players', undefined, `the number of players must be a whole number ≥ 0, got ${n}`);
  }
  return {
    ...planFields(plan, structureOf(plan, n)),
    n,
    blocks: 0,
    samples: 0,
    complete: false,
    mean: new Float64Array(n),
    m2: new Float64Array(n),
  };
}

function sameUnions(a: readonly number[] | undefined, b: readonly number[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function describeUnions(unions: readonly number[] | undefined): string {
  if (!unions) return 'none (plain Shapley sampling)';
  return `[${unions.length > 20 ? `${unions.slice(0, 20).join(', ')}, …` : unions.join(', ')}]`;
}

/** Why `block` cannot be merged next into `acc`, or undefined when it can. */
function blockMismatch(acc: SamplingAccumulator, block: BlockStats): string | undefined {
  if (block.seed !== acc.seed) return `seed ${block.seed}, the run has seed ${acc.seed}`;
  if (block.blockSize !== acc.blockSize) return `block size ${block.blockSize}, the run uses ${acc.blockSize}`;
  if (block.antithetic !== acc.antithetic) return `antithetic ${block.antithetic}, the run has ${acc.antithetic}`;
  if (!sameUnions(block.unions, acc.unions)) return `unions ${describeUnions(block.unions)}, the run has ${describeUnions(acc.unions)}`;
  if (block.mean.length !== acc.n || block.m2.length !== acc.n) return `statistics for ${block.mean.length} players, the run has ${acc.n}`;
  if (acc.complete) return 'the run already ended with a partial block';
  if (block.blockIndex !== acc.blocks) return `this is block ${block.blockIndex}, the run needs block ${acc.blocks} next (blocks merge in order)`;
  if (!Number.isInteger(block.samples) || block.samples < 1 || block.samples > acc.blockSize) {
    return `${block.samples} samples in a block of ${acc.blockSize}`;
  }
  return undefined;
}

/**
 * Adds block `acc.blocks` to the accumulator (in place; returns it). Blocks must come in order
 * and match the accumulator's plan; a partial block must be the last.
 */
export function mergeBlock(acc: SamplingAccumulator, block: BlockStats): SamplingAccumulator {
  const mismatch = blockMismatch(acc, block);
  if (mismatch) throw new EngineInputError('block', block.blockIndex, mismatch);

  const n = acc.n;
  const { mean, m2 } = acc;
  const nA = acc.samples;
  const nB = block.samples;
  if (nA === 0) {
    for (let i = 0; i < n; i++) {
      mean[i] = block.mean[i];
      m2[i] = block.m2[i];
    }
  } else {
    // Chan et al.: δ = μB − μA; μ = μA + δ·nB/N; M2 = M2A + M2B + δ²·nA·nB/N.
    const total = nA + nB;
    const shareB = nB / total;
    const crossWeight = (nA * nB) / total;
    for (let i = 0; i < n; i++) {
      const delta = block.mean[i] - mean[i];
      mean[i] += delta * shareB;
      m2[i] += block.m2[i] + delta * delta * crossWeight;
    }
  }
  acc.samples = nA + nB;
  acc.blocks++;
  if (nB < acc.blockSize) acc.complete = true;
  return acc;
}

/** Standard error of each player's estimate: sqrt(M2 / (m − 1) / m); NaN when m < 2. */
export function standardErrorsOf(acc: SamplingAccumulator): Float64Array {
  const m = acc.samples;
  const out = new Float64Array(acc.n);
  for (let i = 0; i < acc.n; i++) out[i] = m >= 2 ? Math.sqrt(acc.m2[i] / (m - 1) / m) : NaN;
  return out;
}

export function estimate(acc: SamplingAccumulator): SamplingEstimate {
  const permutations = acc.samples * permutationsPerSample(acc.antithetic);
  return {
    values: Float64Array.from(acc.mean),
    standardErrors: standardErrorsOf(acc),
    samples: acc.samples,
    permutations,
    marginalContributions: permutations * acc.n,
  };
}

export const ACCUMULATOR_FORMAT = 'partage-sampling-accumulator/1';

/**
 * An accumulator as JSON-ready plain data. JSON numbers round-trip doubles exactly
 * (ECMAScript prints the shortest string that parses back to the same double), and sampleBlock
 * refuses non-finite statistics, so a checkpoint restores the same bits.
 */
export interface AccumulatorJSON {
  readonly format: typeof ACCUMULATOR_FORMAT;
  readonly engineVersion: string;
  readonly seed: number;
  readonly blockSize: number;
  readonly antithetic: boolean;
  /** Present only for Owen sampling, so that plain checkpoints read as before. */
  readonly unions?: number[];
  readonly n: number;
  readonly blocks: number;
  readonly samples: number;
  readonly complete: boolean;
  readonly mean: number[];
  readonly m2: number[];
}

export function accumulatorToJSON(acc: SamplingAccumulator): AccumulatorJSON {
  return {
    format: ACCUMULATOR_FORMAT,
    engineVersion: ENGINE_VERSION,
    seed: acc.seed,
    blockSize: acc.blockSize,
    antithetic: acc.antithetic,
    ...(acc.unions ? { unions: Array.from(acc.unions) } : {}),
    n: acc.n,
    blocks: acc.blocks,
    samples: acc.samples,
    complete: acc.complete,
    mean: Array.from(acc.mean),
    m2: Array.from(acc.m2),
  };
}

/** Restores a checkpoint written by accumulatorToJSON (after JSON.parse), checking its shape. */
export function accumulatorFromJSON(json: unknown): SamplingAccumulator {
  const bad = (detail: string): never => {
    throw new EngineInputError('checkpoint', undefined, detail);
  };
  if (typeof json !== 'object' || json === null) return bad('not a sampling checkpoint');
  const j = json as Record<string, unknown>;
  if (j.format !== ACCUMULATOR_FORMAT) return bad(`expected format ${ACCUMULATOR_FORMAT}, got ${String(j.format)}`);
  if (typeof j.antithetic !== 'boolean' || typeof j.complete !== 'boolean') return bad('antithetic and complete must be true or false');
  const wholeNumber = (name: string): number => {
    const v = j[name];
    return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : bad(`${name} must be a whole number ≥ 0`);
  };
  const blocks = wholeNumber('blocks');
  const samples = wholeNumber('samples');
  const n = wholeNumber('n');
  if (j.unions !== undefined && !Array.isArray(j.unions)) bad('unions must be a list of union numbers');
  const plan: SamplingPlan = { seed: j.seed as number, blockSize: j.blockSize as number, antithetic: j.antithetic };
  const acc = createAccumulator(n, j.unions === undefined ? plan : { ...plan, unions: j.unions as number[] });
  const expectedSamples = j.complete ? samples > (blocks - 1) * acc.blockSize && samples < blocks * acc.blockSize : samples === blocks * acc.blockSize;
  if (!expectedSamples) bad(`${samples} samples do not fit ${blocks} blocks of ${acc.blockSize}${j.complete ? ' ending with a partial one' : ''}`);
  for (const name of ['mean', 'm2'] as const) {
    const values = j[name];
    if (!Array.isArray(values) || values.length !== n) bad(`${name} must list ${n} numbers`);
    (values as unknown[]).forEach((v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) bad(`${name}[${i}] is not a finite number`);
      acc[name][i] = v as number;
    });
  }
  acc.blocks = blocks;
  acc.samples = samples;
  acc.complete = j.complete;
  return acc;
}
