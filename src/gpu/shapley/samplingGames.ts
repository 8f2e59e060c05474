/**
 * The games the sampling kernel can walk, as plain data ready for the GPU (GpuSamplingGame), and
 * the WGSL that evaluates each one along a permutation.
 *
 * The kernel learns the permutation from its last position down (Fisher–Yates fixes position j
 * at step j), so a game is walked backwards: A = the players already placed (positions after the
 * current one), B = N \ A \ {p} the players before p. Player p's contribution in the permutation
 * is v(B ∪ p) − v(B), and in the reversed permutation (antithetic mode) v(A ∪ p) − v(A), both
 * available at the same step, so an antithetic sample costs no second pass.
 *
 *   table            v(N \ A) − v(N \ A \ p), reusing the previous lookup, as the CPU's walker
 *                    reuses its own: the same two table entries, differenced in float-float and
 *                    rounded once to f32.
 *   weighted voting  weights scaled to whole numbers by the engine's votingBody, added in 64-bit
 *                    integer arithmetic emulated on (low, high) u32 words: exact for every game
 *                    the engine accepts (scaled total < 2^53), so each contribution (0, 1, or ½
 *                    in antithetic mode) is exactly the CPU's.
 *   saturating scale sizes as float-float multiples of halfSize; B's total is Σ − A's total in
 *                    float-float (no cancellation error worth the name), and the contribution
 *                    (1 + D_B)^−α · (−expm1(−α · log1p(d_p / (1 + D_B)))) with accurateMath.ts,
 *                    which keeps f32's relative precision when d_p ≪ D_B (many players), where
 *                    the CPU's P(D + d) − P(D) in float64 loses some and a naive f32 difference
 *                    would lose it all.
 */
import { EngineInputError } from '../../engine/errors';
import type { Game } from '../../engine/games/game';
import { checkSaturatingScale } from '../../engine/games/saturatingScale';
import { checkTable } from '../../engine/games/table';
import { votingBody } from '../../engine/games/voting';
import { GpuError, type GpuContext } from '../context';
import { indexWords } from '../wgsl/philox';
import { ACCURATE_MATH_WGSL } from './accurateMath';
import { FLOAT_FLOAT_WGSL, largestMagnitude, powerOfTwoScale, splitFloats } from './floatFloat';

/** A coalition table, values[mask] = v(S); scale is the power of two the kernel's values carry. */
export interface GpuTableGame {
  readonly type: 'table';
  readonly n: number;
  readonly values: ArrayLike<number>;
  readonly scale: number;
}

/** Weighted voting with whole-number weights (votingBody's): weights as (low, high) u32 words. */
export interface GpuVotingGame {
  readonly type: 'voting';
  readonly n: number;
  readonly weights: Uint32Array;
  readonly quota: number;
  readonly total: number;
}

/** Saturating scale with sizes in units of halfSize, as (hi, lo) f32 pairs; total = Σ sizes. */
export interface GpuSaturatingScaleGame {
  readonly type: 'saturatingScale';
  readonly n: number;
  readonly sizes: Float32Array;
  readonly total: number;
  readonly alpha: number;
}

export type GpuSamplingGame = GpuTableGame | GpuVotingGame | GpuSaturatingScaleGame;

/**
 * A game as plain data: the companion's GameSpec for these three types has exactly this shape,
 * and so would an engine Game's `description`.
 */
export type SamplingGameDescription =
  | { readonly type: 'table'; readonly n: number; readonly values: ArrayLike<number> }
  | { readonly type: 'voting'; readonly weights: ArrayLike<number>; readonly quota: number }
  | { readonly type: 'saturatingScale'; readonly sizes: ArrayLike<number>; readonly halfSize: number; readonly alpha: number };

/**
 * Sizes in units of halfSize, and α, that the kernel represents: beyond 2^100 (or, for a non-zero
 * size, below 2^-100) f32 would overflow or lose the low word; such a game is left to the CPU.
 */
const SATURATING_RANGE = 2 ** 100;

/**
 * The GPU form of a described game; undefined for a type without a kernel (coverage, knn…) or a
 * saturating scale outside the kernel's range. Invalid data throws the engine's own error.
 */
