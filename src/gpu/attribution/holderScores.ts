/**
 * Similarity attribution's heavy part on the GPU: each holder's best cosine similarity for a
 * block of outputs (the engine's bestHolderScores), by the fused product-and-max kernel of
 * bestScoresShader.ts. The split of each output, the totals and the top lists stay with the
 * engine (attributeScoredBlock), so both backends apply one implementation of those formulas to
 * scores that differ by at most bestScoreErrorBound(d).
 *
 * Memory on the device: the item rows and holder indices, uploaded once per problem in chunks
 * that fit one storage binding (and one dispatch axis); per pass of outputs, their rows and a
 * best-score table of outputs × holders u32, passes being sized so that table stays within
 * BEST_BUFFER_BYTES whatever the holder count.
 */
import { attributeScoredBlock, SimilarityScratch, type SimilarityBlock, type SimilarityProblem } from '../../engine/attribution/similarity';
import { GROUP_OUTPUTS } from '../../engine/attribution/bestHolderScores';
import { GpuError, type GpuContext } from '../context';
import { BEST_SCORES_WGSL, DIMS_PER_STEP, ITEM_TILE, OUTPUT_TILE } from './bestScoresShader';

/**
 * Most bytes of one pass's best-score table: 2^26 outputs·holders, e.g. 6,700 outputs against
 * 10^4 holders or 64 against 10^6; the pass is read back whole, so this also bounds host memory.
 */
export const BEST_BUFFER_BYTES = 256 * 1024 * 1024;

export interface GpuHolderScorerOptions {
  /** Most items per chunk; default: as many as one storage binding and one dispatch axis take. */
  readonly maxChunkItems?: number;
  /** Most outputs per GPU pass, a multiple of 4; default: as many as BEST_BUFFER_BYTES allows. */
  readonly maxPassOutputs?: number;
}

interface ItemChunk {
  readonly rows: GPUBuffer;
  readonly holders: GPUBuffer;
  readonly count: number;
}

const VEC4_BYTES = 16;

function positiveInteger(field: string, x: number | undefined): number {
  if (x === undefined) return Infinity;
  if (!Number.isInteger(x) || x < 1) throw new RangeError(`GpuHolderScorer: ${field} must be a whole number of at least 1, got ${String(x)}`);
  return x;
}

/** Bytes copied through host memory at a time when rows must be padded or leave shared memory. */
const UPLOAD_PIECE_BYTES = 64 * 1024 * 1024;

/**
 * A storage buffer holding rows [from, to) of a row-major matrix of `d` columns, each padded
 * with zeros to `width` columns. Dawn's writeBuffer takes no SharedArrayBuffer (the companion's
 * problems live in one), and padding needs a copy anyway: those go through plain pieces of at
 * most UPLOAD_PIECE_BYTES, so an upload never holds a second copy of a whole chunk.
 */
function uploadRows(gpu: GpuContext, source: Float32Array | Int32Array, d: number, width: number, from: number, to: number, label: string): GPUBuffer {
  const buffer = gpu.buffer((to - from) * width * 4, undefined, label);
  const queue = gpu.device.queue;
  // By tag rather than instanceof: the arrays may come from another realm (a worker, a test's vm).
  const shared = Object.prototype.toString.call(source.buffer) === '[object SharedArrayBuffer]';
  const direct = width === d && !shared;
  if (direct) {
    queue.writeBuffer(buffer, 0, source.buffer, source.byteOffset + from * d * 4, (to - from) * d * 4);
    return buffer;
  }
  // Both element types are 4-byte words: the bits are copied as they are.
  const words = new Uint32Array(source.buffer, source.byteOffset, source.length);
  const pieceRows = Math.max(1, Math.floor(UPLOAD_PIECE_BYTES / (width * 4)));
  for (let start = from; start < to; start += pieceRows) {
    const end = Math.min(to, start + pieceRows);
    const piece = new Uint32Array((end - start) * width);
    if (width === d) piece.set(words.subarray(start * d, end * d));
    else for (let r = start; r < end; r++) piece.set(words.subarray(r * d, r * d + d), (r - start) * width);
    queue.writeBuffer(buffer, (start - from) * width * 4, piece.buffer, 0, piece.byteLength);
  }
  return buffer;
}

export class GpuHolderScorer {
  private destroyed = false;

