import { EngineInputError } from '../errors';
import { mulhi32, philox4x32Into, TWO_POW_32 } from './philox';

/**
 * Uniformly random permutations of 0..n-1, addressed by an index: permutation number k of a
 * seed is the same on every machine and every thread, whatever was drawn before it.
 *
 * Exact recipe (the GPU kernel replicates it word for word):
 *
 *   key      = (seed mod 2^32, floor(seed / 2^32))                      — seedKey
 *   out[i]   = i for i = 0..n-1
 *   t        = 0                                                         — words used so far
 *   for j = n-1 down to 1:
 *     if t mod 4 == 0: w = philox4x32_10(counter = (k mod 2^32, floor(k / 2^32), t / 4, stream), key)
 *     u = w[t mod 4];  t = t + 1
 *     r = mulhi32(u, j + 1)                                              — uniform in [0, j]
 *     swap out[j], out[r]
 *
 * so permutation k uses ceil((n-1)/4) Philox blocks, counter word 2 numbering them 0, 1, 2...
 *
 * Counter word 3, `stream`, is a namespace: permutation k of stream a and permutation k of
 * stream b ≠ a come from disjoint counters, hence independent draws. Stream 0 is the plain
 * Shapley permutations (the default, and what the GPU kernels draw); Owen sampling draws its
 * union orders and member orders from streams 1, 2, 3... (shapley/owenSampling.ts).
 *
 * r = floor(u·m / 2^32) with m = j + 1 (Lemire's multiply-shift without the rejection step).
 * It is exact integer arithmetic here and in WGSL (mulhi32 documents the u32 recipe). Without
 * rejection each r in [0, m) gets either floor(2^32/m) or ceil(2^32/m) of the 2^32 values of
 * u, so its probability is 1/m up to a relative error below m/2^32 ≤ n/2^32 (2.3·10^-7 for
 * n = 1000); over a whole permutation the total-variation distance from uniform is below
 * n²/2^33. Rejection would make the number of words per permutation data-dependent, which a
 * GPU kernel pays for in divergence, for a bias far below any sampling error we report.
 */
export function randomPermutation(key: Uint32Array | ArrayLike<number>, permutationIndex: number, n: number, out: Int32Array, stream = 0): Int32Array {
  if (!Number.isInteger(permutationIndex) || permutationIndex < 0 || permutationIndex > Number.MAX_SAFE_INTEGER) {
    throw new EngineInputError('permutationIndex', undefined, `must be a whole number from 0 to 2^53 − 1, got ${permutationIndex}`);
  }
  if (!Number.isInteger(n) || n < 0) {
    throw new EngineInputError('players', undefined, `the number of players must be a whole number ≥ 0, got ${n}`);
  }
  if (out.length < n) {
    throw new EngineInputError('out', undefined, `needs room for ${n} players, has ${out.length}`);
  }
  if (!Number.isInteger(stream) || stream < 0 || stream >= TWO_POW_32) {
    throw new EngineInputError('stream', undefined, `must be a whole number from 0 to 2^32 − 1, got ${stream}`);
  }
  drawPermutation(key[0], key[1], permutationIndex, n, out, new Int32Array(4), stream);
  return out;
}

/**
 * randomPermutation without checks or allocation, for the sampling loop: `words` is a
 * caller-owned Int32Array(4) scratch for Philox output. (Int32 rather than Uint32: V8 keeps
 * int32 words unboxed, while uint32 words above 2^31 become doubles; the bits are the same.)
 * `stream` is counter word 3, any number whose low 32 bits are the word.
 *
 * `swaps` < n − 1 stops the shuffle early: the top `swaps` places, out[n − swaps .. n − 1], are
 * then final — the same players as in the whole permutation, since later steps only touch
 * places below j — and the rest holds the other players in no particular order. A uniform
 * random subset of size h thus costs h words (stratified sampling draws its coalitions so).
 */
export function drawPermutation(
  k0: number,
  k1: number,
  permutationIndex: number,
  n: number,
  out: Int32Array,
  words: Int32Array,
  stream = 0,
  swaps = n - 1,
): void {
  for (let i = 0; i < n; i++) out[i] = i;
  const indexLow = permutationIndex >>> 0; // ToUint32: exactly permutationIndex mod 2^32
  const indexHigh = (permutationIndex - indexLow) / TWO_POW_32;
  let used = 0;
  for (let j = n - 1; j >= 1 && j >= n - swaps; j--) {
    const slot = used & 3;
    if (slot === 0) philox4x32Into(indexLow, indexHigh, used >>> 2, stream, k0, k1, words);
    used++;
    const u = words[slot];
    const m = j + 1;
    // mulhi32(u, m) = floor((uH·m·2^16 + uL·m) / 2^32) = floor((uH·m + floor(uL·m / 2^16)) / 2^16):
    // for m < 2^16 both products stay below 2^32, so plain float arithmetic is exact and much
    // cheaper than the general 16-bit-split recipe. Same result bit for bit.
    const r = m <= 0xffff ? (((u >>> 16) * m + (((u & 0xffff) * m) >>> 16)) / 65536) >>> 0 : mulhi32(u, m);
    const tmp = out[j];
    out[j] = out[r];
    out[r] = tmp;
  }
}
