import { ensureKernelMemory, instantiateKernel, lazyKernel, type KernelMemory } from '../wasmKernel';
import { HOLDER_SCORES_WASM } from './holderScoresWasm.generated';

/**
 * bestHolderScores by the WebAssembly SIMD kernel (assembly/holderScores.ts, 890 bytes): the same
 * sums in the same order, so the same bits, two dot products per instruction. Where the runtime
 * has no WebAssembly SIMD (an older Safari behind Excel on a Mac) the kernel does not compile
 * and bestHolderScores keeps its TypeScript loops.
 *
 * The kernel reads only its own memory, so a call copies in the block's output rows (once, as
 * float64 in the kernel's interleaved layout) and each item tile with its holders (as float64,
 * tile by tile as the TypeScript visits them, read by every group while in cache), and copies
 * the best scores out at the end: 8 bytes copied per 4 × groups × d products. float32 → float64
 * is exact, so the copies change no sum.
 */

interface HolderScoresExports extends KernelMemory {
  heapBase(): number;
  groupScores(rows: number, d: number, items: number, count: number, holders: number, best: number): void;
}

/** Outputs per group in the kernel's layout (bestHolderScores' GROUP_OUTPUTS). */
const LANES = 4;

/**
 * The kernel's memory stays as large as the largest call made it (WebAssembly memory does not
 * shrink); past this a call runs in TypeScript rather than hold a second copy of that much.
 */
const MAX_KERNEL_BYTES = 1 << 30;

const kernel = lazyKernel(() => instantiateKernel<HolderScoresExports>(HOLDER_SCORES_WASM));

/**
 * Which code computes the similarity scores: 'webassembly' or 'typescript'. `allow: false`
 * forces the TypeScript loops (the tests compare the two); `allow: true`
 * goes back.
 */
export function holderScoresKernel(allow?: boolean): 'webassembly' | 'typescript' {
  return kernel.use(allow);
}

/**
 * bestHolderScores' contract (same arguments, `tile` items per tile) computed by the kernel;
 * false, with nothing written, where the kernel is unavailable or the call too large for it.
 * Throws a RangeError naming the item whose holder is outside [0, holderCount), which the
 * kernel, unlike a typed array, would not ignore.
 */
export function kernelHolderScores(
  rows: Float32Array,
  groupCount: number,
  d: number,
  items: Float32Array,
  itemCount: number,
  holderOfItem: Int32Array,
  holderCount: number,
  best: Float64Array,
  tile: number,
): boolean {
  const wasm = kernel.active();
  if (!wasm) return false;
  const rowsAt = wasm.heapBase();
  const bestAt = rowsAt + groupCount * LANES * d * 8;
  const bestLength = groupCount * holderCount * LANES;
  const itemsAt = bestAt + bestLength * 8;
  const tileItems = Math.min(tile, itemCount);
  const holdersAt = itemsAt + tileItems * d * 8;
  const end = holdersAt + tileItems * 4;
  if (end > MAX_KERNEL_BYTES) return false;
  ensureKernelMemory(wasm, end);
  const buffer = wasm.memory.buffer;

  const interleaved = new Float64Array(buffer, rowsAt, groupCount * LANES * d);
  for (let g = 0; g < groupCount; g++) {
    for (let lane = 0; lane < LANES; lane++) {
      const from = (g * LANES + lane) * d;
      let at = g * LANES * d + lane;
      for (let k = 0; k < d; k++, at += LANES) interleaved[at] = rows[from + k];
    }
  }
  new Float64Array(buffer, bestAt, bestLength).fill(0);
  const tileItemsView = new Float64Array(buffer, itemsAt, tileItems * d);
  const tileHolders = new Int32Array(buffer, holdersAt, tileItems);

  for (let from = 0; from < itemCount; from += tile) {
    const count = Math.min(itemCount, from + tile) - from;
    tileItemsView.set(items.subarray(from * d, (from + count) * d));
    for (let j = 0; j < count; j++) {
      const h = holderOfItem[from + j];
      if (!(h >= 0 && h < holderCount)) throw new RangeError(`bestHolderScores: item ${from + j} has holder ${h}, outside [0, ${holderCount})`);
      tileHolders[j] = h;
    }
    for (let g = 0; g < groupCount; g++) {
      wasm.groupScores(rowsAt + g * LANES * d * 8, d, itemsAt, count, holdersAt, bestAt + g * holderCount * LANES * 8);
    }
  }
  best.set(new Float64Array(buffer, bestAt, bestLength));
  return true;
}
