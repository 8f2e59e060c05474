/**
 * Exact Shapley values of a full coalition table on the GPU: the engine's method (exact.ts),
 * D_i[k] = Σ_{S∌i, |S|=k} [v(S∪i) − v(S)] on the GPU, then φ_i = Σ_k D_i[k]·k!(n−1−k)!/n! on the
 * CPU in float64 with the engine's shapleyFromSizeSums, so the weights are the CPU's exactly.
 *
 * Layout. The table lives on the GPU as (hi, lo) f32 pairs (floatFloat.ts), scaled by a power of
 * two, 8 bytes per coalition, in chunks of 2^c consecutive masks, each chunk a storage buffer
 * that fits the device's binding limit. For player i the masks S ∌ i pair with S ∪ i: inside one
 * chunk when i < c, else chunk k (bit i−c of k clear) with chunk k + 2^(i−c), offset for offset.
 * A dispatch covers one player and one chunk (pair); invocation u of tile h = u div 256 reads one
 * pair and forms the difference in float-float.
 *
 * Reduction by coalition size. The 256 differences of a tile must be summed per popcount. With
 * u = 256·h + l, popcount(S) = popcount(chunk) + popcount(h) + popcount(l), and the first two are
 * the same for the whole tile, so a workgroup only needs the sums by popcount(l), 0..8. It gets
 * them by merging sub-cubes bit by bit: after step b every aligned run of 2^(b+1) lanes holds
 * its sums by popcount over its low b+1 bits, built from its two halves as
 * new[j] = low[j] + high[j−1]. Eight steps, each a barrier, every sum a balanced binary tree of
 * float-float additions. The workgroup then adds the nine sums into its per-size accumulators
 * (index popcount(chunk) + popcount(h) + j) and moves to its next tile; at the end it writes n
 * float-float partial sums. The host adds the workgroups' partials in float64. Tiles per
 * workgroup are chosen so that a player has ~1024 workgroups (enough to fill a large GPU, little
 * to read back), but never more than 32 (for the precision bound below).
 *
 * Precision. Each difference is exact up to the (hi, lo) representation (2^-48 of max |v|). A
 * size sum goes through a balanced tree of depth 8, then at most MAX_TILES_PER_GROUP = 32
 * sequential float-float additions in its workgroup (each with relative error ≤ 2^-47), then a
 * float64 sum on the host: its error is ≤ (8 + 32 + 2)·2^-47·Σ|terms|. φ_i weights the terms
 * with weights summing to 1 and |v(S∪i) − v(S)| ≤ 2 max |v|, so
 *   |φ_gpu − φ_exact| ≤ 84·2^-47·max |v| ≈ 6e-13·max |v|,
 * hence the documented EXACT_TABLE_TOLERANCE = 1e-12 relative to max_S |v(S)| (the CPU's own
 * float64 error is far smaller). Measured on SwiftShader with random 53-bit tables, n ≤ 16:
 * ≤ 2e-15 (test/gpu/exactTable.test.ts). Plain f32 would give ~1e-7, and nothing at all for
 * differences below 2^-24 of the values. Integer tables whose size sums stay below 2^48 come out
 * exactly equal to the CPU's.
 */
import { EngineInputError } from '../../engine/errors';
import { checkTable } from '../../engine/games/table';
import { shapleyFromSizeSums } from '../../engine/shapley/sizeWeights';
import type { GpuContext } from '../context';
import { FLOAT_FLOAT_WGSL, largestMagnitude, powerOfTwoScale, splitFloats } from './floatFloat';
import { dispatchLimits, LINEAR_GROUP_WGSL, workgroupGrid } from './workgroupGrid';

/** Documented bound: |φ_gpu − φ_cpu| ≤ EXACT_TABLE_TOLERANCE · max_S |v(S)|. */
export const EXACT_TABLE_TOLERANCE = 1e-12;

