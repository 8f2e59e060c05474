import { drawPermutation } from './permutation';
import { PERMUTATIONS_WASM } from './permutationsWasm.generated';

/**
 * Runs of consecutive permutations (randomPermutation's recipe, the same bits), drawn by the
 * WebAssembly kernel where the runtime has WebAssembly (assembly/permutations.ts: Philox's
 * 64-bit products are one instruction there, four 16-bit ones in TypeScript; four times
 * faster, the biggest share of permutation sampling) and by drawPermutation otherwise.
 *
 * The kernel is compiled synchronously on first use: it is 480 bytes, under the 4 KB that
 * browsers allow a page's main thread to compile that way, so the add-in, a web worker and the
 * companion all load it alike. If compiling fails (no WebAssembly, a content security policy
 * without 'wasm-unsafe-eval'), the TypeScript path is used, with the same numbers.
 */

/** The parts of the WebAssembly API used here (the engine's lib has no DOM or Node types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

interface KernelExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  heapBase(): number;
  permutations(k0: number, k1: number, first: number, count: number, n: number, stream: number, out: number, swaps: number): void;
}

const PAGE_BYTES = 65536;

/** Permutations per draw: about 256 KB of orders, and at least one. */
export function permutationsPerDraw(n: number): number {
  return Math.max(1, Math.floor(PAGE_BYTES / Math.max(1, n)));
}

let kernel: KernelExports | null | undefined; // undefined: not tried yet; null: unavailable
let kernelAllowed = true;

function loadKernel(): KernelExports | null {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (!wasm) return null;
  try {
    return new wasm.Instance(new wasm.Module(PERMUTATIONS_WASM), {}).exports as KernelExports;
  } catch {
    return null;
  }
}

function activeKernel(): KernelExports | null {
  if (!kernelAllowed) return null;
  if (kernel === undefined) kernel = loadKernel();
  return kernel;
}

/**
 * Which code draws the permutations: 'webassembly' or 'typescript'. `allow: false` forces the
 * TypeScript path (the tests compare the two; the bench measures both); `allow: true` goes back.
 */
export function permutationKernel(allow?: boolean): 'webassembly' | 'typescript' {
  if (allow !== undefined) kernelAllowed = allow;
  return activeKernel() ? 'webassembly' : 'typescript';
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
    const wasm = activeKernel();
    if (wasm) {
      const out = wasm.heapBase() + 16;
      const end = out + count * n * 4;
      const pages = Math.ceil(end / PAGE_BYTES) - wasm.memory.buffer.byteLength / PAGE_BYTES;
      if (pages > 0) wasm.memory.grow(pages);
      wasm.permutations(this.k0 >>> 0, this.k1 >>> 0, first, count, n, this.stream >>> 0, out, Math.max(0, swaps));
      return new Int32Array(wasm.memory.buffer, out, count * n);
    }
    if (!this.fallback || this.fallback.length < count * n) this.fallback = new Int32Array(count * n);
    const orders = this.fallback.subarray(0, count * n);
    for (let s = 0; s < count; s++) drawPermutation(this.k0, this.k1, first + s, n, orders.subarray(s * n, (s + 1) * n), this.words, this.stream, swaps);
    return orders;
  }
}
