/**
 * Permutation sampling on the GPU: the blocks of the engine's SamplingPlan (samplingAccumulator.ts)
 * with the CPU's permutations, giving each block's per-player mean and M2 as sampleBlock does.
 *
 * Layout. A request (many blocks at once) is laid out over sample slots: each block's samples,
 * or a run of them, is a segment (first slot, samples, first permutation index); segments are
 * packed back to back into dispatches that fit the device. Two kernels per dispatch:
 *   1. walk: one invocation per slot draws its permutation (src/gpu/wgsl/philox.ts) and walks
 *      the game as Fisher–Yates fixes each position (samplingGames.ts), writing its
 *      contributions to a [player][slot] buffer, read by the reduction one player row at a time.
 *      Up to 64 players the permutation lives in a private array (registers, or the thread's
 *      cached local memory); beyond, in a scratch buffer laid out [position][slot], so that the
 *      threads of a workgroup touching position j at the same step hit consecutive words. No
 *      host work per sample: the invocation finds its segment by binary search over the
 *      segments and its permutation index as segment start + offset (64-bit, with the carry).
 *   2. reduce: one invocation per (segment, player) sums that player's run of the segment in
 *      float-float (compensated: relative error ≤ m·2^-47 ≤ 2^-31 with segments cut at 2^16
 *      samples, far below f32's 2^-24, so no tree and no barrier is needed), takes the mean,
 *      then sums the squared deviations from it the same way (two passes: no cancellation,
 *      unlike Σx² − (Σx)²/m), and writes (Σx, Σ(x − mean)²) as float-float pairs. Its second
 *      pass re-reads a run the first just brought into the cache.
 * The host turns each segment into (mean, M2) in float64 and merges the segments of a block in
 * order with Chan et al.'s update, which is how a block larger than one dispatch (many players)
 * is still one block. Dispatches are cut by the device's binding size (scratch of slots × n
 * words), by a scratch budget, and by MAX_CONTRIBUTIONS_PER_DISPATCH so that one dispatch stays
 * well under a second even on a small GPU; grids are 2-D beyond maxComputeWorkgroupsPerDimension.
 *
 * Tolerance against the CPU's sampleBlock (float64 throughout), with ε = 2^-24 (f32) and, for a
 * block of m samples and a player, q² = Σx²/m (the mean square contribution):
 *   each contribution x carries a relative error δ and an absolute error a (samplingGames.ts):
 *     table: δ ≤ 2ε (one rounding of an exact float-float difference; the antithetic average
 *            one more), a = 2^-47·max|v| from the (hi, lo) values;
 *     voting: δ = 0, a = 0 (exact integer arithmetic; contributions 0, ½ or 1 exactly);
 *     saturating scale: δ ≤ (8 + 3α·log1p(D_total/halfSize))·ε (log1p, expm1 and the division a
 *            few ulps each, measured ≤ 6; exp(−α·log1p(D)) ~2 ulps per unit of its argument,
 *            measured), and a = 2^-50 for the CPU's own rounding: it forms P(D + d) − P(D) as a
 *            difference of two float64 numbers near 1, so a contribution of 1e-13 there is only
 *            good to ~1e-3 relative, where the GPU's factored form keeps its f32 precision.
 *   the float-float sums add ~2^-47 relative, the mean one f32 rounding before the squares, the
 *   squares one each, so
 *     |mean_gpu − mean_cpu| ≤ (δ + 2ε)·q + a,      |M2_gpu − M2_cpu| ≤ ((2δ + 4ε)·q + 2a)·m·(q + a)
 *   (errors e_k in the x_k move Σ(x − x̄)² by ≤ 2·Σ|x − x̄|·|e| + Σe² ≤ 2·(δq + a)·m·(q + a),
 *   Cauchy–Schwarz; the q + a covers a player whose CPU contributions all round to 0).
 * gpuSamplingTolerance() is this bound times SAMPLING_TOLERANCE_FACTOR = 4 for the constants'
 * slack; the tests check every block and player against it and log the worst ratio seen.
 */
