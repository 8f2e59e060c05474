import { kernelHolderScores } from './holderScoresKernel';

/**
 * The hot path of a similarity attribution: for a block of AI outputs, each catalogue holder's
 * best cosine similarity, max over the holder's items of the dot product of unit rows
 * (unitRows.ts). Cost: outputs × items × dimensions multiply-adds.
 *
 * Layout for speed in V8, which does not vectorise: outputs go in groups of 4 and items in pairs,
 * so each loaded output component serves 2 items and each item component 4 outputs (6 loads for
 * 8 multiply-adds, 8 independent float64 accumulators: ~2·10^9 products per second on one core
 * of a 2020s x86 server, against ~1.1·10^9 for one output and one item at a time and ~1.5·10^9
 * for 4 outputs and one item; 4 × 3 gains a few per cent more, within V8's run-to-run noise, for
 * more code). Each dot product is summed in the same order (k ascending) whichever way it is
 * paired, so a score does not depend on the tiling. Items are visited in tiles of ~256 KiB that every
 * group of the block reads while they are in cache, so a block reads the item matrix from memory
 * once instead of once per group: with all cores busy, memory bandwidth would otherwise be the limit.
 *
 * Where the runtime has WebAssembly SIMD, the kernel of holderScoresKernel.ts computes the same
 * sums (the same bits) two at a time; these loops are the fallback.
 *
 * Scores are kept clamped below at 0: a score counts only above 0 (similaritySplit.ts), so the
 * best of the non-positive ones is never needed.
 */

/** Outputs per group: each group shares every item load. */
export const GROUP_OUTPUTS = 4;

const TILE_BYTES = 256 * 1024;

/** Items per tile for `d` dimensions (float32), even so that pairs do not straddle tiles. */
export function itemTile(d: number): number {
  return Math.max(2, 2 * Math.floor(TILE_BYTES / (8 * d)));
}

/**
 * `rows`: `groupCount` groups of GROUP_OUTPUTS unit rows of `d` values each (unused lanes of the
 * last group zero). `items`: `itemCount` unit rows. `holderOfItem[j]` ∈ [0, holderCount).
 * Writes best[(g·holderCount + h)·4 + lane] = max(0, max over h's items of the cosine); a holder
 * with no item keeps 0.
 */
export function bestHolderScores(
  rows: Float32Array,
  groupCount: number,
  d: number,
  items: Float32Array,
  itemCount: number,
  holderOfItem: Int32Array,
  holderCount: number,
  best: Float64Array,
): void {
  const tile = itemTile(d);
  if (kernelHolderScores(rows, groupCount, d, items, itemCount, holderOfItem, holderCount, best, tile)) return;
  const stride = holderCount * GROUP_OUTPUTS;
  best.fill(0, 0, groupCount * stride);
  for (let from = 0; from < itemCount; from += tile) {
    const to = Math.min(itemCount, from + tile);
    for (let g = 0; g < groupCount; g++) {
      raiseGroupScores(rows, g * GROUP_OUTPUTS * d, d, items, from, to, holderOfItem, best, g * stride);
    }
  }
}

/** One group of 4 outputs against items [from, to): raises each lane's best score per holder. */
function raiseGroupScores(
  rows: Float32Array,
  rowBase: number,
  d: number,
  items: Float32Array,
  from: number,
  to: number,
  holderOfItem: Int32Array,
  best: Float64Array,
  bestBase: number,
): void {
  const r0 = rowBase;
  const r1 = r0 + d;
  const r2 = r1 + d;
  const r3 = r2 + d;
  let j = from;
  for (; j + 1 < to; j += 2) {
    const p = j * d;
    const q = p + d;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let t0 = 0;
    let t1 = 0;
    let t2 = 0;
    let t3 = 0;
    for (let k = 0; k < d; k++) {
      const x = items[p + k];
      const y = items[q + k];
      const a0 = rows[r0 + k];
      const a1 = rows[r1 + k];
      const a2 = rows[r2 + k];
      const a3 = rows[r3 + k];
      s0 += a0 * x;
      s1 += a1 * x;
      s2 += a2 * x;
      s3 += a3 * x;
      t0 += a0 * y;
      t1 += a1 * y;
      t2 += a2 * y;
      t3 += a3 * y;
    }
    let b = bestBase + holderOfItem[j] * GROUP_OUTPUTS;
    if (s0 > best[b]) best[b] = s0;
    if (s1 > best[b + 1]) best[b + 1] = s1;
    if (s2 > best[b + 2]) best[b + 2] = s2;
    if (s3 > best[b + 3]) best[b + 3] = s3;
    b = bestBase + holderOfItem[j + 1] * GROUP_OUTPUTS;
    if (t0 > best[b]) best[b] = t0;
    if (t1 > best[b + 1]) best[b + 1] = t1;
    if (t2 > best[b + 2]) best[b + 2] = t2;
    if (t3 > best[b + 3]) best[b + 3] = t3;
  }
  if (j < to) {
    const p = j * d;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let k = 0; k < d; k++) {
      const x = items[p + k];
      s0 += rows[r0 + k] * x;
      s1 += rows[r1 + k] * x;
      s2 += rows[r2 + k] * x;
      s3 += rows[r3 + k] * x;
    }
    const b = bestBase + holderOfItem[j] * GROUP_OUTPUTS;
    if (s0 > best[b]) best[b] = s0;
    if (s1 > best[b + 1]) best[b + 1] = s1;
    if (s2 > best[b + 2]) best[b + 2] = s2;
    if (s3 > best[b + 3]) best[b + 3] = s3;
  }
}
