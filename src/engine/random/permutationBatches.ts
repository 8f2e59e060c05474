import { drawPermutation } from './permutation';
import { ensureKernelMemory, instantiateKernel, lazyKernel, WASM_PAGE_BYTES, type KernelMemory } from '../wasmKernel';
import { PERMUTATIONS_WASM } from './permutationsWasm.generated';

/**
 * Runs of consecutive permutations (randomPermutation's recipe, the same bits), drawn by the
 * WebAssembly kernel where the runtime has WebAssembly (assembly/permutations.ts: Philox's
 * 64-bit products are one instruction there, four 16-bit ones in TypeScript; four times
 * faster, the biggest share of permutation sampling) and by drawPermutation otherwise.
 *
 * The kernel (480 bytes) is compiled synchronously on first use (wasmKernel.ts); where it cannot
 * be, the TypeScript path is used, with the same numbers.
 */

interface KernelExports extends KernelMemory {
  heapBase(): number;
  permutations(k0: number, k1: number, first: number, count: number, n: number, stream: number, out: number, swaps: number): void;
}

/** Permutations per draw: about 256 KB of orders, and at least one. */
export function permutationsPerDraw(n: number): number {
  return Math.max(1, Math.floor(WASM_PAGE_BYTES / Math.max(1, n)));
}

const kernel = lazyKernel(() => instantiateKernel<KernelExports>(PERMUTATIONS_WASM));

/**
 * Which code draws the permutations: 'webassembly' or 'typescript'. `allow: false` forces the
 * TypeScript path (the tests compare the two); `allow: true` goes back.
 */
export function permutationKernel(allow?: boolean): 'webassembly' | 'typescript' {
  return kernel.use(allow);
}

/**
 * Permutations of 0..n−1 under the Philox key (k0, k1) from `stream`, drawn `count` at a time.
 * draw(first, count) returns count × n int32: permutation first + s at [s·n, (s+1)·n). The
 * array is only valid until the next draw by any PermutationBatches of this thread (the
 * kernel's memory is shared and may move when it grows): read it, then draw again.
 * The caller checks first + count − 1 ≤ 2^53 − 1 and count ≤ permutationsPerDraw(n).
 * `swaps` < n − 1: shuffles stopped early, only their top `swaps` places final (drawPermutation).
 */
export class PermutationBatches {
  private readonly words = new Int32Array(4);
  private fallback: Int32Array | undefined;

  constructor(
    private readonly n: number,
    private readonly k0: number,
    private readonly k1: number,
    private readonly stream = 0,
  ) {}

  draw(first: number, count: number, swaps = this.n - 1): Int32Array {
    const { n } = this;
    const wasm = kernel.active();
    if (wasm) {
      const out = wasm.heapBase() + 16;
      ensureKernelMemory(wasm, out + count * n * 4);
      wasm.permutations(this.k0 >>> 0, this.k1 >>> 0, first, count, n, this.stream >>> 0, out, Math.max(0, swaps));
      return new Int32Array(wasm.memory.buffer, out, count * n);
    }
    if (!this.fallback || this.fallback.length < count * n) this.fallback = new Int32Array(count * n);
    const orders = this.fallback.subarray(0, count * n);
    for (let s = 0; s < count; s++) drawPermutation(this.k0, this.k1, first + s, n, orders.subarray(s * n, (s + 1) * n), this.words, this.stream, swaps);
    return orders;
  }
}
