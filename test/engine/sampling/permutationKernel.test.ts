import fc from 'fast-check';
import { tableGame } from '../../../src/engine/games/table';
import { votingGame } from '../../../src/engine/games/voting';
import { drawPermutation } from '../../../src/engine/random/permutation';
import { PermutationBatches, permutationKernel, permutationsPerDraw } from '../../../src/engine/random/permutationBatches';
import { PERMUTATIONS_WASM } from '../../../src/engine/random/permutationsWasm.generated';
import { seedKey } from '../../../src/engine/random/philox';
import { permutationShapley } from '../../../src/engine/shapley/sampling';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const build = require('../../../scripts/build-wasm.js') as { compile(): Buffer; moduleText(bytes: Buffer): string; TARGET: string };

/** The TypeScript engine's permutations first .. first+count−1, one after the other. */
function typescriptOrders(k0: number, k1: number, first: number, count: number, n: number, stream: number): number[] {
  const out: number[] = [];
  const order = new Int32Array(n);
  const words = new Int32Array(4);
  for (let s = 0; s < count; s++) {
    drawPermutation(k0, k1, first + s, n, order, words, stream);
    out.push(...order);
  }
  return out;
}

describe('the WebAssembly permutation kernel', () => {
  afterEach(() => permutationKernel(true));

  it('is what assembly/permutations.ts compiles to (npm run build:wasm)', () => {
    const bytes = build.compile();
    expect(Buffer.from(PERMUTATIONS_WASM).equals(bytes)).toBe(true);
  }, 120_000);

  it('loads here (Node has WebAssembly), and can be turned off', () => {
    expect(permutationKernel()).toBe('webassembly');
    expect(permutationKernel(false)).toBe('typescript');
    expect(permutationKernel(true)).toBe('webassembly');
  });

  it('draws the TypeScript engine’s permutations bit for bit: any key, index (past 2^32 too), size and stream', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 2 ** 32 - 5, max: 2 ** 32 + 5 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER - 100 })),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 1, max: 40 }),
        fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 ** 32 - 1 })),
        (seed, first, n, count, stream) => {
          const [k0, k1] = seedKey(seed);
          const wasm = Array.from(new PermutationBatches(n, k0, k1, stream).draw(first, Math.min(count, permutationsPerDraw(n))));
          expect(wasm).toEqual(typescriptOrders(k0, k1, first, Math.min(count, permutationsPerDraw(n)), n, stream));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stops a shuffle after the steps asked for, as the TypeScript draw does, its top places those of the whole permutation', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 0, max: 120 }), fc.double({ min: 0, max: 1, noNaN: true }), (seed, first, n, share) => {
        const [k0, k1] = seedKey(seed);
        const swaps = Math.floor(share * Math.max(0, n - 1));
        const count = 3;
        const stopped = Array.from(new PermutationBatches(n, k0, k1, 9).draw(first, count, swaps));
        const whole = typescriptOrders(k0, k1, first, count, n, 9);
        const order = new Int32Array(n);
        for (let s = 0; s < count; s++) {
          drawPermutation(k0, k1, first + s, n, order, new Int32Array(4), 9, swaps);
          expect(stopped.slice(s * n, (s + 1) * n)).toEqual(Array.from(order));
          expect(stopped.slice((s + 1) * n - swaps, (s + 1) * n)).toEqual(whole.slice((s + 1) * n - swaps, (s + 1) * n));
          expect([...stopped.slice(s * n, (s + 1) * n)].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('grows its memory for large draws, and the TypeScript fallback gives the same orders', () => {
    const [k0, k1] = seedKey(2 ** 40 + 3);
    const n = 70_000; // one permutation a draw, past the kernel's first page
    expect(permutationsPerDraw(n)).toBe(1);
    const wasm = Array.from(new PermutationBatches(n, k0, k1).draw(12345, 1));
    permutationKernel(false);
    const fallback = Array.from(new PermutationBatches(n, k0, k1).draw(12345, 1));
    expect(wasm).toEqual(fallback);
    expect([...wasm].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
  });

  it('leaves sampled Shapley values, standard errors and Owen values unchanged, bit for bit', () => {
    const values = Float64Array.from({ length: 2 ** 9 }, (_, mask) => Math.sin(mask) * 50 + mask / 7);
    const weights = [9, 7, 5, 5, 3, 2, 2, 1, 1, 1, 1];
    const runs = [
      () => permutationShapley(tableGame(values, 9), { seed: 11, maxPermutations: 3000 }),
      () => permutationShapley(tableGame(values, 9), { seed: 2 ** 45 + 1, maxPermutations: 1001, antithetic: true }),
      () => permutationShapley(votingGame(weights, 20), { seed: 5, maxPermutations: 700, unions: ['a', 'a', 'b', 'c', 'b', 'c', 'a', 'd', 'd', 'd', 'e'] }),
    ];
    for (const run of runs) {
      permutationKernel(true);
      const wasm = run();
      permutationKernel(false);
      const typescript = run();
      expect(Array.from(wasm.values)).toEqual(Array.from(typescript.values));
      expect(Array.from(wasm.standardErrors)).toEqual(Array.from(typescript.standardErrors));
    }
  });
});