export function gpuSamplingGameOfSpec(spec: { readonly type: string }): GpuSamplingGame | undefined {
  const description = spec as SamplingGameDescription;
  switch (description.type) {
    case 'table': {
      const { n, values } = description;
      checkTable(values, n);
      for (let mask = 0; mask < values.length; mask++) {
        if (!Number.isFinite(values[mask])) throw new EngineInputError('values', mask, `v of coalition mask ${mask} is not a finite number (${values[mask]})`);
      }
      return { type: 'table', n, values, scale: powerOfTwoScale(largestMagnitude(values)) };
    }
    case 'voting': {
      const body = votingBody(description.weights, description.quota);
      const weights = new Uint32Array(2 * body.weights.length);
      body.weights.forEach((w, i) => weights.set(indexWords(w), 2 * i));
      return { type: 'voting', n: body.weights.length, weights, quota: body.quota, total: body.total };
    }
    case 'saturatingScale': {
      const { sizes, halfSize, alpha } = checkSaturatingScale(description.sizes, description.halfSize, description.alpha);
      const units = sizes.map((d) => d / halfSize);
      let total = 0;
      for (const u of units) {
        if (u !== 0 && u < 1 / SATURATING_RANGE) return undefined;
        total += u;
      }
      if (!(total <= SATURATING_RANGE) || alpha > SATURATING_RANGE || alpha < 1 / SATURATING_RANGE) return undefined;
      return { type: 'saturatingScale', n: units.length, sizes: splitFloats(units, 0, units.length, 1, new Float32Array(2 * units.length)), total, alpha };
    }
    default:
      return undefined;
  }
}

/**
 * The GPU form of an engine game that carries its description (an optional `description`
 * property in the shape of SamplingGameDescription); undefined for any other game.
 */
export function gpuSamplingGameOf(game: Game): GpuSamplingGame | undefined {
  const description = (game as Game & { readonly description?: unknown }).description;
  if (typeof description !== 'object' || description === null || typeof (description as { type?: unknown }).type !== 'string') return undefined;
  const gpuGame = gpuSamplingGameOfSpec(description as { readonly type: string });
  return gpuGame && gpuGame.n === game.n ? gpuGame : undefined;
}

/** A uniform field of the kernel's parameters: its WGSL type and its value. */
export interface UniformField {
  readonly name: string;
  readonly type: 'u32' | 'f32';
  readonly value: number;
}

/** What the sampling kernel needs from a game: parameters, buffers from binding 4 on, and code. */
export interface GameKernel {
  readonly fields: readonly UniformField[];
  /** WGSL: bindings (from `firstBinding`), private state, gameBegin() and gameStep(p) -> f32. */
  readonly code: string;
  readonly buffers: readonly GPUBuffer[];
  /** Multiply means by this (and M2 by its square) to undo the values' scaling. */
  readonly unscale: number;
  destroy(): void;
}

/**
 * Uploads `game` and writes its WGSL. `antithetic` selects what gameStep returns: the forward
 * contribution, or its average with the reverse one. `storageBytes` and `maxBuffers` bound the
 * table's buffers (a table larger than one binding is split over up to `maxBuffers` of them).
 */
export function gameKernel(gpu: GpuContext, game: GpuSamplingGame, antithetic: boolean, firstBinding: number, storageBytes: number, maxBuffers: number): GameKernel {
  const mode = `const ANTITHETIC = ${antithetic};\n`;
  switch (game.type) {
    case 'table':
      return tableKernel(gpu, game, mode, firstBinding, storageBytes, maxBuffers);
    case 'voting': {
      const weights = gpu.upload(game.weights, 'voting weights');
      const [quotaLow, quotaHigh] = indexWords(game.quota);
      const [totalLow, totalHigh] = indexWords(game.total);
      return {
        fields: [
          { name: 'quotaLow', type: 'u32', value: quotaLow },
          { name: 'quotaHigh', type: 'u32', value: quotaHigh },
          { name: 'totalLow', type: 'u32', value: totalLow },
          { name: 'totalHigh', type: 'u32', value: totalHigh },
        ],
        code: mode + votingWgsl(firstBinding),
        buffers: [weights],
        unscale: 1,
        destroy: () => weights.destroy(),
      };
    }
    case 'saturatingScale': {
      const sizes = gpu.upload(game.sizes, 'saturating-scale sizes');
      const hi = Math.fround(game.total);
      return {
        fields: [
          { name: 'alpha', type: 'f32', value: game.alpha },
          { name: 'totalHi', type: 'f32', value: hi },
          { name: 'totalLo', type: 'f32', value: Math.fround(game.total - hi) },
        ],
        code: mode + ACCURATE_MATH_WGSL + saturatingWgsl(firstBinding),
        buffers: [sizes],
        unscale: 1,
        destroy: () => sizes.destroy(),
      };
    }
  }
}

