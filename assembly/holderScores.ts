/**
 * The similarity kernel (src/engine/attribution/bestHolderScores.ts) as WebAssembly with 128-bit
 * SIMD (AssemblyScript, built by `npm run build:wasm` into
 * src/engine/attribution/holderScoresWasm.generated.ts).
 *
 * The same arithmetic as the TypeScript: each dot product of a float32 output row and a float32
 * item row is summed in float64, k ascending, one product then one addition (no fused
 * multiply-add), so every score has the same bits. What SIMD changes is how many sums advance
 * per instruction: the caller lays out a group's 4 outputs as float64, interleaved
 * (rows[4k + lane]), so one 128-bit load gives two lanes' components and one f64x2 product and
 * sum advance two dot products (V8 does not vectorise the TypeScript); and it converts each item
 * tile to float64 once (exact), so that one load broadcasts an item's component to both lanes
 * instead of a load, a conversion and a broadcast for every group.
 *
 * Items go 4 at a time: 8 independent f64x2 sums, enough to keep the adders busy during each
 * sum's 4-cycle latency (2 items gave 4 sums, which waited on their own latency).
 *
 * No allocation and no runtime: the caller owns the memory, from heapBase() on.
 */

/** First byte the caller may use. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}

/** Raises best[holder·4 + lane] to max(itself, the score) for a pair of f64x2 lane sums. */
// @ts-ignore: decorator
@inline function raise(best: usize, holder: i32, low: v128, high: v128): void {
  const at = best + (<usize>holder << 5);
  // pmax(b, s) is b < s ? s : b: the TypeScript's `if (s > b) b = s`, NaN and −0 included.
  v128.store(at, f64x2.pmax(v128.load(at), low));
  v128.store(at, f64x2.pmax(v128.load(at, 16), high), 16);
}

/**
 * One group of 4 outputs (rows: d × 4 float64, interleaved) against `count` items (float64,
 * d each, from `items`), the holder of item j at holders + 4j: raises each lane's best score
 * per holder in best (holderCount × 4 float64).
 */
export function groupScores(rows: usize, d: i32, items: usize, count: i32, holders: usize, best: usize): void {
  const rowBytes = <usize>d << 3;
  let j = 0;
  for (; j + 3 < count; j += 4) {
    const p = items + <usize>j * rowBytes;
    const q = p + rowBytes;
    const u = q + rowBytes;
    const w = u + rowBytes;
    let s01 = f64x2.splat(0);
    let s23 = f64x2.splat(0);
    let t01 = f64x2.splat(0);
    let t23 = f64x2.splat(0);
    let g01 = f64x2.splat(0);
    let g23 = f64x2.splat(0);
    let h01 = f64x2.splat(0);
    let h23 = f64x2.splat(0);
    for (let k: usize = 0; k < <usize>d; k++) {
      const r = rows + (k << 5);
      const a01 = v128.load(r);
      const a23 = v128.load(r, 16);
      const off = k << 3;
      const x = v128.load64_splat(p + off);
      const y = v128.load64_splat(q + off);
      const z = v128.load64_splat(u + off);
      const v = v128.load64_splat(w + off);
      s01 = f64x2.add(s01, f64x2.mul(a01, x));
      s23 = f64x2.add(s23, f64x2.mul(a23, x));
      t01 = f64x2.add(t01, f64x2.mul(a01, y));
      t23 = f64x2.add(t23, f64x2.mul(a23, y));
      g01 = f64x2.add(g01, f64x2.mul(a01, z));
      g23 = f64x2.add(g23, f64x2.mul(a23, z));
      h01 = f64x2.add(h01, f64x2.mul(a01, v));
      h23 = f64x2.add(h23, f64x2.mul(a23, v));
    }
    const at = holders + (<usize>j << 2);
    raise(best, load<i32>(at), s01, s23);
    raise(best, load<i32>(at, 4), t01, t23);
    raise(best, load<i32>(at, 8), g01, g23);
    raise(best, load<i32>(at, 12), h01, h23);
  }
  for (; j < count; j++) {
    const p = items + <usize>j * rowBytes;
    let s01 = f64x2.splat(0);
    let s23 = f64x2.splat(0);
    for (let k: usize = 0; k < <usize>d; k++) {
      const r = rows + (k << 5);
      const x = v128.load64_splat(p + (k << 3));
      s01 = f64x2.add(s01, f64x2.mul(v128.load(r), x));
      s23 = f64x2.add(s23, f64x2.mul(v128.load(r, 16), x));
    }
    raise(best, load<i32>(holders + (<usize>j << 2)), s01, s23);
  }
}
