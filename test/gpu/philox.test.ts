/**
 * The GPU's random numbers against the CPU's, bit for bit: mulhi32 and Philox4x32-10 through a
 * small test kernel over the shared WGSL (checked against Random123's known answers and a BigInt
 * product), and whole permutations through drawPermutationsGpu against the engine's
 * randomPermutation, including 64-bit permutation indices, seeds above 2^32 and several
 * dispatches.
 */
import { mulhi32, philox4x32, seedKey } from '../../src/engine/random/philox';
import { randomPermutation } from '../../src/engine/random/permutation';
import { EngineInputError } from '../../src/engine/errors';
import { GpuContext } from '../../src/gpu/context';
import { drawPermutationsGpu } from '../../src/gpu/shapley/permutations';
import { MULHI32_WGSL, PHILOX_WGSL } from '../../src/gpu/wgsl/philox';
import { describeGpu, testGpu, GPU_TEST_TIMEOUT_MS } from './testDevice';

// SwiftShader on a busy machine is slow: no test may depend on its speed (testDevice.ts).
jest.setTimeout(GPU_TEST_TIMEOUT_MS);


/** Test kernel: row r of `io` holds (c0, c1, c2, c3, k0, k1, a, b) and gets Philox and mulhi32. */
const PROBE_WGSL = /* wgsl */ `
${MULHI32_WGSL}
${PHILOX_WGSL}
@group(0) @binding(0) var<storage, read> inputs: array<u32>;
@group(0) @binding(1) var<storage, read_write> outputs: array<u32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let r = id.x;
  if (r >= arrayLength(&inputs) / 8u) {
    return;
  }
  let i = r * 8u;
  let block = philox4x32_10(vec4<u32>(inputs[i], inputs[i + 1u], inputs[i + 2u], inputs[i + 3u]), vec2<u32>(inputs[i + 4u], inputs[i + 5u]));
  let o = r * 5u;
  outputs[o] = block.x;
  outputs[o + 1u] = block.y;
  outputs[o + 2u] = block.z;
  outputs[o + 3u] = block.w;
  outputs[o + 4u] = mulhi32(inputs[i + 6u], inputs[i + 7u]);
}
`;

async function probe(gpu: GpuContext, rows: number[][]): Promise<Uint32Array> {
  const input = gpu.upload(Uint32Array.from(rows.flat()));
  const output = gpu.buffer(rows.length * 5 * 4);
  try {
    await gpu.submit((encoder) => gpu.dispatch(encoder, gpu.pipeline(PROBE_WGSL), [input, output], [Math.ceil(rows.length / 64)]));
    return new Uint32Array(await gpu.read(output));
  } finally {
    input.destroy();
    output.destroy();
  }
}

/** A deterministic stream of u32 words (xorshift32) for test inputs. */
function words(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

const cpuPermutations = (seed: number, first: number, count: number, n: number): Int32Array => {
  const key = seedKey(seed);
  const out = new Int32Array(count * n);
  for (let k = 0; k < count; k++) randomPermutation(key, first + k, n, out.subarray(k * n, (k + 1) * n));
  return out;
};

describeGpu('WGSL Philox4x32-10 and mulhi32', () => {
  it('give Random123 known answers, the engine’s blocks and the exact high word of products', async () => {
    const gpu = await testGpu();
    // Random123's kat_vectors (philox4x32, 10 rounds), as in the engine's own test.
    const known: Array<[number[], number[], number[]]> = [
      [[0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
      [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]],
      [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]],
    ];
    const edges = [0, 1, 2, 0xffff, 0x10000, 0x10001, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 0xd2511f53, 0xcd9e8d57];
    const next = words(20240501);
    const rows: number[][] = [];
    for (const [counter, key] of known) rows.push([...counter, ...key, 0, 0]);
    for (const a of edges) for (const b of edges) rows.push([next(), next(), next(), next(), next(), next(), a, b]);
    for (let r = 0; r < 300; r++) rows.push([next(), next(), next(), next(), next(), next(), next(), next()]);

    const got = await probe(gpu, rows);
    known.forEach(([, , expected], r) => expect(Array.from(got.subarray(r * 5, r * 5 + 4))).toEqual(expected));
    rows.forEach((row, r) => {
      const block = Array.from(philox4x32(row.slice(0, 4), row.slice(4, 6)));
      const high = Number((BigInt(row[6]) * BigInt(row[7])) >> 32n);
      expect([r, ...Array.from(got.subarray(r * 5, r * 5 + 5))]).toEqual([r, ...block, high]);
      expect(mulhi32(row[6], row[7])).toBe(high);
    });
  });
});

describeGpu('drawPermutationsGpu', () => {
  it('draws the CPU’s permutations for small and large n, n not a multiple of 4', async () => {
    const gpu = await testGpu();
    for (const n of [0, 1, 2, 3, 4, 5, 7, 9, 17, 33, 100]) {
      expect(await drawPermutationsGpu(gpu, 12345, 0, 40, n)).toEqual(cpuPermutations(12345, 0, 40, n));
    }
  });

  it('handles 64-bit seeds and permutation indices (carry into the high word, up to 2^53 − 1)', async () => {
    const gpu = await testGpu();
    const cases: Array<[number, number, number, number]> = [
      [2 ** 40 + 3, 2 ** 32 - 5, 12, 11], // indices cross 2^32 inside the request
      [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER - 9, 10, 33],
      [0xffffffff, 2 ** 35 + 17, 7, 6],
      [1, 3 * 2 ** 32, 5, 64],
    ];
    for (const [seed, first, count, n] of cases) {
      expect(await drawPermutationsGpu(gpu, seed, first, count, n)).toEqual(cpuPermutations(seed, first, count, n));
    }
  });

  it('gives the same rows when cut into several dispatches and 2-D grids', async () => {
    const gpu = await testGpu();
    const expected = cpuPermutations(777, 2 ** 33 - 50, 300, 13);
    // 13 players × 4 bytes × 7 rows per dispatch; 3 workgroups per dimension forces a 3 × 2 grid.
    expect(await drawPermutationsGpu(gpu, 777, 2 ** 33 - 50, 300, 13, { maxStorageBytes: 13 * 4 * 7 + 8 })).toEqual(expected);
    expect(await drawPermutationsGpu(gpu, 777, 2 ** 33 - 50, 300, 13, { maxWorkgroupsPerDimension: 3 })).toEqual(expected);
  });

  it('refuses arguments outside the recipe’s range, naming them', async () => {
    const gpu = await testGpu();
    await expect(drawPermutationsGpu(gpu, -1, 0, 1, 3)).rejects.toThrow(/seed/);
    await expect(drawPermutationsGpu(gpu, 1, 1.5, 1, 3)).rejects.toThrow(EngineInputError);
    await expect(drawPermutationsGpu(gpu, 1, 1.5, 1, 3)).rejects.toThrow(/^first/);
    await expect(drawPermutationsGpu(gpu, 1, Number.MAX_SAFE_INTEGER, 2, 3)).rejects.toThrow(/^count/);
    await expect(drawPermutationsGpu(gpu, 1, 0, 1, -2)).rejects.toThrow(/^n/);
  });
});