import { EngineInputError } from '../../engine/errors';
import { seedKey } from '../../engine/random/philox';
import type { BlockStats, SamplingPlan } from '../../engine/shapley/samplingAccumulator';
import type { GpuContext } from '../context';
import { indexWords, PERMUTATION_WGSL } from '../wgsl/philox';
import { FLOAT_FLOAT_WGSL } from './floatFloat';
import { gameKernel, type GameKernel, type GpuSamplingGame, type UniformField } from './samplingGames';
import { dispatchLimits, LINEAR_GROUP_WGSL, workgroupGrid, type DispatchLimitOptions } from './workgroupGrid';

export { gpuSamplingGameOf, gpuSamplingGameOfSpec, type GpuSamplingGame, type SamplingGameDescription } from './samplingGames';

/** f32 unit roundoff. */
const EPSILON = 2 ** -24;
/** Margin over the derived constants (see the comment above). */
export const SAMPLING_TOLERANCE_FACTOR = 4;

/**
 * The documented bound on |gpu − cpu| for one block and player: `mean` and `m2` for a block of
 * `samples` samples whose contributions have mean square `meanSquare` (CPU figures will do).
 */
export function gpuSamplingTolerance(game: GpuSamplingGame, samples: number, meanSquare: number): { mean: number; m2: number } {
  let delta = 0;
  let absolute = 0;
  if (game.type === 'table') {
    delta = 2 * EPSILON;
    absolute = 2 ** -47 / game.scale;
  } else if (game.type === 'saturatingScale') {
    delta = (8 + 3 * game.alpha * Math.log1p(game.total)) * EPSILON;
    absolute = 2 ** -50;
  }
  const q = Math.sqrt(meanSquare);
  return {
    mean: SAMPLING_TOLERANCE_FACTOR * ((delta + 2 * EPSILON) * q + absolute),
    m2: SAMPLING_TOLERANCE_FACTOR * ((2 * delta + 4 * EPSILON) * q + 2 * absolute) * samples * (q + absolute),
  };
}

const WALK_WORKGROUP = 64;
const REDUCE_WORKGROUP = 64;
/** Marginal contributions per dispatch at most: ~0.1 s at 10^9/s, so a display GPU's watchdog never fires. */
const MAX_CONTRIBUTIONS_PER_DISPATCH = 2 ** 27;
/** Default cap on each scratch buffer (permutations, contributions), below the binding limit. */
const DEFAULT_SCRATCH_BYTES = 512 * 1024 * 1024;
/**
 * Samples of one segment at most: a long block is cut into several segments (merged exactly like
 * segments from different dispatches), so that a reduction's sequential float-float sum covers at
 * most 2^16 terms and keeps its error below 2^16·2^-47 = 2^-31.
 */
const MAX_SEGMENT_SAMPLES = 2 ** 16;
/** Players up to which a walk keeps its permutation in a private array rather than in scratch. */
const PRIVATE_ORDER_PLAYERS = 64;

function paramsStruct(fields: readonly UniformField[]): string {
  return `struct Params {\n${fields.map((f) => `  ${f.name}: ${f.type},`).join('\n')}\n}\n@group(0) @binding(0) var<uniform> params: Params;\n`;
}

function paramsWords(fields: readonly UniformField[]): Uint32Array {
  const words = new Uint32Array(fields.length);
  const floats = new Float32Array(words.buffer);
  fields.forEach((f, k) => {
    if (f.type === 'f32') floats[k] = f.value;
    else words[k] = f.value;
  });
  return words;
}

const COMMON_FIELDS = ['slots', 'n', 'segmentCount', 'keyLow', 'keyHigh'] as const;

/**
 * Where a walk keeps its permutation: in a private array when n is small (registers or the
 * thread's cached local memory), else in the [position][slot] scratch buffer.
 */
function orderStorage(n: number): { readonly privateSize: number; readonly contributionsBinding: number; readonly gameBinding: number } {
  return n <= PRIVATE_ORDER_PLAYERS ? { privateSize: Math.max(4, 4 * Math.ceil(n / 4)), contributionsBinding: 2, gameBinding: 3 } : { privateSize: 0, contributionsBinding: 3, gameBinding: 4 };
}

