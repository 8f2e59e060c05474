/**
 * WGSL source for the counter-based random numbers every sampling kernel shares: mulhi32,
 * Philox4x32-10 and the permutation draw, transcribed operation for operation from the CPU's
 * src/engine/random/philox.ts and permutation.ts (read their comments for the recipe and its
 * proofs). The constants are interpolated from the engine's own, so the two cannot drift apart.
 *
 * Why strings shared by kernels rather than one kernel: a kernel walks its permutation in its own
 * memory layout (the sampler in a [position][sample] scratch buffer, the test kernel in the
 * output rows), so the draw is exposed as a stream of swap indices (`nextSwapIndex`) and each
 * kernel does the swaps itself. WGSL u32 arithmetic wraps mod 2^32 like Math.imul and `>>>`,
 * which is all the recipe needs; there is no 64-bit type, hence 64-bit permutation indices as
 * vec2<u32> (low word, high word) and `permutationIndexPlus` for the carry.
 */
import { PHILOX_M0, PHILOX_M1, PHILOX_ROUNDS, PHILOX_W0, PHILOX_W1 } from '../../engine/random/philox';

const hex = (x: number): string => `0x${(x >>> 0).toString(16)}u`;

/** High 32 bits of the 64-bit product of two u32 (the engine's mulhi32 recipe, verbatim). */
export const MULHI32_WGSL = /* wgsl */ `
fn mulhi32(a: u32, b: u32) -> u32 {
  let aL = a & 0xffffu;
  let aH = a >> 16u;
  let bL = b & 0xffffu;
  let bH = b >> 16u;
  let lh = aL * bH;
  let hl = aH * bL;
  let mid = ((aL * bL) >> 16u) + (lh & 0xffffu) + (hl & 0xffffu);
  return aH * bH + (lh >> 16u) + (hl >> 16u) + (mid >> 16u);
}
`;

/** One Philox4x32-10 block: counter words c, key words k, in Random123's order. */
export const PHILOX_WGSL = /* wgsl */ `
fn philox4x32_10(counter: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  var c = counter;
  var k = key;
  for (var round = 0u; round < ${PHILOX_ROUNDS}u; round++) {
    if (round > 0u) {
      k = k + vec2<u32>(${hex(PHILOX_W0)}, ${hex(PHILOX_W1)});
    }
    let hi0 = mulhi32(${hex(PHILOX_M0)}, c.x);
    let lo0 = ${hex(PHILOX_M0)} * c.x;
    let hi1 = mulhi32(${hex(PHILOX_M1)}, c.z);
    let lo1 = ${hex(PHILOX_M1)} * c.z;
    c = vec4<u32>(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
  }
  return c;
}
`;

/**
 * The permutation draw as a stream: for j = n-1 down to 1 a kernel calls nextSwapIndex(&s, j)
 * and swaps positions j and r. Word t of permutation k comes from Philox block
 * (k.lo, k.hi, t / 4, 0), lane t mod 4; r = mulhi32(u, j + 1).
 */
export const PERMUTATION_STREAM_WGSL = /* wgsl */ `
struct PermutationStream {
  index: vec2<u32>,
  key: vec2<u32>,
  used: u32,
  words: vec4<u32>,
}

fn permutationStream(index: vec2<u32>, key: vec2<u32>) -> PermutationStream {
  return PermutationStream(index, key, 0u, vec4<u32>(0u));
}

fn nextSwapIndex(stream: ptr<function, PermutationStream>, j: u32) -> u32 {
  let slot = (*stream).used & 3u;
  if (slot == 0u) {
    (*stream).words = philox4x32_10(vec4<u32>((*stream).index.x, (*stream).index.y, (*stream).used >> 2u, 0u), (*stream).key);
  }
  (*stream).used = (*stream).used + 1u;
  return mulhi32((*stream).words[slot], j + 1u);
}

// Permutation index base + offset, as (low word, high word) with the carry.
fn permutationIndexPlus(base: vec2<u32>, offset: u32) -> vec2<u32> {
  let low = base.x + offset;
  return vec2<u32>(low, base.y + select(0u, 1u, low < base.x));
}
`;

/** Everything a kernel needs to draw permutations. */
export const PERMUTATION_WGSL = MULHI32_WGSL + PHILOX_WGSL + PERMUTATION_STREAM_WGSL;

/** A whole number in [0, 2^53) as the (low, high) u32 words a kernel takes for a 64-bit integer. */
export function indexWords(index: number): [number, number] {
  const low = index % 4294967296;
  return [low, (index - low) / 4294967296];
}
