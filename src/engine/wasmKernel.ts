/**
 * Loading the engine's WebAssembly kernels (assembly/*.ts, built by `npm run build:wasm` into
 * generated modules of bytes). Each is compiled synchronously on first use: they are under the
 * 4 KB that browsers allow a page's main thread to compile that way, so the add-in, a web worker
 * and the companion load them alike. Where compiling fails (no WebAssembly, a content security
 * policy without 'wasm-unsafe-eval') the caller keeps its TypeScript path, with the same numbers.
 */

/** The parts of the WebAssembly API used here (the engine's lib has no DOM or Node types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/** What every kernel exports: AssemblyScript's memory, which starts empty. */
export interface KernelMemory {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
}

export const WASM_PAGE_BYTES = 65536;

/** The kernel's exports, or null where it cannot be compiled. */
export function instantiateKernel<T extends KernelMemory>(bytes: Uint8Array): T | null {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (!wasm) return null;
  try {
    return new wasm.Instance(new wasm.Module(bytes), {}).exports as T;
  } catch {
    return null;
  }
}

/** Grows the kernel's memory to hold at least `bytes` bytes (it may move: re-read its buffer). */
export function ensureKernelMemory(kernel: KernelMemory, bytes: number): void {
  const pages = Math.ceil(bytes / WASM_PAGE_BYTES) - kernel.memory.buffer.byteLength / WASM_PAGE_BYTES;
  if (pages > 0) kernel.memory.grow(pages);
}

/**
 * A kernel loaded on first use and cached, which tests and benches may turn off to compare it
 * with the TypeScript path: active() is the kernel, or null when it is turned off or cannot load.
 * `use(allow)` sets whether it may be used (when given) and says which code runs.
 */
export function lazyKernel<T>(load: () => T | null): { active(): T | null; use(allow?: boolean): 'webassembly' | 'typescript' } {
  let kernel: T | null | undefined; // undefined: not tried yet; null: unavailable
  let allowed = true;
  const active = (): T | null => {
    if (!allowed) return null;
    if (kernel === undefined) kernel = load();
    return kernel;
  };
  return {
    active,
    use(allow) {
      if (allow !== undefined) allowed = allow;
      return active() ? 'webassembly' : 'typescript';
    },
  };
}