const TILE_BITS = 8;
const TILE = 1 << TILE_BITS;
/** Workgroups per player to aim for: tiles per workgroup grow beyond, up to MAX_TILES_PER_GROUP. */
const GROUPS_PER_PLAYER = 1024;
/** Sequential float-float additions per size sum at most (the precision bound above counts them). */
const MAX_TILES_PER_GROUP = 32;
/** Output read back per submit at most, and dispatches per submit at most. */
const OUTPUT_BYTES_PER_SUBMIT = 16 * 1024 * 1024;
const DISPATCHES_PER_SUBMIT = 256;
/** Sizes 0..n−1 with n ≤ 30 (MAX_TABLE_PLAYERS), plus the zero sums a partial tile may spill above. */
const SIZE_SLOTS = 40;

const EXACT_TABLE_WGSL = /* wgsl */ `
${FLOAT_FLOAT_WGSL}
${LINEAR_GROUP_WGSL}
struct Params {
  pairs: u32,         // (S, S ∪ i) pairs of this dispatch
  player: u32,        // i, when the pairs lie inside one chunk
  within: u32,        // 1: pairs (t, t | 2^i) inside the chunk; 0: t of low with t of high
  sizeBase: u32,      // popcount of the low chunk's index
  tilesPerGroup: u32,
  n: u32,
  outBase: u32,       // first output slot of this dispatch
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> low: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read> high: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read_write> partials: array<vec2<f32>>;

const TILE_BITS = ${TILE_BITS}u;
const TILE = ${TILE}u;
var<workgroup> even: array<vec2<f32>, ${TILE}>;
var<workgroup> odd: array<vec2<f32>, ${TILE}>;
var<workgroup> bySize: array<vec2<f32>, ${SIZE_SLOTS}>;

// u with a 0 bit inserted at position b: the u-th mask without bit b.
fn insertZero(u: u32, b: u32) -> u32 {
  let below = (1u << b) - 1u;
  return ((u & ~below) << 1u) | (u & below);
}

// Step b of the merge: runs of 2^b lanes, sums by popcount 0..b, become runs of 2^(b+1) lanes,
// sums 0..b+1; lane l computes entry j of merged run s.
fn mergeEvenIntoOdd(b: u32, l: u32) {
  let len = b + 1u;
  let merged = b + 2u;
  if (l < (TILE >> (b + 1u)) * merged) {
    let s = l / merged;
    let j = l % merged;
    var sum = vec2<f32>(0.0);
    if (j < len) { sum = even[2u * s * len + j]; }
    if (j >= 1u) { sum = ffAdd(sum, even[(2u * s + 1u) * len + j - 1u]); }
    odd[s * merged + j] = sum;
  }
}

fn mergeOddIntoEven(b: u32, l: u32) {
  let len = b + 1u;
  let merged = b + 2u;
  if (l < (TILE >> (b + 1u)) * merged) {
    let s = l / merged;
    let j = l % merged;
    var sum = vec2<f32>(0.0);
    if (j < len) { sum = odd[2u * s * len + j]; }
    if (j >= 1u) { sum = ffAdd(sum, odd[(2u * s + 1u) * len + j - 1u]); }
    even[s * merged + j] = sum;
  }
}

@compute @workgroup_size(${TILE})
fn main(@builtin(local_invocation_index) l: u32, @builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let group = linearGroup(wg, groups);
  if (l < ${SIZE_SLOTS}u) {
    bySize[l] = vec2<f32>(0.0);
  }
  let tiles = (params.pairs + TILE - 1u) / TILE;
  let firstTile = group * params.tilesPerGroup;
  let endTile = min(firstTile + params.tilesPerGroup, tiles);
  for (var tile = firstTile; tile < endTile; tile++) {
    let u = tile * TILE + l;
    var difference = vec2<f32>(0.0);
    if (u < params.pairs) {
      var alone = u;
      var joined = u;
      if (params.within == 1u) {
        alone = insertZero(u, params.player);
        joined = alone | (1u << params.player);
      }
      difference = ffSub(high[joined], low[alone]);
    }
    even[l] = difference;
    workgroupBarrier();
    for (var b = 0u; b < TILE_BITS; b += 2u) {
      mergeEvenIntoOdd(b, l);
      workgroupBarrier();
      mergeOddIntoEven(b + 1u, l);
      workgroupBarrier();
    }
    if (l <= TILE_BITS) {
      let size = params.sizeBase + countOneBits(tile) + l;
      if (size < params.n) {
        bySize[size] = ffAdd(bySize[size], even[l]);
      }
    }
    workgroupBarrier();
  }
  if (l < params.n) {
    partials[params.outBase + group * params.n + l] = bySize[l];
  }
}
`;