  private constructor(
    private readonly gpu: GpuContext,
    readonly problem: SimilarityProblem,
    private readonly pipeline: GPUComputePipeline,
    private readonly chunks: readonly ItemChunk[],
    /** vec4 per padded row. */
    private readonly rowVecs: number,
    /** Outputs per pass, a multiple of GROUP_OUTPUTS. */
    readonly passOutputs: number,
    /** Resolves to the error that creating and filling the buffers raised, if any. */
    private readonly setupError: Promise<GpuError | undefined>,
  ) {}

  /** Uploads the problem's item rows and holders (once) and compiles the kernel. */
  static create(gpu: GpuContext, problem: SimilarityProblem, options: GpuHolderScorerOptions = {}): GpuHolderScorer {
    const { d, itemCount, holderCount } = problem;
    const limits = gpu.limits;
    const bindingBytes = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
    const axis = limits.maxComputeWorkgroupsPerDimension;
    const rowVecs = Math.ceil(d / 4);
    const rowBytes = rowVecs * VEC4_BYTES;

    const forcedChunk = positiveInteger('maxChunkItems', options.maxChunkItems);
    let chunkItems = Math.min(Math.floor(bindingBytes / rowBytes), axis * ITEM_TILE);
    if (chunkItems < 1) throw new GpuError('too-large', `one item row of ${d} dimensions (${rowBytes} bytes) exceeds the device's storage binding limit of ${bindingBytes} bytes`);
    if (chunkItems >= ITEM_TILE) chunkItems -= chunkItems % ITEM_TILE; // whole workgroup tiles
    chunkItems = Math.min(chunkItems, forcedChunk);

    const forcedPass = positiveInteger('maxPassOutputs', options.maxPassOutputs);
    if (forcedPass !== Infinity && forcedPass % GROUP_OUTPUTS !== 0) throw new RangeError(`GpuHolderScorer: maxPassOutputs must be a multiple of ${GROUP_OUTPUTS}, got ${forcedPass}`);
    const groupBestBytes = GROUP_OUTPUTS * 4 * Math.max(1, holderCount);
    const groupsByBest = Math.floor(Math.min(BEST_BUFFER_BYTES, bindingBytes) / groupBestBytes);
    if (groupsByBest < 1) {
      throw new GpuError('too-large', `the best scores of ${GROUP_OUTPUTS} outputs against ${holderCount} holders (${groupBestBytes} bytes) exceed the device's storage binding limit of ${bindingBytes} bytes`);
    }
    const groupsByRows = Math.max(1, Math.floor(bindingBytes / (GROUP_OUTPUTS * rowBytes)));
    const groupsByAxis = (axis * OUTPUT_TILE) / GROUP_OUTPUTS;
    const passOutputs = GROUP_OUTPUTS * Math.min(groupsByBest, groupsByRows, groupsByAxis, forcedPass / GROUP_OUTPUTS);

    const device = gpu.device;
    const chunks: ItemChunk[] = [];
    const made: GPUBuffer[] = [];
    let pipeline: GPUComputePipeline;
    // Buffer creation, uploads and compilation report their failures asynchronously: the scopes
    // catch them here and the first scoreBlock throws them.
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    let validation: Promise<GPUError | null>;
    let memory: Promise<GPUError | null>;
    try {
      pipeline = gpu.pipeline(BEST_SCORES_WGSL);
      for (let from = 0; from < itemCount; from += chunkItems) {
        const to = Math.min(itemCount, from + chunkItems);
        const rows = uploadRows(gpu, problem.items, d, rowVecs * 4, from, to, `item rows ${from}..${to}`);
        made.push(rows);
        const holders = uploadRows(gpu, problem.holderOfItem, 1, 1, from, to, `holders of items ${from}..${to}`);
        made.push(holders);
        chunks.push({ rows, holders, count: to - from });
      }
    } catch (error) {
      for (const buffer of made) buffer.destroy();
      throw error;
    } finally {
      validation = device.popErrorScope();
      memory = device.popErrorScope();
    }
    const setupError = Promise.all([memory, validation]).then(([m, v]) => {
      if (m) return new GpuError('out-of-memory', `the GPU ran out of memory for the catalogue's ${itemCount} item rows: ${m.message}`);
      if (v) return new GpuError('validation', `the GPU refused the similarity kernel or its buffers: ${v.message}`);
      return undefined;
    });
    return new GpuHolderScorer(gpu, problem, pipeline, chunks, rowVecs, passOutputs, setupError);
  }

