/**
 * exactShapleyOfTableGpu against the CPU engine (exactShapleyOfPlayers) and against the Shapley
 * definition by brute force over all n! orders, on random tables from 1 to 16 players, chunked
 * tables, 2-D grids, awkward value scales and the argument checks.
 */
import { EngineInputError } from '../../src/engine/errors';
import { exactShapleyOfPlayers } from '../../src/engine/shapley/exact';
import { EXACT_TABLE_TOLERANCE, exactShapleyOfTableGpu } from '../../src/gpu/shapley/exactTable';
import { bruteForceShapley } from '../helpers/bruteForce';
import { describeGpu, testGpu, GPU_TEST_TIMEOUT_MS } from './testDevice';
import { mulberry32 as uniform } from '../helpers/random';

// SwiftShader on a busy machine is slow: no test may depend on its speed (testDevice.ts).
jest.setTimeout(GPU_TEST_TIMEOUT_MS);

/** Full 53-bit random doubles in [−100, 100), so that no sum is exact by luck. */
const fullPrecision = (u: () => number): number => 200 * (u() + u() * 2 ** -32) - 100;

function randomTable(n: number, seed: number, value: (u: () => number) => number = fullPrecision): Float64Array {
  const u = uniform(seed);
  return Float64Array.from({ length: 2 ** n }, () => value(u));
}

const everyone = (n: number) => Array.from({ length: n }, (_, i) => i);

function largest(values: ArrayLike<number>): number {
  let m = 0;
  for (let k = 0; k < values.length; k++) m = Math.max(m, Math.abs(values[k]));
  return m;
}

/** Largest |gpu − cpu| over the players, in units of max |v|. */
function relativeGap(gpu: ArrayLike<number>, cpu: ArrayLike<number>, values: ArrayLike<number>): number {
  const scale = largest(values) || 1;
  let gap = 0;
  for (let i = 0; i < cpu.length; i++) gap = Math.max(gap, Math.abs(gpu[i] - cpu[i]) / scale);
  return gap;
}