/** One dispatch: a player's pairs within one chunk or across two. */
interface PairDispatch {
  readonly player: number;
  readonly low: number;
  readonly high: number;
  readonly within: boolean;
  readonly pairs: number;
  readonly sizeBase: number;
}

export interface ExactTableOptions {
  /** Largest chunk of the table in one buffer, in bytes (8 per coalition); default: the device's binding limit. */
  readonly maxChunkBytes?: number;
  /** Lowers the workgroups per grid dimension (tests force 2-D grids with it). */
  readonly maxWorkgroupsPerDimension?: number;
  /** Workgroups per player to aim for (default 1024); tests lower it so that workgroups loop over tiles. */
  readonly workgroupsPerPlayer?: number;
}

function popcount(x: number): number {
  let c = 0;
  for (let y = x; y > 0; y >>>= 1) c += y & 1;
  return c;
}

function checkPlayers(players: readonly number[], n: number): void {
  players.forEach((i, k) => {
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new EngineInputError('players', k, `must be a player index from 0 to ${n - 1}, got ${i}`);
  });
}

function checkOptions(options: ExactTableOptions): void {
  const { maxChunkBytes, workgroupsPerPlayer } = options;
  if (maxChunkBytes !== undefined && (typeof maxChunkBytes !== 'number' || !Number.isInteger(maxChunkBytes) || maxChunkBytes < 16)) {
    throw new RangeError(`options.maxChunkBytes must be a whole number of bytes ≥ 16, got ${String(maxChunkBytes)}`);
  }
  if (workgroupsPerPlayer !== undefined && (typeof workgroupsPerPlayer !== 'number' || !Number.isInteger(workgroupsPerPlayer) || workgroupsPerPlayer < 1)) {
    throw new RangeError(`options.workgroupsPerPlayer must be a whole number ≥ 1, got ${String(workgroupsPerPlayer)}`);
  }
}

/**
 * φ of the listed players (default all, in order) of the table game values[mask] = v(S), bit i of
 * mask set when player i ∈ S: the numbers exactShapleyOfPlayers gives, within
 * EXACT_TABLE_TOLERANCE · max |v|.
 */
export async function exactShapleyOfTableGpu(
  gpu: GpuContext,
  values: Float64Array | Float32Array,
  n: number,
  players?: readonly number[],
  options: ExactTableOptions = {},
): Promise<Float64Array> {
  checkTable(values, n);
  const listed = players ?? Array.from({ length: n }, (_, i) => i);
  checkPlayers(listed, n);
  checkOptions(options);
  for (let mask = 0; mask < values.length; mask++) {
    if (!Number.isFinite(values[mask])) throw new EngineInputError('values', mask, `v of coalition mask ${mask} is not a finite number (${values[mask]})`);
  }
  const phi = new Float64Array(listed.length);
  if (listed.length === 0) return phi;

  const distinct = [...new Set(listed)];
  const sums = await sizeSums(gpu, values, n, distinct, options);
  const byPlayer = new Map<number, number>();
  distinct.forEach((i, k) => byPlayer.set(i, shapleyFromSizeSums(sums[k], n)));
  listed.forEach((i, k) => (phi[k] = byPlayer.get(i)!));
  return phi;
}