function tableKernel(gpu: GpuContext, game: GpuTableGame, mode: string, firstBinding: number, storageBytes: number, maxBuffers: number): GameKernel {
  const { n, values, scale } = game;
  // The fewest buffers (a power of two) whose share of the table fits one binding.
  let splitBits = 0;
  while (splitBits < n && 2 ** (n - splitBits) * 8 > storageBytes) splitBits++;
  const parts = 2 ** splitBits;
  if (2 ** (n - splitBits) * 8 > storageBytes || parts > maxBuffers) {
    throw new GpuError('too-large', `a table of ${n} players (${2 ** n * 8} bytes as f32 pairs) needs more than the ${maxBuffers} storage buffers of ${storageBytes} bytes this device can bind`);
  }
  const partSize = 2 ** (n - splitBits);
  const buffers: GPUBuffer[] = [];
  try {
    const pairs = new Float32Array(2 * partSize);
    for (let k = 0; k < parts; k++) buffers.push(gpu.upload(splitFloats(values, k * partSize, partSize, scale, pairs), `table part ${k}`));
  } catch (error) {
    for (const buffer of buffers) buffer.destroy();
    throw error;
  }
  const declarations = buffers.map((_, k) => `@group(0) @binding(${firstBinding + k}) var<storage, read> table${k}: array<vec2<f32>>;`).join('\n');
  const lookup =
    parts === 1
      ? 'return table0[mask];'
      : `let offset = mask & ${partSize - 1}u;
  switch (mask >> ${n - splitBits}u) {
${buffers.map((_, k) => `    ${k === parts - 1 ? 'default' : `case ${k}u`}: { return table${k}[offset]; }`).join('\n')}
  }`;
  return {
    fields: [{ name: 'everyone', type: 'u32', value: 2 ** n - 1 }],
    code: `${mode}${FLOAT_FLOAT_WGSL}
${declarations}

fn tableValue(mask: u32) -> vec2<f32> {
  ${lookup}
}

var<private> placed: u32;              // A, as a mask
var<private> forwardPrevious: vec2<f32>; // v(N \\ A)
var<private> reversePrevious: vec2<f32>; // v(A)

fn gameBegin() {
  placed = 0u;
  forwardPrevious = tableValue(params.everyone);
  if (ANTITHETIC) {
    reversePrevious = tableValue(0u);
  }
}

fn gameStep(p: u32) -> f32 {
  let bit = 1u << p;
  let before = tableValue(params.everyone ^ placed ^ bit);
  var x = ffSub(forwardPrevious, before);
  forwardPrevious = before;
  if (ANTITHETIC) {
    let joined = tableValue(placed | bit);
    x = ffAdd(x, ffSub(joined, reversePrevious));
    reversePrevious = joined;
    placed = placed | bit;
    return x.x * 0.5;
  }
  placed = placed | bit;
  return x.x;
}
`,
    buffers,
    unscale: 1 / scale,
    destroy: () => buffers.forEach((buffer) => buffer.destroy()),
  };
}

function votingWgsl(binding: number): string {
  return /* wgsl */ `
@group(0) @binding(${binding}) var<storage, read> weights: array<vec2<u32>>;

fn add64(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  let low = a.x + b.x;
  return vec2<u32>(low, a.y + b.y + select(0u, 1u, low < a.x));
}

fn sub64(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  return vec2<u32>(a.x - b.x, a.y - b.y - select(0u, 1u, a.x < b.x));
}

fn wins(weight: vec2<u32>) -> f32 {
  let quota = vec2<u32>(params.quotaLow, params.quotaHigh);
  return select(0.0, 1.0, weight.y > quota.y || (weight.y == quota.y && weight.x >= quota.x));
}

var<private> placed: vec2<u32>;        // total weight of A

fn gameBegin() {
  placed = vec2<u32>(0u);
}

fn gameStep(p: u32) -> f32 {
  let w = weights[p];
  let joined = sub64(vec2<u32>(params.totalLow, params.totalHigh), placed); // weight of B ∪ p
  var x = wins(joined) - wins(sub64(joined, w));
  let grown = add64(placed, w);
  if (ANTITHETIC) {
    x = (x + (wins(grown) - wins(placed))) * 0.5;
  }
  placed = grown;
  return x;
}
`;
}

function saturatingWgsl(binding: number): string {
  return /* wgsl */ `
${FLOAT_FLOAT_WGSL}
@group(0) @binding(${binding}) var<storage, read> sizes: array<vec2<f32>>;

// P(base + d) − P(base), P(D) = 1 − (1 + D)^−α, D in units of halfSize.
fn gain(base: f32, d: f32) -> f32 {
  let missing = exp(-params.alpha * log1pAccurate(base));
  return -missing * expm1Accurate(-params.alpha * log1pAccurate(d / (1.0 + base)));
}

var<private> placed: vec2<f32>;        // total size of A, float-float

fn gameBegin() {
  placed = vec2<f32>(0.0);
}

fn gameStep(p: u32) -> f32 {
  let d = sizes[p];
  let before = max(ffSub(ffSub(vec2<f32>(params.totalHi, params.totalLo), placed), d).x, 0.0);
  var x = gain(before, d.x);
  if (ANTITHETIC) {
    x = (x + gain(placed.x, d.x)) * 0.5;
  }
  placed = ffAdd(placed, d);
  return x;
}
`;
}
