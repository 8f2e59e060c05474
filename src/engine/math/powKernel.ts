import { ensureKernelMemory, instantiateKernel, lazyKernel, type KernelMemory } from '../wasmKernel';
import { pow as powTypeScript, powTablesForKernel } from './pow';
import { POW_WASM } from './powWasm.generated';

/**
 * The engine's pow, run by the WebAssembly kernel where the runtime has WebAssembly
 * (assembly/pow.ts, 1.6 KB: a double's bits are a register move there, a round trip through
 * memory in TypeScript; twice as fast, most of a saturating-scale contribution) and by the
 * TypeScript port otherwise: the same algorithm, the same bits (test/engine/math/pow.test.ts).
 */

interface PowExports extends KernelMemory {
  tables(): number;
  pow(x: number, y: number): number;
}

type Pow = (x: number, y: number) => number;

function loadKernel(): Pow | null {
  const exports = instantiateKernel<PowExports>(POW_WASM);
  if (!exports) return null;
  const tables = powTablesForKernel();
  const at = exports.tables();
  ensureKernelMemory(exports, at + tables.byteLength);
  new Float64Array(exports.memory.buffer, at, tables.length).set(tables);
  return exports.pow;
}

const kernel = lazyKernel(loadKernel);

/**
 * Which code computes powers: 'webassembly' or 'typescript'. `allow: false` forces the
 * TypeScript port (the tests compare the two); `allow: true` goes back.
 */
export function powKernel(allow?: boolean): 'webassembly' | 'typescript' {
  return kernel.use(allow);
}

/** x^y by the kernel or the port, whichever runs here: take it once, outside a hot loop. */
export function enginePow(): Pow {
  return kernel.active() ?? powTypeScript;
}
