import fc from 'fast-check';
import { bestHolderScores, GROUP_OUTPUTS, itemTile } from '../../../src/engine/attribution/bestHolderScores';
import { holderScoresKernel } from '../../../src/engine/attribution/holderScoresKernel';
import { HOLDER_SCORES_WASM } from '../../../src/engine/attribution/holderScoresWasm.generated';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const build = require('../../../scripts/build-wasm.js') as { compile(name: string): Buffer };

interface Scores {
  rows: Float32Array;
  groups: number;
  d: number;
  items: Float32Array;
  itemCount: number;
  holderOfItem: Int32Array;
  holderCount: number;
}

/** The best scores by the kernel (allow) or the TypeScript loops, into a buffer prefilled with NaN. */
function scoresBy(allow: boolean, c: Scores): Float64Array {
  holderScoresKernel(allow);
  const best = new Float64Array(c.groups * GROUP_OUTPUTS * c.holderCount).fill(NaN);
  bestHolderScores(c.rows, c.groups, c.d, c.items, c.itemCount, c.holderOfItem, c.holderCount, best);
  return best;
}

/** float32 components of every kind a caller could pass: unit-row sized, large, tiny, zero, −0. */
const component = fc.oneof(
  fc.float({ min: -1, max: 1, noNaN: true }),
  fc.constantFrom(0, -0, 1, -1, 2 ** -140, -(2 ** -126), 3.4e38, -3.4e38, 1e-20),
  fc.float({ noNaN: true, noDefaultInfinity: true }),
);

const scoresCase: fc.Arbitrary<Scores> = fc
  .record({ groups: fc.integer({ min: 1, max: 3 }), d: fc.integer({ min: 1, max: 40 }), itemCount: fc.integer({ min: 1, max: 23 }), holderCount: fc.integer({ min: 1, max: 6 }) })
  .chain(({ groups, d, itemCount, holderCount }) =>
    fc.record({
      rows: fc.array(component, { minLength: groups * GROUP_OUTPUTS * d, maxLength: groups * GROUP_OUTPUTS * d }).map((xs) => Float32Array.from(xs)),
      items: fc.array(component, { minLength: itemCount * d, maxLength: itemCount * d }).map((xs) => Float32Array.from(xs)),
      holderOfItem: fc.array(fc.integer({ min: 0, max: holderCount - 1 }), { minLength: itemCount, maxLength: itemCount }).map((xs) => Int32Array.from(xs)),
      groups: fc.constant(groups),
      d: fc.constant(d),
      itemCount: fc.constant(itemCount),
      holderCount: fc.constant(holderCount),
    }),
  );

function expectSameBits(a: Float64Array, b: Float64Array): void {
  expect(a.length).toBe(b.length);
  const differing = [];
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) differing.push(i);
  expect(differing).toEqual([]);
}

describe('the similarity kernel (WebAssembly SIMD): the TypeScript loops’ scores, bit for bit', () => {
  afterEach(() => holderScoresKernel(true));

  it('is what assembly/holderScores.ts compiles to (npm run build:wasm), small enough to compile on a page’s main thread', () => {
    expect(Buffer.from(HOLDER_SCORES_WASM).equals(build.compile('holderScores'))).toBe(true);
    expect(HOLDER_SCORES_WASM.length).toBeLessThan(4096);
  }, 120_000);

  it('loads here (Node has WebAssembly SIMD), and can be turned off', () => {
    expect(holderScoresKernel()).toBe('webassembly');
    expect(holderScoresKernel(false)).toBe('typescript');
    expect(holderScoresKernel(true)).toBe('webassembly');
  });

  it('gives the same bits as the TypeScript on random rows of any float32 values, any shape', () => {
    fc.assert(
      fc.property(scoresCase, (c) => {
        expectSameBits(scoresBy(true, c), scoresBy(false, c));
      }),
      { numRuns: 400 },
    );
  });

  it('gives the same bits across item tiles, 4-item steps with 1 to 3 left over, groups and holders without items', () => {
    let seed = 11;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647) * 2 - 1;
    for (const [d, itemCount] of [
      [301, 437], // tiles of 216 items: two tile boundaries, 1 item left over in the last tile
      [512, 130], // tiles of 64: 2 left over
      [3, 20_003], // one tile of 10,922 and a second: 3 left over
      [1, 5],
    ]) {
      expect(itemTile(d)).toBeGreaterThan(1);
      const groups = 3;
      const holderCount = 9;
      const c: Scores = {
        rows: Float32Array.from({ length: groups * GROUP_OUTPUTS * d }, random),
        groups,
        d,
        items: Float32Array.from({ length: itemCount * d }, random),
        itemCount,
        holderOfItem: Int32Array.from({ length: itemCount }, (_, j) => (j * 7) % (holderCount - 2)), // the last two holders have none
        holderCount,
      };
      const kernel = scoresBy(true, c);
      expectSameBits(kernel, scoresBy(false, c));
      // Holders without items keep 0, and some scores are positive: the comparison is not vacuous.
      for (let g = 0; g < groups; g++) for (let lane = 0; lane < 4; lane++) expect(kernel[(g * holderCount + holderCount - 1) * 4 + lane]).toBe(0);
      expect(kernel.some((s) => s > 0)).toBe(true);
    }
  });

  it('a second, smaller call after a larger one gives its own scores (the kernel’s memory is reused)', () => {
    const big: Scores = { rows: new Float32Array(2 * 4 * 8).fill(0.25), groups: 2, d: 8, items: new Float32Array(50 * 8).fill(0.5), itemCount: 50, holderOfItem: new Int32Array(50), holderCount: 3 };
    const small: Scores = { rows: new Float32Array(4 * 2).fill(1), groups: 1, d: 2, items: Float32Array.of(0.5, 0.25), itemCount: 1, holderOfItem: Int32Array.of(1), holderCount: 2 };
    scoresBy(true, big);
    expect(Array.from(scoresBy(true, small))).toEqual([0, 0, 0, 0, 0.75, 0.75, 0.75, 0.75]);
  });

  it('refuses a holder index outside [0, holderCount), naming the item, which the kernel would not ignore', () => {
    const c: Scores = { rows: new Float32Array(4), groups: 1, d: 1, items: Float32Array.of(1, 1, 1), itemCount: 3, holderOfItem: Int32Array.of(0, 1, 2), holderCount: 2 };
    expect(() => scoresBy(true, c)).toThrow('bestHolderScores: item 2 has holder 2, outside [0, 2)');
  });
});