function walkWgsl(game: GameKernel, fields: readonly UniformField[], n: number): string {
  const { privateSize, contributionsBinding } = orderStorage(n);
  const at = (position: string) => (privateSize > 0 ? `order[${position}]` : `order[${position} * S + slot]`);
  return /* wgsl */ `
${PERMUTATION_WGSL}
${LINEAR_GROUP_WGSL}
${paramsStruct(fields)}
@group(0) @binding(1) var<storage, read> segments: array<vec4<u32>>;   // (first slot, samples, first index low, high)
${privateSize > 0 ? '' : '@group(0) @binding(2) var<storage, read_write> order: array<u32>;      // [position][slot]'}
@group(0) @binding(${contributionsBinding}) var<storage, read_write> contributions: array<f32>; // [player][slot]
${game.code}

@compute @workgroup_size(${WALK_WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>, @builtin(local_invocation_index) local: u32) {
  let slot = linearGroup(wg, groups) * ${WALK_WORKGROUP}u + local;
  if (slot >= params.slots) {
    return;
  }
  // The last segment starting at or before this slot.
  var lo = 0u;
  var hi = params.segmentCount - 1u;
  while (lo < hi) {
    let mid = (lo + hi + 1u) / 2u;
    if (segments[mid].x <= slot) {
      lo = mid;
    } else {
      hi = mid - 1u;
    }
  }
  let segment = segments[lo];
  let S = params.slots;
  let n = params.n;
  ${privateSize > 0 ? `var order: array<u32, ${privateSize}>;` : ''}
  for (var i = 0u; i < n; i++) {
    ${at('i')} = i;
  }
  var stream = permutationStream(permutationIndexPlus(segment.zw, slot - segment.x), vec2<u32>(params.keyLow, params.keyHigh));
  gameBegin();
  // Fisher–Yates from the top: after the swap with r, position j holds its final player, which
  // is walked at once; position j is never read again, so only position r is written.
  for (var j = n - 1u; j >= 1u; j--) {
    let r = nextSwapIndex(&stream, j);
    let player = ${at('r')};
    ${at('r')} = ${at('j')};
    contributions[player * S + slot] = gameStep(player);
  }
  let first = ${at('0u')};
  contributions[first * S + slot] = gameStep(first);
}
`;
}

const REDUCE_WGSL = /* wgsl */ `
${FLOAT_FLOAT_WGSL}
${LINEAR_GROUP_WGSL}
struct Params {
  slots: u32,
  n: u32,
  segmentCount: u32,
}
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> segments: array<vec4<u32>>;
@group(0) @binding(2) var<storage, read> contributions: array<f32>;
@group(0) @binding(3) var<storage, read_write> stats: array<vec4<f32>>;  // (Σx hi, lo, M2 hi, lo) per (segment, player)

@compute @workgroup_size(${REDUCE_WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>, @builtin(local_invocation_index) local: u32) {
  let id = linearGroup(wg, groups) * ${REDUCE_WORKGROUP}u + local;
  if (id >= params.segmentCount * params.n) {
    return;
  }
  let segment = segments[id / params.n];
  let base = (id % params.n) * params.slots + segment.x;
  let count = segment.y;
  var sum = vec2<f32>(0.0);
  for (var k = 0u; k < count; k++) {
    sum = ffAddF(sum, contributions[base + k]);
  }
  let mean = (sum.x + sum.y) / f32(count);
  var squares = vec2<f32>(0.0);
  for (var k = 0u; k < count; k++) {
    let d = contributions[base + k] - mean;
    squares = ffAddF(squares, d * d);
  }
  stats[id] = vec4<f32>(sum.x, sum.y, squares.x, squares.y);
}
`;

export interface BlockSamplerOptions extends DispatchLimitOptions {
  /** Sample slots per dispatch at most (tests force several dispatches per block with it). */
  readonly maxSlotsPerDispatch?: number;
  /** Bytes of each scratch buffer at most (default 512 MiB, and the device's binding limit). */
  readonly maxScratchBytes?: number;
}

/** A run of one block's samples laid out in a dispatch. */
interface Segment {
  readonly block: number;
  readonly firstSample: number;
  readonly samples: number;
  readonly firstSlot: number;
}

