import { EngineInputError } from '../../../src/engine/errors';
import { randomPermutation } from '../../../src/engine/random/permutation';
import { seedKey } from '../../../src/engine/random/philox';
import { philoxReferenceBig } from './philoxReference';

/**
 * The drawing recipe written out with BigInt, from its description (the one a GPU kernel must
 * follow): Fisher–Yates from the top, word t of permutation k taken from Philox block
 * (k mod 2^32, k div 2^32, t div 4, 0), word t mod 4, r = floor(u·(j+1) / 2^32).
 */
function referencePermutation(seed: number, k: number, n: number): number[] {
  const mask = 0xffffffffn;
  const key = [BigInt(seed) & mask, BigInt(seed) >> 32n];
  const order = [...Array(n).keys()];
  let t = 0;
  let block: bigint[] = [];
  for (let j = n - 1; j >= 1; j--) {
    if (t % 4 === 0) block = philoxReferenceBig([BigInt(k) & mask, BigInt(k) >> 32n, BigInt(t / 4), 0n], key);
    const u = block[t % 4];
    t++;
    const r = Number((u * BigInt(j + 1)) >> 32n);
    [order[j], order[r]] = [order[r], order[j]];
  }
  return order;
}

const draw = (seed: number, k: number, n: number): number[] => Array.from(randomPermutation(seedKey(seed), k, n, new Int32Array(n)));

describe('randomPermutation', () => {
  it('follows the documented recipe exactly (the one the GPU kernel replicates)', () => {
    const cases: Array<[number, number, number]> = [
      [0, 0, 10],
      [1, 1, 2],
      [12345, 678, 21],
      [2 ** 40 + 3, 2 ** 35 + 17, 9],
      [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 33],
    ];
    for (const [seed, k, n] of cases) expect(draw(seed, k, n)).toEqual(referencePermutation(seed, k, n));
    for (let k = 0; k < 200; k++) expect(draw(99, k, 1 + (k % 40))).toEqual(referencePermutation(99, k, 1 + (k % 40)));
  });

  it('always returns a permutation of 0..n-1', () => {
    for (let n = 0; n <= 64; n++) {
      for (let k = 0; k < 20; k++) {
        const order = draw(7, k * 1000 + n, n);
        expect([...order].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
      }
    }
  });

  it('draws the 24 orders of 4 players uniformly (chi-square, 23 degrees of freedom)', () => {
    const draws = 24_000;
    const counts = new Map<string, number>();
    for (let k = 0; k < draws; k++) {
      const key = draw(20240501, k, 4).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(24);
    const expected = draws / 24;
    let chiSquare = 0;
    for (const c of counts.values()) chiSquare += (c - expected) ** 2 / expected;
    // 0.1% and 99.9% quantiles of chi-square(23): a fit this bad, or this suspiciously good,
    // happens once in a thousand seeds.
    expect(chiSquare).toBeGreaterThan(7.53);
    expect(chiSquare).toBeLessThan(49.73);
  });

  it('puts each player in each of 10 positions equally often (chi-square, 9 degrees of freedom)', () => {
    const n = 10;
    const draws = 20_000;
    const atPosition = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (let k = 0; k < draws; k++) draw(31337, k, n).forEach((player, position) => atPosition[player][position]++);
    for (const positions of atPosition) {
      const expected = draws / n;
      const chiSquare = positions.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
      expect(chiSquare).toBeLessThan(27.88); // 99.9% quantile of chi-square(9)
    }
  });

  it('is a function of (seed, index): same inputs, same order; other seed or index, other order', () => {
    expect(draw(5, 77, 30)).toEqual(draw(5, 77, 30));
    expect(draw(5, 77, 30)).not.toEqual(draw(6, 77, 30));
    expect(draw(5, 77, 30)).not.toEqual(draw(5, 78, 30));
    // Seeds and indices that agree in their low 32 bits still give different orders.
    expect(draw(5, 77, 30)).not.toEqual(draw(5 + 2 ** 32, 77, 30));
    expect(draw(5, 77, 30)).not.toEqual(draw(5, 77 + 2 ** 32, 30));
    let distinct = 0;
    for (let seed = 0; seed < 50; seed++) if (draw(seed, 0, 12).join() !== draw(seed + 50, 0, 12).join()) distinct++;
    expect(distinct).toBe(50);
  });

  it('fills the array it is given and accepts a key given as plain numbers', () => {
    const out = new Int32Array(8);
    expect(randomPermutation([3, 0], 9, 8, out)).toBe(out);
    expect(Array.from(out)).toEqual(draw(3, 9, 8));
  });

  it.each([
    ['permutationIndex', () => randomPermutation(seedKey(1), -1, 4, new Int32Array(4))],
    ['permutationIndex', () => randomPermutation(seedKey(1), 0.5, 4, new Int32Array(4))],
    ['permutationIndex', () => randomPermutation(seedKey(1), 2 ** 53, 4, new Int32Array(4))],
    ['players', () => randomPermutation(seedKey(1), 0, -2, new Int32Array(4))],
    ['out', () => randomPermutation(seedKey(1), 0, 5, new Int32Array(4))],
  ])('rejects a bad %s', (field, call) => {
    expect(call).toThrow(EngineInputError);
    expect(call).toThrow(expect.objectContaining({ field }));
  });
});
