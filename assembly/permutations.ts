/**
 * The engine's permutations as a WebAssembly kernel (AssemblyScript, built by
 * `npm run build:wasm` into src/engine/random/permutationsWasm.generated.ts).
 *
 * Word for word the recipe of src/engine/random/permutation.ts: Philox4x32-10 under the key
 * (k0, k1), counter (index mod 2^32, floor(index / 2^32), block, stream), one word per swap of
 * a Fisher–Yates shuffle from the top, r = mulhi32(u, j + 1). The TypeScript engine emulates
 * the 32 × 32 → 64-bit products of Philox with four 16-bit products each; WebAssembly has the
 * 64-bit product, which is why this kernel exists. Everything else stays in TypeScript.
 *
 * No allocation and no runtime: the caller owns the memory, from heapBase() on.
 */

// @ts-ignore: decorator
@inline const M0: u64 = 0xd2511f53;
// @ts-ignore: decorator
@inline const M1: u64 = 0xcd9e8d57;
// @ts-ignore: decorator
@inline const W0: u32 = 0x9e3779b9;
// @ts-ignore: decorator
@inline const W1: u32 = 0xbb67ae85;

/** First byte the caller may use. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}

/** Philox4x32-10 of (c0, c1, c2, c3) under (k0, k1), the four words stored at `words`. */
// @ts-ignore: decorator
@inline function philox(c0: u32, c1: u32, c2: u32, c3: u32, k0: u32, k1: u32, words: usize): void {
  for (let round = 0; round < 10; round++) {
    const p0 = M0 * <u64>c0;
    const p1 = M1 * <u64>c2;
    const hi0 = <u32>(p0 >> 32);
    const hi1 = <u32>(p1 >> 32);
    c0 = hi1 ^ c1 ^ k0;
    c1 = <u32>p1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = <u32>p0;
    k0 += W0;
    k1 += W1;
  }
  store<u32>(words, c0);
  store<u32>(words, c1, 4);
  store<u32>(words, c2, 8);
  store<u32>(words, c3, 12);
}

/**
 * Permutations number first, first + 1, ..., first + count − 1 of 0..n−1 from `stream`, each
 * as n int32 at out + 4·n·s. `first` + count − 1 ≤ 2^53 − 1 (checked by the caller). Only the
 * first `swaps` steps of each shuffle are done (drawPermutation's `swaps`: the top places final).
 */
export function permutations(k0: u32, k1: u32, first: f64, count: i32, n: i32, stream: u32, out: usize, swaps: i32): void {
  const words = heapBase();
  let index = <u64>first;
  for (let s = 0; s < count; s++, index++) {
    const order = out + (<usize>s * <usize>n << 2);
    for (let i = 0; i < n; i++) store<i32>(order + (<usize>i << 2), i);
    const low = <u32>index;
    const high = <u32>(index >> 32);
    let used: u32 = 0;
    const last = max(1, n - swaps);
    for (let j = n - 1; j >= last; j--) {
      const slot = used & 3;
      if (slot == 0) philox(low, high, used >> 2, stream, k0, k1, words);
      used++;
      const u = load<u32>(words + (<usize>slot << 2));
      const r = <i32>((<u64>u * <u64>(j + 1)) >> 32);
      const a = order + (<usize>j << 2);
      const b = order + (<usize>r << 2);
      const t = load<i32>(a);
      store<i32>(a, load<i32>(b));
      store<i32>(b, t);
    }
  }
}
