import { EngineInputError } from '../errors';

/**
 * Philox4x32-10, the counter-based generator of Random123 (Salmon, Moraes, Dror & Shaw,
 * "Parallel random numbers: as easy as 1, 2, 3", SC 2011). Output word i of counter c under
 * key k is a pure function of (c, k), so the CPU and a GPU kernel can draw any permutation by
 * its index, in any order, on any thread, and get the same bits.
 *
 * Everything here is 32-bit unsigned integer arithmetic that a WGSL kernel (which has u32 `*`
 * wrapping mod 2^32 but no 64-bit product) reproduces operation for operation: the low half of
 * a 32×32 product is `Math.imul` (WGSL: `a * b`), the high half is `mulhi32` below.
 */

// Bound once: inside a vm context (jest, some add-in runtimes) every lookup of a global such as
// `Math` goes through the context's interceptor and costs ~100× a multiplication.
const imul = Math.imul;

/** Round multipliers and Weyl key increments, as in Random123's philox.h. */
export const PHILOX_M0 = 0xd2511f53;
export const PHILOX_M1 = 0xcd9e8d57;
export const PHILOX_W0 = 0x9e3779b9;
export const PHILOX_W1 = 0xbb67ae85;
export const PHILOX_ROUNDS = 10;

/**
 * High 32 bits of the 64-bit product of two unsigned 32-bit integers, exactly.
 *
 * A double holds only 53 bits, so the product is split into 16-bit halves, each partial
 * product fitting in 32 bits:
 *
 *   a·b = aH·bH·2^32 + (aH·bL + aL·bH)·2^16 + aL·bL
 *
 * Recipe (all u32, wrapping; the WGSL kernel must do exactly this):
 *   aL = a & 0xffff; aH = a >> 16; bL = b & 0xffff; bH = b >> 16
 *   ll = aL*bL; lh = aL*bH; hl = aH*bL; hh = aH*bH
 *   mid = (ll >> 16) + (lh & 0xffff) + (hl & 0xffff)        // < 3·2^16, the carry column
 *   hi  = hh + (lh >> 16) + (hl >> 16) + (mid >> 16)
 * The true high word is < 2^32 and every partial sum is ≤ it, so nothing wraps. Inputs may be
 * given as signed int32 views of the same bits.
 */
export function mulhi32(a: number, b: number): number {
  const aL = a & 0xffff;
  const aH = a >>> 16;
  const bL = b & 0xffff;
  const bH = b >>> 16;
  const lh = imul(aL, bH);
  const hl = imul(aH, bL);
  const mid = (imul(aL, bL) >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (imul(aH, bH) + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) >>> 0;
}

// The multipliers' 16-bit halves, so that the rounds below do the mulhi32 recipe with one
// operand already split (same arithmetic, fewer operations).
const M0L = PHILOX_M0 & 0xffff;
const M0H = PHILOX_M0 >>> 16;
const M1L = PHILOX_M1 & 0xffff;
const M1H = PHILOX_M1 >>> 16;

/**
 * One Philox4x32-10 block from scalar counter words c0..c3 and key words k0, k1 (any number
 * whose low 32 bits are the word), written to out[0..3]. Allocation-free: the hot path of
 * permutation sampling calls this directly.
 *
 * Each round (Random123 philox4x32round):
 *   (hi0, lo0) = M0 · c0,  (hi1, lo1) = M1 · c2
 *   c ← (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0)
 * and between rounds the key is bumped: k0 += W0, k1 += W1 (mod 2^32).
 */
export function philox4x32Into(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array | Int32Array,
): void {
  c0 |= 0;
  c1 |= 0;
  c2 |= 0;
  c3 |= 0;
  k0 |= 0;
  k1 |= 0;
  for (let round = 0; round < PHILOX_ROUNDS; round++) {
    if (round > 0) {
      k0 = (k0 + PHILOX_W0) | 0;
      k1 = (k1 + PHILOX_W1) | 0;
    }
    // mulhi32(M0, c0) and mulhi32(M1, c2), with the multipliers pre-split.
    const c0L = c0 & 0xffff;
    const c0H = c0 >>> 16;
    const a0 = imul(M0L, c0H);
    const b0 = imul(M0H, c0L);
    const mid0 = (imul(M0L, c0L) >>> 16) + (a0 & 0xffff) + (b0 & 0xffff);
    const hi0 = (imul(M0H, c0H) + (a0 >>> 16) + (b0 >>> 16) + (mid0 >>> 16)) | 0;
    const lo0 = imul(PHILOX_M0, c0);

    const c2L = c2 & 0xffff;
    const c2H = c2 >>> 16;
    const a1 = imul(M1L, c2H);
    const b1 = imul(M1H, c2L);
    const mid1 = (imul(M1L, c2L) >>> 16) + (a1 & 0xffff) + (b1 & 0xffff);
    const hi1 = (imul(M1H, c2H) + (a1 >>> 16) + (b1 >>> 16) + (mid1 >>> 16)) | 0;
    const lo1 = imul(PHILOX_M1, c2);

    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

/**
 * Philox4x32-10 of a 4-word counter under a 2-word key, words as unsigned 32-bit integers in
 * Random123's order (the order of its kat_vectors file).
 */
export function philox4x32(
  counter: Uint32Array | ArrayLike<number>,
  key: Uint32Array | ArrayLike<number>,
  out: Uint32Array = new Uint32Array(4),
): Uint32Array {
  philox4x32Into(counter[0], counter[1], counter[2], counter[3], key[0], key[1], out);
  return out;
}

/** 2^32, to split integers up to 2^53 into two 32-bit words without losing bits. */
export const TWO_POW_32 = 4294967296;

/**
 * The Philox key of a user seed: (seed mod 2^32, floor(seed / 2^32)). Seeds are integers in
 * [0, 2^53 − 1] so that a spreadsheet cell (a double) can hold any seed exactly.
 */
export function seedKey(seed: number): Uint32Array {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > Number.MAX_SAFE_INTEGER) {
    throw new EngineInputError('seed', undefined, `the seed must be a whole number from 0 to 2^53 − 1, got ${String(seed)}`);
  }
  const key = new Uint32Array(2);
  key[0] = seed % TWO_POW_32;
  key[1] = Math.floor(seed / TWO_POW_32);
  return key;
}