  /** Items per chunk as uploaded (one dispatch each per pass). */
  get chunkSizes(): number[] {
    return this.chunks.map((chunk) => chunk.count);
  }

  /**
   * Best scores of the outputs at sequence positions [from, to) in the engine's layout:
   * best[(g·holderCount + h)·4 + lane] for the output at position from + 4g + lane, lanes past
   * `to` zero, every score clamped below at 0.
   */
  async scoreBlock(from: number, to: number): Promise<Float64Array> {
    const { outputCount, holderCount } = this.problem;
    if (!(Number.isInteger(from) && Number.isInteger(to) && 0 <= from && from < to && to <= outputCount)) {
      throw new RangeError(`GpuHolderScorer.scoreBlock: outputs [${from}, ${to}) of ${outputCount}`);
    }
    if (this.destroyed) throw new Error('GpuHolderScorer.scoreBlock: the scorer was destroyed');
    const failed = await this.setupError;
    if (failed) throw failed;
    const stride = GROUP_OUTPUTS * holderCount;
    const best = new Float64Array(Math.ceil((to - from) / GROUP_OUTPUTS) * stride);
    if (holderCount === 0 || this.chunks.length === 0) return best;
    for (let start = from; start < to; start += this.passOutputs) {
      const end = Math.min(to, start + this.passOutputs);
      const scores = await this.scorePass(start, end);
      best.set(scores, ((start - from) / GROUP_OUTPUTS) * stride);
    }
    return best;
  }

  /** One pass: outputs [start, end), at most passOutputs of them, against every item chunk. */
  private async scorePass(start: number, end: number): Promise<Float32Array> {
    const { gpu, problem, rowVecs } = this;
    const { d, holderCount, sequence, outputs } = problem;
    const count = end - start;
    const width = rowVecs * 4;
    const rows = new Float32Array(count * width);
    for (let r = 0; r < count; r++) {
      const o = sequence[start + r];
      rows.set(outputs.subarray(o * d, o * d + d), r * width);
    }
    const bestBytes = Math.ceil(count / GROUP_OUTPUTS) * GROUP_OUTPUTS * holderCount * 4;
    const buffers: GPUBuffer[] = [];
    try {
      const rowBuffer = gpu.upload(rows, 'output rows');
      buffers.push(rowBuffer);
      // A new buffer is zero-filled, which is the clamp at 0.
      const bestBuffer = gpu.buffer(bestBytes, undefined, 'best holder scores');
      buffers.push(bestBuffer);
      const steps = Math.ceil(rowVecs / (DIMS_PER_STEP / 4));
      const params = this.chunks.map((chunk) => {
        const uniform = gpu.uniform(new Uint32Array([count, rowVecs, chunk.count, holderCount, steps]), 'similarity parameters');
        buffers.push(uniform);
        return uniform;
      });
      await gpu.submit((encoder) => {
        this.chunks.forEach((chunk, c) => {
          gpu.dispatch(encoder, this.pipeline, [params[c], rowBuffer, chunk.rows, chunk.holders, bestBuffer], [Math.ceil(count / OUTPUT_TILE), Math.ceil(chunk.count / ITEM_TILE)]);
        });
      });
      // The u32 bit patterns are the f32 scores.
      return new Float32Array(await gpu.read(bestBuffer, 0, bestBytes));
    } finally {
      for (const buffer of buffers) buffer.destroy();
    }
  }

  /** Frees the item rows on the device; the scorer cannot score afterwards. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const chunk of this.chunks) {
      chunk.rows.destroy();
      chunk.holders.destroy();
    }
  }
}

/**
 * What attributeBlock computes for the outputs at sequence positions [from, to), with the best
 * scores from the GPU: scores within bestScoreErrorBound(d) of the CPU's, split and totalled by
 * the engine's own attributeScoredBlock.
 */
export async function attributeBlockGpu(
  scorer: GpuHolderScorer,
  problem: SimilarityProblem,
  from: number,
  to: number,
  scratch: SimilarityScratch = new SimilarityScratch(problem),
): Promise<SimilarityBlock> {
  if (scorer.problem !== problem) throw new Error('attributeBlockGpu: the scorer was created for another problem');
  const best = await scorer.scoreBlock(from, to);
  return attributeScoredBlock(problem, from, to, best, scratch);
}