interface BlockRequest {
  readonly blockIndex: number;
  readonly samples: number;
}

function checkedOption(name: string, value: number | undefined): number {
  if (value === undefined) return Infinity;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new RangeError(`options.${name} must be a whole number ≥ 1, got ${String(value)}`);
  return value;
}

/** Buffers reused from dispatch to dispatch, grown when a dispatch needs more. */
interface Scratch {
  /** Permutations, when they do not fit a private array (orderStorage). */
  readonly order: GPUBuffer | undefined;
  readonly contributions: GPUBuffer;
  readonly stats: GPUBuffer;
  readonly words: number;
  readonly statsBytes: number;
}

export class GpuBlockSampler {
  private destroyed = false;
  private scratch: Scratch | undefined;
  /** The request running now: requests share the scratch buffers, so they run one after another. */
  private running: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly gpu: GpuContext,
    private readonly game: GpuSamplingGame,
    private readonly plan: SamplingPlan,
    private readonly key: Uint32Array,
    private readonly kernel: GameKernel,
    private readonly fields: readonly UniformField[],
    private readonly walk: GPUComputePipeline,
    private readonly reduce: GPUComputePipeline,
    private readonly slotsPerDispatch: number,
    private readonly segmentsPerDispatch: number,
    private readonly workgroupsPerDimension: number,
  ) {}

  /** Uploads the game and compiles the kernels for `plan`; the same plan as the CPU's gives its blocks. */
  static create(gpu: GpuContext, game: GpuSamplingGame, plan: SamplingPlan, options: BlockSamplerOptions = {}): GpuBlockSampler {
    const key = seedKey(plan.seed);
    if (!Number.isInteger(plan.blockSize) || plan.blockSize < 1 || plan.blockSize > Number.MAX_SAFE_INTEGER) {
      throw new EngineInputError('blockSize', undefined, `must be a whole number ≥ 1, got ${plan.blockSize}`);
    }
    // The kernels draw plain permutations (counter stream 0): an Owen plan would silently give Shapley blocks.
    if (plan.unions !== undefined) throw new EngineInputError('unions', undefined, 'Owen sampling (unions) has no GPU kernel; sample it on the CPU');
    const limits = dispatchLimits(gpu, options);
    const n = game.n;
    const scratchBytes = Math.min(limits.storageBytes, DEFAULT_SCRATCH_BYTES, checkedOption('maxScratchBytes', options.maxScratchBytes));
    const slotsPerDispatch = Math.min(
      checkedOption('maxSlotsPerDispatch', options.maxSlotsPerDispatch),
      Math.floor(scratchBytes / (4 * Math.max(1, n))),
      Math.max(1, Math.floor(MAX_CONTRIBUTIONS_PER_DISPATCH / Math.max(1, n))),
    );
    // Statistics take 16 bytes per (segment, player), segments 16 bytes each; the reduction has a
    // workgroup per (segment, player), the walk one invocation per slot, within a 2-D grid.
    const grid = limits.workgroupsPerDimension ** 2;
    const slotsPerDispatchInGrid = Math.min(slotsPerDispatch, grid * WALK_WORKGROUP);
    const segmentsPerDispatch = Math.min(slotsPerDispatchInGrid, Math.floor(limits.storageBytes / (16 * Math.max(1, n))), Math.floor((grid * REDUCE_WORKGROUP) / Math.max(1, n)));
    if (slotsPerDispatchInGrid < 1 || segmentsPerDispatch < 1) {
      throw new EngineInputError('players', undefined, `one permutation of ${n} players does not fit the GPU's scratch of ${scratchBytes} bytes`);
    }
    // Bindings before the game's: parameters (uniform), segments, [permutation scratch,] contributions.
    const { gameBinding } = orderStorage(n);
    const maxBuffers = gpu.limits.maxStorageBuffersPerShaderStage - (gameBinding - 1);
    const kernel = gameKernel(gpu, game, plan.antithetic, gameBinding, limits.storageBytes, maxBuffers);
    try {
      const fields: UniformField[] = [...COMMON_FIELDS.map((name): UniformField => ({ name, type: 'u32', value: 0 })), ...kernel.fields];
      const walk = gpu.pipeline(walkWgsl(kernel, fields, n));
      const reduce = gpu.pipeline(REDUCE_WGSL);
      return new GpuBlockSampler(gpu, game, plan, key, kernel, fields, walk, reduce, slotsPerDispatchInGrid, segmentsPerDispatch, limits.workgroupsPerDimension);
    } catch (error) {
      kernel.destroy();
      throw error;
    }
  }

  /**
   * The statistics of each requested block (its first `samples` samples), in request order: the
   * same shape and meaning as the engine's sampleBlock(game, plan, blockIndex, samples), within
   * gpuSamplingTolerance.
   */
  sample(blocks: ReadonlyArray<BlockRequest>): Promise<BlockStats[]> {
    const result = this.running.then(
      () => this.sampleNow(blocks),
      () => this.sampleNow(blocks),
    );
    this.running = result.catch(() => undefined);
    return result;
  }

  private async sampleNow(blocks: ReadonlyArray<BlockRequest>): Promise<BlockStats[]> {
    if (this.destroyed) throw new Error('this GpuBlockSampler was destroyed');
    const { blockSize } = this.plan;
    blocks.forEach(({ blockIndex, samples }, k) => {
      if (!Number.isInteger(blockIndex) || blockIndex < 0) throw new EngineInputError('blockIndex', k, `must be a whole number ≥ 0, got ${blockIndex}`);
      if (!Number.isInteger(samples) || samples < 1 || samples > blockSize) throw new EngineInputError('samples', k, `a block holds 1 to ${blockSize} samples, got ${samples}`);
      if (blockIndex > (Number.MAX_SAFE_INTEGER - (samples - 1)) / blockSize) {
        throw new EngineInputError('blockIndex', k, `block ${blockIndex} runs past permutation 2^53 − 1`);
      }
    });
    const n = this.game.n;
    const means = blocks.map(() => new Float64Array(n));
    const m2s = blocks.map(() => new Float64Array(n));
    const counts = new Float64Array(blocks.length);
    if (n > 0) {
      for (const dispatch of this.layout(blocks)) await this.run(blocks, dispatch, means, m2s, counts);
    }
    const unscale = this.kernel.unscale;
    return blocks.map(({ blockIndex, samples }, b) => {
      const mean = means[b];
      const m2 = m2s[b];
      for (let i = 0; i < n; i++) {
        mean[i] *= unscale;
        m2[i] *= unscale * unscale;
        if (!Number.isFinite(mean[i]) || !Number.isFinite(m2[i])) {
          throw new EngineInputError('values', undefined, `the game gave a value that is not a finite number, or marginal contributions too large to square (player ${i + 1})`);
        }
      }
      return { seed: this.plan.seed, blockSize, antithetic: this.plan.antithetic, blockIndex, samples, mean, m2 };
    });
  }

  /** Segments packed into dispatches, each within the slot and segment budgets. */
  private *layout(blocks: ReadonlyArray<BlockRequest>): Generator<Segment[]> {
    let dispatch: Segment[] = [];
    let slots = 0;
    for (let b = 0; b < blocks.length; b++) {
      for (let done = 0; done < blocks[b].samples; ) {
        if (slots === this.slotsPerDispatch || dispatch.length === this.segmentsPerDispatch) {
          yield dispatch;
          dispatch = [];
          slots = 0;
        }
        const samples = Math.min(blocks[b].samples - done, this.slotsPerDispatch - slots, MAX_SEGMENT_SAMPLES);
        dispatch.push({ block: b, firstSample: done, samples, firstSlot: slots });
        slots += samples;
        done += samples;
      }
    }
    if (dispatch.length > 0) yield dispatch;
  }

  private async run(blocks: ReadonlyArray<BlockRequest>, segments: Segment[], means: Float64Array[], m2s: Float64Array[], counts: Float64Array): Promise<void> {
    const { gpu, game } = this;
    const n = game.n;
    const last = segments[segments.length - 1];
    const slots = last.firstSlot + last.samples;
    const table = new Uint32Array(4 * segments.length);
    segments.forEach((segment, g) => {
      const [low, high] = indexWords(blocks[segment.block].blockIndex * this.plan.blockSize + segment.firstSample);
      table.set([segment.firstSlot, segment.samples, low, high], 4 * g);
    });
    const common = [slots, n, segments.length, this.key[0], this.key[1]];
    const walkParams = paramsWords(this.fields.map((f, k) => (k < common.length ? { ...f, value: common[k] } : f)));
    const buffers: GPUBuffer[] = [];
    const track = (buffer: GPUBuffer): GPUBuffer => {
      buffers.push(buffer);
      return buffer;
    };
    try {
      const segmentBuffer = track(gpu.upload(table, 'sampling segments'));
      const { order, contributions, stats } = this.scratchFor(slots * n, segments.length * n * 16);
      const walkUniform = track(gpu.uniform(walkParams, 'sampling parameters'));
      const reduceUniform = track(gpu.uniform(new Uint32Array([slots, n, segments.length]), 'reduction parameters'));
      await gpu.submit((encoder) => {
        const scratch = order ? [order] : [];
        gpu.dispatch(encoder, this.walk, [walkUniform, segmentBuffer, ...scratch, contributions, ...this.kernel.buffers], workgroupGrid(Math.ceil(slots / WALK_WORKGROUP), this.workgroupsPerDimension));
        gpu.dispatch(encoder, this.reduce, [reduceUniform, segmentBuffer, contributions, stats], workgroupGrid(Math.ceil((segments.length * n) / REDUCE_WORKGROUP), this.workgroupsPerDimension));
      });
      const out = new Float32Array(await gpu.read(stats, 0, segments.length * n * 16));
      for (let g = 0; g < segments.length; g++) this.merge(segments[g], out, g * n, means, m2s, counts);
    } finally {
      for (const buffer of buffers) buffer.destroy();
    }
  }

  private scratchFor(words: number, statsBytes: number): Scratch {
    const current = this.scratch;
    if (current && current.words >= words && current.statsBytes >= statsBytes) return current;
    this.releaseScratch();
    const grownWords = Math.max(words, current?.words ?? 0);
    const grownStats = Math.max(statsBytes, current?.statsBytes ?? 0);
    const created: GPUBuffer[] = [];
    const make = (bytes: number, label: string): GPUBuffer => {
      const buffer = this.gpu.buffer(bytes, undefined, label);
      created.push(buffer);
      return buffer;
    };
    try {
      this.scratch = {
        order: orderStorage(this.game.n).privateSize > 0 ? undefined : make(grownWords * 4, 'permutation scratch'),
        contributions: make(grownWords * 4, 'marginal contributions'),
        stats: make(grownStats, 'block statistics'),
        words: grownWords,
        statsBytes: grownStats,
      };
    } catch (error) {
      for (const buffer of created) buffer.destroy();
      throw error;
    }
    return this.scratch;
  }

  private releaseScratch(): void {
    const scratch = this.scratch;
    this.scratch = undefined;
    scratch?.order?.destroy();
    scratch?.contributions.destroy();
    scratch?.stats.destroy();
  }

  /** Adds one segment's statistics to its block's, in sample order (Chan et al.). */
  private merge(segment: Segment, out: Float32Array, row: number, means: Float64Array[], m2s: Float64Array[], counts: Float64Array): void {
    const n = this.game.n;
    const mean = means[segment.block];
    const m2 = m2s[segment.block];
    const nA = counts[segment.block];
    const nB = segment.samples;
    const total = nA + nB;
    for (let i = 0; i < n; i++) {
      const k = 4 * (row + i);
      const meanB = (out[k] + out[k + 1]) / nB;
      const m2B = out[k + 2] + out[k + 3];
      if (nA === 0) {
        mean[i] = meanB;
        m2[i] = m2B;
      } else {
        const delta = meanB - mean[i];
        mean[i] += (delta * nB) / total;
        m2[i] += m2B + (delta * delta * nA * nB) / total;
      }
    }
    counts[segment.block] = total;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.releaseScratch();
    this.kernel.destroy();
  }
}
