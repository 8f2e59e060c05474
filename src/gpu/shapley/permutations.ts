/**
 * Permutations drawn on the GPU, returned to the host: the proof that the kernels' Philox and
 * Fisher–Yates (src/gpu/wgsl/philox.ts) give the CPU's randomPermutation bit for bit, and a
 * debugging aid. The sampler never reads permutations back; it walks them where they are drawn.
 *
 * Layout: one invocation per permutation, shuffling its own row of the row-major count × n
 * output in place (the rows are what the caller wants, so no transpose is needed). Rows are
 * uncoalesced across invocations, which is fine for a check; the sampler uses a [position][sample]
 * layout instead. Requests larger than one storage binding are cut into dispatches of whole rows.
 */
import { EngineInputError } from '../../engine/errors';
import { seedKey } from '../../engine/random/philox';
import type { GpuContext } from '../context';
import { indexWords, PERMUTATION_WGSL } from '../wgsl/philox';
import { dispatchLimits, LINEAR_GROUP_WGSL, workgroupGrid, type DispatchLimitOptions } from './workgroupGrid';

const WORKGROUP = 64;

const PERMUTATIONS_WGSL = /* wgsl */ `
${PERMUTATION_WGSL}
${LINEAR_GROUP_WGSL}
struct Params {
  n: u32,
  count: u32,
  firstLow: u32,
  firstHigh: u32,
  keyLow: u32,
  keyHigh: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> rows: array<u32>;

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>, @builtin(local_invocation_index) local: u32) {
  let k = linearGroup(wg, groups) * ${WORKGROUP}u + local;
  if (k >= params.count) {
    return;
  }
  let n = params.n;
  let row = k * n;
  for (var i = 0u; i < n; i++) {
    rows[row + i] = i;
  }
  var stream = permutationStream(permutationIndexPlus(vec2<u32>(params.firstLow, params.firstHigh), k), vec2<u32>(params.keyLow, params.keyHigh));
  for (var j = n - 1u; j >= 1u; j--) {
    let r = nextSwapIndex(&stream, j);
    let moved = rows[row + r];
    rows[row + r] = rows[row + j];
    rows[row + j] = moved;
  }
}
`;

function wholeNumber(name: string, x: number, maximum: number): void {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > maximum) {
    throw new EngineInputError(name, undefined, `must be a whole number from 0 to ${maximum}, got ${String(x)}`);
  }
}

/**
 * Permutations number first, first+1, …, first+count−1 of `seed`, each of 0..n−1: row k of the
 * count × n result is the CPU's randomPermutation(seedKey(seed), first + k, n).
 */
export async function drawPermutationsGpu(
  gpu: GpuContext,
  seed: number,
  first: number,
  count: number,
  n: number,
  options: DispatchLimitOptions = {},
): Promise<Int32Array> {
  const key = seedKey(seed);
  wholeNumber('first', first, Number.MAX_SAFE_INTEGER);
  wholeNumber('count', count, Number.MAX_SAFE_INTEGER);
  wholeNumber('n', n, 2 ** 28);
  if (count > 0 && count - 1 > Number.MAX_SAFE_INTEGER - first) {
    throw new EngineInputError('count', undefined, `permutations ${first} to ${first + count - 1} run past 2^53 − 1`);
  }
  const out = new Int32Array(count * n);
  if (count === 0 || n === 0) return out;

  const limits = dispatchLimits(gpu, options);
  const rowsPerDispatch = Math.floor(limits.storageBytes / (4 * n));
  if (rowsPerDispatch < 1) throw new EngineInputError('n', undefined, `one permutation of ${n} players exceeds the GPU's storage binding of ${limits.storageBytes} bytes`);
  const pipeline = gpu.pipeline(PERMUTATIONS_WGSL);
  for (let done = 0; done < count; ) {
    const rows = Math.min(rowsPerDispatch, count - done);
    const [firstLow, firstHigh] = indexWords(first + done);
    const params = gpu.uniform(new Uint32Array([n, rows, firstLow, firstHigh, key[0], key[1]]), 'permutation parameters');
    const buffer = gpu.buffer(rows * n * 4, undefined, 'permutations');
    try {
      await gpu.submit((encoder) => gpu.dispatch(encoder, pipeline, [params, buffer], workgroupGrid(Math.ceil(rows / WORKGROUP), limits.workgroupsPerDimension)));
      out.set(new Int32Array(await gpu.read(buffer, 0, rows * n * 4)), done * n);
    } finally {
      params.destroy();
      buffer.destroy();
    }
    done += rows;
  }
  return out;
}