/** D_i[k] for each player of `players`, in float64, unscaled. */
async function sizeSums(gpu: GpuContext, values: Float64Array | Float32Array, n: number, players: readonly number[], options: ExactTableOptions): Promise<Float64Array[]> {
  const limits = dispatchLimits(gpu, { maxStorageBytes: options.maxChunkBytes, maxWorkgroupsPerDimension: options.maxWorkgroupsPerDimension });
  const chunkBits = Math.min(n, Math.floor(Math.log2(limits.storageBytes / 8)));
  const chunkSize = 2 ** chunkBits;
  const chunkCount = 2 ** (n - chunkBits);
  const scale = powerOfTwoScale(largestMagnitude(values));
  const pipeline = gpu.pipeline(EXACT_TABLE_WGSL);
  const sums = players.map(() => new Float64Array(n));

  const chunks: GPUBuffer[] = [];
  const pending: GPUBuffer[] = [];
  try {
    const pairsOf = new Float32Array(2 * chunkSize);
    for (let k = 0; k < chunkCount; k++) {
      chunks.push(gpu.upload(splitFloats(values, k * chunkSize, chunkSize, scale, pairsOf), `table chunk ${k}`));
    }

    // The pairs of every player, one dispatch per chunk (pair); the same tiles per workgroup for
    // all of a player's dispatches, from the player's 2^(n−1) pairs in all.
    const tilesPerPlayer = Math.max(1, 2 ** (n - 1) / TILE);
    const tilesPerGroup = Math.min(MAX_TILES_PER_GROUP, Math.max(1, Math.ceil(tilesPerPlayer / (options.workgroupsPerPlayer ?? GROUPS_PER_PLAYER))));
    const work: PairDispatch[] = [];
    players.forEach((i, p) => {
      for (let k = 0; k < chunkCount; k++) {
        if (i < chunkBits) work.push({ player: p, low: k, high: k, within: true, pairs: chunkSize / 2, sizeBase: popcount(k) });
        else if ((k & (2 ** (i - chunkBits))) === 0) work.push({ player: p, low: k, high: k + 2 ** (i - chunkBits), within: false, pairs: chunkSize, sizeBase: popcount(k) });
      }
    });

    for (let start = 0; start < work.length; ) {
      // As many dispatches as fit the read-back budget, each with its own output slots.
      const batch: Array<{ dispatch: PairDispatch; groups: number; outBase: number }> = [];
      let slots = 0;
      while (start + batch.length < work.length && batch.length < DISPATCHES_PER_SUBMIT) {
        const dispatch = work[start + batch.length];
        const groups = Math.ceil(Math.ceil(dispatch.pairs / TILE) / tilesPerGroup);
        if (batch.length > 0 && (slots + groups * n) * 8 > OUTPUT_BYTES_PER_SUBMIT) break;
        batch.push({ dispatch, groups, outBase: slots });
        slots += groups * n;
      }
      const partials = gpu.buffer(slots * 8, undefined, 'exact partial sums');
      pending.push(partials);
      const uniforms = batch.map(({ dispatch, outBase }) => {
        const params = gpu.uniform(
          new Uint32Array([dispatch.pairs, dispatch.within ? players[dispatch.player] : 0, dispatch.within ? 1 : 0, dispatch.sizeBase, tilesPerGroup, n, outBase]),
          'exact parameters',
        );
        pending.push(params);
        return params;
      });
      await gpu.submit((encoder) => {
        batch.forEach(({ dispatch, groups }, d) => {
          gpu.dispatch(encoder, pipeline, [uniforms[d], chunks[dispatch.low], chunks[dispatch.high], partials], workgroupGrid(groups, limits.workgroupsPerDimension));
        });
      });
      const out = new Float32Array(await gpu.read(partials, 0, slots * 8));
      for (const { dispatch, groups, outBase } of batch) {
        const target = sums[dispatch.player];
        for (let g = 0; g < groups; g++) {
          const base = 2 * (outBase + g * n);
          for (let k = 0; k < n; k++) target[k] += out[base + 2 * k] + out[base + 2 * k + 1];
        }
      }
      for (const buffer of pending.splice(0)) buffer.destroy();
      start += batch.length;
    }
  } finally {
    for (const buffer of [...chunks, ...pending]) buffer.destroy();
  }
  for (const target of sums) for (let k = 0; k < n; k++) target[k] /= scale;
  return sums;
}