describeGpu('exactShapleyOfTableGpu', () => {
  it('agrees with the CPU engine on random tables of 1 to 12 players', async () => {
    const gpu = await testGpu();
    let worst = 0;
    for (let n = 1; n <= 12; n++) {
      const values = randomTable(n, 1000 + n);
      const expected = exactShapleyOfPlayers(values, n, everyone(n));
      const got = await exactShapleyOfTableGpu(gpu, values, n);
      const gap = relativeGap(got, expected, values);
      worst = Math.max(worst, gap);
      expect([n, gap <= EXACT_TABLE_TOLERANCE]).toEqual([n, true]);
    }
    console.log(`exact table, n = 1..12: largest |φ_gpu − φ_cpu| / max|v| = ${worst.toExponential(2)}`);
  });

  it('agrees with the Shapley definition (brute force over all orders) for n ≤ 7', async () => {
    const gpu = await testGpu();
    for (let n = 1; n <= 7; n++) {
      const values = randomTable(n, 77 + n, (u) => Math.round(1e6 * u()) / 1e3);
      const expected = bruteForceShapley(n, (mask) => values[mask]);
      const got = await exactShapleyOfTableGpu(gpu, values, n);
      expect([n, relativeGap(got, expected, values) <= EXACT_TABLE_TOLERANCE]).toEqual([n, true]);
    }
  });

  it('computes n = 16 within the tolerance (and reports its time)', async () => {
    const gpu = await testGpu();
    const n = 16;
    const values = randomTable(n, 16);
    await exactShapleyOfTableGpu(gpu, randomTable(4, 1), 4); // compiles the pipeline outside the timing
    const started = performance.now();
    const got = await exactShapleyOfTableGpu(gpu, values, n);
    const elapsed = performance.now() - started;
    const gap = relativeGap(got, exactShapleyOfPlayers(values, n, everyone(n)), values);
    console.log(`exact table, n = 16 on ${gpu.adapter.name}: ${elapsed.toFixed(0)} ms, ${((n * 2 ** (n - 1)) / (elapsed / 1000)).toExponential(2)} contributions/s, gap ${gap.toExponential(2)}`);
    expect(gap).toBeLessThanOrEqual(EXACT_TABLE_TOLERANCE);
  });

  it('gives the same values from a table cut into chunks, down to 2 coalitions per chunk', async () => {
    const gpu = await testGpu();
    for (const [n, maxChunkBytes] of [
      [11, 8 * 2 ** 4], // 128 chunks of 16 coalitions: players 4..10 pair across chunks
      [11, 8 * 2 ** 9 + 100], // 4 chunks, a limit that is not a power of two
      [6, 16], // 32 chunks of 2 coalitions
    ]) {
      const values = randomTable(n, 31 * n + maxChunkBytes);
      const expected = exactShapleyOfPlayers(values, n, everyone(n));
      const got = await exactShapleyOfTableGpu(gpu, values, n, undefined, { maxChunkBytes });
      expect([n, maxChunkBytes, relativeGap(got, expected, values) <= EXACT_TABLE_TOLERANCE]).toEqual([n, maxChunkBytes, true]);
    }
  });

  it('gives the same values when each workgroup loops over several tiles', async () => {
    const gpu = await testGpu();
    const n = 14; // 32 tiles of 256 pairs per player
    const values = randomTable(n, 4);
    const expected = exactShapleyOfPlayers(values, n, everyone(n));
    for (const workgroupsPerPlayer of [1, 3, 7]) {
      const got = await exactShapleyOfTableGpu(gpu, values, n, undefined, { workgroupsPerPlayer });
      expect([workgroupsPerPlayer, relativeGap(got, expected, values) <= EXACT_TABLE_TOLERANCE]).toEqual([workgroupsPerPlayer, true]);
    }
    // Chunks and tile loops together: 4 chunks of 2^12 coalitions, 16 tiles each.
    const chunked = await exactShapleyOfTableGpu(gpu, values, n, undefined, { maxChunkBytes: 8 * 2 ** 12, workgroupsPerPlayer: 5 });
    expect(relativeGap(chunked, expected, values)).toBeLessThanOrEqual(EXACT_TABLE_TOLERANCE);
  });

  it('runs 2-D grids when the workgroups exceed one dimension', async () => {
    const gpu = await testGpu();
    const n = 13; // 16 workgroups per player
    const values = randomTable(n, 5);
    const got = await exactShapleyOfTableGpu(gpu, values, n, undefined, { maxWorkgroupsPerDimension: 5 });
    expect(relativeGap(got, exactShapleyOfPlayers(values, n, everyone(n)), values)).toBeLessThanOrEqual(EXACT_TABLE_TOLERANCE);
  });

  it('keeps small differences between large values (where plain f32 would lose them)', async () => {
    const gpu = await testGpu();
    const n = 9;
    // v = 10^6 + a few units: f32 spacing at 10^6 is 0.0625, so f32 values would be off by
    // up to 3 % of the differences; float-float pairs keep them.
    const values = randomTable(n, 9, (u) => 1e6 + 3 * u());
    const expected = exactShapleyOfPlayers(values, n, everyone(n));
    const got = await exactShapleyOfTableGpu(gpu, values, n);
    for (let i = 0; i < n; i++) expect(Math.abs(got[i] - expected[i])).toBeLessThanOrEqual(EXACT_TABLE_TOLERANCE * 1e6);
    // And values far outside f32's range, by scaling.
    const huge = randomTable(n, 10, (u) => 1e300 * (u() - 0.5));
    expect(relativeGap(await exactShapleyOfTableGpu(gpu, huge, n), exactShapleyOfPlayers(huge, n, everyone(n)), huge)).toBeLessThanOrEqual(EXACT_TABLE_TOLERANCE);
    const tiny = randomTable(n, 11, (u) => 1e-300 * u());
    expect(relativeGap(await exactShapleyOfTableGpu(gpu, tiny, n), exactShapleyOfPlayers(tiny, n, everyone(n)), tiny)).toBeLessThanOrEqual(EXACT_TABLE_TOLERANCE);
  });

  it('gives integer tables exactly the CPU’s values, and takes Float32Array tables', async () => {
    const gpu = await testGpu();
    const n = 10;
    const values = randomTable(n, 12, (u) => Math.floor(1000 * u()));
    values[0] = 0;
    expect(await exactShapleyOfTableGpu(gpu, values, n)).toEqual(exactShapleyOfPlayers(values, n, everyone(n)));
    // Box 3-style check with a closed form: v(S) = |S|² gives every player (n² )/n = n.
    const squares = Float32Array.from({ length: 2 ** n }, (_, mask) => {
      let size = 0;
      for (let m = mask; m > 0; m >>>= 1) size += m & 1;
      return size * size;
    });
    expect(Array.from(await exactShapleyOfTableGpu(gpu, squares, n))).toEqual(new Array(n).fill(n));
  });

  it('returns the listed players in their order, repeats included', async () => {
    const gpu = await testGpu();
    const n = 8;
    const values = randomTable(n, 13);
    const players = [7, 0, 3, 3, 5];
    const expected = exactShapleyOfPlayers(values, n, players);
    const got = await exactShapleyOfTableGpu(gpu, values, n, players);
    expect(got).toHaveLength(players.length);
    expect(relativeGap(got, expected, values)).toBeLessThanOrEqual(EXACT_TABLE_TOLERANCE);
    expect(got[2]).toBe(got[3]);
    expect(await exactShapleyOfTableGpu(gpu, values, n, [])).toEqual(new Float64Array(0));
    expect(await exactShapleyOfTableGpu(gpu, new Float64Array([4]), 0)).toEqual(new Float64Array(0));
  });

  it('refuses bad arguments, naming them', async () => {
    const gpu = await testGpu();
    const values = randomTable(3, 14);
    await expect(exactShapleyOfTableGpu(gpu, values, 4)).rejects.toThrow(/^values: a table of 4 players needs 2\^4 = 16 values, got 8/);
    await expect(exactShapleyOfTableGpu(gpu, values, 3, [0, 3])).rejects.toThrow(/^players, item 2: must be a player index from 0 to 2, got 3/);
    await expect(exactShapleyOfTableGpu(gpu, values, 3, [0.5])).rejects.toThrow(EngineInputError);
    const bad = Float64Array.from(values);
    bad[5] = NaN;
    await expect(exactShapleyOfTableGpu(gpu, bad, 3)).rejects.toThrow(/^values, item 6: v of coalition mask 5 is not a finite number/);
    await expect(exactShapleyOfTableGpu(gpu, values, 3, undefined, { maxChunkBytes: 8 })).rejects.toThrow(/options\.maxChunkBytes/);
  });
});
